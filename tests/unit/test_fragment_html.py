"""fragment_html gives what nh3 makes of bs4's own serialisation, for every element we meet."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest
from bs4 import NavigableString, Tag

from scraper.htmltext import fragment_html, sanitise_html
from scraper.parse import decode_html
from scraper.soupbuild import build_soup

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = sorted((ROOT / "tests" / "fixtures").rglob("*.html"))


def _by_bs4(parts: list[Tag | NavigableString]) -> str:
    # bs4 serialises a loose string unescaped; as HTML its text must stay text.
    return sanitise_html(
        "".join(str(part) if isinstance(part, Tag) else escape(part, quote=False) for part in parts)
    )


def test_loose_text_that_looks_like_markup_stays_text() -> None:
    soup = build_soup("<p>x</p>")
    assert fragment_html([NavigableString("put it before the <html> tag")]) == (
        "put it before the &lt;html&gt; tag"
    )
    assert "<html>" not in fragment_html([NavigableString("<html>"), soup.p])  # type: ignore[list-item]


def _check_every_element(text: str) -> None:
    soup = build_soup(text)
    for tag in soup.find_all(True):
        if len(tag.find_all(True, limit=400)) == 400:
            continue  # page-sized wrappers: their pieces are all checked on their own
        assert fragment_html([tag]) == _by_bs4([tag]), tag.name
        pieces = [c for c in tag.children if isinstance(c, Tag) or type(c) is NavigableString]
        assert fragment_html(pieces) == _by_bs4(pieces), tag.name


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_elements_sanitise_alike(path: Path) -> None:
    _check_every_element(decode_html(path.read_bytes()))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not available")
def test_corpus_elements_sanitise_alike() -> None:
    for path in sorted(CORPUS.glob("*.html")):
        _check_every_element(decode_html(path.read_bytes()))


ODD = [
    "<div><p class='a b' title='x \"q\" &amp; y'>a &lt; b &amp; c<br>d</p><img src=x.png alt='<>'></div>",
    "<div><template><p>in template</p></template>after</div>",
    "<div><svg><![CDATA[x < y]]><path d='M0'/></svg></div>",
    "<div>a<spacer>b</spacer>c<image src=i.png>d</div>",
    "<div><!-- a -- b -->shown<!-- plain --></div>",
    "<div><script>var x = '<p>';</script><style>p {}</style><noscript><b>ns</b></noscript></div>",
    "<div><textarea>a &lt; b <i>t</i></textarea><ruby>x<rt>y</rt><rp>(</rp></ruby></div>",
    "<div><table><tr><div>misplaced</div><td>c</td></tr></table><p>a<div>b</div></p></div>",
]


@pytest.mark.parametrize("markup", ODD)
def test_odd_markup_sanitises_alike(markup: str) -> None:
    _check_every_element(markup)
