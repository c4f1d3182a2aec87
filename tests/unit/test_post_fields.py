"""The post's title, author and date fall back to cues every platform shares, not to empty.

Pages are our own writing in the shapes real CMSs print (a logo heading linking home, a meta
line above the headline, a block theme's author block, a byline with a weekday before its date).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from scraper.core.dates import parse_human
from scraper.parse import parse_page
from scraper.parse.platforms.pieces import split_byline

BERLIN = ZoneInfo("Europe/Berlin")

BODY = "".join(
    f"<p>Paragraph {n} about the river and the ferry that crossed it.</p>" for n in range(8)
)

# A CMS page with no platform fingerprint: the site's logo is the first heading and links home,
# the date sits in a meta line above the real headline, the byline says "Par".
LOGO_THEN_META = f"""<html><head><title>Le bac du matin - lejournal.example</title>
<meta property="og:site_name" content="lejournal.example"></head><body>
<div class="header"><h1><a href="https://lejournal.example/"><img alt="lejournal.example"
 src="/logo.png">lejournal.example</a></h1></div>
<div class="page"><span class="-meta">Par <a href="/auteur/ana">Ana Lopes</a> |
 14 mars 2021 <!-- <span>12:00</span> --></span>
<h2>Le bac du matin</h2><div class="texte">{BODY}</div></div>
<div id="forum"><h3>Réactions</h3><p>Jean, le 15 mars 2021 à 09:10</p><p>Très juste.</p></div>
</body></html>"""


def test_a_logo_heading_is_not_the_title_and_the_meta_line_gives_the_date() -> None:
    post = parse_page(LOGO_THEN_META, "https://lejournal.example/article/bac").post
    assert post.title == "Le bac du matin"
    assert post.published is not None
    assert post.published.date().isoformat() == "2021-03-14"


# A headline in a paragraph class, the time line right under it, the site's name first in <title>.
HEADLINE_THEN_TIMESTAMP = f"""<html><head><title>Harbor Notes | Ferry fares rise again</title>
</head><body><table><tr><td><p class="headline">Ferry fares rise again</p></td></tr>
<tr><td><p class="timestamp">Wednesday, June 15, 2005 - 07:05 PM EST</p></td></tr>
<tr><td>{BODY}</td></tr></table></body></html>"""


def test_a_headline_class_beats_the_title_tag_and_its_timestamp_is_read_with_its_zone() -> None:
    post = parse_page(HEADLINE_THEN_TIMESTAMP, "https://harbor.example/story/77").post
    assert post.title == "Ferry fares rise again"
    assert post.published == datetime(2005, 6, 16, 0, 5, tzinfo=UTC)


def wordpress_page(byline: str) -> str:
    return f"""<html><head><title>River log &#8211; Harbor</title>
<link rel="https://api.w.org/" href="https://harbor.example/wp-json/">
<link rel="stylesheet" href="https://harbor.example/wp-content/themes/river/style.css"></head>
<body class="single"><article id="post-9" class="post-9 post type-post hentry">
<h1 class="entry-title">River log</h1>{byline}
<div class="entry-content">{BODY}</div></article>
<div id="comments" class="comments-area"><ol class="comment-list">
<li id="comment-3" class="comment depth-1"><article class="comment-body">
<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Mo Reader</b></div>
<div class="comment-metadata"><time datetime="2021-05-02T10:00:00+00:00">May 2</time></div>
</footer><div class="comment-content"><p>Nice log.</p></div></article></li></ol></div>
</body></html>"""


@pytest.mark.parametrize(
    ("byline", "author"),
    [
        # WordPress's core post-author block (every block theme prints it this way).
        (
            '<div class="wp-block-post-author"><div class="wp-block-post-author__content">'
            '<p class="wp-block-post-author__name">Ada Brook</p></div></div>',
            "Ada Brook",
        ),
        # An author box: the heading says "By X"; its description must not be taken as a name.
        (
            '<div class="author-bio"><h2 class="author-title">By Ada Brook</h2>'
            '<p class="author-description">Rows, swims, writes.</p></div>',
            "Ada Brook",
        ),
        # A German byline whose date line starts with the weekday.
        (
            '<div class="article-page-author">Von <strong>Ada Brook</strong> Fr, 18. Oktober 2019'
            "</div>",
            "Ada Brook",
        ),
    ],
)
def test_the_post_author_comes_from_shared_byline_cues(byline: str, author: str) -> None:
    page = parse_page(wordpress_page(byline), "https://harbor.example/2021/05/river-log/")
    assert page.platform == "wordpress"
    assert page.post.author == author
    assert [c.author for c in page.comments] == ["Mo Reader"]


def test_a_commenters_name_is_never_the_posts_author() -> None:
    page = parse_page(wordpress_page(""), "https://harbor.example/2021/05/river-log/")
    assert page.post.author is None


def test_a_weekday_is_cut_from_a_byline_only_before_a_date() -> None:
    assert split_byline("Von Ada Brook Fr, 18. Oktober 2019") == ("Ada Brook", "18. Oktober 2019")
    assert split_byline("By Sam Do") == ("Sam Do", None)


@pytest.mark.parametrize(
    ("shown", "day"),
    [
        ("12 апреля 2018, 07:22", datetime(2018, 4, 12, 7, 22, tzinfo=UTC)),
        ("3 октября 2019 в 10:05", datetime(2019, 10, 3, 10, 5, tzinfo=UTC)),
        ("1 грудня 2020", datetime(2020, 12, 1, tzinfo=UTC)),
    ],
)
def test_russian_and_ukrainian_month_names_are_read(shown: str, day: datetime) -> None:
    assert parse_human(shown, UTC) == day


# Twenty Ten's `twentyten_posted_on`: the day is the permalink's text, the time its title.
TWENTYTEN_META = (
    '<div class="entry-meta"><span class="meta-prep meta-prep-author">Posted on</span> '
    '<a href="https://harbor.example/2021/05/river-log/" title="{clock}" rel="bookmark">'
    '<span class="entry-date">May 1, 2021</span></a> <span class="meta-sep">by</span> '
    '<span class="author vcard"><a class="url fn n" href="/author/ada/">Ada Brook</a></span></div>'
)


@pytest.mark.parametrize(
    ("clock", "published"),
    [
        ("2:35 pm", datetime(2021, 5, 1, 12, 35, tzinfo=UTC)),
        ("14:35", datetime(2021, 5, 1, 12, 35, tzinfo=UTC)),
        # A title that is not a clock leaves the day at its start, in the blog's zone.
        ("Permalink to River log", datetime(2021, 4, 30, 22, 0, tzinfo=UTC)),
    ],
)
def test_a_day_shown_with_its_clock_in_the_links_title_is_read_to_the_minute(
    clock: str, published: datetime
) -> None:
    html = wordpress_page(TWENTYTEN_META.format(clock=clock))
    page = parse_page(html, "https://harbor.example/2021/05/river-log/", zone=BERLIN)
    assert page.post.published == published
    assert page.post.author == "Ada Brook"
