"""Render the demo blogs' feeds: Blogger Atom / GData JSON, WordPress RSS, sitemaps, robots.txt."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from typing import Any

from scraper.demo.blogger_markup import REMOVED, comment_time, epoch_ms
from scraper.demo.content import DemoBlog, DemoComment, DemoPost, comment_pages
from scraper.demo.wordpress_markup import category_url, comment_page_url

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


def _paragraphs(texts: list[str] | tuple[str, ...]) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in texts)


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC)).replace("-0000", "+0000")


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _rss(blog: DemoBlog, title: str, self_url: str, link: str, items: list[str]) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:atom="http://www.w3.org/2005/Atom"
\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"
\t>

<channel>
\t<title>{escape(title)}</title>
\t<atom:link href="{self_url}" rel="self" type="application/rss+xml" />
\t<link>{link}</link>
\t<description>{escape(blog.description)}</description>
\t<lastBuildDate>{_rfc822(blog.last_modified)}</lastBuildDate>
\t<language>en-US</language>
\t<sy:updatePeriod>hourly</sy:updatePeriod>
\t<sy:updateFrequency>1</sy:updateFrequency>
\t<generator>https://wordpress.org/?v=6.4.3</generator>
{"".join(items)}</channel>
</rss>
"""


def wordpress_feed(blog: DemoBlog, base: str, paged: int, per_page: int = 10) -> str | None:
    """`/feed/?paged=N` (RSS 2.0, newest first); None past the last page (WordPress 404s)."""
    posts = blog.posts[(paged - 1) * per_page : paged * per_page]
    if not posts and paged > 1:
        return None
    items = []
    for post in posts:
        url = base + post.path
        body = "".join(f"<p>{escape(text)}</p>" for text in post.paragraphs)
        cats = "".join(f"\t\t<category>{_cdata(label)}</category>\n" for label in post.labels)
        items.append(
            f"\t<item>\n\t\t<title>{escape(post.title)}</title>\n\t\t<link>{url}</link>\n"
            f"\t\t<comments>{url}#comments</comments>\n\t\t<dc:creator>{_cdata(post.author)}"
            f"</dc:creator>\n\t\t<pubDate>{_rfc822(post.published)}</pubDate>\n{cats}"
            f'\t\t<guid isPermaLink="false">{base}/?p={post.platform_id}</guid>\n'
            f"\t\t<description>{_cdata(post.paragraphs[0])}</description>\n"
            f"\t\t<content:encoded>{_cdata(body)}</content:encoded>\n"
            f"\t\t<wfw:commentRss>{url}feed/</wfw:commentRss>\n"
            f"\t\t<slash:comments>{len(post.comments)}</slash:comments>\n\t</item>\n"
        )
    self_url = f"{base}/feed/" + (f"?paged={paged}" if paged > 1 else "")
    return _rss(blog, blog.title, self_url, base, items)


def wordpress_comment_feed(blog: DemoBlog, base: str, post: DemoPost | None) -> str:
    """`/comments/feed/` (latest comments site-wide) or `POST/feed/` (one post's comments)."""
    posts = [post] if post else list(blog.posts)
    pairs = sorted(
        ((c, p) for p in posts for c in p.comments if c.kind == "comment"),
        key=lambda pair: pair[0].published,
        reverse=True,
    )
    if post is None:
        pairs = pairs[:10]
    items = []
    for comment, owner in pairs:
        page = next(n for n, chunk in enumerate(comment_pages(owner), 1) if comment in chunk)
        where = base + owner.path if page == 1 else comment_page_url(base, owner, page)
        items.append(
            f"\t<item>\n\t\t<title>Comment on {escape(owner.title)} by {escape(comment.author)}"
            f"</title>\n\t\t<link>{where}#comment-{comment.id}</link>\n\t\t<dc:creator>"
            f"{_cdata(comment.author)}</dc:creator>\n\t\t<pubDate>{_rfc822(comment.published)}"
            f'</pubDate>\n\t\t<guid isPermaLink="false">{base}/?p={owner.platform_id}#comment-'
            f"{comment.id}</guid>\n\t\t<description>{_cdata(comment.text)}</description>\n"
            f"\t\t<content:encoded>{_cdata(_paragraphs(comment.paragraphs))}"
            "</content:encoded>\n\t</item>\n"
        )
    if post:
        return _rss(
            blog, f"Comments on: {post.title}", f"{base}{post.path}feed/", base + post.path, items
        )
    return _rss(blog, f"Comments for {blog.title}", f"{base}/comments/feed/", base, items)


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
