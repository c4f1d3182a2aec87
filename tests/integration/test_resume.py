"""A `blogarchive run` SIGKILLed at any point resumes to the archive an uninterrupted run makes."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from scheduled_runs import (
    archive_dump,
    post_paths,
    query,
    run_to_end,
    start_run,
    write_config,
)

from scraper.demo import DemoServer

EXTRA_POSTS = 45  # per site: about 100 posts in all

Log = list[tuple[str, str, int]]
Ready = Callable[[Log, Path], bool]


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer(extra_posts=EXTRA_POSTS, latency=0.003) as running:
        yield running


@pytest.fixture(scope="module")
def reference(server: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reference")
    db = folder / "archive.db"
    code, _out, err = run_to_end(write_config(server, folder), db)
    assert code == 0, err
    return db


def _total_posts(reference: Path) -> int:
    return int(query(reference, "SELECT count(*) FROM posts")[0][0])


def _kill_when(server: DemoServer, config: Path, db: Path, ready: Ready) -> tuple[Log, int]:
    """Start a run, SIGKILL it once the requests it made satisfy `ready`; its requests."""
    start = server.request_count()
    process = start_run(config, db)
    try:
        deadline = time.monotonic() + 30
        while not ready(server.request_log()[start:], db):
            assert process.poll() is None, "the run ended before the kill point"
            assert time.monotonic() < deadline, "the kill point was never reached"
            time.sleep(0.001)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=10)
        process.communicate()
    time.sleep(0.05)  # requests the server was still answering land in the log
    return server.request_log()[start:], process.returncode


def _archived_now(db: Path) -> int:
    """Posts committed so far by the running process (0 before its schema exists)."""
    if not db.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn:
            return int(conn.execute("SELECT count(*) FROM posts").fetchone()[0])
    except sqlite3.Error:
        return 0


def _during_discovery(log: Log, db: Path) -> bool:
    return len(log) >= 2  # robots.txt and the home page: the first steps of discovery


def _mid_pages(log: Log, db: Path) -> bool:
    return _archived_now(db) >= 12


def _late(log: Log, db: Path) -> bool:
    return _archived_now(db) >= 2 * EXTRA_POSTS


@pytest.mark.parametrize(
    ("point", "ready"),
    [("discovery", _during_discovery), ("mid-pages", _mid_pages), ("late", _late)],
)
def test_killed_run_resumes_to_the_same_archive(
    server: DemoServer,
    reference: Path,
    tmp_path: Path,
    point: str,
    ready: Ready,
) -> None:
    config = write_config(server, tmp_path)
    db = tmp_path / "archive.db"
    killed_log, code = _kill_when(server, config, db, ready)
    assert code == -signal.SIGKILL

    archived = {
        row[0] for row in query(db, "SELECT source_url FROM posts")
    } if db.exists() else set()  # fmt: skip
    archived_paths = {"/" + url.split("/", 3)[3] for url in archived}
    total = _total_posts(reference)
    if point == "discovery":
        assert not post_paths(killed_log[:2]), "killed after post pages were asked for"
    else:
        assert 0 < len(archived) < total, f"{point}: {len(archived)} of {total} archived"

    start = server.request_count()
    code, _out, err = run_to_end(config, db)
    assert code == 0, err
    resumed = post_paths(server.request_log()[start:])

    # Pages the killed run archived are not fetched again; everything else is fetched once.
    assert not archived_paths & set(resumed), sorted(archived_paths & set(resumed))
    assert len(resumed) == len(set(resumed))
    assert archive_dump(db) == archive_dump(reference)
    assert (
        query(
            db,
            "SELECT url FROM fetches WHERE kind = 'post' AND status = 'ok'"
            " GROUP BY url HAVING count(*) > 1",
        )
        == []
    )
    assert query(db, "SELECT count(*) FROM frontier") == [(0,)]
    statuses = [row[0] for row in query(db, "SELECT status FROM runs ORDER BY id")]
    assert statuses[-1] == "ok"


def _frontier(db: Path, done: bool) -> set[str]:
    """Paths of the frontier's done (or pending) entries, as committed so far (read-only)."""
    if not db.exists():
        return set()
    op = "!=" if done else "="
    try:
        with contextlib.closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn:
            rows = conn.execute(f"SELECT url FROM frontier WHERE status {op} 'pending'")
            return {"/" + row[0].split("/", 3)[3] for row in rows}
    except sqlite3.Error:
        return set()


def test_killed_revisit_run_resumes_from_the_frontier(tmp_path: Path) -> None:
    """Revisits of known posts are queued in the frontier like new posts: a run killed while
    revisiting leaves what it did marked done and the rest pending, so the next run (due only
    because of that work) revisits just the rest, each post once across both runs."""
    with DemoServer(extra_posts=20, latency=0.01) as slow:
        config = write_config(slow, tmp_path, every="6h")
        db = tmp_path / "archive.db"
        code, _out, err = run_to_end(config, db)
        assert code == 0, err
        known = {"/" + row[0].split("/", 3)[3] for row in query(db, "SELECT source_url FROM posts")}
        assert query(db, "SELECT count(*) FROM frontier") == [(0,)]

        process = start_run(config, db, "--force")  # not due by `every`: forced, all revisited
        try:
            deadline = time.monotonic() + 30
            while len(_frontier(db, done=True)) < 5:
                assert process.poll() is None, "the run ended before the kill point"
                assert time.monotonic() < deadline, "the kill point was never reached"
                time.sleep(0.001)
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.wait(timeout=10)
            process.communicate()
        assert process.returncode == -signal.SIGKILL
        done = _frontier(db, done=True)
        assert 0 < len(done) < len(known), f"{len(done)} of {len(known)} revisited"
        assert _frontier(db, done=False), "the killed run's pending revisits are queued"

        time.sleep(0.05)  # requests the server was still answering land in the log
        start = slow.request_count()
        code, _out, err = run_to_end(config, db)  # unforced: due because of the queued work
        assert code == 0, err
        resumed = post_paths(slow.request_log()[start:])
        assert not done & set(resumed), sorted(done & set(resumed))
        assert len(resumed) == len(set(resumed))
        assert done | set(resumed) == known
        assert query(db, "SELECT count(*) FROM frontier") == [(0,)]
        assert query(db, "SELECT status FROM runs ORDER BY id DESC LIMIT 1") == [("ok",)]


def test_second_run_exits_3_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    # Slow enough that the first run is surely still going when the second one has started
    # (a loaded machine can take a second or two to start a Python process).
    with DemoServer(extra_posts=10, latency=0.3) as slow:
        config = write_config(slow, tmp_path)
        db = tmp_path / "archive.db"
        first = start_run(config, db)
        try:
            deadline = time.monotonic() + 20
            while slow.request_count() < 3:  # past opening the archive and taking the lock
                assert first.poll() is None
                assert time.monotonic() < deadline
                time.sleep(0.01)
            began = time.monotonic()
            code, _out, err = run_to_end(config, db)
            assert code == 3
            assert time.monotonic() - began < 5, "the second run waited instead of exiting"
            assert "locked" in err
            assert f"pid {first.pid}" in err
            assert first.poll() is None, "the first run must still be running"
            # The holder dies without cleaning up: its lock must not block the next run.
            os.kill(first.pid, signal.SIGKILL)
        finally:
            first.wait(timeout=10)
            first.communicate()
        assert (tmp_path / "archive.db.lock").exists()
        code, _out, err = run_to_end(config, db)
        assert code == 0, err
        assert query(db, "SELECT count(*) FROM frontier") == [(0,)]
        assert query(db, "SELECT count(*) FROM posts")[0][0] > 10
