"""A platform as data: its fingerprint and the few cues only it has (read by `platforms.engine`).

A `Profile` names where a platform's documented markup keeps each field of a comment (class
tables, tried in order) and the few rules nothing else shares (Drupal's RDFa parent, the
`?thread=N` link of LJ code, wpDiscuz's parent in the element id). Everything that holds across
platforms (nesting, reply lists after a comment, level classes, `dt`/`dd` pairs, `<time>`
stamps, headers inside the text element, pingback classes) is the engine's, for every profile.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from bs4 import Tag

from scraper.core.models import Post
from scraper.parse.platforms.article import PostHints
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.pageindex import PageIndex


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Marks in the page source: one of `platform` and, when given, one of `comments`; or, for
    a platform whose marks need the parsed page, a rule over the document."""

    platform: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()
    rule: Callable[[Document], bool] | None = None

    def matches(self, doc: Document) -> bool:
        """True when the page carries the platform's marks and its comment markup."""
        if self.rule is not None:
            return self.rule(doc)
        if not any(mark in doc.text for mark in self.platform):
            return False
        return not self.comments or any(mark in doc.text for mark in self.comments)


@dataclass(frozen=True, slots=True)
class Thread:
    """What is known about the comments read so far, for rules that look back."""

    # The id of the last comment seen at each depth (for level classes and indents).
    open_by_depth: list[str]
    # The ids of the comment elements read so far, by the element's `id()`.
    read_ids: dict[int, str]


# A rule only one platform has: (comment element, thread so far) -> a value or None.
BlockRule = Callable[[Tag, Thread], str | None]


@dataclass(frozen=True, slots=True)
class Profile:
    """One platform's markup, as data. Class tables are tried in order; the shared cues follow."""

    name: str  # the registry's name (a config's `platform`)
    fingerprint: Fingerprint
    # The comment elements, in any order (the engine sorts them into document order).
    blocks: Callable[[PageIndex], Iterable[Tag]]
    author: tuple[str, ...] = ()  # classes of the commenter's name (or of its link)
    name_tags: tuple[str, ...] = ()  # elements that hold the name when no class says so
    time: tuple[str, ...] = ()  # classes of the element holding the comment's date
    epoch_attribute: str | None = None  # an attribute holding the time in Unix seconds
    # The platform's own reading of the time, tried first (Blogger's `showComment` epoch).
    time_rule: Callable[[Tag, tzinfo], datetime | None] | None = None
    # The blog's zone where the platform states it its own way (else the shared reading).
    zone: Callable[[PageIndex], tzinfo] | None = None
    body: tuple[str, ...] = ()  # classes of the element holding what was said
    chrome: tuple[str, ...] = ()  # classes inside the body that are not words (toggles, links)
    byline: tuple[str, ...] = ()  # classes of a "Posted by: X | date" line
    permalink: tuple[str, ...] = ()  # classes of the permalink or of its wrapper
    # The anchor the platform documents for a comment ("comment-{id}"), when no link names it.
    anchor: str | None = None
    owner: re.Pattern[str] | None = None  # block classes beyond the shared post-author ones
    deleted: re.Pattern[str] | None = None  # a removal notice beyond the shared ones
    # Whether a block with neither a name nor words is a removed comment (LJ code prints
    # removed and screened comments as empty shells).
    empty_means_deleted: bool = False
    # The comment's id, by the platform's rule; else the digits of the element's own id.
    comment_id: BlockRule | None = None
    # The parent, by the platform's own rule, before nesting, levels and reply lists.
    parent: BlockRule | None = None
    # An indent in pixels per level, for themes that indent instead of nesting or classing.
    indent: re.Pattern[str] | None = None
    indent_step: int = 25
    # The class of the list holding a comment's replies, inside it or right after it.
    reply_list: str | None = None
    # The post and the page around the comments.
    post_body: tuple[str, ...] = ()
    comment_area: tuple[str, ...] = ()  # ids or classes of the comments' container
    count_classes: tuple[str, ...] = ()  # the element saying "12 comments"
    post_hints: Callable[[PageIndex, tzinfo], PostHints] | None = None
    # The platform's own reading of the post, instead of the shared one with `post_hints`.
    post: Callable[[Document, PageIndex, tzinfo], Post] | None = None
    count: Callable[[PageIndex, Tag | None], int | None] | None = None
    # Where the comments the page does not show are, given how many it showed.
    more_comments: Callable[[Document, PageIndex, int], tuple[str, ...]] | None = None
    # Whether the page is a post's page besides when its post body or comments were found.
    is_post: Callable[[Document, PageIndex], bool] | None = None
    # The platform name pages report when it is not `name` (a template generation of one).
    reports_as: str | None = None
