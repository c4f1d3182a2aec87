"""Shared bench plumbing: config files, scraper runs in fresh processes measured whole, RESULTS.md."""

from __future__ import annotations

import compileall
import contextlib
import ctypes
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
_PR_SET_CHILD_SUBREAPER = 36
# Demo post pages: Blogger /YYYY/MM/slug.html, WordPress /YYYY/MM/DD/slug/.
POST_PATH = re.compile(r"^/\d{4}/\d{2}/(?:[^/?]+\.html|\d{2}/[^/?]+/)$")


@dataclass(frozen=True)
class Measured:
    """One scraper process tree: wall time, CPU of every process in it, the main one's peak RSS."""

    code: int
    wall: float
    cpu: float
    peak_rss_mb: float
    output: dict[str, Any]


def own_peak_rss_mb() -> float:
    """This process's own peak RSS: VmHWM of its address space (ru_maxrss off Linux).

    `ru_maxrss` is not it for a process we spawned: exec keeps the spawning process's peak
    (Linux records the old address space's high-water mark, and fork/vfork's old address space
    is the parent's), so a scrape started by a bench that serves 10,000 demo pages would report
    the bench's memory, not its own.
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def compile_sources(root: Path = ROOT) -> None:
    """Byte-compile our packages, as `pip install` does, before timing processes that load them.

    Scrapes run from this checkout; where PYTHONDONTWRITEBYTECODE is set (it is on our shared
    machines) every process would otherwise compile our modules from source again, a cost no
    installed copy pays: it is a tenth of a run that only gets 304s.
    """
    for package in ("scraper", "archive"):
        compileall.compile_dir(root / package, quiet=1)


def become_subreaper() -> None:
    """Adopt orphaned descendants (the parse pool's forkserver), so their CPU time is counted."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def write_config(
    path: Path,
    sites: Iterable[tuple[str, str]],
    *,
    delay: float,
    concurrency: int,
    per_host: int,
    revisit_all: bool = True,
) -> Path:
    lines = [
        "[fetch]",
        'user_agent = "blogarchive-bench/0.1"',
        f"delay = {delay}",
        f"concurrency = {concurrency}",
        f"per_host_concurrency = {per_host}",
        "timeout = 30",
        "[run]",
        'time_budget = "2h"',
    ]
    if revisit_all:  # every known post is looked at again: the 304 path is what is measured
        lines += ["[revisit]", 'recent_every = "0s"', 'middle_every = "0s"', 'old_every = "0s"']
    for name, url in sites:
        lines += ["[[sites]]", f'name = "{name}"', f'url = "{url}"', "max_pages = 100000"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def measure(command: Sequence[str], root: Path = ROOT) -> Measured:
    """Run a command in checkout `root` to the end; CPU covers it and every descendant (reaped
    here as orphans).

    The child prints one JSON object as its last stdout line, if it has something to report;
    its `peak_rss_mb` (see `own_peak_rss_mb`) wins over wait4's ru_maxrss, which includes our
    own peak at the time we spawned it.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=None,
        text=True,
    )
    assert process.stdout is not None
    out = process.stdout.read()
    process.stdout.close()
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    _reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    output = json.loads(lines[-1]) if lines else {}
    peak = float(output.get("peak_rss_mb") or usage.ru_maxrss / 1024)
    return Measured(process.returncode, wall, cpu, peak, output)


def _reap_orphans(timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.01)


def scraper_run(config: Path, db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "scraper", "run", "--quiet", "--config", str(config),
            "--db", str(db), *extra]  # fmt: skip


def query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchall()


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def write_section(name: str, body: str, path: Path = RESULTS) -> None:
    """Replace (or append) the `<!-- name:start -->…<!-- name:end -->` section of RESULTS.md."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Bench results\n"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


class DemoHosts:
    """`hosts` demo blogs on 127.0.0.1, each its own host:port (so each is paced on its own),
    served while the context is open; counts each host's requests for the politeness bound."""

    def __init__(self, stack: contextlib.ExitStack, hosts: int, posts: int) -> None:
        from scraper.demo import DemoServer

        self.servers = [
            stack.enter_context(DemoServer(extra_posts=posts, seed=7 + n))
            for n in range((hosts + 1) // 2)
        ]
        self.sites = [
            (f"{site.name}-{n}", site.base_url)
            for n, server in enumerate(self.servers)
            for site in server.sites
        ][:hosts]

    def requests(self) -> dict[str, int]:
        """Requests answered so far, per host."""
        return {
            f"{number}:{site}": count
            for number, server in enumerate(self.servers)
            for site, count in server.requests_by_site().items()
        }

    def busiest_since(self, before: dict[str, int]) -> int:
        """The most requests any one host answered since `before` (a `requests()` result)."""
        after = self.requests()
        return max(after[key] - before.get(key, 0) for key in after)
