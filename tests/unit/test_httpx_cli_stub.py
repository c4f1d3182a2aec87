"""httpx's command-line client stays unloaded under our package, and still works when called."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_importing_httpx_after_scraper_skips_its_cli_dependencies() -> None:
    result = _python(
        "import sys, scraper, httpx\n"
        "print(sorted(m for m in ('rich', 'pygments') if m in sys.modules))\n"
        "print(httpx.AsyncClient.__name__)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "AsyncClient"]


def test_httpx_main_still_runs_the_real_cli() -> None:
    result = _python("import sys, scraper, httpx\nsys.argv = ['httpx', '--help']\nhttpx.main()\n")
    assert result.returncode == 0, result.stderr
    assert "Usage: httpx" in result.stdout


def test_nothing_is_replaced_once_httpx_is_loaded() -> None:
    result = _python(
        "import sys, httpx\n"
        "from scraper import httpx_cli_stub\n"
        "print(httpx_cli_stub.install(), 'rich' in sys.modules)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_any_other_name_loads_the_real_module() -> None:
    result = _python(
        "import sys, scraper, httpx\n"
        "from httpx._main import print_help\n"
        "print(callable(print_help), 'rich' in sys.modules)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
