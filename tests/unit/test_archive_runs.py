"""Runs rows, fetch validators, the persisted frontier and the writer lock (real processes)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from archive_builders import SITE, URL, at, fetched, open_archive

from archive.db import Archive
from archive.queries import last_failures
from scraper.core.errors import ArchiveError, LockedError
from scraper.core.models import FetchOutcome, RunReport, SiteReport

REPO = Path(__file__).resolve().parents[2]


def test_runs_and_due_ness(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        assert archive.last_run_at(SITE) is None
        run = archive.start_run([SITE], at(0))
        assert archive.last_run_at(SITE) is None  # still running
        report = RunReport(run, at(0), at(1), (SiteReport(SITE, pages_fetched=3, pages_failed=1,
                                                         errors=("boom",)),))  # fmt: skip
        archive.finish_run(run, report, "partial")
        assert archive.last_run_at(SITE) == at(0)
        interrupted = archive.start_run([SITE], at(5))
        archive.finish_run(interrupted, RunReport(interrupted, at(5), at(6)), "interrupted")
        assert archive.last_run_at(SITE) == at(0)
        row = archive.conn.execute(
            "SELECT status, pages_fetched, pages_failed, finished_at FROM runs WHERE id = ?", (run,)
        ).fetchone()
        assert row == ("partial", 3, 1, at(1).isoformat())
        with pytest.raises(ArchiveError, match="status"):
            archive.finish_run(run, report, "great")
        with pytest.raises(ArchiveError, match="no run"):
            archive.finish_run(999, report, "ok")


def test_a_killed_run_is_marked_interrupted_by_the_next(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        killed = archive.start_run([SITE], at(0))  # never finished: the process died
        later = archive.start_run([SITE], at(1))
        statuses = dict(archive.conn.execute("SELECT id, status FROM runs").fetchall())
    assert statuses == {killed: "interrupted", later: "running"}


def test_fetches_and_validators(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        run = archive.start_run([SITE], at(0))
        assert archive.validators(URL) == (None, None)
        archive.record_fetch(run, SITE, FetchOutcome(URL, "ok", page=fetched(), http_status=200))
        assert archive.validators(URL) == ('"v1"', None)
        archive.record_fetch(run, SITE, FetchOutcome(URL, "not_modified", http_status=304))
        assert archive.validators(URL) == ('"v1"', None)
        failure = FetchOutcome(
            "https://demo.example/x", "failed", reason="HTTP 500", http_status=500
        )
        archive.record_fetch(run, SITE, failure)
        assert last_failures(archive.conn, SITE) == [("https://demo.example/x", "HTTP 500")]
        assert archive.conn.execute("SELECT count(*) FROM fetches").fetchone() == (3,)


def test_frontier_persists_and_dedups(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        urls = [("https://demo.example/a", "post"), ("https://demo.example/l", "listing")]
        assert archive.frontier_add(SITE, urls) == 2
        assert archive.frontier_add(SITE, [*urls, ("https://demo.example/b", "post")]) == 1
        archive.frontier_done(SITE, "https://demo.example/a", "done")
        with pytest.raises(ArchiveError, match="kind"):
            archive.frontier_add(SITE, [("https://demo.example/c", "image")])
        with pytest.raises(ArchiveError, match="not in the frontier"):
            archive.frontier_done(SITE, "https://demo.example/zzz", "done")
    # A new process (here: a new connection) resumes with what was left.
    with Archive.open(tmp_path / "archive.db") as archive:
        assert archive.frontier_pending(SITE, 10) == [
            ("https://demo.example/l", "listing"),
            ("https://demo.example/b", "post"),
        ]
        assert archive.frontier_add(SITE, [("https://demo.example/a", "post")]) == 0
        archive.frontier_reset(SITE)
        assert archive.frontier_pending(SITE, 10) == []


HOLDER = textwrap.dedent(
    """
    import sys, time
    from archive.db import Archive
    archive = Archive.open(sys.argv[1])
    with archive.lock():
        print("locked", flush=True)
        sys.stdin.readline()
    archive.close()
    """
)


def test_lock_held_by_another_process(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    Archive.open(db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdin is not None
        assert holder.stdout.readline().strip() == "locked"
        with Archive.open(db) as archive:
            with (
                pytest.raises(LockedError, match=f"held by pid {holder.pid} since"),
                archive.lock(),
            ):
                pass
            holder.stdin.write("\n")
            holder.stdin.flush()
            assert holder.wait(timeout=10) == 0
            with archive.lock():
                pass
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait()
        for stream in (holder.stdin, holder.stdout):
            if stream:
                stream.close()


def test_stale_lock_of_killed_process_is_recovered(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    Archive.open(db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], cwd=REPO, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None
    assert holder.stdin is not None
    assert holder.stdout.readline().strip() == "locked"
    holder.kill()  # SIGKILL: no cleanup runs, the lock file still names the dead pid
    holder.wait()
    holder.stdin.close()
    holder.stdout.close()
    assert str(holder.pid) in (tmp_path / "archive.db.lock").read_text()
    with Archive.open(db) as archive, archive.lock():
        assert str(holder.pid) not in (tmp_path / "archive.db.lock").read_text()
    with Archive.open(db) as archive, archive.lock():
        pass
