"""The repeated-blocks finder: under a heading that names the discussion ("Reader Feedback",
"12 Comments", "Kommentare"), a run of sibling blocks of one shape, each with a date, is the
thread, even when no id or class says "comment" (old CMS layouts: one table per comment)."""

from __future__ import annotations

import re
from datetime import tzinfo

from bs4 import Tag

from scraper.core.models import Comment
from scraper.parse.htmltext import fragment_html, visible_text
from scraper.parse.platforms.common import stable_comment_id
from scraper.parse.platforms.cues import (
    AUTHOR_NAME,
    DATE_NAME,
    in_aside,
    names_of,
    script_written_name,
    time_in,
)
from scraper.parse.platforms.pieces import split_byline

# A heading that names the discussion below it, in the languages blogs are written in.
_DISCUSSION = re.compile(
    r"comments?|feedback|responses?|replies|discussion|kommentare?|commentaires?|comentarios?|"
    r"commenti|reacties|r[ée]actions?|reacciones|komentarze|комментари|отзыв|留言|评论|コメント",
    re.IGNORECASE,
)
# ... but not the heading of the form for writing one ("Leave a comment").
_FORM_HEADING = re.compile(
    r"leave|post a|add|write|your|hinterlassen|schreiben|verfassen|laisser|laissez|deja|escribe|"
    r"lascia|napisz|оставить|напишите",
    re.IGNORECASE,
)
_LABEL_ONLY = re.compile(r"^[^\W\d_]+\s*:$")
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
_SKIPPED = frozenset({"script", "style", "noscript", "br", "hr", "img", "form", "input"})
_MIN_ITEMS = 2
# Items of one run share most of their class names (or have none at all).
_SHAPE_AGREEMENT = 0.5
# A heading this far above the run (wrappers to climb) still names it.
_CLIMB = 3
_TAG_LIMIT = 300


def repeated_comments(
    headings: list[Tag], zone: tzinfo, url: str | None
) -> tuple[tuple[Comment, ...], list[Tag]]:
    """The comments of the first run of same-shaped dated blocks under a discussion heading."""
    for heading in headings:
        if heading.name not in _HEADINGS or in_aside(heading):
            continue
        title = heading.get_text(" ", strip=True)
        if len(title) > 60 or not _DISCUSSION.search(title) or _FORM_HEADING.search(title):
            continue
        for run in _runs_below(heading):
            comments = [c for item in run if (c := _read(item, zone, url)) is not None]
            if len(comments) >= _MIN_ITEMS and len(comments) * 2 > len(run):
                parent = run[0].parent
                return tuple(comments), [parent] if isinstance(parent, Tag) else []
    return (), []


def _runs_below(heading: Tag) -> list[list[Tag]]:
    """Runs of same-shaped siblings after the heading (or after the wrapper it sits alone in),
    and inside the first block after it (a list of comments)."""
    node = heading
    for _ in range(_CLIMB):
        following = _elements_after(node)
        if following:
            break
        parent = node.parent
        if not isinstance(parent, Tag) or parent.name in ("body", "html"):
            return []
        node = parent
    else:
        return []
    runs = [_longest_run(following)]
    if following:
        runs.append(_longest_run([c for c in following[0].children if isinstance(c, Tag)]))
    return [run for run in runs if len(run) >= _MIN_ITEMS]


def _elements_after(node: Tag) -> list[Tag]:
    return [
        sibling
        for sibling in node.next_siblings
        if isinstance(sibling, Tag) and sibling.name not in _SKIPPED
    ]


def _shape(tag: Tag) -> set[str]:
    return {name for inner in tag.find_all(True, limit=60) for name in names_of(inner)}


def _alike(first: set[str], other: set[str]) -> bool:
    if not first and not other:
        return True
    return len(first & other) / max(len(first | other), 1) >= _SHAPE_AGREEMENT


def _longest_run(elements: list[Tag]) -> list[Tag]:
    best: list[Tag] = []
    current: list[Tag] = []
    shape: set[str] = set()
    for element in elements:
        if element.name in _HEADINGS:  # the next section starts
            break
        element_shape = _shape(element)
        if current and element.name == current[0].name and _alike(shape, element_shape):
            current.append(element)
        else:
            current, shape = [element], element_shape
        if len(current) > len(best):
            best = list(current)
    return best


def _read(item: Tag, zone: tzinfo, url: str | None) -> Comment | None:
    """A block's comment: its date (required), its author by the cue tables or a "From:"/"by"
    line, and its text: the largest element that holds neither the author nor the date."""
    tags = [tag for tag in item.find_all(True, limit=_TAG_LIMIT) if isinstance(tag, Tag)]
    published, date_node = time_in(tags, zone)
    if published is None or date_node is None:
        return None
    author, author_node = _author(tags, date_node)
    header = [node for node in (date_node, author_node) if node is not None]
    body = _body(tags, header)
    text = visible_text(body) if body is not None else ""
    if not text.strip() and author is None:
        return None
    # No id on the page: a stable one from what the comment says, as the shape finder does.
    ident = stable_comment_id(url, author, published, text)
    html = fragment_html([body]) if body is not None else ""
    return Comment(id=ident, author=author, published=published, text=text, html=html)


def _author(tags: list[Tag], date_node: Tag) -> tuple[str | None, Tag | None]:
    for tag in tags:
        names = " ".join(names_of(tag))
        named = bool(names) and (AUTHOR_NAME.search(names) or "from" in names_of(tag))
        if not named or DATE_NAME.search(names) or tag is date_node:
            continue
        text = " ".join(tag.get_text(" ", strip=True).split())
        if _LABEL_ONLY.match(text):
            written = script_written_name(tag)  # "From:" and a script that writes the name
            if written is None:
                continue
            text = f"{text} {written}"
        name, _ = split_byline(text)
        if name and len(name) <= 80:
            return name, tag
    return None, None


def _body(tags: list[Tag], header: list[Tag]) -> Tag | None:
    """The element with the most text that holds none of the header's nodes."""
    best: Tag | None = None
    best_length = 0
    for tag in tags:
        if tag.name not in ("p", "div", "td", "blockquote", "dd", "section"):
            continue
        if any(node is tag or any(p is tag for p in node.parents) for node in header):
            continue
        length = len(tag.get_text(strip=True))
        if length > best_length:
            best, best_length = tag, length
    return best
