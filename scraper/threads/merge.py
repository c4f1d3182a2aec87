"""Merge comments from several sources into one thread: one per id, true parents, tree order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from itertools import pairwise

from scraper.core.models import Comment
from scraper.parse import sources


def _combine(base: Comment, extra: Comment, extra_is_api: bool) -> Comment:
    """One comment seen twice. The page's text wins (stable versions across runs); an API's
    exact time and true parent win (pages show local minutes and flatten deep replies)."""
    published = base.published
    parent = base.parent_id
    if extra_is_api:
        published = extra.published or base.published
        parent = extra.parent_id if extra.parent_id is not None else base.parent_id
    combined = replace(
        base,
        parent_id=parent,
        published=published or extra.published,
        kind=extra.kind if base.kind == "comment" else base.kind,
        author=base.author or extra.author,
        author_url=base.author_url or extra.author_url,
        text=base.text or extra.text,
        html=base.html or extra.html,
        deleted=base.deleted or extra.deleted,
        by_post_author=base.by_post_author or extra.by_post_author,
        permalink=base.permalink or extra.permalink,
    )
    return sources.merged(combined, base, extra)  # each value keeps the label of where it came from


def _descending(page: Sequence[Comment]) -> bool:
    """True when the page lists its top-level comments newest first (a WordPress setting)."""
    dates = [c.published for c in page if c.parent_id is None and c.published is not None]
    pairs = list(pairwise(dates))
    return bool(pairs) and all(a >= b for a, b in pairs) and any(a > b for a, b in pairs)


def merge_comments(groups: Sequence[tuple[Sequence[Comment], bool]]) -> tuple[Comment, ...]:
    """Merge (comments, from_api) groups, first group first, into one thread in tree order.

    Each id appears once. A parent that is not in the thread (unapproved, purged) makes its
    reply top-level, so every parent_id points at a comment of the thread. Siblings are
    ordered by time (the undated, e.g. pingbacks, keep their place after the comment before
    them), depth is recomputed from the parent chain.
    """
    merged: dict[str, Comment] = {}
    for comments, from_api in groups:
        for comment in comments:
            known = merged.get(comment.id)
            merged[comment.id] = _combine(known, comment, from_api) if known else comment
    ids = list(merged)
    # An undated comment sorts right after the dated one seen before it.
    effective: dict[str, tuple[datetime | None, int]] = {}
    last: datetime | None = None
    for position, key in enumerate(ids):
        last = merged[key].published or last
        effective[key] = (last, position)
    children: dict[str | None, list[str]] = {}
    for key in ids:
        parent = merged[key].parent_id
        if parent == key or parent not in merged or _cycles(merged, key):
            parent = None
        children.setdefault(parent, []).append(key)

    def order(keys: list[str], newest_first: bool) -> list[str]:
        dated = [k for k in keys if effective[k][0] is not None]
        if len(dated) != len(keys):  # nothing to sort by: keep first-seen order
            return sorted(keys, key=lambda k: effective[k][1])
        return sorted(
            keys,
            key=lambda k: (effective[k][0], -effective[k][1] if newest_first else effective[k][1]),
            reverse=newest_first,
        )

    page = groups[0][0] if groups else ()
    result: list[Comment] = []
    stack: list[tuple[str, int, str | None]] = [
        (k, 0, None) for k in reversed(order(children.get(None, []), _descending(page)))
    ]
    while stack:
        key, depth, parent = stack.pop()
        # `settled`: a parent left out of the thread takes its label with it.
        result.append(sources.settled(replace(merged[key], parent_id=parent, depth=depth)))
        for child in reversed(order(children.get(key, []), False)):
            stack.append((child, depth + 1, key))
    return tuple(result)


def _cycles(merged: dict[str, Comment], start: str) -> bool:
    """True when following parents from `start` comes back to it (broken data, not a tree)."""
    seen = {start}
    parent = merged[start].parent_id
    while parent is not None and parent in merged:
        if parent in seen:
            return True
        seen.add(parent)
        parent = merged[parent].parent_id
    return False
