"""Pure parsers of discovery sources: feeds, sitemaps, robots, WordPress REST, listing HTML."""

from __future__ import annotations

import json
import re
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree  # type: ignore[import-untyped]
from lxml import html as lxml_html

from scraper.core.dates import parse_iso
from scraper.core.errors import ParseError
from scraper.core.urls import normalise_url

# A sitemap may be 50 MB uncompressed by the protocol; a .gz past that is a bomb, not a sitemap.
MAX_SITEMAP_BYTES = 52_428_800
POST_ID = re.compile(r"[.:-]post-(\d+)$")
_WP_GUID_ID = re.compile(r"[?&]p=(\d+)")


@dataclass(frozen=True, slots=True)
class Entry:
    """One post a source lists: its page URL and what the source says about its dates."""

    url: str
    published: datetime | None = None
    updated: datetime | None = None
    platform_id: str | None = None

    @property
    def lastmod(self) -> datetime | None:
        return self.updated or self.published


@dataclass(frozen=True, slots=True)
class FeedPage:
    """One page of a feed and how to reach the next one."""

    entries: tuple[Entry, ...]
    next_url: str | None = None
    total: int | None = None  # Blogger's openSearch:totalResults
    start_index: int | None = None


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A urlset (`urls`) or a sitemap index (`children`); lastmod rides on each Entry."""

    urls: tuple[Entry, ...] = ()
    children: tuple[Entry, ...] = ()


@dataclass(frozen=True, slots=True)
class RestPage:
    """One page of `/wp-json/wp/v2/posts` with the totals WordPress sends in headers."""

    entries: tuple[Entry, ...]
    total: int | None = None
    total_pages: int | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    """What a listing or home page offers discovery: links, pagination, feeds, platform hints."""

    links: tuple[str, ...] = ()
    next_links: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    rest_root: str | None = None
    platform: str | None = None  # "wordpress" / "blogger" when the page says so


def parse_datetime(value: object) -> datetime | None:
    """Read an ISO 8601 / W3C datetime (date only = midnight UTC; no zone = UTC), else None."""
    # Sources hand over JSON values: anything but a string is no date.
    return parse_iso(value) if isinstance(value, str) else None


def _struct_time(value: object) -> datetime | None:
    if isinstance(value, time.struct_time):
        return datetime(*value[:6], tzinfo=UTC)
    return None


def to_int(value: object) -> int | None:
    """An integer header or JSON field, else None."""
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def gd_text(node: object) -> str:
    """The `$t` text of a Blogger GData JSON node ("" when absent)."""
    if isinstance(node, dict):
        value = node.get("$t", "")
        return value if isinstance(value, str) else str(value)
    return ""


def gd_link(links: object, rel: str) -> str | None:
    """The href of the first GData JSON link with `rel`."""
    if isinstance(links, list):
        for link in links:
            if isinstance(link, dict) and link.get("rel") == rel and link.get("href"):
                return str(link["href"])
    return None


def load_blogger_json(body: bytes) -> dict[str, Any]:
    """The `feed` object of a Blogger `alt=json` response; ParseError when it is not one."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ParseError(f"not JSON: {error}") from None
    feed = data.get("feed") if isinstance(data, dict) else None
    if not isinstance(feed, dict):
        raise ParseError("JSON has no Blogger `feed` object")
    return feed


def parse_feed(body: bytes, url: str) -> FeedPage:
    """Parse an RSS/Atom feed page (or Blogger's JSON feed); ParseError when it is not a feed."""
    if body.lstrip()[:1] == b"{":
        return _parse_blogger_json_feed(body, url)
    from scraper.discover.feedxml import fast_feed  # it builds on this module's types

    fast = fast_feed(body, url)
    return fast if fast is not None else feedparser_feed(body, url)


def feedparser_feed(body: bytes, url: str) -> FeedPage:
    """Any feed feedparser can read (RSS 0.9x-2.0, RDF, Atom, broken XML); ParseError if none."""
    # Loaded on first use: feedxml reads nearly every real feed, and importing feedparser costs
    # ~30 ms at every start.
    import feedparser

    # Entry content is never used here: sanitising and resolving it is most of feedparser's time.
    parsed = feedparser.parse(
        body,
        response_headers={"content-location": url},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    if not parsed.get("version"):
        reason = parsed.get("bozo_exception") or "no RSS/Atom root element"
        raise ParseError(f"not a feed: {reason}")
    entries: list[Entry] = []
    for item in parsed.entries:
        link = _entry_link(item, url)
        if link is None:
            continue
        entries.append(
            Entry(
                url=link,
                # dict.get: feedparser's own get() maps a missing `updated` to `published`
                # with a DeprecationWarning; we want the feed's real fields.
                published=_struct_time(dict.get(item, "published_parsed")),
                updated=_struct_time(dict.get(item, "updated_parsed")),
                platform_id=entry_platform_id(str(item.get("id") or item.get("guid") or "")),
            )
        )
    next_url = None
    for link in parsed.feed.get("links", []):
        if link.get("rel") == "next" and link.get("href"):
            next_url = normalise_url(link["href"], url)
            break
    return FeedPage(
        entries=tuple(entries),
        next_url=next_url,
        total=to_int(parsed.feed.get("opensearch_totalresults")),
        start_index=to_int(parsed.feed.get("opensearch_startindex")),
    )


def _entry_link(item: Any, base: str) -> str | None:
    for link in item.get("links", []):
        if link.get("rel") == "alternate" and link.get("type", "text/html") == "text/html":
            return normalise_url(link.get("href", ""), base)
    href = item.get("link")
    return normalise_url(href, base) if isinstance(href, str) else None


def entry_platform_id(identifier: str) -> str | None:
    match = POST_ID.search(identifier) or _WP_GUID_ID.search(identifier)
    return match.group(1) if match else None


def _parse_blogger_json_feed(body: bytes, url: str) -> FeedPage:
    feed = load_blogger_json(body)
    entries: list[Entry] = []
    for item in feed.get("entry", []) or []:
        if not isinstance(item, dict):
            continue
        link = gd_link(item.get("link"), "alternate")
        normal = normalise_url(link, url) if link else None
        if normal is None:
            continue
        entries.append(
            Entry(
                url=normal,
                published=parse_datetime(gd_text(item.get("published"))),
                updated=parse_datetime(gd_text(item.get("updated"))),
                platform_id=entry_platform_id(gd_text(item.get("id"))),
            )
        )
    next_link = gd_link(feed.get("link"), "next")
    return FeedPage(
        entries=tuple(entries),
        next_url=normalise_url(next_link, url) if next_link else None,
        total=to_int(gd_text(feed.get("openSearch$totalResults"))),
        start_index=to_int(gd_text(feed.get("openSearch$startIndex"))),
    )


def _gunzip(body: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as error:
        raise ParseError(f"broken gzip sitemap: {error}") from None
    if len(data) > limit:
        raise ParseError(f"gzip sitemap inflates past {limit} bytes")
    return data


def parse_sitemap(body: bytes, url: str, *, max_bytes: int = MAX_SITEMAP_BYTES) -> Sitemap:
    """Parse a sitemap urlset, a sitemap index, a .gz of either, or a plain-text URL list."""
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body, max_bytes)
    stripped = body.lstrip()
    if not stripped.startswith(b"<"):
        lines = (normalise_url(line, url) for line in stripped.decode("utf-8", "replace").split())
        found = tuple(Entry(url=line) for line in lines if line)
        if not found:
            raise ParseError("neither XML nor a list of URLs")
        return Sitemap(urls=found)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(stripped, parser)
    except etree.XMLSyntaxError as error:
        raise ParseError(f"sitemap is not XML: {error}") from None
    if root is None:
        raise ParseError("sitemap is empty")
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise ParseError(f"not a sitemap (root element <{kind}>)")
    child = "url" if kind == "urlset" else "sitemap"
    entries: list[Entry] = []
    for node in root:
        if not isinstance(node.tag, str) or etree.QName(node).localname != child:
            continue
        values = {
            etree.QName(part).localname: (part.text or "").strip()
            for part in node
            if isinstance(part.tag, str)
        }
        loc = normalise_url(values.get("loc", ""), url)
        if loc:
            entries.append(Entry(url=loc, updated=parse_datetime(values.get("lastmod"))))
    if kind == "urlset":
        return Sitemap(urls=tuple(entries))
    return Sitemap(children=tuple(entries))


def sitemaps_from_robots(body: bytes, base: str) -> tuple[str, ...]:
    """The `Sitemap:` URLs a robots.txt names, in order, without repeats."""
    found: list[str] = []
    for raw in body.decode("utf-8", "replace").splitlines():
        key, _, value = raw.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            normal = normalise_url(value.strip(), base)
            if normal and normal not in found:
                found.append(normal)
    return tuple(found)


def load_json_array(body: bytes, what: str) -> list[Any]:
    """A WordPress REST collection (a JSON array); ParseError naming `what` when it is not one."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ParseError(f"{what} is not JSON: {error}") from None
    if not isinstance(data, list):
        raise ParseError(f"{what} response is not a JSON array")
    return data


def parse_wp_zone(body: bytes) -> str | None:
    """The zone a WordPress site shows its times in, from its REST index (`/wp-json/` with
    `_fields=timezone_string,gmt_offset`), as a zone name `ZoneInfo` reads; None when unsaid.

    `timezone_string` is an IANA name ("Europe/Berlin", with daylight saving); a site set to a
    bare offset has only `gmt_offset` (hours), which whole hours name as `Etc/GMT-2` (POSIX's
    inverted sign). A fractional bare offset has no such name: None, and the pages' notes say
    their times were read as UTC.
    """
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    name = data.get("timezone_string")
    if isinstance(name, str) and name.strip():
        try:
            ZoneInfo(name.strip())
        except (ValueError, ZoneInfoNotFoundError):
            return None
        return name.strip()
    offset = data.get("gmt_offset")  # a number, or a numeric string in older versions
    try:
        hours = float(offset) if isinstance(offset, (int, float, str)) else None
    except ValueError:
        return None
    if hours is None:
        return None
    if not hours.is_integer() or abs(hours) > 14:
        return None
    return "UTC" if hours == 0 else f"Etc/GMT{-int(hours):+d}"


def parse_wp_rest_posts(body: bytes, headers: Mapping[str, str], base: str) -> RestPage:
    """Parse a `/wp-json/wp/v2/posts` page (a JSON array) plus its X-WP-Total* headers."""
    data = load_json_array(body, "REST posts")
    entries: list[Entry] = []
    for item in data:
        link = item.get("link") if isinstance(item, dict) else None
        normal = normalise_url(link, base) if isinstance(link, str) else None
        if normal is None:
            continue
        entries.append(
            Entry(
                url=normal,
                published=parse_datetime(item.get("date_gmt")),
                updated=parse_datetime(item.get("modified_gmt")),
                platform_id=str(item["id"]) if item.get("id") is not None else None,
            )
        )
    lowered = {key.lower(): value for key, value in headers.items()}
    return RestPage(
        entries=tuple(entries),
        total=to_int(lowered.get("x-wp-total", "")),
        total_pages=to_int(lowered.get("x-wp-totalpages", "")),
    )


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


_NEXT_XPATH = etree.XPath(
    "//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
    " | //a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
    f" | //a[{_has_class('blog-pager-older-link')}]/@href"
    f" | //*[{_has_class('nav-previous')}]//a/@href"
    f" | //a[{_has_class('next')} and {_has_class('page-numbers')}]/@href"
    f" | //a[{_has_class('wp-block-query-pagination-next')}]/@href"
)
_OLDER_TEXT = re.compile(
    r"^\W*(?:older|earlier|previous)\s+(?:posts|entries|articles)\W*$|^\W*next\s+page\W*$",
    re.IGNORECASE,
)
_FEED_TYPES = ("application/rss+xml", "application/atom+xml")


def read_listing(html: bytes, base_url: str) -> Listing:
    """Links, pagination links, feeds and platform hints of one HTML page, via lxml only."""
    try:
        doc = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return Listing()
    base = base_url
    for href in doc.xpath("//base/@href")[:1]:
        base = normalise_url(str(href), base_url) or base_url

    def absolute(values: list[Any]) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for value in dict.fromkeys(str(v) for v in values):
            normal = normalise_url(value, base)
            if normal:
                seen.setdefault(normal, None)
        return tuple(seen)

    older_by_text = [
        a.get("href")
        for a in doc.iter("a")
        if a.get("href") and _OLDER_TEXT.match(a.text_content().strip())
    ]
    feeds = [
        link.get("href")
        for link in doc.iter("link")
        if (link.get("type") or "").lower() in _FEED_TYPES
        and "alternate" in (link.get("rel") or "").lower()
        and link.get("href")
    ]
    rest = doc.xpath("//link[@rel='https://api.w.org/']/@href")
    return Listing(
        links=absolute(doc.xpath("//a/@href")),
        next_links=absolute(list(_NEXT_XPATH(doc)) + older_by_text),
        feeds=absolute(feeds),
        rest_root=normalise_url(str(rest[0]), base) if rest else None,
        platform=_platform_hint(doc),
    )


def _platform_hint(doc: Any) -> str | None:
    generators = " ".join(str(v) for v in doc.xpath("//meta[@name='generator']/@content")).lower()
    if "wordpress" in generators or doc.xpath("//link[@rel='https://api.w.org/']"):
        return "wordpress"
    if "blogger" in generators or doc.xpath("//link[contains(@href, 'blogger.com/feeds/')]"):
        return "blogger"
    return None


def links_from_page(html: bytes, base_url: str) -> tuple[list[str], list[str]]:
    """(every link on the page, its next/older pagination links), absolute and normalised."""
    listing = read_listing(html, base_url)
    return list(listing.links), list(listing.next_links)
