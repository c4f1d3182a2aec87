"""Crawl Debian's real WordPress with the real CLI and compare the archive with its database."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from wp_real import RealWordPress
from wp_truth import FIELDS, compare

pytestmark = [pytest.mark.realsite, pytest.mark.slow]

SETUPS = [
    (1, "twentytwentyone"),  # comment pages, newest first; "Recent Comments" in every footer
    (2, "twentytwentyone"),  # no comment pages
    (3, "twentytwentyone"),  # comment pages, oldest first
    (1, "twentytwentytwo"),
    (3, "twentytwentytwo"),
    (1, "twentytwentythree"),
    (2, "twentytwentythree"),
    (3, "twentytwentythree"),
]
# Requests a crawl makes besides posts and comment pages: robots.txt, the home page, feed pages.
DISCOVERY_ALLOWANCE = 12


def _rows(db: Path, table: str, leave_out: set[str]) -> dict[str, dict[str, object]]:
    """Each row of `table` by id, as {column: value}, without the columns in `leave_out`."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(f"SELECT * FROM {table}").fetchall()
    return {str(r["id"]): {k: v for k, v in dict(r).items() if k not in leave_out} for r in rows}


def _changes(
    before: dict[str, dict[str, object]], after: dict[str, dict[str, object]]
) -> list[str]:
    """What differs between two snapshots: added/removed ids and changed columns."""
    found = [f"new {key}" for key in after.keys() - before.keys()]
    found += [f"gone {key}" for key in before.keys() - after.keys()]
    for key in before.keys() & after.keys():
        found += [
            f"{key}.{column}: {before[key][column]!r} -> {after[key][column]!r}"
            for column in before[key]
            if before[key][column] != after[key][column]
        ]
    return found


@pytest.mark.parametrize(("seed", "theme"), SETUPS, ids=[f"seed{s}-{t}" for s, t in SETUPS])
def test_archive_equals_wordpress_truth(
    real_wordpress: RealWordPress, tmp_path: Path, seed: int, theme: str
) -> None:
    site = real_wordpress.start(seed, theme)
    truth = site.truth
    site.forget_requests()
    db, done = site.crawl(tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]

    result = compare(db, truth)
    report = result.summary()
    assert result.wrong_post == [], report
    assert result.duplicates == [], report
    assert result.hidden == [], report
    assert result.missing == [], report
    assert result.posts_missing == [], report
    assert result.posts_extra == [], report
    assert result.comment_rows == len(truth["comments"]), report
    assert result.mismatches.get("parent", []) == [], report
    for name in FIELDS:
        assert result.score(name) >= 0.99, (name, result.mismatches.get(name, [])[:10], report)

    requests = site.requests()
    repeated = {line: n for line, n in Counter(requests).items() if n > 1}
    assert repeated == {}, "a URL was fetched more than once in one run"
    comment_pages = sum(post["comment_pages"] for post in truth["posts"])
    assert len(requests) <= len(truth["posts"]) + comment_pages + DISCOVERY_ALLOWANCE, requests

    # A second run over the unchanged site stores nothing new: only the seen-times move.
    moving = {"last_seen_at", "last_fetched_at", "comment_growth"}  # growth: new since last fetch
    posts_before, comments_before = _rows(db, "posts", moving), _rows(db, "comments", moving)
    versions_before = _rows(db, "comment_versions", set())
    site.forget_requests()
    _, again = site.crawl(tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert _changes(posts_before, _rows(db, "posts", moving)) == []
    assert _changes(comments_before, _rows(db, "comments", moving)) == []
    assert _changes(versions_before, _rows(db, "comment_versions", set())) == []
    assert compare(db, truth).summary() == report
