"""Drupal 7 and 8+ as a profile: comments after `<a id="comment-N">` anchors, replies in
`div.indented`, the parent in RDFa (`sioc:reply_of`), the time in `data-comment-timestamp`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import tzinfo

from bs4 import Tag

from scraper.parse.htmltext import visible_text
from scraper.parse.platforms.article import PostHints
from scraper.parse.platforms.common import comment_count_from_text, meta_content
from scraper.parse.platforms.engine import ProfileParser
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.pieces import attr, find_tag, id_from_attr
from scraper.parse.platforms.profile import Fingerprint, Profile, Thread

_COMMENT_PATH = re.compile(r"/comment/(\d+)")


def _blocks(index: PageIndex) -> Iterator[Tag]:
    """Core's comment elements, the outermost of each (themes nest `div.comment` in them)."""
    for tag in index.classes("comment"):
        if tag.name in ("article", "div", "section") and tag.find_parent(class_="comment") is None:
            yield tag


def _comment_id(block: Tag, _thread: Thread) -> str | None:
    """Drupal 7 prints the id on an anchor before the comment; 8+ in its RDFa `about` path."""
    previous = block.find_previous_sibling()
    if isinstance(previous, Tag) and previous.name == "a":
        anchored = id_from_attr(attr(previous, "id") or attr(previous, "name"))
        if anchored:
            return anchored
    match = _COMMENT_PATH.search(attr(block, "about") or "")
    return match.group(1) if match else None


def _reply_of(block: Tag, _thread: Thread) -> str | None:
    """Drupal 7's RDFa states the parent: `rel="sioc:reply_of" resource="/comment/N#…"`."""
    for span in block.find_all(attrs={"rel": "sioc:reply_of"}, limit=3):
        match = _COMMENT_PATH.search(attr(span, "resource") or "")
        if match:
            return match.group(1)
    return None


def _count(index: PageIndex, area: Tag | None) -> int | None:
    """The RDFa reply count (`sioc:num_replies`), else the comment area's heading."""
    stated = meta_content(index, "sioc:num_replies")
    for tag in index.names("span"):
        if attr(tag, "property") == "sioc:num_replies":
            stated = attr(tag, "content")
            break
    if stated and stated.isdigit():
        return int(stated)
    counter = index.first_class("comment-count")
    if counter is None and area is not None:
        counter = find_tag(area, ["h2", "h3"])
    return comment_count_from_text(counter.get_text(" ")) if isinstance(counter, Tag) else None


def _node_author(index: PageIndex, _zone: tzinfo) -> PostHints:
    """The node's own byline (`.submitted .username`), never a commenter's."""
    for node in index.classes("node")[:1]:
        for name in node.find_all(class_=["username", "author-name"], limit=20):
            if name.find_parent(class_="comment") is None:
                return PostHints(author=visible_text(name) or None)
    return PostHints()


PROFILE = Profile(
    name="drupal",
    fingerprint=Fingerprint(
        platform=('content="Drupal', "drupalSettings", "Drupal.settings", "data-drupal-"),
        comments=('class="comment', "comment-wrapper"),
    ),
    blocks=_blocks,
    author=("username", "comment__author", "comment-author"),
    time=("submitted", "comment__time", "comment-date", "date"),
    epoch_attribute="data-comment-timestamp",
    body=(
        "field-name-comment-body",
        "field--name-comment-body",
        "comment__content",
        "comment-content",
        "comment-body",
        "content",
    ),
    chrome=(
        "expanding-formatter-ellipsis",
        "expanding-formatter-trigger",
        "links",
        "comment-links",
    ),
    permalink=("permalink",),
    comment_id=_comment_id,
    parent=_reply_of,
    reply_list="indented",
    post_body=("field-name-body", "field--name-body"),
    comment_area=("comments", "comment-wrapper"),
    count=_count,
    post_hints=_node_author,
    is_post=lambda _doc, _index: True,  # a node page, whether or not its body field was found
)

PARSER = ProfileParser(PROFILE)
