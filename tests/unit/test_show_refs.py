"""`show` finds a post by the URL a reader pastes (fragment, Blogger's ?m=1, trailing slash,
http or https) and by a comment (its id or permalink anchor), highlighting that comment."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from archive_builders import URL, at, comment, open_archive, parsed, store
from click.testing import CliRunner

from scraper.cli import cli


@pytest.fixture
def db(tmp_path: Path) -> Path:
    with open_archive(tmp_path) as archive:
        store(archive, parsed((comment("1", "First!"), comment("2", "Second.", parent="1"))), at(0))
    return tmp_path / "archive.db"


def show(db: Path, ref: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["show", ref, "--db", str(db), "--json"])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "ref",
    [
        URL,
        URL + "?m=1",
        URL + "#comments",
        URL.replace("https://", "http://"),
        URL.replace("https://", "http://") + "?m=0#top",
    ],
)
def test_url_variants_find_the_post(db: Path, ref: str) -> None:
    code, out = show(db, ref)
    assert code == 0, out
    assert json.loads(out)["url"] == URL
    assert "highlight" not in json.loads(out)


def test_a_trailing_slash_variant_finds_the_post(tmp_path: Path) -> None:
    url = "https://demo.example/2024/03/slashed/"
    with open_archive(tmp_path) as archive:
        store(archive, parsed((comment("1", "Hi"),), url=url), at(0))
    code, out = show(tmp_path / "archive.db", url.rstrip("/"))
    assert code == 0, out
    assert json.loads(out)["url"] == url


def test_a_comment_id_or_anchor_shows_its_thread_highlighted(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        (reply_id,) = conn.execute("SELECT id FROM comments WHERE platform_id = '2'").fetchone()
    for ref in (reply_id, URL + "#comment-2", URL + "?m=1#c2"):
        code, out = show(db, ref)
        assert code == 0, out
        data = json.loads(out)
        assert data["url"] == URL
        assert data["highlight"] == reply_id
    text = CliRunner().invoke(cli, ["show", reply_id, "--db", str(db)], env={"COLUMNS": "100"})
    assert "▶ reader 2" in text.output


def test_an_unknown_reference_is_a_clear_error(db: Path) -> None:
    code, out = show(db, "https://elsewhere.example/post.html")
    assert code == 1
    assert "no post 'https://elsewhere.example/post.html' in the archive" in out
