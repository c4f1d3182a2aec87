"""Pure parsers of comment APIs: Blogger's comments feed (JSON) and WordPress REST comments.

Every comment leaves through `_sanitised`: an API's answer is as hostile as any page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from lxml import etree  # type: ignore[import-untyped]
from lxml import html as lxml_html

from scraper.core.models import Comment, CommentKind
from scraper.core.sanitise import clean_comment, clean_text
from scraper.discover.sources import (
    POST_ID,
    gd_link,
    gd_text,
    load_blogger_json,
    load_json_array,
    parse_datetime,
    to_int,
)
from scraper.parse.sources import labelled

_RELATED_PARENT = re.compile(r"/comments/default/(\d+)/?$")
_KINDS: dict[str, CommentKind] = {"pingback": "pingback", "trackback": "trackback"}
# The labels an API's values carry in `sources` (a page's carry its parser's or cue's).
BLOGGER_FEED = "blogger-feed"
WORDPRESS_REST = "wordpress-rest"


@dataclass(frozen=True, slots=True)
class CommentBatch:
    """One page of a comment API: comments in the API's order, plus paging facts."""

    comments: tuple[Comment, ...]
    total: int | None = None
    total_pages: int | None = None
    next_url: str | None = None
    # The post ids the items themselves name, to prove the answer is the asked post's.
    post_ids: frozenset[str] = frozenset()


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment, line breaks kept as newlines, spaces collapsed."""
    if not fragment.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return fragment.strip()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in root.iter("p", "div", "li", "blockquote"):
        block.tail = "\n" + (block.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _sanitised(comment: Comment, source: str) -> Comment:
    """The comment with its HTML sanitised, its text read from that HTML (a script's source
    is not text) and every other field cleaned (see `scraper.core.sanitise`); each filled
    field labelled with the API it came from."""
    safe = clean_comment(comment)
    return labelled(replace(safe, text=html_to_text(safe.html)), source)


def _properties(item: Mapping[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for prop in item.get("gd$extendedProperty", []) or []:
        if isinstance(prop, dict) and isinstance(prop.get("name"), str):
            found[prop["name"]] = str(prop.get("value", ""))
    return found


def parse_blogger_comments(body: bytes) -> CommentBatch:
    """Parse `/feeds/POSTID/comments/default?alt=json`: parents from each `related` link."""
    feed = load_blogger_json(body)
    comments: list[Comment] = []
    post_ids: set[str] = set()
    for item in feed.get("entry", []) or []:
        if not isinstance(item, dict):
            continue
        reply_to = item.get("thr$in-reply-to")
        if isinstance(reply_to, dict):
            named = POST_ID.search(str(reply_to.get("ref") or ""))
            if named:
                post_ids.add(named.group(1))
        match = POST_ID.search(gd_text(item.get("id")))
        if not match:
            continue
        related = gd_link(item.get("link"), "related") or ""
        parent = _RELATED_PARENT.search(related)
        authors = item.get("author") or [{}]
        author = authors[0] if isinstance(authors, list) and authors else {}
        props = _properties(item)
        content = gd_text(item.get("content")) or gd_text(item.get("summary"))
        deleted = props.get("blogger.contentRemoved", "").lower() == "true"
        author_url = gd_text(author.get("uri")) or None
        comments.append(
            _sanitised(
                Comment(
                    id=match.group(1),
                    parent_id=parent.group(1) if parent else None,
                    author=gd_text(author.get("name")) or None,
                    author_url=author_url,
                    published=parse_datetime(gd_text(item.get("published"))),
                    html=content,
                    deleted=deleted,
                    permalink=gd_link(item.get("link"), "alternate"),
                ),
                BLOGGER_FEED,
            )
        )
    next_link = gd_link(feed.get("link"), "next")
    return CommentBatch(
        comments=tuple(comments),
        total=to_int(gd_text(feed.get("openSearch$totalResults"))),
        next_url=next_link,
        post_ids=frozenset(post_ids),
    )


def parse_wp_rest_comments(body: bytes, headers: Mapping[str, str]) -> CommentBatch:
    """Parse `/wp-json/wp/v2/comments` (a JSON array) and its X-WP-Total* headers."""
    data = load_json_array(body, "REST comments")
    comments: list[Comment] = []
    post_ids: set[str] = set()
    for item in data:
        if not isinstance(item, dict) or item.get("id") is None:
            continue
        if item.get("post") not in (None, "", 0):
            post_ids.add(clean_text(str(item["post"])))
        content = item.get("content")
        rendered = content.get("rendered", "") if isinstance(content, dict) else ""
        parent = item.get("parent")
        comments.append(
            _sanitised(
                Comment(
                    id=str(item["id"]),
                    parent_id=str(parent) if parent not in (None, 0, "0", "") else None,
                    kind=_KINDS.get(str(item.get("type") or "comment"), "comment"),
                    author=str(item.get("author_name") or "") or None,
                    author_url=str(item.get("author_url") or "") or None,
                    published=parse_datetime(item.get("date_gmt")),
                    html=str(rendered),
                    permalink=str(item.get("link") or "") or None,
                ),
                WORDPRESS_REST,
            )
        )
    lowered = {key.lower(): value for key, value in headers.items()}
    return CommentBatch(
        comments=tuple(comments),
        total=to_int(lowered.get("x-wp-total")),
        total_pages=to_int(lowered.get("x-wp-totalpages")),
        post_ids=frozenset(post_ids),
    )
