"""Turn parsed HTML nodes into clean text and sanitised HTML for posts and comments."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from html import escape

import nh3
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.dammit import EntitySubstitution
from bs4.formatter import HTMLFormatter

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
    # An explicit stack, not recursion: hostile pages nest thousands of unclosed tags deep.
    # Items are a node to enter or a string to emit once its subtree is done ("\n\n" after a block).
    stack: list[Tag | NavigableString | str] = list(reversed(node.contents))
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


# Elements removed with their content (nh3 keeps the text of other disallowed tags): what the
# text leaves out, minus the void `input` (nh3 refuses a tag that cannot have content here).
_DROPPED_WITH_CONTENT = set(_SKIP_TAGS - {"input"})


# nh3 (html5ever's serialiser) takes time quadratic in the escaped characters ("&", U+00A0) of
# one text node or attribute: 2 MB of no-break spaces took 14-40 s. Long text is handed to it in
# runs of _TEXT_RUN characters with an empty HTML comment between them, which nh3 drops (the
# output is the same text), and attribute values over _MAX_ATTRIBUTE characters are emptied
# (no href, title or alt is that long; data: URIs are dropped by nh3 anyway).
_TEXT_RUN = 2000
_MAX_ATTRIBUTE = 8192
_RUN_BREAK = "<!---->"
# Elements whose text the HTML parser reads literally: a comment inside would show as text.
_LITERAL_TEXT = frozenset(["title", "textarea", "xmp", "noembed", "noframes", "plaintext"])
# A raw string with more escapes than this is re-serialised through a tree to split its text.
_RAW_ESCAPES = 20_000


def escaped_text(text: str) -> str:
    """`text` escaped for HTML, cut into runs nh3 serialises in linear time."""
    if len(text) <= _TEXT_RUN:
        return escape(text, quote=False)
    return _RUN_BREAK.join(
        escape(text[start : start + _TEXT_RUN], quote=False)
        for start in range(0, len(text), _TEXT_RUN)
    )


class _RunFormatter(HTMLFormatter):
    """bs4's "minimal" formatter, plus the run splitting and attribute cap above."""

    def __init__(self) -> None:
        super().__init__(entity_substitution=EntitySubstitution.substitute_xml)

    def substitute(self, ns: str) -> str:
        parent = getattr(ns, "parent", None)
        if len(ns) <= _TEXT_RUN or parent is None or parent.name in _LITERAL_TEXT:
            return super().substitute(ns)
        if parent.name in self.cdata_containing_tags:
            return ns
        return escaped_text(ns)

    def attribute_value(self, value: str) -> str:
        return "" if len(value) > _MAX_ATTRIBUTE else super().substitute(value)


_FORMATTER = _RunFormatter()


def sanitise_html(fragment: str | Tag | None, *, inner: bool = True) -> str:
    """Sanitised HTML of a node (its inner HTML by default): no scripts, styles or handlers."""
    if fragment is None:
        return ""
    if isinstance(fragment, str) and fragment.count("&") + fragment.count("\xa0") > _RAW_ESCAPES:
        fragment = BeautifulSoup(fragment, "lxml")  # rare: its text runs are split below
    if isinstance(fragment, Tag):
        raw = (
            fragment.decode_contents(formatter=_FORMATTER)
            if inner
            else fragment.decode(formatter=_FORMATTER)
        )
    else:
        raw = fragment
    return _clean(raw)


def _clean(raw: str) -> str:
    cleaned: str = nh3.clean(
        raw,
        tags=_ALLOWED_TAGS,
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
    return cleaned.strip()


def fragment_html(parts: Iterable[Tag | NavigableString]) -> str:
    """Sanitised HTML of sibling pieces (elements and the text between them)."""
    raw = "".join(
        part.decode(formatter=_FORMATTER) if isinstance(part, Tag) else escaped_text(str(part))
        for part in parts
        if isinstance(part, Tag) or type(part) is NavigableString
    )
    return _clean(raw)


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
