"""A faithful WordPress stand-in on 127.0.0.1: permalinks, feeds, sitemaps, REST, comment pages."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from scraper.core.models import FetchedPage, FetchOutcome

Response = tuple[int, dict[str, str], bytes]
PER_PAGE = 10  # posts per listing page and per feed page (WordPress's default)


@dataclass
class WPComment:
    id: int
    parent: int
    author: str
    date: datetime
    text: str
    kind: str = "comment"  # or "pingback"
    approved: bool = True
    author_url: str = ""


@dataclass
class WPPost:
    id: int
    slug: str
    date: datetime
    title: str
    comments: list[WPComment] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/{self.date:%Y/%m/%d}/{self.slug}/"


def big_thread(first_id: int, start: datetime) -> list[WPComment]:
    """Seven threads (one five levels deep), a pingback each end, one unapproved reply."""
    comments: list[WPComment] = []
    next_id = first_id

    def add(parent: int, author: str, **extra: Any) -> int:
        nonlocal next_id
        next_id += 1
        moment = start + timedelta(hours=len(comments))
        comments.append(WPComment(next_id, parent, author, moment, f"Note {next_id}", **extra))
        return next_id

    # A pingback first: it lands on the oldest comment page, which REST (comments only) misses.
    add(0, "Early Blog", kind="pingback", author_url="https://early.example.net/p/")
    top = add(0, "Heron", author_url="https://heron.example.net/")
    parent = top
    for depth in range(4):  # depth 2..5 under the first thread
        parent = add(parent, f"Reply{depth}")
    add(top, "Hidden", approved=False)
    for number in range(6):
        thread = add(0, f"Reader{number}")
        if number % 2 == 0:
            add(thread, "Wren")
    add(0, "Other Blog", kind="pingback", author_url="https://other.example.net/p/")
    return comments


class WordPressSite:
    """The site's data plus switches for what a real install may have turned off."""

    def __init__(self, posts: int = 23, *, comments_per_page: int = 5) -> None:
        base = datetime(2020, 1, 1, 8, tzinfo=UTC)
        self.posts = [
            WPPost(100 + i, f"post-{i}", base + timedelta(days=9 * i), f"Post number {i}")
            for i in range(posts)
        ]
        self.posts.reverse()  # newest first, as WordPress lists them
        self.thread_post = self.posts[0]
        self.thread_post.comments = big_thread(500, self.thread_post.date + timedelta(hours=1))
        self.posts[1].comments = big_thread(700, self.posts[1].date + timedelta(hours=1))[:3]
        self.comments_per_page = comments_per_page
        self.feed = True
        self.feed_ignores_paged = False  # some caching setups serve page 1 for every ?paged=
        self.sitemap = True
        self.rest_status = 200  # 401: disabled by a security plugin
        # The site's General Settings zone, as the REST index reports it.
        self.timezone_string = ""
        self.gmt_offset: float = 0
        self.calendar = False
        self.base = ""
        self.hits: Counter[str] = Counter()

    # -- helpers -----------------------------------------------------------------------------
    def approved(self, post: WPPost) -> list[WPComment]:
        return [c for c in post.comments if c.approved]

    def by_path(self, path: str) -> WPPost | None:
        return next((p for p in self.posts if p.path == path), None)

    # -- routing -----------------------------------------------------------------------------
    def handle(self, target: str) -> Response:
        parts = urlsplit(target)
        path, query = parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.hits[path] += 1
        if path == "/robots.txt":
            lines = "User-agent: *\nDisallow: /wp-admin/\n"
            if self.sitemap:
                lines += f"Sitemap: {self.base}/wp-sitemap.xml\n"
            return 200, {"content-type": "text/plain"}, lines.encode()
        if path == "/" and "p" in query:
            post = next((p for p in self.posts if str(p.id) == query["p"]), None)
            if post:
                return 301, {"location": self.base + post.path}, b""
        if path == "/" or path.startswith("/page/"):
            number = int(path.strip("/").split("/")[-1]) if path != "/" else 1
            return self.listing(number)
        if path == "/feed/" and self.feed:
            return self.rss(1 if self.feed_ignores_paged else int(query.get("paged", "1")))
        if path.startswith("/wp-sitemap") and self.sitemap:
            return self.sitemaps(path)
        if path.startswith("/wp-json/"):
            return self.rest(path, query)
        if path == "/calendar/" and self.calendar:
            return self.calendar_page(query.get("ym", "2020-01"))
        return self.post_page(path)

    def html(self, body: str, status: int = 200) -> Response:
        return status, {"content-type": "text/html; charset=UTF-8"}, body.encode()

    def head(self, title: str, extra: str = "") -> str:
        return (
            f"<!DOCTYPE html><html lang='en'><head><meta charset='UTF-8'><title>{escape(title)}"
            "</title><meta name='generator' content='WordPress 6.4.2'>"
            f"<link rel='alternate' type='application/rss+xml' href='{self.base}/feed/'>"
            f"<link rel='https://api.w.org/' href='{self.base}/wp-json/'>{extra}</head>"
        )

    def listing(self, number: int) -> Response:
        chunk = self.posts[(number - 1) * PER_PAGE : number * PER_PAGE]
        if not chunk:
            return self.html("<html><body class='error404'>Not found</body></html>", 404)
        more = number * PER_PAGE < len(self.posts)
        rel = f"<link rel='next' href='{self.base}/page/{number + 1}/'>" if more else ""
        items = "".join(
            f"<article class='post-{p.id} post'><h2 class='entry-title'>"
            f"<a href='{self.base}{p.path}' rel='bookmark'>{escape(p.title)}</a></h2>"
            f"<a href='{self.base}{p.path}#comments'>Comments</a></article>"
            for p in chunk
        )
        nav = (
            f"<nav class='navigation posts-navigation'><div class='nav-links'>"
            f"<div class='nav-previous'><a href='{self.base}/page/{number + 1}/'>Older posts</a>"
            "</div></div></nav>"
            if more
            else ""
        )
        side = "<a href='/category/general/'>General</a><a href='/wp-admin/'>Admin</a>"
        if self.calendar:
            side += "<a href='/calendar/?ym=2020-01'>Calendar</a>"
        body = f"<body class='home blog'><main>{items}{nav}</main><aside>{side}</aside></body>"
        return self.html(self.head("Tidewater", rel) + body + "</html>")

    def calendar_page(self, ym: str) -> Response:
        year, month = (int(x) for x in ym.split("-"))
        after = f"{year + month // 12}-{month % 12 + 1:02d}"
        before = f"{year - (month == 1)}-{(month - 2) % 12 + 1:02d}"
        body = (
            f"<body><table id='wp-calendar'><caption>{ym}</caption></table>"
            f"<a href='/calendar/?ym={before}'>« prev</a> "
            f"<a href='/calendar/?ym={after}'>next »</a>"
            "</body></html>"
        )
        return self.html(self.head(f"Calendar {ym}") + body)

    def rss(self, paged: int) -> Response:
        chunk = self.posts[(paged - 1) * PER_PAGE : paged * PER_PAGE]
        if not chunk:
            return self.html("<html><body class='error404'>Not found</body></html>", 404)
        items = "".join(
            f"<item><title>{escape(p.title)}</title><link>{self.base}{p.path}</link>"
            f"<pubDate>{format_datetime(p.date)}</pubDate>"
            f"<guid isPermaLink='false'>{self.base}/?p={p.id}</guid></item>"
            for p in chunk
        )
        body = (
            "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
            f"<title>Tidewater</title><link>{self.base}</link>{items}</channel></rss>"
        )
        return 200, {"content-type": "application/rss+xml; charset=UTF-8"}, body.encode()

    def sitemaps(self, path: str) -> Response:
        xml = {"content-type": "application/xml; charset=UTF-8"}
        ns = "xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'"
        pages = (len(self.posts) + PER_PAGE - 1) // PER_PAGE
        if path == "/wp-sitemap.xml":
            children = [f"/wp-sitemap-posts-post-{n}.xml" for n in range(1, pages + 1)]
            children += ["/wp-sitemap-taxonomies-category-1.xml", "/wp-sitemap-users-1.xml"]
            locs = "".join(f"<sitemap><loc>{self.base}{c}</loc></sitemap>" for c in children)
            return (
                200,
                xml,
                f"<?xml version='1.0'?><sitemapindex {ns}>{locs}</sitemapindex>".encode(),
            )
        if path.startswith("/wp-sitemap-posts-post-"):
            number = int(path.rsplit("-", 1)[1].split(".", maxsplit=1)[0])
            chunk = self.posts[(number - 1) * PER_PAGE : number * PER_PAGE]
            urls = "".join(
                f"<url><loc>{self.base}{p.path}</loc><lastmod>{p.date.isoformat()}</lastmod></url>"
                for p in chunk
            )
            return 200, xml, f"<?xml version='1.0'?><urlset {ns}>{urls}</urlset>".encode()
        if path in ("/wp-sitemap-taxonomies-category-1.xml", "/wp-sitemap-users-1.xml"):
            url = "/category/general/" if "taxonomies" in path else "/author/wren/"
            body = f"<urlset {ns}><url><loc>{self.base}{url}</loc></url></urlset>"
            return 200, xml, body.encode()
        return self.html("<html><body>Not found</body></html>", 404)

    def rest(self, path: str, query: dict[str, str]) -> Response:
        headers = {"content-type": "application/json; charset=UTF-8"}
        if self.rest_status != 200:
            error = {"code": "rest_not_logged_in", "message": "REST API restricted"}
            return self.rest_status, headers, json.dumps(error).encode()
        if path == "/wp-json/":  # the index; `_fields` keeps only the named top-level keys
            index = {
                "name": "Stand-in",
                "timezone_string": self.timezone_string,
                "gmt_offset": self.gmt_offset,
                "routes": {"/wp/v2/posts": {}, "/wp/v2/comments": {}},
            }
            if "_fields" in query:
                wanted = query["_fields"].split(",")
                index = {key: value for key, value in index.items() if key in wanted}
            return 200, headers, json.dumps(index).encode()
        per_page, page = int(query.get("per_page", "10")), int(query.get("page", "1"))
        if per_page > 100:
            return 400, headers, b'{"code":"rest_invalid_param"}'
        if path == "/wp-json/wp/v2/posts":
            items: list[dict[str, Any]] = [
                {
                    "id": p.id,
                    "link": self.base + p.path,
                    "date_gmt": p.date.strftime("%Y-%m-%dT%H:%M:%S"),
                    "modified_gmt": p.date.strftime("%Y-%m-%dT%H:%M:%S"),
                }
                for p in self.posts
                if "after" not in query
                or p.date > datetime.fromisoformat(query["after"] + "+00:00")
            ]
        elif path == "/wp-json/wp/v2/comments":
            post = next((p for p in self.posts if str(p.id) == query.get("post")), None)
            kind = query.get("type", "comment")  # WordPress lists only `comment` unless asked
            chosen = [c for c in self.approved(post) if c.kind == kind] if post else []
            chosen.sort(key=lambda c: c.date, reverse=True)  # REST default: order=desc by date
            items = [self.rest_comment(post, c) for c in chosen if post]
        else:
            return 404, headers, b'{"code":"rest_no_route"}'
        total_pages = max(1, (len(items) + per_page - 1) // per_page)
        if page > total_pages:
            return 400, headers, b'{"code":"rest_post_invalid_page_number"}'
        headers |= {"x-wp-total": str(len(items)), "x-wp-totalpages": str(total_pages)}
        chunk = items[(page - 1) * per_page : page * per_page]
        return 200, headers, json.dumps(chunk).encode()

    def rest_comment(self, post: WPPost, c: WPComment) -> dict[str, Any]:
        return {
            "id": c.id,
            "post": post.id,
            "parent": c.parent,
            "author_name": c.author,
            "author_url": c.author_url,
            "date": c.date.strftime("%Y-%m-%dT%H:%M:%S"),
            "date_gmt": c.date.strftime("%Y-%m-%dT%H:%M:%S"),
            "content": {"rendered": f"<p>{escape(c.text)}</p>\n"},
            "link": f"{self.base}{post.path}#comment-{c.id}",
            "status": "approved",
            "type": c.kind,
        }

    # -- the post page, WordPress's default "newest comment page first" -------------------
    def post_page(self, path: str) -> Response:
        cpage: int | None = None
        if "/comment-page-" in path:
            path, _, rest = path.partition("comment-page-")
            cpage = int(rest.strip("/"))
        post = self.by_path(path)
        if post is None:
            return self.html("<html><body class='error404'>Not found</body></html>", 404)
        shown = self.approved(post)
        roots = [c for c in shown if c.parent == 0]
        pages = max(1, (len(roots) + self.comments_per_page - 1) // self.comments_per_page)
        cpage = cpage or pages
        if cpage > pages:
            return self.html("<html><body class='error404'>Not found</body></html>", 404)
        chunk = roots[(cpage - 1) * self.comments_per_page : cpage * self.comments_per_page]
        items = "".join(self.comment_li(post, c, shown, 1) for c in chunk)
        nav = ""
        if pages > 1:
            prev = f"{self.base}{post.path}comment-page-{cpage - 1}/#comments"
            nxt = f"{self.base}{post.path}comment-page-{cpage + 1}/#comments"
            nav = (
                "<nav class='navigation comment-navigation'><div class='nav-links'>"
                + (
                    f"<div class='nav-previous'><a href='{prev}'>Older Comments</a></div>"
                    if cpage > 1
                    else ""
                )
                + (
                    f"<div class='nav-next'><a href='{nxt}'>Newer Comments</a></div>"
                    if cpage < pages
                    else ""
                )
                + "</div></nav>"
            )
        title = f"{len(shown)} thoughts on “{escape(post.title)}”" if shown else ""
        comments = (
            f"<div id='comments' class='comments-area'><h2 class='comments-title'>{title}</h2>"
            f"<ol class='comment-list'>{items}</ol>{nav}</div>"
            if shown
            else "<div id='comments' class='comments-area'></div>"
        )
        extra = f"<link rel='shortlink' href='{self.base}/?p={post.id}'>"
        body = (
            f"<body class='post-template-default single single-post postid-{post.id}'>"
            f"<article id='post-{post.id}' class='post-{post.id} post type-post status-publish'>"
            f"<header><h1 class='entry-title'>{escape(post.title)}</h1>"
            f"<time class='entry-date published' datetime='{post.date.isoformat()}'>"
            f"{post.date:%B %d, %Y}</time> <span class='author vcard'><a class='url fn n' "
            f"href='{self.base}/author/wren/'>Wren</a></span></header>"
            f"<div class='entry-content'><p>Words of {escape(post.title)}.</p></div></article>"
            f"{comments}</body></html>"
        )
        return self.html(self.head(post.title, extra) + body)

    def comment_li(self, post: WPPost, c: WPComment, shown: list[WPComment], depth: int) -> str:
        odd = "odd" if c.id % 2 else "even"
        if c.kind == "pingback":
            return (
                f"<li id='comment-{c.id}' class='pingback {odd} depth-{depth}'>"
                f"<div class='comment-body'>Pingback: <a href='{c.author_url}' rel='external "
                f"nofollow ugc' class='url'>{escape(c.author)}</a> </div></li>"
            )
        kids = [k for k in shown if k.parent == c.id]
        author = (
            f"<a href='{c.author_url}' class='url' rel='ugc external nofollow'>"
            f"{escape(c.author)}</a>"
            if c.author_url
            else escape(c.author)
        )
        children = (
            "<ol class='children'>"
            + "".join(self.comment_li(post, k, shown, depth + 1) for k in kids)
            + "</ol>"
            if kids
            else ""
        )
        parent_class = " parent" if kids else ""
        by_author = " byuser comment-author-wren bypostauthor" if c.author == "Wren" else ""
        return (
            f"<li id='comment-{c.id}' class='comment {odd}{by_author} depth-{depth}"
            f"{parent_class}'><article id='div-comment-{c.id}' class='comment-body'>"
            "<footer class='comment-meta'><div class='comment-author vcard'>"
            f"<b class='fn'>{author}</b> <span class='says'>says:</span></div>"
            f"<div class='comment-metadata'><a href='{self.base}{post.path}#comment-{c.id}'>"
            f"<time datetime='{c.date.isoformat()}'>{c.date:%B %d, %Y at %H:%M}</time></a></div>"
            f"</footer><div class='comment-content'><p>{escape(c.text)}</p></div>"
            f"<div class='reply'><a rel='nofollow' class='comment-reply-link' "
            f"href='{self.base}{post.path}?replytocom={c.id}#respond'>Reply</a></div>"
            f"</article>{children}</li>"
        )


Handler = Callable[[str], Response]


@contextmanager
def serve(handle: Handler, on_base: Callable[[str], None] | None = None) -> Iterator[str]:
    """Serve `handle(path_and_query)` on an ephemeral 127.0.0.1 port; yields the base URL."""

    class _Request(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, headers, body = handle(self.path)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Request)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    if on_base:
        on_base(base)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def make_fetch(
    client: httpx.AsyncClient,
    requested: list[str],
    blocked: Callable[[str], bool] = lambda url: False,
) -> Callable[..., Any]:
    """A tiny fetch function with the Fetcher's signature, on httpx, no politeness."""

    async def fetch(
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "*/*",
        expect: str = "any",
    ) -> FetchOutcome:
        requested.append(url)
        if blocked(url):
            return FetchOutcome(url=url, status="robots_blocked", reason="robots.txt disallows")
        try:
            response = await client.get(url, headers={"accept": accept})
        except httpx.HTTPError as error:
            return FetchOutcome(url=url, status="failed", reason=f"{type(error).__name__}")
        now = datetime.now(UTC)
        if response.status_code >= 400:
            return FetchOutcome(
                url=url, status="failed", http_status=response.status_code, fetched_at=now
            )
        page = FetchedPage(
            url=url,
            final_url=str(response.url),
            status=response.status_code,
            headers={k.lower(): v for k, v in response.headers.items()},
            body=response.content,
            fetched_at=now,
            redirects=tuple(str(r.url) for r in response.history),
        )
        return FetchOutcome(url=url, status="ok", page=page, http_status=response.status_code)

    return fetch
