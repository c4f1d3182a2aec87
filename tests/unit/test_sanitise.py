"""The sanitiser: http(s)-only URL fields read as a browser reads them, text without control
characters, HTML cut down to formatting, and each of them stable when applied twice."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.core.models import Comment
from scraper.core.sanitise import clean_comment, clean_html, clean_text, clean_url
from scraper.parse.page import build_document


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "\x00 \x1fjavascript:alert(1)",
        " JAVASCRIPT:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "mailto:eve@evil.example",
        "file:///etc/passwd",
        "//evil.example/x",
        "/relative/path",
        "http://",
        "https:evil.example",
        "http://[::1",
        "https://fine.example/\x1b[2J",
        "https://fine.example/\x9b2J",
        "",
    ],
)
def test_anything_but_an_absolute_http_url_is_refused(url: str) -> None:
    assert clean_url(url) is None


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://fine.example/~eve", "https://fine.example/~eve"),
        ("  https://fine.example/ \n", "https://fine.example/"),
        ("\x01https://fine.example/", "https://fine.example/"),
        ("ht\ttps://fine.example/a\nb", "https://fine.example/ab"),
        ("HTTP://Fine.Example/", "HTTP://Fine.Example/"),
    ],
)
def test_http_urls_are_kept_as_a_browser_reads_them(url: str, kept: str) -> None:
    assert clean_url(url) == kept


def test_page_links_are_an_allow_list() -> None:
    doc = build_document(b"<html><body><p>x</p></body></html>", "https://blog.example/p/", None)
    assert doc.absolute("java\tscript:alert(1)") is None
    assert doc.absolute("\x01javascript:alert(1)") is None
    assert doc.absolute("vbscript:x") is None
    assert doc.absolute(" /about\t/ ") == "https://blog.example/about/"
    assert doc.absolute("https://other.example/") == "https://other.example/"
    no_base = build_document(b"<html><body><p>x</p></body></html>", None, None)
    assert no_base.absolute("/about/") is None  # nothing to resolve it against
    assert no_base.absolute("https://other.example/") == "https://other.example/"


def test_text_keeps_tabs_and_line_breaks_only() -> None:
    assert clean_text("a\tb\nc\r\nd\re\x1b[31mf\x07\x9b\x7f\x00") == "a\tb\nc\nd\ne[31mf"


def test_a_comment_is_cleaned_field_by_field() -> None:
    hostile = Comment(
        id="7\x1b",
        parent_id="\x07",
        author="Eve\x1b]0;owned\x07",
        author_url="java\tscript:alert(1)",
        text="hi\x9b2J",
        html="<p onclick=x()>hi<script>alert(1)</script><iframe src=//e></iframe></p>\x1b",
        permalink="https://blog.example/p/#c7",
    )
    assert clean_comment(hostile) == Comment(
        id="7",
        parent_id=None,
        author="Eve]0;owned",
        author_url=None,
        text="hi2J",
        html="<p>hi</p>",
        permalink="https://blog.example/p/#c7",
    )


_PIECES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href='java\tscript:1'>a</a>",
    "<a href='https://fine.example/?a=1&b=2'>b</a>",
    "<table><tr><td>c</td></tr></table>",
    "<p><div>d</div></p>",
    "<ul><li>e<li>f</ul>",
    "<b><i>g</b></i>",
    "&amp;&lt;&#39;&quot;&nbsp;",
    "<pre>  h\n  i</pre>",
    "\x1b\x07\r",
]
html_like = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=6)), max_size=8).map(
    "".join
)


@settings(max_examples=200, deadline=None)
@given(html_like)
def test_cleaning_twice_changes_nothing(fragment: str) -> None:
    # Pages are cleaned in their parser and again at the end of parse_page: a second pass that
    # changed anything would give archived comments a new version on the next run.
    once = clean_html(fragment)
    assert clean_html(once) == once
    assert clean_text(clean_text(fragment)) == clean_text(fragment)
