"""Datasette metadata for an archive: a `threads` reading query, FTS, facets, column notes."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

# Datasette escapes every cell and collapses ordinary spaces, so a reply is indented with em
# spaces (two per level, at most 20 levels shown) and marked with an arrow.
_INDENT = "\u2003" * 40
NEWEST_POSTS = 20  # threads shown when no post is asked for
# Link cells (whole URLs) cannot wrap, so without a floor the reading columns shrink to a word
# per line. Inline, through Datasette's own `extra_css_urls`: nothing to serve beside it.
_CSS = (
    ".rows-and-columns td.col-thread { min-width: 24em }"
    " .rows-and-columns td.col-earlier_text { min-width: 12em }"
)

# A post's row, then its comments in thread order: a walk down `parent_seq` from the comments
# without a parent in the thread, siblings by their place on the page (position, then seq), as
# `blogarchive show` draws them. Links into Datasette are built from the request's Host header
# (Datasette's magic parameters), because Datasette only links a cell that is a whole URL.
_THREADS_SQL = """WITH RECURSIVE
chosen(post_seq, rank) AS (
  SELECT seq, row_number() OVER (ORDER BY coalesce(published_at, first_seen_at) DESC, seq DESC)
    FROM posts
   WHERE :post = '' OR :post IN (id, url, source_url)
      OR id = (SELECT post_id FROM comments WHERE id = :post)
   ORDER BY 2 LIMIT {newest}
),
tree(seq, rank, depth, path) AS (
  SELECT c.seq, ch.rank, 0, printf('%08d.%012d', c.position, c.seq)
    FROM chosen ch JOIN comments c ON c.post_seq = ch.post_seq
   WHERE c.parent_seq IS NULL
  UNION ALL
  SELECT c.seq, t.rank, t.depth + 1, t.path || '/' || printf('%08d.%012d', c.position, c.seq)
    FROM tree t JOIN comments c ON c.parent_seq = t.seq
),
site_root(base) AS (
  SELECT coalesce(nullif(:_header_x_forwarded_proto, ''), 'http') || '://' || :_header_host
         || '/{route}'
),
lines AS (
  SELECT ch.rank, '' AS path, coalesce(p.title, p.url) AS thread, p.author, NULL AS author_url,
         trim('post, '
           || CASE WHEN p.thread_complete THEN ''
                   ELSE 'thread incomplete' || coalesce(' (' || p.completeness_note || ')', '')
                        || ', ' END
           || CASE WHEN earlier.text IS NOT NULL THEN 'edited, ' ELSE '' END, ', ') AS marks,
         p.published_at, earlier.text AS earlier_text, p.url AS link,
         (SELECT base FROM site_root) || '/posts/' || p.seq AS archive_link,
         NULL AS depth, NULL AS comment_id, p.id AS post_id
    FROM chosen ch JOIN posts p ON p.seq = ch.post_seq
    LEFT JOIN post_versions earlier ON earlier.id = (
      SELECT v.id FROM post_versions v
       WHERE v.post_id = p.id AND v.text != p.text ORDER BY v.id DESC LIMIT 1)
  UNION ALL
  SELECT t.rank, t.path,
         substr('{indent}', 1, 2 * min(t.depth, 20))
           || CASE WHEN t.depth > 0 THEN '\u21b3 ' ELSE '' END || c.text,
         c.author, c.author_url,
         trim(CASE WHEN c.kind != 'comment' THEN c.kind || ', ' ELSE '' END
           || CASE WHEN c.by_post_author THEN 'post author, ' ELSE '' END
           || CASE WHEN c.deleted THEN 'deleted, ' ELSE '' END
           || CASE WHEN c.removed_at IS NOT NULL
                   THEN 'removed ' || substr(c.removed_at, 1, 10) || ', ' ELSE '' END
           || CASE WHEN e.text IS NOT NULL AND NOT c.deleted THEN 'edited, ' ELSE '' END
           || CASE WHEN c.spam THEN 'spam, ' ELSE '' END, ', '),
         c.published_at, e.text, c.permalink,
         (SELECT base FROM site_root) || '/comments/' || c.seq,
         t.depth, c.id, c.post_id
    FROM tree t JOIN comments c ON c.seq = t.seq
    LEFT JOIN comment_versions e ON e.id = (
      SELECT v.id FROM comment_versions v
       WHERE v.comment_id = c.id AND v.text != c.text ORDER BY v.id DESC LIMIT 1)
)
SELECT thread, author, author_url, marks, published_at, earlier_text, archive_link, link,
       depth, comment_id, post_id
  FROM lines
 ORDER BY rank, path"""

_SOURCES = (
    'Which parser or shared cue read each field, as JSON ({"author": "wordpress",'
    ' "published": "shared:time-element"}); empty on rows stored before schema 10'
)
_POSTS = {
    "id": "The post's archive id (deterministic: re-runs update it instead of duplicating)",
    "seq": "Row number; the full-text index and the links from comments point at it",
    "site": "The configured site it was archived from",
    "url": "The post's canonical URL",
    "source_url": "The URL it was last fetched from",
    "title": "Title, as the page showed it",
    "text": "The post's text",
    "html": "The post's HTML, sanitised (no scripts, styles or event handlers)",
    "comment_count_shown": "How many comments the page said it had",
    "comments_archived": "Comments archived and still on the page",
    "thread_complete": "1 when every comment the page shows was archived",
    "completeness_note": "Why the thread is incomplete (robots, JavaScript-only widget, ...)",
    "field_sources": _SOURCES,
    "first_seen_at": "First archived (ISO 8601 UTC)",
    "last_seen_at": "Last seen on the blog (ISO 8601 UTC)",
}
_COMMENTS = {
    "id": "The comment's archive id",
    "seq": "Row number; the full-text index and the links between comments point at it",
    "text": "The comment's text (for a removed comment, what it said when last seen)",
    "author": "Author's name as shown",
    "author_url": "Author's link (absolute http(s) only)",
    "post_id": "Archive id of its post",
    "post_seq": "Its post (link)",
    "parent_id": "Archive id of the comment it replies to",
    "parent_seq": "The comment it replies to (link)",
    "platform_id": "The blog platform's own id of the comment",
    "depth": "Reply depth: 0 for a top-level comment",
    "position": "Place in the thread as the page showed it",
    "kind": "comment, pingback or trackback",
    "by_post_author": "1 when written by the post's author",
    "deleted": "1 when the blog shows it as deleted (its earlier text is in comment_versions)",
    "removed_at": "When it vanished from a page fetched whole; its text stays",
    "spam": "1 when the page-level spam check flagged it",
    "published_approximate": "1 when the time was read from 'x days ago': right to its unit only",
    "field_sources": _SOURCES,
    "first_seen_at": "First archived (ISO 8601 UTC)",
    "last_seen_at": "Last seen on the blog (ISO 8601 UTC)",
}
_VERSION = {
    "observed_at": "When this version was archived (ISO 8601 UTC)",
    "content_hash": "Hash of the versioned fields; a new row only when it changes",
    "text": "The text as it was then",
}


def _route(database: str) -> str:
    """The database's name in Datasette's URLs (its tilde encoding)."""
    safe = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    return "".join(c if c in safe else "".join(f"~{b:02X}" for b in c.encode()) for c in database)


def threads_sql(database: str) -> str:
    """The `threads` query for the database Datasette names `database`."""
    return (
        _THREADS_SQL.replace("{newest}", str(NEWEST_POSTS))
        .replace("{route}", _route(database))
        .replace("{indent}", _INDENT)
    )


def metadata(database: str) -> dict[str, Any]:
    """The metadata JSON for `datasette <database>.db -m metadata.json`."""
    hidden = {"hidden": True}
    return {
        "title": "blogarchive",
        "description": "Blog posts and their comment threads, archived with dated versions."
        " Start with the threads query.",
        "extra_css_urls": ["data:text/css," + quote(_CSS)],
        "databases": {
            database: {
                "tables": {
                    "posts": {
                        "facets": ["site", "author", "platform"],
                        "sort_desc": "published_at",
                        "label_column": "title",
                        "columns": _POSTS,
                    },
                    "comments": {
                        "facets": ["site", "author", "kind", "deleted", "spam"],
                        "sort_desc": "published_at",
                        "label_column": "author",
                        "columns": _COMMENTS,
                    },
                    "post_versions": {
                        "facets": ["post_id"],
                        "columns": {**_VERSION, "post_seq": "The post (link)"},
                    },
                    "comment_versions": {
                        "facets": ["comment_id"],
                        "columns": {**_VERSION, "comment_seq": "The comment (link)"},
                    },
                    "runs": {"sort_desc": "id", "facets": ["status"]},
                    "fetches": {"sort_desc": "id", "facets": ["site", "status"]},
                    # The machinery: raw page bodies, the work queue, HTTP validators.
                    "pages": hidden,
                    "page_urls": hidden,
                    "url_validators": hidden,
                    "frontier": hidden,
                    "_sqlite_migrations": hidden,
                    "blogarchive_demo": hidden,  # the mark of an archive `demo` made
                },
                "queries": {
                    "threads": {
                        "title": "Comment threads",
                        "description": (
                            "A post, then its comments in thread order, replies indented,"
                            " with their marks and the earlier text of edited and deleted"
                            " comments. Give a post id or URL, or a comment id, as post;"
                            f" leave it empty for the {NEWEST_POSTS} newest posts."
                        ),
                        "sql": threads_sql(database),
                        "hide_sql": True,
                    }
                },
            }
        },
    }
