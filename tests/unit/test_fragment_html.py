"""Archived HTML is sanitised: formatting and links kept, scripts, handlers and forms gone."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag

from scraper.parse.htmltext import fragment_html, sanitise_html


def _tag(markup: str) -> Tag:
    found = BeautifulSoup(markup, "lxml").find("div")
    assert isinstance(found, Tag)
    return found


def test_loose_text_that_looks_like_markup_stays_text() -> None:
    assert fragment_html([NavigableString("put it before the <html> tag")]) == (
        "put it before the &lt;html&gt; tag"
    )
    p = _tag("<div><p>x</p></div>").p
    assert p is not None
    assert "<html>" not in fragment_html([NavigableString("<html>"), p])


def test_formatting_and_links_are_kept() -> None:
    html = sanitise_html(
        _tag("<div><p>a <b>bold</b> <a href='https://x.example/'>link</a></p></div>")
    )
    assert html == (
        '<p>a <b>bold</b> <a href="https://x.example/" rel="nofollow noopener">link</a></p>'
    )


@pytest.mark.parametrize(
    ("markup", "gone", "kept"),
    [
        ("<div><script>alert(1)</script>text</div>", "alert", "text"),
        ("<div><style>p {color: red}</style>text</div>", "color", "text"),
        ("<div><img src=x.png onerror=alert(1)>text</div>", "onerror", "x.png"),
        ("<div><a href='javascript:alert(1)'>x</a></div>", "javascript", "x"),
        ("<div><iframe src='https://evil.example/'>fallback</iframe>text</div>", "evil", "text"),
        (
            "<div><form><button>Reply</button><textarea>draft</textarea></form>text</div>",
            "Reply",
            "text",
        ),
        ("<div><noscript><b>enable JS</b></noscript>text</div>", "enable JS", "text"),
        ("<div><p style='position:fixed' class='x' id='y'>text</p></div>", "style", "text"),
    ],
)
def test_dangerous_or_noisy_markup_is_removed(markup: str, gone: str, kept: str) -> None:
    for html in (sanitise_html(_tag(markup)), fragment_html(list(_tag(markup).children))):  # type: ignore[arg-type]
        assert gone not in html
        assert kept in html


def test_outer_html_keeps_the_element_itself() -> None:
    assert sanitise_html(_tag("<div><p>x</p></div>"), inner=False) == "<div><p>x</p></div>"
    assert sanitise_html(None) == ""
