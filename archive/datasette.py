"""Datasette metadata for an archive: FTS search, facets and a canned thread query."""

from __future__ import annotations

from typing import Any

# The thread in reading order: a recursive walk from top-level comments, ordered by a path of
# zero-padded positions so replies sit under their parent.
THREAD_SQL = """WITH RECURSIVE thread(seq, level, path) AS (
  SELECT c.seq, 0, printf('%08d', c.position)
    FROM comments c JOIN posts p ON p.id = c.post_id
   WHERE (p.id = :post OR p.url = :post) AND c.parent_id IS NULL
  UNION ALL
  SELECT c.seq, t.level + 1, t.path || '/' || printf('%08d', c.position)
    FROM comments c JOIN comments parent ON parent.id = c.parent_id
    JOIN thread t ON t.seq = parent.seq
)
SELECT substr('                                        ', 1, 2 * min(t.level, 20))
       || coalesce(c.author, 'anonymous') AS author,
       t.level AS depth, c.published_at, c.text, c.deleted, c.removed_at, c.id
  FROM thread t JOIN comments c ON c.seq = t.seq
 ORDER BY t.path"""


def metadata(database: str) -> dict[str, Any]:
    """The metadata JSON for `datasette <database>.db -m metadata.json`."""
    return {
        "title": "blogarchive",
        "description": "Blog posts and their comment threads, archived with dated versions.",
        "databases": {
            database: {
                "tables": {
                    "posts": {
                        "fts_table": "posts_fts",
                        "fts_pk": "seq",
                        "facets": ["site", "author", "platform"],
                        "sort_desc": "published_at",
                        "label_column": "title",
                    },
                    "comments": {
                        "fts_table": "comments_fts",
                        "fts_pk": "seq",
                        "facets": ["site", "author", "kind", "deleted", "spam"],
                        "sort_desc": "published_at",
                    },
                    "post_versions": {"facets": ["post_id"]},
                    "comment_versions": {"facets": ["comment_id"]},
                    "runs": {"sort_desc": "id", "facets": ["status"]},
                    "fetches": {"sort_desc": "id", "facets": ["site", "status"]},
                    "pages": {"hidden": True},
                },
                "queries": {
                    "thread": {
                        "title": "A post's comment thread",
                        "description": "Give a post id or URL as :post.",
                        "sql": THREAD_SQL,
                    }
                },
            }
        },
    }
