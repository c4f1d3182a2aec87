"""The discovery sources, each an async generator of posts ending in "was it the whole site?"."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scraper.core.config import SiteConfig
from scraper.core.errors import ArchiveFullError, BlogArchiveError
from scraper.core.models import FetchedPage, FetchOutcome, unusable_reason
from scraper.core.urls import classify_url, in_scope, normalise_url, site_root
from scraper.discover.sources import (
    Entry,
    Listing,
    parse_feed,
    parse_sitemap,
    parse_wp_rest_posts,
    parse_wp_zone,
    read_listing,
    sitemaps_from_robots,
)

log = logging.getLogger("blogarchive.discover")

FetchFn = Callable[..., Awaitable[FetchOutcome]]
SitemapsFn = Callable[[str], Awaitable[tuple[str, ...]]]
LastmodFn = Callable[[str], datetime | None]
_SITEMAP_GUESSES = ("sitemap.xml", "wp-sitemap.xml", "sitemap_index.xml")
# Child sitemaps of taxonomies and users list archive pages, never posts: not worth a request.
_SKIP_CHILD_SITEMAP = re.compile(r"taxonom|users|author|category|tag", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Discovered:
    """A URL discovery hands to the frontier."""

    url: str
    kind: Literal["post", "listing", "comments"]
    lastmod: datetime | None = None
    source: str = ""


@dataclass(frozen=True, slots=True)
class DiscoveryLimits:
    """Guards against traps: pages per source, link depth and link pages, sitemap nesting."""

    pages_per_source: int = 500
    link_depth: int = 3
    link_pages: int = 200
    sitemap_depth: int = 3
    empty_streak: int = 3  # listing pages in a row without a new post end a pagination chain


class SiteRun:
    """State of one site's discovery: what was yielded, the cached home page, the caps."""

    def __init__(
        self,
        site: SiteConfig,
        *,
        fetch: FetchFn,
        sitemaps: SitemapsFn | None,
        known_lastmod: LastmodFn | None,
        cap: int,
        limits: DiscoveryLimits,
        is_known: Callable[[str], bool] | None = None,
    ) -> None:
        self.site, self.fetch, self.sitemaps = site, fetch, sitemaps
        self.is_known = is_known
        self.known_lastmod, self.cap, self.limits = known_lastmod, cap, limits
        self.root = site_root(normalise_url(site.url) or site.url)
        parts = urlsplit(self.root)
        self.origin = urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
        self.include = [re.compile(p) for p in site.include]
        self.exclude = [re.compile(p) for p in site.exclude]
        self.seen: set[str] = set()
        self.yielded = 0
        self.home: Listing | None = None
        self.home_url = normalise_url(site.url) or site.url

    @property
    def full(self) -> bool:
        return self.yielded >= self.cap

    async def get(self, url: str, expect: str, source: str) -> FetchedPage | None:
        """Fetch one discovery URL; any failure is logged as the source's reason and is None."""
        try:
            outcome = await self.fetch(url, expect=expect)
        except ArchiveFullError:
            raise  # the archive, not this source: the run stops
        except Exception as error:  # a source that fails is skipped, never the run
            log.info("%s: skipped %s: %s: %s", source, url, type(error).__name__, error)
            return None
        problem = unusable_reason(outcome)
        if problem is not None or outcome.page is None:
            log.info("%s: skipped %s: %s", source, url, problem)
            return None
        return outcome.page

    def scoped(self, url: str) -> bool:
        return in_scope(url, self.root, subdomains=self.site.subdomains) and not any(
            p.search(url) for p in self.exclude
        )

    def accept(self, entry: Entry, source: str, *, trust_kind: bool) -> Discovered | None:
        """The Discovered for a post entry, or None when it is out, filtered, old or known."""
        url = normalise_url(entry.url)
        if url is None or url in self.seen or not self.scoped(url):
            return None
        if not trust_kind and classify_url(url) != "post":
            return None
        if self.include and not any(p.search(url) for p in self.include):
            return None
        since = self.site.since
        dated = entry.published or entry.lastmod  # a lastmod before `since` means published too
        if since is not None and dated is not None and dated < since:
            return None
        self.seen.add(url)
        if self.known_lastmod is not None and entry.lastmod is not None:
            known = self.known_lastmod(url)
            if known is not None and entry.lastmod <= known:
                return None
        self.yielded += 1
        return Discovered(url=url, kind="post", lastmod=entry.lastmod, source=source)

    def only_known(self, entries: Iterable[Entry]) -> bool:
        """True when every post of this feed page is archived already: the older pages were
        read by an earlier full discovery, so an incremental run stops paging here."""
        if self.is_known is None:
            return False
        return all(self.is_known(normalise_url(e.url) or e.url) for e in entries)

    def older_than_since(self, entries: Iterable[Entry]) -> bool:
        """True when nothing after this feed page can be new enough: the page is newest first
        and already reaches back past `since`."""
        since = self.site.since
        dates = [e.lastmod for e in entries]
        if since is None or not dates or any(d is None for d in dates):
            return False
        known = [d for d in dates if d is not None]
        newest_first = all(a >= b for a, b in pairwise(known))
        return known[-1] < since if newest_first else all(d < since for d in known)

    async def home_listing(self) -> Listing:
        if self.home is None:
            page = await self.get(self.home_url, "html", "home")
            self.home = read_listing(page.body, page.final_url) if page else Listing()
        return self.home


async def feed_step(run: SiteRun, platform: str | None) -> AsyncGenerator[Discovered | bool, None]:
    """Platform feed with paging; yields posts, then True when the feed was read to its end."""
    home = await run.home_listing()
    if platform == "blogger":
        url: str | None = f"{run.origin}feeds/posts/default?max-results=150&start-index=1"
    elif platform == "wordpress":
        url = f"{run.root}feed/"
    else:
        url = next((f for f in home.feeds if "comments" not in f), None)
    wp_paged = platform == "wordpress" or (url is not None and "/feed" in url)
    first_url, number, fingerprints = url, 1, set[tuple[str, ...]]()
    while url is not None and number <= run.limits.pages_per_source:
        page = await run.get(url, "feed", "feed")
        if page is None:
            yield number > 1  # a 404 past page 1 is WordPress's way of saying "no more"
            return
        try:
            feed = parse_feed(page.body, page.final_url)
        except BlogArchiveError as error:
            log.info("feed: skipped %s: %s", url, error)
            yield False
            return
        fingerprint = tuple(e.url for e in feed.entries)
        if not feed.entries:
            yield number > 1  # an empty page past the first: read to the end
            return
        if fingerprint in fingerprints:
            log.info("feed: %s repeats an earlier page (paging ignored?)", url)
            yield False
            return
        fingerprints.add(fingerprint)
        for entry in feed.entries:
            found = run.accept(entry, "feed", trust_kind=True)
            if found:
                yield found
        if run.older_than_since(feed.entries) or run.only_known(feed.entries):
            yield True
            return
        number += 1
        if feed.next_url:
            url = feed.next_url
        elif feed.total is not None and feed.start_index is not None:
            start = feed.start_index + len(feed.entries)
            url = _set_query(url, {"start-index": str(start)}) if start <= feed.total else None
            if url is None:
                yield True
                return
        elif wp_paged and first_url is not None:
            url = _set_query(first_url, {"paged": str(number)})
        else:
            yield platform == "blogger"
            return
    yield False


def _set_query(url: str, values: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update(values)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


async def sitemap_step(run: SiteRun) -> AsyncGenerator[Discovered | bool, None]:
    """robots.txt Sitemap lines, else the usual names; indexes followed; True when all read."""
    named: tuple[str, ...] = ()
    if run.sitemaps is not None:
        try:
            named = tuple(await run.sitemaps(run.root))
        except Exception as error:  # robots trouble only costs us the hint
            log.info("sitemap: robots lookup failed: %s", error)
    else:
        robots = await run.get(f"{run.origin}robots.txt", "any", "sitemap")
        named = sitemaps_from_robots(robots.body, run.origin) if robots else ()
    candidates = list(named) or [run.root + name for name in _SITEMAP_GUESSES]
    fetched, ok, failed = 0, 0, 0
    visited: set[str] = set()
    for candidate in candidates:
        queue: list[tuple[str, int]] = [(candidate, 0)]
        while queue and fetched < run.limits.pages_per_source:
            url, depth = queue.pop(0)
            if url in visited:
                continue
            visited.add(url)
            fetched += 1
            page = await run.get(url, "any", "sitemap")
            try:
                sitemap = parse_sitemap(page.body, page.final_url) if page else None
            except BlogArchiveError as error:
                log.info("sitemap: skipped %s: %s", url, error)
                sitemap = None
            if sitemap is None:
                failed += 1 if depth else 0
                continue
            ok += 1
            for child in sitemap.children:
                if depth < run.limits.sitemap_depth and not _SKIP_CHILD_SITEMAP.search(child.url):
                    queue.append((child.url, depth + 1))
            for entry in sitemap.urls:
                found = run.accept(entry, "sitemap", trust_kind=False)
                if found:
                    yield found
        if ok and not named:
            break  # the first guessed name that works is the site's sitemap
    yield ok > 0 and failed == 0 and fetched < run.limits.pages_per_source


async def rest_step(run: SiteRun) -> AsyncGenerator[Discovered | bool, None]:
    """WordPress `/wp-json/wp/v2/posts`, 100 a page; True when X-WP-TotalPages was reached."""
    home = await run.home_listing()
    api = home.rest_root or f"{run.root}wp-json/"
    query = {"per_page": "100", "_fields": "id,link,date_gmt,modified_gmt"}
    if run.site.since is not None:
        query["after"] = run.site.since.strftime("%Y-%m-%dT%H:%M:%S")
    number = 1
    while number <= run.limits.pages_per_source:
        url = f"{api}wp/v2/posts?{urlencode({**query, 'page': str(number)})}"
        page = await run.get(url, "any", "rest")
        try:
            batch = parse_wp_rest_posts(page.body, page.headers, url) if page else None
        except BlogArchiveError as error:
            log.info("rest: skipped %s: %s", url, error)
            batch = None
        if batch is None:
            yield False
            return
        for entry in batch.entries:
            found = run.accept(entry, "rest", trust_kind=True)
            if found:
                yield found
        if not batch.entries or number >= (batch.total_pages or number):
            yield True
            return
        number += 1
    yield False


async def wordpress_zone(run: SiteRun) -> str | None:
    """The zone a WordPress site shows its times in, asked once from its REST index (two fields
    only: the whole index lists every route). None when the site is not WordPress or won't say."""
    home = await run.home_listing()
    if home.platform != "wordpress" and home.rest_root is None:
        return None
    api = home.rest_root or f"{run.root}wp-json/"
    joiner = "&" if "?" in api else "?"
    page = await run.get(f"{api}{joiner}_fields=timezone_string,gmt_offset", "any", "rest")
    return parse_wp_zone(page.body) if page is not None else None


async def pagination_step(run: SiteRun) -> AsyncGenerator[Discovered | bool, None]:
    """Home page, then "Older posts" / rel=next; True when a chain of pages ran to its end."""
    listing = await run.home_listing()
    seen_pages, bodies = {run.home_url}, set[bytes]()
    pages, empty = 1, 0
    while True:
        new = 0
        for link in listing.links:
            found = run.accept(Entry(url=link), "archive", trust_kind=False)
            if found:
                new += 1
                yield found
        empty = 0 if new else empty + 1
        nexts = [
            u
            for u in listing.next_links
            if u not in seen_pages and run.scoped(u) and classify_url(u) == "listing"
        ]
        if not nexts:
            yield pages > 1
            return
        if pages >= run.limits.pages_per_source or empty >= run.limits.empty_streak:
            log.info("archive: stopped after %d pages (%d without new posts)", pages, empty)
            yield False
            return
        seen_pages.add(nexts[0])
        page = await run.get(nexts[0], "html", "archive")
        if page is None:
            yield False
            return
        digest = hashlib.sha1(page.body).digest()
        if digest in bodies:
            log.info("archive: %s repeats an earlier page", nexts[0])
            yield False
            return
        bodies.add(digest)
        listing, pages = read_listing(page.body, page.final_url), pages + 1


async def links_step(run: SiteRun) -> AsyncGenerator[Discovered | bool, None]:
    """Breadth-first over in-scope listing pages (labels, archives), bounded in depth and count."""
    home = await run.home_listing()
    queue: list[tuple[str, int, Listing | None]] = [(run.home_url, 0, home)]
    visited, bodies, fetched = {run.home_url}, set[bytes](), 0
    while queue:
        url, depth, listing = queue.pop(0)
        if listing is None:
            if fetched >= run.limits.link_pages:
                log.info("links: stopped after %d pages", fetched)
                break
            fetched += 1
            page = await run.get(url, "html", "links")
            if page is None:
                continue
            digest = hashlib.sha1(page.body).digest()
            if digest in bodies:
                continue
            bodies.add(digest)
            listing = read_listing(page.body, page.final_url)
        for link in listing.links:
            found = run.accept(Entry(url=link), "links", trust_kind=False)
            if found:
                yield found
            elif (
                depth < run.limits.link_depth
                and link not in visited
                and run.scoped(link)
                and classify_url(link) == "listing"
                and "/feed" not in link
            ):
                visited.add(link)
                queue.append((link, depth + 1, None))
    yield True
