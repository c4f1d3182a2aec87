"""Discovery and thread completion against WordPress and Blogger stand-ins on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from blogger_standin import BloggerSite
from wp_standin import WordPressSite, make_fetch, serve

from scraper.core.config import SiteConfig
from scraper.core.errors import ParseError
from scraper.core.models import Comment, ParsedPage, Post
from scraper.discover.site import Discovered, DiscoveryLimits, discover_site
from scraper.parse.page import parse_page
from scraper.threads.complete import complete_thread


@pytest.fixture
def wp() -> Iterator[WordPressSite]:
    site = WordPressSite(comments_per_page=3)
    with serve(site.handle, lambda base: setattr(site, "base", base)):
        yield site


@pytest.fixture
def blogger() -> Iterator[BloggerSite]:
    site = BloggerSite(page_cap=3)
    with serve(site.handle, lambda base: setattr(site, "base", base)):
        yield site


def run(coro_fn: Callable[[Callable[..., Any], list[str]], Any], **fetch_args: Any) -> Any:
    async def main() -> Any:
        requested: list[str] = []
        async with httpx.AsyncClient(follow_redirects=True, timeout=10) as client:
            return await coro_fn(make_fetch(client, requested, **fetch_args), requested)

    return asyncio.run(main())


def discover(site: SiteConfig, **kwargs: Any) -> tuple[list[Discovered], list[str]]:
    async def go(fetch: Callable[..., Any], requested: list[str]) -> Any:
        found = [d async for d in discover_site(site, fetch, **kwargs)]
        return found, requested

    result: tuple[list[Discovered], list[str]] = run(go)
    return result


def urls_of(site: WordPressSite) -> set[str]:
    return {site.base + p.path for p in site.posts}


def test_wordpress_feed_paged_finds_every_post_once(wp: WordPressSite) -> None:
    found, requested = discover(SiteConfig(name="wp", url=wp.base + "/"))
    assert [d.url for d in found] == [wp.base + p.path for p in wp.posts]
    assert {d.source for d in found} == {"feed"}
    assert all(d.kind == "post" for d in found)
    # 23 posts: pages 1-3, then the 404 of page 4 ends the feed; no sitemap or REST needed.
    assert wp.hits["/feed/"] == 4
    assert not any("sitemap" in url or "wp-json" in url for url in requested)


def test_incremental_discovery_stops_at_the_first_page_of_known_posts(wp: WordPressSite) -> None:
    site = SiteConfig(name="wp", url=wp.base + "/")
    known = urls_of(wp) - {wp.base + wp.posts[0].path}  # the newest post is new
    wp.hits.clear()
    found, _ = discover(site, is_known=known.__contains__)
    # The newest post is on feed page 1 with known ones; page 2 lists only known posts.
    assert wp.base + wp.posts[0].path in [d.url for d in found]
    assert wp.hits["/feed/"] == 2
    wp.hits.clear()
    found, _ = discover(site, is_known=urls_of(wp).__contains__)
    assert wp.hits["/feed/"] == 1  # nothing new: one request


def test_feed_missing_falls_back_to_sitemap(wp: WordPressSite, caplog: Any) -> None:
    wp.feed = False
    with caplog.at_level(logging.INFO, logger="blogarchive.discover"):
        found, _ = discover(SiteConfig(name="wp", url=wp.base + "/"))
    assert sorted(d.url for d in found) == sorted(urls_of(wp))
    assert {d.source for d in found} == {"sitemap"}
    assert found[0].lastmod == wp.posts[0].date
    assert wp.hits["/wp-sitemap-taxonomies-category-1.xml"] == 0  # taxonomies are not posts
    assert any("HTTP 404" in message for message in caplog.messages)


def test_feed_ignoring_paged_is_not_trusted(wp: WordPressSite) -> None:
    wp.feed_ignores_paged = True
    found, _ = discover(SiteConfig(name="wp", url=wp.base + "/"))
    assert sorted(d.url for d in found) == sorted(urls_of(wp))
    assert [d.source for d in found].count("feed") == 10
    assert wp.hits["/feed/"] == 2  # the repeat is noticed on the second page
    assert {d.source for d in found[10:]} == {"sitemap"}


def test_a_raising_fetch_never_crashes_discovery_or_threads() -> None:
    async def broken(url: str, **kwargs: Any) -> Any:
        raise RuntimeError("transport exploded")

    async def go() -> Any:
        site = SiteConfig(name="x", url="https://x.example/")
        found = [d async for d in discover_site(site, broken)]
        parsed = ParsedPage(
            url="https://x.example/2020/01/02/p/",
            platform="wordpress",
            post=Post(platform_id="7"),
            comment_count_shown=3,
            more_comments=("https://x.example/2020/01/02/p/comment-page-2/",),
        )
        return found, await complete_thread(parsed, parsed.url or "", broken)

    found, result = asyncio.run(go())
    assert found == []
    assert not result.complete
    assert "transport exploded" in (result.note or "")


def test_no_feed_no_sitemap_uses_rest(wp: WordPressSite) -> None:
    wp.feed = wp.sitemap = False
    found, _ = discover(SiteConfig(name="wp", url=wp.base + "/"))
    assert sorted(d.url for d in found) == sorted(urls_of(wp))
    assert {d.source for d in found} == {"rest"}


@pytest.mark.parametrize(
    ("timezone_string", "gmt_offset", "learned"),
    [("Europe/Berlin", 1, "Europe/Berlin"), ("", -5, "Etc/GMT+5"), ("", 5.5, None)],
)
def test_a_wordpress_site_is_asked_for_its_zone(
    wp: WordPressSite, timezone_string: str, gmt_offset: float, learned: str | None
) -> None:
    wp.timezone_string, wp.gmt_offset = timezone_string, gmt_offset
    zones: list[str] = []
    found, requested = discover(SiteConfig(name="wp", url=wp.base + "/"), on_zone=zones.append)
    assert zones == ([learned] if learned else [])
    assert len(found) == len(wp.posts)  # asking costs one request, nothing else changes
    assert [u for u in requested if "/wp-json/" in u] == [
        f"{wp.base}/wp-json/?_fields=timezone_string,gmt_offset"
    ]


def test_a_configured_zone_is_not_asked_for(wp: WordPressSite) -> None:
    zones: list[str] = []
    site = SiteConfig(name="wp", url=wp.base + "/", timezone="Asia/Tokyo")
    _found, requested = discover(site, on_zone=zones.append)
    assert zones == []
    assert not any("/wp-json/" in url for url in requested)


def test_only_html_left_uses_older_posts_pagination(wp: WordPressSite) -> None:
    wp.feed = wp.sitemap = False
    wp.rest_status = 401
    found, _ = discover(SiteConfig(name="wp", url=wp.base + "/"))
    assert len(found) == len({d.url for d in found}) == len(wp.posts)
    assert {d.url for d in found} == urls_of(wp)
    assert {d.source for d in found} == {"archive"}


def test_since_include_exclude_and_max_pages(wp: WordPressSite) -> None:
    since = datetime(2020, 4, 1, tzinfo=UTC)
    site = SiteConfig(name="wp", url=wp.base + "/", since=since)
    found, _ = discover(site)
    assert {d.url for d in found} == {wp.base + p.path for p in wp.posts if p.date >= since}
    assert wp.hits["/feed/"] == 2  # paging stops once a whole page is older than `since`

    filtered = replace(site, since=None, include=(r"/post-1\d/$",), exclude=(r"post-13",))
    found, _ = discover(filtered)
    assert sorted(d.url.rsplit("/", 2)[-2] for d in found) == [
        f"post-{n}" for n in (10, 11, 12, 14, 15, 16, 17, 18, 19)
    ]
    found, _ = discover(replace(site, since=None, max_pages=4))
    assert len(found) == 4
    found, _ = discover(replace(site, since=None), limit=2)
    assert len(found) == 2


def test_known_lastmod_skips_unchanged_posts(wp: WordPressSite) -> None:
    wp.feed = False
    known = {wp.base + p.path: p.date for p in wp.posts[1:]}
    found, _ = discover(SiteConfig(name="wp", url=wp.base + "/"), known_lastmod=known.get)
    assert [d.url for d in found] == [wp.base + wp.posts[0].path]


def test_calendar_trap_stays_bounded(wp: WordPressSite) -> None:
    wp.feed = wp.sitemap = False
    wp.rest_status = 404
    wp.calendar = True
    wp.posts = wp.posts[:8]  # one listing page: pagination alone is not a whole-site answer
    limits = DiscoveryLimits(link_depth=4, link_pages=30)
    found, requested = discover(SiteConfig(name="wp", url=wp.base + "/"), limits=limits)
    assert {d.url for d in found} == urls_of(wp)
    calendar = [u for u in requested if "/calendar/" in u]
    assert 0 < len(calendar) <= 30
    assert len(requested) < 60


def test_out_of_scope_and_unparseable_sources_never_crash(wp: WordPressSite) -> None:
    # The configured URL is a post-less path: nothing in scope, every source fails softly.
    found, _ = discover(SiteConfig(name="wp", url=wp.base + "/nothing-here/"))
    assert found == []


def test_blogger_feed_paging_then_nothing_else(blogger: BloggerSite) -> None:
    found, requested = discover(SiteConfig(name="b", url=blogger.base + "/", platform="blogger"))
    assert [d.url for d in found] == [blogger.url_of(p) for p in blogger.posts]
    assert blogger.hits["/feeds/posts/default"] == 3  # 7 posts, 3 per response
    assert not any("sitemap" in u for u in requested)


def test_blogger_without_feed_follows_older_posts_pager(blogger: BloggerSite) -> None:
    blogger.feed = False
    found, _ = discover(SiteConfig(name="b", url=blogger.base + "/"))
    assert sorted(d.url for d in found) == sorted(blogger.url_of(p) for p in blogger.posts)


# -- threads ------------------------------------------------------------------------------


def thread(parsed: ParsedPage, url: str, **fetch_args: Any) -> Any:
    async def go(fetch: Callable[..., Any], requested: list[str]) -> Any:
        return await complete_thread(parsed, url, fetch), requested

    return run(go, **fetch_args)


def check_tree(comments: tuple[Comment, ...]) -> None:
    ids = [c.id for c in comments]
    assert len(ids) == len(set(ids))
    by_id = {c.id: c for c in comments}
    for c in comments:
        if c.parent_id is None:
            assert c.depth == 0
        else:
            assert ids.index(c.parent_id) < ids.index(c.id)
            assert c.depth == by_id[c.parent_id].depth + 1


def expected_parents(wp: WordPressSite) -> dict[str, str | None]:
    return {str(c.id): (str(c.parent) if c.parent else None) for c in wp.approved(wp.thread_post)}


def fetch_post(wp: WordPressSite) -> tuple[ParsedPage, str]:
    url = wp.base + wp.thread_post.path
    body = httpx.get(url).content
    return parse_page(body, url), url


def test_thread_completed_from_comment_pages_without_rest(wp: WordPressSite) -> None:
    parsed, url = fetch_post(wp)
    assert len(parsed.comments) < (parsed.comment_count_shown or 0)
    result, requested = thread(parsed, url)
    assert result.complete, result.note
    assert result.shown == 16
    check_tree(result.comments)
    assert {c.id: c.parent_id for c in result.comments} == expected_parents(wp)
    assert max(c.depth for c in result.comments) == 4  # five levels deep
    assert sum(c.kind == "pingback" for c in result.comments) == 2
    assert "Hidden" not in {c.author for c in result.comments}
    # Comment pages carry everything (pingbacks, author flags): REST is not needed.
    assert any("comment-page-1/" in u for u in requested)
    assert not any("wp-json/wp/v2/comments" in u for u in requested)


def test_thread_parses_comment_pages_with_the_given_parser(wp: WordPressSite) -> None:
    wp.rest_status = 401
    parsed, url = fetch_post(wp)
    handed: list[str] = []

    async def parse(body: bytes, page_url: str, fetched_at: datetime | None) -> ParsedPage:
        handed.append(page_url)
        return parse_page(body, page_url, fetched_at=fetched_at)

    async def go(fetch: Callable[..., Any], requested: list[str]) -> Any:
        return await complete_thread(parsed, url, fetch, parse=parse), requested

    result, requested = run(go)
    assert result.complete, result.note
    pages = [u for u in requested if "comment-page-" in u]
    assert pages
    assert handed == pages

    async def broken(body: bytes, page_url: str, fetched_at: datetime | None) -> ParsedPage:
        raise ParseError("no comments here")

    async def go_broken(fetch: Callable[..., Any], requested: list[str]) -> Any:
        return await complete_thread(parsed, url, fetch, parse=broken)

    failed = run(go_broken)
    assert not failed.complete
    assert failed.note is not None
    assert "comment page unreadable" in failed.note
    assert failed.comments == parsed.comments


def test_thread_with_api_off_uses_comment_pages(wp: WordPressSite) -> None:
    wp.rest_status = 401
    parsed, url = fetch_post(wp)
    result, _ = thread(parsed, url)
    assert result.complete, result.note
    assert {c.id: c.parent_id for c in result.comments} == expected_parents(wp)
    check_tree(result.comments)


def test_thread_api_off_and_robots_blocked_says_why(wp: WordPressSite) -> None:
    wp.rest_status = 401
    parsed, url = fetch_post(wp)
    result, _ = thread(parsed, url, blocked=lambda u: "comment-page-" in u)
    assert not result.complete
    assert result.note is not None
    assert "API off (HTTP 401)" in result.note
    assert "robots-disallowed" in result.note
    assert len(result.comments) == len(parsed.comments)


def test_rest_fills_in_when_comment_pages_are_blocked(wp: WordPressSite) -> None:
    parsed, url = fetch_post(wp)
    result, requested = thread(parsed, url, blocked=lambda u: "comment-page-" in u)
    assert any("wp-json/wp/v2/comments" in u for u in requested)
    check_tree(result.comments)
    approved = expected_parents(wp)
    # REST lists ordinary comments only: every one of them arrives, with its true parent.
    rest_ids = {c.id for c in result.comments if c.kind == "comment"}
    assert rest_ids <= set(approved)
    assert {c.id: c.parent_id for c in result.comments if c.kind == "comment"} == {
        key: parent for key, parent in approved.items() if key in rest_ids
    }


def test_whole_thread_on_the_page_needs_no_fetch(wp: WordPressSite) -> None:
    url = wp.base + wp.posts[1].path
    parsed = parse_page(httpx.get(url).content, url)
    result, requested = thread(parsed, url)
    assert result.complete
    assert result.comments == parsed.comments
    assert requested == []


def test_blogger_thread_from_comments_feed(blogger: BloggerSite) -> None:
    pid = blogger.posts[0][0]
    url = blogger.url_of(blogger.posts[0])
    shown = blogger.comments[:2]
    parsed = ParsedPage(
        url=url,
        platform="blogger",
        post=Post(platform_id=pid),
        comment_count_shown=len(blogger.comments),
        comments=tuple(Comment(id=c.id, author=c.author, text="page") for c in shown),
        more_comments=(f"{blogger.base}/feeds/{pid}/comments/default?alt=json&start-index=1",),
    )
    result, _ = thread(parsed, url)
    assert result.complete, result.note
    check_tree(result.comments)
    assert {c.id: c.parent_id for c in result.comments} == {
        c.id: c.parent for c in blogger.comments
    }
    assert [c.deleted for c in result.comments].count(True) == 1
    assert blogger.hits[f"/feeds/{pid}/comments/default"] == 3  # 9 comments, 3 per response
    assert result.comments[0].text == "page"  # the page's own text is kept
    assert result.comments[0].published == blogger.comments[0].published


def test_blogger_feed_failure_is_reported(blogger: BloggerSite) -> None:
    url = blogger.url_of(blogger.posts[1])  # this post has no comments feed on the stand-in
    parsed = ParsedPage(
        url=url,
        platform="blogger",
        post=Post(platform_id=blogger.posts[1][0]),
        comment_count_shown=5,
        comments=(Comment(id="1"),),
    )
    result, _ = thread(parsed, url)
    assert not result.complete
    assert result.note is not None
    assert "HTTP 404" in result.note


def test_js_only_widget_is_incomplete() -> None:
    parsed = ParsedPage(
        url="https://x.example/p",
        platform="generic",
        notes=("comments are served by Disqus (JavaScript only)",),
    )
    result, requested = thread(parsed, "https://x.example/p")
    assert not result.complete
    assert result.note is not None
    assert result.note.startswith("JS-only widget")
    assert requested == []
