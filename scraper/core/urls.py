"""URL hygiene for discovery: normalise, test scope, and classify a blog URL's kind."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal
from urllib.parse import SplitResult, parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

UrlKind = Literal["post", "listing", "comments", "asset", "other"]

# Parameters that only say where a reader came from or which view they saw: the page is the same.
_TRACKING_EXACT = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "yclid",
        "igshid",
        "_ga",
        "_gl",
        "ref_src",
        "spm",
        # Blogger's per-comment permalink and WordPress's reply form are the post page again,
        # and `replytocom` is a classic crawl trap (one URL per comment).
        "showcomment",
        "replytocom",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
_DEFAULT_PORTS = {"http": 80, "https": 443}

_ASSET_EXTENSIONS = frozenset(
    [
        "jpg",
        "jpeg",
        "png",
        "gif",
        "webp",
        "svg",
        "ico",
        "bmp",
        "tif",
        "tiff",
        "avif",
        "css",
        "js",
        "mjs",
        "map",
        "json",
        "pdf",
        "zip",
        "gz",
        "tgz",
        "bz2",
        "xz",
        "rar",
        "7z",
        "mp3",
        "mp4",
        "m4a",
        "ogg",
        "oga",
        "ogv",
        "wav",
        "webm",
        "mov",
        "avi",
        "flv",
        "woff",
        "woff2",
        "ttf",
        "otf",
        "eot",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "exe",
        "dmg",
        "apk",
        "iso",
        "txt",
        "csv",
    ]
)
_DATE_ARCHIVE = re.compile(r"^/(?:\d{4})(?:/\d{2}(?:/\d{2})?)?/?$")
_BLOGGER_POST = re.compile(r"/\d{4}/\d{2}/[^/]+\.html?$")
_BLOGGER_LEGACY_ARCHIVE = re.compile(r"/\d{4}_\d{2}(?:_\d{2})?_archive\.html$")
_WP_DATED_POST = re.compile(r"/\d{4}/\d{2}(?:/\d{2})?/[^/]+/?$")
_COMMENT_PAGE = re.compile(r"/comment-page-\d+/?$")
_COMMENT_PAGE_ANYWHERE = re.compile(r"/comment-page-\d+(?:/|$)")
_BLOGGER_COMMENT_FEED = re.compile(r"/feeds/\d+/comments/")
_PAGINATION = re.compile(r"/page/\d+/?$")
_LISTING_SEGMENTS = frozenset(
    {
        "category",
        "categories",
        "tag",
        "tags",
        "label",
        "labels",
        "author",
        "archive",
        "archives",
        "search",
        "calendar",
        "topics",
        "feed",
        "feeds",
        "rss",
        "atom",
    }
)
_LISTING_QUERY = frozenset(
    {"s", "q", "cat", "tag", "paged", "page", "start", "updated-max", "updated-min", "m", "feed"}
)
_FEED_FILES = re.compile(r"(?:^|/)(?:rss|atom|feed|index|rss2)\.(?:xml|rdf)$|\.(?:rss|atom)$")
_OTHER_PREFIXES = ("/wp-admin", "/wp-login.php", "/wp-json", "/xmlrpc.php", "/cgi-bin", "/wp-cron")
_OTHER_SEGMENTS = frozenset({"login", "logout", "register", "signin", "signup", "cart", "checkout"})


@lru_cache(maxsize=32768)  # sidebars and menus repeat the same links on every page of a site
def normalise_url(url: str, base: str | None = None) -> str | None:
    """Canonical form used for deduplication, or None for what is not an http(s) page URL.

    Lower-cases scheme and host, drops default ports, fragments, tracking parameters and
    Blogger's `m=0`/`m=1` mobile switch (WordPress's `?m=202001` date archive is kept), and sorts
    the query so the same page is one string however its links were written.
    """
    url = url.strip()
    if not url:
        return None
    if base is not None:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    # Quote what a browser would (spaces, non-ASCII) but keep existing %XX escapes as they are.
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if _keep_param(k, v)]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


# Query parameters that pick a page *within* one post's comments, not another post.
_COMMENT_PAGING_PARAMS = frozenset({"cpage", "page", "replytocom", "showcomment"})


def thread_url(url: str) -> str | None:
    """The post whose comments a URL shows: its normal form minus the comment-paging part.

    `/post/comment-page-2/`, `/post/?cpage=2` and `/post/` all give the same answer, so a
    comment page can be proven to belong to a post (or not) by its URL alone.
    """
    normal = normalise_url(url)
    if normal is None:
        return None
    parts = urlsplit(normal)
    path = _COMMENT_PAGE_ANYWHERE.sub("/", parts.path).rstrip("/") or "/"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _COMMENT_PAGING_PARAMS
    ]
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))


def _keep_param(key: str, value: str) -> bool:
    lowered = key.lower()
    if lowered in _TRACKING_EXACT or lowered.startswith(_TRACKING_PREFIXES):
        return False
    return not (lowered == "m" and value in ("0", "1"))


def host_of(url: str) -> str:
    """The lower-case host name of `url` ("" when it has none)."""
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def _bare(host: str) -> str:
    return host.removeprefix("www.")


def in_scope(url: str, site_url: str, *, subdomains: bool = False) -> bool:
    """True when `url` belongs to the site: same host (www. or not), under the site's path.

    With `subdomains`, any host ending in `.<site host>` is in scope too. A site configured
    with a path (e.g. `https://host/blog/`) keeps discovery inside that path.
    """
    try:
        target, site = urlsplit(url), urlsplit(site_url)
    except ValueError:
        return False
    if target.scheme.lower() not in _DEFAULT_PORTS:
        return False
    host, site_host = _bare(host_of(url)), _bare(host_of(site_url))
    if not host or not site_host:
        return False
    if host != site_host and not (subdomains and host.endswith("." + site_host)):
        return False
    if not _same_port(target, site):
        return False  # another service on the same host (the fetcher's scope says the same)
    prefix = site.path or "/"
    if not prefix.endswith("/"):
        prefix = prefix.rsplit("/", 1)[0] + "/"
    path = target.path or "/"
    return host != site_host or path.startswith(prefix) or path + "/" == prefix


def _same_port(target: SplitResult, site: SplitResult) -> bool:
    """Same port, counting http's 80 and https's 443 as one site (a blog on both schemes)."""
    try:
        target_port = target.port or _DEFAULT_PORTS.get(target.scheme.lower())
        site_port = site.port or _DEFAULT_PORTS.get(site.scheme.lower())
    except ValueError:  # a port that is not a number
        return False
    defaults = set(_DEFAULT_PORTS.values())
    return target_port == site_port or (target_port in defaults and site_port in defaults)


def site_root(url: str) -> str:
    """The site's base URL ending in "/" (scheme, host and directory of the configured URL)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if not path.endswith("/"):
        path = path.rsplit("/", 1)[0] + "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))


def classify_url(url: str) -> UrlKind:
    """Guess what a URL points to from its shape alone (Blogger, WordPress, then generic rules).

    `listing` covers home, archive, label/category/tag, search, pagination and feeds: pages that
    lead to posts. `comments` is a comment page or comment feed of one post.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return "other"
    path = parts.path or "/"
    lower = path.lower()
    query = {k.lower(): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
    if _COMMENT_PAGE.search(lower) or _BLOGGER_COMMENT_FEED.search(lower):
        return "comments"
    if lower.startswith(_OTHER_PREFIXES) or "rest_route" in query:
        return "other"
    segments = [s for s in lower.split("/") if s]
    if segments and segments[-1] in _OTHER_SEGMENTS:
        return "other"
    last = segments[-1] if segments else ""
    extension = last.rsplit(".", 1)[-1] if "." in last else ""
    if lower.startswith(("/wp-content/", "/wp-includes/")) or (
        extension in _ASSET_EXTENSIONS and extension != "json"
    ):
        return "asset"
    if _FEED_FILES.search(lower) or extension == "xml":
        return "listing"
    if ("p" in query and query["p"].isdigit()) or "page_id" in query:
        return "post"
    listing_keys = set(_LISTING_QUERY & query.keys())
    if query.get("m") in ("0", "1"):
        listing_keys.discard("m")
    if listing_keys:
        return "listing"
    if _BLOGGER_POST.search(lower):
        return "post"
    if (
        not segments
        or _DATE_ARCHIVE.match(lower)
        or _BLOGGER_LEGACY_ARCHIVE.search(lower)
        or _PAGINATION.search(lower)
        or _LISTING_SEGMENTS & set(segments)
    ):
        return "listing"
    if extension == "json":
        return "asset"
    if segments[0] == "p" and extension in ("html", "htm"):
        return "post"  # Blogger static page: content with its own comments
    if _WP_DATED_POST.search(lower):
        return "post"
    if len(segments) == 1 and segments[0] in ("index.html", "index.htm", "index.php"):
        return "listing"
    return "post"
