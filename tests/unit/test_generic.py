"""Generic fallback pieces: byline splitting, ids, widgets, heuristic edge cases, non-blog pages."""

from __future__ import annotations

import pytest

from scraper.parse.page import build_document
from scraper.parse.platforms.extra import GENERIC_PARSER
from scraper.parse.platforms.pieces import id_from_attr, split_byline
from scraper.parse.platforms.widgets import detect_widgets

URL = "https://blog.example/a-post/"


def _generic(html: str):  # type: ignore[no-untyped-def]
    return GENERIC_PARSER.parse(build_document(html, URL, None))


@pytest.mark.parametrize(
    ("text", "author", "date"),
    [
        ("geschrieben von berg2012 am 21. Jan. 2015, 19:04", "berg2012", "21. Jan. 2015, 19:04"),
        (
            "Posted by: King of Fools | April 21, 2004 at 10:00 AM",
            "King of Fools",
            "April 21, 2004 at 10:00 AM",
        ),
        ("Ann Lee said on 3 May 2018 at 9:15 pm", "Ann Lee", "3 May 2018 at 9:15 pm"),
        ("par Jeanne, le 12/05/2020 à 14:00", "Jeanne", "12/05/2020 à 14:00"),
        ("just a name", "just a name", None),
    ],
)
def test_split_byline(text: str, author: str, date: str | None) -> None:
    assert split_byline(text) == (author, date)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("comment-1508", "1508"),
        ("li-comment-77", "77"),
        ("c001234", "001234"),
        ("cmt9001", "9001"),
        ("comment-6a00d8341c2f0953ef", "6a00d8341c2f0953ef"),
        ("trackback-3301", "3301"),
        ("sidebar", None),
        ("", None),
        (None, None),
    ],
)
def test_id_from_attr(value: str | None, expected: str | None) -> None:
    assert id_from_attr(value) == expected


def test_widgets_report_where_comments_live() -> None:
    html = """<html><body>
    <div class="fb-comments" data-href="/post-1" data-numposts="5"></div>
    <script src="https://giscus.app/client.js" data-repo="ann/blog-comments"></script>
    <div class="squarespace-comments" data-public-comment-count="6"></div>
    <div id="isso-thread"></div><script data-isso="//comments.example/"></script>
    <button class="wpd-load-more-submit">Load more</button>
    </body></html>"""
    report = detect_widgets(build_document(html, URL, None))
    assert report.systems == ("facebook", "isso", "giscus", "squarespace", "load-more")
    assert "https://github.com/ann/blog-comments/discussions" in report.more_comments
    assert (
        "https://www.facebook.com/plugins/comments.php?href=https%3A%2F%2Fblog.example%2Fpost-1"
        in report.more_comments
    )
    assert report.count_shown == 6
    assert len(report.notes) == 5


def test_widgets_stay_quiet_on_a_plain_page_that_mentions_them() -> None:
    html = "<html><body><p>I wrote about disqus and giscus once.</p></body></html>"
    report = detect_widgets(build_document(html, URL, None))
    assert report.notes == ()
    assert report.more_comments == ()


def test_generic_page_with_disqus_notes_it_instead_of_silence() -> None:
    page = _generic(
        "<html><body><article><p>" + "Words. " * 40 + "</p></article>"
        '<div id="disqus_thread"></div></body></html>'
    )
    assert page.comments == ()
    assert any("Disqus" in note for note in page.notes)
    assert page.is_post


def test_recent_comments_sidebar_is_not_read_as_the_posts_comments() -> None:
    page = _generic(
        "<html><body><div class='entry-content'><p>" + "Text. " * 30 + "</p></div>"
        "<aside><ul class='recent-comments'><li><span class='author'>Zed</span> "
        "<span class='date'>1 May 2020</span> on Other post</li></ul></aside></body></html>"
    )
    assert page.comments == ()


def test_comments_without_ids_get_stable_hash_ids() -> None:
    html = (
        "<html><body><div class='post-body'><p>" + "Body. " * 30 + "</p></div>"
        "<div class='comments'><div class='c'><b class='author'>Ann</b>"
        "<span class='date'>2 June 2021 10:00</span><p>Hello there.</p></div>"
        "<div class='c'><b class='author'>Bo</b><span class='date'>3 June 2021 11:00</span>"
        "<p>Hi Ann.</p></div></div></body></html>"
    )
    first, second = _generic(html).comments, _generic(html).comments
    assert [c.id for c in first] == [c.id for c in second]
    assert all(c.id.startswith("h") for c in first)
    assert [(c.author, c.text) for c in first] == [("Ann", "Hello there."), ("Bo", "Hi Ann.")]
    assert first[1].published is not None
    assert first[1].published.isoformat() == "2021-06-03T11:00:00+00:00"


def test_broken_json_ld_is_skipped_and_heuristics_still_run() -> None:
    page = _generic(
        '<html><head><script type="application/ld+json">{"@type": "BlogPosting", </script>'
        "<title>T</title></head><body><h1>T</h1></body></html>"
    )
    assert page.platform == "generic"
    assert page.comments == ()


def test_a_page_that_is_not_a_blog_post() -> None:
    page = _generic("<html><head><title>Shop</title></head><body><h1>Shop</h1></body></html>")
    assert page.platform == "generic"
    assert page.comments == ()
    assert page.is_post is False
    assert page.post.title == "Shop"
