"""Blogger's threaded comments as a profile: `li.comment > div.comment-block` in 2012-era
layouts, Contempo/Soho/Emporio and Dynamic Views snapshots; the time is the permalink's
`showComment=<epoch ms>`, replies nest in the item's `div.comment-replies`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, tzinfo

from bs4 import Tag

from scraper.core.models import Post
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.bloggerpage import (
    COMMENT_ID,
    REMOVED,
    anchor_id,
    blogger_post,
    blogger_zone,
    comment_time,
    count_shown,
    feed_url,
    has_legacy_block,
    is_blogger,
    more_after,
)
from scraper.parse.platforms.common import attr, classes_of, text_of
from scraper.parse.platforms.engine import ProfileParser
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.profile import Fingerprint, Profile, Thread


def _item(block: Tag) -> Tag:
    """The `li.comment` holding a comment-block (the block itself if the theme has no li); the
    class says which element is the item, whatever its name (`li`, or `dd` in a `dl`)."""
    parent = block.parent
    if isinstance(parent, Tag) and (parent.name == "li" or "comment" in classes_of(parent)):
        return parent
    return block


def _blocks(index: PageIndex) -> Iterator[Tag]:
    return (_item(block) for block in index.classes("comment-block"))


def _comment_id(item: Tag, _thread: Thread) -> str | None:
    """On the item (`li#c123`), on its comment-block (snapshots), or in its permalink."""
    match = COMMENT_ID.match(attr(item, "id") or "")
    if match:
        return match.group(1)
    blocks = [item] if "comment-block" in classes_of(item) else []
    blocks += [c for c in item.find_all(True, recursive=False) if "comment-block" in classes_of(c)]
    for block in blocks:
        match = COMMENT_ID.match(attr(block, "id") or "")
        if match:
            return match.group(1)
        link = block.find("a", href=lambda h: bool(h and "#c" in h))
        if isinstance(link, Tag):
            return anchor_id(attr(link, "href"))
    return None


def _epoch_permalink(tag: Tag, zone: tzinfo) -> datetime | None:
    """The permalink in `span.datetime`: its `showComment=<epoch ms>` is the exact instant."""
    if tag.name != "a" or not isinstance(tag.parent, Tag):
        return None
    if "datetime" not in classes_of(tag.parent):
        return None
    return comment_time(attr(tag, "href"), text_of(tag), zone)


def _post(doc: Document, index: PageIndex, zone: tzinfo) -> Post:
    return blogger_post(doc, index, feed_url(doc, index)[1], zone)


PROFILE = Profile(
    name="blogger",
    fingerprint=Fingerprint(rule=lambda doc: is_blogger(doc) and not has_legacy_block(doc)),
    blocks=_blocks,
    author=("user",),
    name_tags=("cite",),
    time_rule=_epoch_permalink,
    time=("datetime",),
    zone=blogger_zone,
    body=("comment-content",),
    deleted=REMOVED,  # "This comment has been removed by the author." in Blogger's languages
    permalink=("datetime",),
    comment_id=_comment_id,
    post=_post,
    count=lambda index, _area: count_shown(index),
    more_comments=more_after,
    is_post=lambda doc, index: feed_url(doc, index)[1] is not None,
)

PARSER = ProfileParser(PROFILE)
