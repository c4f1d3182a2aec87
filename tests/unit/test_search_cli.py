"""`search` through the CLI: FTS5 syntax when it is, the words otherwise (and it says so), a
hint for lower-case operators, queries starting with "-", JSON with the total and plain text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from archive_builders import at, comment, open_archive, parsed, store
from click.testing import CliRunner

from scraper.cli import cli


@pytest.fixture
def db(tmp_path: Path) -> Path:
    with open_archive(tmp_path) as archive:
        texts = ["Coffee at the summit.", "Stew at the camp.", "Coffee and stew, both."]
        texts += [f"More coffee, cup {n}." for n in range(30)]
        store(archive, parsed(tuple(comment(str(n + 1), t) for n, t in enumerate(texts))), at(0))
    return tmp_path / "archive.db"


def search(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["search", "--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def test_invalid_fts_syntax_searches_the_words_and_says_so(db: Path) -> None:
    code, out, err = search(db, '"summit')
    assert code == 0
    assert "Coffee at the summit" in out
    assert "not FTS5 query syntax" in err
    assert "searched the words instead" in err


def test_a_lower_case_operator_gets_a_hint(db: Path) -> None:
    code, _out, err = search(db, "summit or camp")
    assert code == 0
    assert "'or' was searched as a word; FTS5 operators are upper case (OR)" in err
    code, out, err = search(db, "summit OR camp")
    assert "summit" in out.lower()
    assert "camp" in out.lower()
    assert err == ""


def test_a_query_starting_with_a_dash_is_a_query(db: Path) -> None:
    code, out, _err = search(db, "-camp")
    assert code == 0
    assert "Stew at the camp" in out
    code, out, _err = search(db, "--", "-camp")
    assert code == 0
    assert "Stew at the camp" in out


def test_a_mistyped_long_option_is_still_an_error(db: Path) -> None:
    code, _out, err = search(db, "coffee", "--limt", "3")
    assert code == 2
    assert "no such option: --limt" in err


def test_json_gives_the_total_and_snippets_without_markup(db: Path) -> None:
    code, out, _err = search(db, "coffee", "--json", "--limit", "5")
    assert code == 0
    data = json.loads(out)
    assert data["total"] == 32
    assert len(data["hits"]) == 5
    assert all("**" not in hit["snippet"] for hit in data["hits"])
    assert all("\x02" not in hit["snippet"] for hit in data["hits"])
    assert data["notes"] == []
