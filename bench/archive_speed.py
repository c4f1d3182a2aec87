"""Archive speed: store_page vs raw executemany, FTS latency, show, export, bytes per comment.

python bench/archive_speed.py                 # 100,000 comments, about a minute
python bench/archive_speed.py 1000000         # the issue's 1M-comment archive (~10 min)
"""

from __future__ import annotations

import argparse
import io
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console

from archive import export, queries, render
from archive.db import Archive
from archive.ids import (
    body_hash,
    comment_content,
    comment_id,
    content_hash,
    post_content,
    post_id,
)
from archive.search import search
from scraper.core.models import Comment, FetchedPage, ParsedPage, Post

T0 = datetime(2020, 1, 1, tzinfo=UTC)
COMMON = ["the", "and", "to", "of", "a", "is", "it", "that", "in", "you"]
RARE = [
    f"{syllable}{n}"
    for syllable in ("garden", "tulip", "orchid", "fern", "moss")
    for n in range(200)
]
MEDIUM = ["sunlight", "compost", "watering", "seedling", "pruning", "harvest", "blossom", "soil"]
QUERIES = ["the", "the and", "sunlight", "compost watering", '"the garden"', "tulip7", "fern1*",
           "orchid42 OR moss7", "harvest NOT soil", "blossom"]  # fmt: skip


def sentence(rng: random.Random) -> str:
    words = [rng.choice(COMMON) for _ in range(rng.randint(8, 30))]
    words.insert(rng.randrange(len(words)), rng.choice(MEDIUM))
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), rng.choice(RARE))
    return " ".join(words).capitalize() + "."


def make_page(rng: random.Random, number: int, per_post: int) -> tuple[FetchedPage, ParsedPage]:
    url = f"https://bench.example/{2020 + number % 5}/post-{number}.html"
    comments = []
    for index in range(per_post):
        parent = str(rng.randrange(index)) if index and rng.random() < 0.4 else None
        text = sentence(rng)
        comments.append(
            Comment(
                id=str(index),
                parent_id=parent,
                depth=1 if parent else 0,
                author=f"reader{rng.randrange(5000)}",
                published=T0 + timedelta(minutes=index),
                text=text,
                html=f"<p>{text}</p>",
            )
        )
    text = " ".join(sentence(rng) for _ in range(10))
    post = Post(title=f"Post {number}", author="Ann", published=T0 + timedelta(days=number),
                text=text, html=f"<p>{text}</p>")  # fmt: skip
    parsed = ParsedPage(url=url, platform="blogger", post=post, comment_count_shown=per_post,
                        comments=tuple(comments), is_post=True)  # fmt: skip
    body = f"<html><body><h1>{post.title}</h1>{post.html}</body></html>".encode()
    page = FetchedPage(url=url, final_url=url, status=200, headers={"content-type": "text/html"},
                       body=body, fetched_at=T0)  # fmt: skip
    return page, parsed


def raw_rows(site: str, pages: list[tuple[FetchedPage, ParsedPage]]) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """The rows store_page would write, precomputed: the baseline measures SQLite alone."""
    rows: dict[str, list[tuple]] = {k: [] for k in ("pages", "posts", "pv", "comments", "cv")}  # type: ignore[type-arg]
    seen = T0.isoformat()
    for page, parsed in pages:
        pid = post_id(site, page.url)
        fields = post_content(parsed.post)
        digest = content_hash(fields)
        rows["pages"].append((body_hash(page.body), "zlib", zlib.compress(page.body, 6),
                              len(page.body), "text/html", seen))  # fmt: skip
        rows["posts"].append(
            (pid, site, page.url, page.url, "blogger", *fields, digest, seen, seen)
        )
        rows["pv"].append((pid, seen, digest, *fields))
        for position, comment in enumerate(parsed.comments):
            cid = comment_id(pid, comment.id)
            cfields = comment_content(comment)
            chash = content_hash(cfields)
            parent = comment_id(pid, comment.parent_id) if comment.parent_id else None
            rows["comments"].append((cid, pid, site, comment.id, parent, comment.parent_id,
                                     comment.depth, position, *cfields, chash, seen, seen))  # fmt: skip
            rows["cv"].append((cid, seen, chash, *cfields))
    return rows


def insert_raw(path: Path, site: str, pages: list[tuple[FetchedPage, ParsedPage]]) -> float:
    Archive.open(path).close()  # same schema, same FTS triggers
    with Archive.open(path) as archive:
        archive.ensure_site(site, "https://bench.example/", "blogger")
    rows = raw_rows(site, pages)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = NORMAL")
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT OR IGNORE INTO pages VALUES (?, ?, ?, ?, ?, ?)", rows["pages"])
    conn.executemany(
        "INSERT INTO posts (id, site, url, source_url, platform, title, author, published_at,"
        " updated_at, labels, text, html, content_hash, first_seen_at, last_seen_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows["posts"],
    )
    conn.executemany(
        "INSERT INTO post_versions (post_id, observed_at, content_hash, title, author,"
        " published_at, updated_at, labels, text, html) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows["pv"],
    )
    conn.executemany(
        "INSERT INTO comments (id, post_id, site, platform_id, parent_id, parent_platform_id,"
        " depth, position, kind, author, author_url, published_at, text, html, deleted,"
        " content_hash, first_seen_at, last_seen_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows["comments"],
    )
    conn.executemany(
        "INSERT INTO comment_versions (comment_id, observed_at, content_hash, kind, author,"
        " author_url, published_at, text, html, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows["cv"],
    )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def insert_archive(
    path: Path, site: str, pages: list[tuple[FetchedPage, ParsedPage]], per_batch: int
) -> float:
    with Archive.open(path) as archive:
        archive.ensure_site(site, "https://bench.example/", "blogger")
        start = time.perf_counter()
        for first in range(0, len(pages), per_batch):
            with archive.batch():
                for page, parsed in pages[first : first + per_batch]:
                    archive.store_page(site, page, parsed, observed_at=T0, thread_complete=True)
        return time.perf_counter() - start


def timed(func: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("comments", nargs="?", type=int, default=100_000)
    parser.add_argument("--per-post", type=int, default=50)
    args = parser.parse_args()
    rng = random.Random(7)
    posts = max(1, args.comments // args.per_post)
    pages = [make_page(rng, number, args.per_post) for number in range(posts)]
    total = posts * args.per_post
    with tempfile.TemporaryDirectory() as tmp:
        raw_db, our_db = Path(tmp) / "raw.db", Path(tmp) / "ours.db"
        raw = insert_raw(raw_db, "bench", pages)
        ours_per_page = insert_archive(
            Path(tmp) / "per-page.db", "bench", pages[: max(1, posts // 10)], 1
        )
        ours = insert_archive(our_db, "bench", pages, 200)
        print(f"comments: {total:,} in {posts:,} posts of {args.per_post}")
        print("| measure | value |\n|---|---|")
        print(f"| raw executemany, same schema + FTS triggers | {total / raw:,.0f} comments/s |")
        print(f"| Archive.store_page, 200 pages per batch() | {total / ours:,.0f} comments/s "
              f"({raw / ours:.0%} of raw) |")  # fmt: skip
        print(f"| Archive.store_page, one transaction per page (10% sample) | "
              f"{total / 10 / ours_per_page:,.0f} comments/s |")  # fmt: skip
        thread_page, thread = make_page(random.Random(9), 999_999, 2000)
        with Archive.open(our_db) as archive:
            archive.store_page("bench", thread_page, thread, observed_at=T0, thread_complete=True)
            restore = timed(lambda: archive.store_page("bench", thread_page, thread,
                            observed_at=T0, thread_complete=True), 5)  # fmt: skip
            archive.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            archive.conn.execute("ANALYZE")
        size = our_db.stat().st_size
        print(
            f"| unchanged re-store of a 2,000-comment page | {statistics.median(restore):.1f} ms |"
        )
        print(
            f"| file size per comment (incl. versions, FTS, raw pages) | {size / (total + 2000):,.0f} bytes |"
        )
        with Archive.open(our_db, readonly=True) as archive:
            conn = archive.conn
            for query in QUERIES:
                for where in ("comments", "all"):
                    search(conn, query, where=where)  # warm the cache like a second query would
            latencies: list[float] = []
            worst: dict[str, float] = {}
            for query in QUERIES:
                for where in ("comments", "all"):
                    times = timed(lambda q=query, w=where: search(conn, q, where=w), 5)  # type: ignore[misc]
                    latencies.extend(times)
                    worst[query] = max(worst.get(query, 0.0), *times)
            latencies.sort()
            p50 = latencies[len(latencies) // 2]
            p95 = latencies[int(len(latencies) * 0.95) - 1]
            print(
                f"| search p50 / p95 ({len(QUERIES)} queries x posts+comments) | {p50:.1f} / {p95:.1f} ms |"
            )
            print(f"| search 'the' (in every comment), worst | {worst['the']:.1f} ms |")
            filtered = timed(lambda: search(conn, "the", author="reader17"), 3)
            print(
                f"| search 'the' --author reader17, median | {statistics.median(filtered):.1f} ms |"
            )
            url = thread_page.url
            show = timed(lambda: queries.show(conn, url), 5)
            print(
                f"| show of a 2,000-comment thread (query + tree) | {statistics.median(show):.1f} ms |"
            )

            def draw() -> None:
                Console(file=io.StringIO(), width=100).print(
                    render.thread_view(queries.show(conn, url), 100)
                )

            print(f"| show incl. rich rendering | {statistics.median(timed(draw, 3)):.1f} ms |")
            sink = io.StringIO()
            start = time.perf_counter()
            export.export(conn, "jsonl", sink)
            elapsed = time.perf_counter() - start
            print(f"| export jsonl | {(total + 2000) / elapsed:,.0f} comments/s, "
                  f"{len(sink.getvalue()) / elapsed / 1e6:.1f} MB/s |")  # fmt: skip
            sink = io.StringIO()
            start = time.perf_counter()
            export.export(conn, "wxr", sink)
            elapsed = time.perf_counter() - start
            print(f"| export wxr | {(total + 2000) / elapsed:,.0f} comments/s |")


if __name__ == "__main__":
    main()
