"""Comment markup of our own writing, in shapes real WordPress themes print, shared by tests."""

# A `dl` theme: a `dt` with the core commenter link and a permalinked date ("1. Martin - 9
# December, 2011"), or a "by X on <date>" line; the words in the `dd` after it.
DL_BYLINES = """<dl class="commentlist">
<dt id="comment-41" class="comment depth-1">1. <a href="http://martin.example/"
 rel="external nofollow" class="url">Martin</a> -
<a href="https://kitchen.example/2012/07/birthday-cake/#comment-41">9 December, 2011</a></dt>
<dd class="comment depth-1"><div class="comment" id="div-comment-41"><p>Looks great.</p></div></dd>
<dt id="comment-42" class="comment depth-1"><p class="comment-meta">by Kris Roadruck on
February 8, 2012 at 1:26 pm. <a href="#comment-42">#</a></p></dt>
<dd class="comment depth-1"><div class="comment" id="div-comment-42"><p>Thanks! Fixed it up.</p>
</div></dd></dl>"""
