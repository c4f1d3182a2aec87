"""A platform as data: its fingerprint and the few cues only it has, read by one engine.

A `Profile` names where a platform's documented markup keeps each field of a comment (class
tables, tried in order) and the few rules nothing else shares (Drupal's RDFa parent, the
`?thread=N` link of LJ code). `ProfileParser` reads any profile the same way: each field falls
back to the cue tables every platform shares (`platforms.cues`) when the platform's own cues
find nothing, and the filler (`parse.fill`) still runs after it for what stays empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from bs4 import NavigableString, Tag

from scraper.core.dates import from_epoch_ms
from scraper.core.models import Comment, CommentKind, ParsedPage
from scraper.parse.contain import guarded
from scraper.parse.htmltext import fragment_html, normalise_text, sanitise_html, without
from scraper.parse.platforms.article import PostHints, body_post, find_body
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import (
    blog_timezone,
    classes_of,
    comment_count_from_text,
    page_index,
    stable_comment_id,
    strip_chrome,
    thread,
)
from scraper.parse.platforms.cues import (
    CHROME_NAME,
    class_level,
    marks_owner,
    own_body,
    own_tags,
    time_in,
)
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.pieces import (
    attr,
    find_date_text,
    id_from_attr,
    looks_deleted,
    read_date,
    read_date_text,
    split_byline,
    text_of,
)
from scraper.parse.platforms.widgets import detect_widgets


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Marks in the page source: one of `platform` and, when given, one of `comments`."""

    platform: tuple[str, ...]
    comments: tuple[str, ...] = ()

    def matches(self, text: str) -> bool:
        """True when the page carries the platform's marks and its comment markup."""
        if not any(mark in text for mark in self.platform):
            return False
        return not self.comments or any(mark in text for mark in self.comments)


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

    name: str
    fingerprint: Fingerprint
    # The comment elements, in any order (the engine sorts them into document order).
    blocks: Callable[[PageIndex], Iterable[Tag]]
    author: tuple[str, ...] = ()  # classes of the commenter's name (or of its link)
    time: tuple[str, ...] = ()  # classes of the element holding the comment's date
    epoch_attribute: str | None = None  # an attribute holding the time in Unix seconds
    body: tuple[str, ...] = ()  # classes of the element holding what was said
    chrome: tuple[str, ...] = ()  # classes inside the body that are not words (toggles, links)
    byline: tuple[str, ...] = ()  # classes of a "Posted by: X | date" line
    permalink: tuple[str, ...] = ()  # classes of the permalink or of its wrapper
    trackback: tuple[str, ...] = ()  # block classes that mark a trackback
    owner: re.Pattern[str] | None = None  # block classes beyond the shared post-author ones
    deleted: re.Pattern[str] | None = None  # a removal notice beyond the shared ones
    # Whether a block with neither a name nor words is a removed comment (LJ code prints
    # removed and screened comments as empty shells).
    empty_means_deleted: bool = False
    # The comment's id when the element's own id does not carry it.
    comment_id: BlockRule | None = None
    # The parent, by the platform's own rule, before levels and reply wrappers are asked.
    parent: BlockRule | None = None
    # An indent in pixels per level, for themes that indent instead of nesting or classing.
    indent: re.Pattern[str] | None = None
    indent_step: int = 25
    # The class of a wrapper holding the replies to the comment just before it (Drupal).
    reply_wrapper: str | None = None
    # The post and the page around the comments.
    post_body: tuple[str, ...] = ()
    comment_area: tuple[str, ...] = ()  # ids or classes of the comments' container
    count_classes: tuple[str, ...] = ()  # the element saying "12 comments"
    post_hints: Callable[[PageIndex, tzinfo], PostHints] | None = None
    count: Callable[[PageIndex, Tag | None], int | None] | None = None
    more_comments: Callable[[Document, PageIndex], tuple[str, ...]] | None = None
    # Whether a page whose post body was not found is still a post page.
    post_without_body: bool = True


class ProfileParser:
    """The engine: detects and reads any platform `Profile`."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.name = profile.name

    def detect(self, doc: Document) -> bool:
        """True when the page carries the profile's fingerprint."""
        return self.profile.fingerprint.matches(doc.text)

    def parse(self, doc: Document) -> ParsedPage:
        """The post and the comments the profile's cues find, threaded."""
        profile = self.profile
        index = page_index(doc)
        zone = blog_timezone(index)
        blocks = sorted(set(profile.blocks(index)), key=index.position)
        others = {id(block) for block in blocks}
        state = Thread(open_by_depth=[], read_ids={})
        comments: list[Comment] = []
        for block in blocks:
            comment = guarded(_read, doc, profile, block, zone, others, state)
            if comment is not None:
                comments.append(comment)
                state.read_ids[id(block)] = comment.id
        areas = _areas(index, profile.comment_area)
        body = index.first_class(*profile.post_body) if profile.post_body else None
        hints = profile.post_hints(index, zone) if profile.post_hints else None
        post = body_post(doc, zone, hints=hints, body=body or find_body(doc), drop=areas)
        widgets = detect_widgets(doc)
        more = profile.more_comments(doc, index) if profile.more_comments else ()
        return ParsedPage(
            url=doc.url,
            platform=profile.name,
            post=post,
            comment_count_shown=_count(profile, index, areas[0] if areas else None),
            comments=thread(comments),
            more_comments=tuple(dict.fromkeys((*widgets.more_comments, *more))),
            is_post=body is not None or profile.post_without_body,
            notes=widgets.notes,
        )


def _areas(index: PageIndex, names: tuple[str, ...]) -> list[Tag]:
    """The comments' containers, cut out of the post body: per name, the element with that id
    (not an empty `<a id="comments">` anchor), else the first with that class."""
    found: list[Tag] = []
    for name in names:
        tag = index.by_id.get(name)
        if tag is None or not tag.get_text(strip=True):
            tag = index.first_class(name)
        if tag is not None and all(tag is not known for known in found):
            found.append(tag)
    return found


def _count(profile: Profile, index: PageIndex, area: Tag | None) -> int | None:
    if profile.count is not None:
        return profile.count(index, area)
    counter = index.first_class(*profile.count_classes) if profile.count_classes else None
    return comment_count_from_text(counter.get_text(" ")) if counter is not None else None


def _by_class(tags: list[Tag], names: tuple[str, ...]) -> Tag | None:
    """The first tag (document order) carrying the earliest class of `names` that any carries."""
    first: dict[str, Tag] = {}
    wanted = set(names)
    for tag in tags:
        for name in classes_of(tag):
            if name in wanted:
                first.setdefault(name, tag)
    return next((first[name] for name in names if name in first), None)


def _read(
    doc: Document,
    profile: Profile,
    block: Tag,
    zone: tzinfo,
    others: Container[int],
    state: Thread,
) -> Comment:
    own = list(own_tags(block, _Others(others, id(block))))
    kind: CommentKind = (
        "trackback" if set(profile.trackback) & set(classes_of(block)) else "comment"
    )
    body = _body(profile, own, block)
    byline = _by_class(own, profile.byline)
    author, link, card = _author(profile, own, byline, body if kind != "comment" else None)
    published, stamp = _published(profile, own, byline, zone)
    header = [tag for tag in (card, stamp, byline) if tag is not None]
    parts: list[Tag | NavigableString] = [body] if body is not None else _loose(block, header)
    text = strip_chrome(text_of(parts))
    comment_id = (
        id_from_attr(attr(block, "id"))
        or (profile.comment_id(block, state) if profile.comment_id else None)
        or stable_comment_id(doc.url, author, published, text)
    )
    permalink = _permalink(profile, own, comment_id, link)
    deleted = looks_deleted(text) or "deleted" in classes_of(block)
    if profile.deleted is not None:
        deleted = deleted or bool(profile.deleted.search(text))
    owner = marks_owner(block)
    if profile.owner is not None:
        owner = owner or any(profile.owner.search(name) for name in classes_of(block))
    return Comment(
        id=comment_id,
        parent_id=_parent(profile, block, comment_id, state),
        kind=kind,
        author=author,
        author_url=doc.absolute(attr(link, "href")) if link is not None else None,
        published=published,
        text=text,
        html=sanitise_html(body) if body is not None else fragment_html(parts),
        deleted=deleted or (profile.empty_means_deleted and author is None and not text),
        by_post_author=owner,
        permalink=doc.absolute(attr(permalink, "href")) if permalink is not None else None,
    )


def _loose(block: Tag, header: list[Tag]) -> list[Tag | NavigableString]:
    """A comment's words when no element holds them: its children that are not its header (the
    name, the date) and not its chrome (reply and permalink lists, avatars, buttons)."""
    holding = {id(node) for tag in header for node in (tag, *tag.parents)}
    return [
        child
        for child in block.children
        if type(child) is NavigableString
        or (
            isinstance(child, Tag)
            and id(child) not in holding
            and child.name not in ("script", "style", "form")
            and not CHROME_NAME.search(" ".join(classes_of(child)))
        )
    ]


@dataclass(frozen=True, slots=True)
class _Others:
    """Every comment element but the one being read (so its own tags are walked, not others')."""

    every: Container[int]
    own: int

    def __contains__(self, key: object) -> bool:
        return key != self.own and key in self.every


def _body(profile: Profile, own: list[Tag], block: Tag) -> Tag | None:
    """The platform's text element (its chrome left out), else the shared body cue."""
    body = _by_class(own, profile.body)
    if body is None:
        return own_body(block)
    chrome = [tag for tag in body.find_all(True) if set(classes_of(tag)) & set(profile.chrome)]
    return without(body, chrome) if chrome else body


def _author(
    profile: Profile, own: list[Tag], byline: Tag | None, cited_in: Tag | None
) -> tuple[str | None, Tag | None, Tag | None]:
    """The commenter's shown name, link and name element; for a trackback, the citing post's
    linked title."""
    if cited_in is not None:
        link = cited_in.find("a", href=True)
        if isinstance(link, Tag):
            return normalise_text(link.get_text(" ", strip=True)) or None, link, None
        return None, None, None
    card = _by_class(own, profile.author)
    if card is not None:
        name = normalise_text(card.get_text(" ", strip=True))
        return name or None, _name_link(card), card
    if byline is None:
        return None, None, None
    line = normalise_text(byline.get_text(" ", strip=True)).replace("\n", " ")
    shown, _date = split_byline(line.split("|")[0] if "|" in line else line)
    named = (a for a in byline.find_all("a") if shown and a.get_text(strip=True) == shown)
    return shown, next(named, None), None


def _name_link(card: Tag) -> Tag | None:
    """The link of a name element: itself, else its last link with words (LJ code puts an
    icon link to the profile before the link to the journal), else its first link."""
    if card.name == "a":
        return card
    links = [link for link in card.find_all("a", href=True) if isinstance(link, Tag)]
    worded = [link for link in links if link.get_text(strip=True)]
    if worded:
        return worded[-1]
    return links[0] if links else None


def _published(
    profile: Profile, own: list[Tag], byline: Tag | None, zone: tzinfo
) -> tuple[datetime | None, Tag | None]:
    """The time and its element: Unix seconds in the platform's attribute, its date element,
    its byline, then the shared cues."""
    if profile.epoch_attribute is not None:
        stamp = next((t for t in own if t.has_attr(profile.epoch_attribute)), None)
        seconds = attr(stamp, profile.epoch_attribute)
        if seconds and seconds.isdigit():
            return from_epoch_ms(int(seconds) * 1000), stamp
    stamp = _by_class(own, profile.time)
    if stamp is not None:
        moment = read_date(stamp, zone)
        if moment is not None:
            return moment, stamp
    if byline is not None:
        machine = byline.find(["abbr", "time"])
        moment = read_date(machine, zone) if isinstance(machine, Tag) else None
        if moment is not None:
            return moment, byline
        line = normalise_text(byline.get_text(" ", strip=True)).replace("\n", " ")
        shown = find_date_text(line)
        if shown is not None:
            return read_date_text(shown.group(0), zone), byline
    return time_in(own, zone)


def _permalink(
    profile: Profile, own: list[Tag], comment_id: str, author_link: Tag | None
) -> Tag | None:
    """The platform's permalink element, else a link of the comment's own that names its id."""
    marked = _by_class(own, profile.permalink)
    if marked is not None:
        link = marked if marked.name == "a" else marked.find("a", href=True)
        if isinstance(link, Tag):
            return link
    for tag in own:
        href = attr(tag, "href") if tag.name == "a" and tag is not author_link else None
        if href and _names_comment(href, comment_id):
            return tag
    return None


def _names_comment(href: str, comment_id: str) -> bool:
    """`…#comment-7`, `…#c7`, `/comment/7`, `?thread=7`: a link naming comment 7."""
    if "#" in href and id_from_attr(href.rsplit("#", 1)[1]) == comment_id:
        return True
    return re.search(rf"(?:/comment/|[?&]thread=){re.escape(comment_id)}\b", href) is not None


def _parent(profile: Profile, block: Tag, comment_id: str, state: Thread) -> str | None:
    """The platform's own rule, then a level class or indent, then a reply wrapper."""
    stated: str | None = profile.parent(block, state) if profile.parent else None
    depth = _depth(profile, block)
    if stated is None and depth:
        stated = state.open_by_depth[depth - 1] if len(state.open_by_depth) >= depth else None
    if depth is not None:
        del state.open_by_depth[depth:]
        state.open_by_depth.append(comment_id)
    if stated is None and profile.reply_wrapper is not None:
        stated = _wrapped_reply_parent(profile.reply_wrapper, block, state)
    return stated


def _depth(profile: Profile, block: Tag) -> int | None:
    """0-based depth from a level class, else from the indent the profile names."""
    level = class_level(block)
    if level is not None or profile.indent is None:
        return level
    for node in (block, *block.find_all(style=True, limit=2)):
        match = profile.indent.search(attr(node, "style") or "")
        if match:
            return int(match.group(1)) // profile.indent_step
    return None


def _wrapped_reply_parent(wrapper_class: str, block: Tag, state: Thread) -> str | None:
    """A block in a reply wrapper answers the comment element just before that wrapper."""
    wrapper = block.parent
    if not isinstance(wrapper, Tag) or wrapper_class not in classes_of(wrapper):
        return None
    previous = wrapper.find_previous_sibling(lambda tag: id(tag) in state.read_ids)
    return state.read_ids[id(previous)] if isinstance(previous, Tag) else None
