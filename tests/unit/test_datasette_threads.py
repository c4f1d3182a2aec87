"""The `threads` query that `datasette-metadata` writes, run on archives built by hand."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import click
import pytest
from archive_builders import URL, at, comment, open_archive, parsed, store
from click.testing import CliRunner

from archive.commands import register
from archive.db import Archive

EM = "\u2003"
OTHER = "https://demo.example/2024/04/later-post.html"


def metadata(db: Path) -> dict[str, Any]:
    group = click.Group("blogarchive")
    register(group, lambda: str(db))
    result = CliRunner().invoke(group, ["datasette-metadata", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def threads(db: Path, post: str, *, proto: str = "") -> list[dict[str, Any]]:
    """Rows of the query as Datasette runs it: :post from the form, the magic header params."""
    meta = metadata(db)
    (name,) = meta["databases"]
    sql = meta["databases"][name]["queries"]["threads"]["sql"]
    params = {"post": post, "_header_host": "127.0.0.1:8001", "_header_x_forwarded_proto": proto}
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(sql, params)]
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    with open_archive(tmp_path) as archive:
        store(archive, parsed((
            comment("1", "Roses need sun"),
            comment("2", "Agreed, sun!", parent="1"),
            comment("4", "Deep reply", parent="2", by_post_author=True),
            comment("3", "Tulips too", author="Bob"),
        )), at(0))  # fmt: skip
        # Run 2: 1 edited, 2 deleted by its author, 3 gone from a page fetched whole.
        store(archive, parsed((
            comment("1", "Roses need lots of sun"),
            comment("2", "This comment has been removed by the author.", parent="1",
                    deleted=True),
            comment("4", "Deep reply", parent="2", by_post_author=True),
        )), at(1))  # fmt: skip
    return tmp_path / "archive.db"


def test_a_thread_reads_post_first_then_replies_indented_with_marks(db: Path) -> None:
    rows = threads(db, URL)
    assert [row["thread"] for row in rows] == [
        "A first post",
        "Roses need lots of sun",
        f"{EM * 2}\u21b3 This comment has been removed by the author.",
        f"{EM * 4}\u21b3 Deep reply",
        "Tulips too",
    ]
    head, edited, deleted, deep, removed = rows
    assert head["marks"] == "post"
    assert head["link"] == URL
    assert head["archive_link"] == "http://127.0.0.1:8001/archive/posts/1"
    assert head["comment_id"] is None
    assert (edited["marks"], edited["earlier_text"]) == ("edited", "Roses need sun")
    assert (deleted["marks"], deleted["earlier_text"]) == ("deleted", "Agreed, sun!")
    assert (deep["marks"], deep["depth"], deep["earlier_text"]) == ("post author", 2, None)
    assert removed["marks"] == "removed 2024-03-01"
    assert removed["author"] == "Bob"
    with Archive.open(db, readonly=True) as archive:
        seq = archive.conn.execute(
            "SELECT seq FROM comments WHERE id = ?", (deep["comment_id"],)
        ).fetchone()[0]
    assert deep["archive_link"] == f"http://127.0.0.1:8001/archive/comments/{seq}"
    # Reading columns first, ids last.
    assert next(iter(head)) == "thread"
    assert list(head)[-2:] == ["comment_id", "post_id"]


def test_the_post_may_be_named_by_id_url_or_one_of_its_comments(db: Path) -> None:
    rows = threads(db, URL)
    by_id = threads(db, rows[0]["post_id"])
    by_comment = threads(db, rows[3]["comment_id"])
    assert by_id == rows
    assert by_comment == rows
    assert threads(db, "https://demo.example/no-such-post") == []


def test_empty_post_shows_the_newest_posts_each_above_its_own_comments(db: Path) -> None:
    with Archive.open(db) as archive:
        store(archive, parsed((comment("9", "On the later post"),), url=OTHER,
                              title="A later post"), at(2))  # fmt: skip
        archive.conn.execute(
            "UPDATE posts SET published_at = '2024-04-01T00:00:00+00:00' WHERE url = ?", (OTHER,)
        )
    rows = threads(db, "")
    assert [row["thread"] for row in rows][:3] == ["A later post", "On the later post",
                                                   "A first post"]  # fmt: skip
    assert len(rows) == 7
    assert all(row["post_id"] == rows[0]["post_id"] for row in rows[:2])


def test_links_follow_the_scheme_a_proxy_reports_and_datasettes_route_names(
    db: Path, tmp_path: Path
) -> None:
    assert threads(db, URL, proto="https")[0]["archive_link"].startswith("https://127.0.0.1:8001/")
    dotted = tmp_path / "my.archive 2.db"
    dotted.write_bytes(db.read_bytes())
    assert threads(dotted, URL)[0]["archive_link"] == (
        "http://127.0.0.1:8001/my~2Earchive~202/posts/1"
    )


def test_metadata_hides_the_machinery_and_describes_columns(db: Path) -> None:
    tables = metadata(db)["databases"]["archive"]["tables"]
    assert {name for name, table in tables.items() if table.get("hidden")} == {
        "pages", "page_urls", "url_validators", "frontier", "_sqlite_migrations",
        "blogarchive_demo",
    }  # fmt: skip
    with Archive.open(db, readonly=True) as archive:
        for table in ("posts", "comments"):
            columns = {row[1] for row in archive.conn.execute(f"PRAGMA table_info({table})")}
            described = set(tables[table]["columns"])
            assert described <= columns, described - columns
            assert {"id", "text", "first_seen_at"} <= described
