"""Build the same BeautifulSoup tree as BeautifulSoup(text, "lxml"), from lxml's own C-built tree.

bs4's lxml builder turns every parser event into several Python calls (endData, handle_starttag,
pushTag, _popToTag, linkage fixing), which costs about ten times the parse itself. Here libxml2
parses into its own tree with the options bs4 uses, and one walk creates the bs4 elements with
their links set directly. The per-tag and per-string instance fields are copied from elements
that bs4 itself built at import time, so a bs4 release that adds a field is caught there: the
fast path then switches itself off and `build_soup` falls back to the stock builder. Anything the
walk does not recognise (namespaced names, entities) also falls back, so the result is always
the tree bs4 would have built; `tests/unit/test_soupbuild.py` compares the two node by node.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import (
    Comment,
    Doctype,
    NavigableString,
    PageElement,
    ProcessingInstruction,
    Tag,
)
from lxml import etree  # type: ignore[import-untyped]

_ASCII_SPACES = "\x20\x0a\x09\x0c\x0d"
_set = dict.__setitem__  # a list value passes bs4's attribute dict __setitem__ unchanged
_NON_WHITESPACE = re.compile(r"\S+")
_TAG_FIELDS = frozenset(
    {
        "parser_class",
        "name",
        "namespace",
        "_namespaces",
        "prefix",
        "sourceline",
        "sourcepos",
        "attribute_value_list_class",
        "attrs",
        "known_xml",
        "contents",
        "parent",
        "previous_element",
        "next_element",
        "next_sibling",
        "previous_sibling",
        "hidden",
        "can_be_empty_element",
        "cdata_list_attributes",
        "preserve_whitespace_tags",
        "interesting_string_types",
    }
)
_STRING_FIELDS = frozenset(
    {"hidden", "parent", "previous_element", "next_element", "next_sibling", "previous_sibling"}
)


class _Unsupported(Exception):
    """Markup the direct walk does not reproduce exactly; the stock builder takes over."""


def stock_soup(text: str) -> BeautifulSoup:
    """The tree bs4's own lxml builder makes (the reference, and the fallback)."""
    with warnings.catch_warnings():
        # XHTML-looking pages and tiny inputs make bs4 warn; the HTML parser is what we want.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(text, "lxml")


def _prototypes() -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Fields of a bs4-built tag and string; None when their shape is not the one we know."""
    probe = stock_soup("<html><body><p class='a'>x</p></body></html>")
    tag = probe.find("p")
    if not isinstance(tag, Tag) or not tag.contents:
        return None
    string = tag.contents[0]
    tag_fields, string_fields = dict(vars(tag)), dict(vars(string))
    if set(tag_fields) != _TAG_FIELDS or set(string_fields) != _STRING_FIELDS:
        return None
    for link in _STRING_FIELDS - {"hidden"}:
        tag_fields[link] = string_fields[link] = None
    if probe.builder.preserve_whitespace_tags != {"pre", "textarea"}:
        return None
    return tag_fields, string_fields


_DOCTYPE: Any = Doctype
_PROTOTYPES = _prototypes() if hasattr(_DOCTYPE, "_string_for_name_and_ids") else None


class _Target:
    """lxml parser target doing what bs4's handlers do for lxml's (always balanced) events."""

    def __init__(self, soup: BeautifulSoup, tag_fields: dict[str, Any]) -> None:
        builder: Any = soup.builder  # bs4's builder internals are untyped in the installed stubs
        self.soup = soup
        self.builder = builder
        self.tag_fields = tag_fields
        self.containers: dict[str, type[NavigableString]] = dict(builder.string_containers)
        self.preserve_names = builder.preserve_whitespace_tags or set()
        cdata = builder.cdata_list_attributes or {}
        self.cdata = cdata
        self.universal = cdata.get("*", set())
        self.value_list = builder.attribute_value_list_class
        self.attr_dict = builder.attribute_dict_class
        self.empty_cache: dict[str, bool] = {}
        self.current: Tag = soup
        self.stack: list[Tag] = [soup]
        self.preserving = 0  # open <pre>/<textarea> tags: whitespace-only strings kept as they are
        self.container_stack: list[str] = []  # open <script>/<style>/...: their strings' class
        self.pending: list[str] = []
        self.last: PageElement | None = None  # the element before the next one in document order

    def _flush(self, cls: type[NavigableString] | None = None) -> None:
        """bs4's endData: join pending text, collapse whitespace-only runs, add the string."""
        pending = self.pending
        if not pending:
            return
        value = pending[0] if len(pending) == 1 else "".join(pending)
        pending.clear()
        if not self.preserving and not value.strip(_ASCII_SPACES):
            value = "\n" if "\n" in value else " "
        if cls is None:
            cls = (
                self.containers[self.container_stack[-1]]
                if self.container_stack
                else NavigableString
            )
        node = str.__new__(cls, value)
        # Linked as bs4's setup() links it: after the last node, after the parent's last child.
        parent = self.current
        previous = self.last
        siblings = parent.contents
        before = siblings[-1] if siblings else None
        node.__dict__ = {
            "hidden": False,
            "parent": parent,
            "previous_element": previous,
            "next_element": None,
            "next_sibling": None,
            "previous_sibling": before,
        }
        if previous is not None:
            previous.__dict__["next_element"] = node
        if before is not None:
            before.__dict__["next_sibling"] = node
        siblings.append(node)
        self.last = node

    def start(self, name: str, attrib: Any, nsmap: Any = None) -> None:
        if self.pending:
            self._flush()
        if name[:1] == "{" or (nsmap is not None and len(nsmap)):
            raise _Unsupported(name)  # libxml2's HTML parser gives neither; bs4 would map them
        # lxml's HTML parser hands over plain str names and values, on which bs4's attribute
        # dict __setitem__ changes nothing, so the dict is filled in one C call.
        if type(attrib) is not dict and len(attrib):
            attrib = dict(attrib)
        # (No attributes come as lxml's empty read-only mapping, slow to copy: skip it.)
        attrs = self.attr_dict(attrib) if type(attrib) is dict else self.attr_dict()
        if attrs:
            for key in self.universal:
                if key in attrs:
                    _set(attrs, key, self.value_list(_NON_WHITESPACE.findall(attrs[key])))
            specific = self.cdata.get(name.lower())
            if specific:
                for key in specific:
                    if key in attrs:
                        _set(attrs, key, self.value_list(_NON_WHITESPACE.findall(attrs[key])))
        node = Tag.__new__(Tag)
        fields = self.tag_fields.copy()
        fields["name"] = name
        fields["attrs"] = attrs
        fields["contents"] = []
        empty = self.empty_cache.get(name)
        if empty is None:
            empty = self.empty_cache[name] = self.builder.can_be_empty_element(name)
        fields["can_be_empty_element"] = empty
        special = name in self.containers or name in self.preserve_names
        if special:
            if name in self.containers:
                fields["interesting_string_types"] = {self.containers[name]}
                self.container_stack.append(name)
            if name in self.preserve_names:
                self.preserving += 1
        parent = self.current
        fields["parent"] = parent
        previous = self.last
        if previous is not None:
            fields["previous_element"] = previous
            previous.__dict__["next_element"] = node
        siblings = parent.contents
        if siblings:
            before = siblings[-1]
            fields["previous_sibling"] = before
            before.__dict__["next_sibling"] = node
        siblings.append(node)
        node.__dict__ = fields
        self.last = node
        if name == "meta":
            self.builder.set_up_substitutions(node)
        self.stack.append(node)
        self.current = node

    def end(self, name: str) -> None:
        if self.pending:
            self._flush()
        stack = self.stack
        top = stack[-1]
        if (
            top.name == name
            and len(stack) > 1
            and not (name in self.containers or name in self.preserve_names)
        ):
            stack.pop()  # the usual case: the innermost open tag closes
            self.current = stack[-1]
            return
        # bs4 pops up to the innermost open tag of that name. lxml's events are balanced, so
        # that is the top one; an end with no open tag of that name leaves the stack alone.
        if not any(tag.name == name for tag in stack[1:]):
            return
        while len(stack) > 1:
            tag = stack.pop()
            closed = tag.name
            if closed in self.preserve_names:
                self.preserving -= 1
            if closed in self.containers:
                self.container_stack.pop()
            if closed == name:
                break
        self.current = stack[-1]

    def data(self, text: str) -> None:
        self.pending.append(text)

    def comment(self, text: str) -> None:
        self._flush()
        self.pending.append(text)
        self._flush(Comment)

    def pi(self, target: str, data: str) -> None:
        self._flush()
        self.pending.append(target + " " + data)
        self._flush(ProcessingInstruction)

    def doctype(self, name: str | None, public_id: str | None, system_id: str | None) -> None:
        self._flush()
        self.pending.append(_DOCTYPE._string_for_name_and_ids(name, public_id, system_id))
        self._flush(Doctype)

    def close(self) -> BeautifulSoup:
        self._flush()
        soup: Any = self.soup
        soup._most_recent_element = self.last  # as bs4 leaves it after a parse
        return self.soup


def _fast_soup(text: str, tag_fields: dict[str, Any]) -> BeautifulSoup:
    if text[:1] == "\ufeff":  # bs4 drops a leading BOM before handing str to lxml
        text = text[1:]
    target = _Target(stock_soup(""), tag_fields)
    parser = etree.HTMLParser(target=target, recover=True)
    parser.feed(text)
    soup: BeautifulSoup = parser.close()
    return soup


def build_soup(text: str) -> BeautifulSoup:
    """The tree BeautifulSoup(text, "lxml") builds, built several times faster when possible."""
    if _PROTOTYPES is None:
        return stock_soup(text)
    try:
        return _fast_soup(text, _PROTOTYPES[0])
    except Exception:  # any surprise in the fast path: bs4 builds the tree its own way
        return stock_soup(text)
