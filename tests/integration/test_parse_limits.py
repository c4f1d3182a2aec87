"""One page whose parse runs past the run's limit costs that page, not the run: it is recorded
failed with the reason and its raw body kept, and the other pages are archived."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from scheduled_runs import query
from servers import MisbehavingServer, page

from archive.db import Archive
from scraper.core.config import Config, FetchConfig, RunConfig, SiteConfig
from scraper.run.pipeline import run_once
from scraper.run.progress import QuietReporter

pytestmark = pytest.mark.integration

FAST = FetchConfig(user_agent="blogarchive-tests/0.1", delay=0.0, timeout=30, retries=0)
HEAD = "<html><head><meta name='generator' content='WordPress 6.4'></head><body class='single'>"


def post(title: str, comments: int) -> bytes:
    """A WordPress post page with `comments` comments (8,000 take seconds to parse)."""
    items = "".join(
        f'<li class="comment depth-1" id="comment-{i}"><article class="comment-body">'
        f'<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Reader {i}'
        f'</b></div><div class="comment-metadata"><time datetime="2021-03-01T10:00:00+00:00">'
        f'March 1</time></div></footer><div class="comment-content"><p>Comment {i}.</p></div>'
        "</article></li>"
        for i in range(comments)
    )
    return (
        f"{HEAD}<article class='post'><h1 class='entry-title'>{title}</h1><div class='entry-"
        f"content'><p>Words of the post.</p></div></article><ol class='comment-list'>{items}</ol>"
        "</body></html>"
    ).encode()


# In-process, the alarm can strike inside a garbage-collector callback that hypothesis (loaded
# by the property tests) installs; Python reports the exception there as unraisable and the
# alarm, repeating, stops the parse at the next bytecode: what this test checks.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("workers", [1, 2], ids=["in-process", "pool"])
def test_a_page_past_the_parse_time_limit_fails_alone(tmp_path: Path, workers: int) -> None:
    db = tmp_path / "archive.db"
    slow = post("Huge thread", 12_000)
    with MisbehavingServer() as blog:
        blog.routes["/2021/03/huge.html"] = page(slow)
        blog.routes["/2021/03/fine.html"] = page(post("Fine post", 3))
        blog.routes["/"] = page(
            b"<html><body><a href='/2021/03/huge.html'>Huge</a>"
            b"<a href='/2021/03/fine.html'>Fine</a></body></html>"
        )
        config = Config(
            fetch=FAST,
            run=RunConfig(parse_time_limit=timedelta(seconds=0.5)),
            sites=(SiteConfig(name="b", url=blog.url("/"), max_pages=5),),
        )
        with Archive.open(db) as archive, archive.lock():
            report = asyncio.run(
                run_once(
                    config, archive, reporter=QuietReporter(), parse_workers=workers, force=True
                )
            )
    assert report.sites[0].pages_failed == 1
    ((status, reason),) = query(db, "SELECT status, reason FROM fetches WHERE url LIKE '%huge%'")
    assert status == "failed"
    assert "parse took over 0.5 s" in reason
    stored = query(
        db,
        "SELECT p.size FROM page_urls u JOIN pages p ON p.hash = u.hash WHERE u.url LIKE '%huge%'",
    )
    assert stored == [(len(slow),)]  # kept: `reparse` (with a higher limit) can read it later
    assert query(db, "SELECT title FROM posts") == [("Fine post",)]
    assert query(db, "SELECT count(*) FROM comments") == [(3,)]


def test_a_page_past_the_memory_limit_fails_alone_and_the_pool_goes_on(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    big = post("Huge thread", 12_000)
    with MisbehavingServer() as blog:
        blog.routes["/2021/03/huge.html"] = page(big)
        for n in range(3):
            blog.routes[f"/2021/03/fine-{n}.html"] = page(post(f"Fine post {n}", 2))
        blog.routes["/"] = page(
            b"<html><body><a href='/2021/03/huge.html'>Huge</a>"
            + b"".join(f"<a href='/2021/03/fine-{n}.html'>Fine</a>".encode() for n in range(3))
            + b"</body></html>"
        )
        config = Config(
            fetch=FAST,
            # Room for a worker and small pages, not for a 12,000-comment tree.
            run=RunConfig(parse_memory_limit_mb=_worker_floor_mb() + 60),
            sites=(SiteConfig(name="b", url=blog.url("/"), max_pages=10),),
        )
        with Archive.open(db) as archive, archive.lock():
            report = asyncio.run(
                run_once(config, archive, reporter=QuietReporter(), parse_workers=2, force=True)
            )
    ((status, reason),) = query(db, "SELECT status, reason FROM fetches WHERE url LIKE '%huge%'")
    assert status == "failed"
    assert "memory" in reason or "process died" in reason
    assert report.sites[0].pages_failed == 1
    titles = sorted(title for (title,) in query(db, "SELECT title FROM posts"))
    assert titles == ["Fine post 0", "Fine post 1", "Fine post 2"]


def _worker_floor_mb() -> int:
    """The address space a parse worker has before it reads a page (this machine's Python and
    libraries), measured in a fresh worker of the real pool."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as pool:
        return pool.submit(_address_space_mb).result()


def _address_space_mb() -> int:
    from scraper.parse import parse_page

    parse_page(post("Warm-up", 2), "http://x.example/2021/03/w.html")  # libraries loaded
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) // 1024
    raise RuntimeError("no VmSize in /proc/self/status")
