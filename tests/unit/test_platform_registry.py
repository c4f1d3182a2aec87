"""Parsers share one page tree and never change it; the registry is the one source of names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scraper.core.config import config_from_dict, platform_names
from scraper.core.errors import ConfigError
from scraper.parse.page import build_document, parse_page
from scraper.parse.platforms import PARSERS

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "tests" / "fixtures").rglob("*.html"))


def _all_parsers(path: Path, order: tuple[int, ...]) -> tuple[list[object], str]:
    doc = build_document(path.read_bytes(), "https://blog.example/2024/01/post.html", None)
    before = str(doc.soup)
    results: dict[str, object] = {}
    for number in order:
        parser = PARSERS[number]
        try:
            results[parser.name] = parser.parse(doc).to_dict()
        except Exception as error:  # a parser that cannot read this page: its failure is its result
            results[parser.name] = repr(error)
    assert str(doc.soup) == before, "a parser changed the shared tree"
    return [results[p.name] for p in PARSERS], before


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_every_parser_gives_the_same_result_whatever_ran_before(path: Path) -> None:
    forward = tuple(range(len(PARSERS)))
    first, _ = _all_parsers(path, forward)
    for order in (tuple(reversed(forward)), forward[1:] + forward[:1]):
        assert _all_parsers(path, order)[0] == first


def test_config_accepts_every_registered_platform_and_names_them_when_wrong() -> None:
    assert platform_names() == ("auto", *(p.name for p in PARSERS))
    for name in platform_names():
        site = {"name": "a", "url": "https://a.example/", "platform": name}
        assert config_from_dict({"sites": [site]}).sites[0].platform == name
    with pytest.raises(ConfigError) as caught:
        config_from_dict({"sites": [{"name": "a", "url": "https://a.example/", "platform": "x"}]})
    assert caught.value.key == "sites[0].platform"
    assert all(name in str(caught.value) for name in platform_names())


@pytest.mark.parametrize("name", [p.name for p in PARSERS])
def test_each_registered_platform_can_be_forced(name: str) -> None:
    page = parse_page(
        "<html><body><article><h1>T</h1><p>x</p></article></body></html>", platform=name
    )
    assert page.platform in (name, "generic")


def test_the_documented_platform_list_is_the_registry() -> None:
    for document in (ROOT / "config.toml", ROOT / "README.md"):
        text = document.read_text(encoding="utf-8")
        line = next(
            line for line in text.splitlines() if re.search(r"platform.*\bauto\b.*\|", line)
        )
        documented = re.findall(
            r"`?([a-z]+(?:-[a-z]+)?)`?", line.split("#")[-1] if "#" in line else line
        )
        assert set(platform_names()) <= set(documented), (document.name, line)


def test_another_wordpress_blogs_image_in_a_comment_is_no_wordpress_fingerprint() -> None:
    comment_image = '<img src="https://other.example/wp-content/uploads/2012/01/cat.jpg">'
    html = f"""<html><head><meta name="Generator" content="Drupal 7 (http://drupal.org)">
</head><body><div class="node"><h1>Ferries</h1><div class="field-name-body">
<p>{"The ferry runs twice a day in winter. " * 6}</p></div></div>
<div id="comments"><a id="comment-7"></a><div class="comment">
<span class="username">Ann</span><div class="content"><p>Look: {comment_image}</p></div>
</div></div></body></html>"""
    page = parse_page(html, "https://ferries.example/node/3")
    assert page.platform == "drupal"
    assert [c.author for c in page.comments] == ["Ann"]
    own_theme = html.replace("</head>", '<link rel="stylesheet" href="/wp-content/themes/x/a.css">')
    assert parse_page(own_theme.replace("Drupal 7", "Other"), "https://f.example/3").platform == (
        "wordpress"
    )
