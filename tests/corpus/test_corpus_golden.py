"""Real Blogger and WordPress pages in ../shared/corpus against their hand-checked truth files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scraper.models import ParsedPage
from scraper.parse import parse_page

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
SLUGS = sorted(
    path.name.removesuffix(".truth.json")
    for path in (CORPUS.glob("*.truth.json") if CORPUS.is_dir() else [])
    if path.name.startswith(("blogger", "bt-", "wp-"))
)
_CACHE: dict[str, tuple[ParsedPage, dict[str, Any]]] = {}

pytestmark = pytest.mark.skipif(not SLUGS, reason="../shared/corpus is not present")


def _load(slug: str) -> tuple[ParsedPage, dict[str, Any]]:
    if slug not in _CACHE:
        truth = json.loads((CORPUS / f"{slug}.truth.json").read_text(encoding="utf-8"))
        page = parse_page((CORPUS / f"{slug}.html").read_bytes(), truth["url"])
        _CACHE[slug] = (page, truth)
    return _CACHE[slug]


def _collapse(text: str | None) -> str:
    return " ".join((text or "").split())


@pytest.mark.parametrize("slug", SLUGS)
def test_comment_ids_in_page_order(slug: str) -> None:
    page, truth = _load(slug)
    assert [c.id for c in page.comments] == [c["id"] for c in truth["comments"]]


@pytest.mark.parametrize("slug", SLUGS)
def test_parents_authors_and_flags(slug: str) -> None:
    page, truth = _load(slug)
    got = {c.id: c for c in page.comments}
    for expected in truth["comments"]:
        comment = got[expected["id"]]
        assert comment.parent_id == expected["parent_id"], expected["id"]
        assert _collapse(comment.author) == _collapse(expected["author"]), expected["id"]
        assert comment.deleted == expected["deleted"], expected["id"]
        assert comment.by_post_author == expected["by_post_author"], expected["id"]
        kind = expected.get("type") if expected.get("type") in ("pingback", "trackback") else None
        assert comment.kind == (kind or "comment"), expected["id"]


@pytest.mark.parametrize("slug", SLUGS)
def test_text_starts(slug: str) -> None:
    page, truth = _load(slug)
    got = {c.id: c for c in page.comments}
    for expected in truth["comments"]:
        start = _collapse(expected["text_start"])[:50]
        assert _collapse(got[expected["id"]].text).startswith(start), expected["id"]


@pytest.mark.parametrize("slug", SLUGS)
def test_dated_comments_have_a_time(slug: str) -> None:
    page, truth = _load(slug)
    got = {c.id: c for c in page.comments}
    for expected in truth["comments"]:
        if expected["date_text"]:
            assert got[expected["id"]].published is not None, expected["id"]


@pytest.mark.parametrize("slug", SLUGS)
def test_post_title_and_depths(slug: str) -> None:
    page, truth = _load(slug)
    assert _collapse(page.post.title) == _collapse(truth["title"])
    depth = {c.id: c.depth for c in page.comments}
    for comment in page.comments:
        expected = 0 if comment.parent_id is None else depth[comment.parent_id] + 1
        assert comment.depth == expected
    assert page.is_post
