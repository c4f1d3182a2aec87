"""`blogarchive demo --db FILE` replaces only an archive the demo made itself (issue 14)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from archive.db import Archive
from scraper.cli import cli


def _demo(db: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["demo", "--db", str(db)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_demo_refuses_to_wipe_a_real_archive(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with Archive.open(db) as archive:
        archive.conn.execute(
            "INSERT INTO sites (name, url, platform, added_at)"
            " VALUES ('mine', 'https://a.example/', 'wordpress', '2026-01-01')"
        )
        archive.conn.commit()
    lock = tmp_path / "archive.db.lock"
    lock.write_text("kept", encoding="utf-8")
    before = db.read_bytes()

    code, output = _demo(db)

    assert code == 2
    assert "was not made by `blogarchive demo`" in output
    assert "refusing" in output
    assert db.read_bytes() == before
    assert lock.read_text(encoding="utf-8") == "kept"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name FROM sites").fetchall() == [("mine",)]


def test_demo_refuses_a_text_file_and_leaves_it_text(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")

    code, output = _demo(notes)

    assert code == 2
    assert "refusing to replace" in output
    assert notes.read_text(encoding="utf-8") == "my notes\n"


def test_demo_refuses_stray_wal_without_its_database(tmp_path: Path) -> None:
    db = tmp_path / "gone.db"
    wal = tmp_path / "gone.db-wal"
    wal.write_bytes(b"recover me")

    code, output = _demo(db)

    assert code == 2
    assert "-wal" in output
    assert wal.read_bytes() == b"recover me"
    assert not db.exists()


def test_demo_in_a_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    code, output = _demo(tmp_path / "no" / "such" / "demo.db")
    assert code == 2
    assert "no directory" in output


def test_demo_replaces_its_own_archive(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert _demo(db)[0] == 0
    with sqlite3.connect(db) as conn:
        first = conn.execute("SELECT count(*), min(started_at) FROM runs").fetchone()

    code, output = _demo(db)  # fresh ports, fresh archive: the demo's two runs, not four

    assert code == 0, output
    with sqlite3.connect(db) as conn:
        again = conn.execute("SELECT count(*), min(started_at) FROM runs").fetchone()
    assert first[0] == again[0] == 2
    assert again[1] > first[1]
