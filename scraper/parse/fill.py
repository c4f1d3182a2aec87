"""The filler after every platform parser: fields it left empty, read by the shared cue tables.

A platform parser knows its platform's documented markup; a theme that prints the commenter's
name in a `span.name` or a "by X on <date>" line is beyond it. For each comment still without an
author or a time, the comment's own element (found by the id the platform gave it) is read with
the cues every platform shares (`platforms.cues`, via the heuristic's walk); each value filled
is labelled with the cue that read it, and the page's notes count them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from bs4 import Tag

from scraper.core.models import Comment, ParsedPage
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import blog_timezone, page_index
from scraper.parse.platforms.cues import Cue, OtherComments, name_shaped
from scraper.parse.platforms.heuristic import CueFields, cue_fields
from scraper.parse.platforms.pieces import has_by_word, id_from_attr, split_byline
from scraper.parse.sources import relabelled
from scraper.parse.trim import header_only


def _wanting(comment: Comment) -> bool:
    """A real comment (not a deleted one, not a pingback) without its author or its time."""
    return (
        comment.kind == "comment"
        and not comment.deleted
        and (not comment.author or comment.published is None)
    )


def _elements_by_id(doc: Document, ids: set[str]) -> Iterator[tuple[str, Tag]]:
    """(comment id, its outermost element): `li-comment-7` holds `comment-7`, the first wins."""
    index = page_index(doc)
    for element_id, tag in index.by_id.items():
        number = id_from_attr(element_id)
        if number in ids:
            # An empty anchor (`<a id="comment-7"></a>`) marks the block that follows it.
            block = (
                tag.find_next_sibling() if tag.name == "a" and not tag.get_text(strip=True) else tag
            )
            if isinstance(block, Tag):
                yield number, block


def fill_missing(page: ParsedPage, doc: Document) -> ParsedPage:
    """`page` with the authors and times its parser left empty read by the shared cues."""
    wanting = {comment.id for comment in page.comments if _wanting(comment)}
    if not wanting:
        return page
    every = {comment.id for comment in page.comments}
    found = list(_elements_by_id(doc, every))
    every_element = {id(tag) for _number, tag in found}
    own: dict[str, set[int]] = {}
    elements: dict[str, Tag] = {}
    for number, tag in found:
        own.setdefault(number, set()).add(id(tag))
        known = elements.get(number)
        if known is None or any(parent is tag for parent in known.parents):
            elements[number] = tag  # the outer one: its header is beside, not inside, the body
    zone = blog_timezone(page_index(doc))
    filled = {"author": 0, "time": 0}
    comments: list[Comment] = []
    for comment in page.comments:
        element = elements.get(comment.id) if comment.id in wanting else None
        if element is None:
            comments.append(comment)
            continue
        others = OtherComments(every_element, own.get(comment.id, set()))
        completed, changed = _filled(comment, cue_fields(doc, element, zone, others))
        for name in changed:
            filled[name] += 1
        comments.append(completed)
    notes = [
        f"{count} comment {name}s read by the shared cues ({page.platform} markup gave none)"
        for name, count in filled.items()
        if count
    ]
    if not notes:
        return page
    return replace(page, comments=tuple(comments), notes=(*page.notes, *notes))


def _name(found: str | None, text: str) -> str | None:
    """The commenter's name a cue read ("Posted by X" → X), or None when it reads as prose."""
    if not found:
        return None
    name = split_byline(found)[0] if has_by_word(found) else found
    if not name or not name_shaped(name):
        return None
    line = next((line for line in text.split("\n")[:5] if line.strip().startswith(name)), None)
    if line is not None and not header_only(line, name):
        return None  # the name opens a line of the comment itself, not its header
    return name


def _filled(comment: Comment, found: CueFields) -> tuple[Comment, list[str]]:
    changed: list[str] = []
    cues: dict[str, Cue | None] = {}
    author = comment.author
    url = comment.author_url
    if not author and (name := _name(found.author, comment.text)) is not None:
        author, cues["author"] = name, found.author_cue
        if not url and found.author_url:
            url, cues["author_url"] = found.author_url, found.url_cue
        changed.append("author")
    moment = comment.published
    if moment is None and found.published is not None:
        moment, cues["published"] = found.published, found.time_cue
        changed.append("time")
    if not changed:
        return comment, changed
    completed = replace(comment, author=author, author_url=url, published=moment)
    labels = {name: cue for name, cue in cues.items() if cue is not None}
    return relabelled(completed, labels), changed
