"""No field error loses a page: a poisoned field (a URL urljoin refuses, thousands of unclosed
tags, NUL bytes, a megabyte attribute, an impossible date) costs that field at most; the page
keeps its platform, post and every comment, and no parser failure is noted (issue 13)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from scraper.parse.page import parse_page

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
FIXTURES = {
    "wp-classic.html": "https://blog.example/2021/03/post/",
    "wp-modern.html": "https://blog.example/2021/03/post/",
    "blogger-threaded.html": "https://gartenheft.example.blogspot.com/2016/01/post.html",
}
_BODY = re.compile(r"""(class=["'][^"']*(?:entry-content|post-body)[^"']*["'][^>]*>)""")
_COMMENT = re.compile(r"""(class=["'][^"']*comment-content[^"']*["'][^>]*>)""")


def _bracket_every_url(html: str) -> str:
    # `http://paul[.example`: urllib.parse raises ValueError on a lone "[" in the host.
    return re.sub(r"""(href=["'])(https?://)""", r"\1\2paul[.", html)


def _unclosed_font_in_the_post(html: str) -> str:
    return _BODY.sub(lambda m: m.group(1) + "<font>" * 5000, html, count=1)


def _nul_and_giant_attribute_in_comments(html: str) -> str:
    poison = "<span title='\x00" + "x" * 1_000_000 + "\x00'></span>"
    return _COMMENT.sub(lambda m: m.group(1) + poison, html)


def _impossible_dates(html: str) -> str:
    return re.sub(r"""datetime=(["'])[^"']*\1""", 'datetime="2021-02-30T25:99:00+99:00"', html)


POISONS: dict[str, Callable[[str], str]] = {
    "bracket-url": _bracket_every_url,
    "unclosed-font": _unclosed_font_in_the_post,
    "nul-giant-attribute": _nul_and_giant_attribute_in_comments,
    "impossible-dates": _impossible_dates,
}


# Each poison on each fixture page that has the field it poisons.
CASES = [
    (fixture, poison)
    for fixture in sorted(FIXTURES)
    for poison in sorted(POISONS)
    if POISONS[poison]((PAGES / fixture).read_text(encoding="utf-8"))
    != (PAGES / fixture).read_text(encoding="utf-8")
]


def _shape(html: str, url: str) -> tuple[str, str | None, list[tuple[str | None, str]], list[str]]:
    page = parse_page(html.encode("utf-8"), url)
    assert page.post is not None
    people = [(c.author, c.text) for c in page.comments]
    failures = [note for note in page.notes if " failed" in note]
    return page.platform, page.post.title, people, failures


def test_every_poison_poisons_some_page() -> None:
    assert {poison for _fixture, poison in CASES} == set(POISONS)


@pytest.mark.parametrize(("fixture", "poison"), CASES)
def test_a_poisoned_field_costs_the_field_not_the_page(fixture: str, poison: str) -> None:
    html = (PAGES / fixture).read_text(encoding="utf-8")
    poisoned = POISONS[poison](html)
    platform, title, people, failures = _shape(poisoned, FIXTURES[fixture])
    clean_platform, clean_title, clean_people, _ = _shape(html, FIXTURES[fixture])
    assert (platform, title) == (clean_platform, clean_title)
    assert people == clean_people
    assert failures == []


def test_the_issues_commenter_url_loses_only_that_url() -> None:
    html = (PAGES / "wp-classic.html").read_text(encoding="utf-8")
    assert "http://paul.example" in html
    page = parse_page(html.replace("http://paul.example", "http://paul[.example").encode(), None)
    clean = parse_page(html.encode(), None)
    assert page.platform == clean.platform == "wordpress"
    first, *kept = [c.author_url for c in clean.comments]
    assert first == "http://paul.example"
    assert [c.author_url for c in page.comments] == [None, *kept]
