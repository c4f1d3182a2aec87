"""Comments found by their numbered ids: `comment-N`, `comment_N`, `cN`, `com_N` on any platform.

Nearly every comment system gives each comment an element whose id names it and its number
(WordPress `li#comment-N`, Slash `div#comment_N`, Drupal `a#comment-N`, Movable Type `div#cN`,
Disqus's fallback `li#dsq-comment-N`). Elements whose ids end in the same number and wrap that
element (`li#tree_N`, `li#li-comment-N`) belong to the same comment; the outermost is its item.
A comment's parent is the item it sits in, or the item right before the reply list it sits in
(replies that follow rather than nest). Fields come from the shared cue tables.
"""

from __future__ import annotations

import re
from datetime import tzinfo

from bs4 import Tag

from scraper.core.models import Comment
from scraper.parse.htmltext import (
    fragment_html,
    normalise_text,
    sanitise_html,
    visible_text,
    without,
)
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import classes_of, thread
from scraper.parse.platforms.cues import (
    AUTHOR_NAME,
    CHROME_NAME,
    DATE_NAME,
    SAYS_SUFFIX,
    in_aside,
    marks_owner,
    name_and_url,
    own_body,
    own_tags,
    time_in,
)
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.pieces import attr, looks_deleted, split_byline

# The id of a comment's own element. A bare `c` prefix needs four digits (`c12` is a column).
_COMMENT_ID = re.compile(
    r"^(?:[a-z]+[-_])?(?:comments?|comm|com|cmt)[-_]?(\d+)$|^c(\d{4,})$", re.IGNORECASE
)
# Another id ending in the same number, on an element around the comment (`li#tree_N`).
_SAME_NUMBER = re.compile(r"[-_](\d+)$")
# Wrappers of replies that follow their parent instead of nesting in it.
_REPLIES = re.compile(r"children|indented|repl|thread|tree|child|sub", re.IGNORECASE)
_WRAPPER_REACH = 3


def numbered_comments(
    doc: Document, index: PageIndex, zone: tzinfo
) -> tuple[tuple[Comment, ...], list[Tag]]:
    """Comments of every numbered comment element (document order), and their top-level items."""
    cores = _cores(index)
    if not cores:
        return (), []
    items = _items(index, cores)
    by_item = {id(item): number for number, item in items.items()}
    comments: list[Comment] = []
    for number, item in items.items():
        comment = _read(doc, number, item, cores[number], by_item, zone)
        if comment is not None:
            comments.append(comment)
    comments.sort(key=lambda c: index.position(items[c.id]))
    tops = [items[c.id] for c in comments if c.parent_id is None]
    return thread(comments), tops


def _cores(index: PageIndex) -> dict[str, Tag]:
    """Each comment number's own element (the first one whose id names a comment)."""
    found: dict[str, Tag] = {}
    for key, tag in index.by_id.items():
        match = _COMMENT_ID.match(key)
        if match is None or tag.name in ("script", "style", "form", "input", "textarea"):
            continue
        number = match.group(1) or match.group(2)
        if number in found or in_aside(tag):
            continue
        if tag.name == "a" and not tag.get_text(strip=True):
            # Drupal and Movable Type put an empty anchor right before the comment.
            following = tag.find_next_sibling()
            if isinstance(following, Tag):
                found[number] = following
            continue
        found[number] = tag
    return found


def _items(index: PageIndex, cores: dict[str, Tag]) -> dict[str, Tag]:
    """Each comment's outermost element, in document order: the core, or the farthest of its
    nearest few ancestors whose id ends in the same number (`li#tree_N` around `div#comment_N`)."""
    items: dict[str, Tag] = {}
    for number, core in cores.items():
        item = core
        for reach, parent in enumerate(core.parents):
            if reach >= _WRAPPER_REACH or parent.name in ("body", "html"):
                break
            match = _SAME_NUMBER.search(attr(parent, "id") or "")
            if match and match.group(1) == number:
                item = parent
        items[number] = item
    return dict(sorted(items.items(), key=lambda pair: index.position(pair[1])))


def _parent(item: Tag, by_item: dict[int, str]) -> str | None:
    """The comment whose item holds this one, or whose item comes right before the reply
    wrapper that holds it."""
    for ancestor in item.parents:
        if ancestor.name in ("body", "html"):
            return None
        if id(ancestor) in by_item:
            return by_item[id(ancestor)]
        before = ancestor.find_previous_sibling()
        names = " ".join(classes_of(ancestor)) + " " + (attr(ancestor, "id") or "")
        if isinstance(before, Tag) and id(before) in by_item and _REPLIES.search(names):
            return by_item[id(before)]
    return None


def _author(tags: list[Tag]) -> tuple[str | None, Tag | None]:
    """The commenter's name, by the ordered cues: `fn`/`cite`/itemprop author, then elements
    named like an author (not a date), then a "by X" line."""
    ordered = [
        t for t in tags if "fn" in classes_of(t) or attr(t, "itemprop") in ("author", "name")
    ]
    ordered += [t for t in tags if t.name == "cite"]
    for tag in tags:
        names = " ".join(classes_of(tag))
        if names and AUTHOR_NAME.search(names) and not DATE_NAME.search(names):
            ordered.append(tag)
    for tag in ordered:
        text = normalise_text(tag.get_text(" ", strip=True)).replace("\n", " ")
        if not text or len(text) > 120:
            continue
        name, _ = split_byline(name_and_url(SAYS_SUFFIX.sub("", text))[0])
        if name and len(name) <= 80:
            return name, tag
    return None, None


def _read(
    doc: Document, number: str, item: Tag, core: Tag, by_item: dict[int, str], zone: tzinfo
) -> Comment | None:
    tags = list(own_tags(item, by_item))
    author, author_node = _author(tags)
    published, date_node = time_in(tags, zone)
    body = own_body(core) if core is not item else None
    body = body if body is not None and id(body) not in by_item else own_body(item)
    inside_other = body is not None and _inside_other(body, item, by_item)
    if body is not None and not inside_other and not _holds_other(body, by_item):
        text = visible_text(body)
        html = fragment_html([body])
    else:
        read_from = {id(node) for node in (author_node, date_node) if node is not None}

        def skip(tag: Tag) -> bool:
            names = " ".join(classes_of(tag))
            return (
                id(tag) in by_item
                or id(tag) in read_from
                or tag.name in ("form", "header", "footer", "h1", "h2", "h3", "h4")
                or bool(names and CHROME_NAME.search(names))
            )

        text = visible_text(item, skip=skip)
        html = sanitise_html(without(item, [tag for tag in tags if skip(tag)]))
    if not text and author is None:
        return None
    link = None
    if author_node is not None:
        link = author_node if author_node.name == "a" else author_node.find("a", href=True)
    core_id = attr(core, "id") or attr(item, "id") or ""
    permalink = next(
        (
            doc.absolute(attr(tag, "href"))
            for tag in tags
            if tag.name == "a" and (attr(tag, "href") or "").endswith(f"#{core_id}")
        ),
        None,
    )
    return Comment(
        id=number,
        parent_id=_parent(item, by_item),
        author=author,
        author_url=doc.absolute(attr(link, "href")) if isinstance(link, Tag) else None,
        published=published,
        text=text,
        html=html,
        deleted=looks_deleted(text),
        by_post_author=marks_owner(core) or marks_owner(item),
        permalink=permalink,
    )


def _inside_other(node: Tag, item: Tag, by_item: dict[int, str]) -> bool:
    """`node` sits in another comment's item within this one (a reply's body)."""
    for parent in node.parents:
        if parent is item:
            return False
        if id(parent) in by_item:
            return True
    return True


def _holds_other(node: Tag, by_item: dict[int, str]) -> bool:
    return any(id(inner) in by_item for inner in node.find_all(True))
