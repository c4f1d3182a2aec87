"""Politeness without sockets: robots.txt verdicts (RFC 9309), Crawl-delay, per-host pacing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from scraper.core.models import FetchedPage, FetchOutcome
from scraper.fetch.politeness import (
    MAX_CRAWL_DELAY,
    HostPacer,
    RobotsCache,
    host_key,
    origin_of,
    robots_from_outcome,
)

UA = "blogarchive/0.1 (+https://example.org/contact)"
ORIGIN = "https://blog.example"


def robots_page(text: str) -> FetchOutcome:
    page = FetchedPage(
        url=f"{ORIGIN}/robots.txt",
        final_url=f"{ORIGIN}/robots.txt",
        status=200,
        headers={"content-type": "text/plain"},
        body=text.encode(),
        fetched_at=datetime.now(UTC),
    )
    return FetchOutcome(url=page.url, status="ok", page=page, http_status=200)


def failed(http_status: int | None, reason: str) -> FetchOutcome:
    return FetchOutcome(
        url=f"{ORIGIN}/robots.txt", status="failed", http_status=http_status, reason=reason
    )


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_origin_and_host_key() -> None:
    assert origin_of("HTTPS://Blog.Example:443/a?b") == "https://blog.example"
    assert origin_of("http://blog.example:8080/x") == "http://blog.example:8080"
    assert origin_of("http://[::1]:8080/x") == "http://[::1]:8080"
    assert host_key("https://Blog.Example/a") == "blog.example:443"
    assert host_key("http://blog.example/a") == "blog.example:80"


def test_robots_rules_for_our_agent_group() -> None:
    rules = robots_from_outcome(
        ORIGIN,
        robots_page(
            "User-agent: *\nDisallow: /\n\n"
            "User-agent: blogarchive\nDisallow: /search\nCrawl-delay: 2.5\n"
            "Sitemap: https://blog.example/sitemap.xml\n"
        ),
    )
    assert rules.blocked_reason(f"{ORIGIN}/2015/02/post.html", UA) is None
    assert rules.blocked_reason(f"{ORIGIN}/search?q=x", UA) == "robots.txt disallows /search"
    assert rules.blocked_reason(f"{ORIGIN}/post", "OtherBot/1.0") == "robots.txt disallows /post"
    assert rules.crawl_delay(UA) == 2.5
    assert rules.sitemaps == ("https://blog.example/sitemap.xml",)


def test_request_rate_and_crawl_delay_cap() -> None:
    rate = robots_from_outcome(ORIGIN, robots_page("User-agent: *\nRequest-rate: 1/10s\n"))
    assert rate.crawl_delay(UA) == pytest.approx(10.0)
    silly = robots_from_outcome(ORIGIN, robots_page("User-agent: *\nCrawl-delay: 86400\n"))
    assert silly.crawl_delay(UA) == MAX_CRAWL_DELAY
    none = robots_from_outcome(ORIGIN, robots_page("User-agent: *\nDisallow:\n"))
    assert none.crawl_delay(UA) is None


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 429])
def test_robots_4xx_allows_everything(status: int) -> None:
    rules = robots_from_outcome(ORIGIN, failed(status, f"http {status}"))
    assert rules.blocked_reason(f"{ORIGIN}/anything", UA) is None
    assert rules.sitemaps == ()


@pytest.mark.parametrize(
    ("status", "reason"),
    [(500, "http 500 after 4 attempts"), (503, "http 503"), (None, "timeout after 4 attempts")],
)
def test_robots_5xx_or_unreachable_disallows_everything(status: int | None, reason: str) -> None:
    rules = robots_from_outcome(ORIGIN, failed(status, reason))
    # No answer at all is said as what it is: the site, not its robots.txt, is unreachable.
    expected = f"robots.txt unreachable ({reason}), disallow all"
    if status is None:
        expected = f"site unreachable ({reason})"
    assert rules.blocked_reason(f"{ORIGIN}/post", UA) == expected


def test_robots_redirect_overflow_counts_as_unavailable() -> None:
    rules = robots_from_outcome(ORIGIN, failed(301, "too many redirects"))
    assert rules.blocked_reason(f"{ORIGIN}/post", UA) is None


def test_robots_cache_fetches_once_for_concurrent_callers() -> None:
    loads: list[str] = []
    loaded: list[str] = []

    async def loader(url: str) -> FetchOutcome:
        loads.append(url)
        await asyncio.sleep(0.01)
        return robots_page("User-agent: *\nDisallow: /private\n")

    async def go() -> list[str | None]:
        cache = RobotsCache(loader, on_loaded=lambda rules: loaded.append(rules.origin))
        urls = [f"{ORIGIN}/p{n}" for n in range(5)] + [f"{ORIGIN}/private/x"]
        results = await asyncio.gather(*(cache.for_url(url) for url in urls))
        verdicts = [rules.blocked_reason(url, UA) for rules, url in zip(results, urls, strict=True)]
        await cache.for_url("http://other.example/")
        await cache.aclose()
        return verdicts

    verdicts = asyncio.run(go())
    assert loads == [f"{ORIGIN}/robots.txt", "http://other.example/robots.txt"]
    assert loaded == [ORIGIN, "http://other.example"]
    assert verdicts == [None] * 5 + ["robots.txt disallows /private/x"]


def test_pacer_spaces_request_starts_per_host() -> None:
    clock = FakeClock()
    pacer = HostPacer(delay=1.0, per_host_concurrency=4, clock=clock)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def go() -> None:
        for _ in range(3):
            async with pacer.slot("a:80", sleep):
                pass
        async with pacer.slot("b:80", sleep):  # another host does not wait for a:80
            pass

    asyncio.run(go())
    assert waits == [pytest.approx(1.0), pytest.approx(2.0)]


def test_crawl_delay_wins_only_when_larger() -> None:
    pacer = HostPacer(delay=1.0, per_host_concurrency=1)
    pacer.set_crawl_delay("a:80", 5.0)
    pacer.set_crawl_delay("b:80", 0.5)
    pacer.set_crawl_delay("c:80", None)
    assert (pacer.delay_for("a:80"), pacer.delay_for("b:80"), pacer.delay_for("c:80")) == (
        5.0,
        1.0,
        1.0,
    )


def test_defer_holds_back_the_whole_host() -> None:
    clock = FakeClock()
    pacer = HostPacer(delay=0.0, per_host_concurrency=2, clock=clock)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def go() -> None:
        pacer.defer("a:80", 30.0)
        async with pacer.slot("a:80", sleep):
            pass
        async with pacer.slot("b:80", sleep):
            pass

    asyncio.run(go())
    assert waits == [pytest.approx(30.0)]


def test_per_host_concurrency_is_a_hard_limit() -> None:
    pacer = HostPacer(delay=0.0, per_host_concurrency=2)
    inside = 0
    peak = 0

    async def one() -> None:
        nonlocal inside, peak
        async with pacer.slot("a:80", asyncio.sleep):
            inside += 1
            peak = max(peak, inside)
            await asyncio.sleep(0.001)
            inside -= 1

    async def go() -> None:
        await asyncio.gather(*(one() for _ in range(10)))

    asyncio.run(go())
    assert peak == 2


def test_cancelled_wait_releases_the_host_slot() -> None:
    pacer = HostPacer(delay=10.0, per_host_concurrency=1)

    async def go() -> bool:
        async with pacer.slot("a:80", asyncio.sleep):
            pass
        waiting = asyncio.create_task(pacer.slot("a:80", asyncio.sleep).__aenter__())
        await asyncio.sleep(0.01)  # now sleeping out the 10 s delay, holding the slot
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        pacer.defer("a:80", 0.0)
        state_free = not pacer._hosts["a:80"].semaphore.locked()
        return state_free

    assert asyncio.run(go())
