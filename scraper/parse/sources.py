"""Which cue read each value: the labels on a page's post and comments (`sources`), kept in step.

A platform parser's values carry the platform's name, given here once when its parser returns
(no platform module labels its own fields); the stages after it (the shared-cue filler, the
general article extractor) label what they fill with the rule that read it (`cues.Cue`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TypeVar

from scraper.core.models import Comment, ParsedPage, Post

# The fields that carry a label when filled, in the order `sources` lists them.
COMMENT_FIELDS = (
    "author",
    "author_url",
    "published",
    "text",
    "parent_id",
    "by_post_author",
    "deleted",
    "kind",
)
POST_FIELDS = ("title", "author", "published", "text")

Item = TypeVar("Item", Comment, Post)


def _fields(item: Comment | Post) -> tuple[str, ...]:
    return COMMENT_FIELDS if isinstance(item, Comment) else POST_FIELDS


def filled(item: Comment | Post, name: str) -> bool:
    """Whether the field holds a value: a non-blank text, a set time or parent, a true flag,
    a kind other than the default "comment"."""
    value: object = getattr(item, name)
    if name == "kind":
        return value != "comment"
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, bool):
        return value
    return value is not None


def settled(item: Item) -> Item:
    """`item` with one label per filled field, in field order: labels of fields now empty go."""
    labels = dict(item.sources)
    kept = tuple(
        (name, labels[name]) for name in _fields(item) if name in labels and filled(item, name)
    )
    return item if kept == item.sources else replace(item, sources=kept)


def labelled(item: Item, label: str) -> Item:
    """`item` with `label` on every filled field that has no label yet."""
    labels = dict(item.sources)
    for name in _fields(item):
        if filled(item, name):
            labels.setdefault(name, label)
    return settled(replace(item, sources=tuple(labels.items())))


def relabelled(item: Item, labels: Mapping[str, str]) -> Item:
    """`item` with these fields' labels set (a later stage filled them), the rest kept."""
    if not labels:
        return item
    # str(): a `cues.Cue` is a str enum; the label itself is what is kept.
    new = {name: str(label) for name, label in labels.items()}
    return settled(replace(item, sources=tuple({**dict(item.sources), **new}.items())))


def merged(item: Item, *origins: Item) -> Item:
    """`item`, made of fields of `origins` (one comment seen on a page and in an API), with each
    filled field labelled as the first origin holding the same value labelled it."""
    labels: dict[str, str] = {}
    for name in _fields(item):
        value = getattr(item, name)
        for origin in origins:
            label = dict(origin.sources).get(name)
            if label is not None and getattr(origin, name) == value:
                labels[name] = label
                break
    return settled(replace(item, sources=tuple(labels.items())))


def label_page(page: ParsedPage, label: str) -> ParsedPage:
    """The page's post and comments with `label` on every filled field not yet labelled."""
    return replace(
        page,
        post=labelled(page.post, label),
        comments=tuple(labelled(comment, label) for comment in page.comments),
    )


def settle_page(page: ParsedPage) -> ParsedPage:
    """Every label of the page settled (see `settled`), once every stage has run."""
    return replace(
        page,
        post=settled(page.post),
        comments=tuple(settled(comment) for comment in page.comments),
    )
