"""The chrome around WordPress pages (head, sidebar, footer), URLs and WordPress' date formats."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime
from html import escape

from scraper.demo.content import DemoBlog, DemoPost


def slugify(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def category_url(base: str, label: str) -> str:
    return f"{base}/category/{slugify(label)}/"


def local_iso(blog: DemoBlog, moment: datetime) -> str:
    return moment.astimezone(blog.zone).isoformat(timespec="seconds")


def post_date(blog: DemoBlog, moment: datetime) -> str:
    when = moment.astimezone(blog.zone)
    return f"{when:%B} {when.day}, {when.year}"


def comment_time_text(blog: DemoBlog, moment: datetime) -> str:
    when = moment.astimezone(blog.zone)
    hour = when.hour % 12 or 12
    return f"{post_date(blog, moment)} at {hour}:{when:%M} {'pm' if when.hour >= 12 else 'am'}"


def avatar(name: str) -> str:
    digest = hashlib.md5(name.lower().encode(), usedforsecurity=False).hexdigest()
    return (
        f"<img alt='' src='https://secure.gravatar.com/avatar/{digest}?s=56&#038;d=mm&#038;r=g' "
        f"class='avatar avatar-56 photo' height='56' width='56' loading='lazy' decoding='async'/>"
    )


def comment_page_url(base: str, post: DemoPost, page: int) -> str:
    return f"{base}{post.path}comment-page-{page}/"


def page_head(
    blog: DemoBlog,
    base: str,
    title: str,
    *,
    canonical: str,
    body_class: str,
    post: DemoPost | None = None,
    rel_links: str = "",
) -> str:
    name = escape(blog.title)
    extra = ""
    if post is not None:
        extra = (
            f'<link rel="alternate" type="application/rss+xml" title="{name} &raquo; '
            f'{escape(post.title)} Comments Feed" href="{base}{post.path}feed/" />\n'
        )
        rest = f'<link rel="alternate" type="application/json" href="{base}/wp-json/wp/v2/posts/'
        short = f"<link rel='shortlink' href='{base}/?p={post.platform_id}' />\n"
        extra_tail = f'{rest}{post.platform_id}" />\n{short}'
    else:
        extra_tail = ""
    return f"""<!DOCTYPE html>
<html lang="en-US" class="no-js">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width">
<link rel="profile" href="https://gmpg.org/xfn/11">
<link rel="pingback" href="{base}/xmlrpc.php">
<title>{escape(title)}</title>
<meta name='robots' content='max-image-preview:large' />
<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Feed" href="{base}/feed/" />
<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Comments Feed" \
href="{base}/comments/feed/" />
{extra}<link rel='stylesheet' id='twentyfifteen-style-css' \
href='{base}/wp-content/themes/twentyfifteen/style.css?ver=20231107' media='all' />
<link rel="https://api.w.org/" href="{base}/wp-json/" />
<link rel="EditURI" type="application/rsd+xml" title="RSD" href="{base}/xmlrpc.php?rsd" />
<meta name="generator" content="WordPress 6.4.3" />
{rel_links}<link rel="canonical" href="{canonical}" />
{extra_tail}</head>

<body class="{body_class} wp-embed-responsive">
<div id="page" class="hfeed site">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<div id="sidebar" class="sidebar">
<header id="masthead" class="site-header">
<div class="site-branding">
<p class="site-title"><a href="{base}/" rel="home">{name}</a></p>
<p class="site-description">{escape(blog.description)}</p>
<button class="secondary-toggle">Menu and widgets</button>
</div><!-- .site-branding -->
</header><!-- .site-header -->
{_widgets(blog, base)}
</div><!-- .sidebar -->
<div id="content" class="site-content">
<div id="primary" class="content-area">
<main id="main" class="site-main">
"""


def _widgets(blog: DemoBlog, base: str) -> str:
    labels = sorted({label for post in blog.posts for label in post.labels})
    items = "\n".join(
        f'<li class="cat-item"><a href="{category_url(base, label)}">{escape(label)}</a></li>'
        for label in labels
    )
    return f"""<div id="secondary" class="secondary">
<div id="widget-area" class="widget-area" role="complementary">
<aside id="categories-2" class="widget widget_categories"><h2 class="widget-title">Categories</h2>
<nav aria-label="Categories"><ul>
{items}
</ul></nav></aside>
</div><!-- .widget-area -->
</div><!-- .secondary -->"""


PAGE_FOOT = """</main><!-- .site-main -->
</div><!-- .content-area -->
</div><!-- .site-content -->
<footer id="colophon" class="site-footer">
<div class="site-info">
<a href="https://wordpress.org/" class="imprint">Proudly powered by WordPress</a>
</div><!-- .site-info -->
</footer><!-- .site-footer -->
</div><!-- .site -->
</body>
</html>
"""
