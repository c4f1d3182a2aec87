"""WordPress as a profile: `li#comment-N` items in `ol.comment-list` (classic, HTML5 and block
themes), replies in `.children`, the Disqus plugin's fallback list, wpDiscuz's items."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import tzinfo

from bs4 import Tag

from scraper.core.models import Post
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import attr, classes_of
from scraper.parse.platforms.engine import ProfileParser
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.profile import Fingerprint, Profile, Thread
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

# The lists `wp_list_comments()` and the block themes print, by class or by id
# (`dl#comment_list`, `ol#commentlist`), and the plugins' lists.
_LISTS = (
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


def _number(block: Tag, _thread: Thread | None = None) -> str | None:
    key = attr(block, "id") or ""
    match = _COMMENT_ID.match(key) or _DISCUZ_ID.match(key)
    return match.group(1) if match else None


def _stated_parent(block: Tag, _thread: Thread) -> str | None:
    """The parent a wpDiscuz item's id names (`wc-comm-ID_PARENT`), None at top level."""
    match = _DISCUZ_ID.match(attr(block, "id") or "")
    return match.group(2) if match and match.group(2) != "0" else None


def _lists(index: PageIndex) -> list[Tag]:
    """The outermost comment lists, else the `#comments` area."""
    roots: list[Tag] = []
    for name, tags in index.by_class.items():
        if name.replace("_", "-") in _LISTS:
            roots.extend(tag for tag in tags if tag.name in ("ol", "ul", "div", "dl"))
    roots.extend(tag for key, tag in index.by_id.items() if key.lower().replace("_", "-") in _LISTS)
    roots = [r for r in roots if not any(o is not r and o in r.parents for o in roots)]
    if not roots:
        area = index.by_id.get("comments") or index.first_class("comments-area", "comments_area")
        roots = [area] if area is not None else []
    return roots


def _blocks(index: PageIndex) -> Iterator[Tag]:
    """The outermost element of each comment in the lists, the first per comment number; an
    empty element (a bare anchor target) names a comment but holds none of it."""
    candidates = [
        tag
        for key, tag in index.by_id.items()
        if "comm" in key and (_COMMENT_ID.match(key) or _DISCUZ_ID.match(key))
    ]
    seen: set[str] = set()
    for root in sorted(_lists(index), key=index.position):
        for tag in index.inside(root, candidates):
            number = _number(tag)
            if number is None or number in seen or next(tag.stripped_strings, None) is None:
                continue
            seen.add(number)
            yield tag


def _post(doc: Document, index: PageIndex, zone: tzinfo) -> Post:
    return wordpress_post(doc, index, wordpress_post_id(doc, index), zone)


def _single(_doc: Document, index: PageIndex) -> bool:
    """`body_class()` says `single` on a post's own page."""
    bodies = index.names("body")
    return bool(bodies) and bool({"single", "single-post"} & set(classes_of(bodies[0])))


PROFILE = Profile(
    name="wordpress",
    # The site's own theme, plugins and scripts, its REST API link, core's comment markup: an
    # image of another WordPress blog (`/wp-content/uploads/` in a comment) is no fingerprint.
    fingerprint=Fingerprint(
        platform=(
            "/wp-content/themes/",
            "/wp-content/plugins/",
            "/wp-includes/",
            "https://api.w.org/",
            "comment-reply-link",
            "wp-block-comment-template",
            'content="WordPress',
            "content='WordPress",
        )
    ),
    blocks=_blocks,
    author=(
        "fn",
        "wp-block-comment-author-name",
        "comment-author-name",
        "comment-author",
        "wc-comment-author",
        "wpd-comment-author",
    ),
    # Classic themes print the name in a `cite` or a heading of the comment.
    name_tags=("cite", "h2", "h3", "h4", "h5", "h6"),
    time=(
        "wp-block-comment-date",
        "comment-date",
        "comment-metadata",
        "commentmetadata",
        "comment-meta",
        "comment-time",
        "wc-comment-date",
        "wpd-comment-date",
    ),
    body=(
        "comment-content",
        "wp-block-comment-content",
        "comment-text",
        "comment-entry",
        "commenttext",
        "dsq-comment-message",
        "wc-comment-text",
        "wpd-comment-text",
        "comment-body",
    ),
    anchor="comment-{id}",  # get_comment_link()'s fragment
    comment_id=_number,
    parent=_stated_parent,
    reply_list="children",
    post=_post,
    count=lambda index, _area: count_shown(index),
    more_comments=lambda doc, index, _shown: comment_pages(doc, index),
    is_post=_single,
)

PARSER = ProfileParser(PROFILE)
