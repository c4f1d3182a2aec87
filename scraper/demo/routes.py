"""Map a demo blog's URL paths to rendered pages, feeds and API answers (pure: no sockets)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, unquote

from scraper.demo import (
    blogger_layout,
    blogger_markup,
    feeds,
    rest,
    rss,
    wordpress_layout,
    wordpress_markup,
)
from scraper.demo.content import DemoBlog, DemoPost, comment_pages

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
JSON = "application/json; charset=utf-8"
_SITEMAP_PAGE = {"blogger": 150, "wordpress": 2000}


@dataclass(frozen=True, slots=True)
class Page:
    """What the server sends for one path: status, type, body and when it last changed."""

    status: int
    content_type: str
    body: str
    last_modified: datetime | None = None
    headers: tuple[tuple[str, str], ...] = ()


def _int(value: str | None, default: int, low: int = 1, high: int = 10**6) -> int:
    return max(low, min(high, int(value))) if value and value.isdigit() else default


def route(blog: DemoBlog, base: str, path: str, params: dict[str, str]) -> Page:
    """The page for `path` (query already split into `params`) on `blog`, served at `base`."""
    if path == "/robots.txt":
        return Page(200, "text/plain; charset=utf-8", feeds.robots_txt(blog, base))
    if blog.platform == "blogger":
        return _blogger(blog, base, path, params)
    return _wordpress(blog, base, path, params)


def _not_found(blog: DemoBlog, base: str) -> Page:
    if blog.platform == "blogger":
        return Page(404, HTML, blogger_markup.render_not_found(blog, base))
    return Page(404, HTML, wordpress_markup.render_not_found(blog, base))


def _sitemap_entries(blog: DemoBlog, base: str, page: int) -> list[tuple[str, datetime | None]]:
    size = _SITEMAP_PAGE[blog.platform]
    chosen = blog.posts[(page - 1) * size : page * size]
    return [(base + post.path, post.last_modified) for post in chosen]


def _blogger_window(
    blog: DemoBlog, posts: list[DemoPost], base: str, path: str, params: dict[str, str]
) -> tuple[list[DemoPost], str | None, str | None]:
    """Blogger pages listings by date: `updated-max` (older) / `updated-min` (newer)."""
    size = _int(params.get("max-results"), blog.per_page, high=50)
    if "updated-max" in params:
        limit = datetime.fromisoformat(params["updated-max"])
        older = [post for post in posts if post.published < limit]
        chosen = older[:size]
    elif "updated-min" in params:
        limit = datetime.fromisoformat(params["updated-min"])
        newer = [post for post in posts if post.published > limit]
        chosen = newer[-size:]
    else:
        chosen = posts[:size]
    older_url = newer_url = None
    if chosen and chosen[-1] is not posts[-1]:
        stamp = quote(blogger_layout.iso_local(blog, chosen[-1].published), safe=":")
        older_url = f"{base}{path}?updated-max={stamp}&max-results={size}"
    if chosen and chosen[0] is not posts[0]:
        stamp = quote(blogger_layout.iso_local(blog, chosen[0].published), safe=":")
        newer_url = f"{base}{path}?updated-min={stamp}&max-results={size}&reverse-paginate=true"
    return chosen, newer_url, older_url


def _blogger(blog: DemoBlog, base: str, path: str, params: dict[str, str]) -> Page:
    post = blog.post_by_path(path)
    if post is not None:
        return Page(200, HTML, blogger_markup.render_post(blog, post, base), post.last_modified)
    label = None
    if path.startswith("/search/label/"):
        label = unquote(path[len("/search/label/") :])
    if path in ("/", "/index.html", "/search") or label:
        posts = [p for p in blog.posts if label is None or label in p.labels]
        if not posts:
            return _not_found(blog, base)
        listing_path = "/search" if path in ("/", "/index.html") else path
        try:
            chosen, newer, older = _blogger_window(blog, posts, base, listing_path, params)
        except ValueError:
            return Page(400, "text/plain; charset=utf-8", "Bad date in updated-max/updated-min\n")
        heading = f"Showing posts with label {label}. Show all posts" if label else None
        body = blogger_markup.render_listing(
            blog, chosen, base, canonical=base + path, newer=newer, older=older, heading=heading
        )
        return Page(200, HTML, body, max((p.last_modified for p in chosen), default=None))
    feed = re.fullmatch(r"/feeds/(posts|\d+/comments)/default(?:/-/([^/]+))?", path)
    if feed:
        return _blogger_feed(blog, base, feed.group(1), feed.group(2), params)
    if path == "/sitemap.xml":
        if "page" not in params:
            pages = max(1, -(-len(blog.posts) // _SITEMAP_PAGE["blogger"]))
            locations = [f"{base}/sitemap.xml?page={n}" for n in range(1, pages + 1)]
            return Page(200, XML, feeds.sitemap_index(locations), blog.last_modified)
        entries = _sitemap_entries(blog, base, _int(params.get("page"), 1))
        return (
            Page(200, XML, feeds.sitemap_urls(entries), blog.last_modified)
            if entries
            else (_not_found(blog, base))
        )
    return _not_found(blog, base)


def _blogger_feed(
    blog: DemoBlog, base: str, kind: str, label: str | None, params: dict[str, str]
) -> Page:
    start = _int(params.get("start-index"), 1)
    size = _int(params.get("max-results"), 25, high=500)
    if kind == "posts":
        data = feeds.blogger_posts(blog, base, start, size, unquote(label) if label else None)
    else:
        post_id = kind.split("/", maxsplit=1)[0]
        post = next((p for p in blog.posts if p.platform_id == post_id), None)
        if post is None:
            return Page(404, "text/plain; charset=utf-8", "Blog post not found\n")
        data = feeds.blogger_comments(blog, post, base, start, size)
    if params.get("alt") == "json":
        return Page(200, JSON, feeds.gdata_json(data), blog.last_modified)
    if params.get("alt") not in (None, "atom"):
        return Page(400, "text/plain; charset=utf-8", "Invalid alt parameter\n")
    return Page(
        200, "application/atom+xml; charset=utf-8", feeds.gdata_atom(data), blog.last_modified
    )


def _redirect(location: str) -> Page:
    return Page(301, HTML, "", headers=(("Location", location),))


def _wordpress(blog: DemoBlog, base: str, path: str, params: dict[str, str]) -> Page:
    if path == "/" and "p" in params:
        post = next((p for p in blog.posts if p.platform_id == params["p"]), None)
        return _redirect(base + post.path) if post else _not_found(blog, base)
    if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1] and "/wp-json/" not in path:
        return _redirect(base + path + "/")  # WordPress' canonical redirect adds the slash
    match = re.fullmatch(r"(/\d{4}/\d{2}/\d{2}/[^/]+/)(?:comment-page-(\d+)/|(feed)/)?", path)
    if match:
        post = blog.post_by_path(match.group(1))
        if post is None:
            return _not_found(blog, base)
        if match.group(3):
            body = rss.wordpress_comment_feed(blog, base, post)
            return Page(200, "application/rss+xml; charset=utf-8", body, post.last_modified)
        page = int(match.group(2)) if match.group(2) else None
        if page is not None and not 1 <= page <= len(comment_pages(post)):
            return _not_found(blog, base)
        html = wordpress_markup.render_post(blog, post, base, page)
        return Page(200, HTML, html, post.last_modified)
    listing = re.fullmatch(r"(/|/category/([^/]+)/)(?:page/(\d+)/)?", path)
    if listing:
        return _wordpress_listing(
            blog, base, listing.group(1), listing.group(2), int(listing.group(3) or 1)
        )
    if path == "/feed/":
        channel = rss.wordpress_feed(blog, base, _int(params.get("paged"), 1))
        if channel is None:
            return _not_found(blog, base)
        return Page(200, "application/rss+xml; charset=utf-8", channel, blog.last_modified)
    if path == "/comments/feed/":
        body = rss.wordpress_comment_feed(blog, base, None)
        return Page(200, "application/rss+xml; charset=utf-8", body, blog.last_modified)
    if path in ("/wp-json/wp/v2/posts", "/wp-json/wp/v2/comments"):
        handler = rest.posts if path.endswith("posts") else rest.comments
        answer = handler(blog, base, params)
        return Page(answer.status, JSON, answer.body, blog.last_modified, answer.headers)
    if path.startswith("/wp-json"):
        return Page(
            404,
            JSON,
            '{"code":"rest_no_route","message":"No route was found matching '
            'the URL and request method.","data":{"status":404}}',
        )
    return _wordpress_sitemaps(blog, base, path)


def _wordpress_listing(
    blog: DemoBlog, base: str, prefix: str, category: str | None, page: int
) -> Page:
    posts = list(blog.posts)
    heading = None
    if category:
        label = next(
            (x for p in blog.posts for x in p.labels if wordpress_layout.slugify(x) == category),
            None,
        )
        if label is None:
            return _not_found(blog, base)
        posts = [post for post in posts if label in post.labels]
        heading = f"Category: {label}"
    size = blog.per_page
    chosen = posts[(page - 1) * size : page * size]
    if not chosen:
        return _not_found(blog, base)
    older = f"{base}{prefix}page/{page + 1}/" if page * size < len(posts) else None
    newer = (
        None if page == 1 else (base + prefix if page == 2 else f"{base}{prefix}page/{page - 1}/")
    )
    canonical = base + prefix if page == 1 else f"{base}{prefix}page/{page}/"
    body_class = ("archive category" if category else "home blog") + (
        f" paged paged-{page}" if page > 1 else ""
    )
    html = wordpress_markup.render_listing(
        blog,
        chosen,
        base,
        canonical=canonical,
        body_class=body_class,
        older=older,
        newer=newer,
        heading=heading,
    )
    return Page(200, HTML, html, max(p.last_modified for p in chosen))


def _wordpress_sitemaps(blog: DemoBlog, base: str, path: str) -> Page:
    if path == "/sitemap.xml":
        return _redirect(f"{base}/wp-sitemap.xml")
    if path == "/wp-sitemap.xml":
        pages = max(1, -(-len(blog.posts) // _SITEMAP_PAGE["wordpress"]))
        locations = [f"{base}/wp-sitemap-posts-post-{n}.xml" for n in range(1, pages + 1)]
        locations.append(f"{base}/wp-sitemap-taxonomies-category-1.xml")
        return Page(200, XML, feeds.sitemap_index(locations), blog.last_modified)
    if path == "/wp-sitemap-taxonomies-category-1.xml":
        return Page(200, XML, feeds.category_sitemap(blog, base), blog.last_modified)
    match = re.fullmatch(r"/wp-sitemap-posts-post-(\d+)\.xml", path)
    if match:
        entries = _sitemap_entries(blog, base, int(match.group(1)))
        if entries:
            return Page(200, XML, feeds.sitemap_urls(entries), blog.last_modified)
    return _not_found(blog, base)
