"""Storing one parsed page: raw body, post and comments upserted, versions only on change."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from archive.crosspost import mark_duplicates, text_key
from archive.ids import (
    body_hash,
    comment_content,
    comment_id,
    content_hash,
    post_content,
    post_id,
    to_iso,
)
from scraper.core.models import Comment, FetchedPage, ParsedPage, Post

COMPRESSION = "zlib"


@dataclass(frozen=True)
class StoreResult:
    """What storing one page changed in the archive."""

    post_id: str
    post_new: bool
    post_changed: bool
    comments_new: int
    comments_changed: int
    comments_removed: int


def store_raw(conn: sqlite3.Connection, site: str, page: FetchedPage, observed: str) -> None:
    """Keep the body once per distinct content; remember which URL served it and when."""
    digest = body_hash(page.body)
    if conn.execute("SELECT 1 FROM pages WHERE hash = ?", (digest,)).fetchone() is None:
        conn.execute(
            "INSERT INTO pages (hash, compression, body, size, content_type, first_fetched_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                digest,
                COMPRESSION,
                zlib.compress(page.body, 6),
                len(page.body),
                page.content_type,
                to_iso(page.fetched_at),
            ),
        )
    conn.execute(
        "INSERT INTO page_urls (site, url, hash, first_seen_at, last_seen_at)"
        " VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (url, hash) DO UPDATE SET last_seen_at = excluded.last_seen_at",
        (site, page.final_url or page.url, digest, observed, observed),
    )


def merge_comments(first: Sequence[Comment], extra: Sequence[Comment]) -> list[Comment]:
    """The page's comments then the extra ones, each platform id once (first occurrence wins)."""
    seen: set[str] = set()
    merged: list[Comment] = []
    for comment in (*first, *extra):
        if comment.id not in seen:
            seen.add(comment.id)
            merged.append(comment)
    return merged


def store_page(
    conn: sqlite3.Connection,
    site: str,
    page: FetchedPage,
    parsed: ParsedPage,
    *,
    observed_at: datetime,
    thread_complete: bool,
    extra_comments: Sequence[Comment] = (),
    completeness_note: str | None = None,
) -> StoreResult:
    """Store one page; the caller owns the transaction."""
    observed = to_iso(observed_at)
    store_raw(conn, site, page, observed)
    canonical = parsed.url or page.final_url or page.url
    pid = post_id(site, canonical)
    post_new, post_changed = _upsert_post(conn, site, pid, canonical, page, parsed, observed)
    comments = merge_comments(parsed.comments, extra_comments)
    new, changed, removed = _upsert_comments(
        conn, site, pid, comments, observed, thread_complete=thread_complete
    )
    archived = conn.execute(
        "SELECT count(*) FROM comments WHERE post_id = ? AND removed_at IS NULL", (pid,)
    ).fetchone()[0]
    # Bookkeeping columns are written only when they differ, so an unchanged re-store stays cheap.
    conn.execute(
        "UPDATE posts SET comments_archived = :archived, comment_growth = :growth,"
        " thread_complete = :complete, completeness_note = :note, comment_count_shown = :shown,"
        " extraction_score = :score, extraction_notes = :notes, field_sources = :sources"
        " WHERE id = :id AND (comments_archived IS NOT :archived OR comment_growth IS NOT :growth"
        " OR thread_complete IS NOT :complete OR completeness_note IS NOT :note"
        " OR comment_count_shown IS NOT :shown OR extraction_score IS NOT :score"
        " OR extraction_notes IS NOT :notes OR field_sources IS NOT :sources)",
        {
            "archived": archived,
            "growth": new,
            "complete": int(thread_complete),
            "note": completeness_note,
            "shown": parsed.comment_count_shown,
            "score": parsed.quality,
            "notes": json.dumps(list(parsed.notes), ensure_ascii=False),
            "sources": sources_json(parsed.post),
            "id": pid,
        },
    )
    return StoreResult(pid, post_new, post_changed, new, changed, removed)


def sources_json(item: Comment | Post) -> str:
    """The `field_sources` column: which parser or cue read each field, as a JSON object. Not
    part of the content hash: the same words read by another cue are no new version."""
    return json.dumps(item.source_map(), ensure_ascii=False)


def _upsert_post(
    conn: sqlite3.Connection,
    site: str,
    pid: str,
    canonical: str,
    page: FetchedPage,
    parsed: ParsedPage,
    observed: str,
) -> tuple[bool, bool]:
    fields = post_content(parsed.post)
    digest = content_hash(fields)
    row = conn.execute("SELECT content_hash FROM posts WHERE id = ?", (pid,)).fetchone()
    fetched = to_iso(page.fetched_at)
    if row is None:
        conn.execute(
            "INSERT INTO posts (id, site, url, source_url, platform, platform_id, title, author,"
            " published_at, updated_at, labels, text, html, content_hash, comment_count_shown,"
            " first_seen_at, last_seen_at, last_fetched_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (pid, site, canonical, page.url, parsed.platform, parsed.post.platform_id, *fields,
             digest, parsed.comment_count_shown, observed, observed, fetched),
        )  # fmt: skip
    elif row[0] != digest:
        conn.execute(
            "UPDATE posts SET title = ?, author = ?, published_at = ?, updated_at = ?, labels = ?,"
            " text = ?, html = ?, content_hash = ?, last_seen_at = ?, last_fetched_at = ?"
            " WHERE id = ?",
            (*fields, digest, observed, fetched, pid),
        )
    else:
        conn.execute(
            "UPDATE posts SET last_seen_at = ?, last_fetched_at = ? WHERE id = ?",
            (observed, fetched, pid),
        )
    if row is not None:
        # A known post may now be reached by another URL or recognised as another platform;
        # a post just inserted already has these values, so it skips the statement.
        conn.execute(
            "UPDATE posts SET source_url = :url, platform = :platform, platform_id = :pid"
            " WHERE id = :id AND (source_url IS NOT :url OR platform IS NOT :platform"
            " OR platform_id IS NOT :pid)",
            {"url": page.url, "platform": parsed.platform, "pid": parsed.post.platform_id,
             "id": pid},
        )  # fmt: skip
    if row is None or row[0] != digest:
        conn.execute(
            "INSERT INTO post_versions (post_id, observed_at, content_hash, title, author,"
            " published_at, updated_at, labels, text, html) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (pid, observed, digest, *fields),
        )
    return row is None, row is not None and row[0] != digest


_INSERT_COMMENT = (
    "INSERT INTO comments (id, post_id, site, platform_id, parent_id, parent_platform_id, depth,"
    " position, kind, author, author_url, by_post_author, published_at, text, html, deleted,"
    " permalink, content_hash, first_seen_at, last_seen_at, published_approximate,"
    " field_sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_VERSION = (
    "INSERT INTO comment_versions (comment_id, observed_at, content_hash, kind, author, author_url,"
    " published_at, text, html, deleted, published_approximate)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

_UPDATE_CONTENT = (
    "UPDATE comments SET kind = ?, author = ?, author_url = ?, published_at = ?, text = ?,"
    " html = ?, deleted = ?, published_approximate = ?, content_hash = ? WHERE seq = ?"
)
_UPDATE_STRUCTURE = (
    "UPDATE comments SET parent_id = ?, depth = ?, position = ?, by_post_author = ?,"
    " permalink = ? WHERE seq = ?"
)


def _store_spam(
    conn: sqlite3.Connection, pid: str, comments: Sequence[Comment], observed: str
) -> None:
    """The page's spam verdicts on each comment and on the versions taken in this pass."""
    rows = [
        (int(c.spam), c.spam_score, json.dumps(list(c.spam_reasons)), comment_id(pid, c.id))
        for c in comments
    ]
    keys = [text_key(c.text) for c in comments]
    conn.executemany(
        "UPDATE comments SET spam = ?, spam_score = ?, spam_reasons = ?, spam_key = ? WHERE id = ?",
        [(*row[:3], key, row[3]) for row, key in zip(rows, keys, strict=True)],
    )
    mark_duplicates(conn, {key for key in keys if key})
    conn.executemany(
        "UPDATE comment_versions SET spam = ?, spam_score = ?, spam_reasons = ?"
        " WHERE comment_id = ? AND observed_at = ?",
        [(*row, observed) for row in rows],
    )


def _upsert_comments(
    conn: sqlite3.Connection,
    site: str,
    pid: str,
    comments: Sequence[Comment],
    observed: str,
    *,
    thread_complete: bool,
) -> tuple[int, int, int]:
    existing = {
        row[0]: row
        for row in conn.execute(
            "SELECT platform_id, seq, content_hash, removed_at, parent_id, depth, position,"
            " by_post_author, permalink, published_at, published_approximate, field_sources"
            " FROM comments"
            " WHERE post_id = ?",
            (pid,),
        )
    }
    known = set(existing) | {comment.id for comment in comments}
    inserts: list[tuple[object, ...]] = []
    versions: list[tuple[object, ...]] = []
    content_updates: list[tuple[object, ...]] = []
    structure_updates: list[tuple[object, ...]] = []
    source_updates: list[tuple[object, ...]] = []
    touches: list[tuple[object, ...]] = []
    for position, comment in enumerate(comments):
        cid = comment_id(pid, comment.id)
        parent = (
            comment_id(pid, comment.parent_id)
            if comment.parent_id is not None and comment.parent_id in known
            else None
        )
        fields = comment_content(comment)
        approximate = int(comment.published_approximate)
        # A relative time ("3 days ago") read against each run's fetch time moves every run: it
        # is not an edit. The hash leaves it out, and the first reading, the most precise one
        # (the page said "50 minutes ago" then), is the one kept.
        digest = content_hash(_without_time(fields) if approximate else fields)
        sources = sources_json(comment)
        row = existing.get(comment.id)
        if row is None:
            inserts.append(
                (cid, pid, site, comment.id, parent, comment.parent_id, comment.depth, position,
                 *fields[:3], int(comment.by_post_author), *fields[3:], comment.permalink,
                 digest, observed, observed, approximate, sources)
            )  # fmt: skip
            versions.append((cid, observed, digest, *fields, approximate))
            continue
        if row[2] != digest:
            if approximate and row[9] is not None and row[10]:
                fields = (*fields[:3], row[9], *fields[4:])
            content_updates.append((*fields, approximate, digest, row[1]))
            versions.append((cid, observed, digest, *fields, approximate))
        structure = (
            parent,
            comment.depth,
            position,
            int(comment.by_post_author),
            comment.permalink,
        )
        if tuple(row[4:9]) != structure:
            structure_updates.append((*structure, row[1]))
        if row[11] != sources:  # kept current, never versioned (see `sources_json`)
            source_updates.append((sources, row[1]))
        touches.append((observed, row[1]))
    # Empty lists are skipped: most pages change few of these, and each call has a cost.
    for sql, rows in (
        (_INSERT_COMMENT, inserts),
        (_INSERT_VERSION, versions),
        (_UPDATE_CONTENT, content_updates),
        (_UPDATE_STRUCTURE, structure_updates),
        ("UPDATE comments SET field_sources = ? WHERE seq = ?", source_updates),
        # Clears removed_at for comments that came back; the rest only get last_seen_at.
        ("UPDATE comments SET last_seen_at = ?, removed_at = NULL WHERE seq = ?", touches),
    ):
        if rows:
            conn.executemany(sql, rows)
    _store_spam(conn, pid, comments, observed)
    if inserts:
        # Replies stored earlier than their parent (e.g. parent on a later comment page) get linked.
        conn.executemany(
            "UPDATE comments SET parent_id = ? WHERE post_id = ? AND parent_platform_id = ?"
            " AND parent_id IS NULL",
            [(row[0], pid, row[3]) for row in inserts],
        )
    removed = 0
    if thread_complete:
        seen = {comment.id for comment in comments}
        gone = [
            (observed, row[1])
            for platform_id, row in existing.items()
            if platform_id not in seen and row[3] is None
        ]
        if gone:
            conn.executemany("UPDATE comments SET removed_at = ? WHERE seq = ?", gone)
        removed = len(gone)
    return len(inserts), len(content_updates), removed


def _without_time(fields: tuple[object, ...]) -> tuple[object, ...]:
    """A comment's versioned fields with its time left out (index 3, see `comment_content`)."""
    return (*fields[:3], "approximate", *fields[4:])


def mark_not_modified(conn: sqlite3.Connection, url: str, observed_at: datetime) -> None:
    """A 304 for `url`: the post and its visible comments were seen again, unchanged."""
    observed = to_iso(observed_at)
    row = conn.execute(
        "SELECT id FROM posts WHERE source_url = ? UNION SELECT id FROM posts WHERE url = ?",
        (url, url),
    ).fetchall()
    for (pid,) in row:
        conn.execute(
            # Unchanged since the last visit: no new comments, so the thread is not growing now.
            "UPDATE posts SET last_seen_at = ?, last_fetched_at = ?, comment_growth = 0"
            " WHERE id = ?",
            (observed, observed, pid),
        )
        conn.execute(
            "UPDATE comments SET last_seen_at = ? WHERE post_id = ? AND removed_at IS NULL",
            (observed, pid),
        )
    conn.execute(
        "UPDATE page_urls SET last_seen_at = ? WHERE rowid = (SELECT rowid FROM page_urls"
        " WHERE url = ? ORDER BY last_seen_at DESC LIMIT 1)",
        (observed, url),
    )
