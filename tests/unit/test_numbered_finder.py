"""Comments found by numbered ids on pages no platform parser claims, in markup of our own writing."""

from __future__ import annotations

from datetime import UTC, datetime

from scraper.parse import parse_page

URL = "https://news.example/story/42"

# Slash-style: the comment's own `div#comment_N` sits in `li#tree_N`; replies nest in the
# `ul` inside that item; the body is a camel-case `commentBody`.
SLASH = """<html><body><h1>A story</h1><p>What the story said.</p>
<ul id="commentlisting">
 <li id="tree_101" class="comment">
  <div id="comment_101" class="cw">
   <div class="commentTop"><h4><a href="#comment_101">Engines</a></h4>
    <span class="by">by <a href="//news.example/~ada">ada</a></span>
    <span class="otherdetails">on Monday July 23, 2012 @08:25PM</span></div>
   <div class="commentBody"><div id="comment_body_101"><p>Counting engines work.</p></div></div>
  </div>
  <ul id="commtree_101">
   <li id="tree_102" class="comment">
    <div id="comment_102" class="cw">
     <div class="commentTop"><span class="by">by <a href="//news.example/~kay">kay</a></span>
      <span class="otherdetails">on Monday July 23, 2012 @09:10PM</span></div>
     <div class="commentBody"><div id="comment_body_102"><p>Only with cards.</p></div></div>
    </div>
   </li>
  </ul>
 </li>
 <li id="tree_103" class="comment">
  <div id="comment_103" class="cw">
   <div class="commentTop"><span class="by">by <a href="//news.example/~lin">lin</a></span></div>
   <div class="commentBody"><p>A second thread.</p></div>
  </div>
 </li>
</ul></body></html>"""

# Drupal 7 style: an empty `a#comment-N` anchor before each comment, replies in the
# `div.indented` that follows their parent.
ANCHORED = """<html><body><article><h1>Post</h1><p>Body of the post.</p></article>
<section class="discussion">
 <a id="comment-7"></a>
 <div class="comment comment-by-node-author">
  <span class="username">Grace</span> <span class="submitted">12.03.2019 - 18:20</span>
  <div class="content"><p>First words.</p></div>
 </div>
 <div class="indented">
  <a id="comment-8"></a>
  <div class="comment"><span class="username">Kay</span>
   <div class="content"><p>A reply that follows.</p></div></div>
 </div>
 <a id="comment-9"></a>
 <div class="comment"><span class="username">Lin</span><div class="content"><p>Top again.</p></div></div>
</section></body></html>"""

# A "recent comments" widget in a sidebar names other posts' comments by number: not comments.
SIDEBAR_ONLY = """<html><body><article><h1>Post</h1><p>No comments here yet.</p></article>
<aside class="sidebar"><ul class="widget">
 <li id="comment-55"><span class="author">Someone</span> on <a href="/other#comment-55">Other</a></li>
</ul></aside></body></html>"""


def test_slash_style_items_nest_replies_and_read_the_fields() -> None:
    page = parse_page(SLASH, URL)
    assert [(c.id, c.parent_id, c.author, c.text) for c in page.comments] == [
        ("101", None, "ada", "Counting engines work."),
        ("102", "101", "kay", "Only with cards."),
        ("103", None, "lin", "A second thread."),
    ]
    assert page.comments[0].published == datetime(2012, 7, 23, 20, 25, tzinfo=UTC)
    assert page.comments[0].author_url == "https://news.example/~ada"
    assert page.comments[2].published is None  # no date shown: none invented


def test_anchor_ids_name_the_block_after_them_and_following_reply_lists_nest() -> None:
    page = parse_page(ANCHORED, URL)
    assert [(c.id, c.parent_id, c.author, c.text) for c in page.comments] == [
        ("7", None, "Grace", "First words."),
        ("8", "7", "Kay", "A reply that follows."),
        ("9", None, "Lin", "Top again."),
    ]
    assert page.comments[0].by_post_author
    assert page.comments[0].published == datetime(2019, 3, 12, 18, 20, tzinfo=UTC)


def test_numbered_ids_in_a_sidebar_are_not_comments() -> None:
    page = parse_page(SIDEBAR_ONLY, URL)
    assert page.comments == ()
