"""Deterministic ids, content hashes and timestamp text shared by the archive's modules."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from scraper.core.models import Comment, Post, iso_utc

ID_LENGTH = 16  # hex digits: 64 bits, collision-free in practice for any one archive


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def post_id(site: str, url: str) -> str:
    """The archive id of a post: a short stable hash of its site and canonical URL."""
    return _digest("post", site, url)[:ID_LENGTH]


def comment_id(post: str, platform_id: str) -> str:
    """The archive id of a comment: a short stable hash of its post's id and its platform id."""
    return _digest("comment", post, platform_id)[:ID_LENGTH]


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def post_content(
    post: Post,
) -> tuple[str | None, str | None, str | None, str | None, str, str, str]:
    """A post's versioned fields: title, author, published, updated, labels, text, html."""
    return (
        post.title,
        post.author,
        iso_utc(post.published),
        iso_utc(post.updated),
        json.dumps(list(post.labels), ensure_ascii=False),
        post.text,
        post.html,
    )


def comment_content(
    comment: Comment,
) -> tuple[str, str | None, str | None, str | None, str, str, int]:
    """A comment's versioned fields: kind, author, author_url, published, text, html, deleted."""
    return (
        comment.kind,
        comment.author,
        comment.author_url,
        iso_utc(comment.published),
        comment.text,
        comment.html,
        int(comment.deleted),
    )


def content_hash(fields: tuple[object, ...]) -> str:
    return _digest(json.dumps(fields, ensure_ascii=False))[:32]


def now_utc() -> datetime:
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    text = iso_utc(moment)
    assert text is not None  # only None for a None input
    return text


def from_iso(text: str | None) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
