"""Comment text without the header lines a parser took in with it ("Anna says:", "Posted on
May 3, 2012 at 9:15 am", "12. Bo Says:"): the author and time are fields of their own.

A leading line is a header when nothing is left of it once the commenter's name, a date or
time, a running number and the words themes put around them ("posted", "on", "at", "said",
"Reply") are taken out. Only the text is trimmed; the HTML fragment stays as the page had it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from scraper.core.models import Comment, ParsedPage
from scraper.parse.platforms.cues import SAYS_WORDS
from scraper.parse.platforms.pieces import find_date_text

# The words a comment header puts around the name and the date (the "says" verbs are the cue
# table's), in the common languages.
_HEADER_WORDS = re.compile(
    r"\b(?:posted|written|submitted|on|at|am|pm|um|le|el|il|op|den|by|von|par|por|de|say|"
    rf"{SAYS_WORDS}|reply|replied|antworten|répondre|responder|permalink|link|uhr|edit|quote)\b",
    re.IGNORECASE,
)
_TIME = re.compile(r"\b\d{1,2}[:.h]\d\d(?::\d\d)?\s*(?:[ap]\.?m\.?)?", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
# A line left over from a header whose name element was read apart: a running number ("12.")
# or the verb after the name ("says:").
_BARE_HEADER = re.compile(
    rf"(?=\S)(?:#?\d{{1,4}}[.):]?)?\s*(?:(?:{SAYS_WORDS})\s*:)?", re.IGNORECASE
)
_HEADER_LINES = 3  # a header is a line or three: name, date, "says"
_LINE_LENGTH = 160


def header_only(line: str, author: str | None) -> bool:
    """True when the line holds nothing but the commenter's name, a date and header words."""
    if len(line) > _LINE_LENGTH:
        return False
    named = author is not None and bool(author) and author in line
    rest = line.replace(author, " ") if author is not None and named else line
    date = find_date_text(rest)
    if date is not None:
        rest = rest[: date.start()] + " " + rest[date.end() :]
    if not named and date is None:
        # A header names the commenter or the date ("♥♥♥" alone is the comment), unless it is
        # what is left of one.
        return _BARE_HEADER.fullmatch(line.strip()) is not None
    rest = _HEADER_WORDS.sub(" ", _TIME.sub(" ", rest))
    return _LETTER.search(rest) is None


def trimmed(comment: Comment) -> Comment:
    """The comment with the header lines at the start of its text dropped (never all of it)."""
    lines = comment.text.split("\n")
    cut = 0
    while cut < min(_HEADER_LINES, len(lines)) and (
        not lines[cut].strip() or header_only(lines[cut], comment.author)
    ):
        cut += 1
    rest = "\n".join(lines[cut:]).strip()
    if cut == 0 or not rest:
        return comment
    return replace(comment, text=rest)


def trim_headers(page: ParsedPage) -> ParsedPage:
    """Every comment's text without its leading header lines."""
    comments = tuple(trimmed(comment) for comment in page.comments)
    if all(new is old for new, old in zip(comments, page.comments, strict=True)):
        return page
    return replace(page, comments=comments)
