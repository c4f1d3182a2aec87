"""Blogger threaded comments: 2012-era layouts, Contempo/Soho/Emporio, Dynamic Views snapshots."""

from __future__ import annotations

from datetime import tzinfo

from bs4 import Tag

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
    is_hidden,
    is_removed,
    more_comments_url,
)
from scraper.parse.platforms.common import (
    attr,
    classes_of,
    comment_count_from_text,
    first_matches,
    page_index,
    strip_chrome,
    text_of,
    thread,
)
from scraper.parse.platforms.pageindex import PageIndex


def _id_of(item: Tag) -> str | None:
    """The comment id of an `li.comment` (on the li, or on its `div.comment-block` in snapshots)."""
    match = COMMENT_ID.match(attr(item, "id") or "")
    if match:
        return match.group(1)
    # Any element name: themes write the same classes on `div`, `article` or `dd`.
    for child in item.find_all(True, recursive=False):
        if "comment-block" in classes_of(child):
            match = COMMENT_ID.match(attr(child, "id") or "")
            if match:
                return match.group(1)
            link = child.find("a", href=lambda h: bool(h and "#c" in h))
            return anchor_id(attr(link, "href")) if isinstance(link, Tag) else None
    return None


def _comment_item(block: Tag) -> Tag:
    """The li.comment holding a comment-block (the block itself if the theme has no li).

    The class says which element is the item, whatever its name (`li`, or `dd` in a `dl`).
    """
    parent = block.parent
    if isinstance(parent, Tag) and (parent.name == "li" or "comment" in classes_of(parent)):
        return parent
    return block


def _parent_id(item: Tag) -> str | None:
    for ancestor in item.parents:
        if not isinstance(ancestor, Tag):
            break
        if "comment" in classes_of(ancestor) and ancestor.name not in ("body", "html"):
            return _id_of(ancestor)
        if "comments" in classes_of(ancestor) or ancestor.name == "body":
            break
    return None


_BLOCK_CLASSES = frozenset(
    {"comment-header", "datetime", "comment-content", "deleted-comment", "blog-author", "user"}
)
_BLOCK_NAMES = frozenset({"cite", "a"})


def _first_link(node: Tag | None) -> Tag | None:
    if node is None:
        return None
    for child in node.descendants:
        if isinstance(child, Tag) and child.name == "a":
            return child
    return None


def _parse_block(block: Tag, zone: tzinfo) -> Comment | None:
    item = _comment_item(block)
    ident = _id_of(item) if item is not block else None
    if ident is None:
        match = COMMENT_ID.match(attr(block, "id") or "")
        ident = match.group(1) if match else None
    # One walk over the block (replies live outside it, in the li's comment-replies).
    found = first_matches(block, _BLOCK_CLASSES, _BLOCK_NAMES)
    cite = found.get("<cite")
    author_link = _first_link(cite)
    stamp = found.get("datetime")
    stamp_link = _first_link(stamp)
    permalink = attr(stamp_link, "href")
    if ident is None:
        ident = anchor_id(permalink)
    if ident is None:
        return None
    # blog-author marks the cite or the icon beside it, in the header, never the body text.
    marker = found.get("blog-author")
    content = found.get("comment-content")
    by_author = marker is not None and (
        content is None or not any(p is content for p in marker.parents)
    )
    by_author = by_author or "blog-author" in classes_of(item)
    text = strip_chrome(visible_text(content)) if content is not None else ""
    removed = "deleted-comment" in found and content is not None
    return Comment(
        id=ident,
        parent_id=_parent_id(item),
        author=text_of(cite),
        author_url=attr(author_link, "href"),
        published=comment_time(permalink, text_of(stamp_link) or text_of(stamp), zone),
        text=text,
        html=sanitise_html(content),
        deleted=removed or is_removed(None, text),
        by_post_author=by_author,
        permalink=permalink,
    )


def _count_shown(index: PageIndex) -> int | None:
    container = index.by_id.get("comments")
    if container is not None:
        for heading in container.find_all(["h2", "h3", "h4"], limit=2):
            count = comment_count_from_text(text_of(heading))
            if count is not None:
                return count
    for bubble in index.classes("comments-count")[:1]:
        return comment_count_from_text(attr(bubble, "title") or text_of(bubble))
    return None


class BloggerParser:
    """Blogger's threaded comment widget (`div.comment-thread > ol > li.comment`)."""

    name = "blogger"

    def detect(self, doc: Document) -> bool:
        return is_blogger(doc) and not has_legacy_block(doc)

    def parse(self, doc: Document) -> ParsedPage:
        index = page_index(doc)
        zone = blogger_zone(index)
        feed, post_id = feed_url(doc, index)
        raw: list[Comment] = []
        for block in index.classes("comment-block"):
            comment = guarded(_parse_block, block, zone)
            if comment is not None:
                raw.append(comment)
        comments = thread(raw)
        count = _count_shown(index)
        more: list[str] = []
        loadmore = [tag for tag in index.classes("loadmore") if not is_hidden(tag)]
        if (count is not None and count > len(comments)) or loadmore:
            url = more_comments_url(feed, len(comments))
            if url:
                more.append(url)
        post = blogger_post(doc, index, post_id, zone)
        return ParsedPage(
            url=doc.url,
            platform=self.name,
            post=post,
            comment_count_shown=count,
            comments=comments,
            more_comments=tuple(more),
            is_post=bool(post_id) or bool(comments),
        )


PARSER = BloggerParser()
