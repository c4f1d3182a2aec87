"""A run that looks like a real one: several hosts, a per-host delay, checkouts side by side.

Run: python bench/paced.py [--baseline CHECKOUT] [--hosts 8] [--posts 15] [--delay 0.25]
                           [--rounds 2] [--markdown]

Serves `--hosts` demo blogs on 127.0.0.1 (each its own host:port, so each is paced on its own),
then for each checkout, alternating round by round so machine noise hits both alike: a first
run into a fresh archive (every post new) and a second run over the same unchanged sites (every
post page a conditional GET answered 304). Reports, per checkout, the median of:
- wall ÷ politeness bound: the bound is the busiest host's requests × the delay, the least any
  polite crawler needs (goal ≤ 1.05);
- CPU ms per new page (first run) and per unchanged page (second run), all processes counted;
- peak RSS of the run.
A checkout runs its own code (PYTHONPATH) in this interpreter; make a baseline with
`git worktree add /tmp/base <commit>`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (
    ROOT,
    DemoHosts,
    become_subreaper,
    compile_sources,
    measure,
    query,
    scraper_run,
    table,
    write_config,
    write_section,
)


def one_round(checkout: Path, hosts: DemoHosts, config: Path, delay: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as work:
        db = Path(work) / "archive.db"
        before = hosts.requests()
        first = measure(scraper_run(config, db, "--force"), root=checkout)
        middle = hosts.requests()
        bound = (max(middle[k] - before.get(k, 0) for k in middle)) * delay
        second = measure(scraper_run(config, db, "--force"), root=checkout)
        bound2 = hosts.busiest_since(middle) * delay
        if first.code not in (0, 1) or second.code not in (0, 1):
            raise SystemExit(f"{checkout}: run exited {first.code}/{second.code}")
        new = query(db, "SELECT count(*) FROM fetches WHERE kind = 'post' AND status = 'ok'")[0][0]
        same = query(db, "SELECT count(*) FROM fetches WHERE status = 'not_modified'")[0][0]
    return {
        "wall_ratio": first.wall / bound if bound else float("nan"),
        "wall_ratio_2": second.wall / bound2 if bound2 else float("nan"),
        "cpu_new_ms": 1000 * first.cpu / max(new, 1),
        "cpu_304_ms": 1000 * second.cpu / max(same, 1),
        "peak_rss_mb": first.peak_rss_mb,
        "pages": float(new),
        "not_modified": float(same),
        "wall": first.wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, default=None, help="another checkout to compare")
    parser.add_argument("--hosts", type=int, default=8, help="demo blogs, each its own host")
    parser.add_argument("--posts", type=int, default=15, help="extra posts per blog")
    parser.add_argument("--delay", type=float, default=0.25)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--markdown", action="store_true", help="also write bench/RESULTS.md")
    args = parser.parse_args()
    become_subreaper()
    checkouts = {"after (this checkout)": ROOT}
    if args.baseline is not None:
        checkouts = {"before (baseline)": args.baseline.resolve(), **checkouts}
    for checkout in checkouts.values():
        compile_sources(checkout)
    results: dict[str, list[dict[str, float]]] = {name: [] for name in checkouts}
    with ExitStack() as stack, tempfile.TemporaryDirectory() as work:
        hosts = DemoHosts(stack, args.hosts, args.posts)
        sites = hosts.sites
        config = write_config(
            Path(work) / "config.toml", sites, delay=args.delay, concurrency=16, per_host=1
        )
        for _ in range(args.rounds):
            for name, checkout in checkouts.items():
                results[name].append(one_round(checkout, hosts, config, args.delay))
    header = (
        "checkout",
        "pages (new / 304)",
        "wall ÷ politeness bound, 1st run",
        "2nd run",
        "CPU ms per new page",
        "CPU ms per 304 page",
        "peak RSS MB",
    )
    rows = []
    for name, rounds in results.items():
        med = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
        rows.append(
            (
                name,
                f"{med['pages']:.0f} / {med['not_modified']:.0f}",
                f"{med['wall_ratio']:.3f}",
                f"{med['wall_ratio_2']:.3f}",
                f"{med['cpu_new_ms']:.1f}",
                f"{med['cpu_304_ms']:.1f}",
                f"{med['peak_rss_mb']:.0f}",
            )
        )
    text = table(header, rows)
    intro = (
        f"`python bench/paced.py --hosts {args.hosts} --posts {args.posts} --delay {args.delay}"
        f" --rounds {args.rounds}{' --baseline CHECKOUT' if args.baseline else ''}`"
        f" ({len(sites)} hosts, per-host concurrency 1; medians of {args.rounds} alternated rounds)"
    )
    print(intro)
    print(text)
    if args.markdown:
        write_section("paced", f"## Paced runs (what users feel)\n\n{intro}\n\n{text}")


if __name__ == "__main__":
    main()
