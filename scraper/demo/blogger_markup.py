"""Render the Blogger-style demo blog in real Blogger markup (Simple v2, threaded comments)."""

from __future__ import annotations

from html import escape

from scraper.demo.blogger_layout import (
    clock,
    comment_time,
    epoch_ms,
    iso_local,
    label_url,
    local,
    long_date,
    page_head,
    page_tail,
    pager,
)
from scraper.demo.content import DemoBlog, DemoComment, DemoPost

REMOVED = "This comment has been removed by the author."
_BLANK_AVATAR = "//resources.blogblog.com/img/blank.gif"
# Blogger's own inline comment script carries this literal on every page (parsers must cope).
_COMMENT_JS = """<script async='async' src='' type='text/javascript'></script>
<script type='text/javascript'>
    (function() {
      var items = null;
      var msgs = null;
      var config = {};
// <![CDATA[
      var bodyFromEntry = function(entry) {
        if (entry.gd$extendedProperty) {
          for (var k in entry.gd$extendedProperty) {
            if (entry.gd$extendedProperty[k].name == 'blogger.contentRemoved') {
              return '<span class="deleted-comment">' + entry.content.$t + '</span>';
            }
          }
        }
        return entry.content.$t;
      }
      window.goog = window.goog || {};
// ]]>
  </script>"""


def _post_block(blog: DemoBlog, post: DemoPost, base: str, *, single: bool) -> str:
    url = base + post.path
    profile = blog.author_url(post.author_login)
    when = local(blog, post.published)
    labels = ",\n".join(
        f"<a href='{label_url(base, label)}' rel='tag'>{escape(label)}</a>" for label in post.labels
    )
    body = "\n".join(f"<p>{escape(text)}</p>" for text in post.paragraphs)
    count = len(post.comments)
    link_text = "No comments:" if count == 0 else f"{count} comment{'s' if count != 1 else ''}:"
    comment_link = (
        ""
        if single
        else (f"\n<a class='comment-link' href='{url}#comment-form' onclick=''>{link_text}\n</a>")
    )
    title = escape(post.title)
    heading = title if single else f"<a href='{url}'>{title}</a>"
    return f"""<div class='post-outer'>
<div class='post hentry uncustomized-post-template' itemprop='blogPost' itemscope='itemscope' \
itemtype='http://schema.org/BlogPosting'>
<meta content='{blog.blog_id}' itemprop='blogId'/>
<meta content='{post.platform_id}' itemprop='postId'/>
<a name='{post.platform_id}'></a>
<h3 class='post-title entry-title' itemprop='name'>
{heading}
</h3>
<div class='post-header'>
<div class='post-header-line-1'></div>
</div>
<div class='post-body entry-content' id='post-body-{post.platform_id}' \
itemprop='description articleBody'>
{body}
<div style='clear: both;'></div>
</div>
<div class='post-footer'>
<div class='post-footer-line post-footer-line-1'>
<span class='post-author vcard'>
Posted by
<span class='fn' itemprop='author' itemscope='itemscope' itemtype='http://schema.org/Person'>
<meta content='{profile}' itemprop='url'/>
<a class='g-profile' href='{profile}' rel='author' title='author profile'>
<span itemprop='name'>{escape(post.author)}</span>
</a>
</span>
</span>
<span class='post-timestamp'>
at
<meta content='{url}' itemprop='url'/>
<a class='timestamp-link' href='{url}' rel='bookmark' title='permanent link'><abbr \
class='published' itemprop='datePublished' title='{iso_local(blog, post.published)}'>\
{clock(when)}</abbr></a>
</span>
<span class='post-comment-link'>{comment_link}
</span>
</div>
<div class='post-footer-line post-footer-line-2'>
<span class='post-labels'>
Labels:
{labels}
</span>
</div>
<div class='post-footer-line post-footer-line-3'>
<span class='post-location'>
</span>
</div>
</div>
</div>
"""


def _comment_li(
    blog: DemoBlog, post: DemoPost, base: str, comment: DemoComment, replies: list[DemoComment]
) -> str:
    cid = comment.id
    name = escape(comment.author)
    user = (
        f'<a href="{comment.author_url}" rel="nofollow">{name}</a>' if comment.author_url else name
    )
    owner = " blog-author" if comment.by_post_author else ""
    avatar = (
        _BLANK_AVATAR
        if comment.author_url is None
        else "//www.blogger.com/img/avatar_blue_m_96.png"
    )
    if comment.deleted:
        content = f'<span class="deleted-comment">{REMOVED}</span>'
    else:
        content = "<br><br>".join(escape(text) for text in comment.paragraphs)
    permalink = f"{base}{post.path}?showComment={epoch_ms(comment.published)}#c{cid}"
    reply_link = (
        f'<a class="comment-reply" target="_self" data-comment-id="{cid}">Reply</a>'
        if comment.parent_id is None
        else ""
    )
    inner = "".join(_comment_li(blog, post, base, reply, []) for reply in replies)
    hidden = "" if replies else " hidden"
    return (
        f'<li class="comment" id="c{cid}"><div class="avatar-image-container"><img src="{avatar}"'
        f' alt=""/></div><div class="comment-block"><div class="comment-header"><cite class="user'
        f'{owner}">{user}</cite><span class="icon user{owner}"></span><span class="datetime '
        f'secondary-text"><a rel="nofollow" href="{permalink}">'
        f"{comment_time(blog, comment.published)}</a></span></div>"
        f'<p class="comment-content">{content}</p><span class="comment-actions secondary-text">'
        f'{reply_link}<span class="item-control blog-admin blog-admin pid-1706398542"><a '
        f'target="_self" href="https://www.blogger.com/delete-comment.g?blogID={blog.blog_id}'
        f'&amp;postID={cid}">Delete</a></span></span></div><div class="comment-replies"><div '
        f'id="c{cid}-rt" class="comment-thread inline-thread{hidden}"><span class="thread-toggle '
        f'thread-expanded"><span class="thread-arrow"></span><span class="thread-count"><a '
        f'target="_self">Replies</a></span></span><ol id="c{cid}-ra" class="thread-chrome '
        f'thread-expanded"><div>{inner}</div><div id="c{cid}-continue" class="continue"><a '
        f'class="comment-reply" target="_self" data-comment-id="{cid}">Reply</a></div></ol></div>'
        f'</div><div class="comment-replybox-single" id="c{cid}-ce"></div></li>'
    )


def _comments(blog: DemoBlog, post: DemoPost, base: str) -> str:
    replies: dict[str, list[DemoComment]] = {}
    for comment in post.comments:
        if comment.parent_id is not None:
            replies.setdefault(comment.parent_id, []).append(comment)
    items = "".join(
        _comment_li(blog, post, base, comment, replies.get(comment.id, []))
        for comment in post.comments
        if comment.parent_id is None
    )
    count = len(post.comments)
    heading = "No comments:" if count == 0 else f"{count} comment{'s' if count != 1 else ''}:"
    return f"""<div class='comments' id='comments'>
<a name='comments'></a>
<h4>{heading}</h4>
<div class='comments-content'>
{_COMMENT_JS}
<div id='comment-holder'>
<div class="comment-thread toplevel-thread"><ol id="top-ra">{items}</ol><div id="top-continue" \
class="continue"><a class="comment-reply" target="_self">Add comment</a></div><div \
class="comment-replybox-thread" id="top-ce"></div><div class="loadmore hidden" \
data-post-id="{post.platform_id}"><a target="_self">Load more...</a></div></div>
</div>
</div>
<p class='comment-footer'>
<div class='comment-form'>
<a name='comment-form'></a>
<p>Be kind; the trail is long.</p>
<a href='https://www.blogger.com/comment-iframe.g?blogID={blog.blog_id}\
&postID={post.platform_id}' id='comment-editor-src'></a>
<iframe allowtransparency='true' class='blogger-iframe-colorize blogger-comment-from-post' \
frameborder='0' height='410px' id='comment-editor' name='comment-editor' src='' \
width='100%'></iframe>
</div>
</p>
<div id='backlinks-container'>
<div id='Blog1_backlinks-container'>
</div>
</div>
</div>
"""


def render_post(blog: DemoBlog, post: DemoPost, base: str) -> str:
    """A single post page with its threaded comments."""
    index = blog.posts.index(post)
    newer = base + blog.posts[index - 1].path if index > 0 else None
    older = base + blog.posts[index + 1].path if index + 1 < len(blog.posts) else None
    when = local(blog, post.published)
    feed = (
        f"<a class='feed-link' href='{base}/feeds/{post.platform_id}/comments/default' "
        f"target='_blank' type='application/atom+xml'>Post Comments (Atom)</a>"
    )
    return "".join(
        (
            page_head(blog, base, f"{blog.title}: {post.title}", base + post.path, post),
            "<div class=\"date-outer\">\n<h2 class='date-header'><span>"
            f'{long_date(when)}</span></h2>\n<div class="date-posts">\n',
            _post_block(blog, post, base, single=True),
            _comments(blog, post, base),
            "</div>\n</div>\n</div>\n</div>\n",
            pager(base, newer, older, "Newer Post", "Older Post"),
            page_tail(blog, base, feed),
        )
    )


def render_listing(
    blog: DemoBlog,
    posts: list[DemoPost],
    base: str,
    *,
    canonical: str,
    newer: str | None,
    older: str | None,
    heading: str | None = None,
) -> str:
    """Home, label and `/search?updated-max=` pages: full posts grouped by day, with a pager."""
    blocks: list[str] = []
    if heading:
        blocks.append(
            f"<div class='status-msg-wrap'>\n<div class='status-msg-body'>\n"
            f"{escape(heading)}\n</div>\n</div>\n"
        )
    day = None
    for post in posts:
        when = local(blog, post.published)
        if when.date() != day:
            if day is not None:
                blocks.append("</div>\n</div>\n")
            day = when.date()
            blocks.append(
                f"<div class=\"date-outer\">\n<h2 class='date-header'><span>"
                f'{long_date(when)}</span></h2>\n<div class="date-posts">\n'
            )
        blocks.append(_post_block(blog, post, base, single=False) + "</div>\n")
    if day is not None:
        blocks.append("</div>\n</div>\n")
    feed = (
        f"<a class='feed-link' href='{base}/feeds/posts/default' target='_blank' "
        f"type='application/atom+xml'>Posts (Atom)</a>"
    )
    return "".join(
        (
            page_head(blog, base, blog.title, canonical, None),
            *blocks,
            "</div>\n",
            pager(base, newer, older, "Newer Posts", "Older Posts"),
            page_tail(blog, base, feed),
        )
    )


def render_not_found(blog: DemoBlog, base: str) -> str:
    message = "Sorry, the page you were looking for in this blog does not exist."
    return "".join(
        (
            page_head(blog, base, blog.title, base + "/", None),
            f"<div class='status-msg-wrap'>\n<div class='status-msg-body'>\n{message}\n"
            "</div>\n</div>\n",
            "</div>\n",
            pager(base, None, None, "", ""),
            page_tail(blog, base, ""),
        )
    )
