"""One streamed HTTP response turned into data: an outcome, a redirect, or a reason to retry."""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

import httpx

from scraper.core.errors import BodyError, FetchError
from scraper.core.models import Exchange, FetchedPage, FetchOutcome
from scraper.fetch.bodyread import CappedReader
from scraper.fetch.deadline import UrlDeadline
from scraper.fetch.retrying import RETRY_STATUSES
from scraper.fetch.scope import SiteScope

Expect = Literal["html", "feed", "any"]
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DRAIN_BYTES = 65_536  # small bodies of redirects/errors are read so the connection is reused
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Feeds, sitemaps (also .gz files) and JSON APIs are often served with loose media types.
_FEED_HINTS = ("xml", "json", "text/plain", "text/html", "octet-stream", "gzip")


def content_type_problem(content_type: str, expect: Expect) -> str | None:
    """Why a response's media type does not fit what the caller expects, or None."""
    media = content_type.split(";", 1)[0].strip().lower()
    if expect == "any" or not media:  # no header: let the parser judge the bytes
        return None
    if expect == "html":
        return None if media in _HTML_TYPES else f"not html: {media}"
    return None if any(hint in media for hint in _FEED_HINTS) else f"not a feed: {media}"


@dataclass(slots=True)
class Job:
    """One fetch() call: what was asked, and what it has spent across redirects and retries."""

    url: str
    headers: dict[str, str]
    expect: Expect
    max_bytes: int
    deadline: UrlDeadline
    scope: SiteScope | None = None
    start_by: float | None = None  # loop time after which the first request must not start
    attempts: int = 0
    bytes_received: int = 0
    hops: list[str] = field(default_factory=list)

    def failed(
        self,
        reason: str,
        *,
        status: int | None = None,
        kind: Literal["failed", "robots_blocked", "skipped"] = "failed",
    ) -> FetchOutcome:
        return FetchOutcome(
            url=self.url,
            status=kind,
            http_status=status,
            reason=reason,
            attempts=self.attempts,
            fetched_at=datetime.now(UTC),
            redirects=tuple(self.hops),
            bytes_received=self.bytes_received,
        )


@dataclass(frozen=True, slots=True)
class Redirect:
    location: str
    status: int


class TransientError(Exception):
    """A failure worth retrying (timeout, connection trouble); `reason` is for the record."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryableStatus(Exception):
    """The server answered 429 or a temporary 5xx, perhaps saying when to come back."""

    def __init__(self, status: int, retry_after: str | None) -> None:
        super().__init__(f"http {status}")
        self.status = status
        self.retry_after = retry_after


def transient_reason(error: Exception) -> str:
    """A short, specific reason for a timeout or connection failure (httpx's documented
    exception classes, and the OS error a connection failure was raised from)."""
    if isinstance(error, (TimeoutError, httpx.TimeoutException)):
        return "timeout"
    if isinstance(error, httpx.RemoteProtocolError):
        return "connection closed early"
    if _caused_by(error, ConnectionRefusedError):
        return "connection refused"
    if _caused_by(error, ConnectionResetError, BrokenPipeError):
        return "connection reset"
    return "connection failed"


def certificate_problem(error: Exception) -> str | None:
    """Why the server's TLS certificate was refused, if that is what failed.

    Not transient: retrying cannot make an untrusted or mismatched certificate trusted.
    """
    for link in _chain(error):
        if isinstance(link, ssl.SSLCertVerificationError):
            return f"TLS certificate refused: {link.verify_message or link}"
    return None


def _chain(error: BaseException) -> list[BaseException]:
    """The error with all its causes and contexts."""
    seen: dict[int, BaseException] = {}
    stack: list[BaseException | None] = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen[id(current)] = current
        stack += [current.__cause__, current.__context__]
    return list(seen.values())


def _caused_by(error: BaseException, *kinds: type[BaseException]) -> bool:
    return any(isinstance(link, kinds) for link in _chain(error))


async def read_response(
    job: Job, current: str, response: httpx.Response, started: float
) -> FetchOutcome | Redirect:
    """Classify the response to `current` and, when it is a page we want, read it under the cap.

    Raises RetryableStatus for 429/500/502/503/504; the caller's retry policy decides.
    """
    status = response.status_code
    headers = dict(response.headers.items())
    if status in REDIRECT_STATUSES and headers.get("location"):
        await _drain(job, response)
        return Redirect(headers["location"], status)
    if status in RETRY_STATUSES:
        await _drain(job, response)
        raise RetryableStatus(status, headers.get("retry-after"))
    if status == 304:
        return FetchOutcome(
            url=job.url,
            status="not_modified",
            http_status=304,
            attempts=job.attempts,
            fetched_at=datetime.now(UTC),
            redirects=tuple(job.hops),
            bytes_received=job.bytes_received,
        )
    if not 200 <= status < 300:
        await _drain(job, response)
        return job.failed(f"http {status}", status=status)
    problem = content_type_problem(headers.get("content-type", ""), job.expect)
    declared = headers.get("content-length", "")
    if problem is None and declared.isdigit() and int(declared) > job.max_bytes:
        problem = f"body over {job.max_bytes} bytes"
    if problem is not None:
        return job.failed(problem, status=status)
    try:
        reader = CappedReader(headers.get("content-encoding"), job.max_bytes)
    except BodyError as error:
        return job.failed(str(error), status=status)
    try:
        body = await reader.read(response.aiter_raw())
    except FetchError as error:  # over the cap, or compression that does not decode
        return job.failed(str(error), status=status)
    finally:
        job.bytes_received += reader.raw_bytes
    now = datetime.now(UTC)
    page = FetchedPage(
        url=job.url,
        final_url=current,
        status=status,
        headers=headers,
        body=body,
        fetched_at=now,
        redirects=tuple(job.hops),
        elapsed=time.monotonic() - started,
        exchange=exchange_of(response),
    )
    return FetchOutcome(
        url=job.url,
        status="ok",
        page=page,
        http_status=status,
        attempts=job.attempts,
        fetched_at=now,
        redirects=tuple(job.hops),
        bytes_received=job.bytes_received,
    )


def exchange_of(response: httpx.Response) -> Exchange:
    """The request and response heads as they went over the wire (httpx's raw header lists keep
    the case, order and repeats; header bytes are Latin-1 by HTTP's rules)."""
    return Exchange(
        method=response.request.method,
        http_version=response.http_version,
        reason=response.reason_phrase,
        request_headers=_decoded(response.request.headers.raw),
        response_headers=_decoded(response.headers.raw),
    )


def _decoded(raw: list[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    return tuple((name.decode("latin-1"), value.decode("latin-1")) for name, value in raw)


async def _drain(job: Job, response: httpx.Response) -> None:
    """Read a small unwanted body so the connection can be reused; give up on big ones."""
    received = 0
    try:
        async for chunk in response.aiter_raw():
            received += len(chunk)
            if received > DRAIN_BYTES:
                break
    finally:
        job.bytes_received += received
