"""A fetched page no parser can read costs that page's archiving, not its body: the run
records it failed with the reason, keeps the raw body, and `reparse` can try it again."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner
from scheduled_runs import query
from servers import MisbehavingServer, page

from archive.db import Archive
from scraper.cli import cli
from scraper.core.config import Config, FetchConfig, SiteConfig
from scraper.run.pipeline import run_once
from scraper.run.progress import QuietReporter

FAST = FetchConfig(user_agent="blogarchive-tests/0.1", delay=0.0, timeout=5, retries=0)
# Served as text/html, but no markup at all: `parse_page` refuses it (ParseError).
NOT_HTML = b"Just words, no markup. " * 40
POST = (
    "<html><head><meta name='generator' content='WordPress 6.4'></head><body class='single'>"
    "<article class='post'><h1 class='entry-title'>Fine post</h1><div class='entry-content'>"
    "<p>Words of a post that parses.</p></div></article></body></html>"
)


def test_an_unreadable_page_is_failed_with_its_reason_and_its_body_kept(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with MisbehavingServer() as blog:
        blog.routes["/2021/03/broken.html"] = page(NOT_HTML)
        blog.routes["/2021/03/fine.html"] = page(POST.encode())
        home = (
            "<html><body><a href='/2021/03/broken.html'>Broken</a>"
            "<a href='/2021/03/fine.html'>Fine</a></body></html>"
        )
        blog.routes["/"] = page(home.encode())
        config = Config(
            fetch=replace(FAST),
            sites=(SiteConfig(name="b", url=blog.url("/"), max_pages=5),),
        )
        with Archive.open(db) as archive, archive.lock():
            report = asyncio.run(
                run_once(config, archive, reporter=QuietReporter(), parse_workers=1, force=True)
            )
    assert report.sites[0].pages_failed == 1
    ((status, reason),) = query(
        db, "SELECT status, reason FROM fetches WHERE url LIKE '%broken.html'"
    )
    assert status == "failed"
    assert "not HTML" in reason
    # The body is kept, so a later reparse (with a better parser) can read it.
    stored = query(
        db,
        "SELECT p.size FROM page_urls u JOIN pages p ON p.hash = u.hash"
        " WHERE u.url LIKE '%broken.html'",
    )
    assert stored == [(len(NOT_HTML),)]
    assert query(db, "SELECT title FROM posts") == [("Fine post",)]
    result = CliRunner().invoke(cli, ["reparse", "--db", str(db)])
    assert result.exit_code == 1  # reparse says a stored page could not be parsed
