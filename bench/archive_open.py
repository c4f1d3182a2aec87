"""What the writer's `PRAGMA quick_check(3)` at open costs on a large archive, warm and cold.

python bench/archive_open.py                  # 100,000 comments (builds the archive, ~1 min)
python bench/archive_open.py 300000 --write   # and write the figures to bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import table, write_section
from archive_speed import insert_archive, make_page

from archive.db import Archive


def evict(path: Path) -> None:
    """Drop this file's pages from the page cache (only this file: other work is not touched)."""
    for name in (path, Path(f"{path}-wal")):
        if name.exists():
            fd = os.open(name, os.O_RDONLY)
            try:
                os.fsync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def median_ms(func: Callable[[], object], repeat: int, path: Path, *, cold: bool) -> float:
    times = []
    for _ in range(repeat):
        if cold:
            evict(path)
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def open_writer(path: Path) -> None:
    Archive.open(path).close()


def quick_check(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA quick_check(3)").fetchall() == [("ok",)]
    finally:
        conn.close()


def open_reader(path: Path) -> None:
    Archive.open(path, readonly=True).close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("comments", nargs="?", type=int, default=100_000)
    parser.add_argument("--per-post", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md's section")
    args = parser.parse_args()
    rng = random.Random(7)
    posts = max(1, args.comments // args.per_post)
    with tempfile.TemporaryDirectory(dir=Path(__file__).resolve().parent) as tmp:
        db = Path(tmp) / "archive.db"
        for first in range(0, posts, 2000):  # in slices: the pages of 1M comments need not fit
            pages = [
                make_page(rng, n, args.per_post) for n in range(first, min(posts, first + 2000))
            ]
            insert_archive(db, "bench", pages, 200)
        size_mb = db.stat().st_size / 1e6
        rows = []
        for cold in (False, True):
            writer = median_ms(lambda: open_writer(db), args.repeat, db, cold=cold)
            check = median_ms(lambda: quick_check(db), args.repeat, db, cold=cold)
            reader = median_ms(lambda: open_reader(db), args.repeat, db, cold=cold)
            rows.append(("cold" if cold else "warm", f"{writer:,.0f}", f"{check:,.0f}",
                         f"{max(0.0, writer - check):,.0f}", f"{reader:,.0f}"))  # fmt: skip
    header = ["cache", "writer open (ms)", "quick_check(3) alone (ms)",
              "writer open without it (ms)", "reader open (ms)"]  # fmt: skip
    body = "\n".join(
        [
            "## Opening the archive: the writer's quick_check (issue 13)",
            "",
            f"`python bench/archive_open.py {args.comments}` ({args.comments:,} comments in"
            f" {posts:,} posts, {size_mb:,.0f} MB file; median of {args.repeat}; cold = this file's"
            " pages dropped from the page cache with posix_fadvise before each open)",
            "",
            table(header, rows),
        ]
    )
    print(body)
    if args.write:
        write_section("archive-open", body)


if __name__ == "__main__":
    main()
