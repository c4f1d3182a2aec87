"""After a platform parser, the shared cues fill the authors and times it left empty, and say so.

Our own pages in the shapes real WordPress themes print: a theme's own class names for the name
and date, a "by X on <date>" line, WordPress core's commenter link in a `dt` header.
"""

from __future__ import annotations

from datetime import UTC, datetime

from theme_pages import DL_BYLINES

from scraper.parse import parse_page

URL = "https://kitchen.example/2012/07/birthday-cake/"
HEAD = """<html><head><title>Birthday cake</title>
<link rel="stylesheet" href="https://kitchen.example/wp-content/themes/cake/style.css"></head>
<body><article class="post"><h1 class="entry-title">Birthday cake</h1>
<div class="entry-content"><p>Three layers, strawberries and a lot of cream in between.</p></div>
</article><div id="comments"><h3>2 Comments</h3>"""


def test_a_themes_own_name_and_date_classes_fill_what_the_platform_parser_left() -> None:
    comments = "".join(
        f"""<li class="comment depth-1" id="li-comment-{n}"><div class="comment-container">
<div class="comment-head"><span class="date">{day}. Jul, 2012 / </span>
<span class="name">{name} says: </span></div>
<div class="comment-entry" id="comment-{n}"><p>{text}</p></div></div></li>"""
        for n, day, name, text in [
            (301, 23, "Lisa Myers", "There are still travel agents, you know."),
            (302, 24, "Tom Berg", "We baked it for my son: a hit."),
        ]
    )
    page = parse_page(f'{HEAD}<ol class="commentlist">{comments}</ol></div></body></html>', URL)
    assert page.platform == "wordpress"
    assert [(c.id, c.author) for c in page.comments] == [("301", "Lisa Myers"), ("302", "Tom Berg")]
    assert page.comments[0].published == datetime(2012, 7, 23, tzinfo=UTC)
    assert "2 comment authors read by the shared cues (wordpress markup gave none)" in page.notes


def test_a_by_line_and_the_core_commenter_link_give_the_name() -> None:
    comments = DL_BYLINES
    page = parse_page(f"{HEAD}{comments}</div></body></html>", URL)
    by_id = {c.id: c for c in page.comments}
    assert by_id["41"].author == "Martin"
    assert by_id["41"].author_url == "http://martin.example/"
    assert by_id["42"].author == "Kris Roadruck"
    assert by_id["42"].text == "Thanks! Fixed it up."


def test_a_line_of_the_comment_itself_is_never_taken_as_its_author() -> None:
    comments = """<ol class="commentlist"><li class="comment" id="comment-7">
<p class="comment-meta">Thanks! Fixed it up. I will post the recipe later this week on 8
February 2012</p><div class="comment-body"><p>Anything else?</p></div></li></ol>"""
    page = parse_page(f"{HEAD}{comments}</div></body></html>", URL)
    assert [c.author for c in page.comments] == [None]
    assert not any("shared cues" in note for note in page.notes if "author" in note)


def test_an_anchor_before_its_block_a_profile_link_and_a_date_among_links() -> None:
    # Drupal-style: an empty <a id="comment-N"> before each comment's block, the name as the
    # core's profile link, the date as bare text beside the comment's number link.
    blocks = "".join(
        f"""<a id="comment-{n}"></a><div class="non_toggle_area" id="c-{n}">
<div class="label"><span class="info">Thu, 08/2{n}/2012 - 14:4{n} |
<a href="#comment-{n}">{n}</a></span>
<b><a href="/users/{name.lower()}" title="View user profile.">{name}</a></b></div>
<div class="comment-content"><p>{text}</p></div></div>"""
        for n, name, text in [(1, "Sparky", "Gold for 1650."), (2, "Dissonance", "To the Moon.")]
    )
    html = f"""<html><head><title>Guide</title></head><body><div class="node">
<h1>Guide</h1><div class="content"><p>A long enough story about budgets and cliffs.</p></div>
</div><div id="comments"><h2>Comments</h2>{blocks}</div></body></html>"""
    page = parse_page(html, "https://news.example/guide")
    by_author = {c.author: c for c in page.comments}
    assert set(by_author) == {"Sparky", "Dissonance"}
    assert by_author["Dissonance"].published == datetime(2012, 8, 22, 14, 42, tzinfo=UTC)
    assert by_author["Sparky"].text == "Gold for 1650."
