"""Full-text search over posts and comments, ranked within a bounded window of newest matches."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

from archive.spamfilter import SpamMode, spam_clause
from scraper.core.errors import ArchiveError

Where = Literal["posts", "comments", "all"]
# bm25 costs ~1 µs per matching row; a word in every row of a million would take a second.
# Ranking only the newest WINDOW matches keeps the cost bounded; with fewer matches it is exact.
WINDOW = 2000
MARK_START, MARK_END = "\x02", "\x03"  # snippet highlight markers, rendered by the caller


@dataclass(frozen=True)
class Hit:
    kind: str  # "post" | "comment"
    id: str
    post_id: str
    site: str
    url: str | None
    title: str | None
    author: str | None
    published_at: str | None
    snippet: str
    rank: float

    def to_dict(self, start: str = "**", end: str = "**") -> dict[str, Any]:
        record = dict(self.__dict__)
        record["snippet"] = self.snippet.replace(MARK_START, start).replace(MARK_END, end)
        return record


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]
    exhaustive: bool  # False when ranking was limited to the newest WINDOW matches
    total: int = 0  # every match, not only the hits shown
    notes: tuple[str, ...] = ()  # how the query was read ("searched the words instead")


@dataclass(frozen=True)
class _Table:
    kind: str
    fts: str
    join: str
    site: str
    author: str
    published: str
    snippet_column: int
    select: str


_POSTS = _Table(
    "post",
    "posts_fts",
    "JOIN posts p ON p.seq = f.rowid",
    "p.site",
    "p.author",
    "p.published_at",
    -1,
    "'post', p.id, p.id, p.site, p.url, p.title, p.author, p.published_at",
)
_COMMENTS = _Table(
    "comment",
    "comments_fts",
    "JOIN comments c ON c.seq = f.rowid JOIN posts p ON p.id = c.post_id",
    "c.site",
    "c.author",
    "c.published_at",
    0,
    "'comment', c.id, c.post_id, c.site, coalesce(c.permalink, p.url), p.title, c.author,"
    " c.published_at",
)


def normalise_since(since: str | None) -> str | None:
    """A date or datetime given by a user, as the ISO UTC text stored in the archive."""
    if since is None:
        return None
    try:
        moment = datetime.fromisoformat(since)
    except ValueError:
        raise ArchiveError(f"--since {since!r} is not a date like 2015-02-26") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def quote_query(query: str) -> str:
    """Each word as an FTS5 string, for input that is not valid FTS5 syntax."""
    return " ".join('"' + token.replace('"', '""') + '"' for token in query.split())


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    where: Where = "all",
    site: str | None = None,
    author: str | None = None,
    since: str | None = None,
    limit: int = 20,
    spam: SpamMode = "include",
) -> SearchResult:
    """Ranked matches with snippets; FTS5 syntax accepted, else the words are searched plainly."""
    if not query.strip():
        raise ArchiveError("the search query is empty")
    tables = {"posts": (_POSTS,), "comments": (_COMMENTS,), "all": (_POSTS, _COMMENTS)}[where]
    if spam == "only":  # spam is a comment's label: posts have none to match
        tables = tuple(table for table in tables if table is not _POSTS)
    since_iso = normalise_since(since)
    notes = _operator_hints(query)
    try:
        found = _search(conn, query, tables, site, author, since_iso, limit, spam)
        return replace(found, notes=notes)
    except sqlite3.OperationalError as error:
        # Not FTS5 syntax ("unterminated string", "no such column: a"): search the words.
        notes = (f"{query!r} is not FTS5 query syntax ({error}); searched the words instead",)
    try:
        found = _search(conn, quote_query(query), tables, site, author, since_iso, limit, spam)
    except sqlite3.OperationalError as error:
        raise ArchiveError(f"search failed: {error}") from error
    return replace(found, notes=notes)


_LOWER_OPERATOR = re.compile(r"(?<!\S)(or|and|not)(?!\S)")


def _operator_hints(query: str) -> tuple[str, ...]:
    """FTS5's operators are upper case: a lower-case "or" is searched as a word."""
    return tuple(
        f"'{word}' was searched as a word; FTS5 operators are upper case ({word.upper()})"
        for word in dict.fromkeys(_LOWER_OPERATOR.findall(query))
        if len(query.split()) > 1
    )


def _search(
    conn: sqlite3.Connection,
    match: str,
    tables: tuple[_Table, ...],
    site: str | None,
    author: str | None,
    since: str | None,
    limit: int,
    spam: SpamMode = "include",
) -> SearchResult:
    scored: list[tuple[float, _Table, int]] = []
    exhaustive = True
    total = 0
    for table in tables:
        filters = (
            f" AND (?2 IS NULL OR {table.site} = ?2)"
            f" AND (?3 IS NULL OR {table.author} = ?3 COLLATE NOCASE)"
            f" AND (?4 IS NULL OR {table.published} >= ?4)"
            + (spam_clause(spam, "c.spam") if table is _COMMENTS else "")
        )
        params = (match, site, author, since)
        window = conn.execute(
            f"SELECT f.rowid FROM {table.fts} f {table.join} WHERE {table.fts} MATCH ?1"
            f"{filters} ORDER BY f.rowid DESC LIMIT {WINDOW:d}",
            params,
        ).fetchall()
        if not window:
            continue
        floor = window[-1][0]
        exhaustive = exhaustive and len(window) < WINDOW
        total += len(window) if len(window) < WINDOW else _count(conn, table, filters, params)
        scored.extend(
            (score, table, rowid)
            for rowid, score in conn.execute(
                f"SELECT f.rowid, bm25({table.fts}) AS score FROM {table.fts} f {table.join}"
                f" WHERE {table.fts} MATCH ?1 AND f.rowid >= ?5{filters}"
                f" ORDER BY score LIMIT {limit:d}",
                (*params, floor),
            )
        )
    scored.sort(key=lambda item: item[0])
    hits = tuple(_hit(conn, match, table, rowid, score) for score, table, rowid in scored[:limit])
    return SearchResult(hits, exhaustive, total)


def _count(conn: sqlite3.Connection, table: _Table, filters: str, params: tuple[Any, ...]) -> int:
    row = conn.execute(
        f"SELECT count(*) FROM {table.fts} f {table.join} WHERE {table.fts} MATCH ?1{filters}",
        params,
    ).fetchone()
    return int(row[0])


def _hit(conn: sqlite3.Connection, match: str, table: _Table, rowid: int, score: float) -> Hit:
    # Snippets only for the hits shown: snippet() per candidate would cost more than ranking.
    row = conn.execute(
        f"SELECT {table.select}, snippet({table.fts}, {table.snippet_column}, ?, ?, '…', 16)"
        f" FROM {table.fts} f {table.join} WHERE {table.fts} MATCH ? AND f.rowid = ?",
        (MARK_START, MARK_END, match, rowid),
    ).fetchone()
    kind, record_id, post, site, url, title, author, published, snippet = row
    return Hit(kind, record_id, post, site, url, title, author, published, snippet or "", score)
