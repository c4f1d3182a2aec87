"""Fetch-layer policy without sockets: retries, Retry-After, address safety, capped decoding."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import random
import zlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from scraper.core.errors import TooLargeError, UnsafeURLError
from scraper.core.models import FetchedPage, FetchOutcome, unusable_reason
from scraper.fetch.bodyread import BodyError, CappedReader, content_codings
from scraper.fetch.netsafety import AddressGuard, is_public_address, split_http_url
from scraper.fetch.responses import content_type_problem
from scraper.fetch.retrying import RetryPolicy, parse_retry_after, with_attempts

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def test_backoff_doubles_with_bounded_jitter() -> None:
    policy = RetryPolicy(retries=6, base=1.0, max_backoff=8.0, jitter=0.25, rng=random.Random(7))
    for number, nominal in enumerate([1, 2, 4, 8, 8, 8], start=1):
        for _ in range(50):
            assert 0.75 * nominal <= policy.backoff(number) <= 1.25 * nominal


def test_jitter_actually_varies() -> None:
    policy = RetryPolicy(rng=random.Random(1))
    assert len({round(policy.backoff(1), 6) for _ in range(20)}) > 10


def test_attempts_are_bounded() -> None:
    policy = RetryPolicy(retries=2)
    assert policy.after_error(1).retry
    assert policy.after_error(2).retry
    assert not policy.after_error(3).retry
    assert not policy.after_status(503, None, 3).retry
    assert not policy.after_status(404, None, 1).retry
    assert not policy.after_status(501, None, 1).retry


def test_retry_after_replaces_backoff_and_applies_host_wide() -> None:
    decision = RetryPolicy().after_status(429, "7", 1)
    assert (decision.retry, decision.delay, decision.host_wide) == (True, 7.0, True)
    plain = RetryPolicy().after_status(502, None, 1)
    assert plain.retry
    assert not plain.host_wide


def test_retry_after_over_cap_gives_up_with_reason() -> None:
    decision = RetryPolicy(max_wait=300).after_status(503, "301", 1)
    assert not decision.retry
    assert decision.give_up_reason == "http 503, retry-after 301 s over 300 s"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("1.5", 1.5),
        ("-4", 0.0),
        (format_datetime(NOW + timedelta(seconds=90), usegmt=True), 90.0),
        (format_datetime(NOW - timedelta(hours=1), usegmt=True), 0.0),
        ("soon", None),
        ("", None),
        ("nan", None),
    ],
)
def test_parse_retry_after(value: str, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_with_attempts() -> None:
    assert with_attempts("timeout", 1) == "timeout"
    assert with_attempts("http 503", 4) == "http 503 after 4 attempts"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("127.0.0.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:8.8.8.8", True),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://x.example/", "unsupported scheme ftp"),
        ("mailto:a@b.example", "unsupported scheme mailto"),
        ("//x.example/p", "unsupported scheme (none)"),
        ("https://", "url has no host"),
        ("http://x.example:99999/", "invalid url"),
        ("http://a:b@x.example/", "url carries credentials"),
    ],
)
def test_split_http_url_refuses(url: str, message: str) -> None:
    with pytest.raises(
        UnsafeURLError, match=r"^" + message.replace("(", r"\(").replace(")", r"\)")
    ):
        split_http_url(url)


def test_guard_checks_literals_and_allow_list_without_dns() -> None:
    async def go() -> list[str]:
        guard = AddressGuard(frozenset({"LocalHost", "10.1.2.3"}))
        problems = []
        for url in ("http://10.0.0.1/", "http://[::1]:8080/", "http://169.254.169.254/latest"):
            try:
                await guard.check(url)
            except UnsafeURLError as error:
                problems.append(str(error))
        await guard.check("http://localhost:8000/")  # allowed: a configured site lives there
        await guard.check("http://10.1.2.3/")
        await guard.check("http://93.184.216.34/")
        return problems

    assert asyncio.run(go()) == [
        "unsafe address 10.0.0.1",
        "unsafe address ::1",
        "unsafe address 169.254.169.254",
    ]


def test_guard_resolves_names_and_refuses_private_results() -> None:
    async def go() -> str:
        with pytest.raises(UnsafeURLError) as caught:
            await AddressGuard().check("http://localhost/")
        return str(caught.value)

    message = asyncio.run(go())
    assert message.startswith("unsafe address ")
    assert message.endswith(" for localhost")


async def _chunks(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def read(data: bytes, encoding: str | None, cap: int = 100_000) -> bytes:
    return asyncio.run(CappedReader(encoding, cap).read(_chunks(data)))


def test_reader_decodes_each_coding() -> None:
    text = b"hello world " * 1000
    raw = zlib.compressobj(wbits=-15)
    assert read(text, None) == text
    assert read(gzip.compress(text), "gzip") == text
    assert read(gzip.compress(text), "x-gzip") == text
    assert read(zlib.compress(text), "deflate") == text
    assert read(raw.compress(text) + raw.flush(), "deflate") == text
    assert read(gzip.compress(gzip.compress(text)), "gzip, gzip") == text
    assert read(gzip.compress(text), "identity, gzip") == text


def test_reader_caps_plain_and_inflated_sizes() -> None:
    with pytest.raises(TooLargeError, match="body over 5000 bytes"):
        read(b"x" * 5001, None, cap=5000)
    assert read(b"x" * 5000, None, cap=5000) == b"x" * 5000
    bomb = gzip.compress(bytes(10_000_000))
    assert len(bomb) < 20_000
    reader = CappedReader("gzip", 50_000)
    with pytest.raises(TooLargeError, match="body over 50000 bytes"):
        asyncio.run(reader.read(_chunks(bomb)))
    assert reader.raw_bytes < len(bomb)  # stopped before reading it all


def test_reader_reports_truncated_and_bad_data() -> None:
    whole = gzip.compress(b"abc" * 10_000)
    with pytest.raises(BodyError, match="truncated gzip"):
        read(whole[: len(whole) // 2], "gzip")
    with pytest.raises(BodyError, match="bad gzip data"):
        read(b"this is not gzip at all", "gzip")
    with pytest.raises(BodyError, match="unsupported content-encoding br"):
        content_codings("br")


@pytest.mark.parametrize(
    ("content_type", "expect", "problem"),
    [
        ("text/html; charset=utf-8", "html", None),
        ("application/xhtml+xml", "html", None),
        ("", "html", None),
        ("image/png", "html", "not html: image/png"),
        ("application/atom+xml", "feed", None),
        ("application/json; charset=UTF-8", "feed", None),
        ("application/x-gzip", "feed", None),
        ("text/xml", "feed", None),
        ("video/mp4", "feed", "not a feed: video/mp4"),
        ("video/mp4", "any", None),
    ],
)
def test_content_type_problem(content_type: str, expect: str, problem: str | None) -> None:
    assert content_type_problem(content_type, expect) == problem  # type: ignore[arg-type]


def _outcome(status: str, page_status: int | None = None, **fields: object) -> FetchOutcome:
    page = None
    if page_status is not None:
        page = FetchedPage("u", "u", page_status, {}, b"", NOW)
    return FetchOutcome("u", status, page, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [
        (_outcome("ok", 200), None),
        (_outcome("ok", 404), "HTTP 404"),
        (_outcome("failed", http_status=503, reason="gave up"), "HTTP 503"),
        (_outcome("failed", reason="timed out"), "timed out"),
        (_outcome("not_modified", http_status=304), "HTTP 304"),
        (_outcome("ok"), "ok"),  # no page at all: nothing to read
    ],
)
def test_unusable_reason(outcome: FetchOutcome, reason: str | None) -> None:
    assert unusable_reason(outcome) == reason
