"""Merging one post's comments from page and API sources into a single ordered tree."""

from __future__ import annotations

from datetime import UTC, datetime

from scraper.core.models import Comment
from scraper.threads.merge import merge_comments


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2021, 2, 3, hour, minute, second, tzinfo=UTC)


def test_duplicates_merge_with_page_text_and_api_time_and_parent() -> None:
    page = [
        Comment(id="1", author="A", published=at(9), text="page text", by_post_author=True),
        # The theme flattened a deep reply: shown under 1, really a reply to 2.
        Comment(id="3", parent_id="1", depth=1, author="C", published=at(11), text="c"),
    ]
    api = [
        Comment(id="1", published=at(9, 0, 42), text="api text", author_url="https://a.example"),
        Comment(id="2", parent_id="1", published=at(10), text="b"),
        Comment(id="3", parent_id="2", published=at(11, 0, 7), text="c api"),
    ]
    merged = merge_comments([(page, False), (api, True)])
    assert [(c.id, c.parent_id, c.depth) for c in merged] == [
        ("1", None, 0),
        ("2", "1", 1),
        ("3", "2", 2),
    ]
    first = merged[0]
    assert first.text == "page text"
    assert first.by_post_author
    assert first.published == at(9, 0, 42)
    assert first.author_url == "https://a.example"


def test_orphans_become_top_level_and_cycles_do_not_hang() -> None:
    comments = [
        Comment(id="5", parent_id="404", published=at(8)),
        Comment(id="6", parent_id="7", published=at(9)),
        Comment(id="7", parent_id="6", published=at(10)),
        Comment(id="8", parent_id="8", published=at(11)),
    ]
    merged = merge_comments([(comments, True)])
    assert sorted(c.id for c in merged) == ["5", "6", "7", "8"]
    ids = {c.id for c in merged}
    assert all(c.parent_id is None or c.parent_id in ids for c in merged)
    assert next(c for c in merged if c.id == "5").parent_id is None
    assert next(c for c in merged if c.id == "8").parent_id is None


def test_undated_pingbacks_keep_their_place_and_newest_first_pages_stay_so() -> None:
    page = [
        Comment(id="30", published=at(12)),
        Comment(id="31", kind="pingback"),  # no date shown
        Comment(id="20", published=at(11)),
        Comment(id="10", published=at(10)),
    ]
    api = [
        Comment(id="15", published=at(10, 30)),
        Comment(id="16", parent_id="10", published=at(13)),
    ]
    merged = merge_comments([(page, False), (api, True)])
    assert [c.id for c in merged] == ["30", "31", "20", "15", "10", "16"]
    assert next(c for c in merged if c.id == "16").depth == 1


def test_empty() -> None:
    assert merge_comments([]) == ()
    assert merge_comments([((), False)]) == ()
