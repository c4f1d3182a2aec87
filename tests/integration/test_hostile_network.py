"""Hostile networks: one deadline per URL, a run kept to its budget, scope and address checks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from blogger_standin import BloggerSite
from scheduled_runs import query, run_in_process
from servers import (
    FAST,
    LOCAL,
    Behaviour,
    Handler,
    Hit,
    MisbehavingServer,
    drip_forever,
    page,
    redirect,
)
from wp_standin import Response, WordPressSite, WPComment, serve

from scraper.core.config import Config, FetchConfig, RunConfig, SiteConfig
from scraper.core.models import FetchOutcome
from scraper.fetch.fetcher import Fetcher
from scraper.fetch.netsafety import Resolver, system_resolver
from scraper.fetch.scope import SiteScope

NO_ROBOTS = replace(FAST, respect_robots=False)


def _fetch(
    url: str,
    config: FetchConfig = NO_ROBOTS,
    *,
    allow: frozenset[str] = LOCAL,
    scope: SiteScope | None = None,
    resolver: Resolver = system_resolver,
) -> FetchOutcome:
    async def go() -> FetchOutcome:
        async with Fetcher(config, allow_private_hosts=allow, resolver=resolver) as fetcher:
            return await fetcher.fetch(url, scope=scope)

    return asyncio.run(go())


@pytest.fixture
def server() -> Iterator[MisbehavingServer]:
    with MisbehavingServer() as running:
        yield running


# -- 1. one deadline per URL ----------------------------------------------------------------


def test_a_slow_redirect_chain_is_bounded_by_the_url_deadline(server: MisbehavingServer) -> None:
    def slow_hop(number: int) -> Behaviour:
        def behaviour(handler: Handler, hit: Hit) -> None:
            handler.pause(0.3)  # each hop well within the per-attempt timeout
            redirect(server.url(f"/hop{number + 1}"))(handler, hit)

        return behaviour

    for number in range(10):
        server.routes[f"/hop{number}"] = slow_hop(number)
    config = replace(NO_ROBOTS, timeout=2.0, url_deadline=1.0, max_redirects=20)
    started = time.monotonic()
    outcome = _fetch(server.url("/hop0"), config)
    elapsed = time.monotonic() - started
    assert (outcome.status, outcome.reason) == ("failed", "url deadline of 1 s passed")
    assert 1 <= len(outcome.redirects) <= 4
    assert elapsed < 1.8  # ten hops of 0.3 s would be 3 s


def test_a_trickled_body_with_retries_is_bounded_by_the_url_deadline(
    server: MisbehavingServer,
) -> None:
    server.routes["/drip"] = drip_forever()
    # Three attempts of 0.6 s plus backoff would be ~3.5 s; the URL gets 1 s in all.
    config = replace(NO_ROBOTS, timeout=0.6, retries=2, url_deadline=1.0)
    started = time.monotonic()
    outcome = _fetch(server.url("/drip"), config)
    elapsed = time.monotonic() - started
    assert outcome.status == "failed"
    # After the first attempt (0.6 s) the backoff (~1 s) would not fit: no second attempt.
    assert outcome.reason == "timeout; no retry: the url deadline of 1 s would pass first"
    assert elapsed < 1.6

    # A per-attempt timeout longer than the deadline: the body read itself is cut at 1 s.
    started = time.monotonic()
    outcome = _fetch(server.url("/drip"), replace(config, timeout=5.0))
    assert (outcome.status, outcome.reason) == ("failed", "url deadline of 1 s passed")
    assert outcome.bytes_received > 0  # it was cut while the body trickled in
    assert time.monotonic() - started < 1.6


def test_waiting_for_a_turn_at_the_host_does_not_count_against_the_deadline(
    server: MisbehavingServer,
) -> None:
    server.routes["/p"] = page(b"<p>fast</p>")
    # One request at a time, 0.4 s apart: the fourth URL waits 1.2 s for its turn.
    config = replace(NO_ROBOTS, per_host_concurrency=1, delay=0.4, url_deadline=0.5)

    async def go() -> list[FetchOutcome]:
        async with Fetcher(config, allow_private_hosts=LOCAL) as fetcher:
            urls = [server.url(f"/p?n={n}") for n in range(4)]
            return list(await asyncio.gather(*(fetcher.fetch(url) for url in urls)))

    assert [outcome.status for outcome in asyncio.run(go())] == ["ok"] * 4


# -- 2. the run's time budget ---------------------------------------------------------------


def _slow_comments(site: WordPressSite, delay: list[float]) -> Callable[[str], Response]:
    def handle(target: str) -> Response:
        if "/comment-page-" in target:
            time.sleep(delay[0])
        return site.handle(target)

    return handle


def _one_long_thread(pages: int) -> WordPressSite:
    site = WordPressSite(posts=2, comments_per_page=1)
    site.posts[1].comments = []
    post = site.posts[0]
    moment = post.date + timedelta(hours=1)
    post.comments = [
        WPComment(1000 + n, 0, f"Reader{n}", moment + timedelta(minutes=n), f"Note {n}")
        for n in range(pages)
    ]
    site.rest_status = 401  # no API to make up for the pages: they must all be read
    return site


def test_thread_completion_stops_at_the_run_budget_and_the_next_run_finishes_it(
    tmp_path: Path,
) -> None:
    site = _one_long_thread(60)
    delay = [0.1]
    handle = _slow_comments(site, delay)  # 60 comment pages: 6 s without the budget
    with serve(handle, lambda base: setattr(site, "base", base)) as base:
        fetch = replace(FAST, delay=0.0, url_deadline=1.0, timeout=1.0)
        config = Config(
            fetch=fetch,
            run=RunConfig(time_budget=timedelta(seconds=1)),
            sites=(SiteConfig(name="wp", url=base + "/", platform="wordpress"),),
        )
        db = tmp_path / "archive.db"
        started = time.monotonic()
        first = run_in_process(config, db, force=True)
        elapsed = time.monotonic() - started
        assert elapsed < 1 + 1 + 1.0  # budget + one URL deadline + slack for parsing
        assert first.sites[0].pages_fetched == 2
        rows = query(db, "SELECT thread_complete, completeness_note FROM posts")
        assert (0, "run time budget reached") in rows
        archived = query(db, "SELECT count(*) FROM comments")[0][0]
        assert 0 < archived < 60
        # The page stays queued: the site is due, and the next run reads it in full (no 304).
        assert ("pending",) in query(db, "SELECT status FROM frontier")
        assert query(db, "SELECT count(*) FROM url_validators") == [(0,)]

        delay[0] = 0.0  # the blog answers quickly now
        relaxed = replace(config, run=RunConfig(time_budget=timedelta(minutes=5)))
        second = run_in_process(relaxed, db, force=True)
        assert second.pages_failed == 0
        rows = query(db, "SELECT thread_complete, completeness_note FROM posts")
        assert set(rows) == {(1, None)}
        assert query(db, "SELECT count(*) FROM comments") == [(60,)]
        assert query(db, "SELECT count(*) FROM frontier") == [(0,)]


# -- 3. scope and addresses -----------------------------------------------------------------


def test_a_redirect_to_another_port_of_the_site_host_is_refused() -> None:
    with MisbehavingServer() as blog, MisbehavingServer() as internal:
        internal.routes["/secret"] = page(b"<p>internal service</p>")
        blog.routes["/post"] = redirect(internal.url("/secret"))
        own = frozenset({f"127.0.0.1:{blog.port}"})  # what a run allows: the site's own port
        scope = SiteScope.of(blog.url("/"))

        scoped = _fetch(blog.url("/post"), allow=own, scope=scope)
        assert scoped.status == "skipped"
        assert scoped.reason == (
            f"redirect out of scope: {internal.url('/secret')} is not on port {blog.port}"
            " of 127.0.0.1"
        )
        # Without a scope, the address guard alone refuses it too: private only on that port.
        unscoped = _fetch(blog.url("/post"), allow=own)
        assert (unscoped.status, unscoped.reason) == ("failed", "unsafe address 127.0.0.1")
        assert internal.hits == []
        assert len(blog.hits_for("/post")) == 2


def test_dns_rebinding_between_check_and_connect_is_refused(server: MisbehavingServer) -> None:
    """The name answers 'public' to the early check, then 'loopback': the connection is
    refused, and the loopback server is never reached (before, the transport resolved the
    name again on its own and connected to whatever it said)."""
    server.routes["/"] = page(b"<p>internal</p>")
    answers: list[str] = []

    async def rebinding(host: str, port: int) -> Sequence[str]:
        answers.append(host)
        return ["93.184.216.34"] if len(answers) == 1 else ["127.0.0.1"]

    outcome = _fetch(server.url("/", host="localhost"), allow=frozenset(), resolver=rebinding)
    assert (outcome.status, outcome.reason) == (
        "failed",
        "unsafe address 127.0.0.1 for localhost",
    )
    assert answers == ["localhost", "localhost"]  # the check, then the connection
    assert server.hits == []


def test_the_connection_goes_to_the_address_the_guard_resolved(server: MisbehavingServer) -> None:
    server.routes["/post"] = page(b"<p>pinned</p>")

    async def resolver(host: str, port: int) -> Sequence[str]:
        assert host == "blog.invalid"  # never in real DNS: only our answer can reach it
        return ["127.0.0.1"]

    allow = frozenset({f"blog.invalid:{server.port}"})
    outcome = _fetch(server.url("/post", host="blog.invalid"), allow=allow, resolver=resolver)
    assert outcome.status == "ok"
    assert server.hits_for("/post")[0].headers["host"] == f"blog.invalid:{server.port}"


def test_a_comments_feed_on_another_host_is_not_fetched_in_a_run(tmp_path: Path) -> None:
    """A post page naming a comments feed elsewhere (another port of 127.0.0.1 here): the
    other host's comments are not fetched, so they cannot be merged into this thread."""
    foreign = BloggerSite()  # answers /feeds/9006/comments/default with nine comments
    with serve(foreign.handle) as elsewhere, MisbehavingServer() as blog:
        post = (
            "<html><head><meta name='generator' content='Blogger'><link rel='alternate' "
            f"type='application/atom+xml' href='{elsewhere}/feeds/9006/comments/default'>"
            "</head><body class='item-view'><div class='post hentry'><h3 class='post-title "
            "entry-title'>Entry six</h3><div class='post-body entry-content' "
            "id='post-body-9006'>Words.</div></div><div class='comments' id='comments'>"
            "<h4>9 comments:</h4><div class='comment-thread'><ol></ol></div></div></body></html>"
        )
        blog.routes["/2020/09/entry-6.html"] = page(post.encode())
        home = "<html><body><a href='/2020/09/entry-6.html'>Entry six</a></body></html>"
        blog.routes["/"] = page(home.encode())
        config = Config(
            fetch=replace(FAST, delay=0.0),
            sites=(SiteConfig(name="b", url=blog.url("/"), platform="blogger", max_pages=5),),
        )
        report = run_in_process(config, tmp_path / "archive.db", force=True)
        assert report.sites[0].pages_fetched == 1
        assert foreign.hits == {}
        assert query(tmp_path / "archive.db", "SELECT count(*) FROM comments") == [(0,)]
        (complete,) = query(tmp_path / "archive.db", "SELECT thread_complete FROM posts")[0]
        assert complete == 0
        skipped = query(
            tmp_path / "archive.db", "SELECT reason FROM fetches WHERE status = 'skipped'"
        )
        assert any(r.startswith(f"out of scope: {elsewhere}/feeds/9006") for (r,) in skipped)


def _wordpress_post(comments: int, first: int, older: str | None, api: str | None) -> bytes:
    """A WordPress post page showing `comments` comments, an 'Older Comments' link and a REST
    index link to wherever the test says."""
    items = "".join(
        f"<li id='comment-{n}' class='comment depth-1'><article id='div-comment-{n}'"
        " class='comment-body'><footer class='comment-meta'><div class='comment-author vcard'>"
        f"<b class='fn'>Reader {n}</b></div><div class='comment-metadata'>"
        f"<time datetime='2024-01-0{1 + n % 8}T10:00:00+00:00'>then</time></div></footer>"
        f"<div class='comment-content'><p>Comment number {n}.</p></div></article></li>"
        for n in range(first, first + comments)
    )
    nav = (
        "<nav class='comment-navigation'><div class='nav-previous'>"
        f"<a href='{older}'>&larr; Older Comments</a></div></nav>"
        if older
        else ""
    )
    return (
        "<!DOCTYPE html><html><head><meta name='generator' content='WordPress 6.4'>"
        + (f"<link rel='https://api.w.org/' href='{api}'>" if api else "")
        + "</head><body class='post-template-default single single-post postid-7'>"
        "<article id='post-7' class='post-7 post type-post'><h1 class='entry-title'>Seven"
        "</h1><div class='entry-content'><p>Words.</p></div></article><div id='comments'"
        f" class='comments-area'><h2 class='comments-title'>{comments * 2} thoughts</h2>"
        f"{nav}<ol class='comment-list'>{items}</ol></div></body></html>"
    ).encode()


def test_comment_pages_and_the_comments_api_on_another_host_are_not_fetched(
    tmp_path: Path,
) -> None:
    """A post whose 'Older Comments' link and REST index point at another host (another port of
    127.0.0.1): that host is never asked, and its comments are not merged into the thread. The
    same link on the blog's own host, on a second post, is followed (the control)."""
    seven, eight = "/2024/01/seven/", "/2024/01/eight/"
    with MisbehavingServer() as elsewhere, MisbehavingServer() as blog:
        older = elsewhere.url(f"{seven}comment-page-1/#comments")
        elsewhere.routes[f"{seven}comment-page-1/"] = page(_wordpress_post(3, 100, None, None))
        blog.routes[seven] = page(_wordpress_post(3, 1, older, elsewhere.url("/wp-json/")))
        blog.routes[eight] = page(
            _wordpress_post(3, 11, blog.url(f"{eight}comment-page-1/#comments"), None)
        )
        blog.routes[f"{eight}comment-page-1/"] = page(_wordpress_post(3, 14, None, None))
        home = f"<html><body><a href='{seven}'>Seven</a><a href='{eight}'>Eight</a></body></html>"
        blog.routes["/"] = page(home.encode())
        config = Config(
            fetch=replace(FAST, delay=0.0),
            sites=(SiteConfig(name="b", url=blog.url("/"), max_pages=5),),
        )
        report = run_in_process(config, tmp_path / "archive.db", force=True)
        assert report.sites[0].pages_fetched == 2
        assert elsewhere.hits == []
        assert blog.hits_for(f"{eight}comment-page-1/")  # the control: own host, followed
    db = tmp_path / "archive.db"
    rows = query(
        db,
        "SELECT p.url, c.text FROM comments c JOIN posts p ON p.id = c.post_id ORDER BY c.text",
    )
    assert sorted(text for url, text in rows if url.endswith(seven)) == [
        f"Comment number {n}." for n in (1, 2, 3)
    ]
    assert len([text for url, text in rows if url.endswith(eight)]) == 6
    flags = dict(query(db, "SELECT url, thread_complete FROM posts"))
    assert flags[blog.url(seven)] == 0  # the page says 6, 3 were read: not passed off as whole
