"""One comment element read into a Comment: the profile's class tables first, shared cues after.

The rules here hold across platforms and themes, so every profile gets them: a `dt` header's
words are in the `dd` after it; `<time>` stamps come before class cues; a name element's words
leave out "says", avatars and dates; the text element is the innermost one named so, without
the header a theme put inside it; a reply list inside a comment or right after it holds its
replies; pingback and trackback classes (WordPress core's `comment_class()`, Six Apart's) give
the kind, and the citing post's link stands in for a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from datetime import datetime, tzinfo
from urllib.parse import urldefrag

from bs4 import NavigableString, Tag

from scraper.core.dates import from_epoch_ms
from scraper.core.models import Comment, CommentKind
from scraper.parse.htmltext import (
    normalise_text,
    sanitise_html,
    visible_text,
    without,
)
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import classes_of, stable_comment_id, strip_chrome
from scraper.parse.platforms.cues import (
    CHROME_NAME,
    DATE_NAME,
    OWNER_CLASSES,
    SAYS_SUFFIX,
    Cue,
    OtherComments,
    TimeFound,
    class_level,
    marks_owner,
    name_and_url,
    name_shaped,
    names_body,
    names_of,
    own_tags,
    timed_in,
)
from scraper.parse.platforms.pieces import (
    attr,
    find_date_text,
    id_from_attr,
    looks_deleted,
    read_date,
    read_date_text,
    split_byline,
)
from scraper.parse.platforms.profile import Profile, Thread
from scraper.parse.platforms.relative import is_relative

# The kind a comment's classes state (WordPress core's comment_class(), Six Apart's templates).
KIND_CLASSES: dict[str, CommentKind] = {"pingback": "pingback", "trackback": "trackback"}
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
# Class words of a comment's header, footer and actions in any theme (media-footer,
# comment-meta, comment-actions, reply, avatar): not part of what was said.
_META_WORD = re.compile(
    r"(?:^|[-_])(?:footer|header|heading|meta|metadata|reply|avatar|actions|says|vcard)(?:[-_]|$)"
)
# Classes that mark a comment (or its text) as removed: Blogger's `deleted-comment`, themes'.
DELETED_CLASSES = frozenset({"deleted", "deleted-comment", "comment-deleted"})
_REMOVAL_REACH = 20
# `#comment-7`, `#c7`, `#cmt7`: a link to one comment on the page.
_COMMENT_FRAGMENT = re.compile(r"#(?:comment|cmt|c)[-_]?\d+$", re.IGNORECASE)
# Separators a header prints between the name and what follows it.
_NAME_EDGES = " |·•-–—:"
# A header line, a name in it.
_HEADER_LENGTH = 160
# A removal notice is a line, not a comment that quotes one.
_NOTICE_LENGTH = 160
_META_CLASSES = frozenset(
    {"commentmetadata", "comment-reply-link", "edit-link", "comment-awaiting-moderation"}
)


def read_block(
    doc: Document,
    profile: Profile,
    block: Tag,
    zone: tzinfo,
    every: Container[int],
    state: Thread,
) -> Comment:
    """The comment `block` holds; `every` holds the `id()`s of all comment elements."""
    others = OtherComments(every, {id(block)})

    def reply_list(tag: Tag) -> bool:
        return profile.reply_list is not None and _dashed(profile.reply_list) in names_of(tag)

    own = list(own_tags(block, others, reply_list))
    # A `dt` header (name, date) says the rest in the `dd`s that follow it (Blogger's classic
    # template: the text's `dd`, then the footer's).
    for said in _descriptions(block):
        own += [said, *own_tags(said, others, reply_list)]
    wrappers = [block, *(tag for tag in own[:2] if tag.name in ("article", "div"))]
    labels = {name for tag in wrappers for name in names_of(tag)}
    kind: CommentKind = next((KIND_CLASSES[k] for k in KIND_CLASSES if k in labels), "comment")
    first = _first_by_class(own)  # one pass: every class table below is looked up in it
    byline = _by_class(first, profile.byline)
    if kind == "comment":
        author, link, card = _author(profile, block, own, first, byline)
    else:
        # A pingback's or trackback's name is the citing post's linked title.
        link = next((tag for tag in own if tag.name == "a" and attr(tag, "href")), None)
        author = normalise_text(link.get_text(" ", strip=True)) or None if link else None
        card = None
    published, stamp, time_cue = _published(profile, own, first, byline, zone)
    if published is None or author is None:
        # Old themes print the header as the comment element's own words, in no element of
        # its own: "Heather on October 23rd, 2012 1:37 pm".
        named, dated = _own_header(block, zone)
        if published is None and dated is not None:
            published, time_cue = dated, Cue.DATE_LINE
        if author is None and kind == "comment":
            author = named
    header = [tag for tag in (card, stamp, byline) if tag is not None]
    said, whole = _said(profile, own, block, header)
    if whole:
        header = [_header_line(tag, said) for tag in header]
    skip = _left_out(profile, header, others, whole)
    text = visible_text(said, skip=skip)
    if whole:
        # Words and action links share the element: "Reply" lines are the links' words. In a
        # text element of its own, a "Reply" is the commenter's (its links were left out above).
        text = strip_chrome(text)
    comment_id = (
        (profile.comment_id(block, state) if profile.comment_id else None)
        or id_from_attr(attr(block, "id"))
        or stable_comment_id(doc.url, author, published, text)
    )
    author_url = attr(link, "href")
    if author_url and _names_comment(author_url, comment_id):
        author_url = None  # the name links to the comment itself, not to the commenter
    if author is not None:
        author, shown_url = name_and_url(author)
        author_url = author_url or shown_url
    removal = [block, said, *said.find_all(True, limit=_REMOVAL_REACH)]
    deleted = looks_deleted(text) or any(DELETED_CLASSES & set(names_of(t)) for t in removal)
    if profile.deleted is not None and len(text) < _NOTICE_LENGTH:
        deleted = deleted or bool(profile.deleted.search(text))
    # The post-author class on the comment, its wrapper, or a badge in its header (Blogger's
    # `span.blog-author` icon beside the name), never inside what was said.
    badge = any(
        OWNER_CLASSES & set(names_of(tag)) and not any(p is said for p in tag.parents)
        for tag in own
        if tag is not said
    )
    owner = bool(OWNER_CLASSES & labels) or badge or marks_owner(block)
    if profile.owner is not None:
        owner = owner or any(profile.owner.search(name) for name in classes_of(block))
    return Comment(
        id=comment_id,
        parent_id=_parent(profile, block, comment_id, state),
        kind=kind,
        author=author or None,
        author_url=doc.absolute(author_url),
        published=published,
        text=text,
        html=_html(said, skip),
        deleted=deleted or (profile.empty_means_deleted and not author and not text),
        by_post_author=owner,
        permalink=_permalink(doc, profile, own, first, comment_id),
        # The platform's name labels the rest (`parse.sources`); a shared cue names itself.
        sources=(("published", str(time_cue)),) if time_cue and published else (),
    )


def _first_by_class(tags: list[Tag]) -> dict[str, Tag]:
    """The first tag (document order) carrying each class name (as `names_of` spells it)."""
    first: dict[str, Tag] = {}
    for tag in tags:
        for name in names_of(tag):
            first.setdefault(name, tag)
    return first


def _by_class(first: dict[str, Tag], names: tuple[str, ...]) -> Tag | None:
    """The first tag carrying the earliest class of the table `names` that any tag carries."""
    return next((first[key] for key in map(_dashed, names) if key in first), None)


def _dashed(name: str) -> str:
    """A class name as `names_of` gives it: themes write comment_author and comment-author."""
    return name.replace("_", "-")


def is_meta(tag: Tag) -> bool:
    """A comment's header, footer, date, avatar or action links: not part of what was said."""
    if tag.name in ("footer", "header", *_HEADINGS):
        return True
    return any(name in _META_CLASSES or _META_WORD.search(name) for name in names_of(tag))


def _own_header(block: Tag, zone: tzinfo) -> tuple[str | None, datetime | None]:
    """(name, time) from the words directly inside the comment element, when they are a short
    line holding a date; the name is what stands before the date ("Ann on <date>")."""
    line = " ".join(
        " ".join(str(child).split()) for child in block.children if type(child) is NavigableString
    ).strip()
    if not 6 <= len(line) < _HEADER_LENGTH:
        return None, None
    shown = find_date_text(line)
    moment = read_date_text(shown.group(0), zone) if shown else None
    if moment is None:
        return None, None
    name, _date = split_byline(line)
    if name is not None and not name_shaped(name):
        name = None
    return name, moment


def _name_in(node: Tag) -> str:
    """A name element's own words: without "says", avatars, dates, reply links or other meta
    nested in it (themes put the date and the reply link inside `.comment-author`)."""

    def skip(tag: Tag) -> bool:
        if tag is node:
            return False
        dated = DATE_NAME.search(" ".join(classes_of(tag))) is not None
        # A link to a comment's anchor beside the name is its permalink ("| Posted at 12:45pm").
        permalink = tag.name == "a" and _COMMENT_FRAGMENT.search(attr(tag, "href") or "")
        return tag.name in ("img", "small", "time") or dated or bool(permalink) or is_meta(tag)

    name = SAYS_SUFFIX.sub("", " ".join(visible_text(node, skip=skip).split())).strip()
    return name.strip(_NAME_EDGES)


def _author(
    profile: Profile, block: Tag, own: list[Tag], first: dict[str, Tag], byline: Tag | None
) -> tuple[str | None, Tag | None, Tag | None]:
    """The commenter's shown name, link and name element: the first of the profile's name
    classes (in table order), then of its name tags, that has words; else the name in a
    "Posted by: X | date" byline."""
    candidates = [first[name] for name in map(_dashed, profile.author) if name in first]
    if block.name == "dt" and set(map(_dashed, profile.author)) & set(names_of(block)):
        candidates.insert(0, block)  # the header element is the name (`dt.comment-author`)
    for tag_name in profile.name_tags:
        candidates += [tag for tag in own if tag.name == tag_name]
    for card in candidates:
        name = _name_in(card)
        if name:
            return name, _name_link(card), card
    if byline is None:
        return None, None, None
    line = normalise_text(byline.get_text(" ", strip=True)).replace("\n", " ")
    shown, _date = split_byline(line.split("|")[0] if "|" in line else line)
    named = (a for a in byline.find_all("a") if shown and a.get_text(strip=True) == shown)
    return shown, next(named, None), None


def _name_link(card: Tag) -> Tag | None:
    """The link of a name element: itself, else its first link with words (LJ code puts an
    icon link to the profile before the link to the journal), else its first link."""
    if card.name == "a":
        return card
    links = [link for link in card.find_all("a", href=True) if isinstance(link, Tag)]
    worded = [link for link in links if link.get_text(strip=True)]
    return (worded or links)[0] if links else None


def _published(
    profile: Profile, own: list[Tag], first: dict[str, Tag], byline: Tag | None, zone: tzinfo
) -> TimeFound:
    """The time, its element and the shared cue that read it (None for the platform's own):
    Unix seconds in the platform's attribute, a `<time>` stamp, the platform's date element,
    its byline, then the shared date cues."""
    if profile.time_rule is not None:
        for tag in own:
            moment = profile.time_rule(tag, zone)
            if moment is not None:
                return moment, tag, None
    if profile.epoch_attribute is not None:
        stamp = next((t for t in own if t.has_attr(profile.epoch_attribute)), None)
        seconds = attr(stamp, profile.epoch_attribute)
        if seconds and seconds.isdigit():
            return from_epoch_ms(int(seconds) * 1000), stamp, None
    machine = [tag for tag in own if tag.name == "time"]
    moment, node, cue = timed_in(machine, zone) if machine else (None, None, None)
    if moment is not None and not is_relative(moment):
        return moment, node, cue  # a relative "1 week ago" waits for an exact time elsewhere
    stamp = _by_class(first, profile.time)
    if stamp is not None:
        moment = read_date(stamp, zone)
        if moment is not None:
            return moment, stamp, None
    if byline is not None:
        line = normalise_text(byline.get_text(" ", strip=True)).replace("\n", " ")
        inner = byline.find(["abbr", "time"])
        moment = read_date(inner, zone) if isinstance(inner, Tag) else None
        if moment is None and (shown := find_date_text(line)) is not None:
            moment = read_date_text(shown.group(0), zone)
        if moment is not None:
            return moment, byline, None
    return timed_in(own, zone)


def _said(profile: Profile, own: list[Tag], block: Tag, header: list[Tag]) -> tuple[Tag, bool]:
    """The element holding the words, and whether it holds more than them (then its headers,
    footers and actions are left out too): the innermost element named by the profile's text
    classes, else the shared text cue, else the `dd` of a `dt` header, else the block."""
    wanted = set(map(_dashed, profile.body))
    found = [tag for tag in own if wanted & set(names_of(tag))]
    chosen: Tag | None = None
    if found:
        # Themes wrap the header and the text in `.comment-content` and repeat it around the
        # text: the one inside wins.
        chosen = found[0]
        for tag in found[1:]:
            if any(parent is chosen for parent in tag.parents):
                chosen = tag
    else:
        chosen = next((tag for tag in own if names_body(tag)), None)
    if chosen is not None:
        # A wrapper of the whole comment named like its text (`div.comment-body` of old themes).
        return chosen, any(chosen in tag.parents for tag in header)
    descriptions = _descriptions(block)
    return (descriptions[0] if descriptions else block), True


def _descriptions(block: Tag) -> list[Tag]:
    """The `dd`s right after a `dt` block, up to the next `dt`."""
    found: list[Tag] = []
    if block.name != "dt":
        return found
    for sibling in block.find_next_siblings(limit=4):
        if not isinstance(sibling, Tag) or sibling.name != "dd":
            break
        found.append(sibling)
    return found


# What a header line may hold beside the name and the date: "on", "says:", "(#)", " | ".
_JOINER_CHARS = 24


def _header_line(cue: Tag, said: Tag) -> Tag:
    """The largest element around a name or date element, inside `said`, that holds little else
    ("on <a>March 3, 2008 at 5:43 pm</a>", "<cite>Ann</cite> says:"): the comment's header line."""
    line = cue
    cue_length = len(cue.get_text(" ", strip=True))
    for parent in cue.parents:
        if parent is said or not isinstance(parent, Tag):
            break
        if len(parent.get_text(" ", strip=True)) - cue_length > _JOINER_CHARS:
            break
        line = parent
    return line


def _left_out(
    profile: Profile, header: list[Tag], others: Container[int], whole: bool
) -> Callable[[Tag], bool]:
    """What is not part of what was said: the header the name and date were read from, action
    and chrome-named elements, replies; in an element holding the whole comment, every header,
    footer and meta element too."""
    read_from = {id(tag) for tag in header}
    chrome = set(profile.chrome)

    def skip(tag: Tag) -> bool:
        return (
            id(tag) in read_from
            or id(tag) in others
            or bool(chrome & set(classes_of(tag)))
            or (profile.reply_list is not None and _dashed(profile.reply_list) in names_of(tag))
            or CHROME_NAME.search(" ".join(classes_of(tag))) is not None
            or (whole and is_meta(tag))
        )

    return skip


def _html(said: Tag, skip: Callable[[Tag], bool]) -> str:
    dropped = [tag for tag in said.find_all(True) if isinstance(tag, Tag) and skip(tag)]
    return sanitise_html(without(said, dropped) if dropped else said)


def _permalink(
    doc: Document, profile: Profile, own: list[Tag], first: dict[str, Tag], comment_id: str
) -> str | None:
    """The platform's permalink element, a link of the comment's own that names its id, else
    the anchor the platform documents on this page."""
    marked = _by_class(first, profile.permalink)
    if marked is not None:
        found = marked if marked.name == "a" else marked.find("a", href=True)
        if isinstance(found, Tag) and attr(found, "href"):
            return doc.absolute(attr(found, "href"))
    for tag in own:
        href = attr(tag, "href") if tag.name == "a" else None
        if href and _names_comment(href, comment_id):
            return doc.absolute(href)
    if profile.anchor is not None and doc.url:
        return doc.absolute(f"{urldefrag(doc.url)[0]}#{profile.anchor.format(id=comment_id)}")
    return None


def _names_comment(href: str, comment_id: str) -> bool:
    """`…#comment-7`, `…#c7`, `/comment/7`, `?thread=7`: a link naming comment 7."""
    if "#" in href and id_from_attr(href.rsplit("#", 1)[1]) == comment_id:
        return True
    return re.search(rf"(?:/comment/|[?&]thread=){re.escape(comment_id)}\b", href) is not None


def _parent(profile: Profile, block: Tag, comment_id: str, state: Thread) -> str | None:
    """The platform's own rule; then the comment the block sits in, or whose reply list holds
    it; then a level class or indent."""
    stated = profile.parent(block, state) if profile.parent else None
    if stated is None:
        stated = _enclosing(profile, block, state)
    depth = _depth(profile, block)
    if stated is None and depth:
        stated = state.open_by_depth[depth - 1] if len(state.open_by_depth) >= depth else None
    if depth is not None:
        del state.open_by_depth[depth:]
        state.open_by_depth.append(comment_id)
    return stated


def _enclosing(profile: Profile, block: Tag, state: Thread) -> str | None:
    """The comment element around `block`, or the one right before the reply list around it
    (themes that close a comment before its replies; Drupal's `div.indented`)."""
    for ancestor in block.parents:
        if id(ancestor) in state.read_ids:
            return state.read_ids[id(ancestor)]
        if ancestor.name == "dd":
            # A `dd` is the rest of the `dt` comment before it: replies in it answer that one.
            header = ancestor.find_previous_sibling()
            if isinstance(header, Tag) and id(header) in state.read_ids:
                return state.read_ids[id(header)]
        if profile.reply_list is not None and _dashed(profile.reply_list) in names_of(ancestor):
            previous = ancestor.find_previous_sibling(lambda tag: id(tag) in state.read_ids)
            if isinstance(previous, Tag):
                return state.read_ids[id(previous)]
    return None


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
