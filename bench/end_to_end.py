"""End to end (fetch + parse + archive): parse pool vs one process, RSS as N grows, several hosts.

Run: python bench/end_to_end.py [--posts 1000] [--rounds 3] [--rss-sizes 1000,10000] [--transport aiohttp|httpx] [--markdown]

The demo blogs are served from this process (threads); every scrape runs in a fresh process
(`--child`), which times its own `run_once` and reports pages; this process measures the CPU
of the whole scrape process tree; the scrape process reports its own peak RSS (VmHWM). Delay 0, concurrency 16.
1. throughput: the parse pool (one worker per core) vs `parse_workers=1`, after one warm-up
   scrape so both meet a server whose pages are already rendered, alternated over --rounds
   and compared by medians; goal ≥ 1.6× on 2 cores.
2. peak RSS at each size, each in a fresh process; goal ≤ 1.2× from 1,000 to 10,000 posts.
3. politeness: 4 hosts, ~10 posts each, delay 0.2 s: total time vs the per-host bound.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.db import Archive
from bench._common import (
    Measured,
    become_subreaper,
    compile_sources,
    measure,
    own_peak_rss_mb,
    table,
    write_config,
    write_section,
)
from scraper.config import load_config
from scraper.demo import DemoServer
from scraper.pipeline import run_once
from scraper.progress import QuietReporter


def child(config: Path, db: Path, workers: int) -> None:
    """One scrape in this fresh process; prints its own timing as the last JSON line."""
    settings = load_config(config)
    with Archive.open(db) as archive, archive.lock():
        started = time.perf_counter()
        report = asyncio.run(
            run_once(settings, archive, reporter=QuietReporter(), parse_workers=workers or None)
        )
        elapsed = time.perf_counter() - started
    pages = sum(site.pages_fetched for site in report.sites)
    print(json.dumps({"seconds": elapsed, "pages": pages, "failed": report.pages_failed,
                      "peak_rss_mb": own_peak_rss_mb()}))  # fmt: skip


def _scrape(config: Path, folder: Path, workers: int, name: str) -> Measured:
    db = folder / f"{name}.db"
    with contextlib.suppress(FileNotFoundError):
        db.unlink()
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(config), str(db)]
    result = measure([*command, str(workers)])
    if result.code != 0 or result.output.get("failed"):
        raise SystemExit(f"scrape {name} failed: {result}")
    return result


@contextlib.contextmanager
def _site(posts: int, folder: Path, transport: str) -> Iterator[tuple[DemoServer, Path]]:
    with DemoServer(extra_posts=posts // 2) as server:
        sites = [(site.name, site.base_url) for site in server.sites]
        config = write_config(folder / f"site{posts}.toml", sites, concurrency=16, per_host=8,
                              delay=0.0, transport=transport)  # fmt: skip
        yield server, config


def throughput(posts: int, folder: Path, transport: str, rounds: int) -> tuple[str, float, str]:
    """Pool and single process, alternated `rounds` times; medians (one pair swings ±20 %
    on a shared 2-core machine, the pool more, since it needs both cores to itself)."""
    runs: dict[str, list[Measured]] = {"pool": [], "single": []}
    with _site(posts, folder, transport) as (_server, config):
        _scrape(config, folder, 0, "warmup")
        for _ in range(rounds):
            runs["pool"].append(_scrape(config, folder, 0, "pool"))
            runs["single"].append(_scrape(config, folder, 1, "single"))
    rows = []
    rate = {}
    for name, measured in runs.items():
        pages = measured[0].output["pages"]
        seconds = [run.output["seconds"] for run in measured]
        rate[name] = pages / statistics.median(seconds)
        spread = f" ({min(seconds):.2f}–{max(seconds):.2f})" if rounds > 1 else ""
        rows.append([name, pages, f"{statistics.median(seconds):.2f}{spread}",
                     f"{rate[name]:.0f}", f"{statistics.median(run.cpu for run in measured):.2f}",
                     f"{max(run.peak_rss_mb for run in measured):.0f}"])  # fmt: skip
    header = ["parse", "pages", "run s, median (range)", "pages/s", "CPU s (all processes)",
              "peak RSS MB"]  # fmt: skip
    per_round = ", ".join(
        f"{single.output['seconds'] / pool.output['seconds']:.2f}×"
        for pool, single in zip(runs["pool"], runs["single"], strict=True)
    )
    return table(header, rows), rate["pool"] / rate["single"], per_round


def rss(sizes: list[int], folder: Path, transport: str) -> tuple[str, float]:
    rows = []
    peaks = []
    for posts in sizes:
        with _site(posts, folder, transport) as (_server, config):
            run = _scrape(config, folder, 0, f"rss{posts}")
        peaks.append(run.peak_rss_mb)
        rows.append([posts, run.output["pages"], f"{run.output['seconds']:.1f}",
                     f"{run.peak_rss_mb:.0f}"])  # fmt: skip
    return table(["posts", "pages", "run s", "peak RSS MB"], rows), peaks[-1] / peaks[0]


def politeness(folder: Path, delay: float = 0.2) -> tuple[str, float, float]:
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(DemoServer(extra_posts=6)) for _ in range(4)]
        sites = [(f"host{i}", server.sites[0].base_url) for i, server in enumerate(servers)]
        config = write_config(folder / "polite.toml", sites, delay=delay, concurrency=16,
                              per_host=2)  # fmt: skip
        run = _scrape(config, folder, 0, "polite")
        per_host = [server.request_count() for server in servers]
    bound = (max(per_host) - 1) * delay
    text = table(
        ["hosts", "requests per host", "delay s", "per-host bound s", "4 × bound s", "run s"],
        [[4, "/".join(map(str, per_host)), delay, f"{bound:.1f}", f"{4 * bound:.1f}",
          f"{run.output['seconds']:.1f}"]],
    )  # fmt: skip
    return text, run.output["seconds"], bound


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--rss-sizes", default="1000,10000")
    parser.add_argument("--rounds", type=int, default=3, help="pool/single pairs")
    parser.add_argument("--transport", default="aiohttp", choices=("httpx", "aiohttp"))
    parser.add_argument("--markdown", action="store_true", help="write bench/RESULTS.md section")
    parser.add_argument("--child", nargs=3, metavar=("CONFIG", "DB", "WORKERS"), help="internal")
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), int(args.child[2]))
        return 0
    become_subreaper()
    compile_sources()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        speed, ratio, per_round = throughput(args.posts, folder, args.transport, args.rounds)
        sizes = [int(size) for size in args.rss_sizes.split(",")]
        memory, growth = rss(sizes, folder, args.transport)
        polite, seconds, bound = politeness(folder)
    body = "\n".join(
        [
            f"## End to end (fetch + parse + archive, {os.cpu_count()} cores, delay 0,"
            f" concurrency 16, transport {args.transport})",
            "",
            f"`python bench/end_to_end.py --rounds {args.rounds} --markdown`",
            "",
            speed,
            "",
            f"- pool / single: {ratio:.2f}× pages/s, medians of {args.rounds} rounds"
            f" (goal ≥ 1.6×; per round: {per_round})",
            "",
            memory,
            "",
            f"- peak RSS {sizes[-1]} / {sizes[0]} posts: {growth:.2f}× (goal ≤ 1.2×)",
            "",
            polite,
            "",
            f"- 4 hosts took {seconds:.1f} s against a per-host bound of {bound:.1f} s"
            f" ({seconds / bound:.2f}× the bound; one host after another would be ≈ 4×)",
        ]
    )
    print(body)
    if args.markdown:
        write_section("e2e", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
