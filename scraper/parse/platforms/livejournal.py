"""Dreamwidth and LiveJournal (LJ code): `div#cmtN` / `div.b-leaf#tN`, `?thread=N` parents."""

from __future__ import annotations

import re
from datetime import tzinfo

from bs4 import Tag

from scraper.core.models import Comment, ParsedPage
from scraper.parse.contain import guarded
from scraper.parse.htmltext import normalise_text, sanitise_html, visible_text
from scraper.parse.platforms.article import PostHints, body_post
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import (
    blog_timezone,
    classes_of,
    page_index,
    strip_chrome,
    thread,
)
from scraper.parse.platforms.cues import class_level, marks_owner, own_body, own_time
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.pieces import attr, looks_deleted, read_date
from scraper.parse.platforms.widgets import detect_widgets

_BLOCK_ID = re.compile(r"^(?:cmt|t)(\d+)$")
_THREAD = re.compile(r"[?&]thread=(\d+)")
# LiveJournal marks the journal owner's comments with a `--poster` modifier (its 2018 scheme).
_POSTER = re.compile(r"--poster$")
_MARGIN = re.compile(r"margin-left:\s*(\d+)px")
_DELETED = re.compile(r"\((?:deleted|screened) (?:comment|post)\)|^deleted comment$", re.IGNORECASE)


class LiveJournalParser:
    """Journal entries on Dreamwidth, LiveJournal and other LJ-code sites (site-scheme comments)."""

    name = "livejournal"

    def detect(self, doc: Document) -> bool:
        text = doc.text
        site = "dreamwidth" in text or "livejournal" in text or "lj:user" in text
        return site and ("dwexpcomment" in text or "b-leaf" in text or "comment-wrapper" in text)

    def parse(self, doc: Document) -> ParsedPage:
        index = page_index(doc)
        zone = blog_timezone(index)
        blocks = [
            tag for tag in index.by_id.values() if _BLOCK_ID.match(str(tag.attrs.get("id", "")))
        ]
        blocks.sort(key=index.position)
        comments: list[Comment] = []
        open_by_depth: list[str] = []
        for block in blocks:
            comment = guarded(_read, doc, block, zone, open_by_depth)
            if comment is not None:
                comments.append(comment)
        widgets = detect_widgets(doc)
        areas = [tag for tag in (index.by_id.get("comments"),) if tag is not None]
        body = index.first_class("entry-content", "b-singlepost-body", "asset-body")
        post = body_post(doc, zone, hints=_hints(index, zone), body=body, drop=areas)
        return ParsedPage(
            url=doc.url,
            platform=self.name,
            post=post,
            comments=thread(comments),
            more_comments=widgets.more_comments + _more_pages(doc, index),
            is_post=body is not None,
            notes=widgets.notes,
        )


def _hints(index: PageIndex, zone: tzinfo) -> PostHints:
    title = index.first_class("entry-title", "b-singlepost-title")
    entry = index.first_class("entry", "b-singlepost")
    poster = entry.find(class_="ljuser") if entry is not None else None
    stamp = entry.find(class_=["datetime", "b-singlepost-author-date"]) if entry else None
    return PostHints(
        title=normalise_text(title.get_text(" ", strip=True)) if title is not None else None,
        author=_user(poster) if isinstance(poster, Tag) else None,
        published=read_date(stamp, zone) if isinstance(stamp, Tag) else None,
    )


def _user(node: Tag) -> str | None:
    # The name the page shows: for outside identities (`ext_N` accounts) it is the display name.
    shown = normalise_text(node.get_text(" ", strip=True))
    return shown or attr(node, "lj:user") or attr(node, "data-ljuser") or None


def _depth(block: Tag) -> int | None:
    """Depth from a level class (`b-tree-twig-N`, `…--level-N`), else the indent in pixels."""
    level = class_level(block)
    if level is not None:
        return level
    for node in (block, *block.find_all(style=True, limit=2)):
        match = _MARGIN.search(attr(node, "style") or "")
        if match:
            return int(match.group(1)) // 25
    return None


def _read(doc: Document, block: Tag, zone: tzinfo, open_by_depth: list[str]) -> Comment | None:
    own = _BLOCK_ID.match(str(block.attrs.get("id", "")))
    if own is None:
        return None
    comment_id = own.group(1)
    poster = block.find(class_=["ljuser", "b-leaf-username-name"])
    author = _user(poster) if isinstance(poster, Tag) else None
    links = poster.find_all("a", href=True) if isinstance(poster, Tag) else []
    author_url = doc.absolute(attr(links[-1], "href")) if links else None
    stamp = block.find(class_=["datetime", "b-leaf-createdtime", "comment-date"])
    published = read_date(stamp, zone) if isinstance(stamp, Tag) else own_time(block, zone)
    body = block.find(class_=["comment-content", "b-leaf-article", "comment-body"])
    body = body if isinstance(body, Tag) else own_body(block)
    text = strip_chrome(visible_text(body)) if isinstance(body, Tag) else ""
    parent_link = block.find(class_=["commentparent", "b-leaf-actions-parent"])
    parent_href = parent_link.find("a", href=True) if isinstance(parent_link, Tag) else None
    parent_match = _THREAD.search(attr(parent_href, "href") or "")
    depth = _depth(block)
    if parent_match:
        parent_id: str | None = parent_match.group(1)
    elif depth:
        parent_id = open_by_depth[depth - 1] if len(open_by_depth) >= depth else None
    else:
        parent_id = None
    if depth is not None:
        del open_by_depth[depth:]
        open_by_depth.append(comment_id)
    permalink = block.find(class_=["commentpermalink", "b-leaf-permalink"])
    permalink_link = (
        permalink
        if isinstance(permalink, Tag) and permalink.name == "a"
        else (permalink.find("a", href=True) if isinstance(permalink, Tag) else None)
    )
    deleted = bool(_DELETED.search(text)) or looks_deleted(text) or "deleted" in classes_of(block)
    return Comment(
        id=comment_id,
        parent_id=parent_id,
        author=author,
        author_url=author_url,
        published=published,
        text=text,
        html=sanitise_html(body) if isinstance(body, Tag) else "",
        deleted=deleted or (author is None and not text),
        by_post_author=marks_owner(block) or any(_POSTER.search(n) for n in classes_of(block)),
        permalink=doc.absolute(attr(permalink_link, "href")) if permalink_link else None,
    )


def _more_pages(doc: Document, index: PageIndex) -> tuple[str, ...]:
    """Other comment pages (`?page=N`) and collapsed threads (`?thread=N` expanders)."""
    urls: list[str] = []
    for link in index.names("a"):
        href = attr(link, "href") or ""
        if "page=" in href and ("#comments" in href or "view=comments" in href):
            absolute = doc.absolute(href)
            if absolute:
                urls.append(absolute)
    return tuple(dict.fromkeys(urls))


PARSER = LiveJournalParser()
