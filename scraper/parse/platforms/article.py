"""The article of a post page on an unknown platform: title, author, dates, labels and body."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from bs4 import Tag

from scraper.core.models import Post
from scraper.parse.htmltext import normalise_text, sanitise_html, visible_text, without
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import page_index
from scraper.parse.platforms.pieces import (
    attr,
    first_of,
    has_by_word,
    in_aside,
    inside,
    read_date,
    read_date_text,
    split_byline,
)

# First match wins: the article body's usual containers, most specific first.
_BODY_KEYS = (
    ("itemprop", "articleBody"),
    ("class", "entry-content"),
    ("class", "post-body"),
    ("class", "entry-body"),
    ("class", "post-content"),
    ("class", "article-content"),
    ("class", "article-body"),
    ("class", "field-name-body"),
    ("class", "post-entry"),
    ("class", "blog-post-content"),
)
_BYLINE_KEYS = (
    ("itemprop", "author"),
    ("class", "author-name"),
    ("class", "post-author"),
    ("class", "byline"),
    ("class", "author"),
    ("class", "fn"),
    ("class", "entry-meta"),
    ("class", "post-meta"),
    ("class", "meta"),
)
# Generic wrappers count as a byline only when they say "by X" / "von X".
_NEEDS_BY = frozenset({"entry-meta", "post-meta", "meta", "byline"})
_DATE_KEYS = (
    ("itemprop", "datePublished"),
    ("class", "published"),
    ("class", "entry-date"),
    ("class", "date-header"),
    ("class", "post-date"),
    ("class", "date"),
    ("class", "author"),
    ("class", "byline"),
    ("class", "submitted"),
    ("class", "meta"),
    ("tag", "time"),
    ("tag", "abbr"),
)


@dataclass(slots=True)
class PostHints:
    """What structured data (JSON-LD, microdata) already says about the post; wins over guesses."""

    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    labels: list[str] = field(default_factory=list)


def head_meta(doc: Document) -> dict[str, str]:
    """`<meta>` values by lower-cased property/name/itemprop (first one wins)."""
    values: dict[str, str] = {}
    for meta in page_index(doc).names("meta"):
        key = attr(meta, "property") or attr(meta, "name") or attr(meta, "itemprop")
        content = attr(meta, "content")
        if key and content and content.strip():
            values.setdefault(key.lower().strip(), content.strip())
    return values


def find_body(doc: Document) -> Tag | None:
    """The article body: a known container, else `<article>`, else the densest paragraph block."""
    index = page_index(doc)
    for kind, value in _BODY_KEYS:
        node = first_of(index, kind, value)
        if node is not None and _text_longer(node, 40):
            return node
    article = first_of(index, "tag", "article")
    if isinstance(article, Tag) and _text_longer(article, 200):
        return article
    scores: dict[int, tuple[int, Tag]] = {}
    for paragraph in index.names("p"):
        parent = paragraph.parent
        if not isinstance(parent, Tag):
            continue
        length = len(paragraph.get_text(strip=True))
        key = id(parent)
        total = scores.get(key, (0, parent))[0] + length
        scores[key] = (total, parent)
    if not scores:
        return None
    total, best = max(scores.values(), key=lambda item: item[0])
    return best if total > 80 else None


def _text_longer(node: Tag, limit: int) -> bool:
    """len(node.get_text(strip=True)) > limit, without joining a whole article's text."""
    total = 0
    for piece in node.stripped_strings:
        total += len(piece)
        if total > limit:
            return True
    return False


def find_title(doc: Document, meta: dict[str, str], scope: Tag | None = None) -> str | None:
    """A heading whose text the `<title>` repeats, else og:title, else `<title>` itself."""
    page_title = doc.soup.title.get_text(" ", strip=True) if doc.soup.title else ""
    index = page_index(doc)
    headings = sorted(
        (tag for name in ("h1", "h2", "h3") for tag in index.names(name)), key=index.position
    )
    for heading in headings[:60]:
        text = normalise_text(heading.get_text(" ", strip=True))
        if len(text) >= 4 and page_title and text in page_title:
            return text
    for key in ("og:title", "twitter:title", "dc.title"):
        if key in meta:
            return meta[key]
    return page_title or None


def find_author(
    doc: Document, meta: dict[str, str], scope: Tag | None, skip: Sequence[Tag] = ()
) -> str | None:
    """The post's byline: meta author, then byline markup near the article (not in `skip`)."""
    for key in ("author", "article:author", "dc.creator", "twitter:creator"):
        value = meta.get(key)
        if value and "://" not in value and not value.startswith("@"):
            return value
    for value, node in _near_article(doc, _BYLINE_KEYS, scope, skip):
        name = node.find(attrs={"itemprop": "name"}) or node.find(class_="fn") or node
        text = normalise_text(name.get_text(" ", strip=True)).replace("\n", " ")
        if not text or (value in _NEEDS_BY and not has_by_word(text)):
            continue
        author, _date = split_byline(text)
        if author and len(author) <= 80:
            return author
    return None


def find_published(
    doc: Document, meta: dict[str, str], scope: Tag | None, zone: tzinfo, skip: Sequence[Tag] = ()
) -> datetime | None:
    """The post's date: meta stamps, then date markup near the article, then a byline date."""
    for key in ("article:published_time", "og:published_time", "datepublished", "dc.date"):
        if key in meta:
            moment = read_date_text(meta[key], zone)
            if moment is not None:
                return moment
    for _value, node in _near_article(doc, _DATE_KEYS, scope, skip):
        moment = read_date(node, zone)
        if moment is not None:
            return moment
    return None


def _near_article(
    doc: Document, keys: Sequence[tuple[str, str]], scope: Tag | None, skip: Sequence[Tag] = ()
) -> Iterator[tuple[str, Tag]]:
    """(key value, first match) for each key inside `scope`, then page-wide outside asides;
    never inside `skip` (the comment area, whose bylines and dates are the commenters')."""
    index = page_index(doc)
    for root in (scope, None) if scope is not None else (None,):
        for kind, value in keys:
            node = first_of(index, kind, value, root)
            if node is None or _within(node, skip) or (root is None and in_aside(node)):
                continue
            yield value, node


def _within(node: Tag, skip: Sequence[Tag]) -> bool:
    return any(node is other or inside(node, other) for other in skip)


def body_post(
    doc: Document,
    zone: tzinfo,
    *,
    hints: PostHints | None = None,
    body: Tag | None = None,
    drop: Sequence[Tag] = (),
) -> Post:
    """Build the Post; `drop` are comment containers cut out of the body (comments read first)."""
    hints = hints or PostHints()
    meta = head_meta(doc)
    body = body if body is not None else find_body(doc)
    scope = _article_scope(body)
    labels = (
        hints.labels
        or [value for key, value in meta.items() if key == "article:tag"]
        or _tag_links(scope, drop)
    )
    kept = without(body, drop) if body is not None else None
    return Post(
        title=hints.title or find_title(doc, meta, scope),
        author=hints.author or find_author(doc, meta, scope, drop),
        published=hints.published or find_published(doc, meta, scope, zone, drop),
        updated=hints.updated or read_date_text(meta.get("article:modified_time"), zone),
        labels=tuple(dict.fromkeys(label for label in labels if label)),
        text=visible_text(kept) if kept is not None else "",
        html=sanitise_html(kept) if kept is not None else "",
    )


def _article_scope(body: Tag | None) -> Tag | None:
    """The element around the body that also holds its title and byline (an article or post div)."""
    node = body
    for _ in range(6):
        if node is None or not isinstance(node.parent, Tag):
            break
        node = node.parent
        if node.name == "article" or any(
            name in ("post", "entry", "hentry", "article", "node")
            for name in node.get("class") or []
        ):
            return node
    return body.parent if body is not None and isinstance(body.parent, Tag) else body


def _tag_links(scope: Tag | None, skip: Sequence[Tag] = ()) -> list[str]:
    if scope is None:
        return []
    # One plain walk: bs4's find_all filter machinery costs more than the whole check.
    return [
        normalise_text(node.get_text(" ", strip=True))
        for node in scope.descendants
        if type(node) is Tag
        and node.name == "a"
        and "tag" in (node.attrs.get("rel") or [])
        and not _within(node, skip)
    ]
