"""`field_sources` in the archive (migration 0010): stored with each post and comment, shown by
`show --json` and `export`, kept current without ever making a version, NULL on older rows."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from archive_builders import as_older_version
from click.testing import CliRunner

from archive.db import Archive
from archive.schema import SCHEMA_VERSION
from scraper.cli import cli
from scraper.core.models import FetchedPage, ParsedPage
from scraper.parse import parse_page

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
URL = "http://radlerin.example/2010/05/fahrradtour/"
T0 = datetime(2024, 3, 1, 12, tzinfo=UTC)
FIRST_NEW = "0010_field_sources"


def _page() -> tuple[bytes, ParsedPage]:
    body = (PAGES / "wp-classic.html").read_bytes()
    return body, parse_page(body, URL)


def _store(path: Path, body: bytes, page: ParsedPage, hours: int = 0) -> tuple[int, int, bool]:
    """Store `page` as fetched `hours` after T0; (comments new, comments changed, post changed)."""
    when = T0 + timedelta(hours=hours)
    fetched = FetchedPage(URL, URL, 200, {"content-type": "text/html"}, body, when)
    with Archive.open(path) as archive:
        archive.ensure_site("radlerin", "http://radlerin.example/", "wordpress")
        result = archive.store_page(
            "radlerin", fetched, page, observed_at=when, thread_complete=True
        )
    return result.comments_new, result.comments_changed, result.post_changed


def _cli_json(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _flat(comments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for comment in comments for c in (comment, *_flat(comment.get("replies", [])))]


def _counts(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as conn:
        versions = conn.execute("SELECT count(*) FROM comment_versions").fetchone()[0]
        post_versions = conn.execute("SELECT count(*) FROM post_versions").fetchone()[0]
    return versions, post_versions


def test_show_and_export_carry_the_sources_the_parser_gave(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    body, page = _page()
    assert _store(db, body, page)[0] == len(page.comments)
    expected = {c.id: c.source_map() for c in page.comments}

    shown = _cli_json("show", URL, "--json", "--db", str(db))
    assert (
        shown["field_sources"]
        == page.post.source_map()
        == dict.fromkeys(("title", "author", "published", "text"), "wordpress")
    )
    comments = _flat(shown["comments"])
    assert {c["platform_id"]: c["field_sources"] for c in comments} == expected

    for kind in ("jsonl", "json"):
        out = tmp_path / f"export.{kind}"
        result = CliRunner().invoke(
            cli, ["export", "--format", kind, "--output", str(out), "--db", str(db)]
        )
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        (post,) = json.loads(text) if kind == "json" else [json.loads(text)]
        assert post["field_sources"] == page.post.source_map()
        assert {c["platform_id"]: c["field_sources"] for c in post["comments"]} == expected


def _as_generic(sources: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((name, "generic") for name, _ in sources)


def test_other_sources_for_the_same_values_update_the_labels_and_make_no_version(
    tmp_path: Path,
) -> None:
    db = tmp_path / "archive.db"
    body, page = _page()
    _store(db, body, page)
    before = _counts(db)
    # The same words read by other cues (a later blogarchive's parser): not an edit.
    other = replace(
        page,
        post=replace(page.post, sources=_as_generic(page.post.sources)),
        comments=tuple(replace(c, sources=_as_generic(c.sources)) for c in page.comments),
    )
    assert _store(db, body, other, hours=1) == (0, 0, False)
    assert _counts(db) == before
    with sqlite3.connect(db) as conn:
        stored = [json.loads(row[0]) for row in conn.execute("SELECT field_sources FROM comments")]
        post_sources = json.loads(conn.execute("SELECT field_sources FROM posts").fetchone()[0])
    assert len(stored) == len(page.comments)
    assert all(set(labels.values()) == {"generic"} for labels in stored)
    assert set(post_sources.values()) == {"generic"}

    # A change of what a comment says still makes its version, sources or not.
    edited = replace(other.comments[0], text=other.comments[0].text + " (edited)")
    changed = replace(other, comments=(edited, *other.comments[1:]))
    assert _store(db, body, changed, hours=2)[1] == 1
    assert _counts(db) == (before[0] + 1, before[1])


def test_a_version_9_archive_gains_empty_sources_then_fills_them_without_versions(
    tmp_path: Path,
) -> None:
    body, page = _page()
    current = tmp_path / "current.db"
    _store(current, body, page)
    old = tmp_path / "v9.db"
    as_older_version(current, old, version=9, first_new=FIRST_NEW)
    with sqlite3.connect(old) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(comments)")}
        rows_before = conn.execute("SELECT id, text, content_hash FROM comments").fetchall()
    assert "field_sources" not in columns
    assert len(rows_before) == len(page.comments)
    before = _counts(old)

    Archive.open(old).close()  # migrates

    with sqlite3.connect(old) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute("SELECT id, text, content_hash FROM comments").fetchall() == rows_before
        nulls = conn.execute(
            "SELECT (SELECT count(*) FROM comments WHERE field_sources IS NULL),"
            " (SELECT count(*) FROM posts WHERE field_sources IS NULL)"
        ).fetchone()
    assert nulls == (len(page.comments), 1)  # nobody wrote down which cue read them then
    shown = _cli_json("show", URL, "--json", "--db", str(old))
    assert shown["field_sources"] is None
    assert all(c["field_sources"] is None for c in _flat(shown["comments"]))

    # The next visit reads the same page: the sources are written, nothing is versioned.
    assert _store(old, body, page, hours=1) == (0, 0, False)
    assert _counts(old) == before
    shown = _cli_json("show", URL, "--json", "--db", str(old))
    assert shown["field_sources"] == page.post.source_map()
    assert all(c["field_sources"] for c in _flat(shown["comments"]))


@pytest.mark.parametrize("table", ["posts", "comments"])
def test_the_column_is_described_for_datasette(table: str) -> None:
    from archive.datasette import metadata

    columns = metadata("archive")["databases"]["archive"]["tables"][table]["columns"]
    assert "cue" in columns["field_sources"]
