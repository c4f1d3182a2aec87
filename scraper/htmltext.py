"""Turn parsed HTML nodes into clean text and sanitised HTML for posts and comments."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

import nh3
from bs4 import NavigableString, Tag

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
_SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "button",
        "form",
        "input",
        "select",
        "textarea",
    ]
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_BLANKS = re.compile(r"\n{3,}")

# Tags and attributes kept in archived HTML: formatting and links only.
_ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "cite",
    "code",
    "del",
    "em",
    "i",
    "img",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "u",
    "ul",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "dl",
    "dt",
    "dd",
    "div",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"}}


def normalise_text(text: str) -> str:
    """Collapse runs of spaces, trim lines, keep paragraph breaks as one blank line."""
    lines = [line.strip() for line in _SPACES.sub(" ", text).split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


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
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # skip comments, CDATA, doctypes
                parts.append(str(child).replace("\n", " ").replace("\r", " "))
            continue
        if not isinstance(child, Tag) or child.name in _SKIP_TAGS:
            continue
        if skip is not None and skip(child):
            continue
        if child.name == "br":
            parts.append("\n")
            continue
        block = child.name in _BLOCK_TAGS
        if block:
            parts.append("\n\n")
        _collect(child, parts, skip)
        if block:
            parts.append("\n\n")


def sanitise_html(fragment: str | Tag | None, *, inner: bool = True) -> str:
    """Sanitised HTML of a node (its inner HTML by default): no scripts, styles or handlers."""
    if fragment is None:
        return ""
    if isinstance(fragment, Tag):
        parts: list[str] = []
        if inner:
            _serialise_children(fragment, parts)
        else:
            _serialise(fragment, parts)
        raw = "".join(parts)
    else:
        raw = fragment
    cleaned: str = nh3.clean(
        raw,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
    return cleaned.strip()


_VOID_TAGS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)
_KEPT_ATTRIBUTES = frozenset({"href", "src", "alt", "title", "width", "height"})


def _serialise_children(node: Tag, parts: list[str]) -> None:
    for child in node.children:
        if isinstance(child, Tag):
            _serialise(child, parts)
        elif type(child) is NavigableString:
            parts.append(escape(str(child), quote=False))


def _serialise(node: Tag, parts: list[str]) -> None:
    """Minimal HTML for nh3: far cheaper than bs4's formatter, and nh3 drops the rest anyway."""
    name = node.name
    if name in _SKIP_TAGS:
        return
    attrs = "".join(
        f' {key}="{escape(value if isinstance(value, str) else " ".join(value))}"'
        for key, value in node.attrs.items()
        if key in _KEPT_ATTRIBUTES
    )
    parts.append(f"<{name}{attrs}>")
    if name in _VOID_TAGS:
        return
    _serialise_children(node, parts)
    parts.append(f"</{name}>")
