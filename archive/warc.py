"""`export --format warc`: the stored raw pages as WARC 1.1 request/response records (warcio)."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from archive.search import normalise_since

# The stored body is the decoded one (gzip undone, chunks joined): headers that describe the
# bytes as they travelled would make a WARC reader decode it again, so they are kept renamed
# (the prefix pywb and other replay tools use for original headers) and a Content-Length of the
# stored body is written instead.
_TRANSFER_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
_ORIGINAL = "X-Archive-Orig-"


def _stored_fetches(
    conn: sqlite3.Connection, site: str | None, since: str | None
) -> Iterator[tuple[str, str, str, str, str, str, str, int, str, bytes]]:
    """Every fetch whose response head was recorded and whose body is in `pages`, oldest first."""
    clauses = ["f.response_headers IS NOT NULL"]
    params: list[str] = []
    if site is not None:
        clauses.append("f.site = ?")
        params.append(site)
    start = normalise_since(since)
    if start is not None:
        clauses.append("f.fetched_at >= ?")
        params.append(start)
    yield from conn.execute(
        "SELECT coalesce(f.final_url, f.url), f.fetched_at, f.request_method, f.request_headers,"
        " f.http_version, f.response_headers, coalesce(f.reason_phrase, ''), f.http_status,"
        " p.compression, p.body FROM fetches f JOIN pages p ON p.hash = f.page_hash"
        f" WHERE {' AND '.join(clauses)} ORDER BY f.id",
        params,
    )


def _body(compression: str, stored: bytes) -> bytes:
    return zlib.decompress(stored) if compression == "zlib" else stored


def _warc_date(iso: str) -> str:
    moment = datetime.fromisoformat(iso).astimezone(UTC).replace(tzinfo=None)
    return str(datetime_to_iso_date(moment, use_micros=True))


def _response_headers(stored: str, body_length: int) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    for name, value in json.loads(stored):
        if name.lower() in _TRANSFER_HEADERS:
            headers.append((_ORIGINAL + name, value))
        else:
            headers.append((name, value))
    headers.append(("Content-Length", str(body_length)))
    return headers


def _request_line(method: str, url: str, version: str) -> str:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"{method} {target} {version}"


def write_warc(
    conn: sqlite3.Connection, out: BinaryIO, *, site: str | None = None, since: str | None = None
) -> int:
    """Write one request and one response record per stored response; return the pairs written.

    `WARC-Date` is when the response arrived; the status line and headers are those recorded
    in `fetches`; the payload is the body kept in `pages` (gzip-compressed WARC records).
    """
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    pairs = 0
    for row in _stored_fetches(conn, site, since):
        url, fetched_at, method, request, version, response, reason, status, compression, body = row
        payload = _body(compression, body)
        date = _warc_date(fetched_at)
        status_line = f"{status} {reason}".strip()
        response_record = writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(payload),
            length=len(payload),
            warc_headers_dict={"WARC-Date": date},
            http_headers=StatusAndHeaders(
                status_line, _response_headers(response, len(payload)), protocol=version
            ),
        )
        request_record = writer.create_warc_record(
            url,
            "request",
            warc_headers_dict={"WARC-Date": date},
            http_headers=StatusAndHeaders(
                _request_line(method or "GET", url, version),
                [tuple(pair) for pair in json.loads(request or "[]")],
                is_http_request=True,
            ),
        )
        writer.write_request_response_pair(request_record, response_record)
        pairs += 1
    return pairs
