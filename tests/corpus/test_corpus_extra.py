"""The real Drupal, Typepad and custom-CMS pages of ../shared/corpus against their truth files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scraper.core.models import ParsedPage
from scraper.parse.page import build_document
from scraper.parse.platforms.extra import EXTRA_PARSERS, GENERIC_PARSER

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
SLUGS = {
    "drupal-hpd-homosexuellenhass": "drupal",
    "typepad-everythingiknowiswrong-cleaneval": "typepad",
    "custom-oekonomenstimme-keynes": "generic",
}
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")


def _load(slug: str) -> tuple[dict[str, Any], ParsedPage]:
    truth: dict[str, Any] = json.loads((CORPUS / f"{slug}.truth.json").read_text("utf-8"))
    doc = build_document((CORPUS / f"{slug}.html").read_bytes(), truth["url"], None)
    parser = next(p for p in (*EXTRA_PARSERS, GENERIC_PARSER) if p.detect(doc))
    return truth, parser.parse(doc)


@pytest.mark.parametrize("slug", sorted(SLUGS))
def test_comments_match_truth(slug: str) -> None:
    truth, page = _load(slug)
    assert page.platform == SLUGS[slug]
    got = [(c.id, c.parent_id, c.author, c.deleted, c.by_post_author) for c in page.comments]
    want = [
        (t["id"], t["parent_id"], t["author"], t["deleted"], t["by_post_author"])
        for t in truth["comments"]
    ]
    assert got == want
    for comment, item in zip(page.comments, truth["comments"], strict=True):
        assert " ".join(comment.text.split()).startswith(" ".join(item["text_start"].split()))
        assert comment.published is not None


@pytest.mark.parametrize("slug", sorted(SLUGS))
def test_post_matches_truth(slug: str) -> None:
    truth, page = _load(slug)
    assert page.post.title == truth["title"]
    assert page.post.author == truth["author"]
    assert page.post.published is not None
    assert page.post.published.date().isoformat() == truth["published"]["iso"][:10]
    assert len(page.post.text) > 500
    first_comment = truth["comments"][0]["text_start"][:30]
    assert first_comment not in page.post.text


def test_drupal_times_are_utc_from_the_pages_offset() -> None:
    _truth, page = _load("drupal-hpd-homosexuellenhass")
    first = page.comments[0].published
    assert first is not None
    assert first.isoformat() == "2023-10-18T11:11:26+00:00"  # shown 13:11 at +02:00
