"""WordPress page facts: post id, the article and its metadata, comments shown, comment pages."""

from __future__ import annotations

import re
from datetime import tzinfo
from urllib.parse import urldefrag

from bs4 import Tag

from scraper.core.dates import parse_human, parse_iso
from scraper.core.models import Post
from scraper.core.urls import thread_url
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import (
    attr,
    classes_of,
    comment_count_from_text,
    meta_content,
    text_of,
)
from scraper.parse.platforms.pageindex import PageIndex
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
        absolute = doc.absolute(urldefrag(href)[0])
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
    author = None
    published = None
    bylines = index.inside(article, _classes(index, "author", "byline", "entry-author"))
    if bylines:
        byline = bylines[0]
        fn = byline.find(class_="fn") or byline.find("a")
        author = clean_byline(text_of(fn) if isinstance(fn, Tag) else text_of(byline))
    times = index.inside(article, index.names("time"))
    stamp = next((t for t in times if {"published", "entry-date"} & set(classes_of(t))), None)
    stamp = stamp or (times[0] if times else None)
    # The SEO meta stamp keeps seconds that themes often drop from the visible <time>.
    published = parse_iso(meta_content(index, "article:published_time"), zone)
    if published is None and stamp is not None:
        published = parse_iso(attr(stamp, "datetime"), zone)
    if published is None:
        for tag in index.classes("wp-block-post-date")[:1]:
            inner = tag.find("time")
            published = parse_iso(attr(inner, "datetime") if isinstance(inner, Tag) else None, zone)
    if published is None:
        shown = index.inside(article, _classes(index, "entry-date", "posted-on", "post-date"))
        published = parse_human(text_of(shown[0]), zone) if shown else None
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
        author=author,
        published=published,
        labels=labels,
        platform_id=post_id,
    )
