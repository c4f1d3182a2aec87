"""Where comments are not: sidebars and widgets quoting other threads; and how a name printed
after its link (Disqus's server-rendered fallback) is read."""

from __future__ import annotations

from scraper.parse.page import parse_page

_POST = '<article class="post"><h1>Spring planting</h1><p>{body}</p></article>'
_BODY = "What went into the beds this spring, and what came up. " * 4

# A forum-activity box in the sidebar: a list of dated entries inside a "comment list".
_SIDEBAR_BOX = """<div id="sidebar" class="sidebar"><div id="forum_comment_list"><h3>Comments</h3>
<ul>{items}</ul></div></div>"""
_SIDEBAR_ITEM = '<li><a href="/forum/t{n}">Thread about tomatoes number {n}</a> <span>Tue Nov 6th 2012</span></li>'

# Real comments on a page whose <body> class describes its layout ("sidebars").
_THREAD = """<div id="comments"><h3>{count} comments</h3>{items}</div>"""
_COMMENT = """<div id="comment-{n}" class="comment"><div class="comment-author">Reader {n}</div>
<div class="comment-date">March {n}, 2021 at 10:1{n} am</div>
<div class="comment-content"><p>My own experience with beds number {n} was different.</p></div></div>"""


def _page(body_class: str, *parts: str) -> str:
    return (
        f'<html><body class="{body_class}">{_POST.format(body=_BODY)}{"".join(parts)}</body></html>'
    )


def test_a_sidebar_box_of_dated_entries_is_not_the_thread() -> None:
    box = _SIDEBAR_BOX.format(items="".join(_SIDEBAR_ITEM.format(n=n) for n in range(1, 6)))
    page = parse_page(_page("single", box), "https://garden.example/2021/03/spring/")
    assert page.comments == ()


def test_a_layout_class_on_body_does_not_hide_the_thread() -> None:
    thread = _THREAD.format(count=3, items="".join(_COMMENT.format(n=n) for n in range(1, 4)))
    box = _SIDEBAR_BOX.format(items="".join(_SIDEBAR_ITEM.format(n=n) for n in range(1, 6)))
    page = parse_page(_page("sidebars two-columns", thread, box), "https://garden.example/p/")
    assert [c.author for c in page.comments] == ["Reader 1", "Reader 2", "Reader 3"]
    assert all("tomatoes" not in c.text for c in page.comments)


_DISQUS_FALLBACK = """<html><head><meta name="generator" content="WordPress 3.4"></head>
<body class="single">{post}<div id="disqus_thread"><ul id="dsq-comments">
<li class="comment even depth-1" id="dsq-comment-124189">
<div class="dsq-comment-header" id="dsq-comment-header-124189"><cite id="dsq-cite-124189">
http://twitter.com/gardenradio  <span id="dsq-author-user-124189">Garden Radio</span></cite></div>
<div class="dsq-comment-body" id="dsq-comment-body-124189"><div class="dsq-comment-message"
 id="dsq-comment-message-124189"><p>Which seeds did you start indoors?</p></div></div></li>
<li class="comment odd depth-1" id="dsq-comment-124190">
<div class="dsq-comment-header" id="dsq-comment-header-124190"><cite id="dsq-cite-124190">
<span id="dsq-author-user-124190">Pat</span></cite></div>
<div class="dsq-comment-body" id="dsq-comment-body-124190"><div class="dsq-comment-message"
 id="dsq-comment-message-124190"><p>Beans, always beans.</p></div></div></li>
</ul></div></body></html>"""


def test_a_link_printed_before_the_name_is_the_commenters_url_not_their_name() -> None:
    html = _DISQUS_FALLBACK.format(post=_POST.format(body=_BODY))
    page = parse_page(html, "https://garden.example/2012/spring/")
    by_author = {c.author: c for c in page.comments}
    assert set(by_author) == {"Garden Radio", "Pat"}
    assert by_author["Garden Radio"].author_url == "http://twitter.com/gardenradio"
    assert by_author["Garden Radio"].text == "Which seeds did you start indoors?"
    assert by_author["Pat"].author_url is None


_DRUPAL = """<html><head><meta name="Generator" content="Drupal 7 (http://drupal.org)"></head>
<body class="node-type-article">{post}<div id="comments" class="comment-wrapper">
<a id="comment-7"></a><div class="comment comment-by-anonymous">
<div class="submitted">Submitted by Kim on Tue, 03/02/2021 - 10:15</div>
<div class="content"><div class="field-name-comment-body"><p>Mulch first, then plant.</p></div></div>
</div>
<a id="comment-8"></a><div class="comment"></div>
</div></body></html>"""


def test_an_empty_comment_element_is_left_out_and_said() -> None:
    page = parse_page(_DRUPAL.format(post=_POST.format(body=_BODY)), "https://garden.example/n/1")
    assert [c.id for c in page.comments] == ["7"]
    assert any("held nothing" in note for note in page.notes)
