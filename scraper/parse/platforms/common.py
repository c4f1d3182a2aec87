"""Helpers shared by platform parsers: page index, metadata, counts, time zones, thread order."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from typing import Any

from bs4 import BeautifulSoup, Tag

from scraper.core.dates import ASSUMED_UTC, fixed_offset, parse_human, parse_iso
from scraper.core.models import Comment
from scraper.parse.htmltext import normalise_text
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.pageindex import PageIndex, build_index
from scraper.parse.platforms.relative import is_relative, named_zone

# "24 comments:", "45 Gedanken zu", "91 Ergänzungen", "Kommentare: 10", "3 réponses"…
_COUNT_WORDS = (
    r"comments?|responses?|repl(?:y|ies)|thoughts?|kommentare?|gedanken|ergänzungen|antworten|"
    r"reaktionen|commentaires?|réponses?|comentarios?|comentários?|commenti|reacties?|"
    r"komentar|komentarze?|kommentarer?|yorum|bình luận|nhận xét|تعليقات?|コメント|評論|评论|"
    r"opmerkingen|pingbacks?|trackbacks?"
)
_COUNT_BEFORE = re.compile(r"(\d[\d.,\u00a0 ]*)\s*(?:" + _COUNT_WORDS + r")", re.IGNORECASE)
_COUNT_AFTER = re.compile(r"(?:" + _COUNT_WORDS + r")\s*[:(]?\s*(\d[\d.,]*)", re.IGNORECASE)
_NO_COMMENTS = re.compile(
    r"^\s*(?:no|keine|aucun|ningún|sin|nessun|geen|belum ada)\s+(?:" + _COUNT_WORDS + r")",
    re.IGNORECASE,
)
_ISO_WITH_OFFSET = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?([+-]\d\d:?\d\d|Z)")


def page_index(doc: Document | BeautifulSoup) -> PageIndex:
    """The index of a parsed page: the Document's own, or one built for a bare soup."""
    return doc.index if isinstance(doc, Document) else build_index(doc)


def classes_of(tag: Tag) -> list[str]:
    """The class list of `tag` (always a list of strings)."""
    value = tag.attrs.get("class") if tag.attrs else None
    if not value:
        return []
    return list(value) if isinstance(value, list) else str(value).split()


def attr(tag: Tag | None, name: str) -> str | None:
    """An attribute as one stripped string, or None when absent or empty."""
    if tag is None or not tag.attrs:
        return None
    value = tag.attrs.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    if value is None:
        return None
    value = value.strip()
    return value or None


def text_of(tag: Tag | None) -> str | None:
    """The whitespace-collapsed text of `tag`, None when empty."""
    if tag is None:
        return None
    value = " ".join(tag.get_text(" ").split())
    return value or None


def meta_content(index: PageIndex, *keys: str) -> str | None:
    """The content of the first <meta> whose name, property or itemprop is one of `keys`."""
    wanted = {key.lower() for key in keys}
    for meta in index.names("meta"):
        for key_attr in ("property", "name", "itemprop"):
            key = attr(meta, key_attr)
            if key and key.lower() in wanted:
                content = attr(meta, "content")
                if content:
                    return content
    return None


def link_href(doc: Document, index: PageIndex, rel: str) -> str | None:
    """The absolute href of the first <link rel=…> naming `rel`."""
    for link in index.names("link"):
        rels = link.get("rel")
        values = rels if isinstance(rels, list) else str(rels or "").split()
        if rel in (value.lower() for value in values):
            return doc.absolute(attr(link, "href"))
    return None


def json_ld(index: PageIndex) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, @graph members flattened; broken JSON is skipped."""
    found: list[dict[str, Any]] = []
    for script in index.names("script"):
        if (attr(script, "type") or "").lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.string or script.get_text() or "null")
        except ValueError:
            continue
        stack: list[Any] = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
    return found


_ARTICLE_TYPES = frozenset({"BlogPosting", "Article", "NewsArticle", "TechArticle", "Report"})


def json_ld_article(index: PageIndex) -> dict[str, Any] | None:
    """The first JSON-LD object typed as an article or blog post."""
    for item in json_ld(index):
        kind = item.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and k in _ARTICLE_TYPES for k in kinds):
            return item
    return None


def json_ld_author(article: dict[str, Any] | None, index: PageIndex) -> str | None:
    """The author's name of a JSON-LD article (following an @id reference into the graph)."""
    if not article:
        return None
    author = article.get("author")
    if isinstance(author, list):
        author = author[0] if author else None
    if isinstance(author, str):
        return author.strip() or None
    if isinstance(author, dict):
        name = author.get("name")
        if isinstance(name, str) and name.strip():
            return name.strip()
        ref = author.get("@id")
        if isinstance(ref, str):
            for item in json_ld(index):
                if item.get("@id") == ref and isinstance(item.get("name"), str):
                    return str(item["name"]).strip() or None
    return None


def comment_count_from_text(text: str | None) -> int | None:
    """The number a comments header shows ("24 comments:", "Kommentare: 10"), else None."""
    if not text:
        return None
    text = " ".join(text.split())
    if _NO_COMMENTS.search(text):
        return 0
    match = _COUNT_BEFORE.search(text) or _COUNT_AFTER.search(text)
    if not match:
        return None
    digits = re.sub(r"\D", "", match.group(1))
    return int(digits) if digits and len(digits) < 8 else None


# Zone abbreviations written after a shown time ("07:05 PM EST"), only those that name one
# offset wherever they are used (CST, IST and BST name several and are left out).
_SHOWN_ZONE = re.compile(
    r"\d{1,2}:\d\d(?::\d\d)?\s*(?:[ap]\.?m\.?\s*)?"
    r"\(?(EST|EDT|PST|PDT|MST|MDT|CET|CEST|EET|EEST|WET|WEST|MSK|JST|KST|HKT|AEST|AEDT)\b",
    re.IGNORECASE,
)
_ZONE_HOURS = {
    "EST": -5, "EDT": -4, "PST": -8, "PDT": -7, "MST": -7, "MDT": -6, "CET": 1, "CEST": 2,
    "EET": 2, "EEST": 3, "WET": 0, "WEST": 1, "MSK": 3, "JST": 9, "KST": 9, "HKT": 8,
    "AEST": 10, "AEDT": 11,
}  # fmt: skip


def shown_zone(text: str) -> tzinfo | None:
    """The zone the page's first "07:05 PM EST"-style time names, else None."""
    match = _SHOWN_ZONE.search(text)
    return fixed_offset(60 * _ZONE_HOURS[match.group(1).upper()]) if match else None


def blog_timezone(index: PageIndex, *candidates: str | None, text: str | None = None) -> tzinfo:
    """The blog's zone: the one the caller of `parse_page` named, else the UTC offset revealed
    by an ISO stamp with offset on the page, else by a zone abbreviation after a shown time in
    `text` (when given), else `ASSUMED_UTC`.

    `candidates` are stamps the caller found on the post itself (checked first); then the
    post's published-time meta, then the first abbr[title] / time[datetime] with an offset.
    """
    named = named_zone()
    if named is not None:
        return named
    stamps: list[str | None] = list(candidates)
    stamps.append(meta_content(index, "article:published_time", "datePublished"))
    stamps.extend(attr(tag, "title") for tag in index.names("abbr")[:20])
    stamps.extend(attr(tag, "datetime") for tag in index.names("time")[:20])
    for stamp in stamps:
        if not stamp:
            continue
        match = _ISO_WITH_OFFSET.search(stamp)
        if match:
            moment = parse_iso(match.group(0))
            offset = match.group(1)
            if moment is None:
                continue
            if offset in ("Z", "+00:00", "+0000", "-00:00"):
                return UTC
            sign = -1 if offset.startswith("-") else 1
            digits = offset[1:].replace(":", "")
            return fixed_offset(sign * (int(digits[:2]) * 60 + int(digits[2:4])))
    return (shown_zone(text) if text else None) or ASSUMED_UTC


def read_date(stamp: str | None, shown: str | None, zone: tzinfo) -> datetime | None:
    """A machine stamp (ISO) if it parses, else the shown text read in the blog's zone."""
    return parse_iso(stamp, zone) or parse_human(shown, zone)


def stable_comment_id(
    post_url: str | None, author: str | None, published: datetime | None, text: str
) -> str:
    """A deterministic id for a comment the platform gives no id to (C3)."""
    key = "\x1f".join(
        [
            post_url or "",
            author or "",
            # A relative time reads another instant on every fetch: no part of a stable id.
            published.isoformat() if published and not is_relative(published) else "",
            normalise_text(text),
        ]
    )
    return "h" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def thread(comments: Iterable[Comment]) -> tuple[Comment, ...]:
    """Comments deduped by id (first wins), parents that do not exist dropped, depths recomputed.

    Input parent ids come from nesting; depth is derived from the parent chain so the two can
    never disagree.
    """
    unique: dict[str, Comment] = {}
    for comment in comments:
        if comment.id and comment.id not in unique:
            unique[comment.id] = comment
    depths: dict[str, int] = {}
    result: list[Comment] = []
    for comment in unique.values():
        parent = comment.parent_id
        if parent is not None and (parent not in unique or parent == comment.id):
            parent = None
        depth = 0 if parent is None else _depth_of(parent, unique, depths) + 1
        depths[comment.id] = depth
        if parent != comment.parent_id or depth != comment.depth:
            result.append(replace(comment, parent_id=parent, depth=depth))
        else:
            result.append(comment)
    return tuple(result)


def _depth_of(ident: str, unique: dict[str, Comment], depths: dict[str, int]) -> int:
    if ident in depths:
        return depths[ident]
    chain: list[str] = []
    seen: set[str] = set()
    current: str | None = ident
    while current is not None and current in unique and current not in seen:
        if current in depths:
            break
        seen.add(current)
        chain.append(current)
        current = unique[current].parent_id
    base = depths.get(current, -1) if current is not None else -1
    for offset, item in enumerate(reversed(chain), start=1):
        depths[item] = base + offset
    return depths[ident]


_CHROME_LINES = re.compile(
    r"^(?:reply|replies|delete|antworten|antwort|löschen|responder|eliminar|répondre|supprimer|"
    r"rispondi|elimina|balas|hapus|trả lời|xóa|beantwoorden|verwijderen|odpowiedz|usuń|"
    r"report|melden|edit|bearbeiten|like|↓|permalink)$",
    re.IGNORECASE,
)


# A line of separators only ("|", "·", "--") left from a header's layout.
_SEPARATOR_LINE = re.compile(r"^[\s|·•:,;\-–—/]+$")


def strip_chrome(text: str) -> str:
    """Drop lines that are only action links ("Reply", "Delete", "Antworten"…) from comment text,
    and separator-only lines at its start and end."""
    lines = [line for line in text.split("\n") if not _CHROME_LINES.match(line.strip())]
    while lines and (not lines[0].strip() or _SEPARATOR_LINE.match(lines[0])):
        lines.pop(0)
    while lines and (not lines[-1].strip() or _SEPARATOR_LINE.match(lines[-1])):
        lines.pop()
    return normalise_text("\n".join(lines))
