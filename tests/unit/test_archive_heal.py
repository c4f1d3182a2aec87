"""An archive that stored one post's comments under other posts (the widget bug) heals on open."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from archive.db import Archive
from scraper.cli import cli
from scraper.core.models import Comment, FetchedPage, ParsedPage, Post

SITE = "wp"
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
OWN = "https://wp.example/2024/02/own/"
OTHER = "https://wp.example/2024/01/other/"


def _page(url: str, comments: tuple[Comment, ...]) -> ParsedPage:
    return ParsedPage(
        url=url,
        platform="wordpress",
        post=Post(title=url, text="body"),
        comment_count_shown=len(comments),
        comments=comments,
        is_post=True,
    )


def _comment(number: int, written_on: str) -> Comment:
    return Comment(
        id=str(number),
        author=f"reader {number}",
        published=T0,
        text=f"comment {number}",
        permalink=f"{written_on}comment-page-2/#comment-{number}",
    )


def _store(archive: Archive, url: str, comments: tuple[Comment, ...]) -> None:
    body = f"<html><body><article><h1>{url}</h1><p>body</p></article></body></html>".encode()
    page = FetchedPage(url, url, 200, {"content-type": "text/html"}, body, T0)
    archive.store_page(SITE, page, _page(url, comments), observed_at=T0, thread_complete=True)


def _archive_with_the_bug(path: Path) -> None:
    """What the bug left: OWN's comments 1-3 stored again under OTHER, beside OTHER's own 7."""
    archive = Archive.open(path)
    archive.ensure_site(SITE, "https://wp.example/", "wordpress")
    own = tuple(_comment(n, OWN) for n in (1, 2, 3))
    _store(archive, OWN, own)
    _store(archive, OTHER, (_comment(7, OTHER), *own))
    archive.close()
    with sqlite3.connect(path) as conn:  # as written by a blogarchive before the healing step
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0004_heal_misplaced_comments'")
        conn.execute("PRAGMA user_version = 3")


def _placement(path: Path) -> dict[str, list[str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT p.url, c.platform_id FROM comments c JOIN posts p ON p.id = c.post_id"
            " ORDER BY p.url, c.platform_id"
        ).fetchall()
        versions = conn.execute(
            "SELECT count(*) FROM comment_versions WHERE comment_id NOT IN (SELECT id FROM comments)"
        ).fetchone()[0]
    assert versions == 0
    placed: dict[str, list[str]] = {}
    for url, platform_id in rows:
        placed.setdefault(url, []).append(platform_id)
    return placed


def test_reparse_leaves_each_comment_under_its_own_post(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    _archive_with_the_bug(db)
    assert _placement(db) == {OTHER: ["1", "2", "3", "7"], OWN: ["1", "2", "3"]}
    result = CliRunner().invoke(cli, ["reparse", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert _placement(db) == {OTHER: ["7"], OWN: ["1", "2", "3"]}
    with sqlite3.connect(db) as conn:
        archived = dict(conn.execute("SELECT url, comments_archived FROM posts"))
    assert archived == {OTHER: 1, OWN: 3}


def test_a_comment_whose_owner_is_not_archived_is_kept(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    archive = Archive.open(db)
    archive.ensure_site(SITE, "https://wp.example/", "wordpress")
    stray = _comment(5, "https://wp.example/2023/12/never-archived/")
    _store(archive, OWN, (stray,))
    _store(archive, OTHER, (stray,))
    archive.close()
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0004_heal_misplaced_comments'")
        conn.execute("PRAGMA user_version = 3")
    Archive.open(db).close()
    assert _placement(db) == {OTHER: ["5"], OWN: ["5"]}
