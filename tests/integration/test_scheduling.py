"""Scheduled runs: due-ness, the revisit policy over simulated time, limits, failures, logging."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scheduled_runs import (
    post_paths,
    query,
    run_in_process,
    run_to_end,
    write_config,
)

from scraper.core.config import RevisitConfig, load_config
from scraper.demo import DemoServer
from scraper.demo.content import DemoBlog


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(extra_posts=8) as running:
        yield running


def _requested(server: DemoServer, start: int) -> set[str]:
    return set(post_paths(server.request_log()[start:]))


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _covered(db: Path) -> list[str]:
    """The sites the latest run went through."""
    rows = query(db, "SELECT site FROM run_sites WHERE run_id = (SELECT max(id) FROM runs)")
    return sorted(row[0] for row in rows)


def _set_blog(server: DemoServer, name: str, blog: DemoBlog) -> None:
    """Serve `blog` as it was (the demo server only adds comments; this takes one away)."""
    for state in server._sites:
        if state.blog.name == name:
            with state.lock:
                state.blog = blog
                state.cache.clear()


def test_due_ness_follows_every_and_the_runs_table(server: DemoServer, tmp_path: Path) -> None:
    config = load_config(write_config(server, tmp_path, every="6h"))
    db = tmp_path / "archive.db"
    first = run_in_process(config, db)
    assert sorted(site.site for site in first.sites) == ["switchbacks", "tinkerers"]

    before = server.request_count()
    assert run_in_process(config, db).sites == ()  # not due: nothing is fetched at all
    assert server.request_count() == before
    assert _covered(db) == []

    later = datetime.now(UTC) + timedelta(hours=6, minutes=1)
    assert (
        len(run_in_process(config, db, now=later).sites) == 2
    )  # due again once `every` has passed

    code, _out, err = run_to_end(tmp_path / "config.toml", db, "--site", "tinkerers")
    assert code == 0, err
    assert _covered(db) == ["tinkerers"]
    code, _out, err = run_to_end(tmp_path / "config.toml", db, "--force")
    assert code == 0, err
    assert _covered(db) == ["switchbacks", "tinkerers"]


def test_revisit_policy_young_growing_and_removed(server: DemoServer, tmp_path: Path) -> None:
    write_config(server, tmp_path)
    db = tmp_path / "archive.db"
    base = load_config(tmp_path / "config.toml")
    run_in_process(base, db)
    started = datetime.now(UTC)
    published = {
        _path(url): datetime.fromisoformat(stamp)
        for url, stamp in query(db, "SELECT source_url, published_at FROM posts")
    }
    ages = sorted((started - moment).days for moment in published.values())
    recent_days = ages[0] + 1  # the youngest post(s) count as recent
    young = {
        path for path, moment in published.items() if started - moment < timedelta(days=recent_days)
    }
    assert young
    assert len(young) < len(published) // 2
    policy = RevisitConfig(
        recent_days=recent_days,
        recent_every=timedelta(0),
        middle_days=1_000_000,
        middle_every=timedelta(hours=4),
    )
    config = replace(base, revisit=policy)

    # Right after the first run: only the young posts are looked at again.
    start = server.request_count()
    run_in_process(config, db, force=True)
    assert _requested(server, start) == young

    # A reader comments on the oldest WordPress post; 5 h later every post is due again.
    blog = server.blog("tinkerers")
    old_index = len(blog.posts) - 1
    target = blog.posts[old_index].path
    assert target not in young
    server.add_comment("tinkerers", old_index, "Ola Nordmann", "Still useful years later.")
    start = server.request_count()
    report = run_in_process(config, db, now=started + timedelta(hours=5), force=True)
    assert _requested(server, start) == set(published)
    assert sum(site.comments_new for site in report.sites) == 1
    assert sum(site.pages_fetched for site in report.sites) == 1  # the rest were 304s
    rows = query(
        db,
        "SELECT p.source_url, c.author FROM comments c JOIN posts p ON p.id = c.post_id"
        " WHERE c.text LIKE 'Still useful%'",
    )
    assert [(_path(url), author) for url, author in rows] == [(target, "Ola Nordmann")]

    # 90 minutes after that visit: the growing thread is due again (interval / 4), the quiet
    # ones (4 h) are not.
    start = server.request_count()
    later = datetime.now(UTC) + timedelta(minutes=90)
    # Young as of that moment: a post close to the recent_days line may have crossed it.
    young_later = {
        path for path, moment in published.items() if later - moment < timedelta(days=recent_days)
    }
    run_in_process(config, db, now=later, force=True)
    assert _requested(server, start) == young_later | {target}

    # The comment is deleted on the blog: the fully fetched page no longer shows it.
    _set_blog(server, "tinkerers", blog)
    report = run_in_process(config, db, now=datetime.now(UTC) + timedelta(hours=12), force=True)
    assert sum(site.comments_removed for site in report.sites) == 1
    removed = query(db, "SELECT author, removed_at FROM comments WHERE removed_at IS NOT NULL")
    assert [author for author, _when in removed] == ["Ola Nordmann"]


def test_max_pages_and_time_budget_continue_next_run(tmp_path: Path) -> None:
    with DemoServer(extra_posts=20, latency=0.02) as slow:
        # A budget shorter than discovery: each run still archives some pages, then stops.
        write_config(slow, tmp_path, extra=["[run]", 'time_budget = "0.01s"'])
        config = load_config(tmp_path / "config.toml")
        config = replace(config, sites=tuple(replace(s, max_pages=15) for s in config.sites))
        db = tmp_path / "archive.db"
        expected = sum(len(slow.blog(site.name).posts) for site in slow.sites)
        runs = 0
        while runs < 12:
            report = run_in_process(config, db)  # never forced: unfinished work keeps the sites due
            runs += 1
            assert all(site.pages_fetched <= 15 for site in report.sites)
            if not report.sites:
                break
        assert 2 < runs < 12
        errors = [
            e
            for (text,) in query(db, "SELECT errors FROM run_sites")
            for e in json.loads(text or "[]")
        ]
        assert any(error.startswith("time budget used up") for error in errors)
        assert query(db, "SELECT count(*) FROM posts") == [(expected,)]
        assert query(db, "SELECT count(*) FROM frontier") == [(0,)]
        fetched = query(
            db,
            "SELECT count(*), count(DISTINCT url) FROM fetches WHERE kind = 'post' AND status = 'ok'",
        )
        assert fetched == [(expected, expected)]  # each page once, across all the runs


def test_revisits_cut_short_by_max_pages_keep_the_site_due(
    server: DemoServer, tmp_path: Path
) -> None:
    """Revisits wait in the frontier like new posts; a run that stops before it reaches them
    all leaves the rest there, so the next (unforced) run is due at once and finishes them."""
    write_config(server, tmp_path, every="6h")
    config = load_config(tmp_path / "config.toml")
    db = tmp_path / "archive.db"
    run_in_process(config, db)
    known = query(db, "SELECT count(*) FROM posts")[0][0]
    assert query(db, "SELECT count(*) FROM frontier") == [(0,)]

    later = datetime.now(UTC) + timedelta(hours=1)  # not due by `every`
    limited = replace(config, sites=tuple(replace(s, max_pages=5) for s in config.sites))
    start = server.request_count()
    first = run_in_process(limited, db, now=later, force=True)
    assert sum(site.pages_not_modified for site in first.sites) == 10
    left = query(db, "SELECT count(*) FROM frontier WHERE status = 'pending'")[0][0]
    assert left == known - 10
    second = run_in_process(config, db, now=later)  # due because of the queued revisits
    assert sum(site.pages_not_modified for site in second.sites) == known - 10
    assert query(db, "SELECT count(*) FROM frontier") == [(0,)]
    revisited = post_paths(server.request_log()[start:])
    assert len(revisited) == len(set(revisited)) == known  # each post once across both runs
    assert run_in_process(config, db, now=later).sites == ()  # now nothing is due


def test_repeated_failures_stop_a_site_and_exit_1(tmp_path: Path) -> None:
    with DemoServer(extra_posts=30) as doomed:
        write_config(
            doomed,
            tmp_path,
            extra=["retries = 0", "respect_robots = false", "[run]", "max_failures_per_site = 4"],
        )
        db = tmp_path / "archive.db"
        code, _out, err = run_to_end(tmp_path / "config.toml", db)
        assert code == 0, err
        known = query(db, "SELECT count(*) FROM posts")[0][0]
    # The blogs are gone now: every revisit fails.
    code, _out, err = run_to_end(tmp_path / "config.toml", db, "--force")
    assert code == 1
    assert "stopped after" in err
    # Failures of the last run: unreachable hosts, not the 4xx answers discovery probes expect.
    failed = query(
        db,
        "SELECT count(*) FROM fetches WHERE status = 'failed' AND reason != ''"
        " AND (http_status IS NULL OR http_status >= 500)"
        " AND run_id = (SELECT max(id) FROM runs)",
    )[0][0]
    run = query(db, "SELECT status, pages_failed FROM runs ORDER BY id DESC LIMIT 1")
    assert run == [("partial", failed)]
    assert 8 <= failed < known  # both sites stopped long before trying every post
    assert query(db, "SELECT count(*) FROM frontier WHERE status = 'pending'")[0][0] > 0


def test_log_json_lines_and_quiet_success(server: DemoServer, tmp_path: Path) -> None:
    config = write_config(server, tmp_path)
    db = tmp_path / "archive.db"
    code, _out, err = run_to_end(config, db, "--log-json")
    assert code == 0, err
    events: list[dict[str, Any]] = [json.loads(line) for line in err.splitlines()]
    assert events
    assert {event["event"] for event in events} == {
        "run_started",
        "site_started",
        "page",
        "site_finished",
        "run_finished",
    }
    assert events[0]["event"] == "run_started"
    assert sum(event["event"] == "site_finished" for event in events) == 2
    assert all("time" in event for event in events)
    finished = events[-1]
    assert finished["event"] == "run_finished"
    assert finished["exit_code"] == 0
    assert finished["run_id"] == 1
    assert finished["pages_failed"] == 0
    assert finished["posts_new"] > 0
    assert finished["duration_s"] >= 0

    # Not due yet: each site is skipped, with when it is due.
    code, _out, err = run_to_end(config, db, "--log-json")
    assert code == 0, err
    skipped = [json.loads(line) for line in err.splitlines()]
    skipped = [event for event in skipped if event["event"] == "site_skipped"]
    assert len(skipped) == 2
    assert all(event["reason"] == "not due yet" and event["next_due"] for event in skipped)

    code, _out, err = run_to_end(config, db, "--force")
    assert code == 0
    assert err == ""

    # A fatal error is a JSON event as well as one line.
    code, _out, err = run_to_end(config, tmp_path / "no-such-dir" / "archive.db", "--log-json")
    assert code == 2
    fatal = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert fatal[-1]["event"] == "fatal"
    assert fatal[-1]["exit_code"] == 2
