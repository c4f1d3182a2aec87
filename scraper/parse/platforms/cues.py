"""Ordered cue tables for a comment's fields, shared by every platform parser and the heuristic.

A platform module keeps only the cues its own markup documents (Blogger's `showComment` epoch,
WordPress's `li#comment-N`); everything that holds across platforms and themes lives here, as
data, in the order it is tried. Each table says where its entries come from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum

from bs4 import NavigableString, Tag

from scraper.parse.platforms.common import classes_of
from scraper.parse.platforms.pieces import read_date
from scraper.parse.platforms.relative import is_relative


class Cue(StrEnum):
    """The labels of the shared cues, as `sources` (parse --json) and `field_sources` (the
    archive) name them: which rule read a value that the platform's own markup did not give."""

    # A comment's or post's time.
    TIME_ELEMENT = "shared:time-element"  # a <time> (or <abbr>) element
    DATE_CLASS = "shared:date-class"  # an element whose class says date/time/posted…
    DATE_LINE = "shared:date-line"  # a short line of its own that holds a date
    # A comment's author (and the link that comes with it).
    CITE = "shared:cite"  # a <cite> element
    COMMENTER_LINK = "shared:commenter-link"  # a platform core's link to the commenter
    AUTHOR_CLASS = "shared:author-class"  # an element whose class says author/user/name…
    DATE_BYLINE = "shared:date-byline"  # "by X on <date>": the name read from the date line
    # A post's title, author and date.
    META_TAG = "shared:meta-tag"  # <meta> og:title, author, article:published_time…
    JSON_LD = "shared:json-ld"  # the page's JSON-LD Article
    MICRODATA = "shared:microdata"  # schema.org itemprop author / datePublished
    TITLE_HEADING = "shared:title-heading"  # a heading the <title> repeats
    PAGE_TITLE = "shared:page-title"  # the <title> itself
    BYLINE_CLASS = "shared:byline-class"  # byline markup near the article (itemprop, classes)
    HEADLINE_DATE = "shared:headline-date"  # a date written just around the headline
    # The post's text (and a missing title) from the general article extractor.
    TRAFILATURA = "trafilatura"


# Classes a platform puts on a comment written by the post's author. WordPress core
# (`comment_class()`: bypostauthor), Drupal (comment-by-node-author, by-node-author), Blogger
# (blog-author), TypePad/Movable Type (comment-by-author, author-comment, byauthor), and
# theme spellings of the same idea seen across WordPress themes.
OWNER_CLASSES = frozenset(
    {
        "bypostauthor",
        "by-post-author",
        "comment-by-node-author",
        "by-node-author",
        "blog-author",
        "post-author-comment",
        "comment-author-admin",
        "comment-by-author",
        "author-comment",
        "byauthor",
        "by-author",
        "is-author",
        "comment-author-owner",
    }
)

# The verb a theme prints after the commenter's name ("Anna says:", "Anna schrieb:", Blogger's
# "Anonymous said..."), in the languages of WordPress's and Blogger's translations; stripped
# from names.
SAYS_WORDS = (
    r"says|said|sagt|sagte|schrieb|schreibt|wrote|writes|dit|a dit|a écrit|écrit|dice|dijo|diz|"
    r"disse|zegt|schreef|zei|ha detto|napisał|napisała|skrev|sanoi|написал|написала|"
    r"mengatakan|berkata|dedi|說|说|のコメント|قال|nói"
)
SAYS_SUFFIX = re.compile(rf"\s*(?:{SAYS_WORDS})\s*(?:\.\.\.|…|:)?\s*$", re.IGNORECASE)

# Words in class or id names, by the field they mark (one token list per field; order matters
# only in that date is tested before author, since "post-date-author" is a date line).
AUTHOR_NAME = re.compile(r"author|user|poster|nick|commenter|\bfn\b|\bname\b|\bby\b", re.I)
DATE_NAME = re.compile(r"date|time|meta|published|posted|when|stamp|ago|submitted", re.I)
BODY_NAME = re.compile(r"content|body|text|message|entry", re.I)
CHROME_NAME = re.compile(
    r"reply|action|avatar|vote|share|like|report|edit|links|footer|tools|button", re.I
)

# A comment's nesting level in a class: WordPress `depth-N`, LiveJournal `b-tree-twig-N` and
# `…--level-N`, Dreamwidth `comment-depth-N`, forum themes `level-N`. All count from 1.
LEVEL_CLASS = re.compile(r"(?:^|[-_])(?:depth|level|twig)[-_]*(\d{1,2})$", re.IGNORECASE)

# The element holding what was said, by its last class word (BEM `comment__body`,
# `comment-content`, `comment_text`, `message`).
BODY_CLASS_END = re.compile(r"(?:^|[-_]|comment)(?:body|content|text|message)$", re.IGNORECASE)


# A leaf's text under more single-child wrappers than this is no date line or name.
_WRAPPERS = 50


def single_string(tag: Tag) -> str | None:
    """bs4's `tag.string` (the one string of a chain of single-child elements), without its
    recursion: a deep unclosed nest (`<font>` x 1000) made that a RecursionError."""
    node = tag
    for _ in range(_WRAPPERS):
        if len(node.contents) != 1:
            return None
        child = node.contents[0]
        if isinstance(child, NavigableString):
            return str(child)
        if not isinstance(child, Tag):
            return None
        node = child
    return None


def is_commenter_link(tag: Tag) -> bool:
    """A platform core's link to a commenter, which themes print as it is: WordPress's to the
    commenter's site (`get_comment_author_link`: `<a rel="external nofollow ugc" class="url">`),
    Drupal's to the user's profile (`theme_username`: `title="View user profile."`,
    `class="username"`)."""
    if tag.name != "a":
        return False
    classes = tag.get("class") or []
    if "external" in (tag.get("rel") or []) and "url" in classes:
        return True
    return "username" in classes or tag.get("title") == "View user profile."


# A name, not a sentence: a cue that caught a line of the comment itself reads as one.
_SENTENCE = re.compile(r"[.!?]\s+\S")
_NAME_WORDS = 8
_NAME_LENGTH = 60


def name_shaped(name: str) -> bool:
    """Whether words read as a commenter's name: short, a few words, no sentence in them."""
    return (
        0 < len(name) <= _NAME_LENGTH
        and len(name.split()) <= _NAME_WORDS
        and not _SENTENCE.search(name)
    )


def names_of(tag: Tag) -> list[str]:
    """A tag's class names with `_` read as `-`: themes write comment_author and comment-author."""
    return [name.replace("_", "-") for name in classes_of(tag)]


@dataclass(frozen=True, slots=True)
class OtherComments:
    """The `id()`s of every comment element but one comment's own (its element, or the several
    a platform gives one comment): what `own_tags` must not enter, in O(1) per question."""

    every: Container[int]
    own: Container[int]

    def __contains__(self, key: object) -> bool:
        return key in self.every and key not in self.own


def own_tags(
    item: Tag, others: Container[int], stop: Callable[[Tag], bool] | None = None
) -> Iterator[Tag]:
    """The tags of one comment's item, not descending into other comments' items (`others`
    holds their `id()`s) or into tags `stop` names (a theme's reply lists)."""
    stack = [child for child in reversed(item.contents) if isinstance(child, Tag)]
    while stack:
        node = stack.pop()
        if id(node) in others or (stop is not None and stop(node)):
            continue
        yield node
        stack.extend(child for child in reversed(node.contents) if isinstance(child, Tag))


# The same idea as a BEM-style modifier on the comment's header ("comment__head_topic-author",
# "comment-header--post-author", "is-topic-starter"): topic/post/thread + author/owner/starter.
OWNER_MODIFIER = re.compile(
    r"(?:^|[-_])(?:topic|post|thread)[-_]?(?:author|owner|starter)$", re.IGNORECASE
)
# The header comes first in a comment; nested replies come after its text.
_HEADER_REACH = 8


def marks_owner(block: Tag) -> bool:
    """The block or the wrapper right around it carries a post-author class, or the first
    elements of the block (its header) carry a post-author modifier."""
    names = set(names_of(block))
    if isinstance(block.parent, Tag):
        names.update(names_of(block.parent))
    if names & OWNER_CLASSES:
        return True
    header = block.find_all(True, limit=_HEADER_REACH)
    return any(OWNER_MODIFIER.search(name) for tag in header for name in names_of(tag))


def class_level(block: Tag, wrappers: int = 2) -> int | None:
    """0-based depth from a level class on the block or its nearest wrappers, else None."""
    node: Tag | None = block
    for _ in range(wrappers + 1):
        if node is None or node.name in ("body", "html"):
            break
        for name in classes_of(node):
            match = LEVEL_CLASS.search(name)
            if match:
                return max(int(match.group(1)) - 1, 0)
        node = node.parent if isinstance(node.parent, Tag) else None
    return None


def time_in(tags: list[Tag], zone: tzinfo) -> tuple[datetime | None, Tag | None]:
    """A comment's time and the element it was read from: a `time`/`abbr` element first, then
    elements named like a date, then a short line holding a date, each in document order."""
    moment, node, _cue = timed_in(tags, zone)
    return moment, node


TimeFound = tuple[datetime | None, Tag | None, Cue | None]


def timed_in(tags: list[Tag], zone: tzinfo) -> TimeFound:
    """`time_in`, with the cue whose rule read the time (for a value's `sources`)."""
    named: list[Tag] = []
    # A relative time ("1 week ago") is kept only when no exact one turns up: pages often show
    # both, the exact one as the permalink's text or a later element.
    relative: TimeFound = (None, None, None)
    for node in tags:
        if node.name in ("time", "abbr"):
            moment = read_date(node, zone)
            if moment is not None:
                if not is_relative(moment) and not _says_edited(node):
                    return moment, node, Cue.TIME_ELEMENT
                if relative[0] is None:
                    relative = (moment, node, Cue.TIME_ELEMENT)
        elif DATE_NAME.search(" ".join(classes_of(node))):
            named.append(node)
    for node in named:
        if len(node.get_text()) < 200:
            moment = read_date(node, zone)
            if moment is not None:
                if not is_relative(moment):
                    return moment, node, Cue.DATE_CLASS
                if relative[0] is None:
                    relative = (moment, node, Cue.DATE_CLASS)
    for node in tags:
        # No date cue at all: a short line of its own that holds a date ("on July 23, 2012").
        line = single_string(node)
        if line is not None and len(line) < 80 and node.name not in ("p", "blockquote", "li"):
            moment = read_date(node, zone)
            if moment is not None and not is_relative(moment) and not _says_edited(node):
                return moment, node, Cue.DATE_LINE
    return relative


# A time the page labels as the last edit ("Edited: April 12 2018", class `…--editedtime`): the
# comment was written earlier, so it is the fallback, not the answer.
EDITED_TIME = re.compile(
    r"edit|bearbeit|geändert|modifi|изменен|отредакт|redigera|zmieni|aggiornat", re.IGNORECASE
)


def _says_edited(node: Tag) -> bool:
    label = " ".join(classes_of(node)) + " " + node.get_text(" ", strip=True)[:20]
    return EDITED_TIME.search(label) is not None


# A commenter's link printed as text before the name (Disqus's server-rendered fallback:
# `<cite>http://twitter.com/x <span>Name</span></cite>`).
_LEADING_URL = re.compile(r"^(https?://\S+)\s+(?=\S)")


def name_and_url(text: str) -> tuple[str, str | None]:
    """A shown name without a leading URL, and that URL (None when there was none)."""
    match = _LEADING_URL.match(text)
    if match is None:
        return text, None
    return text[match.end() :], match.group(1)


# ExpressionEngine's email encoding (`{encode=...}`, on by default for commenters' names): a
# script writes `<a href="mailto:…">Name</a>` from an array of pieces in reverse order, each
# either literal text or " NNN" for the character with that code.
_ENCODED_PIECE = re.compile(r"l\[(\d+)\]\s*=\s*'((?:[^'\\]|\\.)*)'")
_TAGS = re.compile(r"<[^>]*>")


def script_written_name(tag: Tag) -> str | None:
    """The text a name element's encoding script would write (ExpressionEngine), else None."""
    script = tag.find("script")
    if not isinstance(script, Tag):
        return None
    pieces = {int(n): value for n, value in _ENCODED_PIECE.findall(script.get_text())}
    if not pieces or len(pieces) > 2000:
        return None
    written = "".join(
        chr(int(value[1:])) if value.startswith(" ") and value[1:].isdigit() else value
        for _, value in sorted(pieces.items(), reverse=True)
    )
    name = " ".join(_TAGS.sub(" ", written.replace("\\", "")).split())
    return name or None


# Page furniture that quotes comments without being the thread: "Recent comments" widgets,
# sidebars of other posts' discussions, forum-activity boxes.
ASIDE_NAME = re.compile(r"sidebar|widget|recent|latest|popular", re.IGNORECASE)


def in_aside(tag: Tag) -> bool:
    """Whether `tag` sits in a sidebar, widget, navigation, footer or form."""
    for parent in tag.parents:
        if parent.name in ("body", "html", "[document]"):
            break  # `body.sidebars`, `body.has-sidebar` describe the layout, not this element
        if parent.name in ("aside", "nav", "footer", "form"):
            return True
        names = " ".join(classes_of(parent)) + " " + str(parent.get("id") or "")
        if ASIDE_NAME.search(names):
            return True
    return False


def names_body(tag: Tag) -> bool:
    """Whether a class of `tag` ends in body/content/text/message and its other words do not
    say date or author."""
    for name in classes_of(tag):
        named = BODY_CLASS_END.search(name) and not DATE_NAME.search(name)
        if named and not AUTHOR_NAME.search(BODY_CLASS_END.sub("", name)):
            return True
    return False


def own_body(block: Tag) -> Tag | None:
    """The first element inside `block` named like what was said (see `names_body`)."""
    for node in block.find_all(True, limit=400):
        if isinstance(node, Tag) and names_body(node):
            return node
    return None
