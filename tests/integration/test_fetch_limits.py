"""The Fetcher's limits against real servers: robots.txt, pacing, concurrency, address safety."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from servers import (
    FAST,
    LOCAL,
    ConcurrencyGauge,
    Handler,
    Hit,
    MisbehavingServer,
    page,
    redirect,
    status,
)

from scraper.core.config import FetchConfig
from scraper.core.models import FetchOutcome
from scraper.fetch.fetcher import Fetcher

ROBOTS = b"""User-agent: *
Disallow: /private
Crawl-delay: 0.15
Sitemap: http://example.org/sitemap.xml
Sitemap: http://example.org/sitemap-2.xml.gz
"""


@pytest.fixture
def server() -> Iterator[MisbehavingServer]:
    with MisbehavingServer() as running:
        yield running


async def _no_sleep(seconds: float) -> None:
    await asyncio.sleep(0)


def fetch_all(
    urls: list[str], config: FetchConfig = FAST, allow: frozenset[str] = LOCAL
) -> list[FetchOutcome]:
    async def go() -> list[FetchOutcome]:
        async with Fetcher(config, allow_private_hosts=allow) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(url) for url in urls))

    return asyncio.run(go())


def test_robots_disallow_blocks_and_robots_is_fetched_once(server: MisbehavingServer) -> None:
    server.routes["/robots.txt"] = page(ROBOTS, "text/plain")
    server.routes["/private/a"] = page(b"<p>secret</p>")
    server.routes["/public"] = page(b"<p>hi</p>")
    blocked, ok, again = fetch_all(
        [server.url("/private/a"), server.url("/public"), server.url("/public")]
    )
    assert (blocked.status, blocked.reason) == ("robots_blocked", "robots.txt disallows /private/a")
    assert ok.status == "ok"
    assert again.status == "ok"
    assert server.hits_for("/private/a") == []
    assert len(server.hits_for("/robots.txt")) == 1
    assert server.hits_for("/robots.txt")[0].headers["user-agent"] == FAST.user_agent


def test_crawl_delay_spaces_request_starts(server: MisbehavingServer) -> None:
    server.routes["/robots.txt"] = page(ROBOTS, "text/plain")
    for n in range(4):
        server.routes[f"/p{n}"] = page(b"<p>page</p>")
    # per-host concurrency 2 would allow overlap; the crawl-delay must still space the starts.
    outcomes = fetch_all([server.url(f"/p{n}") for n in range(4)])
    assert all(outcome.status == "ok" for outcome in outcomes)
    starts = sorted(hit.started for hit in server.hits)  # robots.txt counts as a request too
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(gaps) == 4
    # The server sees arrivals, not the client's sends: allow scheduling noise, but far less
    # than the delay itself (unpaced requests arrive within a few milliseconds).
    assert min(gaps) >= 0.15 - 0.05


def test_configured_delay_wins_when_larger_than_crawl_delay(server: MisbehavingServer) -> None:
    server.routes["/robots.txt"] = page(b"User-agent: *\nCrawl-delay: 0.01\n", "text/plain")
    server.routes["/a"] = page(b"a")
    server.routes["/b"] = page(b"b")
    fetch_all([server.url("/a"), server.url("/b")], replace(FAST, delay=0.2))
    starts = sorted(hit.started for hit in server.hits)
    # Arrival times at the server, not the client's sends: allow scheduling noise, far less
    # than the delay (unpaced requests arrive within milliseconds of each other).
    assert starts[2] - starts[1] >= 0.2 - 0.05
    assert starts[1] - starts[0] >= 0.2 - 0.05


def test_robots_5xx_means_disallow_all_but_404_allows_all(server: MisbehavingServer) -> None:
    with MisbehavingServer() as other:
        server.routes["/robots.txt"] = status(503)
        server.routes["/a"] = page(b"<p>a</p>")
        other.routes["/a"] = page(b"<p>a</p>")  # no robots.txt route: 404
        down, fine = fetch_all([server.url("/a"), other.url("/a")])
    assert down.status == "failed"  # the host's fault, not the owner's choice: retried next run
    assert down.reason == "robots.txt unreachable (http 503), disallow all"
    assert server.hits_for("/a") == []
    assert fine.status == "ok"


def test_sitemaps_for_reads_robots_sitemap_lines(server: MisbehavingServer) -> None:
    server.routes["/robots.txt"] = page(ROBOTS, "text/plain")

    async def go() -> tuple[tuple[str, ...], FetchOutcome]:
        async with Fetcher(FAST, allow_private_hosts=LOCAL) as fetcher:
            sitemaps = await fetcher.sitemaps_for(server.url("/any/page"))
            return sitemaps, await fetcher.fetch(server.url("/private/x"))

    sitemaps, blocked = asyncio.run(go())
    assert sitemaps == ("http://example.org/sitemap.xml", "http://example.org/sitemap-2.xml.gz")
    assert blocked.status == "robots_blocked"
    assert len(server.hits_for("/robots.txt")) == 1


def test_redirect_into_disallowed_path_is_blocked(server: MisbehavingServer) -> None:
    server.routes["/robots.txt"] = page(ROBOTS, "text/plain")
    server.routes["/go"] = redirect("/private/target")
    (outcome,) = fetch_all([server.url("/go")])
    assert outcome.status == "robots_blocked"
    assert outcome.redirects == (server.url("/private/target"),)
    assert server.hits_for("/private/target") == []


def test_private_address_refused_unless_allowed(server: MisbehavingServer) -> None:
    server.routes["/a"] = page(b"<p>a</p>")
    by_name, by_ip = fetch_all(
        [server.url("/a", host="localhost"), server.url("/a")], allow=frozenset()
    )
    assert by_name.status == "failed"
    assert by_name.reason is not None
    assert by_name.reason.startswith("unsafe address ")
    assert by_name.reason.endswith(" for localhost")
    assert (by_ip.status, by_ip.reason) == ("failed", "unsafe address 127.0.0.1")
    assert server.hits == []  # not even robots.txt was asked for


def test_redirect_to_unsafe_host_is_refused(server: MisbehavingServer) -> None:
    server.routes["/hop"] = redirect(server.url("/a", host="localhost"))
    server.routes["/a"] = page(b"<p>a</p>")
    (outcome,) = fetch_all([server.url("/hop")])  # only 127.0.0.1 is allowed
    assert outcome.status == "failed"
    assert outcome.reason is not None
    assert outcome.reason.startswith("unsafe address")
    assert server.hits_for("/a") == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://127.0.0.1/file", "unsupported scheme ftp"),
        ("file:///etc/passwd", "unsupported scheme file"),
        ("javascript:alert(1)", "unsupported scheme javascript"),
        ("http:///nohost", "url has no host"),
        ("http://user:pw@127.0.0.1/", "url carries credentials"),
    ],
)
def test_non_http_and_odd_urls_refused(url: str, reason: str) -> None:
    (outcome,) = fetch_all([url])
    assert (outcome.status, outcome.reason, outcome.attempts) == ("failed", reason, 0)


def test_redirect_to_file_scheme_refused(server: MisbehavingServer) -> None:
    server.routes["/x"] = redirect("file:///etc/passwd")
    (outcome,) = fetch_all([server.url("/x")])
    assert (outcome.status, outcome.reason) == ("failed", "unsupported scheme file")


def _slow_page(handler: Handler, hit: Hit) -> None:
    handler.pause(0.05)
    handler.send(200, b"<p>slow</p>")


def test_per_host_and_global_concurrency_never_exceeded() -> None:
    gauge = ConcurrencyGauge()
    with (
        MisbehavingServer(gauge) as one,
        MisbehavingServer(gauge) as two,
        MisbehavingServer(gauge) as three,
    ):
        servers = (one, two, three)
        urls = []
        for server in servers:
            for n in range(8):
                server.routes[f"/p{n}"] = _slow_page
                urls.append(server.url(f"/p{n}"))
        config = replace(FAST, concurrency=4, per_host_concurrency=2)
        outcomes = fetch_all(urls, config)
    assert all(outcome.status == "ok" for outcome in outcomes)
    assert all(server.max_in_flight <= 2 for server in servers)
    assert any(
        server.max_in_flight == 2 for server in servers
    )  # the limit was reached, not avoided
    assert gauge.peak <= 4


def test_fetch_many_yields_every_outcome(server: MisbehavingServer) -> None:
    for n in range(30):
        server.routes[f"/p{n}"] = page(f"<p>{n}</p>".encode())
    urls = [server.url(f"/p{n}") for n in range(30)] + [server.url("/missing")]

    async def go() -> list[FetchOutcome]:
        async with Fetcher(FAST, allow_private_hosts=LOCAL, sleep=_no_sleep) as fetcher:
            return [outcome async for outcome in fetcher.fetch_many(urls)]

    outcomes = asyncio.run(go())
    assert sorted(o.url for o in outcomes) == sorted(urls)
    assert sum(o.status == "ok" for o in outcomes) == 30


def test_fetch_many_stopped_early_cancels_cleanly(server: MisbehavingServer) -> None:
    for n in range(20):
        server.routes[f"/p{n}"] = _slow_page

    async def go() -> int:
        async with Fetcher(FAST, allow_private_hosts=LOCAL) as fetcher:
            stream = fetcher.fetch_many(server.url(f"/p{n}") for n in range(20))
            async for _ in stream:
                break
            await stream.aclose()  # type: ignore[attr-defined]
        return 1

    started = time.monotonic()
    assert asyncio.run(go()) == 1
    assert time.monotonic() - started < 2.0


def test_the_delay_holds_between_requests_that_really_went_out() -> None:
    """A request that waited for the global slot past its reserved start must not let the next
    request to its host follow it closely: the gap is measured at the server."""
    delay = 0.3

    def slow(handler: Handler, hit: Hit) -> None:
        handler.pause(0.2)  # holds the only global slot for most of the delay
        handler.send(200, b"<p>slow</p>", "text/html")

    with MisbehavingServer() as busy, MisbehavingServer() as paced:
        busy.routes["/robots.txt"] = page(b"", "text/plain")
        paced.routes["/robots.txt"] = page(b"", "text/plain")
        busy.routes["/one"] = slow
        for path in ("/one", "/two", "/three"):
            paced.routes[path] = page(b"<p>quick</p>")
        config = replace(FAST, concurrency=1, per_host_concurrency=1, delay=delay)
        fetch_all([busy.url("/one")] + [paced.url(p) for p in ("/one", "/two", "/three")], config)
        starts = sorted(hit.started for hit in paced.hits if hit.path != "/robots.txt")
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(starts) == 3
    assert min(gaps) >= delay - 0.02, gaps
