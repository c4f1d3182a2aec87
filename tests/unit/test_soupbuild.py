"""The fast soup build gives the very tree bs4's own lxml builder gives, node by node."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from bs4.element import PageElement, Tag
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper import soupbuild
from scraper.parse import decode_html
from scraper.soupbuild import build_soup, stock_soup

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = sorted((ROOT / "tests" / "fixtures").rglob("*.html"))
_LINKS = ("parent", "previous_element", "next_element", "next_sibling", "previous_sibling")


def _fast(text: str) -> BeautifulSoup:
    assert soupbuild._PROTOTYPES is not None, "fast path switched itself off for this bs4"
    return soupbuild._fast_soup(text, soupbuild._PROTOTYPES[0])


def tree_difference(ours: BeautifulSoup, theirs: BeautifulSoup) -> str | None:
    """First difference between two trees: node types, text, every field, every link."""
    mine: list[PageElement] = [ours, *ours.descendants]
    other: list[PageElement] = [theirs, *theirs.descendants]
    if len(mine) != len(other):
        return f"{len(mine)} nodes vs {len(other)}"
    index_a = {id(node): i for i, node in enumerate(mine)}
    index_b = {id(node): i for i, node in enumerate(other)}

    def where(index: dict[int, int], value: Any) -> int | None:
        return None if value is None else index.get(id(value), -1)

    for position, (a, b) in enumerate(zip(mine, other, strict=True)):
        if type(a) is not type(b) or (not isinstance(a, Tag) and str(a) != str(b)):
            return f"node {position}: {type(a).__name__} {str(a)[:40]!r} vs {str(b)[:40]!r}"
        fields_a, fields_b = vars(a), vars(b)
        if set(fields_a) != set(fields_b):
            return f"node {position}: fields {set(fields_a) ^ set(fields_b)}"
        for key, value in fields_a.items():
            other_value = fields_b[key]
            if key in _LINKS:
                if where(index_a, value) != where(index_b, other_value):
                    return f"node {position}: link {key}"
            elif key == "contents":
                if [index_a[id(c)] for c in value] != [index_b[id(c)] for c in other_value]:
                    return f"node {position}: contents"
            elif key == "attrs":
                types_a = {k: type(v) for k, v in value.items()}
                types_b = {k: type(v) for k, v in other_value.items()}
                if (
                    value != other_value
                    or types_a != types_b
                    or type(value) is not type(other_value)
                ):
                    return f"node {position}: attrs {value} vs {other_value}"
            elif a is ours:
                continue  # the soup objects themselves: parser state, not tree
            elif value != other_value:
                return f"node {position}: {key} {value!r} vs {other_value!r}"
    return None


TRICKY = [
    "<p>plain</p>",
    "<!DOCTYPE html><html><head><title>t</title></head><body><p>x</p></body></html>\n\n",
    '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"'
    ' "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html xmlns="http://www.w3.org/1999/xhtml">'
    "<body><p>x</p></body></html>",
    "<body><p>a</p><!DOCTYPE html><p>doctype in the middle</p></body>",
    "<!----><!-- --><!--\n--><p>empty and blank comments</p><?php echo 1 ?>",
    "<pre>  keep\n  this  </pre><textarea>   </textarea><p>   </p><div>\n\t</div>",
    "<script>  var a = '<p>'; </script><style> p {} </style><template><p>t</p> </template>",
    "<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>",
    "<script defer></script><input checked disabled x y=''><option selected>o</option>",
    '<meta charset="iso-8859-1"><meta http-equiv="Content-Type" content="text/html; charset=latin1">',
    '<p class=" a  b\tc ">x</p><a rel="nofollow ugc" rev="r" accesskey="k">l</a>'
    '<td headers="h1 h2">c</td><form accept-charset="utf-8 latin1"></form>',
    "<div><p>unclosed<div>nested</span></b></div></p></i>",
    "</p></div>text<b><i>bad</b></i> nesting",
    "<table><tr><td>a<td>b<tr><td>c</table>after",
    "</html>trailing text<script>late()</script>",
    "\ufeff<p>byte order mark</p>",
    "<p>&amp; &lt; &eacute; &#233; &#x1F600; &bogus; &</p>",
    "<p><![CDATA[ cdata ]]></p><svg:rect xml:lang='de' foo:bar='1'/>",
    "<div>" * 300 + "deep" + "</div>" * 300,
    "text only, no tags at all <",
    "<html><body></body></html><!-- after --><p>after html</p>",
]


@pytest.mark.parametrize("markup", TRICKY)
def test_tricky_markup_builds_the_same_tree(markup: str) -> None:
    assert tree_difference(_fast(markup), stock_soup(markup)) is None


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_pages_build_the_same_tree(path: Path) -> None:
    text = decode_html(path.read_bytes())
    assert tree_difference(_fast(text), stock_soup(text)) is None


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not available")
def test_corpus_pages_build_the_same_tree() -> None:
    for path in sorted(CORPUS.glob("*.html")):
        text = decode_html(path.read_bytes())
        ours, theirs = _fast(text), stock_soup(text)
        assert tree_difference(ours, theirs) is None, path.name
        assert ours.decode() == theirs.decode(), path.name


_HTML_BITS = st.sampled_from(
    [
        "<p>", "</p>", "<div class='a b'>", "</div>", "<pre>", "</pre>", "<script>", "</script>",
        "<style>", "</style>", "<!--", "-->", "<!DOCTYPE html>", "<?pi x?>", "<br>", "<table>",
        "<td>", "<tr>", "</table>", "<a href='/x' rel='next'>", "</a>", "<textarea>",
        "</textarea>", "&amp;", "&", "<", ">", " ", "\n", "\t", "text", "é", "<meta charset=utf-8>",
        "</html>", "<html>", "<body>", "</body>", "<template>", "</template>", "<rt>", "<input x>",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_HTML_BITS, st.text(max_size=5)), max_size=30).map("".join))
def test_generated_markup_builds_the_same_tree(markup: str) -> None:
    try:
        theirs = stock_soup(markup)
    except Exception as error:  # whatever bs4 does with it, build_soup must do too
        with pytest.raises(type(error)):
            build_soup(markup)
        return
    assert tree_difference(build_soup(markup), theirs) is None


def test_the_built_tree_answers_queries_like_bs4s() -> None:
    markup = TRICKY[10] + "<ul><li id='c1'>one</li><li id='c2'>two <b>bold</b></li></ul>"
    ours, theirs = build_soup(markup), stock_soup(markup)
    assert [str(t) for t in ours.select("li#c2 b, a[rel~=ugc]")] == [
        str(t) for t in theirs.select("li#c2 b, a[rel~=ugc]")
    ]
    assert ours.find("p", class_="b") is not None
    assert ours.get_text("|") == theirs.get_text("|")
    assert ours.decode() == theirs.decode()


def test_unknown_bs4_shape_falls_back_to_the_stock_builder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(soupbuild, "_PROTOTYPES", None)
    calls: list[str] = []

    def forbidden(text: str, fields: dict[str, Any]) -> BeautifulSoup:
        calls.append(text)
        raise AssertionError("fast path used")

    monkeypatch.setattr(soupbuild, "_fast_soup", forbidden)
    soup = build_soup("<p class='x'>hello</p>")
    assert calls == []
    assert soup.p is not None
    assert soup.p["class"] == ["x"]


def test_markup_the_walk_rejects_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    def rejecting(text: str, fields: dict[str, Any]) -> BeautifulSoup:
        raise soupbuild._Unsupported("namespaced name")

    monkeypatch.setattr(soupbuild, "_fast_soup", rejecting)
    soup = build_soup("<p>still parsed</p>")
    assert soup.get_text() == "still parsed"


def test_namespaced_start_tag_is_unsupported() -> None:
    target = soupbuild._Target(
        stock_soup(""), dict(vars(stock_soup("<p>x</p>").p or Tag(name="p")))
    )
    with pytest.raises(soupbuild._Unsupported):
        target.start("{http://www.w3.org/2000/svg}svg", {})


def test_the_comparison_notices_differences() -> None:
    assert tree_difference(stock_soup("<p>a</p>"), stock_soup("<p>b</p>")) is not None
    assert tree_difference(stock_soup("<p>a</p> "), stock_soup("<p>a</p>")) is not None
    assert tree_difference(stock_soup("<p id=1>a</p>"), stock_soup("<p id=2>a</p>")) is not None
    assert (
        tree_difference(stock_soup("<b>a</b><i>b</i>"), stock_soup("<b>a<i>b</i></b>")) is not None
    )


def test_a_failure_inside_the_parse_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    original = soupbuild._Target.start

    def start(self: soupbuild._Target, name: str, attrib: Any, nsmap: Any = None) -> None:
        if name == "em":
            raise soupbuild._Unsupported(name)
        original(self, name, attrib, nsmap)

    monkeypatch.setattr(soupbuild._Target, "start", start)
    markup = "<p>a <em>b</em> c</p>"
    assert tree_difference(build_soup(markup), stock_soup(markup)) is None
    with pytest.raises(soupbuild._Unsupported):
        _fast(markup)
