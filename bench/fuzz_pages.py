"""Fuzz: 10,000 mutated pages through parse_page; crashes, pages lost, slow pages, peak RSS.

Run: python bench/fuzz_pages.py [--count 10000] [--seed 13] [--scale 1] [--workers 2] [--markdown]

Seed pages are our fixtures (tests/fixtures), ../shared/corpus and the Dragnet 2012 pages
(../shared/dragnet, unpacked once into a cache under /tmp), read at run time, never copied.
Mutations are tests/support/mutate.py's. Per page: the CPU time of `parse_page` in its worker
(a page still parsing after --page-limit seconds is stopped by an alarm and counted), what
escaped (only ParseError is documented), whether a mutation that damaged one field cost the
page its post or a comment, and control characters left in text fields. Workers' address space
is capped (--memory-limit-mb) so a blow-up shows as a MemoryError here instead of the machine
swapping.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import resource
import signal
import sys
import tarfile
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support"))

from mutate import FIELD_ONLY, mutant  # noqa: E402

from bench._common import own_peak_rss_mb, table, write_section  # noqa: E402
from scraper.core.errors import ParseError  # noqa: E402
from scraper.core.models import ParsedPage  # noqa: E402
from scraper.parse import parse_page  # noqa: E402

SHARED = ROOT.parent / "shared"
DRAGNET_CACHE = Path(tempfile.gettempdir()) / "blogarchive-dragnet"
URL = "https://blog.example/2021/03/a-post.html"
SLOW_CPU = 5.0
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class PageTimeUp(BaseException):
    """The alarm: a page parsed past --page-limit (BaseException: no parser guard swallows it)."""


@dataclass(frozen=True)
class Outcome:
    number: int
    seed_name: str
    kind: str
    size: int
    result: str  # ok, ParseError, crash, memory, timeout
    cpu: float
    lost: bool
    dirty: bool
    error: str
    worker_peak_mb: float


def seed_paths(shared: Path, dragnet: bool) -> list[Path]:
    """Our fixtures, the shared corpus and (when asked) Dragnet's pages, in a stable order."""
    paths = sorted((ROOT / "tests" / "fixtures").glob("pages*/*.html"))
    paths += sorted((shared / "corpus").glob("*.html"))
    if dragnet and (shared / "dragnet").is_dir():
        for name in ("dragnet_comments", "dragnet_nocomments"):
            target = DRAGNET_CACHE / name
            if not (target / "html").is_dir():
                target.mkdir(parents=True, exist_ok=True)
                with tarfile.open(shared / "dragnet" / f"{name}.tar.xz") as archive:
                    archive.extractall(target, filter="data")
            paths += sorted(target.glob("**/html/*.html"))
    return paths


_SEEDS: list[tuple[str, bytes]] = []
_UNMUTATED: dict[str, ParsedPage | None] = {}


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise PageTimeUp


def _start_worker(paths: list[str], memory_limit_mb: int) -> None:
    _SEEDS.extend((Path(p).name, Path(p).read_bytes()) for p in paths)
    limit = memory_limit_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGALRM, _alarm)
    # First parses import and compile what later ones reuse (trafilatura, codecs): not a page's
    # cost, so the fixtures are parsed once before any page is timed.
    for name, html in _SEEDS[:40]:
        with contextlib.suppress(Exception):
            _UNMUTATED[name] = _parse(html, None)


def _parse(body: bytes, content_type: str | None) -> ParsedPage | None:
    try:
        return parse_page(body, URL, content_type=content_type)
    except ParseError:
        return None


def _unmutated(name: str) -> ParsedPage | None:
    if name not in _UNMUTATED:
        with contextlib.suppress(Exception):
            _UNMUTATED[name] = _parse(dict(_SEEDS)[name], None)
    return _UNMUTATED.get(name)


def _dirty(page: ParsedPage) -> bool:
    post = page.post
    fields = [post.title, post.author, post.text, *post.labels]
    for comment in page.comments:
        fields += [comment.author, comment.text, comment.author_url, comment.permalink]
    return any(CONTROLS.search(field) for field in fields if field)


def fuzz_one(number: int, seed: int, scale: int, page_limit: int) -> Outcome:
    """Mutant `number`, parsed in this worker and judged."""
    page_mutant = mutant(_SEEDS, number, seed, scale)
    result, error, page = "ok", "", None
    started = time.process_time()
    signal.alarm(page_limit)
    try:
        page = parse_page(page_mutant.body, URL, content_type=page_mutant.content_type)
    except ParseError:
        result = "ParseError"
    except PageTimeUp:
        result = "timeout"
    except MemoryError:
        result = "memory"
    except Exception as crash:  # what the fuzz is for: anything but ParseError is a crash
        result, error = "crash", f"{type(crash).__name__}: {str(crash)[:200]}"
    finally:
        signal.alarm(0)
    cpu = time.process_time() - started
    lost = False
    if page_mutant.kind in FIELD_ONLY:
        original = _unmutated(page_mutant.seed_name)
        if original is not None and original.comments:
            lost = page is None or len(page.comments) < len(original.comments)
    return Outcome(
        number,
        page_mutant.seed_name,
        page_mutant.kind,
        len(page_mutant.body),
        result,
        cpu,
        lost,
        page is not None and _dirty(page),
        error,
        own_peak_rss_mb(),
    )


def _run_chunk(numbers: list[int], seed: int, scale: int, page_limit: int) -> list[Outcome]:
    return [fuzz_one(n, seed, scale, page_limit) for n in numbers]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--scale", type=int, default=1, help="size factor of the mutations")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--page-limit", type=int, default=120, help="seconds before a page stops")
    parser.add_argument("--memory-limit-mb", type=int, default=3072)
    parser.add_argument("--shared", type=Path, default=SHARED, help="../shared by default")
    parser.add_argument("--no-dragnet", action="store_true", help="fixtures and corpus only")
    parser.add_argument("--markdown", action="store_true", help="write bench/RESULTS.md")
    args = parser.parse_args()

    paths = [str(p) for p in seed_paths(args.shared, not args.no_dragnet)]
    started = time.perf_counter()
    numbers = list(range(args.count))
    chunks = [numbers[i : i + 25] for i in range(0, len(numbers), 25)]
    outcomes: list[Outcome] = []
    with ProcessPoolExecutor(
        args.workers, initializer=_start_worker, initargs=(paths, args.memory_limit_mb)
    ) as pool:
        futures = [
            pool.submit(_run_chunk, chunk, args.seed, args.scale, args.page_limit)
            for chunk in chunks
        ]
        for done, future in enumerate(futures, 1):
            outcomes += future.result()
            if done % 40 == 0:
                print(
                    f"{len(outcomes)} pages, {time.perf_counter() - started:.0f} s", file=sys.stderr
                )
    wall = time.perf_counter() - started

    results = Counter(o.result for o in outcomes)
    crashes = [o for o in outcomes if o.result == "crash"]
    lost = [o for o in outcomes if o.lost]
    dirty = [o for o in outcomes if o.dirty]
    slow = [o for o in outcomes if o.cpu > SLOW_CPU or o.result == "timeout"]
    slowest = sorted(outcomes, key=lambda o: o.cpu, reverse=True)[:10]
    summary = {
        "pages": len(outcomes),
        "seed_pages": len(paths),
        "results": dict(results),
        "crashes": len(crashes),
        "lost_to_a_field_error": len(lost),
        "control_characters_left": len(dirty),
        "over_5s_cpu": len(slow),
        "cpu_total_s": round(sum(o.cpu for o in outcomes), 1),
        "cpu_median_ms": round(1000 * sorted(o.cpu for o in outcomes)[len(outcomes) // 2], 1),
        "wall_s": round(wall, 1),
        "peak_rss_mb_worker": round(max(o.worker_peak_mb for o in outcomes), 1),
        "by_kind": dict(Counter(o.kind for o in outcomes)),
        "crash_examples": [asdict(o) for o in crashes[:10]],
        "lost_examples": [asdict(o) for o in lost[:10]],
        "slowest": [
            {
                "cpu_s": round(o.cpu, 2),
                "kind": o.kind,
                "seed": o.seed_name,
                "bytes": o.size,
                "number": o.number,
                "result": o.result,
            }
            for o in slowest
        ],
    }
    print(json.dumps(summary, indent=1))
    if args.markdown:
        _write(summary, results, args)


def _write(summary: dict[str, object], results: Counter[str], args: argparse.Namespace) -> None:
    command = f"python bench/fuzz_pages.py --count {args.count} --seed {args.seed}"
    if args.scale != 1:
        command += f" --scale {args.scale}"
    if args.no_dragnet:
        command += " --no-dragnet"
    slowest = summary["slowest"]
    assert isinstance(slowest, list)
    body = "\n".join(
        [
            "## Fuzz: mutated pages through parse_page (issue 13)",
            "",
            f"`{command} --markdown` ({args.workers} workers, address space capped at"
            f" {args.memory_limit_mb} MB each). Seeds: {summary['seed_pages']} pages (our"
            " fixtures, ../shared/corpus, Dragnet 2012), mutated by tests/support/mutate.py.",
            "",
            table(
                [
                    "pages",
                    "crashes",
                    "lost to a field error",
                    "control chars left",
                    "over 5 s CPU",
                    "ParseError",
                    "median CPU",
                    "peak RSS (worker)",
                    "wall",
                ],
                [
                    [
                        summary["pages"],
                        summary["crashes"],
                        summary["lost_to_a_field_error"],
                        summary["control_characters_left"],
                        summary["over_5s_cpu"],
                        results.get("ParseError", 0),
                        f"{summary['cpu_median_ms']} ms",
                        f"{summary['peak_rss_mb_worker']} MB",
                        f"{summary['wall_s']} s",
                    ]
                ],
            ),
            "",
            "Slowest pages (CPU of parse_page):",
            "",
            table(
                ["CPU s", "mutation", "seed page", "bytes"],
                [[s["cpu_s"], s["kind"], s["seed"], s["bytes"]] for s in slowest],
            ),
        ]
    )
    write_section("fuzz", body)


if __name__ == "__main__":
    main()
