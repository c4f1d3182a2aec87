"""Disqus on any platform: its server-rendered fallback list is read when the page has it, and
the thread Disqus serves is a note plus a `more_comments` URL when it does not (our own markup,
in the shape of Disqus's documented embed code and its WordPress plugin's fallback list)."""

from __future__ import annotations

import asyncio
from typing import Any

from scraper.core.errors import FetchError
from scraper.parse import parse_page
from scraper.threads.complete import complete_thread

URL = "https://garden.example/2012/04/spring/"
WORDPRESS = '<meta name="generator" content="WordPress 3.4">'
POST = (
    '<article class="post"><h1 class="entry-title">Spring</h1><div class="entry-content"><p>'
    + "Seeds, soil and the long wait for warm days. " * 12
    + "</p></div></article>"
)
# Disqus's universal embed code (its documented snippet) with the older globals.
EMBED = """<div id="disqus_thread">{fallback}</div><script>
var disqus_shortname = 'gardenblog'; var disqus_identifier = '77 https://garden.example/?p=77';
var disqus_url = 'https://garden.example/2012/04/spring/';
(function() { var d = document, s = d.createElement('script');
s.src = 'https://gardenblog.disqus.com/embed.js'; (d.head || d.body).appendChild(s); })();
</script><noscript>Please enable JavaScript to view the
<a href="https://disqus.com/?ref_noscript">comments powered by Disqus.</a></noscript>"""
# The WordPress plugin's fallback for readers without JavaScript.
FALLBACK = """<div id="dsq-content"><ul id="dsq-comments">
<li class="comment even depth-1" id="dsq-comment-901">
<div id="dsq-comment-header-901" class="dsq-comment-header"><cite id="dsq-cite-901">
<a id="dsq-author-user-901" href="https://radio.example/" rel="nofollow">Garden Radio</a></cite></div>
<div id="dsq-comment-body-901" class="dsq-comment-body"><div id="dsq-comment-message-901"
 class="dsq-comment-message"><p>Which seeds did you start indoors?</p></div></div></li>
<li class="comment odd depth-1" id="dsq-comment-902">
<div id="dsq-comment-header-902" class="dsq-comment-header"><cite id="dsq-cite-902">
<span id="dsq-author-user-902">Pat</span></cite></div>
<div id="dsq-comment-body-902" class="dsq-comment-body"><div id="dsq-comment-message-902"
 class="dsq-comment-message"><p>Beans, always beans.</p></div></div></li>
</ul></div>"""
EMBED_URL = (
    "https://disqus.com/embed/comments/?base=default&f=gardenblog"
    "&t_u=https%3A%2F%2Fgarden.example%2F2012%2F04%2Fspring%2F"
    "&t_i=77%20https%3A%2F%2Fgarden.example%2F%3Fp%3D77"
)


def page(head: str, fallback: str = "", tail: str = "") -> str:
    embed = EMBED.replace("{fallback}", fallback)
    return f"<html><head>{head}</head><body class='single'>{POST}{embed}{tail}</body></html>"


def test_a_wordpress_page_with_disqus_and_no_list_says_where_the_comments_are() -> None:
    parsed = parse_page(page(WORDPRESS), URL)
    assert parsed.platform == "wordpress"
    assert parsed.comments == ()
    assert "comments are served by Disqus (JavaScript only); none are in the page" in parsed.notes
    assert parsed.more_comments == (EMBED_URL,)


def test_the_fallback_list_is_read_and_the_note_does_not_say_none_are_in_the_page() -> None:
    for head in (WORDPRESS, ""):  # the WordPress parser, and the generic one
        parsed = parse_page(page(head, FALLBACK), URL)
        assert [(c.id, c.author, c.author_url, c.text) for c in parsed.comments] == [
            ("901", "Garden Radio", "https://radio.example/", "Which seeds did you start indoors?"),
            ("902", "Pat", None, "Beans, always beans."),
        ]
        disqus = [note for note in parsed.notes if "Disqus" in note]
        assert disqus == [
            "comments are served by Disqus; the page's server-rendered fallback list was read,"
            " Disqus itself may hold later ones"
        ]
        assert parsed.more_comments == (EMBED_URL,)  # the live thread may have more


def test_an_empty_fallback_list_is_no_comments_read() -> None:
    empty = '<div id="dsq-content"><ul id="dsq-comments"></ul></div>'
    parsed = parse_page(page(WORDPRESS, empty), URL)
    assert parsed.comments == ()
    assert "comments are served by Disqus (JavaScript only); none are in the page" in parsed.notes


def test_a_wordpress_post_that_only_mentions_disqus_gets_no_disqus_note() -> None:
    html = (
        f"<html><head>{WORDPRESS}</head><body class='single'>{POST}"
        "<p>We left disqus_thread widgets behind in 2015.</p></body></html>"
    )
    parsed = parse_page(html, URL)
    assert not any("Disqus" in note for note in parsed.notes)
    assert parsed.more_comments == ()


def test_a_wordpress_page_with_disqus_only_is_an_incomplete_thread_and_disqus_is_not_fetched() -> (
    None
):
    parsed = parse_page(page(WORDPRESS), URL)
    asked: list[str] = []

    async def refuse(url: str, **_: Any) -> Any:
        asked.append(url)
        raise FetchError(f"no network in this test: {url}")

    result = asyncio.run(complete_thread(parsed, URL, refuse))
    assert not result.complete
    assert result.note is not None
    assert result.note.startswith("JS-only widget: comments are served by Disqus")
    assert "another post" not in result.note  # Disqus's URL is a pointer, not a comment page
    assert not any("disqus.com" in url for url in asked)


def test_a_blogger_page_with_disqus_says_so_too() -> None:
    blogger = "<meta name='generator' content='blogger'>"
    parsed = parse_page(page(blogger), "https://garden.blogspot.com/2012/04/spring.html")
    assert parsed.platform == "blogger"
    assert "comments are served by Disqus (JavaScript only); none are in the page" in parsed.notes
    base = EMBED_URL.partition("&t_u=")[0]  # the page URL differs: only the forum is checked
    assert [u.partition("&t_u=")[0] for u in parsed.more_comments] == [base]
