"""What a blog controls never reaches a terminal raw: no escape sequences from authors, titles,
URLs or failure reasons, and rich markup in them is printed, not obeyed (nor a crash)."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from archive_builders import SITE, comment, fetched, open_archive, parsed
from click.testing import CliRunner
from hostile_blog import HostileBlog, Payload
from rich.console import Console

from archive.db import Archive
from scraper.app.render import print_parsed, print_run_summary
from scraper.cli import cli
from scraper.core.models import FetchOutcome, ParsedPage, Post, RunReport, SiteReport
from scraper.run.progress import JsonLogReporter, QuietReporter, RichReporter

# Control characters but tab and line feed: what no output may carry from a page.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HOSTILE = "Eve\x1b[2J\x1b]0;owned\x07\x9b31m [/bold] [red]x"
MARKUP_REASON = "HTTP 500 [/bold] \x1b[2J\x9b31m"
NOW = datetime(2024, 3, 1, 12, tzinfo=UTC)


def test_parse_prints_no_escape_sequence_from_the_page(tmp_path: Path) -> None:
    blog = HostileBlog(
        Payload(
            author=HOSTILE,
            author_url="java\tscript:alert(1)",
            permalink="\x01javascript:alert(2)",
            html="<p>said \x1b[5m [/bold] hi</p>",
        )
    )
    blog.base = "https://blog.example"
    page = tmp_path / "page.html"
    page.write_text(blog.wordpress_page(), encoding="utf-8")
    url = blog.wp_url

    text = CliRunner().invoke(cli, ["parse", str(page), "--url", url])
    assert text.exit_code == 0, text.output
    assert not CONTROLS.search(text.stdout), text.stdout
    assert "Eve[2J]0;owned31m [/bold] [red]x" in text.stdout  # printed, not obeyed

    as_json = CliRunner().invoke(cli, ["parse", str(page), "--url", url, "--json"])
    assert as_json.exit_code == 0
    assert not CONTROLS.search(as_json.stdout)  # C1 controls pass json.dumps unescaped
    data = json.loads(as_json.stdout)
    [first] = data["comments"]
    assert first["author"] == "Eve[2J]0;owned31m [/bold] [red]x"
    assert first["author_url"] is None


def test_print_parsed_escapes_markup_and_controls() -> None:
    hostile = ParsedPage(
        url="https://blog.example/p/",
        platform="wordpress",
        post=Post(title=HOSTILE, author=HOSTILE),
        comments=(comment("1", HOSTILE, author=HOSTILE),),
        more_comments=("https://blog.example/p/[/bold]",),
        notes=(HOSTILE,),
    )
    out = io.StringIO()
    print_parsed(hostile, Console(file=out, width=200))  # raw data: no MarkupError either
    assert not CONTROLS.search(out.getvalue())
    # Title, byline, author, text, the link and the note: each printed as it came.
    assert out.getvalue().count("[/bold]") == 6


def test_run_summary_prints_a_markup_reason_literally() -> None:
    report = RunReport(
        run_id=1,
        started_at=NOW,
        finished_at=NOW,
        sites=(SiteReport(site="garden", pages_failed=1, errors=(MARKUP_REASON,)),),
    )
    out = io.StringIO()
    print_run_summary(report, "archive.db", Console(file=out, width=200))
    assert "HTTP 500 [/bold] [2J31m" in out.getvalue()
    assert not CONTROLS.search(out.getvalue())


def test_an_interactive_run_survives_a_markup_failure_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    reporter = RichReporter()
    try:
        reporter.site_started("garden [/bold]")
        reporter.page_done("garden [/bold]", "https://g.example/\x1b[2J", "failed", MARKUP_REASON)
        reporter.site_finished(SiteReport(site="garden [/bold]"))
    finally:
        reporter.close()
    err = capsys.readouterr().err
    assert "failed https://g.example/[2J: HTTP 500 [/bold] [2J31m" in err
    assert "garden [/bold]" in err
    assert not CONTROLS.search(err.replace("\r", ""))  # rich redraws its live line with CR


def test_cron_and_json_reporters_strip_control_characters() -> None:
    quiet, log = io.StringIO(), io.StringIO()
    for reporter in (QuietReporter(quiet), JsonLogReporter(log)):
        reporter.page_done("garden", "https://g.example/\x9b2J", "failed", MARKUP_REASON)
        reporter.site_finished(SiteReport(site="garden", errors=("stopped: \x1b[2J",)))
    assert quiet.getvalue().splitlines() == [
        "blogarchive: garden: https://g.example/2J: HTTP 500 [/bold] [2J31m",
        "blogarchive: garden: stopped: [2J",
    ]
    assert not CONTROLS.search(log.getvalue())
    page = json.loads(log.getvalue().splitlines()[0])
    assert page["reason"] == "HTTP 500 [/bold] [2J31m"


def _archive_with_a_hostile_failure(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "archive.db"
    with Archive.open(db) as archive:
        archive.ensure_site("garden", "https://g.example/", "wordpress")
        run_id = archive.start_run(["garden"], NOW)
        failed = FetchOutcome(
            url="https://g.example/\x1b[2J", status="failed", reason=MARKUP_REASON
        )
        archive.record_fetch(run_id, "garden", failed)
        report = RunReport(run_id, NOW, NOW, (SiteReport(site="garden", pages_failed=1),))
        archive.finish_run(run_id, report, "partial")
    config = tmp_path / "config.toml"
    config.write_text('[[sites]]\nname = "garden"\nurl = "https://g.example/"\n', "utf-8")
    return db, config


def test_status_prints_a_hostile_failure_reason_literally(tmp_path: Path) -> None:
    db, config = _archive_with_a_hostile_failure(tmp_path)
    table = CliRunner().invoke(cli, ["status", "--config", str(config), "--db", str(db)])
    assert table.exit_code == 0, table.output
    assert "HTTP 500 [/bold] [2J31m" in table.stdout
    assert not CONTROLS.search(table.stdout)
    as_json = CliRunner().invoke(
        cli, ["status", "--config", str(config), "--db", str(db), "--json"]
    )
    assert as_json.exit_code == 0
    assert not CONTROLS.search(as_json.stdout)
    [site] = json.loads(as_json.stdout)["sites"]
    assert site["failed_last_run"] == [
        {"url": "https://g.example/[2J", "reason": "HTTP 500 [/bold] [2J31m"}
    ]


def test_show_strips_controls_from_an_old_archives_completeness_note(tmp_path: Path) -> None:
    # An archive written before the parse-time sanitiser may hold anything.
    with open_archive(tmp_path) as archive:
        result = archive.store_page(
            SITE,
            fetched(),
            parsed((comment("1", "hello"),)),
            observed_at=NOW,
            thread_complete=False,
            completeness_note="API off (\x1b[2J[/bold])",
        )
    assert result.post_new
    shown = CliRunner().invoke(cli, ["show", result.post_id, "--db", str(tmp_path / "archive.db")])
    assert shown.exit_code == 0, shown.output
    assert "thread incomplete: API off ([2J[/bold])" in " ".join(shown.stdout.split())
    assert not CONTROLS.search(shown.stdout)
