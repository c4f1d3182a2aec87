"""WordPress-style RSS 2.0 feeds of the demo blog: posts (`/feed/`) and comments."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from scraper.demo.content import DemoBlog, DemoPost, comment_pages
from scraper.demo.wordpress_layout import comment_page_url


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
