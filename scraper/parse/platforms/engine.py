"""The one engine every platform profile runs on: blocks in document order, read, threaded."""

from __future__ import annotations

from bs4 import Tag

from scraper.core.models import Comment, ParsedPage
from scraper.parse.contain import guarded
from scraper.parse.platforms.article import body_post, find_body
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.blockread import read_block
from scraper.parse.platforms.common import (
    blog_timezone,
    comment_count_from_text,
    page_index,
    thread,
)
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.profile import Profile, Thread


class ProfileParser:
    """Detects and reads any platform `Profile` (a `PlatformParser`)."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.name = profile.name

    def detect(self, doc: Document) -> bool:
        """True when the page carries the profile's fingerprint."""
        return self.profile.fingerprint.matches(doc)

    def parse(self, doc: Document) -> ParsedPage:
        """The post and the comments the profile's cues find, threaded."""
        profile = self.profile
        index = page_index(doc)
        zone = profile.zone(index) if profile.zone else blog_timezone(index)
        blocks = _unique(sorted(profile.blocks(index), key=index.position))
        every = {id(block) for block in blocks}
        state = Thread(open_by_depth=[], read_ids={})
        comments: list[Comment] = []
        for block in blocks:
            comment = guarded(read_block, doc, profile, block, zone, every, state)
            if comment is not None:
                comments.append(comment)
                state.read_ids[id(block)] = comment.id
        areas = _areas(index, profile.comment_area)
        body = index.first_class(*profile.post_body) if profile.post_body else None
        if profile.post is not None:
            post = profile.post(doc, index, zone)
        else:
            hints = profile.post_hints(index, zone) if profile.post_hints else None
            post = body_post(doc, zone, hints=hints, body=body or find_body(doc), drop=areas)
        found = len(comments)
        more = profile.more_comments(doc, index, found) if profile.more_comments else ()
        is_post = body is not None or bool(comments)
        return ParsedPage(
            url=doc.url,
            platform=profile.reports_as or profile.name,
            post=post,
            comment_count_shown=_count(profile, index, areas[0] if areas else None),
            comments=thread(comments),
            more_comments=tuple(dict.fromkeys(more)),
            is_post=is_post or (profile.is_post is not None and profile.is_post(doc, index)),
        )


def _unique(blocks: list[Tag]) -> list[Tag]:
    """Each element once (a block finder may reach one element by two of its names)."""
    seen: set[int] = set()
    unique: list[Tag] = []
    for block in blocks:
        if id(block) not in seen:
            seen.add(id(block))
            unique.append(block)
    return unique


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
