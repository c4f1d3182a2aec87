"""Platform parsers on our synthetic pages: the facts each markup variant must yield."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from scraper.core.models import ParsedPage
from scraper.parse.page import parse_page

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


def _parse(name: str, url: str | None = None, platform: str = "auto") -> ParsedPage:
    return parse_page((PAGES / f"{name}.html").read_bytes(), url, platform=platform)


def test_blogger_threaded_replies_deleted_author_and_exact_times() -> None:
    page = _parse("blogger-threaded")
    assert page.platform == "blogger"
    assert page.post.platform_id == "4400000000000000001"
    assert page.comment_count_shown == 5
    by_id = {c.id: c for c in page.comments}
    reply = by_id["1000000000000000002"]
    assert (reply.parent_id, reply.depth, reply.by_post_author) == ("1000000000000000001", 1, True)
    # showComment= epoch milliseconds wins over the shown local time
    assert by_id["1000000000000000001"].published == datetime(2016, 1, 10, 10, 0, tzinfo=UTC)
    # without it, the shown time is read in the blog's zone (+01:00 from the post's stamp)
    assert by_id["1000000000000000005"].published == datetime(2016, 1, 12, 7, 15, tzinfo=UTC)
    assert by_id["1000000000000000003"].deleted
    # the inline JS carries the deleted-comment literal; no other comment may be marked
    assert sum(c.deleted for c in page.comments) == 1
    assert "Antworten" not in by_id["1000000000000000001"].text
    assert "<script" not in by_id["1000000000000000005"].html
    assert "onclick" not in by_id["1000000000000000005"].html
    assert "Teilen" not in page.post.text
    assert page.more_comments == ()  # the hidden "Weitere laden" must not count


def test_blogger_dynamic_views_snapshot_is_deduplicated() -> None:
    page = _parse("blogger-dynamic-views")
    assert [c.id for c in page.comments] == [
        "2000000000000000001",
        "2000000000000000002",
        "2000000000000000003",
    ]
    assert page.comments[1].parent_id == "2000000000000000001"
    assert page.comments[2].deleted
    assert page.comment_count_shown == 3
    assert page.post.author == "Unknown"


def test_blogger_shows_fewer_than_counted_points_to_the_feed() -> None:
    html = (PAGES / "blogger-threaded.html").read_text(encoding="utf-8")
    page = parse_page(html.replace("5 Kommentare:", "250 Kommentare:"), None)
    assert page.more_comments
    assert "/feeds/4400000000000000001/comments/default?alt=json" in page.more_comments[0]


def test_blogger_legacy_uppercase_markup() -> None:
    page = _parse("blogger-legacy")
    assert page.platform == "blogger"  # C3 names the platform, not the template
    authors = [c.author for c in page.comments]
    assert authors == ["Anonymous", "Ana Ruiz", "Jürgen", "Bao"]
    assert [c.by_post_author for c in page.comments] == [False, True, False, False]
    assert [c.deleted for c in page.comments] == [False, False, True, False]
    assert all(c.parent_id is None for c in page.comments)
    # no showComment: 9:30 PM read at the blog's -03:00 offset
    assert page.comments[3].published == datetime(2008, 3, 9, 0, 30, tzinfo=UTC)


def test_forcing_blogger_picks_the_legacy_variant() -> None:
    assert _parse("blogger-legacy", platform="blogger").platform == "blogger"


def test_wordpress_modern_threads_pingbacks_pages_and_widgets() -> None:
    url = "https://crumbdiary.example/2021/03/sourdough-at-altitude/comment-page-2/"
    page = _parse("wp-modern", url)
    assert page.platform == "wordpress"
    assert page.is_post
    assert page.post.platform_id == "812"
    assert [(c.id, c.parent_id, c.depth) for c in page.comments] == [
        ("101", None, 0),
        ("102", "101", 1),
        ("103", "102", 2),
        ("104", None, 0),
        ("105", None, 0),
    ]
    assert page.comments[1].by_post_author
    assert page.comments[3].kind == "pingback"
    assert page.comments[3].author == "Bread roundup | Other Blog"
    assert page.comments[0].author_url == "https://kofi.example/"
    assert page.comments[0].author == "Kofi"  # no "says:"
    assert "55" not in {c.id for c in page.comments}  # Recent Comments widget ignored
    assert page.more_comments == (
        "https://crumbdiary.example/2021/03/sourdough-at-altitude/comment-page-1/",
    )
    assert page.comment_count_shown == 6
    assert page.post.author == "Noor Haddad"
    assert "Share this" not in page.post.text
    # a comment whose first paragraph is literally "Reply" keeps it (it is content)
    assert page.comments[4].text.startswith("Reply")


def test_wordpress_classic_li_comment_variant_and_trackback_list() -> None:
    page = _parse("wp-classic")
    assert [(c.id, c.parent_id, c.kind) for c in page.comments] == [
        ("9", None, "comment"),
        ("10", "9", "comment"),
        ("11", None, "trackback"),
    ]
    assert page.comments[1].by_post_author
    assert page.comments[0].text == "Tolle Strecke! Wir sind sie 2008 gefahren."


def test_wordpress_block_theme() -> None:
    page = _parse("wp-block")
    assert [(c.id, c.parent_id, c.author) for c in page.comments] == [
        ("41", None, "Léa"),
        ("42", "41", "Camille"),
    ]
    assert page.comments[0].published == datetime(2023, 9, 2, 8, 15, tzinfo=UTC)
    assert page.comment_count_shown == 2


def test_page_without_known_platform_is_generic_and_empty() -> None:
    page = parse_page(b"<html><body><p>Just a page.</p></body></html>", "https://x.example/")
    assert page.comments == ()
