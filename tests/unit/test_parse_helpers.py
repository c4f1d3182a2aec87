"""Shared parsing helpers: dates, comment counts, threads, stable ids, text, parser fallback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from bs4 import BeautifulSoup, Tag

import scraper.parse.page as parse_module
from scraper.core.dates import fixed_offset, from_epoch_ms, parse_human, parse_iso
from scraper.core.models import Comment, ParsedPage
from scraper.parse.htmltext import sanitise_html, visible_text
from scraper.parse.page import build_document
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import (
    blog_timezone,
    comment_count_from_text,
    page_index,
    stable_comment_id,
    strip_chrome,
    thread,
)
from scraper.parse.platforms.pieces import find_date_text, read_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24 comments:", 24),
        ("45 Gedanken zu „Titel“", 45),
        ("91 Ergänzungen", 91),
        ("Kommentare: 10", 10),
        ("1.234 Kommentare", 1234),
        ("No comments:", 0),
        ("Kommentare:", None),
        ("Leave a reply", None),
        (None, None),
    ],
)
def test_comment_count_from_text(text: str | None, expected: int | None) -> None:
    assert comment_count_from_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("October 23, 2007 at 4:01 PM", datetime(2007, 10, 23, 16, 1)),
        ("6. Juni 2015 um 10:23", datetime(2015, 6, 6, 10, 23)),
        ("23.06.2016 um 16:14 Uhr", datetime(2016, 6, 23, 16, 14)),
        ("12th March 2013", datetime(2013, 3, 12)),
        ("2015年4月5日 9:00", datetime(2015, 4, 5, 9, 0)),
        ("30 tháng 5, 2019 lúc 13:06", datetime(2019, 5, 30, 13, 6)),
        ("6/23/2016", datetime(2016, 6, 23)),
        ("21. Jan. 2015, 19:04", datetime(2015, 1, 21, 19, 4)),
    ],
)
def test_parse_human(text: str, expected: datetime) -> None:
    assert parse_human(text) == expected.replace(tzinfo=UTC)


def test_parse_human_reads_in_blog_zone_and_rejects_junk() -> None:
    assert parse_human("May 30, 2019 at 1:06 PM", fixed_offset(480)) == datetime(
        2019, 5, 30, 5, 6, tzinfo=UTC
    )
    assert parse_human("yesterday") is None
    assert parse_human("31 February 2019") is None


def test_iso_and_epoch() -> None:
    assert parse_iso("2019-02-20T15:42:20-07:00") == datetime(2019, 2, 20, 22, 42, 20, tzinfo=UTC)
    assert parse_iso("2013-03-12T23:10:00.003Z") is not None
    assert parse_iso("not a date") is None
    assert from_epoch_ms("1433578985419") == datetime(2015, 6, 6, 8, 23, 5, 419000, tzinfo=UTC)
    assert from_epoch_ms("99999999999999999999999") is None


def test_blog_timezone_from_post_stamp() -> None:
    soup = BeautifulSoup(
        "<html><body><abbr class='published' title='2007-10-18T11:04:00-03:00'>x</abbr>"
        "</body></html>",
        "lxml",
    )
    assert blog_timezone(page_index(soup)) == timezone(timedelta(hours=-3))
    assert blog_timezone(page_index(BeautifulSoup("<p>x</p>", "lxml"))) == UTC


def test_thread_dedupes_fixes_orphans_and_depths() -> None:
    comments = [
        Comment(id="1"),
        Comment(id="2", parent_id="1", depth=7),
        Comment(id="3", parent_id="2"),
        Comment(id="1", author="duplicate"),
        Comment(id="4", parent_id="missing", depth=3),
        Comment(id="5", parent_id="5"),
    ]
    result = thread(comments)
    assert [(c.id, c.parent_id, c.depth) for c in result] == [
        ("1", None, 0),
        ("2", "1", 1),
        ("3", "2", 2),
        ("4", None, 0),
        ("5", None, 0),
    ]
    assert result[0].author is None


def test_stable_comment_id_is_deterministic_and_sensitive() -> None:
    moment = datetime(2020, 1, 1, tzinfo=UTC)
    first = stable_comment_id("https://x.example/p", "Ann", moment, "Hello  world")
    assert first == stable_comment_id("https://x.example/p", "Ann", moment, "Hello world")
    assert first != stable_comment_id("https://x.example/p", "Bob", moment, "Hello world")


def test_text_helpers() -> None:
    soup = BeautifulSoup(
        "<div>One<br>two<p>Three</p><script>x()</script><a onclick='x' href='javascript:x'>l</a>"
        "</div>",
        "lxml",
    )
    div = soup.div
    assert div is not None
    assert visible_text(div) == "One\ntwo\n\nThree\n\nl"
    html = sanitise_html(div)
    assert "script" not in html
    assert "onclick" not in html
    assert "javascript" not in html
    assert strip_chrome("Nice post\nReply\nLöschen") == "Nice post"


class _Broken:
    name = "broken"

    def detect(self, doc: Document) -> bool:
        return True

    def parse(self, doc: Document) -> ParsedPage:
        raise RuntimeError("boom")


def test_a_crashing_parser_falls_through_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_module, "PARSERS", (_Broken(),))
    page = parse_module.parse_page(b"<html><body><p>x</p></body></html>", "https://x.example/")
    assert page.platform == "generic"
    assert any("broken parser failed" in note for note in page.notes)


def test_a_malformed_link_costs_that_link_not_the_page() -> None:
    doc = build_document(b"<p>x</p>", "https://blog.example/2024/01/post/", None)
    assert doc.absolute("http://paul[.example/") is None  # urljoin raises on the lone "["
    assert doc.absolute("/about") == "https://blog.example/about"


def test_a_day_only_stamp_takes_the_shown_time_only_for_the_same_day() -> None:
    same = BeautifulSoup('<time datetime="2020-7-23">23.07.2020 // 12:59</time>', "lxml").time
    other = BeautifulSoup('<time datetime="2020-07-23">24.07.2020 // 12:59</time>', "lxml").time
    bad = BeautifulSoup('<time datetime="2020-02-31">31.02.2020</time>', "lxml").time
    assert read_date(same, UTC) == datetime(2020, 7, 23, 12, 59, tzinfo=UTC)
    # The text names another day: the stamp's day stands, at midnight, not the text's.
    assert read_date(other, UTC) == datetime(2020, 7, 23, tzinfo=UTC)
    assert read_date(bad, UTC) is None


def test_two_digit_years_and_separators_before_a_time() -> None:
    assert parse_human("22.04.18 в 23:40") == datetime(2018, 4, 22, 23, 40, tzinfo=UTC)
    assert parse_human("05.11.99") == datetime(1999, 11, 5, tzinfo=UTC)
    shown = find_date_text("on Monday July 23, 2012 @08:25PM")
    assert shown is not None
    assert shown.group(0) == "July 23, 2012 @08:25PM"


def test_a_time_labelled_as_the_edit_is_not_the_comments_time() -> None:
    from bs4 import BeautifulSoup

    from scraper.parse.platforms.cues import time_in

    block = BeautifulSoup(
        '<div><time class="comment-time--edited">Edited: April 12 2018, 07:58:56 UTC</time>'
        '<a class="permalink" href="#t1">April 12 2018, 07:57:13 UTC</a></div>',
        "lxml",
    ).div
    assert block is not None
    moment, _node = time_in(block.find_all(True), UTC)
    assert moment == datetime(2018, 4, 12, 7, 57, 13, tzinfo=UTC)
    only_edit = BeautifulSoup("<div><time>Bearbeitet 12.04.2018 07:58</time></div>", "lxml").div
    assert only_edit is not None
    # With nothing else shown, the edit time is still better than none.
    assert time_in(only_edit.find_all(True), UTC)[0] == datetime(2018, 4, 12, 7, 58, tzinfo=UTC)


def test_an_owner_modifier_on_the_comments_header_marks_the_post_author() -> None:
    from scraper.parse.platforms.cues import marks_owner

    def block(head_class: str) -> Tag:
        html = (
            f'<div class="comment"><div class="{head_class}"><a class="user">ann</a></div>'
            '<div class="comment__body">Text.</div><div class="replies">'
            '<div class="comment"><div class="comment__head">bob</div></div></div></div>'
        )
        found = BeautifulSoup(html, "lxml").find("div", class_="comment")
        assert isinstance(found, Tag)
        return found

    assert marks_owner(block("comment__head comment__head_topic-author"))
    assert marks_owner(block("comment-header--post-author"))
    assert not marks_owner(block("comment__head"))
    assert not marks_owner(block("comment-author"))  # the commenter, not the post's author


@pytest.mark.parametrize(
    ("shown", "day"),
    [
        # Drupal 7's default "D, m/d/Y - H:i": 8 September 2012 was a Saturday.
        ("Sat, 09/08/2012 - 10:32", datetime(2012, 9, 8, 10, 32, tzinfo=UTC)),
        # The same digits on a Thursday are 9 August, day first as read.
        ("Thu, 09/08/2012 - 10:32", datetime(2012, 8, 9, 10, 32, tzinfo=UTC)),
        ("Samstag, 09.08.2012", datetime(2012, 9, 8, tzinfo=UTC)),
        # No weekday, or one neither reading falls on: day first, as before.
        ("09/08/2012", datetime(2012, 8, 9, tzinfo=UTC)),
        ("Sun 11/09/12", datetime(2012, 9, 11, tzinfo=UTC)),
    ],
)
def test_a_shown_weekday_tells_day_and_month_apart(shown: str, day: datetime) -> None:
    assert parse_human(shown, UTC) == day
