"""A site that refuses connections is reported as unreachable, failed in `status`, and tried again
after a backoff rather than after `every` (issue 14)."""

from __future__ import annotations

import json
import socket
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from scraper.cli import cli


def _refused_port() -> int:
    with socket.socket() as probe:  # bound then closed: nothing listens there now
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _config(folder: Path) -> Path:
    path = folder / "config.toml"
    path.write_text(
        "[fetch]\n"
        'user_agent = "blogarchive-tests/0.1"\n'
        "delay = 0\n"
        "timeout = 3\n"
        "retries = 0\n"
        "[[sites]]\n"
        'name = "down"\n'
        f'url = "http://127.0.0.1:{_refused_port()}/"\n'
        'every = "6h"\n',
        encoding="utf-8",
    )
    return path


def _run(config: Path, db: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["run", "--quiet", "--config", str(config), "--db", str(db)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stderr


def _runs(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM run_sites WHERE site = 'down'").fetchone()[0])


def _age_runs(db: Path, minutes: int) -> None:
    """Time passing: the archive's runs started `minutes` earlier than they did."""
    with sqlite3.connect(db) as conn:
        for run_id, started in conn.execute("SELECT id, started_at FROM runs").fetchall():
            conn.execute(
                "UPDATE runs SET started_at = datetime(?, ?) || '+00:00' WHERE id = ?",
                (started[:19], f"-{minutes} minutes", run_id),
            )


def test_refused_port_is_site_unreachable_once_and_failed_in_status(tmp_path: Path) -> None:
    config, db = _config(tmp_path), tmp_path / "archive.db"

    code, err = _run(config, db)

    assert code == 1
    assert "site unreachable (connection refused" in err
    assert "robots.txt" not in err
    assert err.count("site unreachable") == 1, err
    shown = CliRunner().invoke(cli, ["status", "--json", "--config", str(config), "--db", str(db)])
    (row,) = json.loads(shown.stdout)["sites"]
    assert row["last_run_status"] == "failed (site unreachable)"
    wait = datetime.fromisoformat(row["next_due"]) - datetime.fromisoformat(row["last_run"])
    assert wait == timedelta(minutes=15)  # the first backoff, not `every` (6 h)
    with sqlite3.connect(db) as conn:
        (errors,) = conn.execute("SELECT errors FROM run_sites").fetchone()
    assert len(json.loads(errors)) == 1


def test_unreachable_site_is_retried_after_a_backoff_before_every(tmp_path: Path) -> None:
    config, db = _config(tmp_path), tmp_path / "archive.db"
    assert _run(config, db)[0] == 1
    assert _run(config, db) == (0, "")  # within the first backoff (15 min): not due yet
    assert _runs(db) == 1

    _age_runs(db, 20)  # past 15 min, long before `every` (6 h)
    code, err = _run(config, db)

    assert code == 1
    assert "site unreachable" in err
    assert _runs(db) == 2

    _age_runs(db, 20)  # the second backoff is 30 min: 20 more minutes after it are not enough
    assert _run(config, db)[0] == 0
    assert _runs(db) == 2
