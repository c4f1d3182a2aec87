"""Render the demo blogs' feeds: Blogger Atom / GData JSON, WordPress RSS, sitemaps, robots.txt."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape
from typing import Any

from scraper.demo.blogger_layout import comment_time, epoch_ms
from scraper.demo.blogger_markup import REMOVED
from scraper.demo.content import DemoBlog, DemoComment, DemoPost
from scraper.demo.wordpress_layout import category_url

GData = dict[str, Any]
_BLOGGER_NS = {
    "xmlns": "http://www.w3.org/2005/Atom",
    "xmlns$openSearch": "http://a9.com/-/spec/opensearchrss/1.0/",
    "xmlns$blogger": "http://schemas.google.com/blogger/2008",
    "xmlns$gd": "http://schemas.google.com/g/2005",
    "xmlns$thr": "http://purl.org/syndication/thread/1.0",
}


def _stamp(blog: DemoBlog, moment: datetime) -> str:
    """Blogger's feed timestamps: local time with milliseconds and offset."""
    return moment.astimezone(blog.zone).isoformat(timespec="milliseconds")


def _t(text: str, **attributes: str) -> GData:
    return {"$t": text, **attributes}


def _blogger_author(name: str, uri: str | None) -> GData:
    author: GData = {"name": _t(name)}
    if uri:
        author["uri"] = _t(uri)
    author["email"] = _t("noreply@blogger.com")
    author["gd$image"] = {
        "rel": "http://schemas.google.com/g/2005#thumbnail",
        "width": "16",
        "height": "16",
        "src": "https://img1.blogblog.com/img/b16-rounded.gif",
    }
    return author


def _feed_head(
    blog: DemoBlog,
    *,
    feed_id: str,
    title: str,
    self_url: str,
    alternate: str,
    total: int,
    start: int,
    per_page: int,
) -> GData:
    links = [
        {
            "rel": "http://schemas.google.com/g/2005#feed",
            "type": "application/atom+xml",
            "href": self_url,
        },
        {
            "rel": "self",
            "type": "application/atom+xml",
            "href": f"{self_url}?start-index={start}&max-results={per_page}",
        },
        {"rel": "alternate", "type": "text/html", "href": alternate},
    ]
    if start + per_page <= total:
        links.append(
            {
                "rel": "next",
                "type": "application/atom+xml",
                "href": f"{self_url}?start-index={start + per_page}&max-results={per_page}",
            }
        )
    return {
        **_BLOGGER_NS,
        "id": _t(feed_id),
        "updated": _t(_stamp(blog, blog.last_modified)),
        "title": _t(title, type="text"),
        "link": links,
        "author": [_blogger_author(blog.authors[0][1], blog.authors[0][2])],
        "generator": _t("Blogger", version="7.00", uri="http://www.blogger.com"),
        "openSearch$totalResults": _t(str(total)),
        "openSearch$startIndex": _t(str(start)),
        "openSearch$itemsPerPage": _t(str(per_page)),
    }


def blogger_posts(
    blog: DemoBlog, base: str, start: int, per_page: int, label: str | None = None
) -> GData:
    """`/feeds/posts/default` (optionally `/-/LABEL`) as a GData dict (JSON or Atom later)."""
    posts = [post for post in blog.posts if label is None or label in post.labels]
    feed = _feed_head(
        blog,
        feed_id=f"tag:blogger.com,1999:blog-{blog.blog_id}",
        title=blog.title,
        self_url=f"{base}/feeds/posts/default",
        alternate=f"{base}/",
        total=len(posts),
        start=start,
        per_page=per_page,
    )
    feed["category"] = [
        {"term": term} for term in sorted({x for p in blog.posts for x in p.labels})
    ]
    entries = []
    for post in posts[start - 1 : start - 1 + per_page]:
        url = base + post.path
        body = "".join(f"<p>{escape(text)}</p>" for text in post.paragraphs)
        count = len(post.comments)
        entries.append(
            {
                "id": _t(f"tag:blogger.com,1999:blog-{blog.blog_id}.post-{post.platform_id}"),
                "published": _t(_stamp(blog, post.published)),
                "updated": _t(_stamp(blog, post.last_modified)),
                "category": [
                    {"scheme": "http://www.blogger.com/atom/ns#", "term": label}
                    for label in post.labels
                ],
                "title": _t(post.title, type="text"),
                "content": _t(body, type="html"),
                "link": [
                    {
                        "rel": "replies",
                        "type": "application/atom+xml",
                        "href": f"{base}/feeds/{post.platform_id}/comments/default",
                        "title": "Post Comments",
                    },
                    {
                        "rel": "replies",
                        "type": "text/html",
                        "href": f"{url}#comment-form",
                        "title": f"{count} Comments",
                    },
                    {
                        "rel": "self",
                        "type": "application/atom+xml",
                        "href": f"{base}/feeds/posts/default/{post.platform_id}",
                    },
                    {"rel": "alternate", "type": "text/html", "href": url, "title": post.title},
                ],
                "author": [_blogger_author(post.author, blog.author_url(post.author_login))],
                "thr$total": _t(str(count)),
            }
        )
    feed["entry"] = entries
    return feed


def _blogger_comment(blog: DemoBlog, post: DemoPost, base: str, comment: DemoComment) -> GData:
    feed_url = f"{base}/feeds/{post.platform_id}/comments/default"
    links = [
        {"rel": "edit", "type": "application/atom+xml", "href": f"{feed_url}/{comment.id}"},
        {"rel": "self", "type": "application/atom+xml", "href": f"{feed_url}/{comment.id}"},
        {
            "rel": "alternate",
            "type": "text/html",
            "href": f"{base}{post.path}?showComment={epoch_ms(comment.published)}#c{comment.id}",
            "title": "",
        },
    ]
    if comment.parent_id:
        links.append(
            {
                "rel": "related",
                "type": "application/atom+xml",
                "href": f"{feed_url}/{comment.parent_id}",
            }
        )
    content = (
        REMOVED
        if comment.deleted
        else "<br /><br />".join(escape(text) for text in comment.paragraphs)
    )
    props = [
        {"name": "blogger.itemClass", "value": "pid-1706398542"},
        {"name": "blogger.displayTime", "value": comment_time(blog, comment.published)},
    ]
    if comment.deleted:
        props.insert(0, {"name": "blogger.contentRemoved", "value": "true"})
    return {
        "id": _t(f"tag:blogger.com,1999:blog-{blog.blog_id}.post-{comment.id}"),
        "published": _t(_stamp(blog, comment.published)),
        "updated": _t(_stamp(blog, comment.published)),
        "title": _t(REMOVED if comment.deleted else comment.text[:40], type="text"),
        "content": _t(content, type="html"),
        "link": links,
        "author": [_blogger_author(comment.author, comment.author_url)],
        "thr$in-reply-to": {
            "href": base + post.path,
            "type": "text/html",
            "ref": f"tag:blogger.com,1999:blog-{blog.blog_id}.post-{post.platform_id}",
            "source": f"{base}/feeds/posts/default/{post.platform_id}",
        },
        "gd$extendedProperty": props,
    }


def blogger_comments(blog: DemoBlog, post: DemoPost, base: str, start: int, per_page: int) -> GData:
    """`/feeds/POSTID/comments/default`: every comment, oldest first, paged like Blogger."""
    feed_url = f"{base}/feeds/{post.platform_id}/comments/default"
    feed = _feed_head(
        blog,
        feed_id=f"tag:blogger.com,1999:blog-{blog.blog_id}.post{post.platform_id}..comments",
        title=f"Comments on {blog.title}: {post.title}",
        self_url=feed_url,
        alternate=base + post.path,
        total=len(post.comments),
        start=start,
        per_page=per_page,
    )
    chosen = post.comments[start - 1 : start - 1 + per_page]
    feed["entry"] = [_blogger_comment(blog, post, base, comment) for comment in chosen]
    return feed


def gdata_json(feed: GData) -> str:
    return json.dumps({"version": "1.0", "encoding": "UTF-8", "feed": feed}, ensure_ascii=False)


def _xml_node(name: str, node: GData) -> str:
    """GData JSON back to Atom: plain strings are attributes, dicts and lists child elements."""
    tag = name.replace("$", ":")
    attributes = "".join(
        f" {key.replace('$', ':')}='{escape(value)}'"
        for key, value in node.items()
        if isinstance(value, str) and key != "$t"
    )
    children: list[str] = []
    for key, value in node.items():
        if isinstance(value, dict):
            children.append(_xml_node(key, value))
        elif isinstance(value, list):
            children.extend(_xml_node(key, item) for item in value)
    text = escape(node["$t"], quote=False) if "$t" in node else ""
    inner = text + "".join(children)
    return f"<{tag}{attributes}>{inner}</{tag}>" if inner else f"<{tag}{attributes}/>"


def gdata_atom(feed: GData) -> str:
    return "<?xml version='1.0' encoding='UTF-8'?>" + _xml_node("feed", feed)


def robots_txt(blog: DemoBlog, base: str) -> str:
    if blog.platform == "blogger":
        return (
            "User-agent: Mediapartners-Google\nDisallow: \n\nUser-agent: *\nDisallow: /search\n"
            f"Allow: /\n\nSitemap: {base}/sitemap.xml\n"
        )
    return (
        "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
        f"Sitemap: {base}/wp-sitemap.xml\n"
    )


_SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def sitemap_index(locations: list[str]) -> str:
    items = "".join(f"<sitemap><loc>{escape(loc)}</loc></sitemap>" for loc in locations)
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    return f"{head}<sitemapindex {_SITEMAP_NS}>{items}</sitemapindex>\n"


def sitemap_urls(entries: list[tuple[str, datetime | None]]) -> str:
    items = "".join(
        f"<url><loc>{escape(loc)}</loc>"
        + (
            f"<lastmod>{when.astimezone(UTC).isoformat(timespec='seconds')}</lastmod>"
            if when
            else ""
        )
        + "</url>"
        for loc, when in entries
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {_SITEMAP_NS}>{items}</urlset>\n'


def category_sitemap(blog: DemoBlog, base: str) -> str:
    labels = sorted({label for post in blog.posts for label in post.labels})
    return sitemap_urls([(category_url(base, label), None) for label in labels])
