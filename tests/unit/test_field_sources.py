"""Each value `parse_page` reads knows which cue read it: the platform parser, a shared cue of
the filler, a post fallback, the general article extractor, or a comment API."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from theme_pages import DL_BYLINES

from scraper.cli import cli
from scraper.core.models import Comment, Post
from scraper.parse import parse_page
from scraper.parse.sources import COMMENT_FIELDS, POST_FIELDS, filled
from scraper.threads.comment_feeds import parse_wp_rest_comments
from scraper.threads.merge import merge_comments

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
URL = "https://kitchen.example/2012/07/birthday-cake/"
FETCHED = datetime(2024, 1, 1, 12, tzinfo=UTC)
HEAD = """<html><head><title>Birthday cake</title>
<link rel="stylesheet" href="https://kitchen.example/wp-content/themes/cake/style.css"></head>
<body><article class="post"><h1 class="entry-title">Birthday cake</h1>
<div class="entry-content"><p>Three layers, strawberries and a lot of cream in between.</p></div>
</article><div id="comments"><h3>2 Comments</h3>"""


def _labelled_exactly_the_filled_fields(item: Comment | Post) -> None:
    names = COMMENT_FIELDS if isinstance(item, Comment) else POST_FIELDS
    assert [name for name, _ in item.sources] == [name for name in names if filled(item, name)]
    # Plain non-empty text (not the cue enum): it is pickled between workers and stored as JSON.
    assert all(type(label) is str and label for _, label in item.sources)


def test_a_wordpress_page_labels_every_value_wordpress() -> None:
    html = (PAGES / "wp-classic.html").read_bytes()
    page = parse_page(html, "http://radlerin.example/2010/05/fahrradtour/")
    assert page.platform == "wordpress"
    assert page.post.source_map() == dict.fromkeys(POST_FIELDS, "wordpress")
    for comment in page.comments:
        _labelled_exactly_the_filled_fields(comment)
        assert set(comment.source_map().values()) == {"wordpress"}
    labelled = {name for comment in page.comments for name in comment.source_map()}
    # The page's reply, post-author mark and pingback carry labels too, not only the texts.
    assert {"parent_id", "by_post_author", "kind", "author_url"} <= labelled


def _theme_page(dates: tuple[str, str]) -> str:
    """Two comments in a theme's own markup: WordPress's parser finds the blocks but neither
    the name (`span.name`) nor the time (`span.date`); the filler's shared cues do."""
    blocks = "".join(
        f"""<li class="comment depth-1" id="li-comment-{n}"><div class="comment-container">
<div class="comment-head"><span class="date">{day}</span>
<span class="name">{name} says: </span></div>
<div class="comment-entry" id="comment-{n}"><p>{text}</p></div></div></li>"""
        for n, day, name, text in [
            (301, dates[0], "Lisa Myers", "There are still travel agents, you know."),
            (302, dates[1], "Tom Berg", "We baked it for my son: a hit."),
        ]
    )
    return f'{HEAD}<ol class="commentlist">{blocks}</ol></div></body></html>'


def test_values_the_filler_reads_carry_the_shared_cue_that_read_them() -> None:
    page = parse_page(_theme_page(("23. Jul, 2012 / ", "24. Jul, 2012 / ")), URL)
    for comment in page.comments:
        _labelled_exactly_the_filled_fields(comment)
        assert comment.source_map() == {
            "author": "shared:author-class",
            "published": "shared:date-class",
            "text": "wordpress",  # the parser read the text; the filler only what it left empty
        }


def test_a_relative_time_the_filler_reads_is_approximate_and_labelled() -> None:
    stamped = "<time datetime='2012-07-24T10:00:00Z'>24. Jul</time>"
    page = parse_page(_theme_page(("vor 2 Stunden", stamped)), URL, fetched_at=FETCHED)
    relative, exact = page.comments
    assert relative.published == datetime(2024, 1, 1, 10, tzinfo=UTC)
    assert relative.published_approximate
    assert relative.source_map()["published"] == "shared:date-class"
    # A machine stamp is read by the profile engine's shared `<time>` rule, and says so.
    assert not exact.published_approximate
    assert exact.source_map()["published"] == "shared:time-element"
    assert exact.source_map()["author"] == "shared:author-class"


def test_a_commenter_link_a_date_line_and_a_by_line_are_named_apart() -> None:
    comments = DL_BYLINES
    page = parse_page(f"{HEAD}{comments}</div></body></html>", URL)
    by_id = {c.id: c.source_map() for c in page.comments}
    assert by_id["41"] == {
        "author": "shared:commenter-link",
        "author_url": "shared:commenter-link",
        "published": "shared:date-line",
        "text": "wordpress",
    }
    assert by_id["42"]["author"] == "shared:date-byline"


def test_post_fields_from_the_shared_fallbacks_name_their_cue() -> None:
    html = """<html><head><title>On keeping notebooks | Jo's blog</title>
<meta name="author" content="Jo Smith"></head><body><div class="post">
<h2>On keeping notebooks</h2><p class="info">Written 3 March 2019</p><div class="entry-content">
<p>I keep three notebooks and lose two. Every one of them holds lists, drafts, addresses and
phone numbers.</p></div></div></body></html>"""
    page = parse_page(html, "https://jo.example/notebooks")
    assert page.platform == "generic"
    assert (page.post.title, page.post.author) == ("On keeping notebooks", "Jo Smith")
    assert page.post.published == datetime(2019, 3, 3, tzinfo=UTC)
    assert page.post.source_map() == {
        "title": "shared:title-heading",
        "author": "shared:meta-tag",
        "published": "shared:headline-date",
        "text": "trafilatura",
    }


def test_a_post_without_what_a_cue_needs_leaves_that_field_unlabelled() -> None:
    html = "<html><body><p>Only a line of text, no title, no byline, no date.</p></body></html>"
    post = parse_page(html, "https://jo.example/bare").post
    assert (post.title, post.author, post.published) == (None, None, None)
    _labelled_exactly_the_filled_fields(post)
    assert not {"title", "author", "published"} & set(post.source_map())


def test_parse_json_prints_the_sources_of_the_post_and_of_each_comment() -> None:
    page = PAGES / "wp-modern.html"
    url = "https://crumbdiary.example/2021/03/sourdough-at-altitude/comment-page-2/"
    result = CliRunner().invoke(cli, ["parse", str(page), "--url", url, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["post"]["sources"]["title"] == "wordpress"
    assert data["comments"]
    for comment in data["comments"]:
        assert comment["sources"]["text"] == "wordpress"
        filled_now = {k for k in ("author", "author_url", "published") if comment[k]}
        assert filled_now <= set(comment["sources"])
        assert ("parent_id" in comment["sources"]) == (comment["parent_id"] is not None)


def test_a_field_an_api_fills_carries_the_apis_label() -> None:
    page = parse_page(_theme_page(("", "")), URL)
    unnamed = replace(page.comments[0], author=None, published=None)
    unnamed = replace(unnamed, sources=(("text", "wordpress"),))
    answer = json.dumps(
        [
            {"id": 301, "post": 5, "parent": 0, "author_name": "Lisa Myers",
             "author_url": "https://lisa.example/",
             "date_gmt": "2012-07-23T09:00:00", "content": {"rendered": "<p>Other words</p>"},
             "link": URL + "#comment-301", "type": "comment"}
        ]
    ).encode()  # fmt: skip
    api = parse_wp_rest_comments(answer, {})
    (merged,) = merge_comments([((unnamed,), False), (api.comments, True)])
    assert merged.text == unnamed.text  # the page's text wins, and keeps its label
    assert merged.source_map() == {
        "author": "wordpress-rest",
        "author_url": "wordpress-rest",
        "published": "wordpress-rest",
        "text": "wordpress",
    }


def test_the_shared_time_rules_name_themselves() -> None:
    # For a platform profile's own fallback to the shared date cues (`cues.time_in`).
    from bs4 import BeautifulSoup

    from scraper.parse.platforms.cues import timed_in

    shapes = {
        '<div><span class="date">4 May 2019</span><time datetime="2019-05-03T10:00:00Z">x</time>'
        "</div>": (datetime(2019, 5, 3, 10, tzinfo=UTC), "shared:time-element"),
        '<div><span class="comment-date">4 May 2019</span></div>': (
            datetime(2019, 5, 4, tzinfo=UTC),
            "shared:date-class",
        ),
        "<div><b>Ann</b><span>on 4 May 2019</span></div>": (
            datetime(2019, 5, 4, tzinfo=UTC),
            "shared:date-line",
        ),
        "<div><b>Ann</b><span>no date here</span></div>": (None, None),
    }
    for html, expected in shapes.items():
        block = BeautifulSoup(html, "lxml").div
        assert block is not None
        moment, _node, cue = timed_in(block.find_all(True), UTC)
        assert (moment, cue) == expected, html
