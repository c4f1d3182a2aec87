"""Many workers, one archive: real redis-server, real `blogarchive worker` processes, 20 blogs.

The archive a fleet builds must equal one process's, whatever happens to a worker; no blog may
see two of our requests closer than the configured delay; a broker that goes away ends the run
with exit code 4, and the next run finishes the work.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import redis
from fleet import (
    RedisServer,
    closest_requests,
    redis_binary,
    run_args,
    start_run,
    workers,
    write_fleet_config,
)
from scheduled_runs import REPO, archive_dump, query

from scraper.demo import DemoServer

DELAY = 0.5
# The servers log when a request arrives, not when the pacer let it go: a request held up on
# its way out (the 2 shared cores busy with workers, parsers and other jobs) arrives late and
# the next one seems closer (up to 0.19 s closer seen under load). A host run by two workers
# at once (the fault this guards against) shows gaps near zero.
TOLERANCE = DELAY / 2

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reference(
    blogs: list[DemoServer], broker: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[tuple[Any, ...]]]:
    """The archive one `blogarchive run` process makes of the twenty blogs."""
    folder = tmp_path_factory.mktemp("single")
    config = write_fleet_config(folder, blogs, broker.url(0), delay=DELAY)
    db = folder / "single.db"
    done = subprocess.run(
        run_args(config, db), cwd=REPO, capture_output=True, text=True, timeout=90, check=False
    )
    assert done.returncode == 0, done.stderr
    return archive_dump(db)


def _progress(url: str) -> dict[str, dict[str, str]]:
    client = redis.Redis.from_url(url, decode_responses=True)
    try:
        return {
            key.removeprefix("blogarchive:worker:"): client.hgetall(key)
            for key in client.scan_iter(match="blogarchive:worker:*")
            if not key.endswith(":running")
        }
    finally:
        client.close()


def _sites_archived(db: Path) -> int:
    try:
        count: int = query(db, "SELECT count(DISTINCT site) FROM posts")[0][0]
    except sqlite3.OperationalError:  # the run has not created the tables yet
        return 0
    return count


def _wait_for(condition: Any, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_three_workers_build_the_archive_one_process_builds(
    blogs: list[DemoServer],
    broker: RedisServer,
    reference: dict[str, list[tuple[Any, ...]]],
    folder: Path,
) -> None:
    config = write_fleet_config(folder, blogs, broker.url(1), delay=DELAY)
    db = folder / "fleet.db"
    since = time.monotonic()
    with workers(config, folder, 3, "w"):
        with start_run(config, db, "--distributed") as run:
            _out, err = run.communicate(timeout=90)
        assert run.returncode == 0, err
        status = subprocess.run(
            [*run_args(config, db, "--distributed")[:3], "status", "--config", str(config),
             "--db", str(db), "--json", "--workers"],
            cwd=REPO, capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
    assert archive_dump(db) == reference
    assert closest_requests(blogs, since) >= DELAY - TOLERANCE
    shown = json.loads(status.stdout)["workers"]
    assert {row["worker"] for row in shown} <= {"w0@fleet", "w1@fleet", "w2@fleet"}
    assert len(shown) >= 2  # twenty hosts, two at a time per worker: the work was shared
    assert sum(row["sites_done"] for row in shown) == 20
    assert (
        sum(row["pages_done"] for row in shown)
        == query(db, "SELECT count(*) FROM fetches WHERE kind = 'post'")[0][0]
    )
    assert query(db, "SELECT status FROM runs") == [("ok",)]


def test_a_worker_killed_mid_site_loses_and_duplicates_nothing(
    blogs: list[DemoServer],
    broker: RedisServer,
    reference: dict[str, list[tuple[Any, ...]]],
    folder: Path,
) -> None:
    url = broker.url(2)
    config = write_fleet_config(folder, blogs, url, delay=DELAY, visibility_timeout="8s")
    db = folder / "fleet.db"
    since = time.monotonic()
    with workers(config, folder, 2, "k") as (victim, _survivor):
        with start_run(config, db, "--distributed") as run:

            def victim_is_mid_site() -> bool:
                row = _progress(url).get(victim.name, {})
                client = redis.Redis.from_url(url)
                try:
                    running = client.scard(f"blogarchive:worker:{victim.name}:running")
                finally:
                    client.close()
                return running > 0 and int(row.get("pages_done", 0)) >= 1

            _wait_for(victim_is_mid_site, 60, "the first worker to be inside a site")
            victim.kill()
            _out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    assert archive_dump(db) == reference
    # The killed worker's sites were redone elsewhere, after the redelivery timeout: never
    # two of ours at once on a blog, and each post page fetched once in the archive.
    assert closest_requests(blogs, since) >= DELAY - TOLERANCE
    assert (
        query(
            db,
            "SELECT url, count(*) FROM fetches WHERE kind = 'post' GROUP BY url HAVING count(*) > 1",
        )
        == []
    )


def test_a_broker_gone_fails_the_run_with_exit_4_and_the_next_run_resumes(
    blogs: list[DemoServer], folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    few = blogs[:4]  # eight blogs: enough to be mid-run when the broker dies
    broker = RedisServer(redis_binary())
    broker.start()
    config = write_fleet_config(folder, few, broker.url(0), delay=0.3, concurrency=2)
    single = tmp_path_factory.mktemp("single-few") / "single.db"
    done = subprocess.run(
        run_args(config, single), cwd=REPO, capture_output=True, text=True, timeout=90, check=False
    )
    assert done.returncode == 0, done.stderr
    db = folder / "fleet.db"
    try:
        with workers(config, folder, 1, "b"):
            with start_run(config, db, "--distributed") as run:
                _wait_for(
                    lambda: db.exists() and _sites_archived(db) >= 2, 60, "two sites archived"
                )
                broker.kill()
                _out, err = run.communicate(timeout=60)
            assert run.returncode == 4, err
            assert "lost the broker" in err
            assert query(db, "SELECT status FROM runs") == [("interrupted",)]
            assert 2 <= _sites_archived(db) < 8
            # The broker is back (empty: it kept nothing): the next run does what is left.
            broker = RedisServer(redis_binary(), port=broker.port)
            broker.start()
            with start_run(config, db, "--distributed") as again:
                _out, err = again.communicate(timeout=120)
            assert again.returncode == 0, err
    finally:
        broker.kill()
    assert archive_dump(db) == archive_dump(single)
    assert query(db, "SELECT status FROM runs ORDER BY id") == [("interrupted",), ("ok",)]
