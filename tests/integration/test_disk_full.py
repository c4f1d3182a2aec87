"""A run whose disk fills up: one clear line, exit 4, the run recorded failed, the archive
intact; the next run, once there is room, stores everything, once. A real small filesystem
(tmpfs), since SQLite's behaviour on a full disk is what is tested."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from real_software import missing
from scheduled_runs import archive_dump, query, run_to_end, write_config

from scraper.demo import DemoServer


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], check=False, capture_output=True, text=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (root only), unmounted after the test."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = (
        _mount("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)) if os.geteuid() == 0 else None
    )
    if mounted is None or mounted.returncode != 0:
        reason = "mounting a small tmpfs needs root" + (
            f": {mounted.stderr.strip()}" if mounted else ""
        )
        missing(reason)
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False, capture_output=True)


def test_a_full_disk_stops_the_run_with_one_line_and_the_next_run_finishes(
    tmp_path: Path, small_disk: Path
) -> None:
    with DemoServer(extra_posts=40) as blogs:
        config = write_config(blogs, tmp_path)
        reference = tmp_path / "reference.db"
        code, _out, err = run_to_end(config, reference)
        assert code == 0, err

        db = small_disk / "archive.db"
        code, _out, err = run_to_end(config, db)
        assert code == 4, err
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith("blogarchive: disk full:")
        assert "archive unchanged since the last stored page" in lines[0]
        assert query(db, "PRAGMA quick_check") == [("ok",)]
        assert query(db, "SELECT status FROM runs") == [("failed",)]
        stored_first = query(db, "SELECT count(*) FROM posts")[0][0]
        assert stored_first < len(archive_dump(reference)["posts"])

        # Room again (as after a cleanup): the next cron run, not forced, carries on.
        assert _mount("-o", "remount,size=64m", str(small_disk)).returncode == 0
        code, _out, err = run_to_end(config, db)
        assert code == 0, err
        assert query(db, "SELECT status FROM runs ORDER BY id") == [("failed",), ("ok",)]
        assert query(db, "PRAGMA quick_check") == [("ok",)]
        assert archive_dump(db) == archive_dump(reference)
