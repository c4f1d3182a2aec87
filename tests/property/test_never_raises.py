"""The one "never raises" suite: parse_page and every parser on odd input; only ParseError escapes.

Truncated, garbled and unclosed real pages (our fixtures and ../shared/corpus), generated HTML in
the markup of every platform, and random bytes."""

from __future__ import annotations

import contextlib
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.core.errors import ParseError
from scraper.parse.page import build_document, parse_page
from scraper.parse.platforms.extra import EXTRA_PARSERS, GENERIC_PARSER

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
PAGES = sorted(FIXTURES.glob("*.html")) + (sorted(CORPUS.glob("*.html")) if CORPUS.is_dir() else [])
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
                ' href="http://paul[.example/"',  # urljoin raises on a lone "["
                ' href="java\tscript:alert(1)"',
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


def _run_all(html: bytes | str, url: str | None = "https://example.org/p.html") -> None:
    """parse_page survives without any parser failing on the way, and so does each parser."""
    with contextlib.suppress(ParseError):
        page = parse_page(html, url)
        # parse_page would survive a crashing parser by falling through; parsers must not crash
        assert not [note for note in page.notes if " failed: " in note]
        page.to_dict()
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


@pytest.mark.parametrize("path", PAGES, ids=[path.stem for path in PAGES])
def test_truncated_garbled_and_unclosed_pages_never_raise(path: Path) -> None:
    data = path.read_bytes()
    rng = random.Random(path.stem)
    for fraction in (0.05, 0.3, 0.5, 0.77, 0.95):
        _run_all(data[: int(len(data) * fraction)])
    _run_all(data[: rng.randrange(len(data) // 4, len(data))])
    garbled = bytearray(data)
    for _ in range(len(garbled) // 200):
        garbled[rng.randrange(len(garbled))] = rng.randrange(256)
    _run_all(bytes(garbled))
    _run_all(data.replace(b"</", b"<", 200))


# Blogger and WordPress shapes, with and without a page URL.
_FLAT_TAGS = st.sampled_from(
    ["div", "li", "ol", "ul", "p", "span", "a", "dl", "dt", "dd", "cite", "time", "article", "abbr"]
)
_FLAT_CLASSES = st.sampled_from(
    [
        "comment",
        "comment-block",
        "comment-content",
        "comment-list",
        "children",
        "fn",
        "blog-author",
        "bypostauthor",
        "pingback",
        "datetime",
        "comment-header",
        "deleted-comment",
        "post-body",
        "published",
        "loadmore hidden",
        "",
    ]
)
_FLAT_IDS = st.sampled_from(
    ["", "c123", "c456", "comment-1", "li-comment-2", "comments", "comments-block"]
)


@st.composite
def _flat_html(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(_FLAT_TAGS)
    attrs = f' class="{draw(_FLAT_CLASSES)}" id="{draw(_FLAT_IDS)}"'
    if tag == "a":
        attrs += ' href="https://x.example/p.html?showComment=' + str(draw(st.integers())) + '#c1"'
    if tag == "time":
        attrs += f' datetime="{draw(st.text(max_size=25))}"'
    children = ""
    if depth < 4:
        children = "".join(draw(st.lists(_flat_html(depth + 1), max_size=3)))
    text = draw(st.text(max_size=20)).replace("<", "")
    return f"<{tag}{attrs}>{text}{children}</{tag}>"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=_flat_html(),
    generator=st.sampled_from(["", '<meta name="generator" content="blogger">', "/wp-content/"]),
)
def test_generated_platform_html_never_raises(body: str, generator: str) -> None:
    page = f"<html><head>{generator}</head><body>{body}</body></html>"
    _run_all(page.encode("utf-8"))
    _run_all(page.encode("utf-8"), None)
