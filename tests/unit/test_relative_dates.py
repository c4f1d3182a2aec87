"""Relative times ("vor 2 Stunden", "1 week ago", "вчера в 21:22"): read against the fetch
time, marked approximate, never guessed without one, and never taken for an edit."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from archive_builders import T0, comment, open_archive, parsed, store
from click.testing import CliRunner

from scraper.cli import cli
from scraper.core.config import config_from_dict
from scraper.core.errors import ConfigError
from scraper.core.relative_dates import parse_relative
from scraper.parse.page import parse_page

REFERENCE = datetime(2019, 10, 19, 12, 0, tzinfo=UTC)
MOSCOW = timezone(timedelta(hours=3))


@pytest.mark.parametrize(
    ("shown", "before", "precision"),
    [
        ("50 Minuten 46 Sekunden her", timedelta(minutes=50, seconds=46), timedelta(seconds=1)),
        ("vor 2 Stunden", timedelta(hours=2), timedelta(hours=1)),
        ("vor einer Stunde", timedelta(hours=1), timedelta(hours=1)),
        ("1 week ago", timedelta(weeks=1), timedelta(weeks=1)),
        ("an hour ago", timedelta(hours=1), timedelta(hours=1)),
        ("Posted 3 days ago", timedelta(days=3), timedelta(days=1)),
        ("2 дня назад", timedelta(days=2), timedelta(days=1)),
        ("минуту назад", timedelta(minutes=1), timedelta(minutes=1)),
        ("2 дні тому", timedelta(days=2), timedelta(days=1)),
        ("hace 3 días", timedelta(days=3), timedelta(days=1)),
        ("il y a 2 heures", timedelta(hours=2), timedelta(hours=1)),
        ("il y a un an", timedelta(days=365), timedelta(days=365)),
        ("2 ore fa", timedelta(hours=2), timedelta(hours=1)),
        ("3 godziny temu", timedelta(hours=3), timedelta(hours=1)),
        ("5 dakika önce", timedelta(minutes=5), timedelta(minutes=1)),
        ("2小时前", timedelta(hours=2), timedelta(hours=1)),
        ("3天前", timedelta(days=3), timedelta(days=1)),
        ("just now", timedelta(0), timedelta(minutes=1)),
    ],
)
def test_durations_in_many_languages(shown: str, before: timedelta, precision: timedelta) -> None:
    found = parse_relative(shown, REFERENCE)
    assert found is not None, shown
    assert found.moment == REFERENCE - before
    assert found.precision == precision


@pytest.mark.parametrize(
    ("shown", "moment"),
    [
        # 12:00 UTC is 15:00 in Moscow: "yesterday" is the 18th there.
        ("вчера в 21:22", datetime(2019, 10, 18, 18, 22, tzinfo=UTC)),
        ("yesterday at 4:01 pm", datetime(2019, 10, 18, 13, 1, tzinfo=UTC)),
        ("today, 10:15", datetime(2019, 10, 19, 7, 15, tzinfo=UTC)),
        ("hier à 09:30", datetime(2019, 10, 18, 6, 30, tzinfo=UTC)),
        ("Gestern", datetime(2019, 10, 17, 21, 0, tzinfo=UTC)),
    ],
)
def test_day_words_in_the_blogs_zone(shown: str, moment: datetime) -> None:
    found = parse_relative(shown, REFERENCE, MOSCOW)
    assert found is not None, shown
    assert found.moment == moment


@pytest.mark.parametrize(
    "shown",
    [
        "2 years ago I went to Paris and saw",  # a sentence, not a shown time
        "3 messages ago",  # not a unit
        "in 2 days",  # the future
        "2 weeks",  # no "ago"
        "500 years ago",  # no comment is that old
        "yesterday's news",
        "hier",  # German "here": French "yesterday" only with a clock
        "Reply",
        "",
        "vor 99 Stunden und Tagen und mehr als man sagen kann, wirklich",
    ],
)
def test_what_is_not_a_relative_time(shown: str) -> None:
    assert parse_relative(shown, REFERENCE, MOSCOW) is None


def test_an_aware_reference_is_required() -> None:
    assert parse_relative("2 hours ago", REFERENCE.replace(tzinfo=None)) is None


PAGE = """<html><body><article class="post"><h1>A post</h1><p>Body of the post.</p></article>
<ol class="comment-list">
<li id="comment-1" class="comment"><article id="div-comment-1" class="comment-body">
<footer class="comment-meta"><b class="fn">Ann</b>
<div class="comment-metadata">{first}</div></footer>
<div class="comment-content"><p>First comment text here.</p></div></article></li>
<li id="comment-2" class="comment"><article id="div-comment-2" class="comment-body">
<footer class="comment-meta"><b class="fn">Bob</b>
<div class="comment-metadata">{second}</div></footer>
<div class="comment-content"><p>Second comment text here.</p></div></article></li>
</ol></body></html>"""


def test_a_page_reads_relative_times_against_its_fetch_time() -> None:
    html = PAGE.format(first="vor 2 Stunden", second="March 3, 2019 at 4:01 pm")
    page = parse_page(html, "https://blog.example/post/", fetched_at=REFERENCE)
    first, second = page.comments
    assert first.published == REFERENCE - timedelta(hours=2)
    assert first.published_approximate
    assert second.published == datetime(2019, 3, 3, 16, 1, tzinfo=UTC)
    assert not second.published_approximate


def test_without_a_fetch_time_a_relative_time_stays_unread() -> None:
    page = parse_page(PAGE.format(first="vor 2 Stunden", second="vor 3 Tagen"), None)
    assert [c.published for c in page.comments] == [None, None]
    assert not any(c.published_approximate for c in page.comments)


def test_an_exact_time_beside_a_relative_one_wins() -> None:
    shown = '<span class="ago">1 week ago</span> <time datetime="2019-10-01T08:00:00Z">Oct 1</time>'
    html = PAGE.format(first=shown, second="1 week ago")
    page = parse_page(html, None, fetched_at=REFERENCE)
    assert page.comments[0].published == datetime(2019, 10, 1, 8, 0, tzinfo=UTC)
    assert not page.comments[0].published_approximate
    assert page.comments[1].published_approximate


def test_parse_command_takes_the_fetch_time(tmp_path: Path) -> None:
    saved = tmp_path / "post.html"
    saved.write_text(PAGE.format(first="2 hours ago", second="3 days ago"), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["parse", str(saved), "--json", "--fetched-at", "2019-10-19T14:00:00+02:00"]
    )
    assert result.exit_code == 0, result.output
    comments = json.loads(result.output)["comments"]
    assert comments[0]["published"] == "2019-10-19T10:00:00+00:00"
    assert comments[0]["published_approximate"] is True


def test_parse_command_refuses_a_fetch_time_it_cannot_read(tmp_path: Path) -> None:
    saved = tmp_path / "post.html"
    saved.write_text(PAGE.format(first="2 hours ago", second="3 days ago"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["parse", str(saved), "--fetched-at", "yesterday"])
    assert result.exit_code == 2
    assert "--fetched-at" in result.output


def test_a_relative_time_moving_between_runs_is_not_an_edit(tmp_path: Path) -> None:
    def seen(hours_later: int, text: str = "Still the same words.") -> None:
        # The page says "2 hours ago" on the first visit, "a day ago" and so on after.
        when = T0 + timedelta(hours=hours_later)
        reply = replace(
            comment("1", text), published=T0 - timedelta(hours=2), published_approximate=True
        )
        if hours_later:
            reply = replace(reply, published=when - timedelta(days=hours_later // 24))
        store(archive, parsed((reply,)), when)

    with open_archive(tmp_path) as archive:
        seen(0)
        seen(24)
        seen(48)
        rows = archive.conn.execute(
            "SELECT published_at, published_approximate FROM comment_versions"
        ).fetchall()
        assert rows == [("2024-03-01T10:00:00+00:00", 1)]
        seen(72, text="Edited words.")  # an edit is still a version, keeping the first time
        rows = archive.conn.execute(
            "SELECT published_at, text FROM comment_versions ORDER BY observed_at"
        ).fetchall()
        assert [row[0] for row in rows] == ["2024-03-01T10:00:00+00:00"] * 2
        assert rows[-1][1] == "Edited words."
        stored = archive.conn.execute("SELECT published_at FROM comments").fetchone()[0]
        assert stored == "2024-03-01T10:00:00+00:00"


def test_a_sites_timezone_must_be_a_known_zone() -> None:
    site = {"name": "a", "url": "https://a.example/", "timezone": "Europe/Berlin"}
    config = config_from_dict({"sites": [site]})
    assert config.sites[0].timezone == "Europe/Berlin"
    for wrong in ("Mars/Olympus", "../etc/passwd", 5):
        with pytest.raises(ConfigError, match=r"sites\[0\]\.timezone"):
            config_from_dict({"sites": [{**site, "timezone": wrong}]})


def test_a_named_zone_wins_and_follows_daylight_saving() -> None:
    html = PAGE.format(first="March 3, 2019 at 4:01 pm", second="July 3, 2019 at 4:01 pm")
    page = parse_page(html, None, zone=ZoneInfo("Europe/Berlin"))
    winter, summer = (c.published for c in page.comments)
    assert winter == datetime(2019, 3, 3, 15, 1, tzinfo=UTC)
    assert summer == datetime(2019, 7, 3, 14, 1, tzinfo=UTC)


def test_an_id_less_comment_keeps_its_id_while_its_relative_time_moves() -> None:
    shape = """<html><body><article class="post"><h1>A post</h1><p>Body.</p></article>
    <div id="comments"><h3>2 comments</h3>
    <div class="comment"><span class="author">Ann</span> <span class="date">{a}</span>
    <div class="comment-text">First words from Ann here.</div></div>
    <div class="comment"><span class="author">Bob</span> <span class="date">{b}</span>
    <div class="comment-text">Second words from Bob here.</div></div></div></body></html>"""
    early = parse_page(shape.format(a="2 hours ago", b="3 days ago"), None, fetched_at=REFERENCE)
    later = parse_page(
        shape.format(a="1 day ago", b="4 days ago"),
        None,
        fetched_at=REFERENCE + timedelta(days=1),
    )
    assert [c.author for c in early.comments] == ["Ann", "Bob"]
    assert [c.id for c in early.comments] == [c.id for c in later.comments]
