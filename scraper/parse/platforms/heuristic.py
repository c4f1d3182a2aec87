"""Comments found by shape: repeated blocks under a comment-ish container, with author and date."""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import lru_cache

from bs4 import NavigableString, Tag

from scraper.core.models import Comment
from scraper.parse.contain import guarded
from scraper.parse.htmltext import fragment_html, normalise_text
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import (
    classes_of,
    page_index,
    stable_comment_id,
    strip_chrome,
    thread,
)
from scraper.parse.platforms.cues import (
    AUTHOR_NAME,
    BODY_NAME,
    CHROME_NAME,
    DATE_NAME,
    OWNER_CLASSES,
    SAYS_SUFFIX,
    Cue,
    in_aside,
    is_commenter_link,
    marks_owner,
    name_and_url,
    names_of,
    single_string,
)
from scraper.parse.platforms.pieces import (
    attr,
    id_from_attr,
    looks_deleted,
    read_date,
    read_date_text,
    split_byline,
    text_of,
)

_CONTAINER = re.compile(
    r"^(?:[\w-]*[-_])?(?:(?:comments|kommentare|commentlist|responses|discussion|replies|children|indented)"
    r"(?:[-_](?:list|section|area|container|wrapper|content|block|thread|holder))?"
    r"|comment[-_](?:list|section|area|container|wrapper|block|thread|holder|replies))$",
    re.IGNORECASE,
)
_NOT_CONTAINER = re.compile(
    r"recent|widget|sidebar|latest|popular|form|respond|count|rss|feed|nav", re.I
)
_MAX_CONTAINERS = 12
# A comment's running number printed before its author's name ("12. Anna", "#3 Bo").
_COMMENT_NUMBER = re.compile(r"^#?\d{1,4}[.):]?\s+(?=\S)")
_NAME_LENGTH = 80
_PERMALINK = re.compile(r"#(?:comment|c)[-_]?\w+$")
_HINT = re.compile(r"omment|ommentar|espons|eplies|children|indented|discussion", re.IGNORECASE)
_NOT_BLOCKS = frozenset(
    ["script", "style", "form", "h1", "h2", "h3", "h4", "noscript", "input", "textarea"]
)


@dataclass(slots=True)
class _Fields:
    author: str | None
    author_url: str | None
    published: datetime | None
    meta_nodes: list[Tag]
    cue_nodes: list[Tag]  # the author and date elements themselves
    replies: list[Tag]  # blocks of the comment's own shape inside it: its replies
    nested: list[Tag]
    bodies: list[Tag]  # elements whose class says body/content/text, in document order
    permalink: Tag | None


def _names(node: Tag) -> str:
    value = node.attrs.get("class")
    joined = " ".join(value) if isinstance(value, list) else (value or "")
    return joined + " " + str(node.attrs.get("id") or "")


def is_comment_container(node: Tag) -> bool:
    """An element whose id or class names a comment list (not a form, counter or sidebar widget)."""
    return _container_names((*classes_of(node), attr(node, "id") or ""))


@lru_cache(maxsize=4096)
def _container_names(names: tuple[str, ...]) -> bool:
    # Cached: the same few class names repeat on every comment of a page, and across pages.
    joined = " ".join(names)
    if not joined.strip() or _NOT_CONTAINER.search(joined):
        return False
    return any(_CONTAINER.match(name) for name in names if name)


@lru_cache(maxsize=4096)
def _name_flags(names: str) -> tuple[bool, bool, bool, bool]:
    """(comment-list hint, author-like, date-like, body-like) for a stripped "classes id" string."""
    if not names:
        return False, False, False, False
    return (
        bool(_HINT.search(names)),
        bool(AUTHOR_NAME.search(names)),
        bool(DATE_NAME.search(names)),
        _is_body_names(names),
    )


def heuristic_comments(doc: Document, zone: tzinfo) -> tuple[tuple[Comment, ...], list[Tag]]:
    """The best comment container's comments (document order) and the containers used."""
    if "omment" not in doc.text and "ommentar" not in doc.text and "esponse" not in doc.text:
        return (), []
    index = page_index(doc)
    hinted = [tag for name, tags in index.by_class.items() if _HINT.search(name) for tag in tags]
    hinted += [tag for name, tag in index.by_id.items() if _HINT.search(name)]
    hinted = sorted({id(tag): tag for tag in hinted}.values(), key=index.position)
    candidates = [
        node
        for node in hinted
        if is_comment_container(node)
        and node.name not in ("h1", "h2", "h3", "h4", "a", "span", "p", "form", "script")
        and not in_aside(node)
    ]
    # Identity, not `in`: bs4's Tag equality compares whole subtrees (cubic on deep pages).
    chosen = {id(node) for node in candidates}
    outermost = [node for node in candidates if not any(id(p) in chosen for p in node.parents)]
    best: list[Comment] = []
    best_group: list[Tag] = []
    for group in _sibling_groups(outermost[: _MAX_CONTAINERS * 4])[:_MAX_CONTAINERS]:
        found: list[Comment] = []
        for container in group:
            _read_container(doc, container, None, zone, found, 0)
        if len(found) > len(best):
            best, best_group = found, group
    if not best:
        best, best_group = _loose_items(doc, zone)
    if not best:
        return (), []
    return thread(best), best_group


def _loose_items(doc: Document, zone: tzinfo) -> tuple[list[Comment], list[Tag]]:
    """Comments printed with no list around them: a theme's comment loop that writes each one
    as `div.comment` straight into the page (often one lone comment right after the post).
    Each must show an author, a date and some text of its own; asked only when no comment
    list was found, and never inside a sidebar, widget or form."""
    index = page_index(doc)
    items = [
        tag
        for tag in index.classes("comment")
        if tag.name not in _NOT_BLOCKS
        and tag.name not in ("a", "span", "p")
        and not in_aside(tag)
        and not any(is_comment_container(parent) for parent in tag.parents)
    ]
    chosen = {id(tag) for tag in items}
    outermost = [tag for tag in items if not any(id(p) in chosen for p in tag.parents)]
    found: list[Comment] = []
    used: list[Tag] = []
    for item in outermost:
        fields = guarded(_fields, doc, item, zone)
        if fields is None:
            continue
        read: list[Comment] = []
        guarded(_read_block, doc, item, fields, None, zone, read)
        if read and read[0].text.strip():
            found.extend(read)
            used.append(item)
    return found, used


def _sibling_groups(containers: list[Tag]) -> list[list[Tag]]:
    """Containers in document order, those of one shape under one parent taken together: some
    templates print one list per comment (`<ol class="commentlist">` around each `<li>`)."""
    groups: dict[tuple[int, str, tuple[str, ...]], list[Tag]] = {}
    for node in containers:
        key = (id(node.parent), node.name, tuple(sorted(classes_of(node))))
        groups.setdefault(key, []).append(node)
    return list(groups.values())


def _read_container(
    doc: Document, container: Tag, parent: str | None, zone: tzinfo, out: list[Comment], level: int
) -> None:
    """Read the repeated blocks of `container`, descending through wrappers until some qualify."""
    if level > 5:
        return
    children = [child for child in container.children if isinstance(child, Tag)]
    before = len(out)
    last_id: str | None = parent
    for child in children:
        if is_comment_container(child):
            # Drupal-style: replies sit in a wrapper right after the comment they answer.
            _read_container(doc, child, last_id, zone, out, level + 1)
            continue
        if child.name not in _NOT_BLOCKS:
            fields = guarded(_fields, doc, child, zone)
            if fields is not None:
                last_id = guarded(_read_block, doc, child, fields, parent, zone, out) or last_id
    if len(out) == before:
        for child in children:
            if child.name not in _NOT_BLOCKS:
                _read_container(doc, child, parent, zone, out, level + 1)


def _read_block(
    doc: Document, block: Tag, fields: _Fields, parent: str | None, zone: tzinfo, out: list[Comment]
) -> str:
    inner = [*fields.nested, *fields.replies]
    skip = set(map(id, inner)) | set(map(id, fields.meta_nodes))
    holding = {id(p) for node in (*inner, *fields.meta_nodes) for p in node.parents}
    cues = {id(node) for node in (*inner, *fields.cue_nodes)}
    # The body is the first element named like one that neither holds the author, date or
    # replies nor sits in them: a wrapper of the whole comment can be named "comment-message".
    body = next(
        (
            node
            for node in fields.bodies
            if not any(id(p) in cues for p in (node, *node.parents))
            and not _holds_any(node, [*inner, *fields.cue_nodes])
        ),
        None,
    )
    if body is None and fields.bodies:
        # Else the first one, unless it holds the replies or sits in the header.
        first = fields.bodies[0]
        if id(first) not in holding and not any(id(p) in skip for p in first.parents):
            body = first
    if body is not None:
        parts: list[Tag | NavigableString] = [body]
        title = _comment_title(block, body, cues)
        if title is not None:
            parts.insert(0, title)
    else:
        parts = [
            child
            for child in block.children
            if (type(child) is NavigableString or isinstance(child, Tag))
            and id(child) not in skip
            and id(child) not in holding
            and not (isinstance(child, Tag) and CHROME_NAME.search(_names(child)))
        ]
    text = strip_chrome(text_of(parts))
    comment_id = (
        id_from_attr(attr(block, "id"))
        or _anchor_id(block)
        or stable_comment_id(doc.url, fields.author, fields.published, text)
    )
    permalink = (
        doc.absolute(attr(fields.permalink, "href")) if fields.permalink is not None else None
    )
    out.append(
        Comment(
            id=comment_id,
            parent_id=parent,
            author=fields.author,
            author_url=fields.author_url,
            published=fields.published,
            text=text,
            html=fragment_html(parts),
            deleted=looks_deleted(text),
            by_post_author=bool(OWNER_CLASSES & set(names_of(block))) or marks_owner(block),
            permalink=permalink,
        )
    )
    for container in fields.nested:
        _read_container(doc, container, comment_id, zone, out, 1)
    for reply in fields.replies:
        reply_fields = guarded(_fields, doc, reply, zone)
        if reply_fields is not None:
            guarded(_read_block, doc, reply, reply_fields, comment_id, zone, out)
    return comment_id


def _author_of(
    doc: Document, author_node: Tag | None, date_node: Tag | None
) -> tuple[str | None, str | None]:
    """The name an author element shows (a date inside it cut off) and the commenter's link."""
    if author_node is None:
        return None, None
    shown = normalise_text(author_node.get_text(" ", strip=True))
    author = SAYS_SUFFIX.sub("", _COMMENT_NUMBER.sub("", shown)) or None
    inside = date_node is not None and any(p is author_node for p in date_node.parents)
    if author is not None and inside:
        author, _ = split_byline(author)
    link = author_node if author_node.name == "a" else author_node.find("a", href=True)
    author_url = doc.absolute(attr(link, "href")) if link is not None else None
    if author is None:
        return None, author_url
    author, shown_url = name_and_url(author)
    return author or None, author_url or shown_url


# Classes a template varies from one comment to the next (zebra rows, first and last, depth):
# a reply is "of the comment's own shape" without them.
_ALTERNATING = re.compile(
    r"^(?:odd|even|alt|first|last|parent|thread-(?:odd|even|alt)|(?:depth|level)-\d+)$", re.I
)


def _shape(tag: Tag) -> tuple[str, ...]:
    """A block's classes in order, without the ones that alternate between comments."""
    return tuple(sorted(name for name in classes_of(tag) if not _ALTERNATING.match(name)))


@dataclass(slots=True)
class _Seen:
    """What one walk over a comment block noticed, element by element."""

    shape: tuple[str, ...]
    date_node: Tag | None = None
    published: datetime | None = None
    textual: tuple[Tag, datetime] | None = None
    author_node: Tag | None = None
    author_cue: Cue = Cue.AUTHOR_CLASS  # which rule chose `author_node`
    emphasis: Tag | None = None
    permalink: Tag | None = None
    bodies: list[Tag] = field(default_factory=list)
    nested: list[Tag] = field(default_factory=list)
    replies: list[Tag] = field(default_factory=list)


def _visit(seen: _Seen, block: Tag, node: Tag, zone: tzinfo, lists: bool = True) -> bool:
    """Note what `node` is a cue for; False when the walk must not enter it (other comments).
    `lists`: an element named like a comment list holds replies (not entered)."""
    if node.name == "form":
        # A comment's author and time are never inside a form: what looks like them there is
        # the comment form's fields or its live preview ("Preview Comment: me, seconds ago").
        return False
    hint, author_like, date_like, body_like = _name_flags(_names(node).strip())
    if lists and hint and is_comment_container(node):
        seen.nested.append(node)
        return False
    if seen.shape and node.name == block.name and _shape(node) == seen.shape:
        seen.replies.append(node)  # a reply nested right inside the comment it answers
        return False
    cited = node.name == "cite" or is_commenter_link(node)
    if (cited or (author_like and not date_like)) and (
        seen.author_node is None or _narrower(node, seen.author_node)
    ):
        # The innermost one: a wrapper whose class says "user" can hold the whole comment.
        seen.author_node = node
        seen.author_cue = (
            Cue.CITE if node.name == "cite" else Cue.COMMENTER_LINK if cited else Cue.AUTHOR_CLASS
        )
    if seen.date_node is None:
        bold = node.name in ("strong", "b") and len(node.get_text()) <= _NAME_LENGTH
        if seen.emphasis is None and bold:
            seen.emphasis = node  # a bold name before the date: old templates' author cue
        if node.name == "time" or date_like:
            moment = read_date(node, zone) if len(node.get_text()) < 300 else None
            if moment is not None:
                seen.date_node, seen.published = node, moment
        if seen.textual is None:
            # No date class: a short element whose own words hold a date ("… am 12. März 2019,
            # 18:20", "Thu, 08/09/2012 - 14:41 | <a>#</a>").
            own = _own_words(node)
            moment = read_date_text(own, zone) if own else None
            if moment is not None:
                seen.textual = (node, moment)
    if body_like and len(seen.bodies) < 4:
        seen.bodies.append(node)
    if seen.permalink is None and node.name == "a":
        href = node.attrs.get("href")
        if isinstance(href, str) and _PERMALINK.search(href):
            seen.permalink = node
    return True


def _fields(doc: Document, block: Tag, zone: tzinfo) -> _Fields | None:
    """Author, date, body and nested reply lists of a candidate block; None if it is no comment.

    One walk over the block's elements that does not enter nested comment lists (their
    blocks are read on their own).
    """
    seen = _Seen(shape=_shape(block))  # a classless block has no shape
    stack = [child for child in reversed(block.contents) if isinstance(child, Tag)]
    walked = 0
    while stack and walked < 1500:
        node = stack.pop()
        walked += 1
        if _visit(seen, block, node, zone):
            stack.extend(child for child in reversed(node.contents) if isinstance(child, Tag))
    date_node, published = seen.date_node, seen.published
    if date_node is None and seen.textual is not None:
        date_node, published = seen.textual
    author_node = seen.author_node
    if author_node is None and date_node is not None:
        author_node = seen.emphasis
    author, author_url = _author_of(doc, author_node, date_node)
    if date_node is not None and author is None:
        author, _ = split_byline(date_node.get_text(" ", strip=True))
    if date_node is None or not author or len(author) > 80:
        return None
    meta = [_direct_child(block, node) for node in (author_node, date_node) if node is not None]
    return _Fields(
        author,
        author_url,
        published,
        [node for node in meta if node is not None],
        [node for node in (author_node, date_node) if node is not None],
        seen.replies,
        seen.nested,
        seen.bodies,
        seen.permalink,
    )


@dataclass(frozen=True, slots=True)
class CueFields:
    """What the shared cues read in one comment's element, each value with the cue that read it."""

    author: str | None = None
    author_url: str | None = None
    published: datetime | None = None
    author_cue: Cue | None = None
    url_cue: Cue | None = None
    time_cue: Cue | None = None


def cue_fields(doc: Document, block: Tag, zone: tzinfo, others: Container[int] = ()) -> CueFields:
    """Author, author URL and time the shared cues read in one comment's element, each None
    when no cue says it: the filler after a platform parser asks this for what it left empty.
    The walk does not enter `others` (the `id()`s of the other comments' elements): with them
    known, a wrapper named "comment-container" is this comment's, not a list of replies."""
    seen = _Seen(shape=_shape(block))
    stack = [child for child in reversed(block.contents) if isinstance(child, Tag)]
    walked = 0
    while stack and walked < 1500:
        node = stack.pop()
        walked += 1
        if id(node) not in others and _visit(seen, block, node, zone, lists=False):
            stack.extend(child for child in reversed(node.contents) if isinstance(child, Tag))
    date_node, published = seen.date_node, seen.published
    time_cue: Cue | None = None
    if date_node is not None:
        time_cue = Cue.TIME_ELEMENT if date_node.name == "time" else Cue.DATE_CLASS
    elif seen.textual is not None:
        date_node, published = seen.textual
        time_cue = Cue.DATE_LINE
    author, author_url = _author_of(doc, seen.author_node, date_node)
    author_cue: Cue | None = seen.author_cue if author is not None else None
    if date_node is not None and author is None:
        author, _ = split_byline(date_node.get_text(" ", strip=True))
        author_cue = Cue.DATE_BYLINE if author is not None else None
    if author is not None and len(author) > _NAME_LENGTH:
        author, author_cue = None, None
    url_cue = seen.author_cue if author_url is not None else None
    return CueFields(author, author_url, published, author_cue, url_cue, time_cue)


_TITLE_CLASS = re.compile(r"(?:^|[-_])(?:title|subject)$", re.IGNORECASE)


def _comment_title(block: Tag, body: Tag, cues: set[int]) -> Tag | None:
    """A subject line the commenter wrote above the body (a heading or a `comment-title`):
    part of what was said, unless the body starts with it anyway (an automatic subject)."""
    for node in block.find_all(["h3", "h4", "h5", "h6", "div", "span", "p"], limit=40):
        if not isinstance(node, Tag):
            continue
        if node is body or any(parent is body for parent in node.parents):
            break  # only what comes before the body
        if any(id(p) in cues for p in (node, *node.parents)) or _holds_any(node, [body]):
            continue
        heading = node.name in ("h3", "h4", "h5", "h6")
        if not heading and not any(_TITLE_CLASS.search(name) for name in classes_of(node)):
            continue
        title = normalise_text(node.get_text(" ", strip=True)).rstrip(".…")
        body_start = normalise_text(body.get_text(" ", strip=True))[: len(title)]
        if not title or len(title) > 200 or body_start.casefold() == title.casefold():
            return None
        return node
    return None


def _own_words(node: Tag) -> str | None:
    """The text directly inside `node` (not its children's), when short enough to be a line."""
    line = single_string(node)  # not bs4's .string: it recurses down deep single-child nests
    if line is not None:
        text = line
    else:
        text = " ".join(str(c) for c in node.contents if type(c) is NavigableString)
    text = text.strip()
    return text if 6 <= len(text) < 160 and any(ch.isdigit() for ch in text) else None


def _holds_any(container: Tag, nodes: list[Tag]) -> bool:
    return any(any(parent is container for parent in node.parents) for node in nodes)


def _narrower(node: Tag, current: Tag) -> bool:
    """True when `node` sits inside `current` and shows text of its own."""
    return any(parent is current for parent in node.parents) and bool(node.get_text(strip=True))


def _direct_child(block: Tag, node: Tag) -> Tag | None:
    current: Tag | None = node
    while current is not None and current.parent is not block:
        current = current.parent if isinstance(current.parent, Tag) else None
    return current


def _is_body_names(names: str) -> bool:
    lowered = names.lower()
    return (
        "comment" in lowered
        and bool(BODY_NAME.search(names))
        and not (DATE_NAME.search(names) or AUTHOR_NAME.search(names))
    )


def _anchor_id(block: Tag) -> str | None:
    """An id on a preceding `<a id=…>` anchor or on a heading inside the block."""
    previous = block.find_previous_sibling()
    if isinstance(previous, Tag) and previous.name == "a":
        found = id_from_attr(attr(previous, "id") or attr(previous, "name"))
        if found:
            return found
    inner = block.find(id=re.compile(r"^(?:c|comment)[-_]?\d+$"))
    return id_from_attr(attr(inner, "id")) if inner is not None else None
