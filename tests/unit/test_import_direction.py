"""The pipeline's import direction, written down once and enforced.

    core  ←  fetch · discover · parse  ←  threads · run · app  ←  cli
    archive imports only scraper.core; nothing but the CLI imports both packages.

Parsing and archiving never touch the network (no httpx); parsers never touch the database.
Every import counts, also those inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What each part of the code may import of ours (besides itself).
ALLOWED: dict[str, set[str]] = {
    "scraper.core": set(),
    "scraper.fetch": {"scraper.core"},
    "scraper.discover": {"scraper.core"},
    "scraper.parse": {"scraper.core"},
    "scraper.threads": {"scraper.core", "scraper.parse", "scraper.discover"},
    "scraper.run": {
        "scraper.core",
        "scraper.fetch",
        "scraper.discover",
        "scraper.parse",
        "scraper.threads",
    },
    "scraper.app": {
        "scraper.core",
        "scraper.fetch",
        "scraper.parse",
        "scraper.run",
        "scraper.demo",
    },
    "scraper.demo": {"scraper.core"},
    # Celery workers and the scheduler: they run the pipeline; the archive is handed in.
    "scraper.distributed": {"scraper.core", "scraper.fetch", "scraper.run"},
    "archive": {"scraper.core"},
}
# The one documented exception: config checks a site's `platform` against the parser
# registry (the single source of platform names), importing it only when a site names one.
EXCEPTIONS = {("scraper.core.config", "scraper.parse.platforms")}
# Third-party modules a part must never import.
FORBIDDEN: dict[str, set[str]] = {
    "scraper.parse": {"httpx", "sqlite3", "sqlite_utils"},
    "scraper.discover": {"httpx", "sqlite3", "sqlite_utils"},
    "scraper.threads": {"httpx", "sqlite3", "sqlite_utils"},
    "scraper.distributed": {"sqlite3", "sqlite_utils"},
    "scraper.core": {"httpx", "bs4", "lxml", "sqlite_utils"},
    "archive": {"httpx"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _part(module: str) -> str | None:
    return next(
        (
            part
            for part in sorted(ALLOWED, key=len, reverse=True)
            if module == part or module.startswith(part + ".")
        ),
        None,
    )


MODULES = sorted(p for d in ("scraper", "archive") for p in (ROOT / d).rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[_module_name(p) for p in MODULES])
def test_imports_follow_the_pipeline(path: Path) -> None:
    module = _module_name(path)
    part = _part(module)
    if part is None:  # scraper, scraper.cli, scraper.__main__: the edge wires everything
        return
    for imported in _imports(path):
        root = imported.split(".")[0]
        assert root not in FORBIDDEN.get(part, set()), f"{module} imports {imported}"
        if root not in ("scraper", "archive"):
            continue
        target = _part(imported) or imported
        if target == part or (module, target) in EXCEPTIONS or (module, imported) in EXCEPTIONS:
            continue
        assert target in ALLOWED[part], f"{module} imports {imported}"


def test_every_module_belongs_to_a_part_or_the_edge() -> None:
    edge = {"scraper", "scraper.cli", "scraper.__main__"}
    assert {_module_name(p) for p in MODULES if _part(_module_name(p)) is None} == edge
