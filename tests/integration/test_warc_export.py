"""Provenance (issue 14): a run keeps each response's status line and headers with its body, and
`export --format warc` writes them as WARC 1.1 records that warcio's own reader accepts."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from scraper.cli import cli
from scraper.demo import DemoServer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoServer, Path]]:
    folder = tmp_path_factory.mktemp("warc")
    with DemoServer() as server:
        lines = ["[fetch]", 'user_agent = "blogarchive-tests/0.1"', "delay = 0"]
        for site in server.sites:
            lines += ["[[sites]]", f'name = "{site.name}"', f'url = "{site.base_url}"']
        config = folder / "config.toml"
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        db = folder / "archive.db"
        result = CliRunner().invoke(cli, ["run", "--config", str(config), "--db", str(db)])
        assert result.exit_code == 0, result.output
        yield server, db


def _stored(db: Path) -> list[tuple[str, str, int, str, list[list[str]], bytes]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT f.final_url, f.fetched_at, f.http_status, f.reason_phrase,"
            " f.response_headers, p.body FROM fetches f JOIN pages p ON p.hash = f.page_hash"
            " ORDER BY f.id"
        ).fetchall()
    return [(u, at, st, r, json.loads(h), zlib.decompress(b)) for u, at, st, r, h, b in rows]


def test_each_stored_response_keeps_its_status_line_and_headers(
    archived: tuple[DemoServer, Path],
) -> None:
    _, db = archived
    stored = _stored(db)
    assert len(stored) >= 9  # every post page of the two demo blogs
    for _, _, status, reason, headers, _ in stored:
        assert (status, reason) == (200, "OK")
        names = [name for name, _ in headers]
        # As received: the server's own spelling and order, the transfer headers included.
        assert names[0] == "Server"
        assert "ETag" in names
        assert "Content-Type" in names
    with sqlite3.connect(db) as conn:
        methods = {row[0] for row in conn.execute("SELECT request_method FROM fetches")}
        agents = conn.execute(
            "SELECT request_headers FROM fetches WHERE request_headers IS NOT NULL LIMIT 1"
        ).fetchone()[0]
    assert methods <= {"GET", None}
    assert ["User-Agent", "blogarchive-tests/0.1"] in json.loads(agents)


def test_warc_export_is_read_back_by_warcio(
    archived: tuple[DemoServer, Path], tmp_path: Path
) -> None:
    server, db = archived
    out = tmp_path / "archive.warc.gz"
    result = CliRunner().invoke(
        cli, ["export", "--db", str(db), "--format", "warc", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    stored = _stored(db)
    assert f"wrote {len(stored)} request/response pairs" in result.output

    with out.open("rb") as stream:
        records = [
            (
                record.rec_type,
                record.rec_headers.get_header("WARC-Target-URI"),
                record.rec_headers.get_header("WARC-Date"),
                record.rec_headers.get_header("WARC-Record-ID"),
                record.rec_headers.get_header("WARC-Concurrent-To"),
                record.http_headers,
                record.content_stream().read(),
                record.rec_headers.protocol,
            )
            for record in ArchiveIterator(stream)
        ]
    assert len(records) == 2 * len(stored)
    responses = [r for r in records if r[0] == "response"]
    requests = [r for r in records if r[0] == "request"]
    assert {r[7] for r in records} == {"WARC/1.1"}
    for (url, fetched_at, _, _, headers, body), response in zip(stored, responses, strict=True):
        _, target, date, record_id, _, http, payload, _ = response
        assert target == url
        when = datetime.fromisoformat(date.replace("Z", "+00:00"))
        assert when == datetime.fromisoformat(fetched_at).astimezone(UTC)
        assert payload == body
        assert http.statusline == "200 OK"
        assert http.get_header("Content-Type") == dict(headers)["Content-Type"]
        assert http.get_header("Content-Length") == str(len(body))
        if "Content-Encoding" in dict(headers):  # the stored body is the decoded one
            assert http.get_header("Content-Encoding") is None
            assert http.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
        request = next(r for r in requests if r[4] == record_id)
        assert request[1] == url
        assert request[2] == date
        assert request[5].protocol == "GET"
        # The body is what the server sends for that URL (the demo's content has not changed).
        assert httpx.get(url, headers={"Accept-Encoding": "identity"}).content == payload
    assert {urlsplit_host(r[1]) for r in responses} == {
        urlsplit_host(site.base_url) for site in server.sites
    }


def urlsplit_host(url: str) -> str:
    return httpx.URL(url).netloc.decode()


def test_warc_export_refusals(archived: tuple[DemoServer, Path], tmp_path: Path) -> None:
    _, db = archived
    kept = tmp_path / "keep.warc.gz"
    kept.write_bytes(b"keep me")
    result = CliRunner().invoke(
        cli,
        ["export", "--db", str(db), "--format", "warc", "--with-versions", "--output", str(kept)],
    )
    assert result.exit_code == 2
    assert "--with-versions needs --format jsonl or json" in result.output
    assert kept.read_bytes() == b"keep me"
    unknown = CliRunner().invoke(
        cli, ["export", "--db", str(db), "--format", "warc", "--site", "nosuch", "--output",
              str(tmp_path / "x.warc.gz")],
    )  # fmt: skip
    assert unknown.exit_code != 0
    assert "nosuch" in unknown.output
