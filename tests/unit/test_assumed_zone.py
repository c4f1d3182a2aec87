"""Times a page shows without any zone are read as UTC and the page's notes say it was a guess."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from scraper.parse import parse_page

URL = "http://radweg.example/2023/05/weekly-links/"


def page(stamp: str = "") -> str:
    """A classic WordPress theme that prints only text dates (our own writing)."""
    return f"""<html><head><title>Weekly links</title>
<link rel="stylesheet" href="http://radweg.example/wp-content/themes/plain/style.css"></head>
<body><div id="post-13" class="post-13 post hentry"><h2 class="entry-title">Weekly links</h2>
<div class="entry-meta"><span class="entry-date">May 5, 2023</span>{stamp}</div>
<div class="entry-content"><p>Links of the week, with a few words on each of them.</p></div></div>
<div id="comments"><ol class="commentlist">
<li class="comment even depth-1" id="li-comment-113"><div id="comment-113">
<div class="comment-author vcard"><cite class="fn">Jane Doe</cite> <span class="says">says:</span></div>
<div class="comment-meta commentmetadata"><a href="{URL}#comment-113">May 6, 2023 at 1:26 pm</a></div>
<div class="comment-body"><p>Thanks for the list.</p></div></div></li></ol></div></body></html>"""


def test_text_times_without_a_zone_are_read_as_utc_and_the_notes_say_so() -> None:
    parsed = parse_page(page(), URL)
    assert parsed.comments[0].published == datetime(2023, 5, 6, 13, 26, tzinfo=UTC)
    assert parsed.comments[0].published.tzinfo is UTC  # the guess does not leak out
    assert any(
        "1 comment time and the post's date shown without a time zone" in note
        for note in parsed.notes
    )


def test_a_zone_the_caller_names_is_used_and_nothing_is_guessed() -> None:
    parsed = parse_page(page(), URL, zone=ZoneInfo("Europe/Berlin"))
    assert parsed.comments[0].published == datetime(2023, 5, 6, 11, 26, tzinfo=UTC)
    assert not any("time zone" in note for note in parsed.notes)


def test_a_stamp_with_an_offset_on_the_page_gives_the_zone() -> None:
    stamp = '<time class="updated" datetime="2023-05-05T17:26:00+02:00"></time>'
    parsed = parse_page(page(stamp), URL)
    assert parsed.comments[0].published == datetime(2023, 5, 6, 11, 26, tzinfo=UTC)
    assert not any("time zone" in note for note in parsed.notes)
