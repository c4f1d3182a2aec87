"""208 pages rendered by a real WordPress with 8 real themes (../shared/wordpress-themes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from corpus_time import blog_offset, comment_time_verdict, time_verdict

from scraper.core.models import ParsedPage
from scraper.parse import parse_page

THEMES = Path(__file__).resolve().parents[3] / "shared" / "wordpress-themes"
PAGES = sorted(p.name.removesuffix(".truth.json") for p in THEMES.glob("*.truth.json"))
# Themes that print comment times as text and never reveal the blog's zone (twentyten), or only
# a fixed offset that daylight saving then contradicts (hestia): exact UTC needs the REST API,
# which a run asks (see the quality notes); from the page alone the shown clock is what we have.
_NO_ZONE = {"twentyten", "hestia"}
pytestmark = pytest.mark.skipif(not PAGES, reason="../shared/wordpress-themes not present")


def _load(slug: str) -> tuple[ParsedPage, dict[str, Any]]:
    truth = json.loads((THEMES / f"{slug}.truth.json").read_text(encoding="utf-8"))
    return parse_page((THEMES / f"{slug}.html").read_bytes(), truth["url"]), truth


def _collapse(text: str | None) -> str:
    return " ".join((text or "").split())


@pytest.mark.parametrize("slug", PAGES)
def test_every_comment_with_its_parent_author_flags_and_text(slug: str) -> None:
    page, truth = _load(slug)
    assert [c.id for c in page.comments] == [c["id"] for c in truth["comments"]]
    for comment, expected in zip(page.comments, truth["comments"], strict=True):
        assert comment.parent_id == expected["parent_id"], expected["id"]
        assert _collapse(comment.author) == _collapse(expected["author"]), expected["id"]
        assert comment.by_post_author == expected["by_post_author"], expected["id"]
        assert _collapse(comment.text).startswith(_collapse(expected["text_start"])), expected["id"]


@pytest.mark.parametrize("slug", PAGES)
def test_comment_times(slug: str) -> None:
    """The exact UTC instant where the page gives one; where it shows only text in a zone it
    never names, the shown wall clock read at one fixed offset (one hour off for DST allowed)."""
    page, truth = _load(slug)
    got = {c.id: c for c in page.comments}
    pairs = {n: got[c["id"]] for n, c in enumerate(truth["comments"]) if c["id"] in got}
    offset = blog_offset(truth, pairs)
    for expected in truth["comments"]:
        ours = got[expected["id"]].published
        if truth["theme"] in _NO_ZONE:
            right, _dst = time_verdict(expected["date_text"], ours, offset)
        else:
            right, _dst = comment_time_verdict(expected, ours, offset)
        assert right, (expected["id"], expected["date_text"], ours)
