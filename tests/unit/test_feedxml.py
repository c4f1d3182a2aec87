"""The fast lxml feed reader gives what feedparser gives, and hands over what it cannot read."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.demo import DemoServer
from scraper.discover.feedxml import fast_feed
from scraper.discover.sources import feedparser_feed, parse_feed

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "discovery"
BASE = "https://example.org/"

RSS_WITH_DC = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title>
<atom:link rel="next" href="/feed/?paged=2"/>
<item><title>a</title><link>https://example.org/2024/01/02/a/</link>
<pubDate>Tue, 02 Jan 2024 10:00:00 +0100</pubDate><guid>https://example.org/?p=12</guid></item>
<item><title>no link</title></item>
</channel></rss>"""


@pytest.mark.parametrize("name", ["blogger_posts_page1.xml", "wp_feed_page1.xml"])
def test_fixture_feeds_read_alike(name: str) -> None:
    body = (FIXTURES / name).read_bytes()
    fast = fast_feed(body, BASE)
    assert fast is not None
    assert fast == feedparser_feed(body, BASE)


def test_demo_feeds_read_alike() -> None:
    import httpx

    with DemoServer(extra_posts=20) as server:
        blogger, wordpress = server.sites
        feeds = [
            blogger.base_url + "feeds/posts/default?max-results=25&start-index=1",
            wordpress.base_url + "feed/",
            wordpress.base_url + "feed/?paged=2",
        ]
        bodies = [(url, httpx.get(url).content) for url in feeds]
    for url, body in bodies:
        fast = fast_feed(body, url)
        assert fast is not None, url
        assert fast == feedparser_feed(body, url), url
        assert fast.entries


def test_rss_details() -> None:
    page = fast_feed(RSS_WITH_DC, BASE)
    assert page is not None
    assert [entry.url for entry in page.entries] == ["https://example.org/2024/01/02/a/"]
    assert page.entries[0].published is not None
    assert page.entries[0].published.isoformat() == "2024-01-02T09:00:00+00:00"
    assert page.entries[0].platform_id == "12"
    assert page.next_url == "https://example.org/feed/?paged=2"
    assert page == feedparser_feed(RSS_WITH_DC, BASE)


@pytest.mark.parametrize(
    "body",
    [
        b"<rss version='2.0'><channel><item><link>https://example.org/a</link></item>",  # cut
        b"<?xml version='1.0'?><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/>",
        b"<rss version='0.91'><channel></channel></rss>",
        b"<html><body>not a feed</body></html>",
        b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><rss version='2.0'>&e;</rss>",
    ],
)
def test_what_it_cannot_read_goes_to_feedparser(body: bytes) -> None:
    assert fast_feed(body, BASE) is None


def test_broken_feed_still_read_by_the_fallback() -> None:
    body = (
        b"<rss version='2.0'><channel><item><link>https://example.org/2024/a/</link></item>"
        b"<item><link>https://example.org/2024/b/</link>"
    )
    page = parse_feed(body, BASE)
    assert [entry.url for entry in page.entries][:1] == ["https://example.org/2024/a/"]
