"""Migration 0008: foreign keys on the integer keys Datasette links by; FTS as sqlite-utils makes.

`posts` and `comments` are keyed by `seq` (the rowid the full-text index points at, stable across
VACUUM and dumps), while the C6 links (`comments.post_id`, `comments.parent_id`,
`*_versions.post_id` / `comment_id`) hold the text ids. Datasette follows a declared foreign key
to `/<table>/<value>`, read as the other table's primary key, so links declared on the text ids
404. The declared keys are now `post_seq`, `parent_seq` and `comment_seq`, holding the `seq` of
the row the text id names; triggers keep them in step with the text ids whoever writes, so the
writers and C6 stay as they are.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

_POST_VERSIONS = """
CREATE TABLE post_versions_new (
    id INTEGER PRIMARY KEY,
    post_id TEXT NOT NULL,
    observed_at TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    title TEXT,
    author TEXT,
    published_at TEXT,
    updated_at TEXT,
    labels TEXT NOT NULL DEFAULT '[]',
    text TEXT NOT NULL DEFAULT '',
    html TEXT NOT NULL DEFAULT '',
    post_seq INTEGER REFERENCES posts(seq)
)"""

_COMMENT_VERSIONS = """
CREATE TABLE comment_versions_new (
    id INTEGER PRIMARY KEY,
    comment_id TEXT NOT NULL,
    observed_at TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'comment',
    author TEXT,
    author_url TEXT,
    published_at TEXT,
    text TEXT NOT NULL DEFAULT '',
    html TEXT NOT NULL DEFAULT '',
    deleted INTEGER NOT NULL DEFAULT 0,
    published_approximate INTEGER NOT NULL DEFAULT 0,
    spam INTEGER NOT NULL DEFAULT 0,
    spam_score REAL NOT NULL DEFAULT 0,
    spam_reasons TEXT NOT NULL DEFAULT '[]',
    comment_seq INTEGER REFERENCES comments(seq)
)"""

# The new key columns go last: every column keeps its place for `SELECT *` readers.
_COMMENTS = """
CREATE TABLE comments_new (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    post_id TEXT NOT NULL,
    site TEXT NOT NULL,
    platform_id TEXT NOT NULL,
    parent_id TEXT,
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
    removed_at TEXT,
    published_approximate INTEGER NOT NULL DEFAULT 0,
    spam INTEGER NOT NULL DEFAULT 0,
    spam_score REAL NOT NULL DEFAULT 0,
    spam_reasons TEXT NOT NULL DEFAULT '[]',
    spam_key TEXT,
    post_seq INTEGER REFERENCES posts(seq),
    parent_seq INTEGER REFERENCES comments(seq) DEFERRABLE INITIALLY DEFERRED
)"""

# Declared exactly as sqlite-utils' `enable_fts` declares them (double-quoted content table),
# which is what sqlite-utils' `detect_fts`/`search` and Datasette look for. No content_rowid:
# `seq` is the tables' INTEGER PRIMARY KEY, so the rowid both tools join on is `seq`.
_FTS = (
    """CREATE VIRTUAL TABLE "posts_fts" USING FTS5 (
    "title", "text",
    tokenize='unicode61 remove_diacritics 2',
    content="posts"
);""",
    """CREATE VIRTUAL TABLE "comments_fts" USING FTS5 (
    "text", "author",
    tokenize='unicode61 remove_diacritics 2',
    content="comments"
);""",
    "INSERT INTO posts_fts(posts_fts) VALUES ('rebuild');",
    "INSERT INTO comments_fts(comments_fts) VALUES ('rebuild');",
    """CREATE TRIGGER posts_ai AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;""",
    """CREATE TRIGGER posts_ad AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts(posts_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
END;""",
    """CREATE TRIGGER posts_au AFTER UPDATE OF title, text ON posts BEGIN
    INSERT INTO posts_fts(posts_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
    INSERT INTO posts_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;""",
    """CREATE TRIGGER comments_ai AFTER INSERT ON comments BEGIN
    INSERT INTO comments_fts(rowid, text, author) VALUES (new.seq, new.text, new.author);
END;""",
    """CREATE TRIGGER comments_ad AFTER DELETE ON comments BEGIN
    INSERT INTO comments_fts(comments_fts, rowid, text, author)
        VALUES ('delete', old.seq, old.text, old.author);
END;""",
    """CREATE TRIGGER comments_au AFTER UPDATE OF text, author ON comments BEGIN
    INSERT INTO comments_fts(comments_fts, rowid, text, author)
        VALUES ('delete', old.seq, old.text, old.author);
    INSERT INTO comments_fts(rowid, text, author) VALUES (new.seq, new.text, new.author);
END;""",
)

# The integer keys follow the text ids. A reply may be stored before its parent (the parent's
# insert then fills in the reply's parent_seq); nothing changes a post's id or seq.
_KEYS = (
    "CREATE INDEX post_versions_post_seq ON post_versions(post_seq);",
    "CREATE INDEX comment_versions_comment_seq ON comment_versions(comment_seq);",
    "CREATE INDEX comments_post_seq ON comments(post_seq);",
    "CREATE INDEX comments_parent_seq ON comments(parent_seq);",
    """CREATE TRIGGER comments_keys_ai AFTER INSERT ON comments BEGIN
    UPDATE comments SET
        post_seq = (SELECT seq FROM posts WHERE id = new.post_id),
        parent_seq = (SELECT seq FROM comments WHERE id = new.parent_id)
     WHERE seq = new.seq;
    UPDATE comments SET parent_seq = new.seq WHERE parent_id = new.id;
END;""",
    """CREATE TRIGGER comments_keys_au AFTER UPDATE OF post_id, parent_id ON comments BEGIN
    UPDATE comments SET
        post_seq = (SELECT seq FROM posts WHERE id = new.post_id),
        parent_seq = (SELECT seq FROM comments WHERE id = new.parent_id)
     WHERE seq = new.seq;
END;""",
    """CREATE TRIGGER post_versions_keys_ai AFTER INSERT ON post_versions BEGIN
    UPDATE post_versions SET post_seq = (SELECT seq FROM posts WHERE id = new.post_id)
     WHERE id = new.id;
END;""",
    """CREATE TRIGGER comment_versions_keys_ai AFTER INSERT ON comment_versions BEGIN
    UPDATE comment_versions SET comment_seq = (SELECT seq FROM comments WHERE id = new.comment_id)
     WHERE id = new.id;
END;""",
    """CREATE TRIGGER comment_versions_keys_au AFTER UPDATE OF comment_id ON comment_versions BEGIN
    UPDATE comment_versions SET comment_seq = (SELECT seq FROM comments WHERE id = new.comment_id)
     WHERE id = new.id;
END;""",
)


def linked_keys(db: Database) -> None:
    """Migration 0008 (see the module docstring); every row is copied, `seq` and ids kept."""
    conn = db.conn
    for name in ("posts", "comments"):
        for suffix in ("ai", "ad", "au"):
            conn.execute(f"DROP TRIGGER IF EXISTS {name}_{suffix}")
        conn.execute(f"DROP TABLE IF EXISTS {name}_fts")
    post = "(SELECT seq FROM posts p WHERE p.id = old.post_id)"
    _rebuild(conn, "post_versions", _POST_VERSIONS, {"post_seq": post})
    comment = "(SELECT seq FROM comments c WHERE c.id = old.{})"
    _rebuild(conn, "comment_versions", _COMMENT_VERSIONS,
             {"comment_seq": comment.format("comment_id")})  # fmt: skip
    _rebuild(conn, "comments", _COMMENTS,
             {"post_seq": post, "parent_seq": comment.format("parent_id")})  # fmt: skip
    for statement in (*_FTS, *_KEYS):
        conn.execute(statement)


def _rebuild(conn: sqlite3.Connection, table: str, ddl: str, derived: dict[str, str]) -> None:
    """Replace `table` by the one `ddl` makes as `<table>_new` (SQLite cannot drop a foreign key
    in place): every column copied by name, `derived` columns computed from the old row, the
    table's indexes made again. Runs with foreign keys off, as every migration does."""
    columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    indexes = [
        sql
        for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
            " AND sql IS NOT NULL",
            (table,),
        )
    ]
    conn.execute(ddl)
    names = ", ".join([*columns, *derived])
    values = ", ".join([*(f"old.{column}" for column in columns), *derived.values()])
    conn.execute(f"INSERT INTO {table}_new ({names}) SELECT {values} FROM {table} AS old")
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
    for sql in indexes:
        conn.execute(sql)
