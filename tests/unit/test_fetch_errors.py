"""httpx's exceptions, raised by a MockTransport, come out of the Fetcher as failures with our reasons."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from dataclasses import replace

import httpx
import pytest

from scraper.core.config import FetchConfig
from scraper.core.models import FetchOutcome
from scraper.fetch.fetcher import Fetcher

URL = "http://blog.test/post"
CONFIG = FetchConfig(delay=0.0, timeout=2.0, retries=1, respect_robots=False)


def _reply(status: int, body: bytes = b"", **headers: str) -> httpx.Response:
    # Streamed, as from the network: the Fetcher reads bodies raw (see its docstring).
    named = {name.replace("_", "-"): value for name, value in headers.items()}
    return httpx.Response(status, headers=named, stream=httpx.ByteStream(body))


def _raising(error: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    return handler


def _caused_by(error: Exception, cause: BaseException) -> Exception:
    error.__cause__ = cause  # as httpx chains the OS error it mapped
    return error


def _expired() -> ssl.SSLCertVerificationError:
    error = ssl.SSLCertVerificationError(1, "certificate verify failed")
    error.verify_message = "certificate has expired"
    return error


def fetch(
    handler: Callable[[httpx.Request], object],
    url: str = URL,
    config: FetchConfig = CONFIG,
) -> tuple[FetchOutcome, list[float]]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def go() -> FetchOutcome:
        transport = httpx.MockTransport(handler)  # type: ignore[arg-type]
        async with Fetcher(
            config, allow_private_hosts=frozenset({"blog.test"}), transport=transport, sleep=sleep
        ) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(go()), slept


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (httpx.ReadTimeout("timed out"), "timeout"),
        (httpx.ConnectTimeout("timed out"), "timeout"),
        (
            _caused_by(httpx.ConnectError("all attempts failed"), ConnectionRefusedError(111)),
            "connection refused",
        ),
        (httpx.ConnectError("no route to host"), "connection failed"),
        (httpx.RemoteProtocolError("peer closed connection"), "connection closed early"),
        (_caused_by(httpx.ReadError("read failed"), ConnectionResetError(104)), "connection reset"),
        (httpx.WriteError("write failed"), "connection failed"),
    ],
)
def test_transient_errors_are_retried_then_recorded(error: Exception, reason: str) -> None:
    outcome, slept = fetch(_raising(error))
    assert (outcome.status, outcome.reason) == ("failed", f"{reason} after 2 attempts")
    assert outcome.attempts == 2
    assert len(slept) == 1


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (
            _caused_by(httpx.ConnectError("handshake failed"), _expired()),
            "TLS certificate refused: certificate has expired",
        ),
        (httpx.UnsupportedProtocol("no such scheme"), "http error: no such scheme"),
        (httpx.TooManyRedirects("too many"), "http error: too many"),
        (httpx.DecodingError("bad body"), "http error: bad body"),
    ],
)
def test_other_errors_fail_at_once(error: Exception, reason: str) -> None:
    outcome, slept = fetch(_raising(error))
    assert (outcome.status, outcome.reason, outcome.attempts) == ("failed", reason, 1)
    assert slept == []


def test_a_url_httpx_cannot_send_fails_without_a_request() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _reply(200)

    outcome, _ = fetch(handler, url="http://blog.test/a\x00b")
    assert outcome.status == "failed"
    assert (outcome.reason or "").startswith("invalid url: Invalid non-printable ASCII")
    assert seen == []


def test_our_deadline_covers_a_transport_that_never_answers() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return _reply(200)

    outcome, _ = fetch(handler, config=replace(CONFIG, timeout=0.05, retries=0))
    assert (outcome.status, outcome.reason) == ("failed", "timeout")


def test_requests_ask_only_for_codings_we_decode_and_never_follow_redirects() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/old":
            return _reply(301, Location="/post")
        return _reply(200, b"<p>hi</p>", Content_Type="text/html")

    outcome, _ = fetch(handler, url="http://blog.test/old")
    assert outcome.status == "ok"
    assert outcome.page is not None
    assert outcome.page.body == b"<p>hi</p>"
    assert outcome.redirects == (URL,)
    assert [str(request.url) for request in seen] == ["http://blog.test/old", URL]
    for request in seen:
        assert request.headers["accept-encoding"] == "gzip, deflate"
        assert request.headers["user-agent"] == CONFIG.user_agent
