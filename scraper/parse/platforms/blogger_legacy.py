"""Blogger's classic templates as a profile: `dl#comments-block` of `dt.comment-author` (the
name, "said..."), `dd.comment-body` and `dd.comment-footer` (the permalink, its epoch); no
threads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, tzinfo

from bs4 import Tag

from scraper.core.models import Post
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.bloggerpage import (
    COMMENT_ID,
    REMOVED,
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


def _blocks(index: PageIndex) -> Iterator[Tag]:
    """The `dt` headers of the comments block (direct children or wrapped, e.g. in
    `div.avatar-comment-indent`)."""
    block = index.by_id.get("comments-block")
    return iter(block.find_all("dt")) if block is not None else iter(())


def _comment_id(dt: Tag, _thread: Thread) -> str | None:
    """`dt#c123`, or the `<a name="c123">` anchor inside it (the footer's permalink after)."""
    for tag in (dt, *dt.find_all("a")):
        match = COMMENT_ID.match(attr(tag, "id") or attr(tag, "name") or "")
        if match:
            return match.group(1)
    return None


def _footer_epoch(tag: Tag, zone: tzinfo) -> datetime | None:
    """The footer's permalink: its `showComment=<epoch ms>` is the exact instant."""
    href = attr(tag, "href") if tag.name == "a" else None
    if not href or ("showComment" not in href and "#c" not in href):
        return None
    footer = tag.find_parent("dd")
    if footer is None or "comment-footer" not in classes_of(footer):
        return None
    return comment_time(href, text_of(tag), zone)


def _post(doc: Document, index: PageIndex, zone: tzinfo) -> Post:
    return blogger_post(doc, index, feed_url(doc, index)[1], zone)


PROFILE = Profile(
    name="blogger-legacy",
    reports_as="blogger",  # C3: one platform name; the template's age is ours
    fingerprint=Fingerprint(rule=lambda doc: has_legacy_block(doc) and is_blogger(doc)),
    blocks=_blocks,
    author=("comment-author",),
    time_rule=_footer_epoch,
    zone=blogger_zone,
    body=("comment-body",),
    permalink=("comment-footer",),
    deleted=REMOVED,
    comment_id=_comment_id,
    post=_post,
    count=lambda index, _area: count_shown(index),
    more_comments=more_after,
    is_post=lambda doc, index: feed_url(doc, index)[1] is not None,
    post_without_body=False,
)

PARSER = ProfileParser(PROFILE)
