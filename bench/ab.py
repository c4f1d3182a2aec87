"""A/B: second-run CPU of two checkouts, alternated over one archive and one demo server.

Run: python bench/ab.py BASELINE_CHECKOUT [CANDIDATE_CHECKOUT] [--rounds 10] [--posts 1000]

For changes too small for `incremental.py` to show through a shared machine's noise: both
checkouts archive nothing new, they only revisit (conditional GET, 304s), taking turns, so load
drifts hit both alike. Prints both medians and their ratio; < 1 means the candidate is cheaper.
Make a baseline with `git worktree add /tmp/base HEAD~1`. Both are byte-compiled first.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (
    ROOT,
    become_subreaper,
    compile_sources,
    measure,
    scraper_run,
    write_config,
)
from scraper.demo import DemoServer


def _cpu(checkout: Path, command: list[str]) -> float:
    run = measure(command, root=checkout)
    if run.code != 0:
        raise SystemExit(f"the scrape in {checkout} exited {run.code}")
    return run.cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline", type=Path)
    parser.add_argument("candidate", type=Path, nargs="?", default=ROOT)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--posts", type=int, default=1000, help="extra posts, both blogs together")
    args = parser.parse_args()
    checkouts = {"baseline": args.baseline.resolve(), "candidate": args.candidate.resolve()}
    for checkout in checkouts.values():
        compile_sources(checkout)
    become_subreaper()
    with DemoServer(extra_posts=args.posts // 2) as server, tempfile.TemporaryDirectory() as tmp:
        sites = [(site.name, site.base_url) for site in server.sites]
        config = write_config(Path(tmp) / "config.toml", sites, delay=0, concurrency=16,
                              per_host=8)  # fmt: skip
        command = scraper_run(config, Path(tmp) / "archive.db", "--force")
        _cpu(checkouts["baseline"], command)  # the first run: archives everything
        _cpu(checkouts["baseline"], command)  # the first revisit warms the same paths
        cpu: dict[str, list[float]] = {name: [] for name in checkouts}
        for _ in range(args.rounds):
            for name, checkout in checkouts.items():
                cpu[name].append(_cpu(checkout, command))
    medians = {name: statistics.median(values) for name, values in cpu.items()}
    for name, values in cpu.items():
        print(f"{name:9s} median {medians[name]:.3f} s  ({min(values):.3f}–{max(values):.3f})")
    print(f"candidate / baseline: {medians['candidate'] / medians['baseline']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
