"""WordPress comment shapes that real themes print, in markup of our own writing."""

from __future__ import annotations

from scraper.parse import parse_page

HEAD = '<html><head><link rel="stylesheet" href="/wp-content/themes/x/style.css"></head><body>'

# The header and the text both wrapped in `.comment-content`, the text repeated inside it.
WRAPPED = (
    HEAD
    + """
<ol class="comment-list"><li id="comment-11" class="comment-container">
 <article class="comment depth-1 comment-body"><div class="comment-content">
  <div class="comment-author"><span class="comment-link">Ada Byron </span>
   <span class="comment-meta"><span class="comment-date">March 3, 2024</span>
   <a class="comment-reply-link" href="?replytocom=11#respond">Reply</a></span></div>
  <div class="comment-entry"><div class="comment-content"><p>Counting engines.</p></div></div>
 </div></article>
 <ol class="children"><li id="comment-12" class="comment-container">
  <article class="comment bypostauthor depth-2 comment-body"><div class="comment-content">
   <div class="comment-author"><span class="comment-link">Post Author</span>
    <span class="comment-meta"><span class="comment-date">March 4, 2024</span></span></div>
   <div class="comment-entry"><div class="comment-content"><p>Thanks!</p></div></div>
  </div></article></li></ol>
</li></ol></body></html>"""
)

# Flat media blocks: the name in a heading with the date in <small>, replies in the list after.
FLAT = (
    HEAD
    + """
<div id="comments"><div class="media-area">
 <div class="comment depth-1 parent media" id="comment-21">
  <a class="pull-left" href=" "><div class="comment-author avatar vcard"><img src="a.png"></div></a>
  <div class="media-body"><h4 class="media-heading">Grace H. <small>&#183; May 5, 2024 at 9:15 am</small></h4>
   <p>A moth in the relay.</p>
   <div class="media-footer"><a class="comment-reply-link" href="?replytocom=21#respond">Reply</a></div>
  </div></div>
 <ul class="children"><div class="comment depth-2 media" id="comment-22">
  <div class="media-body"><h4 class="media-heading">Kay <small>&#183; May 6, 2024 at 10:00 am</small></h4>
   <p>Logged it.</p></div></div></ul>
 <div class="comment depth-1 media" id="comment-23">
  <div class="media-body"><h4 class="media-heading">Lin <small>&#183; May 7, 2024 at 8:00 pm</small></h4>
   <p>Later, top level.</p></div></div>
</div></div></body></html>"""
)


def test_nested_content_wrappers_give_the_name_and_the_inner_text() -> None:
    page = parse_page(WRAPPED, "https://blog.example/2024/03/engines/")
    assert [(c.id, c.parent_id, c.author, c.text) for c in page.comments] == [
        ("11", None, "Ada Byron", "Counting engines."),
        ("12", "11", "Post Author", "Thanks!"),
    ]
    assert page.comments[1].by_post_author
    assert page.comments[0].published is not None
    assert page.comments[0].published.date().isoformat() == "2024-03-03"


def test_flat_blocks_take_replies_from_the_list_that_follows() -> None:
    page = parse_page(FLAT, "https://blog.example/2024/05/moth/")
    assert [(c.id, c.parent_id, c.author, c.text) for c in page.comments] == [
        ("21", None, "Grace H.", "A moth in the relay."),
        ("22", "21", "Kay", "Logged it."),
        ("23", None, "Lin", "Later, top level."),
    ]
    assert [c.published.strftime("%d %H:%M") for c in page.comments if c.published] == [
        "05 09:15",
        "06 10:00",
        "07 20:00",
    ]


# A definition list: the header (name, time) in `dt`, what was said in the `dd` after it; cue
# classes written with underscores.
PAIRED = (
    HEAD
    + """
<dl id="comment_list">
 <dt class="comment depth-1" id="comment-31"><span class="avatar"><img src="a.png"></span>
  <span class="comment_author">Mary S.</span> <span class="comment_time">June 1, 2024 at 7:05 am</span></dt>
 <dd class="comment depth-1"><div class="format_text" id="comment-body-31">
  <p>The first computer bug was a real one.</p>
  <p class="reply"><a class="comment-reply-link" href="?replytocom=31#respond">Reply</a></p></div></dd>
 <dt class="comment depth-1" id="comment-32"><span class="comment_author">Ed</span>
  <span class="comment_time">June 2, 2024 at 8:00 am</span></dt>
 <dd class="comment depth-1"><div class="format_text"><p>Moths everywhere.</p></div></dd>
</dl></body></html>"""
)


def test_a_dt_header_is_paired_with_the_dd_that_holds_the_text() -> None:
    page = parse_page(PAIRED, "https://blog.example/2024/06/bug/")
    assert [(c.id, c.author, c.text) for c in page.comments] == [
        ("31", "Mary S.", "The first computer bug was a real one."),
        ("32", "Ed", "Moths everywhere."),
    ]
    assert [c.published.strftime("%d %H:%M") for c in page.comments if c.published] == [
        "01 07:05",
        "02 08:00",
    ]


# The Disqus plugin's server-rendered fallback: ul#dsq-comments, replies in a following list.
DISQUS = (
    HEAD
    + """
<div id="disqus_thread"><div id="dsq-content"><ul id="dsq-comments">
 <li class="comment depth-1" id="dsq-comment-501">
  <div class="dsq-comment-header"><cite><span>Rosa</span></cite></div>
  <div class="dsq-comment-body"><div class="dsq-comment-message"><p>Kept the old thread alive.</p></div></div>
 </li>
 <ul class="children"><li class="comment depth-2" id="dsq-comment-502">
  <div class="dsq-comment-header"><cite><span>Tom</span></cite></div>
  <div class="dsq-comment-body"><div class="dsq-comment-message"><p>Glad it did.</p></div></div>
 </li></ul>
</ul></div></div></body></html>"""
)


def test_the_disqus_fallback_list_is_read_with_its_replies() -> None:
    page = parse_page(DISQUS, "https://blog.example/2012/10/thread/")
    assert [(c.id, c.parent_id, c.author, c.text) for c in page.comments] == [
        ("501", None, "Rosa", "Kept the old thread alive."),
        ("502", "501", "Tom", "Glad it did."),
    ]
    assert "2 of 2 comments without a time" in page.notes  # the fallback shows no dates


# The wpDiscuz plugin: each item's id names the comment and its parent (`wc-comm-ID_PARENT`).
DISCUZ = (
    HEAD
    + """
<div id="comments"><div class="wc-thread-wrapper">
 <div id="wc-comm-31_0" class="wc-comment wc_comment_level-1">
  <div id="comment-31" class="wc-comment-right">
   <div class="wc-comment-header"><div class="wc-comment-author">Ines</div></div>
   <div class="wc-comment-text"><p>Which bridge?</p></div>
   <div class="wc-comment-footer"><div class="wc-comment-date">June 2, 2024 at 7:05 pm</div></div>
  </div>
  <div id="wc-comm-32_31" class="wc-comment wc-reply wc_comment_level-2">
   <div id="comment-32" class="wc-comment-right">
    <div class="wc-comment-header"><div class="wc-comment-author">Otto</div></div>
    <div class="wc-comment-text"><p>The old one.</p></div>
   </div></div>
 </div>
</div></div></body></html>"""
)


def test_wpdiscuz_items_name_their_parent_and_fields() -> None:
    page = parse_page(DISCUZ, "https://blog.example/2024/06/bridges/")
    assert [(c.id, c.parent_id, c.author, c.text) for c in page.comments] == [
        ("31", None, "Ines", "Which bridge?"),
        ("32", "31", "Otto", "The old one."),
    ]
    assert page.comments[0].published is not None
    assert page.comments[0].published.isoformat().startswith("2024-06-02T19:05")
