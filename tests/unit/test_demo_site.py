"""The demo blogs: markup structure (checked with bs4 alone), feeds, REST, caching and serving."""

from __future__ import annotations

import ast
import json
import re
import socket
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import httpx
import pytest
from bs4 import BeautifulSoup, Tag

from scraper.core.errors import NotFoundError
from scraper.demo import DemoServer, DemoSite, demo_truth, expected_totals
from scraper.demo.content import build_blogs, comment_pages

BLOGGER, WORDPRESS = build_blogs()
_VOID = {"meta", "link", "img", "br", "hr", "input", "source", "wbr"}


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer() as running:
        yield running


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as http:
        yield http


def _site(server: DemoServer, platform: str) -> DemoSite:
    return next(site for site in server.sites if site.platform == platform)


def _url(site: DemoSite, path: str) -> str:
    return site.base_url.rstrip("/") + path


def _soup(client: httpx.Client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    _assert_balanced(response.text)
    return BeautifulSoup(response.text, "lxml")


class _Balance(HTMLParser):
    """Every opened non-void tag is closed, in order (what our templates must guarantee)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """`<link ... />` opens nothing."""

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '-'}>")
        else:
            self.stack.pop()


def _assert_balanced(html: str) -> None:
    checker = _Balance()
    checker.feed(re.sub(r"<script.*?</script>", "", html, flags=re.S))
    assert checker.errors == [], checker.errors[:3]
    assert checker.stack == []


def _classes(tag: Tag) -> list[str]:
    value = tag.get("class") or []
    return list(value) if not isinstance(value, str) else value.split()


def test_core_demo_meets_the_issue() -> None:
    totals = expected_totals()
    assert totals["posts"] >= 8
    assert totals["comments"] >= 80
    assert totals["posts_blogger"] >= 4
    assert totals["posts_wordpress"] >= 4
    assert totals["max_depth"] >= 3
    assert totals["deleted"] >= 1
    assert totals["pingbacks"] >= 1
    assert totals["by_post_author"] >= 5
    assert totals["multi_page_threads"] == 1
    texts = " ".join(
        c.text for blog in (BLOGGER, WORDPRESS) for p in blog.posts for c in p.comments
    )
    for sample in ("ü", "đ", "の", "ش", "🎉"):  # German, Vietnamese, Japanese, Arabic, emoji
        assert sample in texts
    truth = demo_truth()
    assert sum(len(rows) for rows in truth.values()) == totals["comments"]
    assert len(truth) == totals["posts"]


def test_content_is_deterministic_per_seed() -> None:
    assert demo_truth(seed=7) == demo_truth(seed=7)
    assert demo_truth(seed=7) != demo_truth(seed=8)
    assert expected_totals(extra_posts=20)["posts"] == expected_totals()["posts"] + 40


def test_blogger_post_page_structure(server: DemoServer, client: httpx.Client) -> None:
    site = _site(server, "blogger")
    post = next(p for p in BLOGGER.posts if any(c.deleted for c in p.comments))
    soup = _soup(client, _url(site, post.path))
    feed = f"/feeds/{post.platform_id}/comments/default"
    assert soup.select_one(f'head link[rel="alternate"][href$="{feed}"]') is not None
    assert soup.select_one('meta[itemprop="postId"]')["content"] == post.platform_id  # type: ignore[index]
    top = soup.select("div.comment-thread.toplevel-thread > ol#top-ra > li.comment")
    replies = soup.select("div.comment-replies > div.comment-thread.inline-thread li.comment")
    assert len(top) == sum(c.parent_id is None for c in post.comments)
    assert len(replies) == sum(c.parent_id is not None for c in post.comments)
    assert len(soup.select("li.comment")) == len(post.comments)
    by_id = {c.id: c for c in post.comments}
    for item in soup.select("li.comment"):
        comment = by_id[str(item["id"]).removeprefix("c")]
        link = item.select_one(".comment-header span.datetime a")
        assert link is not None
        ms = round(comment.published.timestamp() * 1000)
        assert str(link["href"]).endswith(f"{post.path}?showComment={ms}#c{comment.id}")
        cite = item.select_one(".comment-header cite.user")
        assert cite is not None
        assert ("blog-author" in _classes(cite)) == comment.by_post_author
        removed = item.select_one("p.comment-content > span.deleted-comment")
        assert (removed is not None) == comment.deleted
    assert "removed by the author" in soup.select_one("span.deleted-comment").get_text()  # type: ignore[union-attr]
    assert soup.select_one("h4").get_text() == f"{len(post.comments)} comments:"  # type: ignore[union-attr]


def test_wordpress_thread_spans_two_comment_pages(server: DemoServer, client: httpx.Client) -> None:
    site = _site(server, "wordpress")
    post = next(p for p in WORDPRESS.posts if len(comment_pages(p)) == 2)
    first = _soup(client, _url(site, post.path))
    page1 = _soup(client, _url(site, post.path + "comment-page-1/"))
    page2 = _soup(client, _url(site, post.path + "comment-page-2/"))
    assert page1.select_one('link[rel="canonical"]')["href"] == _url(site, post.path)  # type: ignore[index]
    canonical2 = page2.select_one('link[rel="canonical"]')["href"]  # type: ignore[index]
    assert canonical2 == _url(site, post.path + "comment-page-2/#comments")
    newer = first.select_one(".comment-navigation .nav-next a")
    older = page2.select_one(".comment-navigation .nav-previous a")
    assert newer is not None
    assert newer.get_text() == "Newer Comments"
    assert older is not None
    assert older.get_text() == "Older Comments"
    assert str(newer["href"]).endswith("/comment-page-2/#comments")
    assert str(older["href"]).endswith("/comment-page-1/#comments")
    assert first.select_one(".comment-navigation .nav-previous") is None
    ids = [
        str(li["id"]).removeprefix("comment-")
        for soup in (first, page2)
        for li in soup.select("ol.comment-list li[id^=comment-]")
    ]
    assert sorted(ids) == sorted(c.id for c in post.comments)
    assert [li["id"] for li in first.select("ol.comment-list li")] == [
        li["id"] for li in page1.select("ol.comment-list li")
    ]


def test_wordpress_markup_depth_author_pingback(server: DemoServer, client: httpx.Client) -> None:
    site = _site(server, "wordpress")
    for post in WORDPRESS.posts:
        if len(comment_pages(post)) > 1:
            continue
        soup = _soup(client, _url(site, post.path))
        assert "postid-" + post.platform_id in _classes(soup.body)  # type: ignore[arg-type]
        items = soup.select("ol.comment-list li[id^=comment-]")
        assert len(items) == len(post.comments)
        by_id = {c.id: c for c in post.comments}
        for item in items:
            comment = by_id[str(item["id"]).removeprefix("comment-")]
            classes = _classes(item)
            assert f"depth-{post.depth_of(comment) + 1}" in classes
            assert ("bypostauthor" in classes) == comment.by_post_author
            assert ("pingback" in classes) == (comment.kind == "pingback")
            if comment.kind == "comment":
                stamp = item.select_one(".comment-metadata time")
                assert stamp is not None
                assert re.search(r"[+-]\d\d:\d\d$", str(stamp["datetime"]))
            if comment.parent_id:
                parent = item.find_parent("li")
                assert parent is not None
                assert parent["id"] == f"comment-{comment.parent_id}"
    assert max(p.depth_of(c) for p in WORDPRESS.posts for c in p.comments) >= 3


def _walk_pager(
    client: httpx.Client, url: str | None, post_link: str, older: str, posts: int
) -> list[str]:
    """The post paths a home page and its "older posts" pages list, in order (at most `posts`)."""
    seen: list[str] = []
    while url:
        soup = _soup(client, url)
        seen += [urlsplit(str(a["href"])).path for a in soup.select(post_link)]
        link = soup.select_one(older)
        url = str(link["href"]) if link else None
        assert len(seen) <= posts, "the pager lists too much or goes round in circles"
    return seen


def test_blogger_home_pager_walks_every_post(server: DemoServer, client: httpx.Client) -> None:
    site = _site(server, "blogger")
    older = "a.blog-pager-older-link"
    seen = _walk_pager(client, site.base_url, "h3.post-title a", older, len(BLOGGER.posts))
    assert seen == [p.path for p in BLOGGER.posts]
    label = _soup(client, _url(site, "/search/label/Hiking"))
    hiking = [p for p in BLOGGER.posts if "Hiking" in p.labels]
    assert len(label.select("div.post-outer")) == min(len(hiking), BLOGGER.per_page)


def test_wordpress_home_pager_and_categories(server: DemoServer, client: httpx.Client) -> None:
    site = _site(server, "wordpress")
    older = ".posts-navigation .nav-previous a"
    seen = _walk_pager(client, site.base_url, "h2.entry-title a", older, len(WORDPRESS.posts))
    assert seen == [p.path for p in WORDPRESS.posts]
    repair = _soup(client, _url(site, "/category/repair/"))
    assert len(repair.select("article.post")) == sum("Repair" in p.labels for p in WORDPRESS.posts)


def test_robots_and_sitemaps(server: DemoServer, client: httpx.Client) -> None:
    for site, blog in zip(server.sites, (BLOGGER, WORDPRESS), strict=True):
        robots = client.get(_url(site, "/robots.txt"))
        assert robots.headers["content-type"] == "text/plain; charset=utf-8"
        sitemap = re.search(r"^Sitemap: (\S+)$", robots.text, re.M)
        assert sitemap is not None
        assert sitemap.group(1).startswith(site.base_url)
        index = client.get(sitemap.group(1), follow_redirects=True)
        namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
        locations = [el.text or "" for el in ET.fromstring(index.content).iter(f"{namespace}loc")]
        urls: list[str] = []
        for location in locations:
            urlset = ET.fromstring(client.get(location).content)
            urls += [el.text or "" for el in urlset.iter(f"{namespace}loc")]
        assert {urlsplit(u).path for u in urls} >= {p.path for p in blog.posts}
    moved = client.get(_url(_site(server, "wordpress"), "/sitemap.xml"))
    assert moved.status_code == 301
    assert moved.headers["location"].endswith("/wp-sitemap.xml")


def test_blogger_feeds_page_and_parse(server: DemoServer, client: httpx.Client) -> None:
    site = _site(server, "blogger")
    atom = client.get(_url(site, "/feeds/posts/default?max-results=2"))
    assert atom.headers["content-type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(atom.content)
    assert not parsed.bozo
    assert len(parsed.entries) == 2
    assert parsed.feed["opensearch_totalresults"] == str(len(BLOGGER.posts))
    next_link = next(link.href for link in parsed.feed.links if link.rel == "next")
    assert "start-index=3" in next_link
    rest = feedparser.parse(client.get(next_link).content)
    assert len(rest.entries) == len(BLOGGER.posts) - 2
    post = next(p for p in BLOGGER.posts if any(c.deleted for c in p.comments))
    feed_url = _url(site, f"/feeds/{post.platform_id}/comments/default?alt=json&max-results=500")
    data = client.get(feed_url).json()["feed"]
    assert int(data["openSearch$totalResults"]["$t"]) == len(post.comments)
    entries = data["entry"]
    removed = [
        e
        for e in entries
        if any(p["name"] == "blogger.contentRemoved" for p in e["gd$extendedProperty"])
    ]
    assert len(removed) == 1
    replies = [e for e in entries if len(e["link"]) == 4 and e["link"][3]["rel"] == "related"]
    assert len(replies) == sum(c.parent_id is not None for c in post.comments)
    comments_atom = feedparser.parse(client.get(feed_url.replace("alt=json", "alt=atom")).content)
    assert len(comments_atom.entries) == len(post.comments)
    assert not comments_atom.bozo


def test_wordpress_rss_and_rest(server: DemoServer, client: httpx.Client) -> None:
    site = _site(server, "wordpress")
    rss = client.get(_url(site, "/feed/"))
    assert rss.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert len(feedparser.parse(rss.content).entries) == len(WORDPRESS.posts)
    assert client.get(_url(site, "/feed/?paged=2")).status_code == 404
    posts = client.get(_url(site, "/wp-json/wp/v2/posts?per_page=2&page=2"))
    assert posts.headers["x-wp-total"] == str(len(WORDPRESS.posts))
    assert posts.headers["x-wp-totalpages"] == str(-(-len(WORDPRESS.posts) // 2))
    assert 'rel="next"' in posts.headers["link"]
    assert 'rel="prev"' in posts.headers["link"]
    assert [p["id"] for p in posts.json()] == [int(p.platform_id) for p in WORDPRESS.posts[2:4]]
    post = next(p for p in WORDPRESS.posts if any(c.kind == "pingback" for c in p.comments))
    url = _url(site, f"/wp-json/wp/v2/comments?post={post.platform_id}&per_page=100")
    rows = client.get(url).json()
    expected = {(c.id, c.parent_id or "0") for c in post.comments if c.kind == "comment"}
    assert {(str(r["id"]), str(r["parent"])) for r in rows} == expected
    too_far = client.get(_url(site, "/wp-json/wp/v2/posts?page=99"))
    assert too_far.status_code == 400
    assert too_far.json()["code"] == "rest_post_invalid_page_number"
    assert client.get(_url(site, "/wp-json/wp/v2/posts?per_page=500")).status_code == 400
    for bad in ("page=0", "per_page=0", "page=x"):
        refused = client.get(_url(site, f"/wp-json/wp/v2/comments?post=1&{bad}"))
        assert refused.status_code == 400
        assert refused.json()["code"] == "rest_invalid_param"


def test_conditional_get_and_gzip(server: DemoServer, client: httpx.Client) -> None:
    site = _site(server, "wordpress")
    url = _url(site, WORDPRESS.posts[0].path)
    first = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in first.headers
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    again = client.get(url, headers={"If-Modified-Since": modified})
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get(url, headers={"If-Modified-Since": old}).status_code == 200
    zipped = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == first.content  # httpx inflated it
    assert zipped.num_bytes_downloaded < len(first.content) // 2
    plain = client.get(url, headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in plain.headers


def test_new_comment_changes_etag_and_appears(client: httpx.Client) -> None:
    with DemoServer() as fresh:
        for site in fresh.sites:
            post = fresh.blog(site.name).posts[0]
            url = _url(site, post.path)
            before = client.get(url)
            fresh.add_comment(site.name, 0, "Ines Duarte", "Late but here: grüße aus Köln!")
            after = client.get(url, headers={"If-None-Match": before.headers["etag"]})
            assert after.status_code == 200
            assert "grüße aus Köln" in after.text
            assert after.headers["etag"] != before.headers["etag"]
            assert after.headers["last-modified"] != before.headers["last-modified"]
            assert len(fresh.blog(site.name).posts[0].comments) == len(post.comments) + 1
        with pytest.raises(NotFoundError):
            fresh.add_comment("nope", 0, "a", "b")
        with pytest.raises(NotFoundError):
            fresh.add_comment(fresh.sites[0].name, 999, "a", "b")


def test_not_found_redirects_and_bad_input(server: DemoServer, client: httpx.Client) -> None:
    blogger, wordpress = _site(server, "blogger"), _site(server, "wordpress")
    missing = client.get(_url(blogger, "/2099/01/nothing.html"))
    assert missing.status_code == 404
    assert "does not exist" in missing.text
    assert client.get(_url(blogger, "/feeds/123/comments/default")).status_code == 404
    assert client.get(_url(blogger, "/search?updated-max=yesterday")).status_code == 400
    assert client.get(_url(blogger, "/feeds/posts/default?alt=carrier-pigeon")).status_code == 400
    post = WORDPRESS.posts[0]
    assert client.get(_url(wordpress, post.path + "comment-page-3/")).status_code == 404
    slashless = client.get(_url(wordpress, post.path.rstrip("/")))
    assert slashless.status_code == 301
    assert slashless.headers["location"].endswith(post.path)
    short = client.get(_url(wordpress, f"/?p={post.platform_id}"))
    assert short.status_code == 301
    assert short.headers["location"].endswith(post.path)
    assert client.get(_url(wordpress, "/page/99/")).status_code == 404
    assert client.get(_url(wordpress, "/wp-json/wp/v2/users")).json()["code"] == "rest_no_route"
    assert client.head(_url(wordpress, "/")).content == b""
    log = server.request_log()
    assert ("GET", "/page/99/", 404) in log
    assert ("HEAD", "/", 200) in log
    assert server.request_count() == len(log)


def test_server_stops_cleanly_and_frees_ports() -> None:
    before = set(threading.enumerate())
    with DemoServer() as running:
        ports = [urlsplit(site.base_url).port for site in running.sites]
        assert len(set(ports)) == 2
        idle = socket.create_connection(("127.0.0.1", ports[0] or 0))  # a keep-alive client
        time.sleep(0.05)  # let the server accept it
    with idle:
        idle.settimeout(5)
        assert idle.recv(1) == b""  # the server hung up on the idle connection
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", ports[0] or 0), timeout=1).close()
    left = [t for t in set(threading.enumerate()) - before if t.name.startswith("demo-")]
    assert left == []
    assert DemoServer().sites == ()  # nothing bound until entered


def test_thousand_extra_posts_serve_quickly(client: httpx.Client) -> None:
    started = time.perf_counter()
    with DemoServer(extra_posts=1000) as big:
        for site in big.sites:
            blog = big.blog(site.name)
            core = BLOGGER if site.platform == "blogger" else WORDPRESS
            assert len(blog.posts) == 1000 + len(core.posts)
            for path in ("/", blog.posts[500].path, blog.posts[-1].path, "/robots.txt"):
                assert client.get(_url(site, path)).status_code == 200
        feed = client.get(_url(big.sites[0], "/feeds/posts/default?start-index=980"))
        assert len(feedparser.parse(feed.content).entries) == 25
        total = client.get(_url(big.sites[1], "/wp-json/wp/v2/posts?per_page=100"))
        assert total.headers["x-wp-totalpages"] == str(-(-len(big.blog("tinkerers").posts) // 100))
    assert time.perf_counter() - started < 10


def test_demo_does_not_depend_on_the_corpus_parsers() -> None:
    """The demo and these tests check markup with bs4 only, never with scraper.parse.page/platforms."""
    root = Path(__file__).resolve().parents[2]
    files = [*sorted((root / "scraper" / "demo").glob("*.py")), Path(__file__)]
    for file in files:
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                assert not name.startswith(("scraper.parse.page", "scraper.parse.platforms")), (
                    file,
                    name,
                )
                assert name != "scraper.parse_page", file
    assert json.dumps(expected_totals())  # plain ints, serialisable for reports


def test_latency_slows_every_answer(client: httpx.Client) -> None:
    with DemoServer(latency=0.1) as slow:
        started = time.perf_counter()
        assert client.get(_url(slow.sites[1], "/robots.txt")).status_code == 200
        assert time.perf_counter() - started >= 0.1
