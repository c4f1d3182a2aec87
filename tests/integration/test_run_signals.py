"""A real `blogarchive run` stopped by SIGTERM (systemd stop) or Ctrl-C (issue 14, C4)."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

from scheduled_runs import post_paths, start_run, write_config

from scraper.demo import DemoServer


def _signal_during_posts(
    sig: signal.Signals, tmp_path: Path
) -> tuple[int, str, float, Path, list[str]]:
    """Start a run against slow demo blogs, send `sig` once post pages are being fetched."""
    with DemoServer(extra_posts=10, latency=0.3) as slow:
        config = write_config(slow, tmp_path)
        db = tmp_path / "archive.db"
        process = start_run(config, db)
        deadline = time.monotonic() + 30
        while not post_paths(slow.request_log()):
            assert process.poll() is None, "the run ended before any post page was asked for"
            assert time.monotonic() < deadline, "no post page was ever asked for"
            time.sleep(0.02)
        os.kill(process.pid, sig)
        sent = time.monotonic()
        _out, err = process.communicate(timeout=30)
        elapsed = time.monotonic() - sent
        asked = post_paths(slow.request_log())
    return process.returncode, err, elapsed, db, asked


def test_sigterm_finishes_the_pages_in_hand_and_records_the_run_interrupted(
    tmp_path: Path,
) -> None:
    code, err, elapsed, db, asked = _signal_during_posts(signal.SIGTERM, tmp_path)

    assert code == 143, err
    assert "stopped by SIGTERM" in err
    assert elapsed < 10  # prompt: the pages in hand, not the whole site
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
        archived = [row[0] for row in conn.execute("SELECT url FROM posts")]
        left = conn.execute("SELECT count(*) FROM frontier").fetchone()[0]
    # Every post page the run asked for before stopping was archived, none was dropped midway.
    assert asked
    for path in asked:
        assert any(url.endswith(path) for url in archived), path
    assert left > 0  # the rest waits for the next run


def test_ctrl_c_exits_130_and_records_the_run_interrupted(tmp_path: Path) -> None:
    code, err, elapsed, db, _asked = _signal_during_posts(signal.SIGINT, tmp_path)

    assert code == 130, err
    assert "Aborted" not in err
    assert elapsed < 10
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
