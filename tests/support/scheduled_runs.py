"""Helpers for the scheduled-run tests: config files, real `blogarchive run` subprocesses, dumps."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from archive.db import Archive
from scraper.core.config import Config
from scraper.core.models import RunReport
from scraper.demo import DemoServer
from scraper.run.pipeline import run_once
from scraper.run.progress import QuietReporter

REPO = Path(__file__).resolve().parents[2]
# Blogger posts end in .html; WordPress posts are /YYYY/MM/DD/slug/.
POST_PATH = re.compile(r"^/\d{4}/\d{2}/(?:[^/?]+\.html|\d{2}/[^/?]+/)$")


def run_in_process(
    config: Config, db: Path, *, now: datetime | None = None, force: bool = False
) -> RunReport:
    """One `run_once` over `db` in this process (quiet, one parse worker), under the run lock."""
    with Archive.open(db) as archive, archive.lock():
        return asyncio.run(
            run_once(
                config, archive, reporter=QuietReporter(), parse_workers=1, now=now, force=force
            )
        )


def write_config(
    server: DemoServer, folder: Path, *, every: str = "6h", extra: Iterable[str] = ()
) -> Path:
    """A config for both demo sites; revisit all known posts on every run unless `extra` says."""
    lines = [
        "[fetch]",
        'user_agent = "blogarchive-tests/0.1"',
        "delay = 0",
        "timeout = 10",
        "concurrency = 8",
        "per_host_concurrency = 4",
        *extra,
    ]
    if not any(line.strip() == "[revisit]" for line in extra):
        lines += ["[revisit]", 'middle_every = "0s"', 'old_every = "0s"']
    for site in server.sites:
        lines += ["[[sites]]", f'name = "{site.name}"', f'url = "{site.base_url}"']
        lines.append(f'every = "{every}"')
    path = folder / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_command(config: Path, db: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "scraper",
        "run",
        "--config",
        str(config),
        "--db",
        str(db),
        *extra,
    ]


def start_run(config: Path, db: Path, *extra: str) -> subprocess.Popen[str]:
    """`blogarchive run` as a real process (not on a terminal: stdout/stderr are pipes)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        run_command(config, db, *extra),
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_to_end(config: Path, db: Path, *extra: str, timeout: float = 60) -> tuple[int, str, str]:
    with start_run(config, db, *extra) as process:
        out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def post_paths(log: Iterable[tuple[str, str, int]]) -> list[str]:
    return [path for _method, path, _status in log if POST_PATH.match(path)]


def query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchall()


def archive_dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """What must not depend on how a run was interrupted: content, structure, flags, counts."""
    return {
        "posts": query(
            db,
            "SELECT id, site, url, platform, title, author, published_at, text,"
            " comment_count_shown, comments_archived, thread_complete FROM posts ORDER BY id",
        ),
        "comments": query(
            db,
            "SELECT id, post_id, platform_id, parent_id, depth, position, kind, author,"
            " author_url, published_at, text, deleted, by_post_author, removed_at IS NULL"
            " FROM comments ORDER BY id",
        ),
        "versions": query(
            db,
            "SELECT (SELECT count(*) FROM post_versions), (SELECT count(*) FROM comment_versions),"
            " (SELECT count(*) FROM pages)",
        ),
    }
