"""Load the page `blogarchive parse` reads: a saved file, or a URL fetched politely once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from scraper.core.config import FetchConfig
from scraper.core.errors import FetchError, ParseError

_SNIFF_BYTES = 4096


def load_source(
    source: str, page_url: str | None, fetch_config: FetchConfig
) -> tuple[bytes, str | None, str | None]:
    """Return (body, content type if known, page URL) for a file path or an http(s) URL."""
    scheme = urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        return _fetch_one(source, fetch_config)
    if scheme and len(scheme) > 1 and not Path(source).exists():
        raise ParseError(f"unsupported source {source!r}: give a file path or an http(s) URL")
    path = Path(source)
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise ParseError(f"no such file: {source}") from None
    except IsADirectoryError:
        raise ParseError(f"{source} is a directory, not an HTML file") from None
    except OSError as error:
        raise ParseError(f"cannot read {source}: {error.strerror}") from None
    _check_looks_like_html(body, source)
    return body, None, page_url


def source_time(source: str) -> datetime:
    """When `source` was fetched, as well as we know: now for a URL (it is fetched now), the
    file's modification time for a saved file (a browser's or curl's save sets it)."""
    if urlsplit(source).scheme.lower() in ("http", "https"):
        return datetime.now(UTC)
    try:
        return datetime.fromtimestamp(Path(source).stat().st_mtime, UTC)
    except OSError:
        return datetime.now(UTC)


def _check_looks_like_html(body: bytes, source: str) -> None:
    head = body[:_SNIFF_BYTES]
    if not head.strip():
        raise ParseError(f"{source} is empty")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError(f"{source} is binary data, not HTML")
    if b"<" not in head and b"<" not in body[:1_000_000]:
        raise ParseError(f"{source} does not look like HTML (no markup)")


def _fetch_one(url: str, fetch_config: FetchConfig) -> tuple[bytes, str | None, str | None]:
    from scraper.fetch.fetcher import Fetcher

    host = urlsplit(url).hostname or ""

    async def go() -> tuple[bytes, str | None, str | None]:
        # The user named this exact URL, so its host may be a local one.
        async with Fetcher(fetch_config, allow_private_hosts=frozenset({host})) as fetcher:
            outcome = await fetcher.fetch(url)
        if outcome.status == "robots_blocked":
            raise FetchError(f"robots.txt of {host} disallows {url}")
        if outcome.page is None:
            raise FetchError(f"could not fetch {url}: {outcome.reason or outcome.status}")
        page = outcome.page
        return page.body, page.content_type or None, page.final_url

    return asyncio.run(go())
