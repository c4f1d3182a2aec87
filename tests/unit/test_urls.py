"""URL normalisation, scope and kind classification for Blogger, WordPress and generic blogs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scraper.core.urls import classify_url, in_scope, normalise_url, site_root


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "HTTPS://Example.BlogSpot.com:443/2015/02/post.html?m=1#c123",
            "https://example.blogspot.com/2015/02/post.html",
        ),
        (
            "http://example.com:80/a/?utm_source=x&utm_medium=rss&b=2&a=1&fbclid=zz&gclid=1",
            "http://example.com/a/?a=1&b=2",
        ),
        ("https://example.com/2015/02/post.html?m=0", "https://example.com/2015/02/post.html"),
        ("https://example.com/?m=202001", "https://example.com/?m=202001"),
        ("https://example.com:8080/x", "https://example.com:8080/x"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/post/?replytocom=55#respond", "https://example.com/post/"),
        ("https://example.com/p.html?showComment=1425028443000#c79", "https://example.com/p.html"),
    ],
)
def test_normalise_url(raw: str, expected: str) -> None:
    assert normalise_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "mailto:a@b.c", "javascript:void(0)", "ftp://example.com/x", "http://", "http://[::1"],
)
def test_normalise_url_rejects_non_pages(raw: str) -> None:
    assert normalise_url(raw) is None


def test_normalise_url_resolves_relative_links() -> None:
    assert (
        normalise_url("../b/?utm_campaign=x", "https://h.example/a/c/") == "https://h.example/a/b/"
    )


@given(st.text(max_size=40), st.text(max_size=20))
def test_normalise_url_is_idempotent(path: str, query: str) -> None:
    first = normalise_url(f"https://Example.com/{path}?{query}")
    if first is not None:
        assert normalise_url(first) == first


def test_in_scope_host_and_subdomains() -> None:
    site = "https://blog.example.com/"
    assert in_scope("https://blog.example.com/2020/01/x.html", site)
    assert in_scope("http://www.blog.example.com/x", site)
    assert not in_scope("https://other.example.com/x", site)
    assert not in_scope("https://evil-blog.example.com/x", site)
    assert not in_scope("https://photos.blog.example.com/x", site)
    assert in_scope("https://photos.blog.example.com/x", site, subdomains=True)
    assert not in_scope("https://notblog.example.com/x", site, subdomains=True)
    assert not in_scope("ftp://blog.example.com/x", site)


def test_in_scope_keeps_a_site_path() -> None:
    site = "https://example.com/blog/"
    assert in_scope("https://example.com/blog/2020/01/02/x/", site)
    assert in_scope("https://example.com/blog", site)
    assert not in_scope("https://example.com/shop/item/", site)
    assert site_root("https://Example.com/blog/index.html") == "https://example.com/blog/"


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        # Blogger
        ("https://x.blogspot.com/2015/02/my-post.html", "post"),
        ("https://x.blogspot.com/2015/02/my-post.html?m=1", "post"),
        ("https://x.blogspot.com/p/about.html", "post"),
        ("https://x.blogspot.com/2015/02/", "listing"),
        ("https://x.blogspot.com/2015/", "listing"),
        ("https://x.blogspot.com/2015_02_01_archive.html", "listing"),
        ("https://x.blogspot.com/search/label/Paper", "listing"),
        (
            "https://x.blogspot.com/search?updated-max=2015-02-01T00:00:00-08:00&max-results=7",
            "listing",
        ),
        ("https://x.blogspot.com/feeds/posts/default", "listing"),
        ("https://x.blogspot.com/feeds/123/comments/default", "comments"),
        # WordPress
        ("https://w.example/2021/02/02/steaming-oak/", "post"),
        ("https://w.example/2021/02/steaming-oak/", "post"),
        ("https://w.example/2021/02/02/steaming-oak/comment-page-3/", "comments"),
        ("https://w.example/?p=42", "post"),
        ("https://w.example/?page_id=7", "post"),
        ("https://w.example/2021/02/02/", "listing"),
        ("https://w.example/page/3/", "listing"),
        ("https://w.example/category/boats/page/2/", "listing"),
        ("https://w.example/tag/glue/", "listing"),
        ("https://w.example/author/wren/", "listing"),
        ("https://w.example/?s=oak", "listing"),
        ("https://w.example/?m=202101", "listing"),
        ("https://w.example/?paged=2", "listing"),
        ("https://w.example/feed/", "listing"),
        ("https://w.example/comments/feed/", "listing"),
        ("https://w.example/wp-sitemap.xml", "listing"),
        ("https://w.example/wp-content/uploads/2021/02/oak.jpg", "asset"),
        ("https://w.example/wp-includes/js/x.js?ver=6", "asset"),
        ("https://w.example/wp-admin/", "other"),
        ("https://w.example/wp-login.php?action=register", "other"),
        ("https://w.example/wp-json/wp/v2/posts", "other"),
        ("https://w.example/?rest_route=/wp/v2/posts", "other"),
        # generic
        ("https://g.example/", "listing"),
        ("https://g.example/index.html", "listing"),
        ("https://g.example/posts/why-lanterns", "post"),
        ("https://g.example/archive/", "listing"),
        ("https://g.example/calendar/?ym=2020-01", "listing"),
        ("https://g.example/files/report.pdf", "asset"),
        ("https://g.example/data.json", "asset"),
        ("https://g.example/login", "other"),
    ],
)
def test_classify_url(url: str, kind: str) -> None:
    assert classify_url(url) == kind


def test_in_scope_is_scheme_host_and_port() -> None:
    site = "https://blog.example.com/"
    assert in_scope("http://blog.example.com/x", site)  # 80 and 443: one blog, two schemes
    assert in_scope("https://blog.example.com:443/x", site)
    assert not in_scope("https://blog.example.com:8443/admin", site)  # another service
    assert not in_scope("http://blog.example.com:18081/internal", site)
    local = "http://127.0.0.1:8080/"
    assert in_scope("http://127.0.0.1:8080/2020/01/p.html", local)
    assert not in_scope("http://127.0.0.1:8081/2020/01/p.html", local)
    assert not in_scope("http://127.0.0.1/2020/01/p.html", local)
    assert not in_scope("http://blog.example.com:notaport/x", site)
