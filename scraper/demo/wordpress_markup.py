"""Render the WordPress-style demo blog in real WordPress markup (Twenty Fifteen, html5)."""

from __future__ import annotations

from html import escape

from scraper.demo.content import DemoBlog, DemoComment, DemoPost, comment_pages
from scraper.demo.wordpress_layout import (
    PAGE_FOOT,
    avatar,
    category_url,
    comment_page_url,
    comment_time_text,
    local_iso,
    page_head,
    post_date,
    slugify,
)

MAX_DEPTH = 5  # WordPress' default thread_comments_depth


def _post_classes(post: DemoPost) -> str:
    cats = " ".join(f"category-{slugify(label)}" for label in post.labels)
    return f"post-{post.platform_id} post type-post status-publish format-standard hentry {cats}"


def _article(blog: DemoBlog, post: DemoPost, base: str, *, single: bool) -> str:
    url = base + post.path
    title = escape(post.title)
    heading = (
        f'<h1 class="entry-title">{title}</h1>'
        if single
        else f'<h2 class="entry-title"><a href="{url}" rel="bookmark">{title}</a></h2>'
    )
    body = "\n".join(f"<p>{escape(text)}</p>" for text in post.paragraphs)
    cats = ", ".join(
        f'<a href="{category_url(base, label)}" rel="category tag">{escape(label)}</a>'
        for label in post.labels
    )
    count = len(post.comments)
    label = "Leave a comment" if count == 0 else f"{count} Comment{'s' if count != 1 else ''}"
    comments_link = (
        ""
        if single
        else (
            f'<span class="comments-link"><a href="{url}#comments">{label}<span '
            f'class="screen-reader-text"> on {title}</span></a></span>'
        )
    )
    return f"""<article id="post-{post.platform_id}" class="{_post_classes(post)}">
<header class="entry-header">
{heading}
</header><!-- .entry-header -->
<div class="entry-content">
{body}
</div><!-- .entry-content -->
<footer class="entry-footer">
<span class="posted-on"><span class="screen-reader-text">Posted on </span><a href="{url}" \
rel="bookmark"><time class="entry-date published updated" \
datetime="{local_iso(blog, post.published)}">{post_date(blog, post.published)}</time></a></span>\
<span class="byline"><span class="author vcard"><span class="screen-reader-text">Author </span>\
<a class="url fn n" href="{base}/author/{post.author_login}/">{escape(post.author)}</a></span>\
</span><span class="cat-links"><span class="screen-reader-text">Categories </span>{cats}</span>\
{comments_link}
</footer><!-- .entry-footer -->
</article><!-- #post-{post.platform_id} -->
"""


class _Counters:
    """WordPress' even/odd and thread-even/thread-odd alternation, restarted on each page."""

    def __init__(self) -> None:
        self.comment = 0
        self.thread = 0


def _comment_li(
    blog: DemoBlog,
    post: DemoPost,
    base: str,
    comment: DemoComment,
    *,
    page_url: str,
    children: dict[str, list[DemoComment]],
    depth: int,
    counters: _Counters,
) -> str:
    cid = comment.id
    classes: list[str] = [comment.kind]
    if comment.user_login:
        classes += ["byuser", f"comment-author-{comment.user_login}"]
    if comment.by_post_author:
        classes.append("bypostauthor")
    classes.append("even" if counters.comment % 2 == 0 else "odd alt")
    counters.comment += 1
    if depth == 1:
        classes.append("thread-even" if counters.thread % 2 == 0 else "thread-odd thread-alt")
        counters.thread += 1
    classes.append(f"depth-{depth}")
    kids = children.get(cid, [])
    if kids:
        classes.append("parent")
    name = escape(comment.author)
    link = (
        f"<a href='{comment.author_url}' rel='external nofollow ugc' class='url'>{name}</a>"
        if comment.author_url
        else name
    )
    if comment.kind == "pingback":
        return (
            f'<li id="comment-{cid}" class="{" ".join(classes)}">\n<div class="comment-body">\n'
            f"Pingback: {link} </div>\n</li><!-- #comment-## -->\n"
        )
    paragraphs = "\n".join(f"<p>{escape(text)}</p>" for text in comment.paragraphs)
    reply = ""
    if depth < MAX_DEPTH:
        reply = (
            f"<div class=\"reply\"><a rel='nofollow' class='comment-reply-link' href='{base}"
            f'{post.path}?replytocom={cid}#respond\' data-commentid="{cid}" data-postid="'
            f'{post.platform_id}" data-belowelement="div-comment-{cid}" data-respondelement='
            f'"respond" data-replyto="Reply to {name}" aria-label=\'Reply to {name}\'>Reply</a>'
            f"</div>"
        )
    inner = "".join(
        _comment_li(
            blog,
            post,
            base,
            kid,
            page_url=page_url,
            children=children,
            depth=depth + 1,
            counters=counters,
        )
        for kid in kids
    )
    nested = f'<ol class="children">\n{inner}</ol><!-- .children -->\n' if kids else ""
    return f"""<li id="comment-{cid}" class="{" ".join(classes)}">
<article id="div-comment-{cid}" class="comment-body">
<footer class="comment-meta">
<div class="comment-author vcard">
{avatar(comment.author)} <b class="fn">{link}</b> <span class="says">says:</span> </div>\
<!-- .comment-author -->
<div class="comment-metadata">
<a href="{page_url}#comment-{cid}"><time datetime="{local_iso(blog, comment.published)}">\
{comment_time_text(blog, comment.published)}</time></a> </div><!-- .comment-metadata -->
</footer><!-- .comment-meta -->
<div class="comment-content">
{paragraphs}
</div><!-- .comment-content -->
{reply} </article><!-- .comment-body -->
{nested}</li><!-- #comment-## -->
"""


def _comment_nav(base: str, post: DemoPost, page: int, pages: int) -> str:
    if pages < 2:
        return ""
    older = newer = ""
    if page > 1:
        older = (
            f'<div class="nav-previous"><a href="{comment_page_url(base, post, page - 1)}'
            f'#comments">Older Comments</a></div>'
        )
    if page < pages:
        newer = (
            f'<div class="nav-next"><a href="{comment_page_url(base, post, page + 1)}'
            f'#comments">Newer Comments</a></div>'
        )
    return (
        '<nav class="navigation comment-navigation" aria-label="Comments">\n<h2 class="screen-'
        f'reader-text">Comments navigation</h2>\n<div class="nav-links">{older}{newer}</div>\n'
        "</nav><!-- .comment-navigation -->\n"
    )


def render_post(blog: DemoBlog, post: DemoPost, base: str, comment_page: int | None = None) -> str:
    """A single post, showing one page of its comment threads (page 1 at the plain URL)."""
    pages = comment_pages(post)
    page = comment_page or 1
    if not 1 <= page <= len(pages):
        raise ValueError(f"no comment page {page}")
    on_page = pages[page - 1]
    ids = {comment.id for comment in on_page}
    children: dict[str, list[DemoComment]] = {}
    for comment in on_page:
        if comment.parent_id in ids:
            children.setdefault(comment.parent_id or "", []).append(comment)
    plain = page == 1 and comment_page is None
    page_url = base + post.path if plain else comment_page_url(base, post, page)
    canonical = base + post.path if page == 1 else f"{page_url}#comments"
    counters = _Counters()
    items = "".join(
        _comment_li(
            blog,
            post,
            base,
            comment,
            page_url=page_url,
            children=children,
            depth=1,
            counters=counters,
        )
        for comment in on_page
        if comment.parent_id is None
    )
    index = blog.posts.index(post)
    nav = []
    if index + 1 < len(blog.posts):
        older = blog.posts[index + 1]
        nav.append(
            f'<div class="nav-previous"><a href="{base}{older.path}" rel="prev"><span '
            f'class="meta-nav" aria-hidden="true">Previous</span> <span class="post-title">'
            f"{escape(older.title)}</span></a></div>"
        )
    if index > 0:
        newer = blog.posts[index - 1]
        nav.append(
            f'<div class="nav-next"><a href="{base}{newer.path}" rel="next"><span '
            f'class="meta-nav" aria-hidden="true">Next</span> <span class="post-title">'
            f"{escape(newer.title)}</span></a></div>"
        )
    count = len(post.comments)
    title_html = escape(post.title)
    heading = (
        f'<h2 class="comments-title">\n{count} thought{"s" if count != 1 else ""} on '
        f"&ldquo;{title_html}&rdquo;\t\t</h2>\n"
    )
    comment_nav = _comment_nav(base, post, page, len(pages))
    comments = (
        f'<div id="comments" class="comments-area">\n{heading if count else ""}{comment_nav}'
        f'<ol class="comment-list">\n{items}</ol><!-- .comment-list -->\n{comment_nav}'
        f'<div id="respond" class="comment-respond">\n<h3 id="reply-title" class="comment-reply-'
        f'title">Leave a Reply</h3><form action="{base}/wp-comments-post.php" method="post" '
        f'id="commentform" class="comment-form" novalidate><p class="comment-notes">Your email '
        f"address will not be published.</p><input type='hidden' name='comment_post_ID' "
        f"value='{post.platform_id}' id='comment_post_ID' /></form>\n</div><!-- #respond -->\n"
        "</div><!-- .comments-area -->\n"
    )
    body_class = (
        f"post-template-default single single-post postid-{post.platform_id} single-format-standard"
    )
    return "".join(
        (
            page_head(
                blog,
                base,
                f"{post.title} – {blog.title}",
                canonical=canonical,
                body_class=body_class,
                post=post,
            ),
            _article(blog, post, base, single=True),
            comments,
            '<nav class="navigation post-navigation" aria-label="Posts">\n<h2 class="screen-reader-'
            f'text">Post navigation</h2>\n<div class="nav-links">{"".join(nav)}</div>\n</nav>\n',
            PAGE_FOOT,
        )
    )


def render_listing(
    blog: DemoBlog,
    posts: list[DemoPost],
    base: str,
    *,
    canonical: str,
    body_class: str,
    older: str | None,
    newer: str | None,
    heading: str | None = None,
) -> str:
    """Home, `/page/N/` and category pages: excerpts with "Older posts" / "Newer posts" links."""
    rel = "".join(
        f'<link rel="{kind}" href="{href}" />\n'
        for kind, href in (("prev", newer), ("next", older))
        if href
    )
    parts = [
        page_head(blog, base, blog.title, canonical=canonical, body_class=body_class, rel_links=rel)
    ]
    if heading:
        parts.append(
            f'<header class="page-header">\n<h1 class="page-title">{escape(heading)}'
            "</h1>\n</header><!-- .page-header -->\n"
        )
    parts.extend(_article(blog, post, base, single=False) for post in posts)
    links = ""
    if older:
        links += f'<div class="nav-previous"><a href="{older}">Older posts</a></div>'
    if newer:
        links += f'<div class="nav-next"><a href="{newer}">Newer posts</a></div>'
    if links:
        parts.append(
            '<nav class="navigation posts-navigation" aria-label="Posts">\n<h2 class='
            f'"screen-reader-text">Posts navigation</h2>\n<div class="nav-links">{links}'
            "</div>\n</nav>\n"
        )
    parts.append(PAGE_FOOT)
    return "".join(parts)


def render_not_found(blog: DemoBlog, base: str) -> str:
    return "".join(
        (
            page_head(
                blog,
                base,
                f"Page not found – {blog.title}",
                canonical=base + "/",
                body_class="error404",
            ),
            '<section class="error-404 not-found">\n<header class="page-header">\n<h1 class="page-'
            'title">Oops! That page can&rsquo;t be found.</h1>\n</header>\n</section>\n',
            PAGE_FOOT,
        )
    )
