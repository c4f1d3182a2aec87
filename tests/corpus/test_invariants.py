"""Invariants on every real page we have: a comment that is not a pingback has an author or is
deleted, and its text is never its own header (name and date)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.parse import parse_page

SHARED = Path(__file__).resolve().parents[3] / "shared"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAGES = sorted(
    [
        *FIXTURES.glob("pages*/*.html"),
        *(SHARED / "corpus").glob("*.html"),
        *(SHARED / "wordpress-themes").glob("*.html"),
    ]
)
# Real pages whose markup today's parsers do not read right yet (the extraction issue).
_NOT_YET: dict[str, str] = {}


def _url(path: Path) -> str | None:
    truth = path.with_name(path.name.removesuffix(".html") + ".truth.json")
    golden = path.with_suffix(".json")
    for source in (truth, golden):
        if source.is_file():
            url = json.loads(source.read_text(encoding="utf-8")).get("url")
            return str(url) if url else None
    return None


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=_NOT_YET[p.stem]))
        if p.stem in _NOT_YET
        else p
        for p in PAGES
    ],
    ids=[p.stem for p in PAGES],
)
def test_comments_have_authors_and_text_that_is_not_the_header(path: Path) -> None:
    page = parse_page(path.read_bytes(), _url(path))
    for comment in page.comments:
        if comment.kind != "comment":
            continue
        assert comment.author or comment.deleted, comment.id
        header = " ".join((comment.author or "").split())
        text = " ".join(comment.text.split())
        assert not (header and text.startswith(header) and len(text) < len(header) + 40), comment.id
