"""A few sites' slice of the archive as a small SQLite file: what a distributed worker reads."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from archive.db import Archive

# What a run reads of its sites (see scraper.core.storage.ArchiveStore): the site rows (when
# they were last listed in full), their posts (revisit plan, what changed), their frontier
# (work a stopped run left) and the validators of those URLs (conditional requests). Comments,
# versions and stored bodies stay behind: a run only writes them, and the writer recomputes
# what changed against the real archive when it replays the worker's writes.
_WANTED = "(SELECT name FROM temp.wanted)"
_TABLES = (
    ("sites", f"name IN {_WANTED}"),
    ("posts", f"site IN {_WANTED}"),
    ("frontier", f"site IN {_WANTED}"),
    (
        "url_validators",
        f"url IN (SELECT source_url FROM src.posts WHERE site IN {_WANTED}"
        f" UNION SELECT url FROM src.frontier WHERE site IN {_WANTED})",
    ),
)


def site_slice(source: Path, sites: Sequence[str], run_id: int) -> bytes:
    """The slice of `source` a worker needs to run `sites` in run `run_id`, as file bytes."""
    with tempfile.TemporaryDirectory(prefix="blogarchive-slice-") as folder:
        path = Path(folder) / "slice.db"
        with Archive.open(path) as scratch:
            conn = scratch.conn
            conn.execute("ATTACH DATABASE ? AS src", (str(source),))
            conn.execute("CREATE TEMP TABLE wanted (name TEXT PRIMARY KEY)")
            conn.executemany("INSERT OR IGNORE INTO temp.wanted VALUES (?)", [(s,) for s in sites])
            try:
                with scratch.batch():
                    conn.execute(
                        "INSERT INTO main.runs (id, started_at, status, pid, sites)"
                        " SELECT id, started_at, status, pid, sites FROM src.runs WHERE id = ?",
                        (run_id,),
                    )
                    for table, where in _TABLES:
                        _copy(conn, table, where)
            finally:
                conn.execute("DETACH DATABASE src")
            conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        return path.read_bytes()


def _copy(conn: sqlite3.Connection, table: str, where: str) -> None:
    # By name: an archive migrated over the years may order its columns unlike a new one.
    columns = ", ".join(row[1] for row in conn.execute(f"PRAGMA main.table_info({table})"))
    conn.execute(
        f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM src.{table} WHERE {where}"
    )


@contextmanager
def open_slice(data: bytes) -> Iterator[Archive]:
    """A slice's bytes as a writable scratch archive, deleted when the context ends."""
    with tempfile.TemporaryDirectory(prefix="blogarchive-work-") as folder:
        path = Path(folder) / "slice.db"
        path.write_bytes(data)
        with Archive.open(path) as scratch:
            yield scratch
