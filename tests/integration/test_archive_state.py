"""The archive's own state: a damaged file or one a newer blogarchive wrote is refused with
one clear line and exit 2, and nothing is written to it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archive.db import Archive
from archive.schema import SCHEMA_VERSION


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    with Archive.open(path) as archive:
        archive.ensure_site("demo", "https://demo.example/", "blogger")
        # Enough rows that the file has pages beyond the first few to damage.
        archive.conn.executemany(
            "INSERT INTO sites (name, url, platform, added_at)"
            " VALUES (?, ?, 'blogger', '2024-01-01T00:00:00+00:00')",
            [(f"site{n}", f"https://s{n}.example/" + "x" * 400) for n in range(2000)],
        )
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return path


def _blogarchive(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
    )


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(3 * page, len(data) - page, 7 * page):  # scribble over later pages
        data[start + 100 : start + 600] = b"\xff" * 500
    path.write_bytes(bytes(data))


def test_a_newer_archive_is_refused_not_written(archive_path: Path) -> None:
    conn = sqlite3.connect(archive_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = archive_path.read_bytes()
    for command in (["stats"], ["search", "x"], ["export", "--format", "jsonl"]):
        result = _blogarchive(*command, "--db", str(archive_path), cwd=archive_path.parent)
        assert result.returncode == 2, command
        assert "newer blogarchive" in result.stderr
        assert "Traceback" not in result.stderr
    assert archive_path.read_bytes() == before


def test_a_damaged_archive_is_refused_by_a_writer_and_reported_by_readers(
    archive_path: Path,
) -> None:
    _damage(archive_path)
    with pytest.raises(Exception, match="damaged"):
        Archive.open(archive_path)
    for command in (
        ["stats"],
        ["search", "site1"],
        ["export", "--format", "jsonl"],
        ["show", "https://demo.example/post.html"],
        ["sql", "SELECT count(*) FROM sites"],
    ):
        result = _blogarchive(*command, "--db", str(archive_path), cwd=archive_path.parent)
        assert "Traceback" not in result.stderr, (command, result.stderr)
        assert result.returncode in (0, 2), (command, result.returncode)
        if result.returncode == 2:
            assert result.stderr.startswith("Error:")


def test_a_run_on_a_damaged_archive_fails_with_one_line(archive_path: Path) -> None:
    _damage(archive_path)
    before = archive_path.read_bytes()
    config = archive_path.parent / "config.toml"
    config.write_text(
        f'[archive]\npath = "{archive_path}"\n\n'
        '[[sites]]\nname = "demo"\nurl = "http://127.0.0.1:9/"\n',
        encoding="utf-8",
    )
    result = _blogarchive("run", "--config", str(config), cwd=archive_path.parent)
    assert result.returncode == 2
    assert "damaged" in result.stderr
    assert "Traceback" not in result.stderr
    assert archive_path.read_bytes() == before
