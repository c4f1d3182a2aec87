"""The profile engine: a platform given as data is read by the rules every platform shares.

Profiles here are small made-up platforms (a fingerprint, a block finder, a table or two), so a
test names the one engine rule it exercises; the pages are our own writing in the shapes real
themes print (WordPress's Kubrick era, `dt`/`dd` lists, reply lists after the comment).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from bs4 import Tag

from scraper.core.models import ParsedPage
from scraper.parse import parse_page
from scraper.parse.page import build_document
from scraper.parse.platforms.engine import ProfileParser
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.profile import Fingerprint, Profile

URL = "https://notes.example/2021/05/river/"


def _items(index: PageIndex) -> Iterator[Tag]:
    return (tag for tag in index.classes("item") if tag.get("id"))


def _profile(**tables: object) -> Profile:
    return Profile(
        name="notes",
        fingerprint=Fingerprint(platform=("notes-engine",)),
        blocks=_items,
        **tables,  # type: ignore[arg-type]
    )


def _read(markup: str, **tables: object) -> ParsedPage:
    head = "<head><meta name='generator' content='notes-engine'></head>"
    html = f"<html>{head}<body>{markup}</body></html>"
    parser = ProfileParser(_profile(**tables))
    doc = build_document(html, URL, None)
    assert parser.detect(doc)
    return parser.parse(doc)


def test_the_class_table_is_tried_in_order_not_the_page() -> None:
    page = _read(
        '<div class="item" id="c-101"><span class="nick">ann_h</span>'
        '<span class="name">Ann Hale</span><div class="text">Hello.</div></div>',
        author=("name", "nick"),
        body=("text",),
    )
    (comment,) = page.comments
    assert (comment.id, comment.author, comment.text) == ("101", "Ann Hale", "Hello.")


def test_a_time_element_comes_first_and_a_relative_one_waits_for_an_exact_date() -> None:
    page = _read(
        '<div class="item" id="c-1"><span class="name">Ann</span><time>2 hours ago</time>'
        '<span class="when">May 3, 2021 at 9:15 am</span><div class="text">One.</div></div>'
        '<div class="item" id="c-2"><span class="name">Bo</span>'
        '<time datetime="2021-05-04T08:00:00+00:00">May 4</time>'
        '<span class="when">May 1, 2021</span><div class="text">Two.</div></div>',
        author=("name",),
        time=("when",),
        body=("text",),
    )
    first, second = page.comments
    assert first.published == datetime(2021, 5, 3, 9, 15, tzinfo=UTC)
    assert second.published == datetime(2021, 5, 4, 8, tzinfo=UTC)
    # The `<time>` was read by the engine's shared rule, and the value says so.
    assert second.source_map()["published"] == "shared:time-element"


def test_the_innermost_text_element_wins_and_the_header_inside_it_is_left_out() -> None:
    page = _read(
        '<div class="item" id="c-5"><div class="text"><div class="head">'
        '<span class="name">Ann</span> on <a href="#c-5">May 3, 2021</a></div>'
        '<div class="text"><p>What was said.</p></div></div></div>',
        author=("name",),
        body=("text",),
    )
    (comment,) = page.comments
    assert comment.text == "What was said."
    assert comment.author == "Ann"


def test_a_whole_comment_element_loses_its_header_line_and_action_links() -> None:
    # Kubrick-era markup: the name, "says:", a date line and the words share the element.
    page = _read(
        '<div class="item" id="c-7"><cite><a href="https://ann.example/">Ann</a></cite> says:'
        '<br><p class="small">May 3rd, 2021 at 9:15 am (<a href="#c-7">#</a>)</p>'
        "<p>Lovely river.</p><p>Reply</p>"
        '<a class="comment-reply-link" href="?replytocom=7">Reply</a></div>',
        name_tags=("cite",),
        time=("small",),
    )
    (comment,) = page.comments
    assert comment.author == "Ann"
    assert comment.author_url == "https://ann.example/"
    assert comment.published == datetime(2021, 5, 3, 9, 15, tzinfo=UTC)
    # The date line went with its joiner words; "says:" is left for the header trim of
    # parse_page (the Kubrick test below); the reply link's words are gone.
    assert comment.text.endswith("Lovely river.")
    assert "#" not in comment.text
    assert "May" not in comment.text
    assert "Reply" not in comment.text
    assert comment.permalink == f"{URL}#c-7"


def test_a_reply_the_commenter_wrote_as_a_word_stays_in_a_text_element() -> None:
    page = _read(
        '<div class="item" id="c-8"><span class="name">Sam</span><div class="text"><p>Reply</p>'
        '<p>(That was all.)</p><span class="reply"><a href="?replytocom=8">Reply</a></span>'
        "</div></div>",
        author=("name",),
        body=("text",),
    )
    assert page.comments[0].text == "Reply\n\n(That was all.)"


def test_dt_headers_say_their_words_in_the_dd_and_nested_lists_hold_replies() -> None:
    page = _read(
        '<dl class="list"><dt class="item" id="c-1"><span class="name">Ann</span></dt>'
        '<dd><div class="text">First.</div>'
        '<dl class="children"><dt class="item" id="c-2"><span class="name">Bo</span></dt>'
        '<dd><div class="text">Answer.</div></dd></dl></dd></dl>',
        author=("name",),
        body=("text",),
        reply_list="children",
    )
    first, second = page.comments
    assert (first.text, second.text) == ("First.", "Answer.")
    assert (second.parent_id, second.depth) == ("1", 1)


def test_a_reply_list_after_the_comment_holds_its_replies() -> None:
    # Themes that close the comment before printing its replies; Drupal's `div.indented`.
    page = _read(
        '<ol><li class="item" id="c-1"><span class="name">Ann</span><p class="text">Q?</p></li>'
        '<ol class="children"><li class="item" id="c-2"><span class="name">Bo</span>'
        '<p class="text">A.</p></li></ol>'
        '<li class="item" id="c-3"><span class="name">Cy</span><p class="text">Next.</p></li></ol>',
        author=("name",),
        body=("text",),
        reply_list="children",
    )
    assert [(c.id, c.parent_id) for c in page.comments] == [("1", None), ("2", "1"), ("3", None)]


def test_level_classes_thread_flat_blocks() -> None:
    page = _read(
        "".join(
            f'<div class="item depth-{depth}" id="c-{n}"><b class="name">P{n}</b>'
            f'<p class="text">Words {n}.</p></div>'
            for n, depth in [(1, 1), (2, 2), (3, 3), (4, 2), (5, 1)]
        ),
        author=("name",),
        body=("text",),
    )
    parents = [(c.id, c.parent_id) for c in page.comments]
    assert parents == [("1", None), ("2", "1"), ("3", "2"), ("4", "1"), ("5", None)]


def test_a_pingback_is_named_by_the_citing_posts_link() -> None:
    page = _read(
        '<div class="item pingback" id="c-9"><div class="text">Pingback: '
        '<a href="https://other.example/roundup/">Weekly roundup</a></div></div>',
        body=("text",),
    )
    (ping,) = page.comments
    assert (ping.kind, ping.author, ping.author_url) == (
        "pingback",
        "Weekly roundup",
        "https://other.example/roundup/",
    )


def test_the_documented_anchor_is_the_permalink_when_no_link_names_the_comment() -> None:
    page = _read(
        '<div class="item" id="li-c-4"><span class="name">Ann</span><p class="text">Hi.</p></div>',
        author=("name",),
        body=("text",),
        anchor="comment-{id}",
    )
    assert page.comments[0].permalink == f"{URL}#comment-4"


def test_one_comment_that_breaks_a_rule_is_left_out_not_the_page() -> None:
    def broken(_block: Tag, _thread: object) -> str | None:
        raise ValueError("odd markup")

    page = _read(
        '<div class="item" id="c-1"><span class="name">Ann</span><p class="text">Hi.</p></div>',
        author=("name",),
        body=("text",),
        parent=broken,
    )
    assert page.comments == ()
    assert page.post is not None


def test_wordpress_kubrick_markup_through_parse_page() -> None:
    html = f"""<html><head><link rel="stylesheet" href="/wp-content/themes/default/style.css">
<title>River</title></head><body class="single"><div class="post"><h2>River</h2>
<div class="entry"><p>{"The river rose again this spring. " * 8}</p></div></div>
<ol class="commentlist"><li class="alt" id="comment-12">
<cite><a href="https://sarah.example/" rel="external nofollow" class="url">Sarah</a></cite> says:
<br /><small class="commentmetadata"><a href="#comment-12">May 3rd, 2021 at 6:57 am</a></small>
<p>I love the old bridge.</p></li></ol></body></html>"""
    page = parse_page(html, URL)
    assert page.platform == "wordpress"
    (comment,) = page.comments
    assert (comment.author, comment.author_url) == ("Sarah", "https://sarah.example/")
    assert comment.text == "I love the old bridge."
    assert comment.published == datetime(2021, 5, 3, 6, 57, tzinfo=UTC)
    assert comment.permalink == f"{URL}#comment-12"


def test_a_permalink_beside_the_name_is_not_part_of_it() -> None:
    page = _read(
        '<div class="item" id="c-12"><div class="who"><a href="/author/trev/">Trevor Brauw</a>'
        ' | <a href="https://notes.example/2021/05/river/#comment-12">Posted at 12:45pm</a>'
        '</div><p class="text">Best release of the year.</p></div>',
        author=("who",),
        body=("text",),
    )
    (comment,) = page.comments
    assert (comment.author, comment.author_url) == (
        "Trevor Brauw",
        "https://notes.example/author/trev/",
    )
    assert comment.permalink == "https://notes.example/2021/05/river/#comment-12"


def test_a_header_written_as_the_comments_own_words_gives_name_and_time() -> None:
    # Old themes: "Heather on October 23rd, 2012 1:37 pm" straight inside the comment's li.
    page = _read(
        '<ol><li class="item" id="c-31"> Heather on October 23rd, 2012 1:37 pm '
        '<div class="text"><p>White noise, full blast.</p></div></li></ol>',
        body=("text",),
    )
    (comment,) = page.comments
    assert (comment.author, comment.text) == ("Heather", "White noise, full blast.")
    assert comment.published == datetime(2012, 10, 23, 13, 37, tzinfo=UTC)
    assert comment.source_map()["published"] == "shared:date-line"
