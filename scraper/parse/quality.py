"""The quality gate: how well a page's comments were read, and what was missing, as data.

Each comment (not a pingback, not removed) should yield an author, a time and a text that is
not its own header; the page's count, where it shows one, should match what was found. The
score is the share of those expectations met (1.0 when there are no comments to judge). Below
`QUALITY_BAR` the page says why in its notes, and thread completion asks the platform's comment
API or feed instead of taking the page's comments as the whole, right thread.
"""

from __future__ import annotations

from dataclasses import replace

from scraper.core.models import QUALITY_BAR, Comment, ParsedPage

__all__ = ["QUALITY_BAR", "assess"]


def _header_as_text(comment: Comment) -> bool:
    """The text is the comment's own header (its author's name, a date), not what was said."""
    text = " ".join(comment.text.split())
    author = " ".join((comment.author or "").split())
    return bool(text) and bool(author) and text.startswith(author) and len(text) < len(author) + 40


def assess(page: ParsedPage) -> ParsedPage:
    """`page` with its extraction score and, when it falls short, notes naming the gaps."""
    judged = [c for c in page.comments if c.kind == "comment" and not c.deleted]
    gaps = {
        "without an author": sum(not c.author for c in judged),
        "without a time": sum(c.published is None for c in judged),
        "without text": sum(not c.text.strip() for c in judged),
        "whose text is their header": sum(_header_as_text(c) for c in judged),
    }
    checks = 4 * len(judged)
    met = checks - sum(gaps.values())
    shown = page.comment_count_shown
    short = shown is not None and not page.more_comments and shown > len(page.comments)
    if short and shown:
        checks += shown
        met += len(page.comments)
    score = round(met / checks, 3) if checks else 1.0
    notes = [f"{n} of {len(judged)} comments {what}" for what, n in gaps.items() if n]
    if short:
        notes.append(f"the page shows {shown} comments, {len(page.comments)} were read")
    if score < QUALITY_BAR:
        notes.insert(0, f"weak extraction (score {score:.2f})")
    return replace(page, quality=score, notes=(*page.notes, *notes))
