"""Typepad and Movable Type as a profile: `div.comment#comment-N`, "Posted by: X | date"
footers, "replied to" links for parents, trackbacks in the same list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, tzinfo

from bs4 import Tag

from scraper.parse.htmltext import normalise_text
from scraper.parse.platforms.article import PostHints
from scraper.parse.platforms.engine import ProfileParser
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.pieces import attr, id_from_attr, read_date, read_date_text
from scraper.parse.platforms.profile import Fingerprint, Profile, Thread

_BLOCK_ID = re.compile(r"^(?:comment-[0-9a-f]+|c\d+|trackback-[0-9a-f]+|ping-\d+)$", re.IGNORECASE)
_FOOTERS = ("comment-footer", "comment-byline", "comment-header", "asset-meta", "trackback-footer")
_REPLIED = re.compile(r"(?:replied|in reply|reply) to", re.IGNORECASE)
_POSTED_BY = re.compile(r"posted by:?\s+(.+?)(?:\s+(?:on|at|in)\s+|\s*\||$)", re.IGNORECASE)
_CLOCK = re.compile(r"\bat\s+(\d{1,2}:\d\d\s*[AaPp]\.?[Mm]\.?)")


def _blocks(index: PageIndex) -> Iterator[Tag]:
    for tag in (*index.classes("comment"), *index.classes("trackback")):
        if _BLOCK_ID.match(attr(tag, "id") or ""):
            yield tag


def _replied_to(block: Tag, _thread: Thread) -> str | None:
    """A footer saying "replied to <a href="…#comment-N">" names the parent."""
    for footer in block.find_all(class_=list(_FOOTERS), limit=4):
        if not isinstance(footer, Tag) or not _REPLIED.search(footer.get_text(" ")):
            continue
        for link in footer.find_all("a", href=True):
            href = attr(link, "href") or ""
            found = id_from_attr(href.rsplit("#", 1)[1]) if "#" in href else None
            if found:
                return found
    return None


def _post_hints(index: PageIndex, zone: tzinfo) -> PostHints:
    """Six Apart's entry header, its vcard or "Posted by" footer, and the day header."""
    title = index.first_class("entry-header", "asset-name", "entry-title")
    byline = index.first_class("post-footers", "entry-footer", "asset-meta", "byline")
    footer = normalise_text(byline.get_text(" ", strip=True)) if byline is not None else ""
    author: str | None = None
    card = index.first_class("vcard")
    if card is not None and (name := card.find(class_="fn")) is not None:
        author = normalise_text(name.get_text(" ", strip=True)) or None
    if author is None and (match := _POSTED_BY.search(footer)):
        author = match.group(1).strip() or None
    published: datetime | None = None
    stamp = index.first_class("published")
    if stamp is not None:
        published = read_date(stamp, zone)
    day = index.first_class("date-header")
    if published is None and day is not None:
        # The day heads a group of entries; the clock is in the entry's footer ("at 10:15 AM").
        clock = _CLOCK.search(footer)
        published = read_date_text(
            day.get_text(" ", strip=True) + (" " + clock.group(1) if clock else ""), zone
        )
    return PostHints(
        title=normalise_text(title.get_text(" ", strip=True)) if title is not None else None,
        author=author,
        published=published,
    )


PROFILE = Profile(
    name="typepad",
    fingerprint=Fingerprint(
        platform=("typepad.com", 'content="Movable Type', "mt-comments", "sixapart"),
        comments=("comment-footer", "comment-byline", "comments-content"),
    ),
    blocks=_blocks,
    author=("fn", "commenter-name", "comment-author"),
    body=("comment-content", "comment-body", "trackback-content"),
    byline=_FOOTERS,
    parent=_replied_to,
    post_body=("entry-content", "entry-body", "asset-body"),
    comment_area=("comments", "trackbacks"),
    count_classes=("comments-header",),
    post_hints=_post_hints,
)

PARSER = ProfileParser(PROFILE)
