"""Turn parsed HTML nodes into clean text and sanitised HTML for posts and comments."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from html import escape

from bs4 import NavigableString, PageElement, Tag

from scraper.core.sanitise import DROPPED_WITH_CONTENT, clean_html

_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "blockquote",
        "pre",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "tr",
        "section",
        "article",
        "header",
        "footer",
        "dl",
        "dt",
        "dd",
        "figure",
        "figcaption",
        "hr",
    ]
)
# Subtrees the text leaves out: those the sanitiser drops with their content, and form inputs.
_SKIP_TAGS = DROPPED_WITH_CONTENT | {"input"}
# Spacing characters become plain spaces (one C-speed replace each, only when present), then
# runs of spaces collapse: the same as one regex over the whole class, several times faster.
_ODD_SPACES = ("\t", "\r", "\f", "\v", "\u00a0", "\u200b")
_SPACE_RUNS = re.compile(" {2,}")
_BLANKS = re.compile(r"\n{3,}")


def normalise_text(text: str) -> str:
    """Collapse runs of spaces, trim lines, keep paragraph breaks as one blank line."""
    for odd in _ODD_SPACES:
        if odd in text:
            text = text.replace(odd, " ")
    if "  " in text:
        text = _SPACE_RUNS.sub(" ", text)
    joined = "\n".join([line.strip() for line in text.split("\n")])
    if "\n\n\n" in joined:
        joined = _BLANKS.sub("\n\n", joined)
    return joined.strip()


def visible_text(node: Tag | None, *, skip: Callable[[Tag], bool] | None = None) -> str:
    """The text a reader sees in `node`: <br> as line breaks, blocks as paragraphs.

    `skip` leaves out whole subtrees (e.g. a comment's header or its nested replies).
    """
    if node is None:
        return ""
    parts: list[str] = []
    _collect(node, parts, skip)
    return normalise_text("".join(parts))


def _collect(node: Tag, parts: list[str], skip: Callable[[Tag], bool] | None) -> None:
    # An explicit stack, not recursion: hostile pages nest thousands of unclosed tags deep.
    # Items are a node to enter or a string to emit once its subtree is done ("\n\n" after a block).
    stack: list[PageElement | str] = list(reversed(node.contents))
    while stack:
        child = stack.pop()
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # skip comments, CDATA, doctypes
                parts.append(str(child).replace("\n", " ").replace("\r", " "))
            continue
        if isinstance(child, str):
            parts.append(child)
            continue
        if not isinstance(child, Tag) or child.name in _SKIP_TAGS:
            continue
        if skip is not None and skip(child):
            continue
        if child.name == "br":
            parts.append("\n")
            continue
        if child.name in _BLOCK_TAGS:
            parts.append("\n\n")
            stack.append("\n\n")
        stack.extend(reversed(child.contents))


def sanitise_html(fragment: str | Tag | None, *, inner: bool = True) -> str:
    """Sanitised HTML of a node (its inner HTML by default): see `scraper.core.sanitise`."""
    if fragment is None:
        return ""
    if isinstance(fragment, Tag):
        raw = fragment.decode_contents() if inner else str(fragment)
    else:
        raw = fragment
    return clean_html(raw)


def fragment_html(parts: Iterable[Tag | NavigableString]) -> str:
    """Sanitised HTML of sibling pieces (elements and the text between them)."""
    raw = "".join(
        str(part) if isinstance(part, Tag) else escape(str(part), quote=False)
        for part in parts
        if isinstance(part, Tag) or type(part) is NavigableString
    )
    return sanitise_html(raw)


def without(node: Tag, doomed: Iterable[Tag]) -> Tag:
    """`node` minus the `doomed` subtrees inside it, as a copy: the page's tree is shared by
    every parser and is never changed, so results cannot depend on which parser ran first."""
    doomed_ids = {id(tag) for tag in doomed if tag is not node}
    if not doomed_ids:
        return node
    marks = [n for n, child in enumerate(node.descendants) if id(child) in doomed_ids]
    if not marks:
        return node
    pruned = copy.copy(node)  # a deep copy, descendants in the same order
    copies = list(pruned.descendants)
    for n in reversed(marks):
        copies[n].extract()  # detached from the copy only
    return pruned
