"""The crawl frontier persisted in the archive, so a killed run resumes where it stopped."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from archive.ids import now_utc, to_iso
from scraper.core.errors import ArchiveError

KINDS = frozenset({"post", "listing", "comments"})
PENDING = "pending"


def add(
    conn: sqlite3.Connection, site: str, urls: Iterable[tuple[str, str]], run_id: int | None
) -> int:
    """Queue URLs not yet in the site's frontier (any status); return how many were new."""
    added_at = to_iso(now_utc())
    rows = []
    for url, kind in urls:
        if kind not in KINDS:
            raise ArchiveError(f"frontier kind must be one of {sorted(KINDS)}, not {kind!r}")
        rows.append((site, url, kind, PENDING, run_id, added_at))
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO frontier (site, url, kind, status, run_id, added_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    return conn.total_changes - before


def pending(conn: sqlite3.Connection, site: str, limit: int) -> list[tuple[str, str]]:
    """The oldest queued URLs of a site, in the order they were added."""
    return [
        (row[0], row[1])
        for row in conn.execute(
            "SELECT url, kind FROM frontier WHERE site = ? AND status = ? ORDER BY seq LIMIT ?",
            (site, PENDING, limit),
        )
    ]


def urls(conn: sqlite3.Connection, site: str) -> set[str]:
    """Every URL in the site's frontier, pending or done: the work of a run that did not finish."""
    return {row[0] for row in conn.execute("SELECT url FROM frontier WHERE site = ?", (site,))}


def done(conn: sqlite3.Connection, site: str, url: str, status: str) -> None:
    if status == PENDING:
        raise ArchiveError("frontier_done needs a final status, not 'pending'")
    cursor = conn.execute(
        "UPDATE frontier SET status = ?, done_at = ? WHERE site = ? AND url = ?",
        (status, to_iso(now_utc()), site, url),
    )
    if cursor.rowcount == 0:
        raise ArchiveError(f"{url} is not in the frontier of site {site!r}")


def reset(conn: sqlite3.Connection, site: str) -> None:
    conn.execute("DELETE FROM frontier WHERE site = ?", (site,))
