"""Golden pairs: our synthetic pages in real platforms' markup → the fields we expect parsed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scraper.core.models import ParsedPage
from scraper.parse.page import build_document
from scraper.parse.platforms.drupal import PARSER as DRUPAL
from scraper.parse.platforms.extra import EXTRA_PARSERS, GENERIC_PARSER
from scraper.parse.platforms.livejournal import PARSER as LIVEJOURNAL
from scraper.parse.platforms.typepad import PARSER as TYPEPAD

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages_extra"
CASES = sorted(path.stem for path in PAGES.glob("*.html"))
URL = "https://blog.example/post.html"


def parse_extra(html: bytes | str, url: str | None = URL) -> ParsedPage:
    """What the registry does past Blogger/WordPress: first detector wins, generic last."""
    doc = build_document(html, url, None)
    for parser in (*EXTRA_PARSERS, GENERIC_PARSER):
        if parser.detect(doc):
            return parser.parse(doc)
    raise AssertionError("generic must accept every page")


def _expected(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


@pytest.mark.parametrize("name", CASES)
def test_golden_page(name: str) -> None:
    want = _expected(name)
    got = parse_extra((PAGES / f"{name}.html").read_bytes()).to_dict()
    assert got["platform"] == want["platform"]
    assert got["comment_count_shown"] == want["comment_count_shown"]
    for key, value in want["post"].items():
        assert got["post"][key] == value, key
    if "post_text_start" in want:
        assert got["post"]["text"].startswith(want["post_text_start"])
        assert want["post_text_excludes"].lower() not in got["post"]["text"].lower()
    fields = (
        "id",
        "parent_id",
        "depth",
        "author",
        "published",
        "deleted",
        "by_post_author",
        "kind",
    )
    simplified = [{key: comment[key] for key in (*fields, "text")} for comment in got["comments"]]
    assert simplified == want["comments"]
    assert got["more_comments"] == want["more_comments"]
    for fragment in want["notes_contain"]:
        assert any(fragment in note for note in got["notes"]), got["notes"]
    for comment in got["comments"]:
        assert "<script" not in comment["html"]


@pytest.mark.parametrize("name", CASES)
def test_only_the_right_specific_parser_claims_the_page(name: str) -> None:
    doc = build_document((PAGES / f"{name}.html").read_bytes(), URL, None)
    claimed = [parser.name for parser in EXTRA_PARSERS if parser.detect(doc)]
    platform = _expected(name)["platform"]
    assert claimed == ([] if platform == "generic" else [platform])


def test_drupal_needs_both_fingerprint_and_comment_markup() -> None:
    plain = build_document("<html><body><div class='comment'>x</div></body></html>", URL, None)
    assert not DRUPAL.detect(plain)
    no_comments = build_document(
        '<html><head><meta name="Generator" content="Drupal 10"></head>'
        "<body><p>x</p></body></html>",
        URL,
        None,
    )
    assert not DRUPAL.detect(no_comments)


def test_drupal_8_markup_with_timestamps_and_ids_on_articles() -> None:
    html = """<html><head><meta name="Generator" content="Drupal 9 (https://www.drupal.org)"></head>
    <body><article class="node"><h1>Title here</h1>
    <div class="field--name-body"><p>Body text that is long enough to be the article body.</p></div>
    <section class="comments">
    <article data-comment-user-id="3" id="comment-12" class="comment js-comment by-node-author">
      <span class="hidden" data-comment-timestamp="1600000000"></span>
      <footer class="comment__meta">
        <p class="comment__author"><a href="/user/3">Nia</a></p></footer>
      <div class="comment__content"><p>First!</p></div></article>
    <div class="indented">
    <article data-comment-user-id="0" id="comment-13" class="comment js-comment">
      <span class="hidden" data-comment-timestamp="1600003600"></span>
      <footer class="comment__meta"><p class="comment__author"><span>Guest</span></p></footer>
      <div class="comment__content"><p>Second.</p></div></article></div>
    </section></article></body></html>"""
    page = parse_extra(html)
    assert page.platform == "drupal"
    first, second = page.comments
    assert (first.id, first.author, first.by_post_author) == ("12", "Nia", True)
    assert first.author_url == "https://blog.example/user/3"
    stamp = first.published
    assert stamp is not None
    assert stamp.isoformat() == "2020-09-13T12:26:40+00:00"
    assert (second.id, second.parent_id, second.depth, second.author) == ("13", "12", 1, "Guest")


def test_typepad_detector_rejects_pages_without_six_apart_markers() -> None:
    doc = build_document("<html><body><p class='comment-footer'>x</p></body></html>", URL, None)
    assert not TYPEPAD.detect(doc)


def test_livejournal_b_leaf_markup_and_depth_from_twig_classes() -> None:
    html = """<html><head><title>entry - livejournal</title></head><body>
    <div class="entry-content"><p>An entry long enough to count as the post body here.</p></div>
    <div class="b-tree-twig b-tree-twig-1" data-tid="t100"><div class="b-leaf" id="t100">
      <span class="b-leaf-username-name"><a href="https://a.livejournal.com/">alpha</a></span>
      <span class="b-leaf-createdtime">2015-02-01 10:00 am (UTC)</span>
      <div class="b-leaf-article">top</div></div></div>
    <div class="b-tree-twig b-tree-twig-2" data-tid="t356"><div class="b-leaf" id="t356">
      <span class="b-leaf-username-name"><a href="https://b.livejournal.com/">beta</a></span>
      <span class="b-leaf-createdtime">2015-02-01 11:30 pm (UTC)</span>
      <div class="b-leaf-article">reply</div></div></div>
    </body></html>"""
    doc = build_document(html, URL, None)
    assert LIVEJOURNAL.detect(doc)
    top, reply = LIVEJOURNAL.parse(doc).comments
    assert (top.id, top.author, top.depth) == ("100", "alpha", 0)
    assert (reply.id, reply.parent_id, reply.depth, reply.author) == ("356", "100", 1, "beta")
    assert reply.published is not None
    assert reply.published.hour == 23
