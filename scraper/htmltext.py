"""Turn parsed HTML nodes into clean text and sanitised HTML for posts and comments."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html import escape
from typing import cast

import nh3
from bs4 import NavigableString, Tag
from bs4.element import (  # type: ignore[attr-defined]  # the installed stubs predate Ruby*
    Comment,
    RubyParenthesisString,
    RubyTextString,
    Script,
    Stylesheet,
)

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
# Spacing characters become plain spaces (one C-speed replace each, only when present), then
# runs of spaces collapse: the same as one regex over the whole class, several times faster.
_ODD_SPACES = ("\t", "\r", "\f", "\v", "\u00a0", "\u200b")
_SPACE_RUNS = re.compile(" {2,}")
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


# What nh3 reads from bs4's own serialisation, minus what it throws away anyway (comments,
# script and style with their content). Markup whose re-parse could differ from bs4's output
# in more than that (templates, foreign content, CDATA, tags bs4 writes as `<x/>` that HTML
# does not treat as void) is left to bs4's serialiser.
_HTML_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
     "wbr", "param", "keygen", "basefont", "bgsound", "frame"]
)  # fmt: skip
_NOT_FAITHFUL = frozenset(
    ["template", "svg", "math", "image", "isindex", "nextid", "spacer", "textarea", "title", "xmp",
     "iframe", "noembed", "noframes", "noscript", "plaintext", "select", "option"]
)  # fmt: skip
_TEXT_TYPES = (NavigableString, RubyTextString, RubyParenthesisString)


class _NeedsBs4(Exception):
    """A fragment the plain serialiser does not reproduce for nh3; bs4 serialises it."""


def fragment_html(parts: Iterable[Tag | NavigableString]) -> str:
    """Sanitised HTML of sibling pieces: what nh3 makes of bs4's serialisation, but faster."""
    out: list[str] = []
    try:
        for part in parts:
            if isinstance(part, Tag):
                _faithful(part, out)
            elif type(part) is NavigableString:
                # Escaped, so a comment that talks about "<html>" keeps those words.
                out.append(escape(str(part), quote=False))
    except _NeedsBs4:
        out = [
            str(part) if isinstance(part, Tag) else escape(str(part), quote=False)
            for part in parts
            if isinstance(part, Tag) or type(part) is NavigableString
        ]
    return sanitise_html("".join(out))


def _faithful(node: Tag, out: list[str]) -> None:
    name = node.name
    if name in _CLEANED_WITH_CONTENT:
        return
    if name in _NOT_FAITHFUL or (node.can_be_empty_element and name not in _HTML_VOID):
        raise _NeedsBs4(name)
    attrs = "".join(
        f' {key}="{escape(value if isinstance(value, str) else " ".join(value))}"'
        for key, value in sorted(node.attrs.items())  # bs4's formatter sorts them too
    )
    if name in _HTML_VOID and not node.contents:
        out.append(f"<{name}{attrs}/>")
        return
    out.append(f"<{name}{attrs}>")
    for child in node.contents:
        kind = type(child)
        if kind is Tag:
            _faithful(cast(Tag, child), out)
        elif kind in _TEXT_TYPES:
            out.append(escape(cast(str, child), quote=False))
        elif kind is Comment:
            if "--" in cast(str, child):
                raise _NeedsBs4("comment")
        elif kind not in (Script, Stylesheet):
            raise _NeedsBs4(kind.__name__)
    out.append(f"</{name}>")


_CLEANED_WITH_CONTENT = frozenset(["script", "style"])
