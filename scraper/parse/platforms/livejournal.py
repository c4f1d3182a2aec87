"""Dreamwidth and LiveJournal (LJ code) as a profile: `div#cmtN` / `div.b-leaf#tN` blocks,
parents from `?thread=N` links, levels or indents, the owner's `--poster` modifier."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import tzinfo

from bs4 import Tag

from scraper.parse.htmltext import normalise_text
from scraper.parse.platforms.article import PostHints
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.engine import ProfileParser
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.pieces import attr, read_date
from scraper.parse.platforms.profile import Fingerprint, Profile, Thread

_BLOCK_ID = re.compile(r"^(?:cmt|t)(\d+)$")
_THREAD = re.compile(r"[?&]thread=(\d+)")


def _blocks(index: PageIndex) -> Iterator[Tag]:
    return (tag for tag in index.by_id.values() if _BLOCK_ID.match(str(tag.attrs.get("id", ""))))


def _comment_id(block: Tag, _thread: Thread) -> str | None:
    match = _BLOCK_ID.match(str(block.attrs.get("id", "")))
    return match.group(1) if match else None


def _parent_link(block: Tag, _thread: Thread) -> str | None:
    """The "Parent" link LJ code prints on a reply: `…?thread=N#tN`."""
    wrapper = block.find(class_=["commentparent", "b-leaf-actions-parent"])
    link = wrapper.find("a", href=True) if isinstance(wrapper, Tag) else None
    match = _THREAD.search(attr(link, "href") or "")
    return match.group(1) if match else None


def _user(node: Tag) -> str | None:
    # The name the page shows: for outside identities (`ext_N` accounts) it is the display name.
    shown = normalise_text(node.get_text(" ", strip=True))
    return shown or attr(node, "lj:user") or attr(node, "data-ljuser") or None


def _post_hints(index: PageIndex, zone: tzinfo) -> PostHints:
    title = index.first_class("entry-title", "b-singlepost-title")
    entry = index.first_class("entry", "b-singlepost")
    poster = entry.find(class_="ljuser") if entry is not None else None
    stamp = entry.find(class_=["datetime", "b-singlepost-author-date"]) if entry else None
    return PostHints(
        title=normalise_text(title.get_text(" ", strip=True)) if title is not None else None,
        author=_user(poster) if isinstance(poster, Tag) else None,
        published=read_date(stamp, zone) if isinstance(stamp, Tag) else None,
    )


def _more_pages(doc: Document, index: PageIndex, _shown: int) -> tuple[str, ...]:
    """Other comment pages (`?page=N`) and collapsed threads (`?thread=N` expanders)."""
    urls: list[str] = []
    for link in index.names("a"):
        href = attr(link, "href") or ""
        if "page=" in href and ("#comments" in href or "view=comments" in href):
            absolute = doc.absolute(href)
            if absolute:
                urls.append(absolute)
    return tuple(urls)


PROFILE = Profile(
    name="livejournal",
    fingerprint=Fingerprint(
        platform=("dreamwidth", "livejournal", "lj:user"),
        comments=("dwexpcomment", "b-leaf", "comment-wrapper"),
    ),
    blocks=_blocks,
    author=("ljuser", "b-leaf-username-name"),
    time=("datetime", "b-leaf-createdtime", "comment-date"),
    body=("comment-content", "b-leaf-article", "comment-body"),
    permalink=("commentpermalink", "b-leaf-permalink"),
    # LiveJournal's 2018 scheme marks the journal owner's comments with a `--poster` modifier.
    owner=re.compile(r"--poster$"),
    deleted=re.compile(r"\((?:deleted|screened) (?:comment|post)\)|^deleted comment$", re.I),
    empty_means_deleted=True,
    comment_id=_comment_id,
    parent=_parent_link,
    indent=re.compile(r"margin-left:\s*(\d+)px"),
    post_body=("entry-content", "b-singlepost-body", "asset-body"),
    comment_area=("comments",),
    post_hints=_post_hints,
    more_comments=_more_pages,
)

PARSER = ProfileParser(PROFILE)
