"""Serve the two demo blogs on 127.0.0.1 (one ephemeral port each) with caching, 304s and gzip."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import socket
import threading
import time
from dataclasses import dataclass, replace
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Literal
from urllib.parse import parse_qsl, urlsplit

from scraper.core.errors import NotFoundError
from scraper.demo.content import DemoBlog, build_blogs, with_change, with_comment
from scraper.demo.routes import Page, route
from scraper.demo.stories import BETWEEN_RUNS


@dataclass(frozen=True)
class DemoSite:
    """One served demo blog: its config name, platform and root URL (with a trailing slash)."""

    name: str
    platform: Literal["blogger", "wordpress"]
    base_url: str


@dataclass(frozen=True, slots=True)
class _Rendered:
    page: Page
    body: bytes
    gzipped: bytes | None
    etag: str


class _Site:
    """One blog's mutable serving state: the content, a render cache, its HTTP server."""

    def __init__(self, owner: DemoServer, blog: DemoBlog) -> None:
        self.owner = owner
        self.blog = blog
        self.lock = threading.Lock()
        self.cache: dict[str, _Rendered] = {}
        self.connections: set[socket.socket] = set()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.site = self  # type: ignore[attr-defined]
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, daemon=True, name=f"demo-{blog.name}"
        )

    def render(self, target: str) -> _Rendered:
        """Render lazily, once per URL until the content changes."""
        with self.lock:
            cached = self.cache.get(target)
            blog = self.blog
        if cached is not None:
            return cached
        parts = urlsplit(target)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        page = route(blog, self.base, parts.path or "/", params)
        body = page.body.encode("utf-8")
        digest = hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20]
        rendered = _Rendered(page, body, None, f'W/"{digest}"')
        if len(body) > 200:
            rendered = replace(rendered, gzipped=gzip.compress(body, mtime=0))
        with self.lock:
            if self.blog is blog:  # content changed meanwhile: do not cache stale output
                self.cache[target] = rendered
        return rendered


def _wants_gzip(header: str | None) -> bool:
    for token in (header or "").split(","):
        name, _, params = token.strip().partition(";")
        if name.strip().lower() in ("gzip", "x-gzip", "*"):
            quality = params.strip().removeprefix("q=")
            return not (params and quality.replace(".", "").strip("0") == "")
    return False


def _not_modified(rendered: _Rendered, inm: str | None, ims: str | None) -> bool:
    if inm is not None:
        tags = {tag.strip().removeprefix("W/") for tag in inm.split(",")}
        return "*" in tags or rendered.etag.removeprefix("W/") in tags
    modified = rendered.page.last_modified
    if ims is None or modified is None:
        return False
    try:
        since = parsedate_to_datetime(ims)
    except (TypeError, ValueError):
        return False
    return since.tzinfo is not None and modified.replace(microsecond=0) <= since


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "blogarchive-demo/0.1"
    timeout = 15  # idle keep-alive connections end on their own
    disable_nagle_algorithm = True  # headers and body go out separately: no 40 ms ACK stalls

    @property
    def site(self) -> _Site:
        site: _Site = self.server.site  # type: ignore[attr-defined]
        return site

    def setup(self) -> None:
        super().setup()
        with self.site.lock:
            self.site.connections.add(self.connection)

    def finish(self) -> None:
        with self.site.lock:
            self.site.connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the request log is kept in memory for tests instead."""

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, *, head: bool) -> None:
        site = self.site
        if site.owner.latency:
            time.sleep(site.owner.latency)
        rendered = site.render(self.path)
        page = rendered.page
        status = page.status
        if status == 200 and _not_modified(
            rendered, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        ):
            status = 304
        # Logged before answering, so a client that has its response sees it in the log.
        site.owner.record(self.command, self.path, status, site.blog.name)
        self.send_response(status)
        for name, value in page.headers:
            self.send_header(name, value)
        if status in (200, 304):
            self.send_header("ETag", rendered.etag)
            if page.last_modified is not None:
                self.send_header("Last-Modified", format_datetime(page.last_modified, usegmt=True))
            self.send_header("Vary", "Accept-Encoding")
        body = b""
        if status != 304:
            body = rendered.body
            self.send_header("Content-Type", page.content_type)
            if rendered.gzipped is not None and _wants_gzip(self.headers.get("Accept-Encoding")):
                body = rendered.gzipped
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and body:
            self.wfile.write(body)


class DemoServer:
    """Both demo blogs, served in daemon threads while the context is open."""

    def __init__(self, *, extra_posts: int = 0, seed: int = 7, latency: float = 0.0) -> None:
        self.latency = latency
        self._log: list[tuple[str, str, int]] = []
        self._per_site: dict[str, int] = {}
        self._times: dict[str, list[float]] = {}
        self._log_lock = threading.Lock()
        self._blogs = build_blogs(extra_posts, seed)
        self._sites: list[_Site] = []
        self.sites: tuple[DemoSite, ...] = ()
        self._started = False

    def __enter__(self) -> DemoServer:
        # Ports are bound here, not in __init__, so an unused DemoServer holds no sockets.
        self._sites = [_Site(self, blog) for blog in self._blogs]
        self.sites = tuple(
            DemoSite(site.blog.name, site.blog.platform, site.base + "/") for site in self._sites
        )
        for site in self._sites:
            site.thread.start()
        self._started = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving, end open keep-alive connections and free the ports."""
        for site in self._sites:
            if self._started:
                site.httpd.shutdown()
            with site.lock:
                connections = list(site.connections)
            for connection in connections:
                with contextlib.suppress(OSError):  # already closed by the client
                    connection.shutdown(socket.SHUT_RDWR)
            site.httpd.server_close()
            if self._started:
                site.thread.join(timeout=5)
        self._started = False

    def site(self, name: str) -> DemoSite:
        for site in self.sites:
            if site.name == name:
                return site
        raise NotFoundError(f"no demo site named {name!r}")

    def blog(self, name: str) -> DemoBlog:
        """The current content of one site (after any `add_comment`)."""
        for site in self._sites:
            if site.blog.name == name:
                return site.blog
        raise NotFoundError(f"no demo site named {name!r}")

    def add_comment(self, site: str, post_index: int, author: str, text: str) -> None:
        """A new top-level comment on `posts[post_index]` (newest first); changes ETags."""
        for state in self._sites:
            if state.blog.name == site:
                with state.lock:
                    state.blog = with_comment(state.blog, post_index, author, text)
                    state.cache.clear()
                return
        raise NotFoundError(f"no demo site named {site!r}")

    def change_between_runs(self) -> None:
        """Apply the demo's scripted edit, deletion and removal (`stories.BETWEEN_RUNS`)."""
        for change in BETWEEN_RUNS:
            state = next((site for site in self._sites if site.blog.name == change.site), None)
            if state is None:
                raise NotFoundError(f"no demo site named {change.site!r}")
            with state.lock:
                state.blog = with_change(state.blog, change)
                state.cache.clear()

    def record(self, method: str, path: str, status: int, site: str = "") -> None:
        with self._log_lock:
            self._log.append((method, path, status))
            self._per_site[site] = self._per_site.get(site, 0) + 1
            self._times.setdefault(site, []).append(time.monotonic())

    def requests_by_site(self) -> dict[str, int]:
        """How many requests each blog (each its own host:port) has answered so far."""
        with self._log_lock:
            return dict(self._per_site)

    def request_times(self) -> dict[str, list[float]]:
        """When each blog received each request (time.monotonic()), in arrival order."""
        with self._log_lock:
            return {site: list(times) for site, times in self._times.items()}

    def request_count(self) -> int:
        with self._log_lock:
            return len(self._log)

    def request_log(self) -> list[tuple[str, str, int]]:
        with self._log_lock:
            return list(self._log)
