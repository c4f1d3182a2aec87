"""The quality gate: a page read poorly says so, asks the comment API, and the archive keeps it."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive import queries
from archive.db import Archive
from scraper.app.status import site_status
from scraper.core.config import Config, SiteConfig
from scraper.core.models import Comment, FetchedPage, FetchOutcome, ParsedPage, Post
from scraper.parse.quality import QUALITY_BAR, assess
from scraper.threads.complete import complete_thread

T0 = datetime(2024, 5, 1, 12, tzinfo=UTC)
URL = "https://blog.example/2024/05/post/"


def _page(comments: tuple[Comment, ...], shown: int | None = None) -> ParsedPage:
    return ParsedPage(
        url=URL,
        platform="wordpress",
        post=Post(title="t", platform_id="42"),
        comments=comments,
        comment_count_shown=shown,
        is_post=True,
    )


GOOD = tuple(Comment(id=str(n), author=f"a{n}", published=T0, text=f"said {n}") for n in range(4))
NO_AUTHORS = tuple(Comment(id=str(n), published=T0, text=f"said {n}") for n in range(4))


def test_a_page_read_whole_scores_one_and_notes_nothing() -> None:
    page = assess(_page(GOOD, shown=4))
    assert page.quality == 1.0
    assert page.notes == ()


def test_missing_fields_and_a_short_count_lower_the_score_and_are_named() -> None:
    page = assess(_page(NO_AUTHORS, shown=6))
    assert page.quality is not None
    assert page.quality < QUALITY_BAR
    assert page.notes[0].startswith("weak extraction")
    assert "4 of 4 comments without an author" in page.notes
    assert "the page shows 6 comments, 4 were read" in page.notes


def test_a_weak_page_makes_thread_completion_ask_the_comment_api() -> None:
    rest = json.dumps(
        [
            {"id": n, "post": 42, "parent": 0, "author_name": f"a{n}", "date_gmt": "2024-05-01T12:00:00",
             "content": {"rendered": f"<p>said {n}</p>"}}
            for n in range(4)
        ]
    ).encode()  # fmt: skip
    asked: list[str] = []

    async def fetch(url: str, **_: Any) -> FetchOutcome:
        asked.append(url)
        page = FetchedPage(url, url, 200, {"x-wp-totalpages": "1"}, rest, T0)
        return FetchOutcome(url, "ok", page=page, http_status=200)

    result = asyncio.run(complete_thread(assess(_page(NO_AUTHORS)), URL, fetch))
    assert any("/wp-json/wp/v2/comments" in url and "post=42" in url for url in asked)
    assert [c.author for c in result.comments] == ["a0", "a1", "a2", "a3"]
    assert result.complete


def test_the_archive_keeps_the_score_and_status_lists_the_weakest(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "a.db")
    archive.ensure_site("blog", "https://blog.example/", "wordpress")
    for url, comments in ((URL, NO_AUTHORS), ("https://blog.example/2024/05/fine/", GOOD)):
        page = FetchedPage(url, url, 200, {"content-type": "text/html"}, url.encode(), T0)
        parsed = assess(
            ParsedPage(
                url=url, platform="wordpress", post=Post(title="t"), comments=comments, is_post=True
            )
        )
        archive.store_page("blog", page, parsed, observed_at=T0, thread_complete=True)
    weakest = queries.weakest_posts(archive.conn, "blog")
    archive.close()
    assert [(url, score < QUALITY_BAR) for url, score, _notes in weakest] == [(URL, True)]
    assert "4 of 4 comments without an author" in weakest[0][2]
    config = Config(sites=(SiteConfig(name="blog", url="https://blog.example/"),))
    rows = site_status(config, {}, {}, {}, weakest={"blog": weakest})
    assert rows[0]["weakest_extraction"][0]["url"] == URL
    with sqlite3.connect(tmp_path / "a.db") as conn:
        stored = dict(conn.execute("SELECT url, extraction_score FROM posts"))
    assert stored["https://blog.example/2024/05/fine/"] == 1.0
