"""The chrome around Blogger pages (head, sidebar, pager) and Blogger's date formats."""

from __future__ import annotations

from datetime import datetime
from html import escape
from urllib.parse import quote

from scraper.demo.content import DemoBlog, DemoPost


def local(blog: DemoBlog, moment: datetime) -> datetime:
    return moment.astimezone(blog.zone)


def clock(moment: datetime) -> str:
    """12-hour clock as Blogger's English locale shows it: `7:42 PM`."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment:%M} {'PM' if moment.hour >= 12 else 'AM'}"


def long_date(moment: datetime) -> str:
    return f"{moment:%A}, {moment:%B} {moment.day}, {moment.year}"


def comment_time(blog: DemoBlog, moment: datetime) -> str:
    when = local(blog, moment)
    return f"{when:%B} {when.day}, {when.year} at {clock(when)}"


def iso_local(blog: DemoBlog, moment: datetime) -> str:
    return local(blog, moment).isoformat(timespec="seconds")


def epoch_ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def label_url(base: str, label: str) -> str:
    return f"{base}/search/label/{quote(label)}"


def page_head(blog: DemoBlog, base: str, title: str, canonical: str, post: DemoPost | None) -> str:
    name = escape(blog.title)
    feed = ""
    if post is not None:
        feed = (
            f'<link rel="alternate" type="application/atom+xml" title="{name} - Atom" '
            f'href="{base}/feeds/{post.platform_id}/comments/default" />\n'
        )
    return f"""<!DOCTYPE html>
<html class='v2' dir='ltr' lang='en' xmlns='http://www.w3.org/1999/xhtml' \
xmlns:b='http://www.google.com/2005/gml/b' xmlns:data='http://www.google.com/2005/gml/data' \
xmlns:expr='http://www.google.com/2005/gml/expr'>
<head>
<link href='https://www.blogger.com/static/v1/widgets/2944754296-widget_css_bundle.css' \
rel='stylesheet' type='text/css'/>
<meta content='width=1100' name='viewport'/>
<meta content='text/html; charset=UTF-8' http-equiv='Content-Type'/>
<meta content='blogger' name='generator'/>
<link href='{base}/favicon.ico' rel='icon' type='image/x-icon'/>
<link href='{canonical}' rel='canonical'/>
<link rel="alternate" type="application/atom+xml" title="{name} - Atom" \
href="{base}/feeds/posts/default" />
<link rel="service.post" type="application/atom+xml" title="{name} - Atom" \
href="https://www.blogger.com/feeds/{blog.blog_id}/posts/default" />
{feed}<meta content='{canonical}' property='og:url'/>
<meta content='{escape(title)}' property='og:title'/>
<meta content='{escape(blog.description)}' property='og:description'/>
<title>{escape(title)}</title>
<style id='page-skin-1' type='text/css'><!--
body {{ font: normal normal 14px Georgia, serif; color: #222222; }}
--></style>
</head>
<body class='loading variant-simplysimple'>
<div class='content'>
<div class='content-outer'>
<header>
<div class='header-outer'>
<div class='header section' id='header'><div class='widget Header' data-version='1' id='Header1'>
<div id='header-inner'>
<div class='titlewrapper'>
<h1 class='title'>
<a href='{base}/'>{name}</a>
</h1>
</div>
<div class='descriptionwrapper'>
<p class='description'><span>{escape(blog.description)}</span></p>
</div>
</div>
</div></div>
</div>
</header>
<div class='main-outer'>
<div class='columns fauxcolumns'>
<div class='column-center-outer'>
<div class='main section' id='main'><div class='widget Blog' data-version='1' id='Blog1'>
<div class='blog-posts hfeed'>
"""


def pager(
    base: str, newer: str | None, older: str | None, newer_title: str, older_title: str
) -> str:
    parts = ["<div class='blog-pager' id='blog-pager'>"]
    if newer:
        parts.append(
            f"<span id='blog-pager-newer-link'>\n<a class='blog-pager-newer-link' "
            f"href='{newer}' id='Blog1_blog-pager-newer-link' title='{newer_title}'>"
            f"{newer_title}</a>\n</span>"
        )
    if older:
        parts.append(
            f"<span id='blog-pager-older-link'>\n<a class='blog-pager-older-link' "
            f"href='{older}' id='Blog1_blog-pager-older-link' title='{older_title}'>"
            f"{older_title}</a>\n</span>"
        )
    parts.append(f"<a class='home-link' href='{base}/'>Home</a>\n</div>")
    return "\n".join(parts)


def page_tail(blog: DemoBlog, base: str, feed_links: str) -> str:
    labels = sorted({label for post in blog.posts for label in post.labels})
    items = "\n".join(
        f"<li>\n<a dir='ltr' href='{label_url(base, label)}'>{escape(label)}</a>\n</li>"
        for label in labels
    )
    return f"""<div class='clear'></div>
<div class='post-feeds'>
<div class='feed-links'>
Subscribe to:
{feed_links}
</div>
</div>
</div></div>
</div>
<div class='column-right-outer'>
<div class='sidebar section' id='sidebar-right-1'><div class='widget Text' data-version='1' \
id='Text1'>
<h2 class='title'>About the times</h2>
<div class='widget-content'>All times on this blog are Mountain Time ({blog.tz_name}).</div>
</div><div class='widget Label' data-version='1' id='Label1'>
<h2>Labels</h2>
<div class='widget-content list-label-widget-content'>
<ul>
{items}
</ul>
</div>
</div></div>
</div>
</div>
</div>
</div>
</div>
</body>
</html>
"""
