"""The read-only `sql` command cannot run away: a time limit, Ctrl-C, streamed rows, and CSV
cells a spreadsheet would run as formulas defused."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.db import Archive
from scraper.cli import cli

ENDLESS = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"
MANY_ROWS = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n"


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    with Archive.open(path) as archive:
        archive.ensure_site("demo", "https://demo.example/", "blogger")
    return path


def _sql(archive_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "scraper", "sql", "--db", str(archive_path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_runaway_query_stops_at_the_time_limit(archive_path: Path) -> None:
    started = time.monotonic()
    result = CliRunner().invoke(
        cli, ["sql", "--db", str(archive_path), ENDLESS, "--timeout", "0.5"]
    )
    assert time.monotonic() - started < 5
    assert result.exit_code == 1
    assert "longer than 0.5 s" in result.output
    assert "Traceback" not in result.output


def test_ctrl_c_stops_a_query_cleanly(archive_path: Path) -> None:
    process = _sql(archive_path, ENDLESS, "--timeout", "0")
    time.sleep(1.5)  # interpreter up, query running
    process.send_signal(signal.SIGINT)
    try:
        _out, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "Interrupted" in err
    assert "Traceback" not in err


def test_rows_stream_before_the_query_ends(archive_path: Path) -> None:
    # Endless rows: the first ones must arrive while the query still runs.
    process = _sql(archive_path, MANY_ROWS, "--json", "--timeout", "20")
    try:
        assert process.stdout is not None
        first = [process.stdout.readline() for _ in range(3)]
        assert process.poll() is None  # still running: the rows were not buffered
        assert first[0].strip() == "["
        assert '"x": 1' in first[1]
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.communicate()


def test_csv_cells_that_would_run_as_formulas_are_defused(archive_path: Path) -> None:
    query = (
        "SELECT '=HYPERLINK(\"http://evil.example\",\"x\")' AS a, '+1' AS b, '-2' AS c,"
        " '@SUM(1)' AS d, 'plain' AS e, 7 AS f"
    )
    result = CliRunner().invoke(cli, ["sql", "--db", str(archive_path), query, "--csv"])
    assert result.exit_code == 0
    row = list(csv.reader(io.StringIO(result.output)))[1]
    assert row[:4] == ['\'=HYPERLINK("http://evil.example","x")', "'+1", "'-2", "'@SUM(1)"]
    assert row[4:] == ["plain", "7"]
