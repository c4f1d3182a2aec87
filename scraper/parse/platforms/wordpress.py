"""WordPress comments: classic `ol.commentlist`, modern `ol.comment-list`, block themes."""

from __future__ import annotations

import re
from datetime import tzinfo
from urllib.parse import urldefrag

from bs4 import Tag

from scraper.core.models import Comment, CommentKind, ParsedPage
from scraper.parse.contain import guarded
from scraper.parse.htmltext import sanitise_html, visible_text, without
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import (
    attr,
    blog_timezone,
    classes_of,
    page_index,
    strip_chrome,
    text_of,
    thread,
)
from scraper.parse.platforms.cues import SAYS_SUFFIX, name_and_url, names_of, own_tags
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.pieces import inside, read_date, read_date_text
from scraper.parse.platforms.wordpress_page import (
    comment_pages,
    count_shown,
    wordpress_post,
    wordpress_post_id,
)

# li#comment-N / li#li-comment-N, and the Disqus plugin's server-rendered fallback list
# (ul#dsq-comments > li#dsq-comment-N) that older WordPress pages carry under the JS widget.
_COMMENT_ID = re.compile(r"^(?:li-|dsq-)?comment-(\d+)$")
# The wpDiscuz plugin's comment item: `div.wc-comment#wc-comm-ID_PARENT` (wpDiscuz 5),
# `div.wpd-comment#wpd-comm-ID_PARENT` (7); the id names the parent (0 at top level).
_DISCUZ_ID = re.compile(r"^(?:wc|wpd)-comm-(\d+)_(\d+)$")

_LIST_CLASSES = (
    "comment-list",
    "commentlist",
    "wp-block-comment-template",
    "pinglist",
    "ping-list",
    "trackbacklist",
    "trackback-list",
    "comments-list",
    "dsq-comments",
    "wc-thread-wrapper",
    "wpd-thread-list",
)
_CONTENT_CLASSES = (
    "comment-content",
    "wp-block-comment-content",
    "comment-text",
    "comment-entry",
    "commenttext",
    "dsq-comment-message",
    "wc-comment-text",
    "wpd-comment-text",
)
_AUTHOR_CLASSES = (
    "fn",
    "wp-block-comment-author-name",
    "comment-author-name",
    "comment-author",
    "wc-comment-author",
    "wpd-comment-author",
)
_DATE_CLASSES = (
    "wp-block-comment-date",
    "comment-date",
    "comment-metadata",
    "commentmetadata",
    "comment-meta",
    "comment-time",
    "wc-comment-date",
    "wpd-comment-date",
)
_META_CLASSES = frozenset(
    _AUTHOR_CLASSES
    + _DATE_CLASSES
    + ("reply", "comment-reply-link", "says", "avatar", "comment-awaiting-moderation", "vcard")
    + (
        "comment-footer",
        "comment-header",
        "comment-actions",
        "edit-link",
        "wp-block-comment-reply-link",
    )
)
_KINDS: dict[str, CommentKind] = {"pingback": "pingback", "trackback": "trackback"}
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
# Class words that mark a comment's chrome in any theme (media-footer, comment-actions, ...).
_META_WORD = re.compile(r"(?:^|[-_])(?:footer|header|heading|meta|reply|avatar|actions)(?:[-_]|$)")


def _is_reply_list(tag: Tag) -> bool:
    return "children" in names_of(tag)


def _class_map(tags: list[Tag]) -> dict[str, Tag]:
    """First tag per class among a comment's own tags (one pass, then dict lookups)."""
    found: dict[str, Tag] = {}
    for tag in tags:
        for name in names_of(tag):
            found.setdefault(name, tag)
    return found


def _first(tags: list[Tag] | dict[str, Tag], classes: tuple[str, ...]) -> Tag | None:
    by_class = tags if isinstance(tags, dict) else _class_map(tags)
    for name in classes:
        if name in by_class:
            return by_class[name]
    return None


def _name_in(node: Tag) -> str:
    """A name element's own words: without "says", avatars, dates, reply links or other meta
    nested in it (themes put the date and the reply link inside `.comment-author`)."""

    def skip(tag: Tag) -> bool:
        return "says" in names_of(tag) or tag.name in ("img", "small", "time") or _is_meta(tag)

    return SAYS_SUFFIX.sub("", " ".join(visible_text(node, skip=skip).split())).strip()


def _author(tags: list[Tag], by_class: dict[str, Tag]) -> tuple[str | None, str | None, Tag | None]:
    """The commenter: the first author cue with words in it (class cues, then `cite`, then a
    heading of the comment), the link around or inside it, and the element it was read from."""
    candidates = [by_class[name] for name in _AUTHOR_CLASSES if name in by_class]
    candidates += [tag for tag in tags if tag.name == "cite"]
    candidates += [tag for tag in tags if tag.name in _HEADINGS or "heading" in names_of(tag)]
    node, name = None, ""
    for candidate in candidates:
        name = _name_in(candidate)
        if name:
            node = candidate
            break
    if node is None:
        return None, None, None
    link = node if node.name == "a" else None
    for child in node.descendants if link is None else ():
        if isinstance(child, Tag) and child.name == "a" and attr(child, "href"):
            link = child
            break
    url = attr(link, "href")
    if url and "#comment-" in url:
        url = None
    name, shown_url = name_and_url(name)
    return name or None, url or shown_url, node


def _innermost(tags: list[Tag], classes: tuple[str, ...]) -> Tag | None:
    """The first element with one of `classes`, or the one inside it that has one too: some
    themes wrap the header and the text in `.comment-content` and repeat it around the text."""
    wanted = set(classes)
    found = [tag for tag in tags if wanted & set(names_of(tag))]
    if not found:
        return None
    chosen = found[0]
    for tag in found[1:]:
        if any(parent is chosen for parent in tag.parents):
            chosen = tag
    return chosen


def _date_text(tags: list[Tag], by_class: dict[str, Tag]) -> str | None:
    """Where a comment shows its date as text: a date class, else a `small`/`abbr` in its header."""
    node = _first(by_class, _DATE_CLASSES)
    if node is not None:
        return text_of(node)
    for tag in tags:
        if tag.name in ("small", "abbr") and any(p.name in _HEADINGS for p in tag.parents):
            return attr(tag, "title") or text_of(tag)
    return None


def _text_only_body(tags: list[Tag]) -> Tag | None:
    """A `.comment-body` that holds just the text (old themes), not the whole comment."""
    for tag in tags:
        if "comment-body" in names_of(tag):
            inner = tag.find_all(True)
            if not any(_is_meta(node) or node.name == "time" for node in inner):
                return tag
    return None


def _is_meta(tag: Tag) -> bool:
    """A comment's header, footer, date, avatar or action links: not part of what was said."""
    if tag.name in ("footer", "header", *_HEADINGS):
        return True
    return any(name in _META_CLASSES or _META_WORD.search(name) for name in names_of(tag))


def _parse_item(
    item: Tag, number: str, parent: str | None, *, nested: set[int], doc: Document, zone: tzinfo
) -> Comment:
    # A `dt` header holds name and date; what was said is in the `dd` that follows it.
    said = item.find_next_sibling() if item.name == "dt" else None
    said = said if isinstance(said, Tag) and said.name == "dd" else None
    tags = list(own_tags(item, nested, _is_reply_list))
    if said is not None:
        tags += [said, *own_tags(said, nested, _is_reply_list)]
    by_class = _class_map(tags)
    kinds = set(names_of(item))
    for tag in tags[:2]:
        if tag.name in ("article", "div"):
            kinds.update(names_of(tag))
    kind: CommentKind = next(
        (_KINDS[k] for k in ("pingback", "trackback") if k in kinds), "comment"
    )
    author, author_url, author_node = _author(tags, by_class)
    time_tag = next((tag for tag in tags if tag.name == "time"), None)
    published = read_date(time_tag, zone) if time_tag is not None else None
    if published is None:
        shown = text_of(time_tag) or _date_text(tags, by_class)
        published = read_date_text(shown.strip(" ·•|-") if shown else None, zone)
    permalink = None
    for tag in tags:
        href = attr(tag, "href") if tag.name == "a" else None
        if href and href.endswith(f"#comment-{number}"):
            permalink = doc.absolute(href)
            break
    if permalink is None and doc.url:
        permalink = f"{urldefrag(doc.url)[0]}#comment-{number}"
    content = _innermost(tags, _CONTENT_CLASSES) or _text_only_body(tags)
    if content is None and said is not None:
        text = strip_chrome(visible_text(said, skip=_is_meta))
        html = sanitise_html(without(said, [t for t in said.find_all(True) if _is_meta(t)]))
    elif content is not None:
        # Some themes put the name/date header inside the content element: what the name and
        # the date were read from is not part of the text.
        header = [
            node for node in (author_node, time_tag) if node is not None and inside(node, content)
        ]
        read_from = {id(node) for node in header}
        text = visible_text(content, skip=lambda tag: id(tag) in read_from)
        html = sanitise_html(without(content, header) if header else content)
    else:
        # Pingbacks and old themes: the comment's own text minus its header, meta and replies.
        def skip(tag: Tag) -> bool:
            return id(tag) in nested or "children" in names_of(tag) or _is_meta(tag)

        text = strip_chrome(visible_text(item, skip=skip))
        html = sanitise_html(item)
    if kind != "comment" and author is None:
        link = next((tag for tag in tags if tag.name == "a" and attr(tag, "href")), None)
        author = text_of(link)
        author_url = attr(link, "href")
    return Comment(
        id=number,
        parent_id=parent,
        kind=kind,
        author=author,
        author_url=doc.absolute(author_url) if author_url else None,
        published=published,
        text=text,
        html=html,
        deleted=False,
        by_post_author="bypostauthor" in kinds,
        permalink=permalink,
    )


def _following_children(item: Tag) -> Tag | None:
    """The `.children` list right after a comment element, when replies are not inside it."""
    sibling = item.find_next_sibling()
    if isinstance(sibling, Tag) and "children" in names_of(sibling):
        return sibling
    return None


def _comment_items(index: PageIndex, roots: list[Tag]) -> list[tuple[Tag, str]]:
    """Outermost element of each comment (li#comment-N or li#li-comment-N), document order."""
    candidates = [
        tag
        for key, tag in index.by_id.items()
        if "comm" in key and (_COMMENT_ID.match(key) or _DISCUZ_ID.match(key))
    ]
    found: list[tuple[Tag, str]] = []
    seen: set[str] = set()
    for root in roots:
        for tag in index.inside(root, candidates):
            number = _number(tag)
            # An empty element (a bare anchor target) names a comment but holds none of it.
            if number is None or number in seen or next(tag.stripped_strings, None) is None:
                continue
            seen.add(number)
            found.append((tag, number))
    found.sort(key=lambda item: index.position(item[0]))
    return found


def _number(tag: Tag) -> str | None:
    key = attr(tag, "id") or ""
    match = _COMMENT_ID.match(key) or _DISCUZ_ID.match(key)
    return match.group(1) if match else None


def _stated_parent(tag: Tag) -> str | None:
    """The parent a wpDiscuz item's id names (`wc-comm-ID_PARENT`), None at top level."""
    match = _DISCUZ_ID.match(attr(tag, "id") or "")
    return match.group(2) if match and match.group(2) != "0" else None


def _roots(index: PageIndex) -> list[Tag]:
    roots: list[Tag] = []
    for name, tags in index.by_class.items():
        if name.replace("_", "-") in _LIST_CLASSES:
            roots.extend(tag for tag in tags if tag.name in ("ol", "ul", "div", "dl"))
    # Some themes name the list by id (`dl#comment_list`, `ol#commentlist`).
    roots.extend(
        tag for key, tag in index.by_id.items() if key.lower().replace("_", "-") in _LIST_CLASSES
    )
    # Lists nested in another root would be walked twice.
    roots = [r for r in roots if not any(o is not r and o in r.parents for o in roots)]
    if not roots:
        area = index.by_id.get("comments") or index.first_class("comments-area", "comments_area")
        if area is not None:
            roots = [area]
    roots.sort(key=index.position)
    return roots


class WordPressParser:
    """WordPress themes: `li#comment-N` (or `li#li-comment-N`) items nested in `.children` lists."""

    name = "wordpress"

    def detect(self, doc: Document) -> bool:
        text = doc.text
        return (
            "/wp-content/" in text
            or "/wp-includes/" in text
            or "comment-reply-link" in text
            or "wp-block-comment-template" in text
            or 'content="WordPress' in text
            or "content='WordPress" in text
        )

    def parse(self, doc: Document) -> ParsedPage:
        index = page_index(doc)
        post_id = wordpress_post_id(doc, index)
        zone = blog_timezone(index)
        items = _comment_items(index, _roots(index))
        owners = {id(tag): number for tag, number in items}
        # Some themes close a comment before its replies: the `.children` list follows it.
        owners.update(
            (id(replies), number)
            for tag, number in items
            if (replies := _following_children(tag)) is not None
        )
        raw: list[Comment] = []
        nested = {id(tag) for tag, _number in items}
        for tag, number in items:
            parent = _stated_parent(tag)
            for ancestor in tag.parents if parent is None else ():
                if id(ancestor) in owners:
                    parent = owners[id(ancestor)]
                    break
            comment = guarded(_parse_item, tag, number, parent, nested=nested, doc=doc, zone=zone)
            if comment is not None:
                raw.append(comment)
        bodies = index.names("body")
        body_classes = set(classes_of(bodies[0])) if bodies else set()
        count = count_shown(index)
        more = comment_pages(doc, index)
        return ParsedPage(
            url=doc.url,
            platform=self.name,
            post=wordpress_post(doc, index, post_id, zone),
            comment_count_shown=count,
            comments=thread(raw),
            more_comments=more,
            is_post=bool({"single", "single-post"} & body_classes) or bool(raw),
        )


PARSER = WordPressParser()
