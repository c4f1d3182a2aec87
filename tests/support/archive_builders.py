"""Builders shared by the archive tests: pages, posts and comments written by hand."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from archive.db import Archive
from archive.schema import migrations
from archive.store import StoreResult
from scraper.core.models import Comment, FetchedPage, ParsedPage, Post

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
SITE = "demo"
URL = "https://demo.example/2024/03/first-post.html"


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def comment(cid: str, text: str, parent: str | None = None, **extra: object) -> Comment:
    return Comment(
        id=cid,
        parent_id=parent,
        depth=0 if parent is None else 1,
        author=str(extra.pop("author", f"reader {cid}")),
        published=T0 - timedelta(minutes=int(cid)),
        text=text,
        html=f"<p>{text}</p>",
        **extra,  # type: ignore[arg-type]
    )


def parsed(
    comments: tuple[Comment, ...] = (),
    *,
    title: str = "A first post",
    text: str = "Body of the first post about gardens.",
    url: str = URL,
    shown: int | None = None,
) -> ParsedPage:
    return ParsedPage(
        url=url,
        platform="blogger",
        post=Post(
            title=title,
            author="Ann",
            published=T0 - timedelta(days=1),
            text=text,
            html=f"<p>{text}</p>",
            labels=("garden",),
        ),
        comment_count_shown=len(comments) if shown is None else shown,
        comments=comments,
        is_post=True,
    )


def fetched(body: bytes = b"<html>page</html>", url: str = URL, when: datetime = T0) -> FetchedPage:
    return FetchedPage(
        url=url,
        final_url=url,
        status=200,
        headers={"content-type": "text/html; charset=utf-8", "etag": '"v1"'},
        body=body,
        fetched_at=when,
    )


def open_archive(tmp_path: Path) -> Archive:
    archive = Archive.open(tmp_path / "archive.db")
    archive.ensure_site(SITE, "https://demo.example/", "blogger")
    return archive


def store(
    archive: Archive,
    page: ParsedPage,
    when: datetime = T0,
    *,
    complete: bool = True,
    body: bytes | None = None,
) -> StoreResult:
    return archive.store_page(
        SITE,
        fetched(body or repr(page).encode(), when=when),
        page,
        observed_at=when,
        thread_complete=complete,
    )


def as_older_version(source: Path, target: Path, *, version: int, first_new: str) -> None:
    """`source`'s rows in an archive made by the migrations before `first_new` alone, as
    blogarchive `version` left it (to test the migrations after it on real rows)."""
    conn = sqlite3.connect(target)
    migrations().apply(Database(conn), stop_before=first_new)
    conn.execute(f"PRAGMA user_version = {int(version)}")
    conn.execute("ATTACH DATABASE ? AS src", (str(source),))
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND sql NOT LIKE"
            " 'CREATE VIRTUAL%' AND name NOT LIKE '%fts%' AND name != '_sqlite_migrations'"
        )
    ]
    for table in tables:
        columns = ", ".join(row[1] for row in conn.execute(f"PRAGMA main.table_info({table})"))
        conn.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM src.{table}")
    conn.commit()
    conn.execute("DETACH DATABASE src")
    conn.close()
