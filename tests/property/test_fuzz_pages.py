"""Fuzz: our fixture pages, mutated (seeded, see tests/support/mutate.py), through `parse_page`.

Only the documented ParseError may escape; a mutation that damages one field (one URL, one text,
one attribute) leaves the page its post and every comment; no text field keeps a control
character; and no page takes more than a generous few seconds of CPU (a blow-up guard: the
bench `bench/fuzz_pages.py` runs 10,000 and measures)."""

from __future__ import annotations

import re
import time
from functools import cache
from pathlib import Path

import pytest
from mutate import FIELD_ONLY, MUTATIONS, Mutant, mutants

from scraper.core.errors import ParseError
from scraper.core.models import ParsedPage
from scraper.parse import parse_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = tuple(
    (path.name, path.read_bytes())
    for folder in ("pages", "pages_extra")
    for path in sorted((FIXTURES / folder).glob("*.html"))
)
URL = "https://blog.example/2021/03/a-post.html"
CPU_BOUND = 5.0  # seconds; the slowest fixture mutant takes about half a second
# C0 controls but tab and newline, DEL and C1 (what sanitise.clean_text removes).
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Every mutation over every seed page, twice (two different random draws each).
MUTANTS = tuple(mutants(SEEDS, 2 * len(SEEDS) * len(MUTATIONS), seed=13))


@cache
def _unmutated(name: str) -> ParsedPage:
    return parse_page(dict(SEEDS)[name], URL)


def _parse(mutant: Mutant) -> tuple[ParsedPage | None, float]:
    started = time.process_time()
    try:
        page: ParsedPage | None = parse_page(mutant.body, URL, content_type=mutant.content_type)
    except ParseError:
        page = None
    return page, time.process_time() - started


def _text_fields(page: ParsedPage) -> list[str]:
    post = page.post
    fields = [post.title, post.author, post.text, *post.labels]
    for comment in page.comments:
        fields += [comment.author, comment.text, comment.author_url, comment.permalink]
    return [field for field in fields if field]


def test_the_mutants_cover_every_mutation_and_seed() -> None:
    assert {m.kind for m in MUTANTS} == set(MUTATIONS)
    assert {m.seed_name for m in MUTANTS} == {name for name, _ in SEEDS}
    # Deterministic: the same seed gives the same bytes.
    again = tuple(mutants(SEEDS, 30, seed=13))
    assert [m.body for m in again] == [m.body for m in MUTANTS[:30]]
    # And the mutation did something to the page.
    assert sum(m.body != dict(SEEDS)[m.seed_name] for m in MUTANTS) > 0.9 * len(MUTANTS)


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: f"{m.number}-{m.kind}-{m.seed_name}")
def test_a_mutated_page_parses_or_says_why(mutant: Mutant) -> None:
    page, cpu = _parse(mutant)
    assert cpu < CPU_BOUND, f"{cpu:.1f} s of CPU"
    if page is None:
        return
    dirty = [field for field in _text_fields(page) if CONTROLS.search(field)]
    assert not dirty, dirty[:3]
    original = _unmutated(mutant.seed_name)
    if mutant.kind in FIELD_ONLY and original.comments:
        # One damaged field costs that field, never the page or a comment.
        assert page.post is not None
        assert len(page.comments) >= len(original.comments), page.notes


def test_a_commenters_bracketed_url_costs_that_url_only() -> None:
    """The issue's reproducer: `http://paul[.example` as one commenter's site (urljoin raises)."""
    html = dict(SEEDS)["wp-classic.html"]
    original = _unmutated("wp-classic.html")
    site = next(c.author_url for c in original.comments if c.author_url)
    assert site is not None
    page = parse_page(html.replace(site.encode(), b"http://paul[.example/", 1), URL)
    assert page.platform == original.platform
    assert [c.text for c in page.comments] == [c.text for c in original.comments]
    assert "http://paul[.example/" not in [c.author_url for c in page.comments]


@pytest.mark.parametrize("name", [name for name, _ in SEEDS])
def test_a_deep_unclosed_nest_in_every_fixture_costs_no_comment(name: str) -> None:
    """The fuzz bench's crash: 1,500 unclosed `<font>` at the first comment's text made
    bs4's recursive `.string` raise RecursionError out of the shared cues (now bounded)."""
    html = dict(SEEDS)[name]
    original = _unmutated(name)
    if not original.comments:
        pytest.skip("no comments to keep")
    text = original.comments[0].text.split()[0].encode()
    at = html.find(text, html.lower().find(b"comment"))
    if at < 0:
        pytest.skip("the first comment's text is not written plainly in the page")
    page = parse_page(html[:at] + b"<font>" * 1500 + html[at:], URL)
    assert len(page.comments) >= len(original.comments) - 1, page.notes
    assert not [note for note in page.notes if "failed" in note]
