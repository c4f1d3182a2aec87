"""Run reporters: the `--log-json` line shapes, quiet mode's stderr, and which one is chosen."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest

from scraper.core.models import SiteReport
from scraper.run.progress import JsonLogReporter, QuietReporter, RichReporter, make_reporter

REPORT = SiteReport(
    site="garden",
    pages_fetched=5,
    pages_not_modified=2,
    pages_failed=1,
    pages_robots_blocked=1,
    posts_new=3,
    posts_changed=1,
    comments_new=7,
    comments_changed=2,
    comments_removed=1,
    bytes_received=4096,
    errors=("https://g.example/p: HTTP 503", "time budget used up; the rest waits"),
)


def test_json_lines_carry_every_count_of_the_site_report() -> None:
    stream = io.StringIO()
    reporter = JsonLogReporter(stream)
    reporter.site_started("garden")
    reporter.page_done("garden", "https://g.example/p", "failed", "HTTP 503")
    reporter.site_finished(REPORT)
    reporter.close()
    started, page, finished = (json.loads(line) for line in stream.getvalue().splitlines())
    for event in (started, page, finished):
        assert datetime.fromisoformat(event.pop("time")).utcoffset() is not None
    assert started == {"event": "site_started", "site": "garden"}
    assert page == {
        "event": "page",
        "site": "garden",
        "url": "https://g.example/p",
        "status": "failed",
        "reason": "HTTP 503",
    }
    assert finished == {
        "event": "site_finished",
        "site": "garden",
        "fetched": 5,
        "not_modified": 2,
        "failed": 1,
        "robots_blocked": 1,
        "posts_new": 3,
        "posts_changed": 1,
        "comments_new": 7,
        "comments_changed": 2,
        "comments_removed": 1,
        "bytes_received": 4096,
        "errors": list(REPORT.errors),
    }


def test_quiet_prints_only_failures_and_early_stops() -> None:
    stream = io.StringIO()
    reporter = QuietReporter(stream)
    reporter.site_started("garden")
    reporter.page_done("garden", "https://g.example/ok", "ok", None)
    reporter.page_done("garden", "https://g.example/old", "not_modified", None)
    assert stream.getvalue() == ""
    reporter.page_done("garden", "https://g.example/p", "failed", "HTTP 503")
    reporter.site_finished(REPORT)
    reporter.close()
    assert stream.getvalue().splitlines() == [
        "blogarchive: garden: https://g.example/p: HTTP 503",
        "blogarchive: garden: time budget used up; the rest waits",
    ]


def test_reporter_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(make_reporter(log_json=True, quiet=True), JsonLogReporter)
    # Not a terminal (cron, pytest's captured stderr): quiet even when not asked to be.
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert isinstance(make_reporter(log_json=False, quiet=False), QuietReporter)


def test_rich_progress_counts_pages_and_prints_failures(capsys: pytest.CaptureFixture[str]) -> None:
    reporter = RichReporter()
    try:
        reporter.site_started("garden")
        reporter.page_done("garden", "https://g.example/a", "ok", None)
        reporter.page_done("garden", "https://g.example/p", "failed", "HTTP 503")
        reporter.site_finished(REPORT)
    finally:
        reporter.close()
    err = capsys.readouterr().err
    assert "failed https://g.example/p: HTTP 503" in err
    assert "garden" in err
    assert "2 pages" in err
    assert "1 failed" in err
