"""Typepad and Movable Type: `div.comment#comment-N`, "Posted by: X | date" footers, trackbacks."""

from __future__ import annotations

import re
from collections.abc import Container
from datetime import datetime, tzinfo

from bs4 import Tag

from scraper.core.models import Comment, CommentKind, ParsedPage
from scraper.parse.contain import guarded
from scraper.parse.htmltext import normalise_text, sanitise_html, visible_text
from scraper.parse.platforms.article import PostHints, body_post
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import (
    blog_timezone,
    classes_of,
    comment_count_from_text,
    page_index,
    stable_comment_id,
    strip_chrome,
    thread,
)
from scraper.parse.platforms.cues import marks_owner, own_tags
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.pieces import (
    attr,
    find_date_text,
    find_tag,
    id_from_attr,
    looks_deleted,
    read_date,
    read_date_text,
    split_byline,
)
from scraper.parse.platforms.widgets import detect_widgets

_BLOCK_ID = re.compile(r"^(?:comment-[0-9a-f]+|c\d+|trackback-[0-9a-f]+|ping-\d+)$", re.IGNORECASE)
_FOOTERS = ("comment-footer", "comment-byline", "comment-header", "asset-meta", "trackback-footer")
_REPLIED = re.compile(r"(?:replied|in reply|reply) to", re.IGNORECASE)
_POSTED_BY = re.compile(r"posted by:?\s+(.+?)(?:\s+(?:on|at|in)\s+|\s*\||$)", re.IGNORECASE)
# Themes mark the blog owner's comments with one of these (Movable Type 4+ and Typepad).


class TypepadParser:
    """Typepad-hosted blogs and self-hosted Movable Type (Six Apart templates)."""

    name = "typepad"

    def detect(self, doc: Document) -> bool:
        text = doc.text
        sixapart = (
            "typepad.com" in text
            or 'content="Movable Type' in text
            or "mt-comments" in text
            or "sixapart" in text
        )
        markup = "comment-footer" in text or "comment-byline" in text or "comments-content" in text
        return sixapart and markup

    def parse(self, doc: Document) -> ParsedPage:
        index = page_index(doc)
        zone = blog_timezone(index)
        blocks = [
            tag
            for tag in (*index.classes("comment"), *index.classes("trackback"))
            if _BLOCK_ID.match(attr(tag, "id") or "")
        ]
        blocks.sort(key=index.position)
        others = {id(block) for block in blocks}
        read = (guarded(_read, doc, block, zone, others) for block in blocks)
        comments = thread(comment for comment in read if comment is not None)
        widgets = detect_widgets(doc)
        areas = [tag for name in ("comments", "trackbacks") for tag in index.classes(name)[:1]]
        body = index.first_class("entry-content", "entry-body", "asset-body")
        post = body_post(doc, zone, hints=_post_hints(index, zone), body=body, drop=areas)
        header = index.first_class("comments-header")
        return ParsedPage(
            url=doc.url,
            platform=self.name,
            post=post,
            comment_count_shown=comment_count_from_text(header.get_text(" ")) if header else None,
            comments=comments,
            more_comments=widgets.more_comments,
            is_post=body is not None,
            notes=widgets.notes,
        )


def _post_hints(index: PageIndex, zone: tzinfo) -> PostHints:
    title = index.first_class("entry-header", "asset-name", "entry-title")
    author: str | None = None
    byline = index.first_class("post-footers", "entry-footer", "asset-meta", "byline")
    card = index.first_class("vcard")
    if card is not None and (name := card.find(class_="fn")) is not None:
        author = normalise_text(name.get_text(" ", strip=True)) or None
    footer_text = normalise_text(byline.get_text(" ", strip=True)) if byline is not None else ""
    if author is None and (match := _POSTED_BY.search(footer_text)):
        author = match.group(1).strip() or None
    published: datetime | None = None
    stamp = index.first_class("published")
    if stamp is not None:
        published = read_date(stamp, zone)
    day = index.first_class("date-header")
    if published is None and day is not None:
        clock = re.search(r"\bat\s+(\d{1,2}:\d\d\s*[AaPp]\.?[Mm]\.?)", footer_text)
        shown = day.get_text(" ", strip=True) + (" " + clock.group(1) if clock else "")
        published = read_date_text(shown, zone)
    return PostHints(
        title=normalise_text(title.get_text(" ", strip=True)) if title is not None else None,
        author=author,
        published=published,
    )


def _footer(block: Tag, others: Container[int]) -> Tag | None:
    """The comment's own footer: one walk that does not enter other comments' blocks (a
    search of every nested reply's subtree per comment was quadratic in the nesting)."""
    first: dict[str, Tag] = {}
    for tag in own_tags(block, others):
        for name in classes_of(tag):
            if name in _FOOTERS:
                first.setdefault(name, tag)
    return next((first[name] for name in _FOOTERS if name in first), None)


def _author(block: Tag, footer: Tag | None) -> tuple[str | None, Tag | None]:
    card = block.find(class_=["fn", "commenter-name", "comment-author"])
    if isinstance(card, Tag):
        link = card if card.name == "a" else find_tag(card, "a")
        return normalise_text(card.get_text(" ", strip=True)) or None, link
    if footer is None:
        return None, None
    text = normalise_text(footer.get_text(" ", strip=True)).replace("\n", " ")
    author, _ = split_byline(text.split("|")[0] if "|" in text else text)
    link = next(
        (a for a in footer.find_all("a") if author and a.get_text(strip=True) == author), None
    )
    return author, link


def _published(footer: Tag | None, zone: tzinfo) -> datetime | None:
    if footer is None:
        return None
    machine = footer.find(["abbr", "time"])
    if isinstance(machine, Tag):
        moment = read_date(machine, zone)
        if moment is not None:
            return moment
    match = find_date_text(normalise_text(footer.get_text(" ", strip=True)).replace("\n", " "))
    return read_date_text(match.group(0), zone) if match else None


def _parent(footer: Tag | None) -> str | None:
    if footer is None or not _REPLIED.search(footer.get_text(" ")):
        return None
    for link in footer.find_all("a", href=True):
        href = attr(link, "href") or ""
        if "#" in href:
            found = id_from_attr(href.rsplit("#", 1)[1])
            if found:
                return found
    return None


def _read(doc: Document, block: Tag, zone: tzinfo, others: Container[int]) -> Comment:
    kind: CommentKind = "trackback" if "trackback" in classes_of(block) else "comment"
    footer = _footer(block, others)
    body = block.find(class_=["comment-content", "comment-body", "trackback-content"])
    if kind == "trackback":
        # Like WordPress pingbacks: the citing post's linked title stands in for the author.
        link = find_tag(body if isinstance(body, Tag) else block, "a", href=True)
        author = normalise_text(link.get_text(" ", strip=True)) or None if link else None
    else:
        author, link = _author(block, footer)
    if not isinstance(body, Tag):
        body = block
    text = strip_chrome(visible_text(body))
    published = _published(footer, zone)
    own_id = id_from_attr(attr(block, "id"))
    permalink = next(
        (
            a
            for a in (footer.find_all("a", href=True) if footer else [])
            if "#" in (attr(a, "href") or "") and a is not link
        ),
        None,
    )
    return Comment(
        id=own_id or stable_comment_id(doc.url, author, published, text),
        parent_id=_parent(footer),
        kind=kind,
        author=author,
        author_url=doc.absolute(attr(link, "href")) if link is not None else None,
        published=published,
        text=text,
        html=sanitise_html(body),
        deleted=looks_deleted(text),
        by_post_author=marks_owner(block),
        permalink=doc.absolute(attr(permalink, "href")) if permalink is not None else None,
    )


PARSER = TypepadParser()
