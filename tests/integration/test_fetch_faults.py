"""The Fetcher against real misbehaving HTTP servers on 127.0.0.1: every fault becomes data."""

from __future__ import annotations

import asyncio
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from servers import FAST as SHARED_FAST
from servers import (
    LOCAL,
    Handler,
    Hit,
    MisbehavingServer,
    drip_forever,
    first_then,
    gzip_bytes,
    page,
    redirect,
    status,
)

from scraper.core.config import FetchConfig
from scraper.core.models import FetchOutcome
from scraper.fetch.fetcher import Fetcher

# The shared fast settings, with retries on: the faults here are what retries are for.
FAST = replace(SHARED_FAST, user_agent="blogarchive-test/1.0 (+https://example.org/contact)",
               retries=3, max_bytes=1_000_000)  # fmt: skip


class SleepRecorder:
    """Stands in for asyncio.sleep: records each requested delay and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
def server() -> Iterator[MisbehavingServer]:
    with MisbehavingServer() as running:
        yield running


def fetch(
    url: str,
    config: FetchConfig = FAST,
    sleep: SleepRecorder | None = None,
    allow: frozenset[str] = LOCAL,
    **kwargs: str,
) -> FetchOutcome:
    async def go() -> FetchOutcome:
        async with Fetcher(
            config,
            allow_private_hosts=allow,
            sleep=sleep or SleepRecorder(),
        ) as f:
            return await f.fetch(url, **kwargs)  # type: ignore[arg-type]

    return asyncio.run(go())


def test_request_headers_and_cookies_a_site_sets(server: MisbehavingServer) -> None:
    """What every request carries, and a cookie set by one response returned on the next
    requests to that host only (consent and anti-bot cookies keep some blogs readable)."""
    server.routes["/first"] = page(b"<p>1</p>", Set_Cookie="seen=yes; Path=/")
    server.routes["/second"] = page(b"<p>2</p>")

    async def go() -> list[FetchOutcome]:
        async with Fetcher(FAST, allow_private_hosts=LOCAL | {"localhost"}) as fetcher:
            first = await fetcher.fetch(server.url("/first"), etag='"e1"')
            second = await fetcher.fetch(server.url("/second"))
            other = await fetcher.fetch(server.url("/second", host="localhost"))
            return [first, second, other]

    outcomes = asyncio.run(go())
    assert [outcome.status for outcome in outcomes] == ["ok", "ok", "ok"]
    first, second = server.hits_for("/first")[0], server.hits_for("/second")
    assert first.headers["host"] == f"127.0.0.1:{server.port}"
    assert first.headers["user-agent"] == FAST.user_agent
    assert first.headers["if-none-match"] == '"e1"'
    assert "gzip" in first.headers["accept-encoding"]
    assert first.headers["accept"].startswith("text/html")
    assert "cookie" not in first.headers
    assert second[0].headers["cookie"] == "seen=yes"
    assert "cookie" not in second[1].headers  # another host: localhost, not 127.0.0.1


def test_ok_page_sends_user_agent_and_records_headers(server: MisbehavingServer) -> None:
    server.routes["/post"] = page(b"<html>hello</html>", ETag='"v1"')
    outcome = fetch(server.url("/post"))
    assert outcome.status == "ok"
    assert outcome.page is not None
    assert outcome.page.body == b"<html>hello</html>"
    assert outcome.page.etag == '"v1"'
    assert outcome.page.final_url == server.url("/post")
    assert server.hits_for("/post")[0].headers["user-agent"] == FAST.user_agent
    assert outcome.bytes_received == len(b"<html>hello</html>")


def test_slow_response_times_out_and_is_retried_within_bounds(server: MisbehavingServer) -> None:
    def slow(handler: Handler, hit: Hit) -> None:
        handler.pause(3)
        handler.send(200, b"late")

    server.routes["/slow"] = slow
    sleep = SleepRecorder()
    started = time.monotonic()
    outcome = fetch(server.url("/slow"), replace(FAST, timeout=0.2, retries=1), sleep)
    assert outcome.status == "failed"
    assert outcome.reason == "timeout after 2 attempts"
    assert outcome.attempts == 2
    assert time.monotonic() - started < 2.0
    assert len(sleep.delays) == 1
    assert 0.75 <= sleep.delays[0] <= 1.25


def test_body_dripping_forever_hits_the_total_deadline(server: MisbehavingServer) -> None:
    server.routes["/drip"] = drip_forever()
    outcome = fetch(server.url("/drip"), replace(FAST, timeout=0.3, retries=0))
    assert (outcome.status, outcome.reason) == ("failed", "timeout")


def test_429_retry_after_seconds_is_the_delay(server: MisbehavingServer) -> None:
    server.routes["/busy"] = first_then(status(429, Retry_After="2"), 1, page(b"<p>ok</p>"))
    sleep = SleepRecorder()
    outcome = fetch(server.url("/busy"), sleep=sleep)
    assert outcome.status == "ok"
    assert outcome.attempts == 2
    assert len(sleep.delays) == 1
    assert sleep.delays[0] == pytest.approx(2.0, abs=0.1)


def test_503_retry_after_http_date(server: MisbehavingServer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    server.routes["/later"] = first_then(status(503, Retry_After=when), 1, page(b"<p>ok</p>"))
    sleep = SleepRecorder()
    outcome = fetch(server.url("/later"), sleep=sleep)
    assert outcome.status == "ok"
    assert 28.0 <= sleep.delays[0] <= 30.5


def test_retry_after_beyond_cap_gives_up_at_once(server: MisbehavingServer) -> None:
    server.routes["/away"] = status(429, Retry_After="3600")
    sleep = SleepRecorder()
    outcome = fetch(server.url("/away"), sleep=sleep)
    assert outcome.status == "failed"
    assert outcome.http_status == 429
    assert outcome.reason == "http 429, retry-after 3600 s over 300 s"
    assert sleep.delays == []
    assert len(server.hits_for("/away")) == 1


def test_burst_of_5xx_then_success_backs_off_exponentially(server: MisbehavingServer) -> None:
    server.routes["/flaky"] = first_then(status(500), 1, first_then(status(503), 2, page(b"ok")))
    sleep = SleepRecorder()
    outcome = fetch(server.url("/flaky"), sleep=sleep)
    assert outcome.status == "ok"
    assert outcome.attempts == 3
    assert len(sleep.delays) == 2
    assert 0.75 <= sleep.delays[0] <= 1.25
    assert 1.5 <= sleep.delays[1] <= 2.5


def test_persistent_503_gives_up_after_bounded_attempts(server: MisbehavingServer) -> None:
    server.routes["/down"] = status(503)
    sleep = SleepRecorder()
    outcome = fetch(server.url("/down"), sleep=sleep)
    assert (outcome.status, outcome.reason) == ("failed", "http 503 after 4 attempts")
    assert outcome.http_status == 503
    assert len(server.hits_for("/down")) == 4
    assert len(sleep.delays) == 3
    for number, delay in enumerate(sleep.delays):  # 1 s, 2 s, 4 s, each ± 25 % jitter
        assert 0.75 * 2**number <= delay <= 1.25 * 2**number


def test_404_is_not_retried(server: MisbehavingServer) -> None:
    outcome = fetch(server.url("/missing"))
    assert (outcome.status, outcome.reason, outcome.http_status) == ("failed", "http 404", 404)
    assert len(server.hits_for("/missing")) == 1


def _reset_mid_body(handler: Handler, hit: Hit) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "50000")
    handler.end_headers()
    handler.wfile.write(b"<html>" + b"a" * 1000)
    handler.reset()


def test_connection_reset_mid_body_is_retried(server: MisbehavingServer) -> None:
    body = b"<html>" + b"b" * 50_000
    server.routes["/reset"] = first_then(_reset_mid_body, 2, page(body))
    outcome = fetch(server.url("/reset"))
    assert outcome.status == "ok"
    assert outcome.page is not None
    assert outcome.page.body == body
    assert outcome.attempts == 3


def test_connection_reset_every_time_fails_with_reason(server: MisbehavingServer) -> None:
    server.routes["/reset"] = _reset_mid_body
    outcome = fetch(server.url("/reset"), replace(FAST, retries=1))
    assert outcome.status == "failed"
    assert outcome.reason in {
        "connection reset after 2 attempts",
        "connection closed early after 2 attempts",
    }
    assert outcome.bytes_received >= 2000  # the partial bodies were counted


def test_refused_connection_fails_with_reason() -> None:
    with MisbehavingServer() as gone:
        url = gone.url("/x")
    outcome = fetch(url, replace(FAST, retries=1, respect_robots=False))
    assert (outcome.status, outcome.reason) == ("failed", "connection refused after 2 attempts")


def test_truncated_gzip_is_a_failure_not_retried(server: MisbehavingServer) -> None:
    compressed = gzip_bytes(b"<html>" + b"word " * 5000)
    server.routes["/gz"] = page(compressed[:-40], Content_Encoding="gzip")
    outcome = fetch(server.url("/gz"))
    assert (outcome.status, outcome.reason) == ("failed", "truncated gzip")
    assert len(server.hits_for("/gz")) == 1


def test_gzip_and_deflate_bodies_are_decompressed(server: MisbehavingServer) -> None:
    html = b"<html>" + "caf\u00e9 ".encode() * 2000
    raw_deflate = zlib.compressobj(wbits=-15)
    server.routes["/gz"] = page(gzip_bytes(html), Content_Encoding="gzip")
    server.routes["/zlib"] = page(zlib.compress(html), Content_Encoding="deflate")
    server.routes["/raw"] = page(
        raw_deflate.compress(html) + raw_deflate.flush(), Content_Encoding="deflate"
    )
    for path in ("/gz", "/zlib", "/raw"):
        outcome = fetch(server.url(path))
        assert outcome.page is not None, path
        assert outcome.page.body == html, path
        assert outcome.bytes_received < len(html)  # counted on the wire, compressed


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "text/html", None])
def test_wrong_or_missing_charset_keeps_body_bytes(
    server: MisbehavingServer, content_type: str | None
) -> None:
    latin1 = "<html><p>Gr\u00fc\u00dfe aus K\u00f6ln</p></html>".encode("latin-1")
    server.routes["/latin"] = page(latin1, content_type)
    outcome = fetch(server.url("/latin"))
    assert outcome.status == "ok"
    assert outcome.page is not None
    assert outcome.page.body == latin1


def test_redirect_is_followed_and_recorded(server: MisbehavingServer) -> None:
    server.routes["/old"] = redirect("/new#frag")
    server.routes["/new"] = page(b"<p>new</p>")
    outcome = fetch(server.url("/old"))
    assert outcome.status == "ok"
    assert outcome.page is not None
    assert outcome.page.final_url == server.url("/new")
    assert outcome.redirects == (server.url("/new"),)
    assert outcome.page.url == server.url("/old")


def test_redirect_loop(server: MisbehavingServer) -> None:
    server.routes["/a"] = redirect("/b", 302)
    server.routes["/b"] = redirect("/a", 307)
    outcome = fetch(server.url("/a"))
    assert (outcome.status, outcome.reason) == ("failed", "redirect loop")
    assert outcome.redirects == (server.url("/b"), server.url("/a"))


def test_too_many_redirects(server: MisbehavingServer) -> None:
    for n in range(10):
        server.routes[f"/r{n}"] = redirect(f"/r{n + 1}")
    outcome = fetch(server.url("/r0"), replace(FAST, max_redirects=3))
    assert (outcome.status, outcome.reason) == ("failed", "too many redirects")
    assert len(outcome.redirects) == 3
    assert len(server.hits_for("/r4")) == 0


def test_huge_body_stops_at_cap(server: MisbehavingServer) -> None:
    def endless(handler: Handler, hit: Hit) -> None:
        handler.send_chunked(b"z" * 65_536 for _ in range(1000))  # 64 MB, no Content-Length

    server.routes["/huge"] = endless
    server.routes["/declared"] = page(b"x" * 2_000_000)
    outcome = fetch(server.url("/huge"))
    assert (outcome.status, outcome.reason) == ("failed", "body over 1000000 bytes")
    assert outcome.bytes_received < 1_200_000
    declared = fetch(server.url("/declared"))
    assert (declared.status, declared.reason) == ("failed", "body over 1000000 bytes")
    assert declared.bytes_received == 0  # refused on the Content-Length, before reading


def test_gzip_bomb_stops_at_cap_with_small_memory(server: MisbehavingServer) -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    bomb = b"".join(packer.compress(zeros) for _ in range(200)) + packer.flush()  # 200 MB inflated
    assert len(bomb) < 400_000
    server.routes["/bomb"] = page(bomb, Content_Encoding="gzip")
    tracemalloc.start()
    try:
        outcome = fetch(server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (outcome.status, outcome.reason) == ("failed", "body over 1000000 bytes")
    assert peak < 16_000_000  # a few times the cap at most, never the 200 MB


def test_content_type_checked_against_expectation(server: MisbehavingServer) -> None:
    server.routes["/img"] = page(b"\x89PNG....", "image/png")
    server.routes["/feed"] = page(b"<rss/>", "application/rss+xml")
    assert fetch(server.url("/img")).reason == "not html: image/png"
    assert fetch(server.url("/img"), expect="feed").reason == "not a feed: image/png"
    assert fetch(server.url("/img"), expect="any").status == "ok"
    assert fetch(server.url("/feed"), expect="feed").status == "ok"
    assert fetch(server.url("/feed")).reason == "not html: application/rss+xml"


def test_conditional_get_gives_not_modified(server: MisbehavingServer) -> None:
    def conditional(handler: Handler, hit: Hit) -> None:
        if hit.headers.get("if-none-match") == '"v7"':
            handler.send(304, b"", None)
        else:
            handler.send(200, b"<p>v7</p>", headers={"ETag": '"v7"'})

    server.routes["/cond"] = conditional
    first = fetch(server.url("/cond"))
    assert first.page is not None
    second = fetch(
        server.url("/cond"),
        etag=first.page.etag or "",
        last_modified="Wed, 21 Oct 2015 07:28:00 GMT",
    )
    assert (second.status, second.http_status, second.page) == ("not_modified", 304, None)
    sent = server.hits_for("/cond")[-1].headers
    assert sent["if-modified-since"] == "Wed, 21 Oct 2015 07:28:00 GMT"
