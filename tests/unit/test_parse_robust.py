"""parse_page never raises on odd input: truncated and garbled real pages, generated HTML."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.errors import ParseError
from scraper.models import ParsedPage
from scraper.parse import parse_page

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def _sources() -> list[Path]:
    found = sorted(PAGES.glob("*.html"))
    if CORPUS.is_dir():
        found += sorted(CORPUS.glob("*.html"))
    return found


def _survives(data: bytes, url: str | None = "https://example.org/p.html") -> None:
    try:
        page = parse_page(data, url)
    except ParseError:
        return
    assert isinstance(page, ParsedPage)
    # parse_page would survive a crashing parser by falling through; the parsers must not crash
    assert not [note for note in page.notes if " failed: " in note]
    page.to_dict()


@pytest.mark.parametrize("path", _sources(), ids=lambda p: p.stem)
def test_truncated_and_garbled_pages_never_raise(path: Path) -> None:
    data = path.read_bytes()
    rng = random.Random(path.name)
    for fraction in (0.05, 0.3, 0.5, 0.77, 0.95):
        _survives(data[: int(len(data) * fraction)])
    garbled = bytearray(data)
    for _ in range(len(garbled) // 200):
        garbled[rng.randrange(len(garbled))] = rng.randrange(256)
    _survives(bytes(garbled))
    _survives(data.replace(b"</", b"<", 200))


_TAGS = st.sampled_from(
    ["div", "li", "ol", "ul", "p", "span", "a", "dl", "dt", "dd", "cite", "time", "article", "abbr"]
)
_CLASSES = st.sampled_from(
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
_IDS = st.sampled_from(
    ["", "c123", "c456", "comment-1", "li-comment-2", "comments", "comments-block"]
)


@st.composite
def _html(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(_TAGS)
    attrs = f' class="{draw(_CLASSES)}" id="{draw(_IDS)}"'
    if tag == "a":
        attrs += ' href="https://x.example/p.html?showComment=' + str(draw(st.integers())) + '#c1"'
    if tag == "time":
        attrs += f' datetime="{draw(st.text(max_size=25))}"'
    children = ""
    if depth < 4:
        children = "".join(draw(st.lists(_html(depth + 1), max_size=3)))
    text = draw(st.text(max_size=20)).replace("<", "")
    return f"<{tag}{attrs}>{text}{children}</{tag}>"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=_html(),
    generator=st.sampled_from(["", '<meta name="generator" content="blogger">', "/wp-content/"]),
)
def test_generated_html_never_raises(body: str, generator: str) -> None:
    page = f"<html><head>{generator}</head><body>{body}</body></html>"
    _survives(page.encode("utf-8"))
    _survives(page.encode("utf-8"), None)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_parse_error(data: bytes) -> None:
    _survives(b"<html>" + data)
    _survives(data)
