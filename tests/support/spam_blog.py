"""A Blogger threaded post of our own writing with a seed-style spam tail and genuine short comments."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

BLOG = "https://crumbnotes.example.blogspot.com"
POST_URL = f"{BLOG}/2023/03/feeding-a-sourdough-starter.html"


@dataclass(frozen=True)
class Entry:
    """One comment of the fixture: who wrote it, its HTML body, and whether it is spam."""

    cid: str
    author: str
    author_url: str | None
    body: str
    spam: bool
    owner: bool = False


ENTRIES = (
    Entry("c101", "Anna", "https://www.blogger.com/profile/101", "Thanks!", False),
    Entry("c102", "Tom", None, "Great post, I tried it and it worked", False),
    Entry(
        "c103",
        "Lena Hartmann",
        "https://lenabakes.example.net/",
        "My rye version needed a warmer spot. I wrote it up here: "
        '<a href="https://lenabakes.example.net/2023/rye">my rye starter notes</a>',
        False,
    ),
    Entry(
        "c104",
        "Crumb Notes",
        "https://www.blogger.com/profile/100",
        "Glad it helped, Lena. Rye flour really does ferment faster.",
        False,
        owner=True,
    ),
    Entry(
        "c105",
        "Priya",
        "https://www.blogger.com/profile/105",
        "How long can the starter sit in the fridge between feedings before it needs a rescue?",
        False,
    ),
    # The spam tail: our own sentences in the seed page's pattern.
    Entry(
        "c106",
        "Bunga",
        "https://www.blogger.com/profile/106",
        "Tulisan yang sangat menarik dan penuh manfaat, terima kasih sudah berbagi ilmunya."
        '<br><a href="https://servis-kulkas.example.id/">Jasa servis kulkas murah Bandung</a>',
        True,
    ),
    Entry(
        "c107",
        "Minh",
        "https://www.blogger.com/profile/107",
        "Bài viết rất hay, cảm ơn bạn đã chia sẻ những thông tin hữu ích này. "
        '<a href="https://nhakhoa.example.vn/">nha khoa uy tín tại Hải Phòng</a>',
        True,
    ),
    Entry(
        "c108",
        "Jake",
        None,
        "What a wonderful read, I stumbled on your site by chance and will surely come back "
        "for more great content like this. "
        '<a href="https://roofing.example.com/">roof repair contractor in Ohio</a>',
        True,
    ),
    Entry(
        "c109",
        "cheap car rental in Lisbon",
        "https://rentals.example.pt/",
        "Very informative article, please keep sharing such helpful writing with everyone.",
        True,
    ),
    Entry(
        "c110",
        "Ravi",
        "https://www.blogger.com/profile/110",
        "Tax season requires careful planning of receipts and invoices so every deduction "
        'counts. <a href="https://ledger.example.com/">Accounting Services Houston 2024</a>',
        True,
    ),
    Entry(
        "c111",
        "Sofia",
        "https://www.blogger.com/profile/111",
        "Such a lovely view of things.<br><br>http://www.shoe-outlet.example.com/sale",
        True,
    ),
)

POST_TEXT = (
    "A sourdough starter is flour, water and patience. Feed it twice a day at room temperature: "
    "discard half, add equal weights of flour and water, stir and cover. After a week the "
    "starter should double within six hours of feeding. Rye flour ferments faster than wheat; "
    "a warmer spot helps in winter. In the fridge a starter can rest for a week between feedings."
)


def _comment(entry: Entry) -> str:
    cite = (
        f'<a href="{escape(entry.author_url)}" rel="nofollow">{escape(entry.author)}</a>'
        if entry.author_url
        else escape(entry.author)
    )
    owner = " blog-author" if entry.owner else ""
    cid = entry.cid[1:]
    return (
        f'<li class="comment" id="c{cid}"><div class="comment-block"><div class="comment-header">'
        f'<cite class="user{owner}">{cite}</cite><span class="datetime secondary-text">'
        f'<a rel="nofollow" href="{POST_URL}?showComment=1678000000000#c{cid}">'
        f"March 5, 2023 at 9:{cid[-2:]} AM</a></span></div>"
        f'<p class="comment-content">{entry.body}</p></div>'
        f'<div class="comment-replies"></div></li>'
    )


def page(entries: tuple[Entry, ...] = ENTRIES) -> str:
    """The whole post page in Blogger's threaded comment markup."""
    comments = "\n".join(_comment(entry) for entry in entries)
    return f"""<!DOCTYPE html>
<html><head><meta content='text/html; charset=UTF-8' http-equiv='Content-Type'/>
<meta content='blogger' name='generator'/>
<title>Feeding a sourdough starter | Crumb Notes</title>
<link href='{POST_URL}' rel='canonical'/></head><body>
<div class='post hentry' itemprop='blogPost'><meta content='4400000000000000099' itemprop='postId'/>
<h3 class='post-title entry-title' itemprop='name'>Feeding a sourdough starter</h3>
<div class='post-body entry-content' itemprop='description articleBody'>{POST_TEXT}</div>
<div class='post-footer'><abbr class='published' title='2023-03-04T08:00:00-08:00'>8:00 AM</abbr></div>
<div class='comments' id='comments'><h4>{len(entries)} comments:</h4>
<div class='comments-content'><div id='comment-holder'>
<div class="comment-thread toplevel-thread"><ol id="top-ra">
{comments}
</ol></div></div></div></div></div></body></html>"""
