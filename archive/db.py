"""The Archive: opening, migrating and writing the SQLite file."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from archive import frontier, lock, store
from archive.ids import body_hash, from_iso, now_utc, to_iso
from archive.schema import SCHEMA_VERSION, migrate, needs_migration
from archive.store import StoreResult
from scraper.core.errors import ArchiveError, ArchiveFullError, UnusableArchiveError
from scraper.core.models import (
    Comment,
    Exchange,
    FetchedPage,
    FetchOutcome,
    ParsedPage,
    RunReport,
)

RUN_STATUSES = frozenset({"ok", "partial", "failed", "interrupted"})
# Runs that went through their sites; an interrupted run left work in the frontier instead,
# and a failed one (its disk filled up) stopped short: the next run is due at once.
_COVERING = ("ok", "partial")
BUSY_TIMEOUT_MS = 30_000
_COUNTS = (
    "pages_fetched",
    "pages_not_modified",
    "pages_failed",
    "pages_robots_blocked",
    "posts_new",
    "posts_changed",
    "comments_new",
    "comments_changed",
    "comments_removed",
    "bytes_received",
)


def _exchange_columns(
    exchange: Exchange | None,
) -> tuple[str | None, str | None, str | None, str | None, str | None]:
    """http_version, reason_phrase, request_method and the two header lists (JSON arrays of
    [name, value] pairs, in the order they went over the wire)."""
    if exchange is None:
        return (None, None, None, None, None)
    return (
        exchange.http_version,
        exchange.reason,
        exchange.method,
        json.dumps([list(pair) for pair in exchange.request_headers]),
        json.dumps([list(pair) for pair in exchange.response_headers]),
    )


def connect(path: str | Path, *, readonly: bool) -> sqlite3.Connection:
    """A raw connection with our pragmas; read-only ones use a `mode=ro` URI and query_only."""
    path = Path(path)
    if not path.is_file():
        raise UnusableArchiveError(f"no archive at {path}")
    try:
        if readonly:
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None
            )
            conn.execute("PRAGMA query_only = ON")
        else:
            conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
        conn.execute("PRAGMA schema_version").fetchone()  # fails here if not a database
    except sqlite3.Error as error:
        raise UnusableArchiveError(f"cannot open the archive {path}: {error}") from error
    try:
        _refuse_newer(conn, path)
    except UnusableArchiveError:
        conn.close()
        raise
    return conn


def is_disk_full(error: sqlite3.Error) -> bool:
    """SQLite's SQLITE_FULL: a write found no room (ENOSPC, quota) for the WAL or the file."""
    return getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL


def disk_full(path: Path, error: sqlite3.Error) -> ArchiveFullError:
    """The one line a full disk gets; the failed transaction was rolled back, so what is in
    the archive is every page stored before it."""
    return ArchiveFullError(
        f"disk full: cannot write to the archive {path} ({error}); the run stopped"
        " (archive unchanged since the last stored page)"
    )


def _refuse_newer(conn: sqlite3.Connection, path: Path) -> None:
    """An archive a newer blogarchive wrote has tables this one does not know how to keep."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise UnusableArchiveError(
            f"{path} was written by a newer blogarchive (archive schema {version}, this one"
            f" knows {SCHEMA_VERSION}); upgrade blogarchive to use it"
        )


def _refuse_damaged(conn: sqlite3.Connection, path: Path) -> None:
    """A damaged file is not written to: every write could lose more. `quick_check` reads
    every page once (about 2 s per GB), which a run can afford and a reader need not pay."""
    problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
    if problems != ["ok"]:
        raise UnusableArchiveError(
            f"the archive {path} is damaged ({'; '.join(problems)[:200]}); nothing was"
            " written. Restore a backup, or try `sqlite3 FILE .recover`"
        )


class Archive:
    """A blogarchive SQLite file, migrated on open; one writer at a time (see `lock`)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, readonly: bool) -> None:
        self.conn = conn
        self.path = path
        self.readonly = readonly
        self._depth = 0  # savepoints open inside the current transaction

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False) -> Archive:
        path = Path(path)
        if not readonly and not path.exists():
            if not path.parent.is_dir():
                raise UnusableArchiveError(
                    f"cannot create the archive {path}: no directory {path.parent}"
                )
            sqlite3.connect(str(path)).close()
        conn = connect(path, readonly=readonly)
        archive = cls(conn, path, readonly=readonly)
        try:
            if not readonly:
                _refuse_damaged(conn, path)
            if readonly:
                if needs_migration(conn):
                    raise UnusableArchiveError(
                        f"{path} is not a blogarchive archive of the current version"
                        " (a `blogarchive run` migrates it)"
                    )
            else:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                migrate(conn)
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as error:
            conn.close()
            if is_disk_full(error):  # migrating or switching to WAL needed room
                raise disk_full(path, error) from error
            raise UnusableArchiveError(f"cannot open the archive {path}: {error}") from error
        except ArchiveError:
            conn.close()
            raise
        return archive

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """Hold the archive's writer lock; LockedError if a live process holds it."""
        return lock.hold(self.path)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction around many writes (bulk loads, reparse); nesting uses savepoints."""
        if self.readonly:
            raise ArchiveError(f"the archive {self.path} is open read-only")
        conn = self.conn
        if conn.in_transaction:
            # Named by depth, not at random: the same few statements stay in sqlite3's statement
            # cache instead of pushing the archive's prepared queries out of it on every page.
            self._depth += 1
            name = f"sp_{self._depth}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                raise
            finally:
                self._depth -= 1
            conn.execute(f"RELEASE {name}")
            return
        # IMMEDIATE: take the write lock up front, so a reader-turned-writer never hits SQLITE_BUSY.
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            if is_disk_full(error):
                raise disk_full(self.path, error) from error
            raise ArchiveError(f"cannot write to the archive {self.path}: {error}") from error
        try:
            yield
            # COMMIT is where a full disk shows in WAL mode: the frames are written then.
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            self._rollback()
            if is_disk_full(error):
                raise disk_full(self.path, error) from error
            raise ArchiveError(f"archive write failed: {error}") from error
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        """Undo the open transaction, if SQLite has not already (it may, on SQLITE_FULL)."""
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    # -- sites and runs -------------------------------------------------------------------------

    def ensure_site(self, name: str, url: str, platform: str) -> None:
        with self.batch():
            self.conn.execute(
                "INSERT INTO sites (name, url, platform, added_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET url = excluded.url, platform = excluded.platform"
                " WHERE url IS NOT excluded.url OR platform IS NOT excluded.platform",
                (name, url, platform, to_iso(now_utc())),
            )

    def discovered_at(self, site: str) -> datetime | None:
        """When the site's posts were last listed in full (None: never)."""
        row = self.conn.execute(
            "SELECT discovered_at FROM sites WHERE name = ?", (site,)
        ).fetchone()
        return from_iso(row[0]) if row else None

    def mark_discovered(self, site: str, at: datetime) -> None:
        with self.batch():
            self.conn.execute(
                "UPDATE sites SET discovered_at = ? WHERE name = ?", (to_iso(at), site)
            )

    def last_run_at(self, site: str) -> datetime | None:
        """When the last run that went through `site` started (start, not end: no cron drift)."""
        row = self.conn.execute(
            "SELECT max(r.started_at) FROM runs r JOIN run_sites s ON s.run_id = r.id"
            " WHERE s.site = ? AND r.status IN (?, ?)",
            (site, *_COVERING),
        ).fetchone()
        return from_iso(row[0])

    def failed_runs_in_a_row(self, site: str, marker: str) -> int:
        """How many of the site's latest covering runs, newest first, have an error (in
        run_sites.errors) starting with `marker`: the scheduler's retry backoff."""
        streak = 0
        for (errors,) in self.conn.execute(
            "SELECT s.errors FROM runs r JOIN run_sites s ON s.run_id = r.id"
            " WHERE s.site = ? AND r.status IN (?, ?) ORDER BY r.started_at DESC LIMIT 32",
            (site, *_COVERING),
        ):
            if not any(str(e).startswith(marker) for e in json.loads(errors or "[]")):
                break
            streak += 1
        return streak

    def start_run(self, sites: Sequence[str], started_at: datetime) -> int:
        with self.batch():
            # Runs start under the archive's lock, so a run still marked running was killed.
            self.conn.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            cursor = self.conn.execute(
                "INSERT INTO runs (started_at, status, pid, sites) VALUES (?, 'running', ?, ?)",
                (to_iso(started_at), os.getpid(), json.dumps(list(sites))),
            )
            run_id = cursor.lastrowid
            assert run_id is not None
            self.conn.executemany(
                "INSERT INTO run_sites (run_id, site) VALUES (?, ?)",
                [(run_id, site) for site in dict.fromkeys(sites)],
            )
        return run_id

    def finish_run(self, run_id: int, report: RunReport, status: str) -> None:
        if status not in RUN_STATUSES:
            raise ArchiveError(f"run status must be one of {sorted(RUN_STATUSES)}, not {status!r}")
        totals = [sum(getattr(site, name) for site in report.sites) for name in _COUNTS]
        assignments = ", ".join(f"{name} = ?" for name in _COUNTS)
        with self.batch():
            cursor = self.conn.execute(
                f"UPDATE runs SET finished_at = ?, status = ?, {assignments} WHERE id = ?",
                (to_iso(report.finished_at), status, *totals, run_id),
            )
            if cursor.rowcount == 0:
                raise ArchiveError(f"no run {run_id} in the archive")
            columns = ", ".join(_COUNTS)
            updates = ", ".join(f"{name} = excluded.{name}" for name in (*_COUNTS, "errors"))
            self.conn.executemany(
                f"INSERT INTO run_sites (run_id, site, {columns}, errors)"
                f" VALUES (?, ?, {', '.join('?' for _ in _COUNTS)}, ?)"
                f" ON CONFLICT (run_id, site) DO UPDATE SET {updates}",
                [
                    (run_id, site.site, *(getattr(site, name) for name in _COUNTS),
                     json.dumps(list(site.errors), ensure_ascii=False))
                    for site in report.sites
                ],
            )  # fmt: skip

    # -- fetches ----------------------------------------------------------------------------------

    def record_fetch(
        self, run_id: int | None, site: str, outcome: FetchOutcome, kind: str = "post"
    ) -> None:
        """One `fetches` row; `kind` is "post" for post pages, "discovery" for feeds, sitemaps,
        listings and comment pages or APIs read to find posts and complete threads."""
        page = outcome.page
        fetched_at = outcome.fetched_at or (page.fetched_at if page else None) or now_utc()
        etag = page.etag if page else None
        modified = page.last_modified if page else None
        exchange = page.exchange if page else None
        with self.batch():
            self.conn.execute(
                "INSERT INTO fetches (run_id, site, kind, url, final_url, status, http_status,"
                " reason, attempts, fetched_at, bytes_received, etag, last_modified, redirects,"
                " http_version, reason_phrase, request_method, request_headers, response_headers,"
                " page_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, site, kind, outcome.url, page.final_url if page else None, outcome.status,
                 outcome.http_status if outcome.http_status is not None else
                 (page.status if page else None), outcome.reason, outcome.attempts,
                 to_iso(fetched_at), outcome.bytes_received, etag, modified,
                 json.dumps(list(outcome.redirects or (page.redirects if page else ()))),
                 *_exchange_columns(exchange),
                 # The body's key in `pages` (kept there when the page was stored or failed).
                 body_hash(page.body) if page else None),
            )  # fmt: skip
            if outcome.status == "ok" and (etag or modified):
                self.conn.execute(
                    "INSERT INTO url_validators (url, etag, last_modified, fetched_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,"
                    " last_modified = excluded.last_modified, fetched_at = excluded.fetched_at",
                    (outcome.url, etag, modified, to_iso(fetched_at)),
                )
            elif outcome.status == "ok":
                # The server stopped sending validators: asking conditionally would be wrong.
                self.conn.execute("DELETE FROM url_validators WHERE url = ?", (outcome.url,))

    def validators(self, url: str) -> tuple[str | None, str | None]:
        row = self.conn.execute(
            "SELECT etag, last_modified FROM url_validators WHERE url = ?", (url,)
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    # -- pages, posts, comments ---------------------------------------------------------------

    def store_page(
        self,
        site: str,
        page: FetchedPage,
        parsed: ParsedPage,
        *,
        observed_at: datetime,
        thread_complete: bool,
        extra_comments: Sequence[Comment] = (),
        completeness_note: str | None = None,
    ) -> StoreResult:
        """Store one fetched page in one transaction; see `archive.store.store_page`."""
        with self.batch():
            if self.conn.execute("SELECT 1 FROM sites WHERE name = ?", (site,)).fetchone() is None:
                raise ArchiveError(f"unknown site {site!r}: ensure_site() it first")
            return store.store_page(
                self.conn,
                site,
                page,
                parsed,
                observed_at=observed_at,
                thread_complete=thread_complete,
                extra_comments=extra_comments,
                completeness_note=completeness_note,
            )

    def rescore_spam(self) -> tuple[int, int]:
        """Cross-post spam marks recomputed over the whole archive: (marked, cleared)."""
        from archive.crosspost import rescore

        with self.batch():
            return rescore(self.conn)

    def keep_raw(self, site: str, page: FetchedPage, *, observed_at: datetime) -> None:
        """Keep a fetched body that could not be archived as a post (its parse failed), so
        that `reparse` can read it once a parser can; see `archive.store.store_raw`."""
        with self.batch():
            store.store_raw(self.conn, site, page, to_iso(observed_at))

    def mark_not_modified(self, url: str, observed_at: datetime) -> None:
        with self.batch():
            store.mark_not_modified(self.conn, url, observed_at)

    def post_revisit_info(
        self, site: str
    ) -> Iterator[tuple[str, datetime | None, datetime | None, int]]:
        """(fetched URL, published, last fetched, comments new at the last fetch) per post."""
        rows = self.conn.execute(
            "SELECT source_url, published_at, last_fetched_at, comment_growth FROM posts"
            " WHERE site = ? ORDER BY seq",
            (site,),
        ).fetchall()
        for url, published, fetched, growth in rows:
            yield url, from_iso(published), from_iso(fetched), growth

    def stored_pages(
        self, site: str | None = None
    ) -> Iterator[tuple[str, str, bytes, str, datetime]]:
        """The latest stored body of every URL, decompressed one at a time (for reparse)."""
        keys = self.conn.execute(
            "SELECT site, url, hash, max(last_seen_at) FROM page_urls"
            " WHERE ?1 IS NULL OR site = ?1 GROUP BY url ORDER BY site, url",
            (site,),
        ).fetchall()
        for site_name, url, digest, seen in keys:
            row = self.conn.execute(
                "SELECT compression, body, content_type FROM pages WHERE hash = ?", (digest,)
            ).fetchone()
            if row is None:
                raise ArchiveError(f"stored page {digest} for {url} is missing")
            if row[0] != store.COMPRESSION:
                raise ArchiveError(f"stored page {digest} uses unknown compression {row[0]!r}")
            fetched = from_iso(seen)
            assert fetched is not None
            yield site_name, url, zlib.decompress(row[1]), row[2], fetched

    # -- frontier -----------------------------------------------------------------------------

    def frontier_add(
        self, site: str, urls: Iterable[tuple[str, str]], run_id: int | None = None
    ) -> int:
        with self.batch():
            return frontier.add(self.conn, site, urls, run_id)

    def frontier_pending(self, site: str, limit: int) -> list[tuple[str, str]]:
        return frontier.pending(self.conn, site, limit)

    def frontier_urls(self, site: str) -> set[str]:
        return frontier.urls(self.conn, site)

    def frontier_done(self, site: str, url: str, status: str) -> None:
        with self.batch():
            frontier.done(self.conn, site, url, status)

    def frontier_reset(self, site: str) -> None:
        with self.batch():
            frontier.reset(self.conn, site)
