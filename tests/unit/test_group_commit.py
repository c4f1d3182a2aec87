"""Group commit: pages share a transaction, each stays all-or-nothing, a kill loses only queued work."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archive.db import Archive
from scraper.group_commit import GroupCommit


def _archive(tmp_path: Path) -> Archive:
    archive = Archive.open(tmp_path / "a.db")
    archive.ensure_site("s", "http://example.test/", "auto")
    archive.frontier_add("s", [(f"http://example.test/{i}", "post") for i in range(10)])
    return archive


def _done_seen_elsewhere(path: Path) -> int:
    """Frontier entries marked done, as another connection (a reader, the next run) sees them."""
    conn = sqlite3.connect(path)
    try:
        query = "SELECT count(*) FROM frontier WHERE status != 'pending'"
        return int(conn.execute(query).fetchone()[0])
    finally:
        conn.close()


def _page(archive: Archive, commits: GroupCommit, i: int) -> None:
    commits.begin()
    with archive.batch():
        archive.frontier_done("s", f"http://example.test/{i}", "ok")
    commits.page_done()


def test_pages_commit_together_when_the_group_is_full(tmp_path: Path) -> None:
    with _archive(tmp_path) as archive:
        commits = GroupCommit(archive, max_pages=3, max_seconds=60)
        _page(archive, commits, 0)
        _page(archive, commits, 1)
        assert _done_seen_elsewhere(archive.path) == 0
        _page(archive, commits, 2)
        assert _done_seen_elsewhere(archive.path) == 3
        _page(archive, commits, 3)
        commits.commit()
        assert _done_seen_elsewhere(archive.path) == 4
        commits.commit()  # nothing open: nothing to do


def test_a_failing_page_rolls_back_alone(tmp_path: Path) -> None:
    def failing_page(archive: Archive) -> None:
        with archive.batch():
            archive.frontier_done("s", "http://example.test/1", "ok")
            raise RuntimeError("store bug on this page")

    with _archive(tmp_path) as archive:
        commits = GroupCommit(archive, max_pages=10, max_seconds=60)
        _page(archive, commits, 0)
        commits.begin()
        with pytest.raises(RuntimeError):
            failing_page(archive)
        _page(archive, commits, 2)
        commits.commit()
        statuses = dict(
            archive.conn.execute("SELECT url, status FROM frontier WHERE url LIKE '%/_'")
        )
    assert statuses["http://example.test/0"] == "ok"
    assert statuses["http://example.test/1"] == "pending"
    assert statuses["http://example.test/2"] == "ok"


_KILLED = """
import os, sys
from archive.db import Archive
from scraper.group_commit import GroupCommit
archive = Archive.open(sys.argv[1])
commits = GroupCommit(archive, max_pages=2, max_seconds=60)
for i in range(3):
    commits.begin()
    with archive.batch():
        archive.frontier_done("s", f"http://example.test/{i}", "ok")
    commits.page_done()
os._exit(0)  # killed: the third page's group never commits
"""


def test_a_killed_run_loses_only_the_open_group_and_those_pages_stay_queued(
    tmp_path: Path,
) -> None:
    _archive(tmp_path).close()
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", _KILLED, str(tmp_path / "a.db")], check=True, cwd=root)
    with Archive.open(tmp_path / "a.db") as again:
        pending = [url for url, _ in again.frontier_pending("s", 100)]
        assert pending[0] == "http://example.test/2"
        assert _done_seen_elsewhere(again.path) == 2


def test_an_idle_group_is_committed_by_the_timer(tmp_path: Path) -> None:
    async def scenario(archive: Archive) -> tuple[int, int]:
        commits = GroupCommit(archive, max_pages=100, max_seconds=0.05)
        _page(archive, commits, 0)
        before = _done_seen_elsewhere(archive.path)
        await asyncio.sleep(0.3)
        return before, _done_seen_elsewhere(archive.path)

    with _archive(tmp_path) as archive:
        assert asyncio.run(scenario(archive)) == (0, 1)
        assert not archive.conn.in_transaction
