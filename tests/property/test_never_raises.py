"""parse_page and every extra parser never raise on odd input; only ParseError may escape."""

from __future__ import annotations

import contextlib
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.errors import ParseError
from scraper.parse import build_document, parse_page
from scraper.platforms.extra import EXTRA_PARSERS, GENERIC_PARSER

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
PAGES = sorted(CORPUS.glob("*.html")) if CORPUS.is_dir() else []
OURS = (*EXTRA_PARSERS, GENERIC_PARSER)

_TAGS = ["div", "li", "ul", "ol", "article", "section", "span", "p", "a", "time", "h2", "script"]
_CLASSES = [
    "comment",
    "comments",
    "comment-list",
    "indented",
    "username",
    "comment-author",
    "author",
    "comment-content",
    "comment-footer",
    "datetime",
    "meta",
    "h-entry",
    "h-cite",
    "p-comment",
    "p-author",
    "dt-published",
    "e-content",
    "u-in-reply-to",
    "b-leaf",
    "fb-comments",
    "squarespace-comments",
    "entry-content",
    "post-body",
    "children",
    "bypostauthor",
]
_IDS = ["comment-1", "comment-2", "c3", "cmt44", "t55", "comments", "disqus_thread", ""]
_TEXTS = [
    "Posted by: Ann | April 21, 2004 at 03:50 AM",
    "geschrieben von x am 21. Jan. 2015, 19:04",
    "2019-13-45 99:99",
    "31. Februar 2020",
    "This comment has been removed by the author.",
    "<",
    "&amp;",
    "日本語",
    "نص عربي",
    "",
]


@st.composite
def html_trees(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(_TAGS))
    classes = " ".join(draw(st.lists(st.sampled_from(_CLASSES), max_size=3)))
    ident = draw(st.sampled_from(_IDS))
    extra = draw(
        st.sampled_from(
            [
                "",
                ' datetime="2020-02-30T25:00:00+02:00"',
                ' datetime="2020-02-03T10:00:00+02:00"',
                ' href="?thread=12#cmt12"',
                ' itemscope itemtype="https://schema.org/Comment" itemprop="comment"',
                ' data-comment-timestamp="99999999999999999"',
                ' style="margin-left: 50px"',
            ]
        )
    )
    children = ""
    if depth < 4:
        children = "".join(draw(st.lists(html_trees(depth + 1), max_size=3)))
    text = draw(st.sampled_from(_TEXTS))
    return f'<{tag} class="{classes}" id="{ident}"{extra}>{text}{children}</{tag}>'


def _prefix() -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            "",
            '<meta name="Generator" content="Drupal 7">',
            '<meta name="generator" content="http://www.typepad.com/">',
            "<!-- dreamwidth lj:user -->",
            '<script type="application/ld+json">{"@type":"BlogPosting","comment":[{"@type":'
            '"Comment","parentItem":{"@id":"#x"},"author":[],"text":5}]}</script>',
            '<script type="application/ld+json">{"@graph": [1, "x", null, {"@type": 3}]',
            "<script>var disqus_shortname = 'x';</script>",
        ]
    )


def _run_all(html: bytes | str) -> None:
    with contextlib.suppress(ParseError):
        parse_page(html, "https://example.org/p.html")
    try:
        doc = build_document(html, "https://example.org/p.html", None)
    except ParseError:
        return
    for parser in OURS:
        page = parser.parse(doc)  # even when detect() says no: must not raise
        ids = [comment.id for comment in page.comments]
        assert len(ids) == len(set(ids))
        assert all(comment.parent_id in ids for comment in page.comments if comment.parent_id)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=_prefix(), body=html_trees())
def test_generated_html_never_raises(prefix: str, body: str) -> None:
    _run_all(f"<html><head>{prefix}</head><body>{body}</body></html>")


@given(st.binary(max_size=300))
@settings(max_examples=60, deadline=None)
def test_random_bytes_never_raise(blob: bytes) -> None:
    _run_all(blob)


@pytest.mark.skipif(not PAGES, reason="../shared/corpus not present")
@pytest.mark.parametrize("path", PAGES, ids=[path.stem for path in PAGES])
def test_truncated_and_garbled_corpus_pages_never_raise(path: Path) -> None:
    data = path.read_bytes()
    rng = random.Random(path.stem)
    cut = rng.randrange(len(data) // 4, len(data))
    _run_all(data[:cut])
    garbled = bytearray(data)
    for _ in range(len(garbled) // 500):
        garbled[rng.randrange(len(garbled))] = rng.randrange(256)
    _run_all(bytes(garbled))
