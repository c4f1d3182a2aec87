"""Per-setup table: the archive of a crawl of Debian's real WordPress against its database.

Run (root, Debian): python bench/realsite_wordpress.py [--setups 1:twentytwentyone,3:twentytwentytwo]

Uses the same harness and comparison as `tests/realsite` (../shared/realsites/wordpress): for
each seed and theme it rebuilds the site, crawls it once with the CLI and prints one row:
comment rows vs truth, rows under a wrong post, duplicates, hidden comments archived, field
scores, and requests against the bound posts + comment pages.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "support"))

from wp_real import RealWordPress  # noqa: E402
from wp_truth import FIELDS, compare  # noqa: E402

DEFAULT = (
    "1:twentytwentyone,2:twentytwentyone,3:twentytwentyone,1:twentytwentytwo,"
    "3:twentytwentytwo,1:twentytwentythree,2:twentytwentythree,3:twentytwentythree"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setups", default=DEFAULT, help="seed:theme,... (default: the tests')")
    args = parser.parse_args()
    setups = [(int(seed), theme) for seed, theme in (s.split(":") for s in args.setups.split(","))]
    state = Path(tempfile.mkdtemp(prefix="ba-wp-", dir="/tmp"))
    state.chmod(0o755)
    server = RealWordPress(state)
    header = ["setup", "rows/truth", "wrong post", "dupes", "hidden", "missing", *FIELDS]
    header += ["requests", "bound", "max per URL"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    try:
        for seed, theme in setups:
            site = server.start(seed, theme)
            site.forget_requests()
            with tempfile.TemporaryDirectory() as work:
                db, done = site.crawl(Path(work))
                if done.returncode != 0:
                    print(f"| seed {seed} {theme} | run failed: {done.stderr[-300:]!r} |")
                    continue
                result = compare(db, site.truth)
            requests = site.requests()
            bound = len(site.truth["posts"]) + sum(p["comment_pages"] for p in site.truth["posts"])
            row = [
                f"seed {seed} {theme}",
                f"{result.comment_rows}/{result.comments_truth}",
                str(len(result.wrong_post)),
                str(len(result.duplicates)),
                str(len(result.hidden)),
                str(len(result.missing)),
                *(f"{result.score(name):.3f}" for name in FIELDS),
                str(len(requests)),
                f"{bound} + discovery",
                str(max(Counter(requests).values(), default=0)),
            ]
            print("| " + " | ".join(row) + " |", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
