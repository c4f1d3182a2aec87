"""Frozen dataclasses passed between the pipeline's stages (fetch, parse, archive)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

CommentKind = Literal["comment", "pingback", "trackback"]
FetchStatus = Literal["ok", "not_modified", "failed", "robots_blocked", "skipped"]


def iso_utc(moment: datetime | None) -> str | None:
    """Render an aware datetime as ISO 8601 in UTC with a `+00:00` offset (the C3/C6 format)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


@dataclass(frozen=True, slots=True)
class Post:
    """The article of a post page, without its comments, sidebars or share bars."""

    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    labels: tuple[str, ...] = ()
    text: str = ""
    html: str = ""
    # The platform's own id of the post (Blogger postId, WordPress post number), when shown.
    platform_id: str | None = None
    # (field, cue label) for each filled field of title, author, published and text: which
    # parser or shared cue read it (see scraper/parse/sources.py).
    sources: tuple[tuple[str, str], ...] = ()

    def source_map(self) -> dict[str, str]:
        """`sources` as a dict: field name to the label of the cue that read it."""
        return dict(self.sources)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "author": self.author,
            "published": iso_utc(self.published),
            "updated": iso_utc(self.updated),
            "labels": list(self.labels),
            "text": self.text,
            "html": self.html,
            "sources": self.source_map(),
        }


@dataclass(frozen=True, slots=True)
class Comment:
    """One reader comment, reply, pingback or trackback as the page shows it."""

    id: str
    parent_id: str | None = None
    depth: int = 0
    kind: CommentKind = "comment"
    author: str | None = None
    author_url: str | None = None
    published: datetime | None = None
    text: str = ""
    html: str = ""
    deleted: bool = False
    by_post_author: bool = False
    permalink: str | None = None
    # True when `published` was read from a relative time ("vor 2 Stunden") against the fetch
    # time: right to within the unit the page showed, not to the minute.
    published_approximate: bool = False
    # Set by scraper/parse/spam.py: the verdict, its 0–1 score and the signals that fired.
    spam: bool = False
    spam_score: float = 0.0
    spam_reasons: tuple[str, ...] = ()
    # (field, cue label) for each filled field (author, author_url, published, text, parent_id,
    # by_post_author, deleted, and kind when not "comment"): which parser or shared cue read it.
    sources: tuple[tuple[str, str], ...] = ()

    def source_map(self) -> dict[str, str]:
        """`sources` as a dict: field name to the label of the cue that read it."""
        return dict(self.sources)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "parent_id": self.parent_id,
            "depth": self.depth,
            "kind": self.kind,
            "author": self.author,
            "author_url": self.author_url,
            "published": iso_utc(self.published),
            "published_approximate": self.published_approximate,
            "text": self.text,
            "html": self.html,
            "deleted": self.deleted,
            "by_post_author": self.by_post_author,
            "permalink": self.permalink,
            "spam": self.spam,
            "spam_score": self.spam_score,
            "spam_reasons": list(self.spam_reasons),
            "sources": self.source_map(),
        }


# Below this extraction score a page's comments are not taken as the whole, right thread.
QUALITY_BAR = 0.9


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """What one HTML page holds: the post, its comments in document order, and where more live."""

    url: str | None
    platform: str
    post: Post = field(default_factory=Post)
    comment_count_shown: int | None = None
    comments: tuple[Comment, ...] = ()
    more_comments: tuple[str, ...] = ()
    # True when the page is a single post (not a listing, archive, label or search page).
    is_post: bool = False
    # Human-readable remarks, e.g. "comments are served by Disqus (JavaScript only)".
    notes: tuple[str, ...] = ()
    # How well the comments were read, 0–1 (see scraper/parse/quality.py); None when not judged.
    quality: float | None = None

    @property
    def read_poorly(self) -> bool:
        """True when the quality gate judged this page's comments below the bar."""
        return self.quality is not None and self.quality < QUALITY_BAR

    def to_dict(self) -> dict[str, Any]:
        """The C3 `parse --json` object (plus `notes` and `quality`)."""
        return {
            "url": self.url,
            "platform": self.platform,
            "post": self.post.to_dict(),
            "comment_count_shown": self.comment_count_shown,
            "comments": [comment.to_dict() for comment in self.comments],
            "more_comments": list(self.more_comments),
            "notes": list(self.notes),
            "quality": self.quality,
        }


Header = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Exchange:
    """The HTTP request and response that brought a page, as sent and received (provenance: a
    web archivist's WARC needs the status line and every header, in order, repeats kept)."""

    method: str
    http_version: str  # "HTTP/1.1", as the server answered
    reason: str  # the status line's reason phrase ("OK"); may be empty (HTTP/2 has none)
    request_headers: tuple[Header, ...]
    response_headers: tuple[Header, ...]


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A response body that arrived whole, with what we need to revisit it politely."""

    url: str  # the URL that was asked for
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes  # decompressed, at most the configured max_bytes
    fetched_at: datetime
    redirects: tuple[str, ...] = ()
    elapsed: float = 0.0
    exchange: Exchange | None = None  # None for pages not fetched over HTTP (reparse, files)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


@dataclass(frozen=True, slots=True)
class FetchOutcome:
    """The result of asking for one URL: a page, a 304, or a failure recorded as data."""

    url: str
    status: FetchStatus
    page: FetchedPage | None = None
    http_status: int | None = None
    reason: str | None = None  # why it failed or was skipped, for the `fetches` row
    attempts: int = 1
    fetched_at: datetime | None = None
    redirects: tuple[str, ...] = ()
    bytes_received: int = 0


@dataclass(frozen=True, slots=True)
class SiteReport:
    """Counts for one site in one run."""

    site: str
    pages_fetched: int = 0
    pages_not_modified: int = 0
    pages_failed: int = 0
    pages_robots_blocked: int = 0
    posts_new: int = 0
    posts_changed: int = 0
    comments_new: int = 0
    comments_changed: int = 0
    comments_removed: int = 0
    bytes_received: int = 0
    errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RunReport:
    """What one `blogarchive run` did, per site."""

    run_id: int | None
    started_at: datetime
    finished_at: datetime
    sites: tuple[SiteReport, ...] = ()
    interrupted: bool = False  # stopped by SIGTERM: pages in hand finished, the rest left

    @property
    def pages_failed(self) -> int:
        return sum(site.pages_failed for site in self.sites)


def unusable_reason(outcome: FetchOutcome) -> str | None:
    """Why an outcome gives the caller no page to read ("HTTP 404", the reason), else None."""
    page = outcome.page
    if outcome.status == "ok" and page is not None and page.status < 400:
        return None
    status = outcome.http_status or (page.status if page else None)
    return f"HTTP {status}" if status else (outcome.reason or outcome.status)
