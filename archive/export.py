"""Streaming exports (jsonl, json, csv, WordPress WXR), one post and its thread in memory."""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from html import escape as _html_escape
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from archive.queries import COMMENT_COLUMNS, POST_COLUMNS, row_dict, rows
from archive.search import normalise_since
from archive.spamfilter import SpamMode, spam_clause
from scraper.core.errors import ArchiveError

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CSV_COLUMNS = (
    "record_type", "id", "post_id", "parent_id", "site", "url", "title", "author", "author_url",
    "published_at", "kind", "deleted", "removed_at", "first_seen_at", "last_seen_at", "text",
)  # fmt: skip


def escape(text: str) -> str:
    """XML character data: &, < and > escaped (xml.sax would pull in urllib.request at start)."""
    return _html_escape(text, quote=False)


def quoteattr(text: str) -> str:
    """An XML attribute value with its double quotes, everything that needs it escaped."""
    return '"' + _html_escape(text, quote=True) + '"'


def open_output(path: str | Path) -> TextIO:
    """Open exactly `path` for writing: never a directory, never through a symlink."""
    path = Path(path)
    if path.is_dir():
        raise ArchiveError(f"--output {path} is a directory; give a file name")
    if not path.parent.is_dir():
        raise ArchiveError(f"--output {path}: no directory {path.parent}")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    except OSError as error:
        raise ArchiveError(f"cannot write {path}: {error.strerror}") from error
    return open(fd, "w", encoding="utf-8", newline="")


def iter_posts(
    conn: sqlite3.Connection,
    site: str | None = None,
    since: str | None = None,
    spam: SpamMode = "include",
    versions: bool = False,
) -> Iterator[dict[str, Any]]:
    """Posts (oldest first) each with a flat `comments` list in thread order; with `versions`,
    each post and comment also carries `versions`: every archived version, oldest first."""
    since_iso = normalise_since(since)
    posts = conn.execute(
        f"SELECT seq, {POST_COLUMNS} FROM posts WHERE (?1 IS NULL OR site = ?1)"
        " AND (?2 IS NULL OR coalesce(published_at, first_seen_at) >= ?2) ORDER BY seq",
        (site, since_iso),
    )
    for row in posts:
        post = row_dict(posts, row)
        cursor = conn.execute(
            f"SELECT c.seq, {COMMENT_COLUMNS},"
            " (SELECT seq FROM comments x WHERE x.id = c.parent_id) AS parent_seq"
            f" FROM comments c WHERE c.post_id = ?{spam_clause(spam, 'c.spam')}"
            " ORDER BY c.position, c.seq",
            (post["id"],),
        )
        post["comments"] = [row_dict(cursor, comment) for comment in cursor]
        if versions:
            _add_versions(conn, post)
        yield post


_POST_VERSION = "observed_at, content_hash, title, author, published_at, updated_at, labels, text"
_COMMENT_VERSION = (
    "observed_at, content_hash, kind, author, author_url, published_at, deleted, text,"
    " spam, spam_score, spam_reasons"
)


def _add_versions(conn: sqlite3.Connection, post: dict[str, Any]) -> None:
    """`versions` on the post and on each of its comments (two queries per post)."""
    post["versions"] = rows(
        conn, f"SELECT {_POST_VERSION} FROM post_versions WHERE post_id = ? ORDER BY id",
        (post["id"],),
    )  # fmt: skip
    found: dict[str, list[dict[str, Any]]] = {}
    cursor = conn.execute(
        f"SELECT v.comment_id, {', '.join('v.' + c.strip() for c in _COMMENT_VERSION.split(','))}"
        " FROM comment_versions v JOIN comments c ON c.id = v.comment_id"
        " WHERE c.post_id = ? ORDER BY v.id",
        (post["id"],),
    )
    for row in cursor:
        record = row_dict(cursor, row)
        found.setdefault(record.pop("comment_id"), []).append(record)
    for comment in post["comments"]:
        comment["versions"] = found.get(comment["id"], [])


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key not in {"seq", "parent_seq"}}


def write_jsonl(posts: Iterator[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for post in posts:
        post["comments"] = [_public(comment) for comment in post["comments"]]
        out.write(json.dumps(_public(post), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_json(posts: Iterator[dict[str, Any]], out: TextIO) -> int:
    count = 0
    out.write("[")
    for post in posts:
        post["comments"] = [_public(comment) for comment in post["comments"]]
        out.write(("," if count else "") + "\n" + json.dumps(_public(post), ensure_ascii=False))
        count += 1
    out.write("\n]\n")
    return count


# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(…)" in a
# commenter's name): OWASP's rule is to prefix such a cell with a quote, which shows as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """`value`, with a leading `'` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(posts: Iterator[dict[str, Any]], out: TextIO) -> int:
    writer = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    count = 0

    def write(row: dict[str, Any]) -> None:
        writer.writerow({key: spreadsheet_safe(value) for key, value in row.items()})

    for post in posts:
        write({**post, "record_type": "post", "post_id": post["id"], "kind": "post"})
        for comment in post["comments"]:
            write(
                {**comment, "record_type": "comment", "site": post["site"],
                 "url": comment["permalink"], "title": post["title"]}
            )  # fmt: skip
        count += 1
    return count


def _clean(text: object) -> str:
    return _XML_INVALID.sub("", "" if text is None else str(text))


def _cdata(text: object) -> str:
    return "<![CDATA[" + _clean(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _wp_date(iso: str | None) -> str:
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M:%S") if iso else ""


def _rfc822(iso: str | None) -> str:
    return datetime.fromisoformat(iso).strftime("%a, %d %b %Y %H:%M:%S +0000") if iso else ""


def _tag(name: str, value: object) -> str:
    return f"<{name}>{escape(_clean(value))}</{name}>"


_WXR_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>blogarchive export</title>
<link>https://github.com/blogarchive</link>
<description>Posts and comments exported from a blogarchive archive</description>
<wp:wxr_version>1.2</wp:wxr_version>
"""


def write_wxr(posts: Iterator[dict[str, Any]], out: TextIO) -> int:
    """WordPress eXtended RSS 1.2: items with wp:comment and wp:comment_parent (numeric ids)."""
    out.write(_WXR_HEAD)
    count = 0
    for post in posts:
        published = post["published_at"] or post["first_seen_at"]
        slug = urlsplit(post["url"]).path.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        parts = [
            "<item>",
            _tag("title", post["title"] or ""),
            _tag("link", post["url"]),
            _tag("pubDate", _rfc822(published)),
            f"<dc:creator>{_cdata(post['author'] or '')}</dc:creator>",
            f'<guid isPermaLink="false">{escape(_clean(post["id"]))}</guid>',
            "<description></description>",
            f"<content:encoded>{_cdata(post['html'] or post['text'])}</content:encoded>",
            "<excerpt:encoded><![CDATA[]]></excerpt:encoded>",
            _tag("wp:post_id", post["seq"]),
            _tag("wp:post_date", _wp_date(published)),
            _tag("wp:post_date_gmt", _wp_date(published)),
            _tag("wp:post_name", slug),
            "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>",
            "<wp:comment_status>open</wp:comment_status><wp:ping_status>open</wp:ping_status>",
        ]
        for label in post["labels"]:
            parts.append(
                f'<category domain="category" nicename={quoteattr(_clean(label).lower())}>'
                f"{_cdata(label)}</category>"
            )
        parts.extend(_wxr_comment(comment) for comment in post["comments"])
        parts.append("</item>\n")
        out.write("\n".join(parts))
        count += 1
    out.write("</channel>\n</rss>\n")
    return count


def _wxr_comment(comment: dict[str, Any]) -> str:
    published = comment["published_at"] or comment["first_seen_at"]
    gone = comment["deleted"] or comment["removed_at"]
    kind = comment["kind"] if comment["kind"] != "comment" else ""
    return "\n".join(
        (
            "<wp:comment>",
            _tag("wp:comment_id", comment["seq"]),
            f"<wp:comment_author>{_cdata(comment['author'] or '')}</wp:comment_author>",
            "<wp:comment_author_email></wp:comment_author_email>",
            _tag("wp:comment_author_url", comment["author_url"] or ""),
            "<wp:comment_author_IP></wp:comment_author_IP>",
            _tag("wp:comment_date", _wp_date(published)),
            _tag("wp:comment_date_gmt", _wp_date(published)),
            "<wp:comment_content>"
            f"{_cdata(comment['html'] or comment['text'])}</wp:comment_content>",
            _tag("wp:comment_approved", "trash" if gone else "1"),
            _tag("wp:comment_type", kind),
            _tag("wp:comment_parent", comment["parent_seq"] or 0),
            _tag("wp:comment_user_id", 0),
            "</wp:comment>",
        )
    )


WRITERS: dict[str, Callable[[Iterator[dict[str, Any]], TextIO], int]] = {
    "jsonl": write_jsonl,
    "json": write_json,
    "csv": write_csv,
    "wxr": write_wxr,
}
FORMATS = tuple(WRITERS)


# Formats whose records can nest a list of versions.
VERSIONED_FORMATS = ("jsonl", "json")


def export(
    conn: sqlite3.Connection,
    fmt: str,
    out: TextIO,
    *,
    site: str | None = None,
    since: str | None = None,
    spam: SpamMode = "include",
    versions: bool = False,
) -> int:
    """Write the archive (or one site, or posts since a date) to `out`; return posts written.
    `versions` (json and jsonl only) adds every archived version of each post and comment."""
    if fmt not in WRITERS:
        raise ArchiveError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    if versions and fmt not in VERSIONED_FORMATS:
        raise ArchiveError(
            f"--with-versions needs --format {' or '.join(VERSIONED_FORMATS)} ({fmt} has one"
            " row or item per record)"
        )
    return WRITERS[fmt](iter_posts(conn, site, since, spam, versions), out)
