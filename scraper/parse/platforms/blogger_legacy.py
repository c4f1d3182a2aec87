"""Blogger's classic templates as a profile: `dl#comments-block` of `dt.comment-author` (the
name, "said..."), `dd.comment-body` and `dd.comment-footer` (the permalink, its epoch); no
threads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, tzinfo

from bs4 import Tag

from scraper.parse.platforms import blogger
from scraper.parse.platforms.bloggerpage import (
    COMMENT_ID,
    comment_time,
    has_legacy_block,
    is_blogger,
)
from scraper.parse.platforms.common import attr, classes_of, text_of
from scraper.parse.platforms.engine import ProfileParser
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.profile import Fingerprint, Thread


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


# The same blog as the threaded widget's (zone, post, count, feed, removal notice); only the
# comments' markup differs.
PROFILE = replace(
    blogger.PROFILE,
    name="blogger-legacy",
    reports_as="blogger",  # C3: one platform name; the template's age is ours
    fingerprint=Fingerprint(rule=lambda doc: has_legacy_block(doc) and is_blogger(doc)),
    blocks=_blocks,
    author=("comment-author",),
    name_tags=(),
    time_rule=_footer_epoch,
    time=(),
    body=("comment-body",),
    permalink=("comment-footer",),
    comment_id=_comment_id,
)

PARSER = ProfileParser(PROFILE)
