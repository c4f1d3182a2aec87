"""A hostile blog on 127.0.0.1: one payload of attacker-chosen comment fields, served through a
WordPress page, its REST comments, and a Blogger page's JSON comments feed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

Response = tuple[int, dict[str, str], bytes]

WP_POST_ID = "42"
WP_PATH = "/2024/01/02/hostile/"
BLOGGER_POST_ID = "4400000000000000001"
BLOGGER_PATH = "/2016/01/der-garten-im-winter.html"
_BLOGGER_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures/pages/blogger-threaded.html"
_BLOGGER_HOST = "https://gartenheft.example.blogspot.com"
_BLOGGER_ON_PAGE = 5  # comments the fixture page shows


@dataclass(frozen=True)
class Payload:
    """What the attacker controls in a comment: raw strings, put where each source puts them."""

    author: str
    author_url: str
    permalink: str
    html: str  # the comment's body, as raw HTML


class HostileBlog:
    """Serves the current `payload` (tests swap it between examples); `base` is set by serve."""

    def __init__(self, payload: Payload) -> None:
        self.payload = payload
        self.base = ""

    @property
    def wp_url(self) -> str:
        return self.base + WP_PATH

    @property
    def blogger_url(self) -> str:
        return self.base + BLOGGER_PATH

    def handle(self, target: str) -> Response:
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == WP_PATH:
            return _html(self.wordpress_page())
        if parts.path == "/wp-json/wp/v2/comments" and query.get("post") == WP_POST_ID:
            return _json(self.rest_comments(), {"x-wp-total": "2", "x-wp-totalpages": "1"})
        if parts.path == BLOGGER_PATH:
            return _html(self.blogger_page())
        if parts.path == f"/feeds/{BLOGGER_POST_ID}/comments/default":
            return _json(self.blogger_feed())
        return 404, {"content-type": "text/plain"}, b"not found"

    # -- (a) a WordPress page: the comment in the markup; 3 shown, 1 on the page ----------
    def wordpress_page(self) -> str:
        p = self.payload
        comment = (
            "<li id='comment-1' class='comment even depth-1'>"
            "<article id='div-comment-1' class='comment-body'><footer class='comment-meta'>"
            "<div class='comment-author vcard'><b class='fn'>"
            f"<a href=\"{escape(p.author_url)}\" class='url' rel='ugc external nofollow'>"
            f"{escape(p.author, quote=False)}</a></b> <span class='says'>says:</span></div>"
            f"<div class='comment-metadata'><a href=\"{escape(p.permalink)}\">"
            "<time datetime='2024-01-02T10:00:00+00:00'>January 2, 2024 at 10:00</time></a>"
            f"</div></footer><div class='comment-content'>{p.html}</div></article></li>"
        )
        return (
            "<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>{escape(p.author, quote=False)} – Hostile</title>"
            "<meta name='generator' content='WordPress 6.4'>"
            f"<link rel='https://api.w.org/' href='{self.base}/wp-json/'></head>"
            f"<body class='post-template-default single single-post postid-{WP_POST_ID}'>"
            f"<article id='post-{WP_POST_ID}' class='post-{WP_POST_ID} post type-post'>"
            f"<header><h1 class='entry-title'>{escape(p.author, quote=False)}</h1>"
            "<time class='entry-date published' datetime='2024-01-02T08:00:00+00:00'>"
            "January 2, 2024</time></header>"
            f"<div class='entry-content'>{p.html}</div></article>"
            "<div id='comments' class='comments-area'>"
            "<h2 class='comments-title'>3 thoughts on “Hostile”</h2>"
            f"<ol class='comment-list'>{comment}</ol></div></body></html>"
        )

    # -- (b) WordPress REST: two more comments, one a reply -------------------------------
    def rest_comments(self) -> list[dict[str, Any]]:
        p = self.payload
        return [
            {
                "id": number,
                "post": int(WP_POST_ID),
                "parent": parent,
                "author_name": p.author,
                "author_url": p.author_url,
                "date_gmt": f"2024-01-02T1{number}:00:00",
                "content": {"rendered": p.html},
                "link": p.permalink,
                "type": "comment",
            }
            for number, parent in ((2, 0), (3, 2))
        ]

    # -- (c) a Blogger page showing 5 of 7 comments, the other 2 in its JSON feed ---------
    def blogger_page(self) -> str:
        page = _BLOGGER_FIXTURE.read_text(encoding="utf-8").replace(_BLOGGER_HOST, self.base)
        shown = _BLOGGER_ON_PAGE + 2
        return page.replace(f">{_BLOGGER_ON_PAGE} Kommentare:<", f">{shown} Kommentare:<")

    def blogger_feed(self) -> dict[str, Any]:
        p = self.payload
        entries = []
        for number, parent in ((101, None), (102, 101)):
            links = [{"rel": "alternate", "type": "text/html", "href": p.permalink}]
            if parent:
                related = f"{self.base}/feeds/{BLOGGER_POST_ID}/comments/default/{parent}"
                links.append({"rel": "related", "href": related})
            entries.append(
                {
                    "id": {"$t": f"tag:blogger.com,1999:blog-1.post-{number}"},
                    "published": {"$t": "2016-01-11T10:00:00.000+00:00"},
                    "content": {"type": "html", "$t": p.html},
                    "link": links,
                    "author": [{"name": {"$t": p.author}, "uri": {"$t": p.author_url}}],
                    "thr$in-reply-to": {
                        "ref": f"tag:blogger.com,1999:blog-1.post-{BLOGGER_POST_ID}"
                    },
                }
            )
        feed = {"openSearch$totalResults": {"$t": "2"}, "entry": entries, "link": []}
        return {"feed": feed}


def _html(body: str) -> Response:
    return 200, {"content-type": "text/html; charset=UTF-8"}, body.encode("utf-8")


def _json(data: object, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data).encode()
    return 200, {"content-type": "application/json; charset=UTF-8", **(headers or {})}, body
