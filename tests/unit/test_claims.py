"""Comments claimed where a page has none, and lone comments missed: a comment form's live
preview, `div.comment` items with no list around them, a Drupal page whose blogroll links
Blogger blogs (pages of our own writing in the markup such sites print)."""

from __future__ import annotations

import re
from pathlib import Path

from scraper.parse import parse_page

URL = "https://blog.example/2012/11/post.html"
PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


def read(folder: Path, name: str) -> str:
    return (folder / f"{name}.html").read_text(encoding="utf-8")


def fields(html: str) -> list[tuple[str | None, str | None, str]]:
    page = parse_page(html, URL)
    return [
        (c.author, c.published.isoformat() if c.published else None, c.text) for c in page.comments
    ]


def test_a_comment_forms_live_preview_is_no_comment(claims_pages: Path) -> None:
    # The form's preview shows a name ("me"), a <time> and a text slot: the shape of a comment.
    page = parse_page(read(claims_pages, "form-preview"), URL)
    assert page.comments == ()
    assert page.post is not None
    assert "disco balls" in page.post.text


def test_comments_beside_the_form_keep_their_own_author_and_time(claims_pages: Path) -> None:
    # A comment whose inline reply form (with its preview) comes before its own byline; its
    # 2:05 pm is in the zone the post's <time> reveals (-07:00).
    comment = (
        '<div class="comment" id="comment-7"><form class="reply-form"><div class="commform-preview">'
        '<span class="author">me</span><time datetime="2012-08-09T13:29:25-0700">seconds ago</time>'
        '</div></form><span class="comment-author">Anna Berg</span> '
        '<span class="comment-date">August 9, 2012 at 2:05 pm</span>'
        '<div class="comment-text"><p>Lovely film, the meatballs especially.</p></div></div>'
    )
    html = read(claims_pages, "form-preview").replace(
        '<section id="comments">', f'<section id="comments">{comment}'
    )
    assert fields(html) == [
        ("Anna Berg", "2012-08-09T21:05:00+00:00", "Lovely film, the meatballs especially.")
    ]


LONE = (
    "Jo Baker",
    "2012-11-09T11:18:00+00:00",
    "This is so pretty and looks simple enough! I will try it this weekend.",
)


def test_a_lone_comment_with_no_list_around_it_is_read(claims_pages: Path) -> None:
    page = parse_page(read(claims_pages, "loose-comment"), URL)
    assert fields(read(claims_pages, "loose-comment")) == [LONE]
    assert page.comments[0].author_url == "http://jo-baker.example"
    # The sidebar's look-alike (a widget quoting another post's comment) is not read.
    assert all(c.author != "Pat Lee" for c in page.comments)
    assert page.post is not None
    assert "so pretty" not in page.post.text


def test_lone_comments_survive_renamed_markup(claims_pages: Path) -> None:
    html = read(claims_pages, "loose-comment")
    hyphens = html.replace("comment_", "comment-")
    assert fields(hyphens) == [LONE]
    article = html.replace('<div class="comment">', '<article class="comment">').replace(
        "<p>This is so pretty and looks simple enough! I will try it this weekend.</p></div>",
        "<p>This is so pretty and looks simple enough! I will try it this weekend.</p></article>",
    )
    assert fields(article) == [LONE]


def test_several_loose_comments_are_read_in_order(claims_pages: Path) -> None:
    html = read(claims_pages, "loose-comment")
    item = re.search(r'<div class="comment">.*?</p></div>', html)
    assert item is not None
    second = item.group(0).replace("Jo Baker", "Sam Ortiz").replace("11:18 am", "2:40 pm")
    second = second.replace("This is so pretty", "Pinned it")
    html = html.replace(item.group(0), item.group(0) + second)
    assert [author for author, _, _ in fields(html)] == ["Jo Baker", "Sam Ortiz"]


def test_a_loose_item_without_a_date_or_without_text_is_no_comment(claims_pages: Path) -> None:
    html = read(claims_pages, "loose-comment")
    undated = re.sub(r'<div class="comment_date">[^<]*</div>', "", html)
    assert fields(undated) == []
    silent = html.replace(
        "<p>This is so pretty and looks simple enough! I will try it this weekend.</p>", ""
    )
    assert fields(silent) == []


def test_a_drupal_page_linking_blogger_blogs_is_read_as_drupal(claims_pages: Path) -> None:
    # Its blogroll names blogspot.com blogs and a "most-recent-comments-block" view: neither is
    # Blogger's own markup.
    page = parse_page(read(claims_pages, "drupal-blogroll"), URL)
    assert page.platform == "drupal"
    assert [(c.author, c.parent_id) for c in page.comments] == [
        ("Sparks", None),
        ("Dissonance", "2691789"),
    ]


def test_blogger_without_its_generator_meta_is_still_blogger() -> None:
    # blogger.com (navbar, comment form, profiles) and Blogger's class names are enough.
    html = read(PAGES, "blogger-threaded")
    stripped = re.sub(r"<meta content='blogger' name='generator'/>", "", html)
    assert stripped != html
    with_meta, without = parse_page(html, URL), parse_page(stripped, URL)
    assert without.platform == "blogger"
    assert [c.id for c in without.comments] == [c.id for c in with_meta.comments]


def test_blogger_class_names_and_a_blogspot_link_alone_are_not_blogger() -> None:
    html = (
        "<html><body><div class='post'><h1>Notes</h1><div class='post-body'><p>Some text here."
        "</p></div></div><ul><li><a href='https://friend.blogspot.com/'>A friend</a></li></ul>"
        "</body></html>"
    )
    assert parse_page(html, URL).platform != "blogger"
