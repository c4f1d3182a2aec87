"""Comments the page states in structured data: schema.org JSON-LD and microdata, microformats2."""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from bs4 import Tag

from scraper.core.models import Comment
from scraper.parse.contain import guarded
from scraper.parse.htmltext import normalise_text, sanitise_html, visible_text
from scraper.parse.platforms.article import PostHints
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import (
    classes_of,
    json_ld,
    page_index,
    stable_comment_id,
    thread,
)
from scraper.parse.platforms.cues import OWNER_CLASSES
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.pieces import (
    attr,
    find_tag,
    id_from_attr,
    looks_deleted,
    read_date,
    read_date_text,
)

_POST_TYPES = frozenset(
    [
        "BlogPosting",
        "Article",
        "NewsArticle",
        "SocialMediaPosting",
        "DiscussionForumPosting",
        "Report",
        "TechArticle",
        "ScholarlyArticle",
        "OpinionNewsArticle",
    ]
)
_TEXT_PROPS = ("text", "commentText", "description", "articleBody")


@dataclass(slots=True)
class Structured:
    """What structured data on the page says: comments, post hints and the nodes holding them."""

    comments: tuple[Comment, ...] = ()
    hints: PostHints = field(default_factory=PostHints)
    count_shown: int | None = None
    is_post: bool = False
    body: Tag | None = None
    containers: list[Tag] = field(default_factory=list)


def read_structured(doc: Document, zone: tzinfo) -> Structured:
    """JSON-LD first (most explicit), then microdata, then microformats2; first found wins."""
    found = Structured()
    if "ld+json" in doc.text:
        _read_jsonld(doc, zone, found)
    if not found.comments and "itemscope" in page_index(doc).lowered(doc.text):
        found.comments = _read_microdata(doc, zone, found)
    if not found.comments and ("h-entry" in doc.text or "h-cite" in doc.text):
        found.comments = _read_hentry(doc, zone, found)
    return found


# --- JSON-LD ---------------------------------------------------------------------------------


def _types(item: dict[str, Any]) -> set[str]:
    value = item.get("@type")
    names = value if isinstance(value, list) else [value]
    return {name.rsplit("/", 1)[-1] for name in names if isinstance(name, str)}


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("alternateName")
    return normalise_text(value) if isinstance(value, str) and value.strip() else None


def _ref(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") or value.get("identifier")
    return str(value) if isinstance(value, str | int) and str(value) else None


def _jsonld_id(item: dict[str, Any]) -> str | None:
    for key in ("@id", "identifier", "url"):
        value = _ref(item.get(key))
        if value:
            return id_from_attr(value.rsplit("#", 1)[-1]) or value
    return None


def _read_jsonld(doc: Document, zone: tzinfo, found: Structured) -> None:
    comments: list[Comment] = []
    for item in json_ld(page_index(doc)):
        kinds = _types(item)
        if kinds & _POST_TYPES and not found.is_post:
            found.is_post = True
            found.hints = PostHints(
                title=_name(item.get("headline")) or _name(item.get("name")),
                author=_name(item.get("author")),
                published=read_date_text(_ref(item.get("datePublished")), zone),
                updated=read_date_text(_ref(item.get("dateModified")), zone),
                labels=_keywords(item.get("keywords")),
            )
            count = item.get("commentCount")
            if isinstance(count, int | str) and str(count).isdigit():
                found.count_shown = int(count)
            guarded(_walk_comments, doc, item.get("comment"), None, zone, comments)
        elif "Comment" in kinds:
            guarded(_walk_comments, doc, item, None, zone, comments)
    found.comments = thread(comments)


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        return [word.strip() for word in value.split(",") if word.strip()]
    if isinstance(value, list):
        return [word.strip() for word in value if isinstance(word, str) and word.strip()]
    return []


def _walk_comments(
    doc: Document, value: Any, parent: str | None, zone: tzinfo, out: list[Comment]
) -> None:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if not isinstance(item, dict):
            continue
        author = _name(item.get("author") or item.get("creator"))
        published = read_date_text(
            _ref(item.get("dateCreated") or item.get("datePublished") or item.get("commentTime")),
            zone,
        )
        raw = next((item[key] for key in _TEXT_PROPS if isinstance(item.get(key), str)), "")
        text = normalise_text(raw)
        comment_id = _jsonld_id(item) or stable_comment_id(doc.url, author, published, text)
        parent_ref = _ref(item.get("parentItem"))
        parent_id = parent
        if parent_ref:
            parent_id = id_from_attr(parent_ref.rsplit("#", 1)[-1]) or parent_ref
            if not parent_ref.rsplit("#", 1)[-1] and parent is None:
                parent_id = None
        url = _ref(item.get("url"))
        out.append(
            Comment(
                id=comment_id,
                parent_id=parent_id,
                author=author,
                author_url=_ref(item["author"].get("url"))
                if isinstance(item.get("author"), dict)
                else None,
                published=published,
                text=text,
                html=sanitise_html("<p>" + html.escape(raw) + "</p>") if raw else "",
                deleted=looks_deleted(text),
                permalink=doc.absolute(url) if url else None,
            )
        )
        _walk_comments(doc, item.get("comment"), comment_id, zone, out)


# --- microdata -------------------------------------------------------------------------------


def _is_comment_item(node: Tag) -> bool:
    itemtype = attr(node, "itemtype") or ""
    return node.has_attr("itemscope") and (
        itemtype.rstrip("/").endswith("/Comment") or attr(node, "itemprop") == "comment"
    )


def _comment_items(index: PageIndex) -> list[Tag]:
    found = [tag for tags in index.by_name.values() for tag in tags if "itemscope" in tag.attrs]
    return sorted((tag for tag in found if _is_comment_item(tag)), key=index.position)


def _own_props(item: Tag) -> Iterator[Tag]:
    """Descendants carrying itemprop whose nearest item is `item` (not a nested item)."""
    for node in item.find_all(attrs={"itemprop": True}):
        owner = node.find_parent(attrs={"itemscope": True})
        if owner is item:
            yield node


def _read_microdata(doc: Document, zone: tzinfo, found: Structured) -> tuple[Comment, ...]:
    items = _comment_items(page_index(doc))
    comments: list[Comment] = []
    ids: dict[int, str] = {}
    for item in items:
        author = author_url = None
        published = None
        body: Tag | None = None
        for prop in _own_props(item):
            names = (attr(prop, "itemprop") or "").split()
            if "author" in names or "creator" in names:
                name_node = (
                    prop.find(attrs={"itemprop": "name"}) if prop.has_attr("itemscope") else None
                )
                author = normalise_text((name_node or prop).get_text(" ", strip=True)) or author
                link = prop if prop.name == "a" else find_tag(prop, "a", href=True)
                author_url = doc.absolute(attr(link, "href")) if link is not None else author_url
            elif {"datePublished", "dateCreated", "commentTime"} & set(names):
                published = published or read_date(prop, zone)
            elif set(_TEXT_PROPS) & set(names) and body is None:
                body = prop
        text = visible_text(body)
        comment_id = (
            id_from_attr(attr(item, "id"))
            or _id_near(item)
            or stable_comment_id(doc.url, author, published, text)
        )
        ids[id(item)] = comment_id
        parent_item = _enclosing_item(item)
        comments.append(
            Comment(
                id=comment_id,
                parent_id=ids.get(id(parent_item)) if parent_item is not None else None,
                author=author,
                author_url=author_url,
                published=published,
                text=text,
                html=sanitise_html(body),
                deleted=looks_deleted(text),
                by_post_author=_marks_post_author(item),
            )
        )
    found.containers.extend(items)
    return thread(comments)


def _enclosing_item(item: Tag) -> Tag | None:
    """The comment an item replies to: an enclosing item, or (WordPress: `li > article + ol`)
    an item standing just before one of its ancestors."""
    for ancestor in item.parents:
        if not isinstance(ancestor, Tag):
            break
        if _is_comment_item(ancestor):
            return ancestor
        for sibling in ancestor.find_previous_siblings(limit=3):
            if isinstance(sibling, Tag) and _is_comment_item(sibling):
                return sibling
    return None


def _id_near(item: Tag) -> str | None:
    """Themes often put the comment id on the wrapping `li` rather than on the item itself."""
    parent = item.parent
    if isinstance(parent, Tag):
        return id_from_attr(attr(parent, "id"))
    return None


def _marks_post_author(node: Tag) -> bool:
    names = set(classes_of(node))
    parent = node.parent
    if isinstance(parent, Tag):
        names |= set(classes_of(parent))
    return bool(names & OWNER_CLASSES)


# --- microformats2 ---------------------------------------------------------------------------


def _read_hentry(doc: Document, zone: tzinfo, found: Structured) -> tuple[Comment, ...]:
    index = page_index(doc)
    nodes = sorted(
        {id(t): t for t in index.classes("h-cite") + index.classes("h-entry")}.values(),
        key=index.position,
    )
    posts = [node for node in nodes if not ({"p-comment", "u-comment"} & set(classes_of(node)))]
    cites = [node for node in nodes if {"p-comment", "u-comment"} & set(classes_of(node))]
    cites += [
        node
        for node in nodes
        if node not in cites and node not in posts[:1] and node.find(class_="u-in-reply-to")
    ]
    if posts:
        root = posts[0]
        found.is_post = True
        found.body = find_tag(root, class_="e-content")
        title = find_tag(root, class_="p-name")
        found.hints = PostHints(
            title=normalise_text(title.get_text(" ", strip=True)) if title is not None else None,
            author=_card_name(find_tag(root, class_="p-author")),
            published=read_date(find_tag(root, class_="dt-published"), zone),
        )
    by_url: dict[str, str] = {}
    by_node: dict[int, str] = {}
    comments: list[Comment] = []
    for cite in cites:
        content = find_tag(cite, class_=["e-content", "p-content", "p-summary"]) or find_tag(
            cite, class_="p-name"
        )
        text = visible_text(content)
        author = _card_name(find_tag(cite, class_="p-author"))
        author_node = find_tag(cite, class_="p-author")
        link = find_tag(author_node, "a", href=True) if author_node is not None else None
        published = read_date(find_tag(cite, class_="dt-published"), zone)
        url_node = find_tag(cite, class_="u-url", href=True)
        url = doc.absolute(attr(url_node, "href"))
        comment_id = (
            id_from_attr(attr(cite, "id"))
            or (id_from_attr(url.rsplit("#", 1)[-1]) if url and "#" in url else None)
            or stable_comment_id(doc.url, author, published, text)
        )
        parent_id = None
        reply_to = find_tag(cite, class_="u-in-reply-to", href=True)
        target = doc.absolute(attr(reply_to, "href"))
        if target and target in by_url:
            parent_id = by_url[target]
        else:
            enclosing = cite.find_parent(lambda node: id(node) in by_node)
            parent_id = by_node.get(id(enclosing)) if enclosing is not None else None
        if url:
            by_url[url] = comment_id
        by_node[id(cite)] = comment_id
        comments.append(
            Comment(
                id=comment_id,
                parent_id=parent_id,
                author=author,
                author_url=doc.absolute(attr(link, "href")) if link is not None else None,
                published=published,
                text=text,
                html=sanitise_html(content),
                deleted=looks_deleted(text),
                permalink=url,
            )
        )
    found.containers.extend(cites)
    return thread(comments)


def _card_name(node: Tag | None) -> str | None:
    if node is None:
        return None
    name = node.find(class_="p-name") if "h-card" in classes_of(node) else None
    text = normalise_text((name or node).get_text(" ", strip=True))
    return text or None
