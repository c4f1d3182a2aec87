"""The fallback parser for any page: structured data, then the structural heuristic, widgets."""

from __future__ import annotations

import re

from bs4 import Tag

from scraper.core.models import Comment, ParsedPage
from scraper.parse.platforms.article import body_post, find_body
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import blog_timezone, page_index
from scraper.parse.platforms.heuristic import heuristic_comments
from scraper.parse.platforms.numbered import numbered_comments
from scraper.parse.platforms.repeated import repeated_comments
from scraper.parse.platforms.structured import read_structured
from scraper.parse.platforms.widgets import detect_widgets

_COUNT = re.compile(
    r">\s*(?:[^<>\d]{0,40}?:\s*)?(\d{1,6})\s+(?:comments?|kommentare?|responses?|thoughts|replies|"
    r"ergänzungen|commentaires?|comentarios?|commenti|reacties|réactions|antworten)\b",
    re.IGNORECASE,
)
_OG_ARTICLE = re.compile(r"""property=["']og:type["']\s+content=["']article""", re.IGNORECASE)


def shown_count(text: str) -> int | None:
    """A comment count the page shows in running text ("32 Kommentare", "5 thoughts on …")."""
    match = _COUNT.search(text)
    return int(match.group(1)) if match else None


def _yield(comments: tuple[Comment, ...]) -> int:
    """How much a finder read: one per comment, plus one per author, time and text found."""
    return sum(
        1 + bool(c.author) + (c.published is not None) + bool(c.text.strip()) for c in comments
    )


def _best_of(
    *found: tuple[tuple[Comment, ...], list[Tag]],
) -> tuple[tuple[Comment, ...], list[Tag]]:
    """The finder whose comments carry the most fields (ties: the first, the shape finder)."""
    return max(found, key=lambda pair: _yield(pair[0]))


class GenericParser:
    """Accepts every page; a page that is not a blog post yields no comments, never an error."""

    name = "generic"

    def detect(self, doc: Document) -> bool:
        return True

    def parse(self, doc: Document) -> ParsedPage:
        index = page_index(doc)
        zone = blog_timezone(index, text=doc.text)
        structured = read_structured(doc, zone)
        comments = structured.comments
        containers = list(structured.containers)
        if not comments:
            comments, used = _best_of(
                heuristic_comments(doc, zone), numbered_comments(doc, index, zone)
            )
            containers.extend(used)
        if not comments:
            # Weakest evidence, asked last: same-shaped dated blocks under a discussion heading.
            headings = sorted(
                (tag for name in ("h2", "h3", "h4", "h5", "h6") for tag in index.names(name)),
                key=index.position,
            )
            comments, used = repeated_comments(headings, zone, doc.url)
            containers.extend(used)
        widgets = detect_widgets(doc)
        body = structured.body if structured.body is not None else find_body(doc)
        post = body_post(doc, zone, hints=structured.hints, body=body, drop=containers)
        count = structured.count_shown or widgets.count_shown or shown_count(doc.text)
        is_post = bool(
            structured.is_post or comments or widgets.systems or _OG_ARTICLE.search(doc.text)
        )
        return ParsedPage(
            url=doc.url,
            platform=self.name,
            post=post,
            comment_count_shown=count,
            comments=comments,
            more_comments=widgets.more_comments,
            is_post=is_post,
            notes=widgets.notes,
        )


GENERIC = GenericParser()
