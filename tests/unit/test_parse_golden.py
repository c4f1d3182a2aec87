"""Golden pairs: our own synthetic pages in each platform's markup and their expected C3 JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.parse.page import parse_page

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"

# page name -> (original URL, Content-Type header it was served with)
CASES: dict[str, tuple[str | None, str | None]] = {
    "blogger-threaded": (
        "https://gartenheft.example.blogspot.com/2016/01/der-garten-im-winter.html",
        "text/html; charset=UTF-8",
    ),
    "blogger-dynamic-views": ("http://teanotes.example.blogspot.com/2014/04/tea-notes.html", None),
    "blogger-legacy": ("http://oldcodelog.example.blogspot.com/2008/03/tiny-scroller.html", None),
    "wp-modern": (
        "https://crumbdiary.example/2021/03/sourdough-at-altitude/comment-page-2/",
        "text/html; charset=UTF-8",
    ),
    "wp-classic": ("http://radlerin.example/2010/05/fahrradtour/", None),
    "wp-block": ("https://carnet.example/2023/09/marche/", None),
    "charset-cp1252": ("http://notizen.example/2009/03/cafe/", None),
    "charset-shift-jis": (
        "http://sekinikki.example.blogspot.com/2015/04/sakura.html",
        "text/html; charset=Shift_JIS",
    ),
    "charset-windows-1256": ("http://qahwa.example/2020/05/qahwa/", None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_page_matches_golden_json(name: str) -> None:
    url, content_type = CASES[name]
    page = parse_page((PAGES / f"{name}.html").read_bytes(), url, content_type=content_type)
    expected = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    assert page.to_dict() == expected


def test_every_fixture_page_has_a_golden_case() -> None:
    assert {path.stem for path in PAGES.glob("*.html")} == set(CASES)
