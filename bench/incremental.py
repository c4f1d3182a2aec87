"""Incremental runs: a second run over an unchanged 1,000-post site vs the first, then 1 % new comments.

Run: python bench/incremental.py [--posts 1000] [--rounds 3] [--markdown]

Both demo blogs are served from this process (threads) with their extra posts; each scrape is a
fresh `blogarchive run` process whose CPU time covers the parse pool too (this process adopts
and reaps its orphans). Our packages are byte-compiled first, as an installed copy is. Each
round archives the site from scratch into a new file (first run), then runs again with nothing
changed (second run); the ratio compares the medians over the rounds, since single runs on a
shared machine vary by ±10 %. Bytes are the response bodies received as counted by the fetch
layer (discovery, post pages and comment threads; headers not included), requests and statuses
come from the server's log. The revisit policy looks at every known post on every run, so the
second run measures the conditional-GET path. Goals: second run ≤ 10 % of the first's CPU,
≤ 5 % of its bytes, ≥ 95 % of post requests answered 304; with 1 % of posts commented,
exactly those change.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (
    POST_PATH,
    Measured,
    become_subreaper,
    compile_sources,
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


def _row(name: str, runs: list[Measured], stats: dict[str, float]) -> list[object]:
    cpus = [run.cpu for run in runs]
    return [
        name,
        f"{statistics.median(run.wall for run in runs):.2f}",
        f"{statistics.median(cpus):.2f}" + (f" ({min(cpus):.2f}–{max(cpus):.2f})" if len(cpus) > 1 else ""),
        f"{stats['bytes'] / 1e6:.2f}",
        int(stats["requests"]),
        int(stats["post_requests"]),
        f"{100 * stats['share_304']:.1f} %",
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000, help="extra posts, both blogs together")
    parser.add_argument("--rounds", type=int, default=3, help="first + second run pairs")
    parser.add_argument("--markdown", action="store_true", help="write bench/RESULTS.md section")
    parser.add_argument("--transport", choices=("httpx", "aiohttp"), default="aiohttp")
    args = parser.parse_args()
    become_subreaper()
    compile_sources()
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
        firsts: list[Measured] = []
        seconds: list[Measured] = []
        for round_number in range(args.rounds):
            db = folder / f"archive-{round_number}.db"
            first, first_stats = _run(server, config, db)
            second, second_stats = _run(server, config, db)
            firsts.append(first)
            seconds.append(second)

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

    header = ["run", "wall s", "CPU s, all processes (range)", "MB received", "requests",
              "post requests", "post 304s"]  # fmt: skip
    first_cpu = statistics.median(run.cpu for run in firsts)
    second_cpu = statistics.median(run.cpu for run in seconds)
    ratio_cpu = second_cpu / first_cpu
    per_round = ", ".join(
        f"{100 * b.cpu / a.cpu:.1f} %" for a, b in zip(firsts, seconds, strict=True)
    )
    ratio_bytes = second_stats["bytes"] / first_stats["bytes"]
    rounds = f"median of {args.rounds}" if args.rounds > 1 else "one run"
    body = "\n".join(
        [
            f"## Incremental runs ({total_posts} posts, 2 local blogs, delay 0, concurrency 16)",
            "",
            f"`python bench/incremental.py --rounds {args.rounds} --markdown`",
            "",
            table(
                header,
                [
                    _row(f"first, empty archive ({rounds})", firsts, first_stats),
                    _row(f"second, nothing changed ({rounds})", seconds, second_stats),
                    _row(f"third, {len(changed)} posts got a comment", [third], third_stats),
                ],
            ),
            "",
            f"- second / first: CPU {100 * ratio_cpu:.1f} % (goal ≤ 10 %; per round: {per_round}),"
            f" bytes {100 * ratio_bytes:.1f} % (goal ≤ 5 %), post requests answered 304:"
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
