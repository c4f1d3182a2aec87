"""The article when the platform's own container gave none: trafilatura, the field's best
general extractor, reads the post's text (and a missing title); each value it supplies is noted
and labelled `trafilatura`.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from html import escape
from typing import Any

from scraper.core.models import ParsedPage, Post
from scraper.parse.platforms.cues import Cue
from scraper.parse.sources import relabelled

log = logging.getLogger("blogarchive.parse")

# trafilatura's work grows with the page; beyond this the platform's answer stands.
MAX_PAGE_CHARS = 3_000_000


def _needs_help(page: ParsedPage) -> bool:
    post = page.post
    if not post.text.strip():
        # Whatever the page is, an empty article is the one answer that is surely wrong: old
        # themes mark neither the post's container nor a single-post body class.
        return True
    if not (page.is_post or page.comments or page.platform == "generic"):
        return False  # a platform's listing page: no single article to read
    return page.platform == "generic" or post.title is None


def fill_article(page: ParsedPage, html: str) -> ParsedPage:
    """`page` with its post's missing or weak fields taken from trafilatura, and notes saying so."""
    if not _needs_help(page) or len(html) > MAX_PAGE_CHARS:
        return page
    try:
        import trafilatura

        found = trafilatura.bare_extraction(
            html, include_comments=False, with_metadata=True, favor_recall=True
        )
    except Exception as error:  # its failure costs the fallback, never the page
        log.info("general extractor failed on %s: %s", page.url, error)
        return page
    if found is None:
        return page
    fields: dict[str, Any] = found if isinstance(found, dict) else found.as_dict()
    post, notes = page.post, list(page.notes)
    lines = str(fields.get("text") or "").splitlines()
    text = "\n\n".join(line.strip() for line in lines if line.strip())
    changes: dict[str, object] = {}
    generic = page.platform == "generic"  # our structural guess: theirs is better
    # A platform's own container wins whenever it gave any text: a short post is short.
    # Never a text that holds the comments we found: that is the page, not its article.
    flat = " ".join(text.split())
    holds_comments = any(
        " ".join(c.text.split())[:60] in flat for c in page.comments if len(c.text.strip()) >= 8
    )
    if text and not holds_comments and (generic or not post.text.strip()):
        changes["text"] = text
        changes["html"] = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n"))
    # Only the title: its author and date guesses were a commenter's name and a comment's date
    # on pages that show neither for the post, and a confident wrong value is worse than none.
    if post.title is None and fields.get("title"):
        changes["title"] = str(fields["title"])
    if not changes:
        return page
    named = ", ".join(sorted(changes.keys() - {"html"}))
    notes.append(f"post {named} from the general extractor")
    new_post: Post = replace(post, **changes)  # type: ignore[arg-type]
    new_post = relabelled(new_post, dict.fromkeys(changes.keys() - {"html"}, Cue.TRAFILATURA))
    return replace(page, post=new_post, notes=tuple(notes))
