"""Read-side queries over the archive (show, history, stats), returning plain data."""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from archive.spamfilter import SpamMode, spam_clause
from scraper.core.errors import ArchiveError, NotFoundError

POST_COLUMNS = (
    "id, site, url, source_url, platform, platform_id, title, author, published_at, updated_at,"
    " labels, text, html, comment_count_shown, comments_archived, thread_complete,"
    " completeness_note, first_seen_at, last_seen_at, field_sources"
)
COMMENT_COLUMNS = (
    "id, post_id, platform_id, parent_id, depth, position, kind, author, author_url,"
    " by_post_author, published_at, text, html, deleted, permalink, first_seen_at, last_seen_at,"
    " removed_at, spam, spam_score, spam_reasons, field_sources"
)
_BOOLEANS = ("thread_complete", "by_post_author", "deleted", "spam")


def row_dict(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    record = {column[0]: value for column, value in zip(cursor.description, row, strict=True)}
    for name in _BOOLEANS:
        if name in record and record[name] is not None:
            record[name] = bool(record[name])
    if isinstance(record.get("labels"), str):
        record["labels"] = json.loads(record["labels"])
    if isinstance(record.get("field_sources"), str):  # NULL for rows stored before 0010
        record["field_sources"] = json.loads(record["field_sources"])
    return record


def rows(conn: sqlite3.Connection, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    return [row_dict(cursor, row) for row in cursor.fetchall()]


def url_variants(ref: str) -> list[str]:
    """`ref` and the spellings of the same page a reader may paste: without the #fragment,
    without Blogger's mobile `?m=1`, with or without the trailing slash, http or https."""
    parts = urlsplit(ref.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return [ref]
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if k != "m"])  # fmt: skip
    paths = [parts.path] if parts.path in ("", "/") else [parts.path, parts.path.rstrip("/"),
                                                          parts.path.rstrip("/") + "/"]  # fmt: skip
    schemes = [parts.scheme, "https" if parts.scheme == "http" else "http"]
    found = [ref]
    for scheme in schemes:
        for path in paths:
            for kept_query in dict.fromkeys([parts.query, query]):
                found.append(urlunsplit((scheme, parts.netloc, path, kept_query, "")))
    return list(dict.fromkeys(found))


def find_post(conn: sqlite3.Connection, ref: str) -> dict[str, Any]:
    """A post by archive id, canonical URL or fetched URL (or a variant of the URL: fragment,
    `?m=1`, trailing slash, http/https); NotFoundError if none."""
    found: list[dict[str, Any]] = []
    for variant in url_variants(ref):
        found = rows(
            conn,
            f"SELECT {POST_COLUMNS} FROM posts WHERE id = ?1 OR url = ?1 OR source_url = ?1"
            " ORDER BY seq",
            (variant,),
        )
        if found:
            break
    if not found:
        raise NotFoundError(
            f"no post {ref!r} in the archive (give a post id or URL, or a comment id)"
        )
    if len({post["id"] for post in found}) > 1:
        ids = ", ".join(post["id"] for post in found)
        raise ArchiveError(f"{ref!r} matches several posts ({ids}); give the post id")
    return found[0]


@dataclass
class ThreadNode:
    """A comment with its replies, in the order the page showed them."""

    comment: dict[str, Any]
    replies: list[ThreadNode] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**self.comment, "replies": [reply.to_dict() for reply in self.replies]}


@dataclass
class Thread:
    post: dict[str, Any]
    roots: list[ThreadNode]
    comment_count: int
    highlight: str | None = None  # the comment asked for, when `show` was given one

    def to_dict(self) -> dict[str, Any]:
        record = {**self.post, "comments": [root.to_dict() for root in self.roots]}
        if self.highlight is not None:
            record["highlight"] = self.highlight
        return record


def _comment_ref(conn: sqlite3.Connection, ref: str) -> tuple[str, str] | None:
    """(post id, comment id) when `ref` names a comment: its archive id, its permalink, or a
    post URL whose #fragment is the comment's anchor (`#comment-123`, `#c123`)."""
    row = conn.execute(
        "SELECT post_id, id FROM comments WHERE id = ?1 OR permalink = ?1 LIMIT 1", (ref,)
    ).fetchone()
    if row is not None:
        return str(row[0]), str(row[1])
    fragment = urlsplit(ref).fragment
    number = id_from_fragment(fragment)
    if number is None:
        return None
    try:
        post = find_post(conn, ref)
    except NotFoundError:
        return None
    row = conn.execute(
        "SELECT post_id, id FROM comments WHERE post_id = ? AND platform_id = ? LIMIT 1",
        (post["id"], number),
    ).fetchone()
    return (str(row[0]), str(row[1])) if row is not None else None


_FRAGMENT_ID = re.compile(r"^(?:comment|c|li-comment|div-comment)[-_]?(\d+)$", re.IGNORECASE)


def id_from_fragment(fragment: str) -> str | None:
    match = _FRAGMENT_ID.match(fragment)
    return match.group(1) if match else None


def show(conn: sqlite3.Connection, ref: str, spam: SpamMode = "include") -> Thread:
    """The post and its comment tree (removed comments included, marked by `removed_at`;
    with `spam` exclude/only, replies whose parent is left out become roots). `ref` may name
    a comment: its post's thread, with that comment as `highlight`."""
    named = _comment_ref(conn, ref)
    post = find_post(conn, named[0] if named else ref)
    comments = rows(
        conn,
        f"SELECT {COMMENT_COLUMNS} FROM comments WHERE post_id = ?{spam_clause(spam)}"
        " ORDER BY position, seq",
        (post["id"],),
    )
    earlier = _earlier_texts(conn, post["id"])
    for comment in comments:
        texts = [text for text in earlier.get(comment["id"], []) if text != comment["text"]]
        # `edited`: a later version changed what it said (a deletion is marked on its own).
        comment["edited"] = bool(texts) and not comment["deleted"]
        comment["earlier_texts"] = texts
    nodes = {comment["id"]: ThreadNode(comment) for comment in comments}
    roots: list[ThreadNode] = []
    for comment in comments:
        parent = nodes.get(comment["parent_id"]) if comment["parent_id"] else None
        (parent.replies if parent else roots).append(nodes[comment["id"]])
    return Thread(post, roots, len(comments), named[1] if named else None)


def _earlier_texts(conn: sqlite3.Connection, post_id: str) -> dict[str, list[str]]:
    """Each comment's stored texts but the last, oldest first, repeats left out (versions
    that changed only the HTML or a flag say the same)."""
    found: dict[str, list[str]] = {}
    cursor = conn.execute(
        "SELECT v.comment_id, v.text FROM comment_versions v JOIN comments c ON c.id = v.comment_id"
        " WHERE c.post_id = ? ORDER BY v.id",
        (post_id,),
    )
    for comment_id, text in cursor:
        texts = found.setdefault(comment_id, [])
        if not texts or texts[-1] != text:
            texts.append(text)
    return {key: texts[:-1] for key, texts in found.items() if len(texts) > 1}


@dataclass(frozen=True)
class Version:
    observed_at: str
    content_hash: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class History:
    kind: str  # "post" | "comment"
    id: str
    label: str  # what the record is, for a heading
    versions: tuple[Version, ...]
    # A comment that vanished from a page fetched whole: when it was noticed gone, and when it
    # was last seen there (its last version above is what it said).
    removed_at: str | None = None
    last_seen_at: str | None = None

    def diffs(self) -> list[str]:
        """A readable diff from each version to the next (field changes, then the text)."""
        out: list[str] = []
        for older, newer in zip(self.versions, self.versions[1:], strict=False):
            lines: list[str] = []
            for name, value in newer.fields.items():
                if name not in {"text", "html"} and older.fields.get(name) != value:
                    lines.append(f"{name}: {older.fields.get(name)!r} → {value!r}")
            lines.extend(
                difflib.unified_diff(
                    str(older.fields.get("text") or "").splitlines(),
                    str(newer.fields.get("text") or "").splitlines(),
                    fromfile=older.observed_at,
                    tofile=newer.observed_at,
                    lineterm="",
                )
            )
            out.append("\n".join(lines) or "(only the HTML changed)")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "versions": [
                {"observed_at": v.observed_at, "content_hash": v.content_hash, **v.fields}
                for v in self.versions
            ],
            "diffs": self.diffs(),
            "removed_at": self.removed_at,
            "last_seen_at": self.last_seen_at,
        }


def history(conn: sqlite3.Connection, ref: str) -> History:
    """Every stored version of a comment (by id) or a post (by id or URL), oldest first."""
    comment = conn.execute(
        "SELECT id, author, removed_at, last_seen_at FROM comments WHERE id = ?", (ref,)
    ).fetchone()
    removed_at = last_seen_at = None
    if comment:
        found = rows(
            conn,
            "SELECT observed_at, content_hash, kind, author, author_url, published_at, deleted,"
            " text, html FROM comment_versions WHERE comment_id = ? ORDER BY id",
            (ref,),
        )
        kind, record_id, label = "comment", ref, f"comment {ref} by {comment[1] or 'anonymous'}"
        removed_at, last_seen_at = comment[2], comment[3]
    else:
        try:
            post = find_post(conn, ref)
        except NotFoundError:
            raise NotFoundError(
                f"no comment or post {ref!r} in the archive (give a comment id, a post id or URL)"
            ) from None
        found = rows(
            conn,
            "SELECT observed_at, content_hash, title, author, published_at, updated_at, labels,"
            " text, html FROM post_versions WHERE post_id = ? ORDER BY id",
            (post["id"],),
        )
        kind, record_id, label = "post", post["id"], f"post {post['id']}: {post['title']}"
    versions = tuple(
        Version(
            row.pop("observed_at"),
            row.pop("content_hash"),
            row,
        )
        for row in found
    )
    return History(kind, record_id, label, versions, removed_at, last_seen_at)


@dataclass(frozen=True)
class SiteStats:
    site: str
    url: str
    platform: str
    posts: int
    comments: int
    authors: int
    first_post: str | None
    last_post: str | None
    last_run: str | None
    last_run_status: str | None
    incomplete_threads: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def require_site(conn: sqlite3.Connection, site: str | None) -> None:
    """A `--site` that names no site in the archive is an error, never an empty answer."""
    if site is None:
        return
    if conn.execute("SELECT 1 FROM sites WHERE name = ?", (site,)).fetchone() is None:
        known = [row[0] for row in conn.execute("SELECT name FROM sites ORDER BY name LIMIT 20")]
        raise NotFoundError(
            f"no site {site!r} in the archive (sites: {', '.join(known) or 'none yet'})"
        )


def stats(
    conn: sqlite3.Connection, site: str | None = None, spam: SpamMode = "include"
) -> list[SiteStats]:
    """Per site: posts, comments, distinct comment authors, post dates, last run, incomplete."""
    sites = conn.execute(
        "SELECT name, url, platform FROM sites WHERE ?1 IS NULL OR name = ?1 ORDER BY name",
        (site,),
    ).fetchall()
    if site is not None and not sites:
        require_site(conn, site)
    result = []
    for name, url, platform in sites:
        posts, first, last, incomplete = conn.execute(
            "SELECT count(*), min(published_at), max(published_at),"
            " coalesce(sum(thread_complete = 0 OR comments_archived < comment_count_shown), 0)"
            " FROM posts WHERE site = ?",
            (name,),
        ).fetchone()
        comments, authors = conn.execute(
            f"SELECT count(*), count(DISTINCT author) FROM comments WHERE site = ?"
            f"{spam_clause(spam)}",
            (name,),
        ).fetchone()
        run = conn.execute(
            "SELECT r.started_at, r.status FROM runs r JOIN run_sites s ON s.run_id = r.id"
            " WHERE s.site = ? ORDER BY r.id DESC LIMIT 1",
            (name,),
        ).fetchone()
        result.append(
            SiteStats(name, url, platform, posts, comments, authors, first, last,
                      run[0] if run else None, run[1] if run else None, incomplete)
        )  # fmt: skip
    return result


def weakest_posts(
    conn: sqlite3.Connection, site: str, limit: int = 5, below: float = 0.9
) -> list[tuple[str, float, list[str]]]:
    """(url, extraction score, notes) of the site's posts read least well, weakest first."""
    return [
        (row[0], float(row[1]), list(json.loads(row[2] or "[]")))
        for row in conn.execute(
            "SELECT url, extraction_score, extraction_notes FROM posts WHERE site = ?"
            " AND extraction_score < ? ORDER BY extraction_score, url LIMIT ?",
            (site, below, limit),
        )
    ]


def last_failures(conn: sqlite3.Connection, site: str) -> list[tuple[str, str | None]]:
    """(url, reason) of the pages that failed in the last run covering the site. Discovery's
    4xx answers (no feed here, last feed page passed, comments API off) are expected, not listed.
    """
    return [
        (row[0], row[1])
        for row in conn.execute(
            "SELECT url, reason FROM fetches WHERE site = ?1 AND status = 'failed' AND run_id ="
            " (SELECT max(run_id) FROM run_sites WHERE site = ?1)"
            " AND (kind = 'post' OR http_status IS NULL OR http_status >= 500) ORDER BY id",
            (site,),
        )
    ]
