"""The article of a post page on an unknown platform: title, author, dates, labels and body."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from urllib.parse import urlsplit

from bs4 import NavigableString, PageElement, Tag

from scraper.core.models import Post
from scraper.parse.htmltext import normalise_text, sanitise_html, visible_text, without
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import page_index
from scraper.parse.platforms.cues import Cue
from scraper.parse.platforms.pieces import (
    attr,
    find_date_text,
    first_of,
    has_by_word,
    in_aside,
    inside,
    itemprop_all,
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
    ("class", "timestamp"),
    ("class", "author"),
    ("class", "byline"),
    ("class", "submitted"),
    ("class", "meta"),
    ("tag", "time"),
    ("tag", "abbr"),
)


def _date_cue(kind: str, value: str) -> Cue:
    """The label (`sources`) of a post date one of `_DATE_KEYS` found."""
    if kind == "itemprop":
        return Cue.MICRODATA
    if kind == "tag":
        return Cue.TIME_ELEMENT
    return Cue.BYLINE_CLASS if value in ("author", "byline") else Cue.DATE_CLASS


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


# Elements that hold a post's headline besides h1–h3 (schema.org `headline`, the class names
# WordPress/Blogger themes and older CMSs give the post title).
_HEADLINE_KEYS = (
    ("itemprop", "headline"),
    ("class", "entry-title"),
    ("class", "post-title"),
    ("class", "headline"),
)


def find_title(
    doc: Document, meta: dict[str, str], scope: Tag | None = None
) -> tuple[str | None, Cue | None]:
    """A heading whose text the `<title>` repeats (not a logo linking home), else og:title,
    else `<title>` itself; with the cue that found it."""
    page_title = doc.soup.title.get_text(" ", strip=True) if doc.soup.title else ""
    index = page_index(doc)
    found = [tag for name in ("h1", "h2", "h3") for tag in index.names(name)]
    for kind, value in _HEADLINE_KEYS:
        tags = itemprop_all(index, value) if kind == "itemprop" else index.classes(value)
        found.extend(tags[:10])
    headings = sorted({id(tag): tag for tag in found}.values(), key=index.position)
    site_name = normalise_text(meta.get("og:site_name", "")).casefold()
    for heading in headings[:80]:
        text = normalise_text(heading.get_text(" ", strip=True))
        if len(text) < 4 or not page_title or text not in page_title:
            continue
        if text.casefold() == site_name or _links_home(doc, heading):
            continue  # the blog's name or logo, which every page's title repeats
        return text, Cue.TITLE_HEADING
    for key in ("og:title", "twitter:title", "dc.title"):
        if key in meta and normalise_text(meta[key]).casefold() != site_name:
            return meta[key], Cue.META_TAG
    return (page_title, Cue.PAGE_TITLE) if page_title else (None, None)


def _links_home(doc: Document, heading: Tag) -> bool:
    """True when the heading is a link to the site's front page (a logo or blog name)."""
    link = heading if heading.name == "a" else heading.find("a")
    if not isinstance(link, Tag):
        return False
    target = doc.absolute(attr(link, "href"))
    if target is None:
        return False
    parts = urlsplit(target)
    page = urlsplit(doc.url or "")
    same_site = not page.netloc or parts.netloc == page.netloc
    return parts.path in ("", "/") and not parts.query and same_site


def find_author(
    doc: Document, meta: dict[str, str], scope: Tag | None, skip: Sequence[Tag] = ()
) -> tuple[str | None, Cue | None]:
    """The post's byline: meta author, then byline markup near the article (not in `skip`),
    then any short name-shaped element whose class says author/byline; with its cue."""
    for key in ("author", "article:author", "dc.creator", "twitter:creator"):
        value = meta.get(key)
        if value and "://" not in value and not value.startswith("@"):
            return value, Cue.META_TAG
    for kind, value, node in _near_article(doc, _BYLINE_KEYS, scope, skip):
        name = node.find(attrs={"itemprop": "name"}) or node.find(class_="fn") or node
        text = normalise_text(name.get_text(" ", strip=True)).replace("\n", " ")
        if not text or (value in _NEEDS_BY and not has_by_word(text)):
            continue
        author, _date = split_byline(text)
        if author and len(author) <= 80:
            return author, Cue.MICRODATA if kind == "itemprop" else Cue.BYLINE_CLASS
    author = _author_by_class_word(doc, scope, skip)
    return (author, Cue.AUTHOR_CLASS) if author else (None, None)


# A class word that marks a byline in any theme's spelling (`post-author`, `author-title`,
# `wp-block-post-author__name`, `article-page-author`, `byline`, a profile's `nickname`); the
# element must read as a name too, since `author-bio` and `author-description` share the word.
_AUTHOR_CLASS_WORD = re.compile(r"author|byline|nickname|username", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"[.!?;:,]\s*$|[,;!?@/|]|\d", re.IGNORECASE)


def _author_by_class_word(doc: Document, scope: Tag | None, skip: Sequence[Tag]) -> str | None:
    index = page_index(doc)
    tags = [
        tag
        for name, tagged in index.by_class.items()
        if _AUTHOR_CLASS_WORD.search(name) and not name.lower().startswith("comment")
        for tag in tagged[:20]
    ]
    ordered = sorted({id(tag): tag for tag in tags}.values(), key=index.position)
    for root in (scope, None) if scope is not None else (None,):
        for node in ordered:
            if root is not None and not inside(node, root):
                continue
            if _within(node, skip) or in_aside(node) or _in_comments(node):
                continue
            text = normalise_text(node.get_text(" ", strip=True)).replace("\n", " ")
            if not text or len(text) > 80:
                continue
            author, _date = split_byline(text)
            if author and _name_shaped(author):
                return author
    return None


def _name_shaped(text: str) -> bool:
    """A person's or handle's name: one to five words, no sentence punctuation or digits."""
    return 1 <= len(text.split()) <= 5 and len(text) <= 60 and not _NOT_A_NAME.search(text)


# A comment area's own id or class words (WordPress `#comments`, `.comments-area`,
# `.commentlist`, `.comment-list`, Disqus `#disqus_thread`, the reply form `#respond`).
_COMMENT_AREA = re.compile(
    r"^(?:comments?|commentlist|disqus[-_]thread|respond|"
    r"comments?[-_](?:list|area|section|wrapper|container|block|thread|respond))$",
    re.IGNORECASE,
)


def _in_comments(node: Tag) -> bool:
    """True inside a comment area (an ancestor whose id or class word names one)."""
    for parent in node.parents:
        if parent.name in ("body", "html"):
            return False
        words = [*(parent.get("class") or []), str(parent.get("id") or "")]
        if any(_COMMENT_AREA.match(word) for word in words):
            return True
    return False


def find_published(
    doc: Document,
    meta: dict[str, str],
    scope: Tag | None,
    zone: tzinfo,
    skip: Sequence[Tag] = (),
    title: str | None = None,
    body: Tag | None = None,
) -> tuple[datetime | None, Cue | None]:
    """The post's date: meta stamps, then date markup near the article, then a byline date,
    then the first date written just around the post's headline (outside `body`); with its cue."""
    for key in ("article:published_time", "og:published_time", "datepublished", "dc.date"):
        if key in meta:
            moment = read_date_text(meta[key], zone)
            if moment is not None:
                return moment, Cue.META_TAG
    for kind, value, node in _near_article(doc, _DATE_KEYS, scope, skip):
        moment = read_date(node, zone)
        if moment is not None:
            return moment, _date_cue(kind, value)
    moment = _date_by_headline(doc, title, zone, body) if title else None
    return (moment, Cue.HEADLINE_DATE) if moment is not None else (None, None)


# How far around the headline a post's date line may sit: a few short strings (the meta line
# above or below the title), never into the article's paragraphs.
_AROUND_HEADLINE = 8
_HEADER_STRING = 160


def _date_by_headline(doc: Document, title: str, zone: tzinfo, body: Tag | None) -> datetime | None:
    """The date a header shows next to the headline (after it first, then before it); the
    search stops at the article's body and at the comments, whose dates are not the post's."""
    index = page_index(doc)
    wanted = normalise_text(title)
    headline = next(
        (
            tag
            for name in ("h1", "h2", "h3", "p", "div", "span")
            for tag in index.names(name)[:400]
            if normalise_text(tag.get_text(" ", strip=True)) == wanted
        ),
        None,
    )
    if headline is None:
        return None
    last: PageElement = headline
    for last in headline.descendants:  # noqa: B007 - the headline's last node, to read past it
        pass
    for strings in (last.next_elements, headline.previous_elements):
        seen = 0
        for node in strings:
            if isinstance(node, Tag) or type(node) is not NavigableString:
                continue  # markup comments, CDATA and the like are not shown
            parent = node.parent
            text = node.strip()
            if not text or parent is None or parent.name in ("script", "style", "noscript"):
                continue
            if _within(parent, [body] if body is not None else []) or _in_comments(parent):
                break
            seen += 1
            if seen > _AROUND_HEADLINE or len(text) > _HEADER_STRING:
                break
            match = find_date_text(text)
            moment = read_date_text(match.group(0), zone) if match else None
            if moment is not None:
                return moment
    return None


def _near_article(
    doc: Document, keys: Sequence[tuple[str, str]], scope: Tag | None, skip: Sequence[Tag] = ()
) -> Iterator[tuple[str, str, Tag]]:
    """(key kind, key value, first match) for each key inside `scope`, then page-wide outside
    asides; never inside `skip` (the comment area, whose bylines and dates are the commenters')."""
    index = page_index(doc)
    for root in (scope, None) if scope is not None else (None,):
        for kind, value in keys:
            node = first_of(index, kind, value, root)
            if node is None or _within(node, skip) or (root is None and in_aside(node)):
                continue
            if _in_comments(node):  # a commenter's byline and date, not the post's
                continue
            yield kind, value, node


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
    scope = article_scope(body)
    labels = (
        hints.labels
        or [value for key, value in meta.items() if key == "article:tag"]
        or _tag_links(scope, drop)
    )
    kept = without(body, drop) if body is not None else None
    # What the platform's hints say carries the platform's name (given in parse_page); what the
    # shared cues found here carries the cue's.
    cues: dict[str, Cue | None] = {}
    title = hints.title
    if not title:
        title, cues["title"] = find_title(doc, meta, scope)
    author = hints.author
    if not author:
        author, cues["author"] = find_author(doc, meta, scope, drop)
    published = hints.published
    if not published:
        published, cues["published"] = find_published(doc, meta, scope, zone, drop, title, body)
    return Post(
        title=title,
        author=author,
        published=published,
        updated=hints.updated or read_date_text(meta.get("article:modified_time"), zone),
        labels=tuple(dict.fromkeys(label for label in labels if label)),
        text=visible_text(kept) if kept is not None else "",
        html=sanitise_html(kept) if kept is not None else "",
        sources=cue_labels(cues),
    )


def cue_labels(cues: dict[str, Cue | None]) -> tuple[tuple[str, str], ...]:
    """(field, label) pairs for the fields a shared cue found, in the order given."""
    return tuple((name, str(cue)) for name, cue in cues.items() if cue is not None)


def article_scope(body: Tag | None) -> Tag | None:
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
