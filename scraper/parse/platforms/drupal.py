"""Drupal 7 and 8+: comments after `<a id="comment-N">` anchors, replies in `div.indented`."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from bs4 import Tag

from scraper.core.dates import from_epoch_ms
from scraper.core.models import Comment, ParsedPage
from scraper.parse.contain import guarded
from scraper.parse.htmltext import sanitise_html, visible_text, without
from scraper.parse.platforms.article import PostHints, body_post, find_body
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import (
    blog_timezone,
    classes_of,
    comment_count_from_text,
    meta_content,
    page_index,
    stable_comment_id,
    strip_chrome,
    thread,
)
from scraper.parse.platforms.cues import marks_owner
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.pieces import (
    attr,
    find_tag,
    id_from_attr,
    looks_deleted,
    read_date,
)
from scraper.parse.platforms.widgets import detect_widgets

_COMMENT_PATH = re.compile(r"/comment/(\d+)")
# Markup that is not the comment's words: "…", "Read more" toggles, reply/edit links.
_CHROME = ("expanding-formatter-ellipsis", "expanding-formatter-trigger", "links", "comment-links")
_BODY_CLASSES = (
    "field-name-comment-body",
    "field--name-comment-body",
    "comment__content",
    "comment-content",
    "comment-body",
    "content",
)


class DrupalParser:
    """Drupal comment threads (core comment module markup, Drupal 7 and 8+ themes)."""

    name = "drupal"

    def detect(self, doc: Document) -> bool:
        text = doc.text
        drupal = (
            'content="Drupal' in text
            or "drupalSettings" in text
            or "Drupal.settings" in text
            or "data-drupal-" in text
        )
        return drupal and ('class="comment' in text or "comment-wrapper" in text)

    def parse(self, doc: Document) -> ParsedPage:
        index = page_index(doc)
        zone = blog_timezone(index)
        blocks = _comment_blocks(index)
        read = (guarded(_read, doc, block, zone) for block in blocks)
        comments = thread(comment for comment in read if comment is not None)
        area = index.by_id.get("comments") or index.first_class("comment-wrapper", "comments")
        widgets = detect_widgets(doc)
        body = index.first_class("field-name-body", "field--name-body") or find_body(doc)
        hints = PostHints(author=_node_author(index))
        post = body_post(doc, zone, hints=hints, body=body, drop=[area] if area is not None else [])
        return ParsedPage(
            url=doc.url,
            platform=self.name,
            post=post,
            comment_count_shown=_count(index, area),
            comments=comments,
            more_comments=widgets.more_comments,
            is_post=True,
            notes=widgets.notes,
        )


def _node_author(index: PageIndex) -> str | None:
    """The node's own byline (`.submitted .username`), never a commenter's."""
    for node in index.classes("node")[:1]:
        for name in node.find_all(class_=["username", "author-name"], limit=20):
            if name.find_parent(class_="comment") is None:
                return visible_text(name) or None
    return None


def _comment_blocks(index: PageIndex) -> list[Tag]:
    found = [
        tag
        for tag in index.classes("comment")
        if tag.name in ("article", "div", "section") and tag.find_parent(class_="comment") is None
    ]
    return sorted(found, key=index.position)


def _comment_id(block: Tag) -> str | None:
    own = id_from_attr(attr(block, "id"))
    if own:
        return own
    previous = block.find_previous_sibling()
    if isinstance(previous, Tag) and previous.name == "a":
        anchored = id_from_attr(attr(previous, "id") or attr(previous, "name"))
        if anchored:
            return anchored
    about = attr(block, "about") or ""
    match = _COMMENT_PATH.search(about)
    return match.group(1) if match else None


def _parent_id(block: Tag) -> str | None:
    # RDFa states the parent outright (Drupal 7: rel="sioc:reply_of" resource="/comment/N#…").
    for span in block.find_all(attrs={"rel": "sioc:reply_of"}, limit=3):
        match = _COMMENT_PATH.search(attr(span, "resource") or "")
        if match:
            return match.group(1)
    wrapper = block.parent
    if not isinstance(wrapper, Tag) or "indented" not in classes_of(wrapper):
        return None
    # The reply wrapper follows the comment it answers.
    previous = wrapper.find_previous_sibling(lambda tag: "comment" in classes_of(tag))
    return _comment_id(previous) if isinstance(previous, Tag) else None


def _published(block: Tag, zone: tzinfo) -> datetime | None:
    stamp = block.find(attrs={"data-comment-timestamp": True})
    seconds = attr(stamp, "data-comment-timestamp")
    if seconds and seconds.isdigit():
        return from_epoch_ms(int(seconds) * 1000)
    for candidate in (
        block.find("time"),
        block.find(attrs={"property": re.compile(r"dc:date")}),
        block.find(class_=["submitted", "comment__time", "comment-date", "date"]),
    ):
        if isinstance(candidate, Tag):
            moment = read_date(candidate, zone)
            if moment is not None:
                return moment
    return None


def _read(doc: Document, block: Tag, zone: tzinfo) -> Comment:
    author_node = block.find(class_=["username", "comment__author", "comment-author"])
    if isinstance(author_node, Tag) and author_node.name != "a":
        author_node = author_node.find("a") or author_node
    author = visible_text(author_node) or None if isinstance(author_node, Tag) else None
    author_url = doc.absolute(attr(author_node, "href")) if isinstance(author_node, Tag) else None
    body = next(
        (node for name in _BODY_CLASSES if isinstance(node := block.find(class_=name), Tag)), None
    )
    if body is not None:  # links and buttons inside the body are left out of its text
        body = without(body, body.find_all(class_=list(_CHROME)))
    text = strip_chrome(visible_text(body))
    published = _published(block, zone)
    comment_id = _comment_id(block) or stable_comment_id(doc.url, author, published, text)
    permalink = block.find("a", class_="permalink") or block.find(
        "a", href=re.compile(r"/comment/\d+")
    )
    return Comment(
        id=comment_id,
        parent_id=_parent_id(block),
        author=author,
        author_url=author_url,
        published=published,
        text=text,
        html=sanitise_html(body),
        deleted=looks_deleted(text),
        by_post_author=marks_owner(block),
        permalink=doc.absolute(attr(permalink, "href")) if isinstance(permalink, Tag) else None,
    )


def _count(index: PageIndex, area: Tag | None) -> int | None:
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


PARSER = DrupalParser()
