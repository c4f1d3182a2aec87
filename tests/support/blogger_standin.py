"""A Blogger stand-in: paged Atom posts feed, JSON comments feed with replies, older-posts pager."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any
from urllib.parse import parse_qs, urlsplit

Response = tuple[int, dict[str, str], bytes]
BLOG_ID = "4242"


@dataclass
class BComment:
    id: str
    parent: str | None
    author: str
    published: datetime
    removed: bool = False


class BloggerSite:
    """Blogger's URL space for `posts` posts; `page_cap` stands in for its 150-per-request cap."""

    def __init__(self, posts: int = 7, *, page_cap: int = 150) -> None:
        base = datetime(2019, 5, 1, 12, tzinfo=UTC)
        self.posts = [
            (str(9000 + i), f"entry-{i}", base + timedelta(days=20 * i)) for i in range(posts)
        ]
        self.posts.reverse()
        self.page_cap = page_cap
        self.base = ""
        self.feed = True
        self.hits: Counter[str] = Counter()
        start = self.posts[0][2]
        self.comments: list[BComment] = []
        for n in range(9):
            cid = str(800000000000000 + n)
            parent = str(800000000000000 + n - 1) if n % 3 == 2 else None
            self.comments.append(BComment(cid, parent, f"Reader{n}", start + timedelta(hours=n)))
        self.comments[4].removed = True

    def url_of(self, post: tuple[str, str, datetime]) -> str:
        return f"{self.base}/{post[2]:%Y/%m}/{post[1]}.html"

    def handle(self, target: str) -> Response:
        parts = urlsplit(target)
        path, query = parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.hits[path] += 1
        start = int(query.get("start-index", "1"))
        size = min(int(query.get("max-results", "25")), self.page_cap)
        if path == "/feeds/posts/default" and self.feed:
            return self.posts_feed(start, size)
        if path == f"/feeds/{self.posts[0][0]}/comments/default":
            return self.comments_feed(start, size)
        if path in ("/", "/search"):
            return self.home(query.get("updated-max"))
        return 404, {"content-type": "text/html"}, b"<html><body>Not found</body></html>"

    def home(self, before: str | None) -> Response:
        shown = [p for p in self.posts if before is None or p[2].isoformat() < before][:3]
        links = "".join(
            f"<h3 class='post-title'><a href='{self.url_of(p)}'>{p[1]}</a></h3>" for p in shown
        )
        older = ""
        if shown and shown[-1] != self.posts[-1]:
            stamp = shown[-1][2].isoformat()
            older = (
                f"<a class='blog-pager-older-link' href='{self.base}/search?updated-max="
                f"{stamp}&amp;max-results=3'>Older Posts</a>"
            )
        page = (
            "<html><head><meta name='generator' content='Blogger'>"
            "<link rel='alternate' type='application/atom+xml' "
            f"href='{self.base}/feeds/posts/default'></head><body>{links}"
            f"<div id='blog-pager'>{older}</div>"
            f"<a href='{self.base}/search/label/Paper'>Paper</a></body></html>"
        )
        return 200, {"content-type": "text/html; charset=UTF-8"}, page.encode()

    def posts_feed(self, start: int, size: int) -> Response:
        chunk = self.posts[start - 1 : start - 1 + size]
        entries = "".join(
            f"<entry><id>tag:blogger.com,1999:blog-{BLOG_ID}.post-{pid}</id>"
            f"<published>{when.isoformat()}</published><updated>{when.isoformat()}</updated>"
            f"<title>{escape(slug)}</title><link rel='alternate' type='text/html' "
            f"href='{self.url_of((pid, slug, when))}'/></entry>"
            for pid, slug, when in chunk
        )
        nxt = ""
        if start - 1 + size < len(self.posts):
            href = (
                f"{self.base}/feeds/posts/default?start-index={start + size}&amp;max-results={size}"
            )
            nxt = f"<link rel='next' type='application/atom+xml' href='{href}'/>"
        body = (
            "<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom' "
            "xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/'>"
            f"<id>tag:blogger.com,1999:blog-{BLOG_ID}</id><title>Lantern</title>{nxt}"
            f"<openSearch:totalResults>{len(self.posts)}</openSearch:totalResults>"
            f"<openSearch:startIndex>{start}</openSearch:startIndex>{entries}</feed>"
        )
        return 200, {"content-type": "application/atom+xml; charset=UTF-8"}, body.encode()

    def comments_feed(self, start: int, size: int) -> Response:
        pid = self.posts[0][0]
        chunk = self.comments[start - 1 : start - 1 + size]
        entries: list[dict[str, Any]] = []
        for c in chunk:
            links = [
                {
                    "rel": "alternate",
                    "type": "text/html",
                    "href": f"{self.url_of(self.posts[0])}#c{c.id}",
                }
            ]
            if c.parent:
                related = (
                    f"https://www.blogger.com/feeds/{BLOG_ID}/{pid}/comments/default/{c.parent}"
                )
                links.append({"rel": "related", "href": related})
            entry: dict[str, Any] = {
                "id": {"$t": f"tag:blogger.com,1999:blog-{BLOG_ID}.post-{c.id}"},
                "published": {"$t": c.published.isoformat()},
                "content": {"$t": "Removed." if c.removed else f"Comment by {c.author}"},
                "link": links,
                "author": [{"name": {"$t": c.author}}],
            }
            if c.removed:
                entry["gd$extendedProperty"] = [{"name": "blogger.contentRemoved", "value": "true"}]
            entries.append(entry)
        feed: dict[str, Any] = {
            "openSearch$totalResults": {"$t": str(len(self.comments))},
            "openSearch$startIndex": {"$t": str(start)},
            "entry": entries,
            "link": [],
        }
        return 200, {"content-type": "application/json"}, json.dumps({"feed": feed}).encode()
