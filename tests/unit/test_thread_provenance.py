"""A comment joins a post's thread only from a source proven to be that post (faults injected)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from scraper.core.models import Comment, FetchedPage, FetchOutcome, ParsedPage, Post
from scraper.core.urls import thread_url
from scraper.threads.complete import ThreadResult, complete_thread

POST = "https://blog.example/2024/05/own-post/"
OTHER = "https://blog.example/2024/04/other-post/"
NOW = datetime(2024, 6, 1, tzinfo=UTC)


def _comment(number: int, post_url: str = POST) -> Comment:
    return Comment(
        id=str(number), text=f"comment {number}", permalink=f"{post_url}#comment-{number}"
    )


def _page(
    url: str, post_id: str, comments: range, more: tuple[str, ...] = (), shown: int | None = None
) -> ParsedPage:
    return ParsedPage(
        url=url,
        platform="wordpress",
        post=Post(title="t", platform_id=post_id),
        comment_count_shown=shown,
        comments=tuple(_comment(n, url) for n in comments),
        more_comments=more,
        is_post=True,
    )


class FakeSite:
    """URL → (final URL, body); parsed pages for HTML; every request remembered."""

    def __init__(self, pages: Mapping[str, ParsedPage], raw: Mapping[str, bytes] = {}) -> None:
        self.pages = dict(pages)
        self.raw = dict(raw)
        self.redirects: dict[str, str] = {}
        self.requested: list[str] = []

    async def fetch(self, url: str, **_: Any) -> FetchOutcome:
        self.requested.append(url)
        final = self.redirects.get(url, url)
        if final in self.pages:
            body = final.encode()
        elif url in self.raw:
            body = self.raw[url]
        else:
            return FetchOutcome(url, "failed", http_status=404, reason="HTTP 404")
        page = FetchedPage(url, final, 200, {"x-wp-totalpages": "1"}, body, NOW)
        return FetchOutcome(url, "ok", page=page, http_status=200)

    async def parse(self, body: bytes, url: str, fetched_at: datetime | None) -> ParsedPage:
        return self.pages[body.decode()]


def _complete(site: FakeSite, parsed: ParsedPage) -> ThreadResult:
    return asyncio.run(complete_thread(parsed, POST, site.fetch, parse=site.parse))


def _rest(post_id: int, numbers: range) -> bytes:
    return json.dumps(
        [
            {
                "id": n,
                "post": post_id,
                "parent": 0,
                "author_name": "a",
                "date_gmt": "2024-05-02T10:00:00",
                "content": {"rendered": f"<p>rest {n}</p>"},
            }
            for n in numbers
        ]
    ).encode()


def test_thread_url_ignores_comment_paging_only() -> None:
    assert thread_url(POST + "comment-page-3/#comment-9") == thread_url(POST)
    assert thread_url("https://blog.example/?p=7&cpage=2") == thread_url(
        "https://blog.example/?p=7"
    )
    assert thread_url(OTHER + "comment-page-2/") != thread_url(POST)


def test_a_link_to_another_posts_comment_page_is_not_fetched() -> None:
    other_page = OTHER + "comment-page-2/"
    site = FakeSite({other_page: _page(other_page, "41", range(100, 110))})
    result = _complete(site, _page(POST, "42", range(1, 4), more=(other_page,)))
    assert other_page not in site.requested
    assert {c.id for c in result.comments} == {"1", "2", "3"}
    assert "another post" in (result.note or "")


def test_a_comment_page_that_redirects_to_another_post_is_dropped_and_rest_asked() -> None:
    own_page = POST + "comment-page-2/"
    other_page = OTHER + "comment-page-2/"
    rest_url = "https://blog.example/wp-json/wp/v2/comments?page=1&per_page=100&post=42"
    site = FakeSite(
        {other_page: _page(other_page, "41", range(100, 110))},
        raw={rest_url: _rest(42, range(1, 7))},
    )
    site.redirects[own_page] = other_page
    result = _complete(site, _page(POST, "42", range(1, 4), more=(own_page,), shown=6))
    assert {c.id for c in result.comments} == {str(n) for n in range(1, 7)}
    assert result.complete
    assert rest_url in site.requested
    assert "dropped 10 comments" in (result.note or "")


def test_a_comment_page_naming_another_post_id_is_dropped() -> None:
    own_page = POST + "comment-page-2/"
    site = FakeSite({own_page: _page(own_page, "41", range(100, 103))})
    result = _complete(site, _page(POST, "42", range(1, 4), more=(own_page,), shown=6))
    assert {c.id for c in result.comments} == {"1", "2", "3"}
    assert not result.complete
    assert "names 41, this post is 42" in (result.note or "")


def test_a_rest_answer_naming_another_post_is_dropped() -> None:
    rest_url = "https://blog.example/wp-json/wp/v2/comments?page=1&per_page=100&post=42"
    site = FakeSite({}, raw={rest_url: _rest(41, range(100, 110))})
    result = _complete(site, _page(POST, "42", range(1, 4), shown=6))
    assert {c.id for c in result.comments} == {"1", "2", "3"}
    assert not result.complete
    assert "answer names other posts (41)" in (result.note or "")


def test_blogger_uses_the_feed_of_its_own_post_not_a_sidebars() -> None:
    parsed = ParsedPage(
        url="https://x.blogspot.com/2024/05/p.html",
        platform="blogger",
        post=Post(platform_id="222"),
        comment_count_shown=5,
        comments=(_comment(1),),
        more_comments=("https://x.blogspot.com/feeds/111/comments/default",),
        is_post=True,
    )
    site = FakeSite({})
    asyncio.run(complete_thread(parsed, parsed.url or "", site.fetch))
    assert site.requested
    assert all("/feeds/222/comments/default" in url for url in site.requested)


def test_pages_are_not_fetched_again_under_the_url_their_comments_name() -> None:
    # Oldest page first: the bare post URL shows page 1, whose comments' permalinks say so.
    page1, page2 = POST + "comment-page-1/", POST + "comment-page-2/"
    first = _page(page1, "42", range(1, 4), more=(page2,), shown=6)
    first = replace(first, url=POST)
    site = FakeSite({page2: _page(page2, "42", range(4, 7), more=(page1,))})
    result = _complete(site, first)
    assert site.requested == [page2]
    assert result.complete
