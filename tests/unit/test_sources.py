"""Golden tests of the pure discovery parsers on our own synthetic feeds, sitemaps and REST JSON."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scraper.core.errors import ParseError
from scraper.discover.sources import (
    links_from_page,
    parse_datetime,
    parse_feed,
    parse_sitemap,
    parse_wp_rest_posts,
    parse_wp_zone,
    read_listing,
    sitemaps_from_robots,
)
from scraper.threads.comment_feeds import (
    html_to_text,
    parse_blogger_comments,
    parse_wp_rest_comments,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "discovery"
BLOG = "https://lantern.example.blogspot.com/"
WP = "https://tide.example.org/"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_blogger_atom_feed_page_with_paging() -> None:
    page = parse_feed(fixture("blogger_posts_page1.xml"), BLOG + "feeds/posts/default")
    assert [e.url for e in page.entries] == [
        BLOG + "2021/03/winter-lanterns.html",  # ?m=1 dropped
        BLOG + "2020/11/folding-frame.html",
    ]
    assert [e.platform_id for e in page.entries] == ["900001", "900002"]
    assert page.entries[0].published == datetime(2021, 3, 4, 17, 30, tzinfo=UTC)
    assert page.entries[1].lastmod == datetime(2020, 11, 21, 7, 0, tzinfo=UTC)
    assert page.next_url == BLOG + "feeds/posts/default?max-results=2&start-index=3"
    assert (page.total, page.start_index) == (3, 1)


def test_blogger_json_feed_last_page() -> None:
    page = parse_feed(fixture("blogger_posts_page2.json"), BLOG + "feeds/posts/default")
    assert [e.url for e in page.entries] == [BLOG + "2019/01/first-light.html"]
    assert page.entries[0].platform_id == "900003"
    assert page.next_url is None
    assert (page.total, page.start_index) == (3, 3)


def test_wordpress_rss_feed() -> None:
    page = parse_feed(fixture("wp_feed_page1.xml"), WP + "feed/")
    assert [e.url for e in page.entries] == [
        WP + "2021/02/02/steaming-oak/",  # utm_* dropped
        WP + "2021/01/15/scarf-joints/",
    ]
    assert [e.platform_id for e in page.entries] == ["42", "41"]
    assert page.entries[1].published == datetime(2021, 1, 15, 12, 30, tzinfo=UTC)
    assert page.next_url is None
    assert page.total is None


@pytest.mark.parametrize(
    "body", [b"<html><body><p>Not a feed</p></body></html>", b"", b"{not json", b'{"x": 1}']
)
def test_non_feeds_raise_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        parse_feed(body, WP + "feed/")


@pytest.mark.parametrize("name", ["sitemap_posts.xml", "sitemap_posts.xml.gz"])
def test_sitemap_urlset_plain_and_gzipped(name: str) -> None:
    sitemap = parse_sitemap(fixture(name), WP + "sitemap-posts.xml.gz")
    assert sitemap.children == ()
    assert [(e.url, e.lastmod) for e in sitemap.urls] == [
        (WP + "2021/02/02/steaming-oak/", datetime(2021, 2, 3, tzinfo=UTC)),
        (WP + "2021/01/15/scarf-joints/", datetime(2021, 1, 15, 12, 30, tzinfo=UTC)),
        (WP + "about/", None),
    ]


def test_sitemap_index() -> None:
    sitemap = parse_sitemap(fixture("sitemap_index.xml"), WP + "sitemap_index.xml")
    assert sitemap.urls == ()
    assert [c.url for c in sitemap.children] == [
        WP + "sitemap-posts.xml.gz",
        WP + "wp-sitemap-taxonomies-category-1.xml",
    ]
    assert sitemap.children[0].lastmod == datetime(2021, 2, 2, 9, tzinfo=UTC)


def test_text_sitemap() -> None:
    sitemap = parse_sitemap(b"https://a.example/x\n\nhttps://a.example/y#f\n", "https://a.example/")
    assert [e.url for e in sitemap.urls] == ["https://a.example/x", "https://a.example/y"]


def test_gzip_bomb_stops_at_the_cap() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 2_000_000 + b"</urlset>")
    with pytest.raises(ParseError, match="inflates past"):
        parse_sitemap(bomb, WP, max_bytes=100_000)


@pytest.mark.parametrize(
    "body",
    [b"<html><body>nope</body></html>", b"\x1f\x8bnot really gzip", b"   ", b"<rss></rss>"],
)
def test_non_sitemaps_raise_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        parse_sitemap(body, WP)


def test_robots_sitemap_lines() -> None:
    robots = (
        b"User-agent: *\nDisallow: /wp-admin/\nSitemap: /wp-sitemap.xml\n"
        b"sitemap: https://tide.example.org/news.xml\nSitemap: /wp-sitemap.xml\n"
    )
    assert sitemaps_from_robots(robots, WP) == (WP + "wp-sitemap.xml", WP + "news.xml")


def test_wordpress_rest_posts() -> None:
    page = parse_wp_rest_posts(
        fixture("wp_rest_posts.json"), {"X-WP-Total": "3", "X-WP-TotalPages": "2"}, WP
    )
    assert [(e.url, e.platform_id) for e in page.entries] == [
        (WP + "2021/02/02/steaming-oak/", "42"),
        (WP + "2021/01/15/scarf-joints/", "41"),
    ]
    assert page.entries[0].updated == datetime(2021, 2, 3, 10, tzinfo=UTC)
    assert (page.total, page.total_pages) == (3, 2)
    with pytest.raises(ParseError):
        parse_wp_rest_posts(b'{"code": "rest_no_route"}', {}, WP)


def test_blogger_comments_feed() -> None:
    batch = parse_blogger_comments(fixture("blogger_comments.json"))
    assert [(c.id, c.parent_id, c.deleted) for c in batch.comments] == [
        ("7000000000000000001", None, False),
        ("7000000000000000002", "7000000000000000001", False),
        ("7000000000000000003", None, True),
    ]
    first = batch.comments[0]
    assert first.published == datetime(2021, 3, 5, 9, 14, 3, tzinfo=UTC)
    assert first.author_url == "https://www.blogger.com/profile/0101"
    assert first.text == "Lovely glow.\nWhich paper?"
    assert first.permalink is not None
    assert first.permalink.endswith("#c7000000000000000001")
    assert batch.comments[2].author_url is None
    assert batch.total == 4


def test_wordpress_rest_comments() -> None:
    batch = parse_wp_rest_comments(fixture("wp_rest_comments.json"), {"X-WP-Total": "3"})
    assert [(c.id, c.parent_id, c.kind) for c in batch.comments] == [
        ("503", "501", "comment"),
        ("501", None, "comment"),
        ("502", None, "pingback"),
    ]
    heron = batch.comments[1]
    assert heron.published == datetime(2021, 2, 3, 9, tzinfo=UTC)  # date_gmt, not local date
    assert heron.author_url == "https://heron.example.net"
    assert heron.text == "How long in the steam box?\nAn hour per inch?"
    assert batch.comments[0].author_url is None
    assert (batch.total, batch.total_pages) == (3, None)
    with pytest.raises(ParseError):
        parse_wp_rest_comments(b"<html>401</html>", {})


LISTING = b"""<!doctype html><html><head>
<meta name="generator" content="WordPress 6.4">
<link rel="alternate" type="application/rss+xml" href="/feed/">
<link rel="alternate" type="application/rss+xml" href="/comments/feed/">
<link rel="https://api.w.org/" href="https://tide.example.org/wp-json/">
<link rel="next" href="/page/2/">
</head><body>
<a href="/2021/02/02/steaming-oak/#comments">Steaming oak</a>
<a href="/2021/02/02/steaming-oak/?utm_source=x">again</a>
<a href="mailto:me@tide.example.org">mail</a>
<div class="nav-previous"><a href="/page/2/">Older posts</a></div>
<a class="next page-numbers" href="/page/2/">Next</a>
<a href="https://elsewhere.example/">friend</a>
<a href="/archive/older">Older Entries</a>
</body></html>"""


def test_read_listing() -> None:
    listing = read_listing(LISTING, WP)
    assert listing.links == (
        WP + "2021/02/02/steaming-oak/",
        WP + "page/2/",
        "https://elsewhere.example/",
        WP + "archive/older",
    )
    assert listing.next_links == (WP + "page/2/", WP + "archive/older")
    assert listing.feeds == (WP + "feed/", WP + "comments/feed/")
    assert listing.rest_root == WP + "wp-json/"
    assert listing.platform == "wordpress"


def test_links_from_blogger_page_and_base_href() -> None:
    html = b"""<html><head><base href="https://lantern.example.blogspot.com/x/">
    <link rel="alternate" type="application/atom+xml" href="https://www.blogger.com/feeds/1111/posts/default"></head>
    <body>
    <a class="blog-pager-older-link" href="search?updated-max=2020&amp;max-results=7">Older</a>
    <a href="p.html?m=1">p</a></body></html>"""
    links, nexts = links_from_page(html, BLOG)
    assert nexts == [BLOG + "x/search?max-results=7&updated-max=2020"]
    assert BLOG + "x/p.html" in links
    assert read_listing(html, BLOG).platform == "blogger"


@pytest.mark.parametrize("body", [b"", b"   ", b"\x00\x01binary"])
def test_links_from_junk_never_raise(body: bytes) -> None:
    links, nexts = links_from_page(body, BLOG)
    assert nexts == []
    assert all(link.startswith("http") for link in links)


def test_parse_datetime_and_html_to_text() -> None:
    assert parse_datetime("2021-01-02") == datetime(2021, 1, 2, tzinfo=UTC)
    assert parse_datetime("2021-01-02T03:04:05-02:00") == datetime(2021, 1, 2, 5, 4, 5, tzinfo=UTC)
    assert parse_datetime("yesterday") is None
    assert parse_datetime(None) is None
    assert html_to_text("") == ""
    assert html_to_text("<p>a  b</p><p>c<br>d</p>") == "a b\nc\nd"


CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")
def test_links_from_every_real_page() -> None:
    pages = sorted(CORPUS.glob("*.html"))
    if not pages:
        pytest.skip("no saved pages in ../shared/corpus")
    for path in pages:
        base = "https://corpus.example/2015/02/page.html"
        links, _nexts = links_from_page(path.read_bytes(), base)
        assert links, path.name
        assert all(link.startswith(("http://", "https://")) for link in links)
        assert all("#" not in link and "utm_" not in link for link in links), path.name


@pytest.mark.parametrize(
    ("body", "zone"),
    [
        (b'{"timezone_string": "America/Chicago", "gmt_offset": -6}', "America/Chicago"),
        (b'{"timezone_string": "", "gmt_offset": "2"}', "Etc/GMT-2"),  # older versions: a string
        (b'{"timezone_string": "", "gmt_offset": 0}', "UTC"),
        (b'{"timezone_string": "", "gmt_offset": 5.5}', None),  # no name for a half hour
        (b'{"timezone_string": "Mars/Olympus", "gmt_offset": 0}', None),
        (b'{"gmt_offset": null}', None),
        (b"[1, 2]", None),
        (b"<html>not json</html>", None),
    ],
)
def test_a_wordpress_zone_is_read_from_its_rest_index(body: bytes, zone: str | None) -> None:
    assert parse_wp_zone(body) == zone
