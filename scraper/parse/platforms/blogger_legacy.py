"""Blogger's legacy (classic template) comments: `dl#comments-block` of dt/dd, no threads."""

from __future__ import annotations

import re
from datetime import tzinfo

from bs4 import NavigableString, Tag

from scraper.core.models import Comment, ParsedPage
from scraper.parse.contain import guarded
from scraper.parse.htmltext import sanitise_html, visible_text
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.bloggerpage import (
    COMMENT_ID,
    anchor_id,
    blogger_post,
    blogger_zone,
    comment_time,
    feed_url,
    has_legacy_block,
    is_blogger,
    is_removed,
    more_comments_url,
)
from scraper.parse.platforms.common import (
    attr,
    classes_of,
    comment_count_from_text,
    page_index,
    strip_chrome,
    text_of,
    thread,
)

# The verb after the name in "Anonymous said...", as Blogger localises it.
_SAID = re.compile(
    r"\s*(?:said|says|dijo|disse|sagte|schreef|zei|a dit|ha detto|mengatakan|berkata|"
    r"napisał|napisała|skrev|sanoi|dedi|написал|написала|說|说|のコメント|قال|nói)?\s*(?:\.\.\.|…|:)\s*$",
    re.IGNORECASE,
)


def _links(dt: Tag) -> list[Tag]:
    return [node for node in dt.descendants if isinstance(node, Tag) and node.name == "a"]


def _author(dt: Tag) -> tuple[str | None, str | None]:
    """(name, profile URL) from a `dt.comment-author`."""
    for link in _links(dt):
        href = attr(link, "href")
        name = text_of(link)
        if href and name:
            return name, href
    parts = [str(node) for node in dt.descendants if type(node) is NavigableString]
    name = _SAID.sub("", " ".join(" ".join(parts).split())).strip()
    return name or None, None


def _ident(dt: Tag) -> str | None:
    match = COMMENT_ID.match(attr(dt, "id") or "")
    if match:
        return match.group(1)
    for anchor in _links(dt):
        match = COMMENT_ID.match(attr(anchor, "name") or attr(anchor, "id") or "")
        if match:
            return match.group(1)
    return None


def _finish(dt: Tag, body: Tag | None, footer: Tag | None, zone: tzinfo) -> Comment | None:
    link: Tag | None = None
    for node in _links(footer) if footer is not None else []:
        href = attr(node, "href")
        if href and ("showComment" in href or "#c" in href):
            link = node
            break
    permalink = attr(link, "href")
    ident = _ident(dt) or anchor_id(permalink)
    if ident is None:
        return None
    author, author_url = _author(dt)
    text = strip_chrome(visible_text(body)) if body is not None else ""
    return Comment(
        id=ident,
        author=author,
        author_url=author_url,
        published=comment_time(permalink, text_of(link), zone),
        text=text,
        html=sanitise_html(body),
        deleted=is_removed(body, text),
        by_post_author="blog-author" in classes_of(dt),
        permalink=permalink,
    )


class BloggerLegacyParser:
    """Classic Blogger templates: `dl#comments-block` with dt.comment-author / dd.comment-body."""

    name = "blogger-legacy"

    def detect(self, doc: Document) -> bool:
        return has_legacy_block(doc) and is_blogger(doc)

    def parse(self, doc: Document) -> ParsedPage:
        index = page_index(doc)
        zone = blogger_zone(index)
        feed, post_id = feed_url(doc, index)
        raw: list[Comment] = []
        block = index.by_id.get("comments-block")
        if block is not None:
            raw = self._comments(block, zone)
        comments = thread(raw)
        count = None
        container = index.by_id.get("comments")
        if container is not None:
            heading = container.find(["h4", "h3", "h2"])
            count = comment_count_from_text(text_of(heading)) if isinstance(heading, Tag) else None
        more: list[str] = []
        if count is not None and count > len(comments):
            url = more_comments_url(feed, len(comments))
            if url:
                more.append(url)
        return ParsedPage(
            url=doc.url,
            platform="blogger",  # C3: one platform name; the template age is ours
            post=blogger_post(doc, index, post_id, zone),
            comment_count_shown=count,
            comments=comments,
            more_comments=tuple(more),
            is_post=bool(post_id) or bool(comments),
        )

    @staticmethod
    def _comments(block: Tag, zone: tzinfo) -> list[Comment]:
        found: list[Comment] = []
        current: Tag | None = None
        body: Tag | None = None
        footer: Tag | None = None
        # dt/dd can be direct children or wrapped (e.g. in div.avatar-comment-indent).
        for node in block.find_all(["dt", "dd"]):
            kinds = classes_of(node)
            if node.name == "dt":
                if current is not None:
                    comment = guarded(_finish, current, body, footer, zone)
                    if comment is not None:
                        found.append(comment)
                current, body, footer = node, None, None
            elif "comment-footer" in kinds:
                footer = node
            elif body is None:
                body = node
        if current is not None:
            comment = guarded(_finish, current, body, footer, zone)
            if comment is not None:
                found.append(comment)
        return found


PARSER = BloggerLegacyParser()
