"""--json, --nl, --csv, --tsv and the table on every tabular command, through the CLI: the same
records in each format, one format at a time, nothing cut when piped, a wide table readable on a
terminal (a real pseudo-terminal)."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from archive_builders import at, comment, open_archive, parsed, store
from click.testing import CliRunner

from archive.db import Archive
from archive.ids import comment_id
from scraper.cli import cli
from scraper.core.models import RunReport

# A comment text that breaks naive CSV/TSV, a spreadsheet and a narrow table.
AWKWARD = "=1+1, said\tthe reader\non two lines " + "long " * 60 + "end."
FORMATS = ("--json", "--nl", "--csv", "--tsv")


@pytest.fixture
def archive_files(tmp_path: Path) -> tuple[Path, Path]:
    with open_archive(tmp_path) as archive:
        first = (
            comment("1", "Coffee at the summit."),
            comment("2", AWKWARD, parent="1", spam=True, spam_reasons=("trailing link",)),
        )
        store(archive, parsed(first), at(0))
        edited = (comment("1", "Coffee at the summit, edited."), first[1])
        store(archive, parsed(edited), at(1))
        run = archive.start_run(["demo"], at(0))
        archive.finish_run(run, RunReport(run, at(0), at(1)), "ok")
    config = tmp_path / "config.toml"
    config.write_text('[[sites]]\nname = "demo"\nurl = "https://demo.example/"\n', "utf-8")
    return tmp_path / "archive.db", config


def _first_comment(db: Path) -> str:
    with Archive.open(db, readonly=True) as archive:
        (post,) = archive.conn.execute("SELECT id FROM posts").fetchone()
    return comment_id(post, "1")


def _commands(db: Path, config: Path) -> dict[str, list[str]]:
    """Each tabular command with arguments that give it rows."""
    where = ["--db", str(db)]
    return {
        "search": ["search", "coffee", *where],
        "stats": ["stats", *where],
        "status": ["status", "--config", str(config), *where],
        "sql": ["sql", "SELECT id, text, spam_reasons FROM comments ORDER BY seq", *where],
        "history": ["history", _first_comment(db), *where],
        "spam": ["spam", *where],
    }


def invoke(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr


def _records(fmt: str, out: str) -> list[dict[str, object]]:
    """What each format says, read back as dicts of strings (CSV/TSV have no types)."""
    if fmt == "--json":
        data = json.loads(out)
        return [{key: _text(value) for key, value in row.items()} for row in data]
    if fmt == "--nl":
        lines = out.splitlines()
        return [{key: _text(value) for key, value in json.loads(line).items()} for line in lines]
    dialect = "excel" if fmt == "--csv" else "excel-tab"
    return [
        {key: value.removeprefix("'") for key, value in row.items()}
        for row in csv.DictReader(io.StringIO(out), dialect=dialect)
    ]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@pytest.mark.parametrize("name", ["stats", "sql"])
def test_the_four_formats_carry_the_same_records(
    archive_files: tuple[Path, Path], name: str
) -> None:
    args = _commands(*archive_files)[name]
    found = {}
    for fmt in FORMATS:
        code, out, err = invoke([*args, fmt])
        assert (code, err) == (0, ""), fmt
        found[fmt] = _records(fmt, out)
    assert found["--json"]
    assert found["--nl"] == found["--json"] == found["--csv"] == found["--tsv"]


def test_csv_and_tsv_keep_awkward_text_whole_and_spreadsheet_safe(
    archive_files: tuple[Path, Path],
) -> None:
    args = _commands(*archive_files)["sql"]
    for fmt, dialect in (("--csv", "excel"), ("--tsv", "excel-tab")):
        code, out, _ = invoke([*args, fmt])
        assert code == 0
        rows = list(csv.DictReader(io.StringIO(out), dialect=dialect))
        assert rows[1]["text"] == "'" + AWKWARD  # a formula shows as text
        assert json.loads(rows[1]["spam_reasons"]) == ["trailing link"]


@pytest.mark.parametrize("name", ["search", "stats", "status", "sql", "history", "spam"])
def test_every_tabular_command_speaks_every_format(
    archive_files: tuple[Path, Path], name: str
) -> None:
    args = _commands(*archive_files)[name]
    lines = {}
    for fmt in FORMATS:
        code, out, _ = invoke([*args, fmt])
        assert code == 0, (fmt, out)
        lines[fmt] = out
    json.loads(lines["--json"])
    records = [json.loads(line) for line in lines["--nl"].splitlines()]
    assert records, name
    assert all(isinstance(record, dict) for record in records)
    header = next(csv.reader(io.StringIO(lines["--csv"])))
    assert header == list(records[0])
    assert next(csv.reader(io.StringIO(lines["--tsv"]), dialect="excel-tab")) == header


def test_record_formats_say_what_each_command_lists(archive_files: tuple[Path, Path]) -> None:
    commands = _commands(*archive_files)
    _, out, _ = invoke([*commands["history"], "--nl"])
    versions = [json.loads(line) for line in out.splitlines()]
    assert [(v["version"], v["text"]) for v in versions] == [
        (1, "Coffee at the summit."),
        (2, "Coffee at the summit, edited."),
    ]
    _, out, _ = invoke([*commands["spam"], "--csv"])
    assert list(csv.DictReader(io.StringIO(out))) == [{"reason": "trailing link", "comments": "1"}]
    code, out, err = invoke([*commands["spam"], "--rescore", "--nl"])
    assert code == 0
    assert [json.loads(line)["reason"] for line in out.splitlines()] == ["trailing link"]
    assert err.startswith("rescored: 0 cross-post marks")
    _, out, _ = invoke([*commands["status"], "--tsv"])
    (site,) = csv.DictReader(io.StringIO(out), dialect="excel-tab")
    assert (site["site"], site["last_run_status"]) == ("demo", "ok")
    assert json.loads(site["failed_last_run"]) == []
    _, out, _ = invoke([*commands["search"], "--nl"])
    hits = [json.loads(line) for line in out.splitlines()]
    assert {hit["snippet"] for hit in hits} >= {"Coffee at the summit, edited."}


@pytest.mark.parametrize("name", ["search", "stats", "status", "sql", "history", "spam"])
@pytest.mark.parametrize(
    "pair", [("--json", "--csv"), ("--nl", "--tsv"), ("--csv", "--tsv"), ("--table", "--json")]
)
def test_two_formats_at_once_are_a_usage_error(
    archive_files: tuple[Path, Path], name: str, pair: tuple[str, str]
) -> None:
    code, out, err = invoke([*_commands(*archive_files)[name], *pair])
    assert code == 2
    assert out == ""
    (message,) = [line for line in err.splitlines() if "cannot be used together" in line]
    assert all(flag in message for flag in pair)


def test_no_rows_is_empty_output_in_every_record_format(archive_files: tuple[Path, Path]) -> None:
    search = ["search", "nowhere-to-be-found", "--db", str(archive_files[0])]
    expected = {"--json": None, "--nl": "", "--csv": "", "--tsv": ""}
    for fmt, empty in expected.items():
        code, out, _ = invoke([*search, fmt])
        assert code == 0
        if empty is None:
            assert (json.loads(out)["total"], json.loads(out)["hits"]) == (0, [])
        else:
            assert out == empty, fmt
    code, out, _ = invoke(
        ["sql", "SELECT id FROM comments WHERE 0", "--db", str(archive_files[0]), "--csv"]
    )
    assert out.splitlines() == ["id"]  # a query names its columns even without rows


def test_a_missing_record_is_an_error_in_every_format(archive_files: tuple[Path, Path]) -> None:
    db, _ = archive_files
    for fmt in FORMATS:
        code, out, err = invoke(["history", "no-such-thing", "--db", str(db), fmt])
        assert (code, out) == (1, "")
        assert "no comment or post 'no-such-thing'" in err


def test_a_piped_table_has_every_character(archive_files: tuple[Path, Path]) -> None:
    db, _ = archive_files
    code, out, _ = invoke(["sql", "SELECT id, author, text FROM comments", "--db", str(db)])
    assert code == 0
    assert "…" not in out
    assert AWKWARD.splitlines()[1].strip() in [line.strip(" │") for line in out.splitlines()]
    code, out, _ = invoke(["stats", "--db", str(db)])
    assert "…" not in out
    assert "incomplete threads" in out  # a header rich would squeeze into 80 columns


SEQUENCE = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500) "


def test_a_piped_table_has_every_row(archive_files: tuple[Path, Path]) -> None:
    db, _ = archive_files
    code, out, err = invoke(["sql", SEQUENCE + "SELECT i FROM n", "--db", str(db)])
    assert code == 0
    assert "│ 1500 │" in out
    assert err == ""


def on_terminal(args: list[str], columns: int, cwd: Path) -> tuple[int, str, str]:
    """Run the CLI with standard output on a pseudo-terminal `columns` wide."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "LINES": "50", "TERM": "dumb"}
    env.pop("FORCE_COLOR", None)
    with subprocess.Popen(
        [sys.executable, "-m", "scraper", *args],
        stdout=follower, stderr=subprocess.PIPE, env=env, cwd=cwd,
    ) as process:  # fmt: skip
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the other end closed (Linux reports EIO)
                break
            if not chunk:
                break
            chunks.append(chunk)
        _, err = process.communicate(timeout=60)
    os.close(leader)
    return process.returncode, b"".join(chunks).decode(), err.decode()


def test_a_wide_select_star_is_one_block_per_row_on_a_narrow_terminal(
    archive_files: tuple[Path, Path],
) -> None:
    db, _ = archive_files
    code, out, _ = on_terminal(["sql", "SELECT * FROM comments", "--db", str(db)], 80, db.parent)
    assert code == 0
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "…" not in out
    labels = [line.split()[0] for line in lines if line.strip()]
    with Archive.open(db, readonly=True) as archive:
        columns = [row[1] for row in archive.conn.execute("PRAGMA table_info(comments)")]
    assert labels.count("row") == 2
    assert all(labels.count(column) >= 2 for column in columns)  # each column, in each row
    # The same query's few narrow columns still make a table.
    narrow = ["sql", "SELECT id, depth FROM comments", "--db", str(db)]
    code, out, _ = on_terminal(narrow, 80, db.parent)
    assert code == 0
    assert "┃ id " in out
    assert "row 1" not in out


def test_a_terminal_table_shows_the_first_thousand_rows_and_says_so(
    archive_files: tuple[Path, Path],
) -> None:
    db, _ = archive_files
    query = SEQUENCE + "SELECT i FROM n"
    code, out, err = on_terminal(["sql", query, "--db", str(db)], 80, db.parent)
    assert code == 0
    assert "│ 1000 │" in out
    assert "│ 1001 │" not in out
    assert "the first 1000 rows" in err
    code, out, err = on_terminal(["sql", query, "--db", str(db), "--nl"], 80, db.parent)
    assert len(out.splitlines()) == 1500
