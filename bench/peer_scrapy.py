"""The comparison a user would make: the same local blogs crawled by a small Scrapy project.

Run: python bench/peer_scrapy.py [--hosts 8] [--posts 15] [--delay 0.25] [--rounds 2] [--markdown]
(needs the `bench` extra: scrapy)

Serves the demo blogs on 127.0.0.1, runs `blogarchive run` once into a fresh archive, then runs a
Scrapy spider over the very post pages that run archived: Scrapy's own scheduler and downloader,
AutoThrottle off, the same delay and one request at a time per host (each host:port its own
download slot, delay not randomised), robots.txt obeyed, comments split out with BeautifulSoup
(lxml) and written with sqlite-utils, one row per comment. Both are measured as whole processes
(CPU of every process, wall). Reports CPU per page and wall ÷ politeness bound for each, and
ours ÷ theirs. Scrapy does no discovery here (it is handed the URLs), so it makes fewer requests.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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


def crawl_with_scrapy(job_path: Path) -> None:
    """The peer: a Scrapy spider over the job's URLs, comments stored with sqlite-utils."""
    import scrapy
    import sqlite_utils
    from bs4 import BeautifulSoup
    from scrapy.crawler import CrawlerProcess

    job = json.loads(job_path.read_text(encoding="utf-8"))
    db = sqlite_utils.Database(job["db"])

    class CommentSpider(scrapy.Spider):  # type: ignore[misc]
        name = "comments"

        async def start(self) -> Any:
            for url in job["urls"]:
                yield scrapy.Request(url, meta={"download_slot": urlsplit(url).netloc})

        def parse(self, response: Any) -> None:
            soup = BeautifulSoup(response.body, "lxml")
            rows = []
            for node in soup.select("li.comment, div.comment, li[id^=comment-]"):
                author = node.select_one(".fn, .comment-author, cite, .user")
                body = node.select_one(".comment-content, .comment-body, p")
                rows.append(
                    {
                        "url": response.url,
                        "id": node.get("id") or "",
                        "author": author.get_text(" ", strip=True) if author else None,
                        "text": body.get_text(" ", strip=True) if body else "",
                    }
                )
            title = soup.title.get_text(strip=True) if soup.title else ""
            db["posts"].upsert({"url": response.url, "title": title}, pk="url")
            if rows:
                db["comments"].insert_all(rows)

    process = CrawlerProcess(
        settings={
            "LOG_LEVEL": "ERROR",
            "USER_AGENT": "blogarchive-bench-scrapy/0.1",
            "ROBOTSTXT_OBEY": True,
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_DELAY": job["delay"],
            "RANDOMIZE_DOWNLOAD_DELAY": False,
            "CONCURRENT_REQUESTS": 16,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
            "TELNETCONSOLE_ENABLED": False,
            "EXTENSIONS": {"scrapy.extensions.remote_control.RemoteControl": None},
            "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        }
    )
    process.crawl(CommentSpider)
    process.start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--posts", type=int, default=15)
    parser.add_argument("--delay", type=float, default=0.25)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        crawl_with_scrapy(args.worker)
        return
    become_subreaper()
    compile_sources(ROOT)
    ours: list[dict[str, float]] = []
    theirs: list[dict[str, float]] = []
    with ExitStack() as stack, tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        hosts = DemoHosts(stack, args.hosts, args.posts)
        sites = hosts.sites
        config = write_config(
            work / "config.toml", sites, delay=args.delay, concurrency=16, per_host=1
        )
        for number in range(args.rounds):
            db = work / f"ours-{number}.db"
            before = hosts.requests()
            run = measure(scraper_run(config, db, "--force"))
            pages = query(db, "SELECT count(*) FROM fetches WHERE kind = 'post' AND status = 'ok'")
            ours.append(
                {
                    "cpu_ms": 1000 * run.cpu / max(pages[0][0], 1),
                    "wall_ratio": run.wall / (hosts.busiest_since(before) * args.delay),
                    "pages": float(pages[0][0]),
                    "wall": run.wall,
                }
            )
            urls = [row[0] for row in query(db, "SELECT url FROM posts ORDER BY url")]
            job = work / f"job-{number}.json"
            job.write_text(
                json.dumps({"urls": urls, "delay": args.delay, "db": str(work / f"s-{number}.db")}),
                encoding="utf-8",
            )
            before = hosts.requests()
            peer = measure([sys.executable, str(Path(__file__).resolve()), "--worker", str(job)])
            if peer.code != 0:
                raise SystemExit(f"scrapy run exited {peer.code}")
            stored = query(work / f"s-{number}.db", "SELECT count(*) FROM posts")[0][0]
            theirs.append(
                {
                    "cpu_ms": 1000 * peer.cpu / max(stored, 1),
                    "wall_ratio": peer.wall / (hosts.busiest_since(before) * args.delay),
                    "pages": float(stored),
                    "wall": peer.wall,
                }
            )
    med = {
        name: {key: statistics.median(r[key] for r in rows) for key in rows[0]}
        for name, rows in (("blogarchive", ours), ("Scrapy + bs4 + sqlite-utils", theirs))
    }
    rows_out = [
        (
            name,
            f"{m['pages']:.0f}",
            f"{m['cpu_ms']:.1f}",
            f"{m['wall']:.1f}",
            f"{m['wall_ratio']:.3f}",
        )
        for name, m in med.items()
    ]
    a, b = med["blogarchive"], med["Scrapy + bs4 + sqlite-utils"]
    rows_out.append(
        (
            "ours ÷ theirs",
            "",
            f"{a['cpu_ms'] / b['cpu_ms']:.2f}",
            f"{a['wall'] / b['wall']:.2f}",
            f"{a['wall_ratio'] / b['wall_ratio']:.2f}",
        )
    )
    header = ("crawler", "post pages", "CPU ms per page", "wall s", "wall ÷ politeness bound")
    text = table(header, rows_out)
    intro = (
        f"`python bench/peer_scrapy.py --hosts {args.hosts} --posts {args.posts}"
        f" --delay {args.delay} --rounds {args.rounds}` (medians; ours includes discovery,"
        " thread completion and the archive's versions and full-text index)"
    )
    print(intro)
    print(text)
    if args.markdown:
        write_section("peer-scrapy", f"## Beside Scrapy\n\n{intro}\n\n{text}")


if __name__ == "__main__":
    main()
