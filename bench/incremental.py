"""Incremental runs: a second run over an unchanged 1,000-post site vs the first, then 1 % new comments.

Run: python bench/incremental.py [--posts 1000] [--markdown]

Both demo blogs are served from this process (threads) with their extra posts; each scrape is a
fresh `blogarchive run` process whose CPU time covers the parse pool too (this process adopts
and reaps its orphans). Bytes are the response bodies received as counted by the fetch layer
(discovery, post pages and comment threads; headers not included), requests and statuses come
from the server's log. The revisit policy looks at every known post on every run, so the second
run measures the conditional-GET path. Goals: second run ≤ 10 % of the first's CPU, ≤ 5 % of its
bytes, ≥ 95 % of post requests answered 304; with 1 % of posts commented, exactly those change.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (
    POST_PATH,
    Measured,
    become_subreaper,
    measure,
    query,
    scraper_run,
    table,
    write_config,
    write_section,
)
from scraper.demo import DemoServer


def _run(server: DemoServer, config: Path, db: Path) -> tuple[Measured, dict[str, float]]:
    start = server.request_count()
    measured = measure(scraper_run(config, db, "--force"))
    if measured.code != 0:
        raise SystemExit(f"the scrape exited {measured.code}")
    log = server.request_log()[start:]
    posts = [status for _method, path, status in log if POST_PATH.match(path)]
    received = query(db, "SELECT bytes_received FROM runs ORDER BY id DESC LIMIT 1")[0][0]
    return measured, {
        "requests": len(log),
        "post_requests": len(posts),
        "share_304": sum(status == 304 for status in posts) / max(1, len(posts)),
        "bytes": float(received),
    }


def _comment_counts(db: Path) -> dict[str, int]:
    rows = query(
        db,
        "SELECT p.source_url, count(c.id) FROM posts p LEFT JOIN comments c ON c.post_id = p.id"
        " AND c.removed_at IS NULL GROUP BY p.id",
    )
    return {"/" + url.split("/", 3)[3]: count for url, count in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000, help="extra posts, both blogs together")
    parser.add_argument("--markdown", action="store_true", help="write bench/RESULTS.md section")
    parser.add_argument("--transport", choices=("httpx", "aiohttp"), default="aiohttp")
    args = parser.parse_args()
    become_subreaper()
    with DemoServer(extra_posts=args.posts // 2) as server, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sites = [(site.name, site.base_url) for site in server.sites]
        config = write_config(
            folder / "config.toml",
            sites,
            delay=0,
            concurrency=16,
            per_host=8,
            transport=args.transport,
        )
        db = folder / "archive.db"
        first, first_stats = _run(server, config, db)
        second, second_stats = _run(server, config, db)

        before = _comment_counts(db)
        rng = random.Random(1)
        changed: set[str] = set()
        for site in server.sites:
            blog = server.blog(site.name)
            picks = rng.sample(range(len(blog.posts)), max(1, len(blog.posts) // 100))
            for index in picks:
                server.add_comment(site.name, index, "Bench Reader", f"New comment {index}.")
                changed.add(blog.posts[index].path)
        third, third_stats = _run(server, config, db)
        after = _comment_counts(db)
        grew = {path for path, count in after.items() if count != before.get(path)}
        total_posts = len(after)

    def row(name: str, run: Measured, stats: dict[str, float]) -> list[object]:
        return [
            name,
            f"{run.wall:.2f}",
            f"{run.cpu:.2f}",
            f"{stats['bytes'] / 1e6:.2f}",
            int(stats["requests"]),
            int(stats["post_requests"]),
            f"{100 * stats['share_304']:.1f} %",
        ]

    header = ["run", "wall s", "CPU s (all processes)", "MB received", "requests",
              "post requests", "post 304s"]  # fmt: skip
    ratio_cpu = second.cpu / first.cpu
    ratio_bytes = second_stats["bytes"] / first_stats["bytes"]
    body = "\n".join(
        [
            f"## Incremental runs ({total_posts} posts, 2 local blogs, delay 0, concurrency 16)",
            "",
            "`python bench/incremental.py --markdown`",
            "",
            table(
                header,
                [
                    row("first (empty archive)", first, first_stats),
                    row("second (nothing changed)", second, second_stats),
                    row(f"third ({len(changed)} posts got a comment)", third, third_stats),
                ],
            ),
            "",
            f"- second / first: CPU {100 * ratio_cpu:.1f} % (goal ≤ 10 %), bytes"
            f" {100 * ratio_bytes:.1f} % (goal ≤ 5 %), post requests answered 304:"
            f" {100 * second_stats['share_304']:.1f} % (goal ≥ 95 %)",
            f"- third run: posts whose comments changed = {len(grew)}; exactly the"
            f" {len(changed)} commented ones: {grew == changed}",
        ]
    )
    print(body)
    if args.markdown:
        write_section("incremental", body)
    return 0 if grew == changed else 1


if __name__ == "__main__":
    raise SystemExit(main())
