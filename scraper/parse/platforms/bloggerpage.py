"""What every Blogger page shares, threaded or legacy: detection, post part, feed link, removals."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from bs4 import Tag

from scraper.core.dates import from_epoch_ms, parse_human, parse_iso
from scraper.core.models import Post
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import (
    attr,
    blog_timezone,
    classes_of,
    comment_count_from_text,
    meta_content,
    text_of,
)
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.postmeta import build_post, clean_byline

_FEED = re.compile(r"/feeds/(\d+)/comments/default")
_SHOW_COMMENT = re.compile(r"[?&]showComment=(\d{9,16})")
_COMMENT_ANCHOR = re.compile(r"#c(\d+)$")
COMMENT_ID = re.compile(r"^c(\d+)$")

# "This comment has been removed by the author." / "…by a blog administrator." as Blogger
# localises it; matched only on short comment bodies.
REMOVED = re.compile(
    r"has been removed by (?:the author|a blog administrator)|this post has been removed|"
    r"wurde vo(?:m autor|n einem blog-administrator) entfernt|"
    r"a été supprimé par (?:l'auteur|l’auteur|un administrateur)|"
    r"ha sido eliminado por (?:el autor|un administrador)|"
    r"è stato eliminato (?:dall'autore|dall’autore|da un amministratore)|"
    r"foi removido pelo autor|foi removido por um administrador|"
    r"is verwijderd door (?:de auteur|een blogbeheerder)|"
    r"telah dihapus oleh (?:pengarang|penulis|administrator)|"
    r"đã bị (?:tác giả|quản trị viên blog) xóa|"
    r"został usunięty przez (?:autora|administratora)|"
    r"был удален (?:автором|администратором)|"
    r"tarafından silindi|har tagits bort av|er fjernet af|har blitt fjernet av|"
    r"によって削除されました|已被(?:作者|博客管理员|網誌管理員)删除|已被(?:作者|網誌管理員)刪除|"
    r"أزال (?:المؤلف|أحد مشرفي المدونة) هذا التعليق",
    re.IGNORECASE,
)


_LEGACY_BLOCK = re.compile(r"""id\s*=\s*["']?comments-block\b""", re.IGNORECASE)


def has_legacy_block(doc: Document) -> bool:
    """The page has a legacy `dl#comments-block` (not just CSS naming it)."""
    text = doc.text
    at = text.find("omments-block")
    while at != -1:
        if _LEGACY_BLOCK.search(text, max(0, at - 12), at + 14):
            return True
        at = text.find("omments-block", at + 1)
    return False


# Blogger's own class/id names as whole tokens of an attribute (not `most-recent-comments-block`).
_BLOGGER_MARKUP = re.compile(
    r"""\b(?:class|id)\s*=\s*["']?(?:[^"'>]*\s)?(?:comment-thread|comments-block|post-body)"""
    r"""(?=[\s"'>])""",
    re.IGNORECASE,
)


def is_blogger(doc: Document) -> bool:
    """Blogger's generator meta, or its widget markup plus a blogger.com reference.

    A blogspot.com link is no sign: blogrolls and commenters' links name Blogger blogs from
    pages of any platform; Blogger's own navbar, comment form, profiles and feeds are on
    blogger.com.
    """
    head = doc.text[:20000].lower()
    if "content='blogger'" in head or 'content="blogger"' in head:
        return True
    text = doc.text
    return "blogger.com" in text and _BLOGGER_MARKUP.search(text) is not None


def comment_time(permalink: str | None, shown: str | None, zone: tzinfo) -> datetime | None:
    """The exact instant from `showComment=<epoch ms>`, else the shown time in the blog's zone."""
    if permalink:
        match = _SHOW_COMMENT.search(permalink)
        if match:
            moment = from_epoch_ms(match.group(1))
            if moment is not None:
                return moment
    return parse_human(shown, zone)


def anchor_id(href: str | None) -> str | None:
    """The comment id in a `…#c<ID>` permalink."""
    if not href:
        return None
    match = _COMMENT_ANCHOR.search(href)
    return match.group(1) if match else None


def feed_url(doc: Document, index: PageIndex) -> tuple[str | None, str | None]:
    """(comments feed URL, post id) from the `/feeds/<postId>/comments/default` link."""
    for link in index.names("link"):
        href = attr(link, "href")
        if href and (match := _FEED.search(href)):
            return doc.absolute(href.split("?")[0]), match.group(1)
    post_id = meta_content(index, "postId")
    return None, post_id


def more_comments_url(feed: str | None, parsed: int) -> str | None:
    """The feed page a client fetches for comments the HTML did not show."""
    if not feed:
        return None
    return f"{feed}?alt=json&start-index={parsed + 1 if parsed >= 200 else 1}&max-results=200"


def blogger_zone(index: PageIndex) -> tzinfo:
    """The blog's offset from the post's own published stamp (abbr[title] / time[datetime])."""
    stamps: list[str | None] = []
    for tag in index.classes("published")[:3]:
        stamps.append(attr(tag, "title") or attr(tag, "datetime"))
    return blog_timezone(index, *stamps)


def blogger_post(doc: Document, index: PageIndex, post_id: str | None, zone: tzinfo) -> Post:
    """Title, author, date, labels and body of the (first) post on a Blogger page."""
    title_node = index.first_class("post-title", "entry-title")
    author = None
    for byline in index.classes("post-author")[:1] + index.classes("publish-info")[:1]:
        fn = byline.find(class_="fn")
        author = clean_byline(text_of(fn) if isinstance(fn, Tag) else text_of(byline))
        if author:
            break
    published: datetime | None = None
    for tag in index.classes("published")[:1]:
        published = parse_iso(attr(tag, "title") or attr(tag, "datetime"), zone)
    if published is None:
        stamp = meta_content(index, "datePublished")
        published = parse_iso(stamp, zone) if stamp else None
    if published is None:
        for shown in index.classes("date-header")[:1] + index.classes("post-timestamp")[:1]:
            published = parse_human(text_of(shown), zone)
            if published:
                break
    labels: list[str] = []
    for box in index.classes("post-labels")[:1]:
        labels = [text_of(a) or "" for a in box.find_all("a")]
    body = index.first_class("post-body") or index.first_class("entry-content", "article-content")
    return build_post(
        doc,
        index,
        body=body,
        title=text_of(title_node),
        author=author,
        published=published,
        labels=tuple(labels),
        platform_id=post_id,
        zone=zone,
    )


def is_hidden(tag: Tag) -> bool:
    """Hidden by Blogger's `hidden` class or an inline display:none."""
    style = (attr(tag, "style") or "").replace(" ", "").lower()
    return "hidden" in classes_of(tag) or "display:none" in style


def count_shown(index: PageIndex) -> int | None:
    """The "12 comments" heading of `#comments`, else the post's comment-count bubble."""
    container = index.by_id.get("comments")
    if container is not None:
        for heading in container.find_all(["h2", "h3", "h4"], limit=2):
            count = comment_count_from_text(text_of(heading))
            if count is not None:
                return count
    for bubble in index.classes("comments-count")[:1]:
        return comment_count_from_text(attr(bubble, "title") or text_of(bubble))
    return None


def more_after(doc: Document, index: PageIndex, shown: int) -> tuple[str, ...]:
    """The comments feed from where the page stopped, when it says it holds more than it shows
    (a count above what was read, or a visible "Load more")."""
    count = count_shown(index)
    loadmore = [tag for tag in index.classes("loadmore") if not is_hidden(tag)]
    if (count is None or count <= shown) and not loadmore:
        return ()
    url = more_comments_url(feed_url(doc, index)[0], shown)
    return (url,) if url else ()
