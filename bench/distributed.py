"""Pages per second of a distributed run with 1, 2 and 4 workers, and what the one writer absorbs.

Run: python bench/distributed.py [--hosts 40] [--posts 10] [--delay 0.5] [--workers 1,2,4]
                                 [--per-worker 4] [--markdown]

Serves `--hosts` demo blogs on 127.0.0.1 (each its own host:port, each paced at `--delay`),
starts Debian's redis-server on a free port, then for each worker count starts that many
`blogarchive worker` processes (each running `--per-worker` sites at once) and times one
`blogarchive run --distributed --force` into a fresh archive: post pages archived per second of
the run's wall time. The work is politeness-bound (one request per host per `--delay`), so more
workers (more hosts at once) should scale it until CPU runs out.

Then the writer's side alone: every host group's job is run once in this process (delay 0, no
broker) and their results are replayed into a fresh archive back to back, as the scheduler does
(unseal, then one transaction per group): the pages per second at which the single writer
would saturate, whatever the number of workers.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, DemoHosts, query, table, write_config, write_section

SECRET = "bench-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fleet_config(path: Path, hosts: DemoHosts, delay: float, broker: str, per_worker: int) -> Path:
    write_config(path, hosts.sites, delay=delay, concurrency=64, per_host=2)
    extra = [
        "[distributed]",
        f'broker_url = "{broker}"',
        f'secret = "{SECRET}"',
        f"concurrency = {per_worker}",
        'visibility_timeout = "3h"',
    ]
    path.write_text(path.read_text(encoding="utf-8") + "\n".join(extra) + "\n", encoding="utf-8")
    return path


def start_workers(config: Path, count: int, folder: Path) -> list[subprocess.Popen[bytes]]:
    started = []
    for number in range(count):
        log = (folder / f"worker{number}.log").open("wb")
        started.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "scraper",
                    "worker",
                    "--config",
                    str(config),
                    "--name",
                    f"bench{number}@local",
                ],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    # Started when each says so: the run's clock must not include Celery's start-up.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        logs = [(folder / f"worker{n}.log").read_text(errors="replace") for n in range(count)]
        if all(" ready." in text for text in logs):
            return started
        time.sleep(0.2)
    raise RuntimeError("workers did not start; see their logs in " + str(folder))


def stop_workers(started: list[subprocess.Popen[bytes]]) -> None:
    for process in started:
        process.terminate()
    for process in started:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def one_count(
    hosts: DemoHosts, delay: float, port: int, workers: int, per_worker: int
) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        config = fleet_config(
            folder / "config.toml", hosts, delay, f"redis://127.0.0.1:{port}/{workers}", per_worker
        )
        db = folder / "archive.db"
        started = start_workers(config, workers, folder)
        try:
            before = hosts.requests()
            began = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-m", "scraper", "run", "--quiet", "--distributed", "--force",
                 "--config", str(config), "--db", str(db)],
                cwd=ROOT, capture_output=True, text=True, check=False,
            )  # fmt: skip
            wall = time.monotonic() - began
        finally:
            stop_workers(started)
        if done.returncode != 0:
            raise RuntimeError(f"run failed ({done.returncode}): {done.stderr}")
        after = hosts.requests()
        pages = query(db, "SELECT count(*) FROM fetches WHERE kind = 'post' AND status = 'ok'")[0][
            0
        ]
        requests = sum(after[key] - before.get(key, 0) for key in after)
        busiest = max(after[key] - before.get(key, 0) for key in after)
        return {"wall": wall, "pages": pages, "requests": requests, "busiest": busiest}


def writer_capacity(hosts: DemoHosts) -> dict[str, float]:
    """Pages per second the scheduler replays (unseal + one transaction per host group)."""
    from archive.db import Archive
    from archive.slices import open_slice, site_slice
    from scraper.core.config import load_config
    from scraper.distributed.engine import run_job
    from scraper.distributed.hosts import group_sites
    from scraper.distributed.jobs import GroupJob, seal, unseal
    from scraper.distributed.journal import replay
    from scraper.distributed.progress import WorkerProgress

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        config = load_config(
            write_config(folder / "c.toml", hosts.sites, delay=0, concurrency=64, per_host=4)
        )
        db = folder / "archive.db"
        sealed = []
        now = datetime.now(UTC)
        with Archive.open(db) as archive:
            for site in config.sites:
                archive.ensure_site(site.name, site.url, site.platform)
            run_id = archive.start_run([site.name for site in config.sites], now)
            quiet = WorkerProgress("memory://", "bench")  # not Redis: progress is not kept
            for host, group in group_sites(config.sites).items():
                snapshot = site_slice(db, [site.name for site in group], run_id)
                job = GroupJob(
                    run_id,
                    host,
                    replace_sites(config, group),
                    snapshot,
                    now,
                    now + timedelta(hours=1),
                )
                sealed.append((group, seal(run_job(job, open_slice, "bench", quiet), SECRET)))
            began = time.perf_counter()
            for group, text in sealed:
                result = unseal(text, SECRET)
                with archive.batch():
                    replay(archive, result.calls, [site.name for site in group])  # type: ignore[attr-defined]
            seconds = time.perf_counter() - began
        pages = query(db, "SELECT count(*) FROM fetches WHERE kind = 'post' AND status = 'ok'")[0][
            0
        ]
        size = sum(len(text) for _group, text in sealed)
        return {"pages": pages, "seconds": seconds, "bytes": size}


def replace_sites(config, group):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(config, sites=group)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=40)
    parser.add_argument("--posts", type=int, default=10, help="extra posts per demo blog")
    parser.add_argument("--delay", type=float, default=0.5)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--per-worker", type=int, default=4)
    parser.add_argument("--markdown", action="store_true", help="write the table to RESULTS.md")
    args = parser.parse_args()
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    redis = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    rows = []
    try:
        time.sleep(0.5)
        with ExitStack() as stack:
            hosts = DemoHosts(stack, args.hosts, args.posts)
            first = None
            per_host = 0.0
            for count in (int(n) for n in args.workers.split(",")):
                got = one_count(hosts, args.delay, port, count, args.per_worker)
                rate = got["pages"] / got["wall"]
                first = first or rate
                per_host = per_host or rate / min(args.hosts, count * args.per_worker)
                # The least any polite fleet of this size needs: the requests, spread over the
                # hosts it runs at once, one per delay each.
                at_once = min(args.hosts, count * args.per_worker)
                bound = got["requests"] / at_once * args.delay
                rows.append(
                    (count, count * args.per_worker, int(got["pages"]), int(got["requests"]),
                     f"{got['wall']:.1f}", f"{rate:.1f}", f"{rate / first:.2f}×",
                     f"{got['wall'] / bound:.2f}")
                )  # fmt: skip
                print(rows[-1], flush=True)
            writer = writer_capacity(hosts)
    finally:
        with contextlib.suppress(ProcessLookupError):
            redis.terminate()
        redis.wait(timeout=10)
    header = (
        "workers",
        "hosts at once",
        "post pages",
        "requests",
        "wall s",
        "pages/s",
        "vs 1 worker",
        "wall ÷ polite bound",
    )
    writer_rate = writer["pages"] / writer["seconds"]
    command = (
        f"python bench/distributed.py --hosts {args.hosts} --posts {args.posts} --delay {args.delay}"
        f" --workers {args.workers} --per-worker {args.per_worker} --markdown"
    )
    body = "\n".join(
        [
            "## Distributed runs (issue 16)",
            "",
            f"`{command}` ({args.hosts} demo blogs on loopback, each its own host paced at"
            f" {args.delay} s; real redis-server; each worker a `blogarchive worker` process"
            f" running {args.per_worker} sites at once; one `run --distributed --force` into a"
            " fresh archive per row; this machine: 2 cores shared with other jobs)",
            "",
            table(header, rows),
            "",
            "The polite bound is requests ÷ hosts at once × delay: the least time a fleet that"
            " size needs when each request waits one delay (a host's first request waits none, so"
            " a row can come out just under 1). Above 1: the fleet is not keeping every slot busy"
            " (the tail of the run, when fewer host groups are left than slots, and CPU).",
            "",
            f"The single writer (the scheduler replaying workers' results: unseal, one transaction"
            f" per host group) absorbed {int(writer['pages'])} post pages in {writer['seconds']:.2f} s:"
            f" **{writer_rate:.0f} pages/s**: at this bench's pace ({per_host:.2f} post pages/s per"
            f" host, discovery and comment pages included) the writer saturates at about"
            f" {writer_rate / per_host:.0f} hosts running at once (half as many pages per host at the"
            " default delay of 1 s: twice the hosts); beyond that the writer, not politeness, bounds"
            f" the fleet. Results travel at {writer['bytes'] / max(1, writer['pages']) / 1024:.1f} KiB"
            " per post page through the result store.",
        ]
    )
    print(body)
    if args.markdown:
        write_section("distributed", body)


if __name__ == "__main__":
    main()
