"""The article's text falls back to the general extractor, and says so; never to the comments."""

from __future__ import annotations

from scraper.core.models import Comment, ParsedPage, Post
from scraper.parse import parse_page
from scraper.parse.article_fallback import fill_article

STORY = " ".join(
    f"Paragraph {n} of a story about the village well, the drought and the council."
    for n in range(12)
)
# No platform markup, no <article>, no content class: only a generic page with a long story.
PAGE = f"""<html><head><title>The village well</title></head><body>
<div class="x1"><a href="/">Home</a> <a href="/about">About</a></div>
<div class="x2"><h1>The village well</h1>{"".join(f"<p>{p}.</p>" for p in STORY.split(". "))}</div>
<footer>Copyright 2024</footer></body></html>"""


def test_a_page_without_a_known_container_gets_the_general_extractors_text() -> None:
    page = parse_page(PAGE, "https://news.example/2024/05/well.html")
    assert "Paragraph 11 of a story" in page.post.text
    assert "Copyright" not in page.post.text
    assert "post text from the general extractor" in page.notes
    assert page.post.html.startswith("<p>")


def test_a_text_that_holds_the_comments_is_not_taken() -> None:
    comment = Comment(id="1", text="Paragraph 3 of a story about the village well, the drought")
    page = ParsedPage(
        url="https://news.example/p",
        platform="generic",
        post=Post(),
        comments=(comment,),
        is_post=True,
    )
    assert fill_article(page, PAGE).post.text == ""


def test_an_empty_article_is_filled_even_where_the_platform_saw_no_single_post() -> None:
    # Old themes mark neither the post container nor a single-post body class: an empty
    # article is the one answer that is surely wrong, so the general extractor is asked.
    page = ParsedPage(url="https://x.blogspot.com/", platform="blogger", post=Post())
    filled = fill_article(page, PAGE)
    assert "Paragraph 0" in filled.post.text
    assert any("general extractor" in note for note in filled.notes)


def test_a_short_post_in_the_platforms_own_container_stays_as_it_is() -> None:
    # A real short post; the whole page around it (sidebar, about box) is longer and would
    # "contain" it, but it is not the article.
    page = ParsedPage(
        url="https://x.blogspot.com/2023/06/p.html",
        platform="blogger",
        post=Post(title="Lunch", text="Lunch was flatbread and hard cheese."),
        is_post=True,
    )
    assert (
        fill_article(page, PAGE.replace("Paragraph 0", "Lunch was flatbread and hard cheese. P"))
        is page
    )
