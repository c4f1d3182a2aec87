"""`blogarchive reparse`: rebuild after a parser change, idempotent, unparsable pages counted."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from archive_builders import SITE, T0, fetched, open_archive
from click.testing import CliRunner

from archive.db import Archive
from scraper.app.reparse import ReparseCounts, reparse_archive
from scraper.cli import cli
from scraper.core.models import FetchedPage
from scraper.parse.page import parse_page

FIXTURE = Path(__file__).parent.parent / "fixtures" / "pages" / "blogger-threaded"


def _store_with_old_parser(archive: Archive) -> tuple[str, int]:
    """Archive a real page as a parser that saw no comments would have: reparse must find them."""
    body = FIXTURE.with_suffix(".html").read_bytes()
    url = json.loads(FIXTURE.with_suffix(".json").read_text(encoding="utf-8"))["url"]
    today = parse_page(body, url, content_type="text/html; charset=utf-8")
    assert today.is_post
    assert today.comments
    archive.store_page(
        SITE,
        fetched(body, url),
        replace(today, comments=()),
        observed_at=T0,
        thread_complete=True,
    )
    return url, len(today.comments)


def _store_unparsable(archive: Archive) -> None:
    """A stored body today's parse_page refuses (not HTML), as a stored page that no longer parses."""
    url = "https://demo.example/2024/03/moved.html"
    page = FetchedPage(
        url=url,
        final_url=url,
        status=200,
        headers={"content-type": "application/pdf"},
        body=b"%PDF-1.4 not a page",
        fetched_at=T0,
    )
    archive.store_page(
        SITE, page, parse_page(b"<p>x</p>", url), observed_at=T0, thread_complete=True
    )


def _comments(archive: Archive) -> int:
    return int(archive.conn.execute("SELECT count(*) FROM comments").fetchone()[0])


def test_reparse_adds_what_the_better_parser_finds_and_is_idempotent(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        _url, found = _store_with_old_parser(archive)
        assert _comments(archive) == 0
        assert reparse_archive(archive) == ReparseCounts(1, 1, found, 0, 0)
        assert _comments(archive) == found
        versions = archive.conn.execute("SELECT count(*) FROM comment_versions").fetchone()
        assert reparse_archive(archive) == ReparseCounts(1, 1, 0, 0, 0)
        assert _comments(archive) == found
        again = archive.conn.execute("SELECT count(*) FROM comment_versions").fetchone()
        assert again == versions
        # Comments from feeds are not in the stored page: reparse never marks any removed.
        removed = archive.conn.execute("SELECT count(*) FROM comments WHERE removed_at IS NOT NULL")
        assert removed.fetchone()[0] == 0
        assert reparse_archive(archive, site="other") == ReparseCounts(0, 0, 0, 0, 0)


def test_a_page_that_no_longer_parses_is_counted_failed_and_the_rest_goes_on(
    tmp_path: Path,
) -> None:
    with open_archive(tmp_path) as archive:
        _store_unparsable(archive)
        _url, found = _store_with_old_parser(archive)
        counts = reparse_archive(archive)
        assert counts == ReparseCounts(2, 1, found, 0, 1)
        assert _comments(archive) == found


def test_reparse_command_reports_failures_in_its_exit_code(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        _url, found = _store_with_old_parser(archive)
    db = str(tmp_path / "archive.db")
    runner = CliRunner()
    result = runner.invoke(cli, ["reparse", "--db", db])
    assert result.exit_code == 0, result.output
    assert (
        f"reparsed 1 pages: 1 posts, {found} new and 0 changed comments, 0 failed" in result.stdout
    )

    with Archive.open(db) as archive:
        _store_unparsable(archive)
    result = runner.invoke(cli, ["reparse", "--db", db])
    assert result.exit_code == 1
    assert "reparsed 2 pages: 1 posts, 0 new and 0 changed comments, 1 failed" in result.stdout

    result = runner.invoke(cli, ["reparse", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 1
    assert "no archive at" in result.stderr
