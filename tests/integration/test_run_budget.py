"""A run against a blog whose post pages are slow (some never finish) ends within its time
budget plus one URL's deadline; the pages it did not reach wait for the next run."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from scheduled_runs import query, run_in_process
from servers import FAST, Behaviour, Handler, Hit, MisbehavingServer, drip_forever, page

from scraper.core.config import Config, RunConfig, SiteConfig

pytestmark = pytest.mark.integration

BUDGET = 1.5
URL_DEADLINE = 1.0
POSTS = 30
HEAD = "<html><head><meta name='generator' content='WordPress 6.4'></head><body class='single'>"


def _post(number: int) -> bytes:
    return (
        f"{HEAD}<article class='post'><h1 class='entry-title'>Post {number}</h1>"
        "<div class='entry-content'><p>Words.</p></div></article><ol class='comment-list'>"
        f'<li class="comment depth-1" id="comment-{number}"><article class="comment-body">'
        '<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Ann</b>'
        '</div><div class="comment-metadata"><time datetime="2021-03-01T10:00:00+00:00">March 1'
        '</time></div></footer><div class="comment-content"><p>Hello.</p></div></article></li>'
        "</ol></body></html>"
    ).encode()


def _slow(body: bytes, seconds: float) -> Behaviour:
    def behaviour(handler: Handler, hit: Hit) -> None:
        handler.pause(seconds)
        page(body)(handler, hit)

    return behaviour


def test_a_run_over_slow_pages_ends_within_its_budget_plus_one_url_deadline(
    tmp_path: Path,
) -> None:
    db = tmp_path / "archive.db"
    with MisbehavingServer() as blog:
        for number in range(POSTS):
            # Every third page trickles forever (only the URL deadline ends it), the rest
            # take 0.6 s: two at a time, the whole blog would take over 9 s.
            slow = drip_forever() if number % 3 == 2 else _slow(_post(number), 0.6)
            blog.routes[f"/2021/03/post-{number}.html"] = slow
        links = "".join(f"<a href='/2021/03/post-{n}.html'>{n}</a>" for n in range(POSTS))
        blog.routes["/"] = page(f"<html><body>{links}</body></html>".encode())
        config = Config(
            fetch=replace(FAST, respect_robots=False, url_deadline=URL_DEADLINE),
            run=RunConfig(time_budget=timedelta(seconds=BUDGET)),
            sites=(SiteConfig(name="slow", url=blog.url("/"), max_pages=100),),
        )
        started = time.monotonic()
        report = run_in_process(config, db, force=True)
        elapsed = time.monotonic() - started

    assert BUDGET <= elapsed < BUDGET + URL_DEADLINE + 1.0  # slack: archive, parse, shutdown
    archived = query(db, "SELECT count(*) FROM posts")[0][0]
    assert 0 < archived < POSTS
    errors = [e for (text,) in query(db, "SELECT errors FROM run_sites") for e in json.loads(text)]
    assert any(error.startswith("time budget used up") for error in errors)
    # The pages it did not reach are still queued for the next run.
    assert query(db, "SELECT count(*) FROM frontier WHERE status = 'pending'")[0][0] > 0
    assert report.sites[0].pages_fetched < POSTS + 1
