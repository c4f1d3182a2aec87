"""Versioned migrations of the archive schema (C6 tables, FTS5 triggers, indexes)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from archive.keys import linked_keys
from scraper.core.urls import thread_url

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

# Bumped with every migration; mirrored into PRAGMA user_version for plain `sqlite3` users.
SCHEMA_VERSION = 10
MIGRATIONS_NAME = "blogarchive"

# `seq` is an explicit INTEGER PRIMARY KEY on posts and comments because external-content FTS5
# tables point at a rowid, and the implicit rowid of a table keyed by text may change on VACUUM.
_V1 = """
CREATE TABLE IF NOT EXISTS sites (
    name TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    platform TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    pid INTEGER,
    sites TEXT NOT NULL DEFAULT '[]',
    pages_fetched INTEGER NOT NULL DEFAULT 0,
    pages_not_modified INTEGER NOT NULL DEFAULT 0,
    pages_failed INTEGER NOT NULL DEFAULT 0,
    pages_robots_blocked INTEGER NOT NULL DEFAULT 0,
    posts_new INTEGER NOT NULL DEFAULT 0,
    posts_changed INTEGER NOT NULL DEFAULT 0,
    comments_new INTEGER NOT NULL DEFAULT 0,
    comments_changed INTEGER NOT NULL DEFAULT 0,
    comments_removed INTEGER NOT NULL DEFAULT 0,
    bytes_received INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS run_sites (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    site TEXT NOT NULL,
    pages_fetched INTEGER NOT NULL DEFAULT 0,
    pages_not_modified INTEGER NOT NULL DEFAULT 0,
    pages_failed INTEGER NOT NULL DEFAULT 0,
    pages_robots_blocked INTEGER NOT NULL DEFAULT 0,
    posts_new INTEGER NOT NULL DEFAULT 0,
    posts_changed INTEGER NOT NULL DEFAULT 0,
    comments_new INTEGER NOT NULL DEFAULT 0,
    comments_changed INTEGER NOT NULL DEFAULT 0,
    comments_removed INTEGER NOT NULL DEFAULT 0,
    bytes_received INTEGER NOT NULL DEFAULT 0,
    errors TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (run_id, site)
);
CREATE INDEX IF NOT EXISTS run_sites_site ON run_sites(site, run_id);
CREATE TABLE IF NOT EXISTS fetches (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id),
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    final_url TEXT,
    status TEXT NOT NULL,
    http_status INTEGER,
    reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 1,
    fetched_at TEXT NOT NULL,
    bytes_received INTEGER NOT NULL DEFAULT 0,
    etag TEXT,
    last_modified TEXT,
    redirects TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS fetches_url ON fetches(url, id);
CREATE INDEX IF NOT EXISTS fetches_run ON fetches(run_id, status);
CREATE TABLE IF NOT EXISTS url_validators (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pages (
    hash TEXT PRIMARY KEY,
    compression TEXT NOT NULL,
    body BLOB NOT NULL,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    first_fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS page_urls (
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    hash TEXT NOT NULL REFERENCES pages(hash),
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    PRIMARY KEY (url, hash)
);
CREATE INDEX IF NOT EXISTS page_urls_site ON page_urls(site, url);
CREATE TABLE IF NOT EXISTS posts (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    site TEXT NOT NULL REFERENCES sites(name),
    url TEXT NOT NULL,
    source_url TEXT NOT NULL,
    platform TEXT NOT NULL,
    platform_id TEXT,
    title TEXT,
    author TEXT,
    published_at TEXT,
    updated_at TEXT,
    labels TEXT NOT NULL DEFAULT '[]',
    text TEXT NOT NULL DEFAULT '',
    html TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL,
    comment_count_shown INTEGER,
    comments_archived INTEGER NOT NULL DEFAULT 0,
    comment_growth INTEGER NOT NULL DEFAULT 0,
    thread_complete INTEGER NOT NULL DEFAULT 0,
    completeness_note TEXT,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    last_fetched_at TEXT
);
CREATE INDEX IF NOT EXISTS posts_site_url ON posts(site, url);
CREATE INDEX IF NOT EXISTS posts_url ON posts(url);
CREATE INDEX IF NOT EXISTS posts_source_url ON posts(source_url);
CREATE INDEX IF NOT EXISTS posts_site_published ON posts(site, published_at);
CREATE INDEX IF NOT EXISTS posts_author ON posts(author);
CREATE TABLE IF NOT EXISTS post_versions (
    id INTEGER PRIMARY KEY,
    post_id TEXT NOT NULL REFERENCES posts(id),
    observed_at TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    title TEXT,
    author TEXT,
    published_at TEXT,
    updated_at TEXT,
    labels TEXT NOT NULL DEFAULT '[]',
    text TEXT NOT NULL DEFAULT '',
    html TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS post_versions_post ON post_versions(post_id, id);
CREATE TABLE IF NOT EXISTS comments (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    post_id TEXT NOT NULL REFERENCES posts(id),
    site TEXT NOT NULL,
    platform_id TEXT NOT NULL,
    parent_id TEXT REFERENCES comments(id) DEFERRABLE INITIALLY DEFERRED,
    parent_platform_id TEXT,
    depth INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL DEFAULT 'comment',
    author TEXT,
    author_url TEXT,
    by_post_author INTEGER NOT NULL DEFAULT 0,
    published_at TEXT,
    text TEXT NOT NULL DEFAULT '',
    html TEXT NOT NULL DEFAULT '',
    deleted INTEGER NOT NULL DEFAULT 0,
    permalink TEXT,
    content_hash TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    removed_at TEXT
);
CREATE INDEX IF NOT EXISTS comments_post ON comments(post_id, position);
CREATE INDEX IF NOT EXISTS comments_parent ON comments(parent_id);
CREATE INDEX IF NOT EXISTS comments_author ON comments(author);
CREATE INDEX IF NOT EXISTS comments_site_published ON comments(site, published_at);
CREATE TABLE IF NOT EXISTS comment_versions (
    id INTEGER PRIMARY KEY,
    comment_id TEXT NOT NULL REFERENCES comments(id),
    observed_at TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'comment',
    author TEXT,
    author_url TEXT,
    published_at TEXT,
    text TEXT NOT NULL DEFAULT '',
    html TEXT NOT NULL DEFAULT '',
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS comment_versions_comment ON comment_versions(comment_id, id);
CREATE TABLE IF NOT EXISTS frontier (
    seq INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    run_id INTEGER,
    added_at TEXT NOT NULL,
    done_at TEXT,
    UNIQUE (site, url)
);
CREATE INDEX IF NOT EXISTS frontier_pending ON frontier(site, status, seq);

CREATE VIRTUAL TABLE IF NOT EXISTS posts_fts USING fts5(
    title, text, content='posts', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS comments_fts USING fts5(
    text, author, content='comments', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
);
-- Triggers fire only on the indexed columns, so bumping last_seen_at never touches the index.
CREATE TRIGGER IF NOT EXISTS posts_ai AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS posts_ad AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts(posts_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
END;
CREATE TRIGGER IF NOT EXISTS posts_au AFTER UPDATE OF title, text ON posts BEGIN
    INSERT INTO posts_fts(posts_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
    INSERT INTO posts_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS comments_ai AFTER INSERT ON comments BEGIN
    INSERT INTO comments_fts(rowid, text, author) VALUES (new.seq, new.text, new.author);
END;
CREATE TRIGGER IF NOT EXISTS comments_ad AFTER DELETE ON comments BEGIN
    INSERT INTO comments_fts(comments_fts, rowid, text, author)
        VALUES ('delete', old.seq, old.text, old.author);
END;
CREATE TRIGGER IF NOT EXISTS comments_au AFTER UPDATE OF text, author ON comments BEGIN
    INSERT INTO comments_fts(comments_fts, rowid, text, author)
        VALUES ('delete', old.seq, old.text, old.author);
    INSERT INTO comments_fts(rowid, text, author) VALUES (new.seq, new.text, new.author);
END;
"""


def _initial(db: Database) -> None:
    # Statements one by one: executescript would COMMIT the migration's transaction midway.
    for statement in _split(_V1):
        db.execute(statement)


def _site_discovered_at(db: Database) -> None:
    # When a site's posts were last listed in full: later runs may then stop paging a feed at
    # the first page of posts they already know.
    db.execute("ALTER TABLE sites ADD COLUMN discovered_at TEXT")


def _fetch_kind(db: Database) -> None:
    # Discovery and thread completion are recorded too; `kind` tells them from post pages.
    db.execute("ALTER TABLE fetches ADD COLUMN kind TEXT NOT NULL DEFAULT 'post'")


def _heal_misplaced_comments(db: Database) -> None:
    # Before 0.1.1 a comment page linked from a "Recent Comments" widget could be merged into
    # the wrong post's thread, so one platform comment was stored under several posts. Its own
    # permalink names the post it was written on: the copies under any other post are removed
    # (with their versions) when that post's copy exists, so nothing is lost; a comment whose
    # owner cannot be proven is left as it is.
    conn = db.conn
    rows = conn.execute(
        "SELECT c.id, c.site, c.platform_id, c.permalink, p.id, p.url, p.source_url"
        " FROM comments c JOIN posts p ON p.id = c.post_id"
        " WHERE (c.site, c.platform_id) IN (SELECT site, platform_id FROM comments"
        "  GROUP BY site, platform_id HAVING count(DISTINCT post_id) > 1)"
    ).fetchall()
    groups: dict[tuple[str, str], list[tuple[str, bool, str]]] = {}
    for cid, site, platform_id, permalink, pid, url, source_url in rows:
        named = thread_url(permalink) if permalink else None
        owns = named is not None and named in (thread_url(url), thread_url(source_url))
        groups.setdefault((site, platform_id), []).append((cid, owns, pid))
    misplaced = [
        (cid, pid)
        for copies in groups.values()
        if any(owns for _, owns, _ in copies)
        for cid, owns, pid in copies
        if not owns
    ]
    for cid, _ in misplaced:
        conn.execute("DELETE FROM comment_versions WHERE comment_id = ?", (cid,))
        conn.execute("DELETE FROM comments WHERE id = ?", (cid,))
    for pid in {pid for _, pid in misplaced}:
        conn.execute(
            "UPDATE posts SET comments_archived = (SELECT count(*) FROM comments"
            " WHERE post_id = ? AND removed_at IS NULL) WHERE id = ?",
            (pid, pid),
        )


def _extraction_quality(db: Database) -> None:
    # How well each post's page was read (scraper/parse/quality.py) and the parser's notes:
    # `status` lists the weakest, and a researcher can leave weak pages out of a study.
    db.execute("ALTER TABLE posts ADD COLUMN extraction_score REAL")
    db.execute("ALTER TABLE posts ADD COLUMN extraction_notes TEXT NOT NULL DEFAULT '[]'")


def _approximate_times(db: Database) -> None:
    # A time read from "vor 2 Stunden" against the fetch time is right to its unit only; a
    # researcher must be able to tell it from a stamped one (and versions keep the flag).
    db.execute("ALTER TABLE comments ADD COLUMN published_approximate INTEGER NOT NULL DEFAULT 0")
    db.execute(
        "ALTER TABLE comment_versions ADD COLUMN published_approximate INTEGER NOT NULL DEFAULT 0"
    )


def _comment_spam(db: Database) -> None:
    # The page-level spam verdict (scraper/parse/spam.py): a label, kept out of content_hash so
    # rescoring never makes a new version; versions record the verdict seen when they were taken.
    for table in ("comments", "comment_versions"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN spam INTEGER NOT NULL DEFAULT 0")
        db.execute(f"ALTER TABLE {table} ADD COLUMN spam_score REAL NOT NULL DEFAULT 0")
        db.execute(f"ALTER TABLE {table} ADD COLUMN spam_reasons TEXT NOT NULL DEFAULT '[]'")
    db.execute("CREATE INDEX IF NOT EXISTS comments_spam ON comments(spam)")
    # archive/crosspost.py: a hash of the text without links, to find copies under other posts.
    db.execute("ALTER TABLE comments ADD COLUMN spam_key TEXT")
    db.execute("CREATE INDEX IF NOT EXISTS comments_spam_key ON comments(spam_key)")


def _fetch_exchange(db: Database) -> None:
    # Provenance (issue 14): each response's status line and headers as received, the request
    # as sent, and the hash of its body in `pages` (when the body was kept), so the archive can
    # say exactly what a server answered and `export --format warc` can write it out.
    for column in ("http_version", "reason_phrase", "request_method", "request_headers",
                   "response_headers", "page_hash"):  # fmt: skip
        db.execute(f"ALTER TABLE fetches ADD COLUMN {column} TEXT")
    db.execute("CREATE INDEX IF NOT EXISTS fetches_page ON fetches(page_hash)")


def _field_sources(db: Database) -> None:
    # Which parser or shared cue read each value (issue 12), a JSON object of field name to
    # label; NULL on rows stored before it: they were read, but nobody wrote down by what.
    for table in ("posts", "comments"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN field_sources TEXT")


def _split(script: str) -> list[str]:
    """Split a DDL script on statement boundaries, keeping trigger bodies whole."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        current += line
        if current.strip() and sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


# In order; the names are recorded in the archive's `_sqlite_migrations` table.
_STEPS: tuple[tuple[str, Callable[[Database], None]], ...] = (
    ("0001_initial", _initial),
    ("0002_site_discovered_at", _site_discovered_at),
    ("0003_fetch_kind", _fetch_kind),
    ("0004_heal_misplaced_comments", _heal_misplaced_comments),
    ("0005_extraction_quality", _extraction_quality),
    ("0006_approximate_times", _approximate_times),
    ("0007_comment_spam", _comment_spam),
    ("0008_linked_keys", linked_keys),
    ("0009_fetch_exchange", _fetch_exchange),
    ("0010_field_sources", _field_sources),
)
assert len(_STEPS) == SCHEMA_VERSION


def _version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _is_current(conn: sqlite3.Connection) -> bool:
    # user_version is written only after every step applied: a run over an up-to-date archive
    # (every cron run but the first) then skips loading sqlite-utils' migration machinery.
    return _version(conn) == SCHEMA_VERSION


def migrations() -> Migrations:
    """Every step, by name, as sqlite-utils' registry (`apply(db, stop_before=...)` for tests)."""
    from sqlite_utils.migrations import Migrations

    registry = Migrations(MIGRATIONS_NAME)
    for name, step in _STEPS:
        registry(name=name)(step)
    return registry


def migrate(conn: sqlite3.Connection) -> None:
    """Apply pending migrations (idempotent) and record the version in PRAGMA user_version."""
    if _is_current(conn):
        return
    from sqlite_utils import Database

    db = Database(conn, execute_plugins=False)
    registry = migrations()
    if registry.pending(db):
        registry.apply(db)
    if _version(conn) < SCHEMA_VERSION:  # never lower the mark a newer blogarchive left
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")


def needs_migration(conn: sqlite3.Connection) -> bool:
    if _is_current(conn):
        return False
    from sqlite_utils import Database

    return bool(migrations().pending(Database(conn, execute_plugins=False)))
