"""WordPress page facts: post id, the article and its metadata, comments shown, comment pages."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from urllib.parse import urldefrag

from bs4 import Tag

from scraper.core.dates import parse_human, parse_iso
from scraper.core.models import Post
from scraper.core.urls import thread_url
from scraper.parse.htmltext import visible_text
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import (
    attr,
    classes_of,
    comment_count_from_text,
    meta_content,
    text_of,
)
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.pieces import in_aside, itemprop_all, read_date
from scraper.parse.platforms.postmeta import build_post, clean_byline

_POST_ID_CLASS = re.compile(r"^postid-(\d+)$")
_POST_ARTICLE = re.compile(r"^post-(\d+)$")
_SHORTLINK = re.compile(r"[?&]p=(\d+)")
_COMMENT_PAGE = re.compile(r"/comment-page-(\d+)/?|[?&]cpage=(\d+)")


def count_shown(index: PageIndex) -> int | None:
    candidates: list[Tag] = []
    for name in (
        "comments-title",
        "wp-block-comments-title",
        "comments__headline",
        "comment-title",
        "comments-header",
    ):
        candidates.extend(index.classes(name)[:1])
    if "comments-title" in index.by_id:
        candidates.append(index.by_id["comments-title"])
    # The legacy comments template titles the thread with a heading that is `#comments` itself.
    titled = index.by_id.get("comments")
    if titled is not None and titled.name in ("h2", "h3", "h4"):
        candidates.append(titled)
    for tag in candidates:
        count = comment_count_from_text(text_of(tag))
        if count is not None:
            return count
    area = index.by_id.get("comments") or index.first_class("comments-area")
    headings = index.inside(area, index.names("h2") + index.names("h3") + index.names("h4"))
    for tag in sorted(headings, key=index.position)[:3]:
        count = comment_count_from_text(text_of(tag))
        if count is not None:
            return count
    return None


# Where WordPress themes put a post's comments and their pagination (classic `#comments` /
# `.comments-area` with `comment-navigation`, the legacy template in `wp-block-post-comments`,
# block themes' `wp-block-comments` and `wp-block-comments-pagination`), and the lists that hold
# the comments themselves, whose container also holds the pagination. Links elsewhere (a
# "Recent Comments" widget) are other posts'.
_COMMENT_AREA_IDS = ("comments",)
_COMMENT_AREA_CLASSES = (
    "comments-area",
    "wp-block-comments",
    "wp-block-post-comments",
    "comment-navigation",
    "comments-pagination",
    "wp-block-comments-pagination",
)
_COMMENT_LISTS = ("comment-list", "commentlist", "wp-block-comment-template")
# A link to one comment (`#comment-12`) is its permalink, not a way to further comments.
_PERMALINK_FRAGMENT = re.compile(r"#comment-\d+$")


def _comment_area_links(index: PageIndex) -> list[Tag]:
    """Links inside the comment area and its pagination; every link when the page has none."""
    areas = [index.by_id[name] for name in _COMMENT_AREA_IDS if name in index.by_id]
    areas += _classes(index, *_COMMENT_AREA_CLASSES)
    areas += [lst.parent for lst in _classes(index, *_COMMENT_LISTS) if isinstance(lst.parent, Tag)]
    links = index.names("a")
    if not areas:
        return links
    found: dict[int, Tag] = {}
    for area in areas:
        for link in index.inside(area, links):
            found[id(link)] = link
    return sorted(found.values(), key=index.position)


def comment_pages(doc: Document, index: PageIndex) -> tuple[str, ...]:
    """This post's other comment pages, as its comment area links to them."""
    if "comment-page-" not in doc.text and "cpage=" not in doc.text:
        return ()
    current = _COMMENT_PAGE.search(doc.url or "")
    current_page = (current.group(1) or current.group(2)) if current else None
    own_thread = thread_url(doc.url) if doc.url else None
    found: dict[str, None] = {}
    for link in _comment_area_links(index):
        href = attr(link, "href")
        if not href or "replytocom" in href or _PERMALINK_FRAGMENT.search(href):
            continue
        match = _COMMENT_PAGE.search(href)
        if not match:
            continue
        page = match.group(1) or match.group(2)
        if page == current_page:
            continue
        # Resolved first: `absolute` refuses a malformed link (a lone "["), urldefrag would raise.
        absolute = doc.absolute(href)
        absolute = urldefrag(absolute)[0] if absolute else None
        if not absolute or absolute == (urldefrag(doc.url)[0] if doc.url else None):
            continue
        if own_thread is not None and thread_url(absolute) != own_thread:
            continue  # a link into another post's comments
        found[absolute] = None
    return tuple(found)


def wordpress_post_id(doc: Document, index: PageIndex) -> str | None:
    bodies = index.names("body")
    for name in classes_of(bodies[0]) if bodies else []:
        match = _POST_ID_CLASS.match(name)
        if match:
            return match.group(1)
    for tag in index.names("article"):
        match = _POST_ARTICLE.match(attr(tag, "id") or "")
        if match:
            return match.group(1)
    for link in index.names("link"):
        if "shortlink" in (attr(link, "rel") or ""):
            match = _SHORTLINK.search(attr(link, "href") or "")
            if match:
                return match.group(1)
    return None


def _classes(index: PageIndex, *names: str) -> list[Tag]:
    """Elements carrying any of `names`, in document order."""
    tags = {id(tag): tag for name in names for tag in index.classes(name)}
    return sorted(tags.values(), key=index.position)


_NAME_WORDS = 5  # a byline longer than this is a sentence ("View all posts by …"), not a name


def _outside_asides(tags: list[Tag]) -> list[Tag]:
    return [tag for tag in tags if not in_aside(tag)]


def _post_author(index: PageIndex, article: Tag | None) -> str | None:
    """The post's byline, by cue in order: byline classes in the article, then (page-wide, not
    in sidebars, related posts or comments) a rel="author" link, schema.org's author, a byline
    class. A candidate must read like a name (a few words), not "View all posts by …"."""
    in_article = index.inside(article, _classes(index, "author", "byline", "entry-author"))
    rel_author = [a for a in index.names("a") if "author" in (attr(a, "rel") or "").split()]
    page_wide = _classes(index, "author", "byline", "entry-author")
    for pool in (in_article, rel_author, itemprop_all(index, "author"), page_wide):
        for node in _outside_asides(pool)[:3]:
            inner = node.find(attrs={"itemprop": "name"}) or node.find(class_="fn")
            if not isinstance(inner, Tag) and node.name != "a":
                inner = node.find("a")
            name = clean_byline(text_of(inner if isinstance(inner, Tag) else node))
            if name and len(name.split()) <= _NAME_WORDS:
                return name
    return None


def _post_published(index: PageIndex, article: Tag | None, zone: tzinfo) -> datetime | None:
    """The post's date, by cue in order: the SEO meta stamp (it keeps the seconds), a
    published/entry-date stamp (article first, then the page, never inside sidebars, related
    posts or comments), schema.org datePublished, the block theme's post date, shown text."""
    published = parse_iso(meta_content(index, "article:published_time"), zone)
    if published is not None:
        return published
    times = _outside_asides(index.names("time"))
    in_article = index.inside(article, times)
    for pool in (in_article, times):
        node = next((t for t in pool if {"published", "entry-date"} & set(classes_of(t))), None)
        moment = parse_iso(attr(node, "datetime"), zone) if node is not None else None
        if moment is not None:
            return moment
    for tag in _outside_asides(itemprop_all(index, "datePublished")):
        stamp = attr(tag, "content") or attr(tag, "datetime")
        moment = parse_iso(stamp, zone) if stamp else parse_human(_shown_date(tag), zone)
        if moment is not None:
            return moment
    for tag in index.classes("wp-block-post-date")[:1]:
        inner = tag.find("time")
        moment = parse_iso(attr(inner, "datetime") if isinstance(inner, Tag) else None, zone)
        if moment is not None:
            return moment
    if in_article:
        moment = parse_iso(attr(in_article[0], "datetime"), zone)
        if moment is not None:
            return moment
    shown = index.inside(article, _classes(index, "entry-date", "posted-on", "post-date"))
    return read_date(shown[0], zone) if shown else None


def _shown_date(tag: Tag) -> str:
    """A date element's words without screen-reader labels ("Post published:")."""
    return visible_text(tag, skip=lambda t: "screen-reader-text" in classes_of(t))


def wordpress_post(doc: Document, index: PageIndex, post_id: str | None, zone: tzinfo) -> Post:
    article = index.by_id.get(f"post-{post_id}") if post_id else None
    if article is None:
        article = index.first_class("hentry", "type-post")
    titles = [t for t in index.classes("entry-title") if t.name == "h1"]
    title_node = (
        titles[0]
        if titles
        else index.first_class("entry-title", "wp-block-post-title", "post-title")
    )
    bodies = index.inside(
        article, _classes(index, "entry-content", "post-content", "article-content")
    )
    body = bodies[0] if bodies else None
    if body is None:
        body = index.first_class("entry-content", "post-content", "article-content")
    tag_links = [
        a for a in index.inside(article, index.names("a")) if "tag" in (attr(a, "rel") or "")
    ]
    labels = tuple(text_of(tag) or "" for tag in tag_links)
    return build_post(
        doc,
        index,
        body=body,
        title=text_of(title_node),
        author=_post_author(index, article),
        published=_post_published(index, article, zone),
        labels=labels,
        platform_id=post_id,
        zone=zone,
    )
