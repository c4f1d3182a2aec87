"""The fleet's parts without a broker: host groups, queues, sealed messages, journal and slice."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from archive_builders import SITE, T0, URL, comment, fetched, open_archive, parsed

from archive.db import Archive
from archive.slices import open_slice, site_slice
from scraper.core.config import Config, DistributedConfig, SiteConfig, config_from_dict
from scraper.core.errors import ArchiveError, ConfigError, EngineError
from scraper.core.models import FetchOutcome
from scraper.distributed.engine import make_app
from scraper.distributed.hosts import group_sites, parse_queue_list, queue_index
from scraper.distributed.jobs import GroupJob, seal, unseal
from scraper.distributed.journal import JournalStore, replay


def _site(name: str, url: str) -> SiteConfig:
    return SiteConfig(name=name, url=url)


def test_two_sites_on_one_host_and_port_are_one_group_on_one_queue() -> None:
    sites = [
        _site("a", "https://blog.example/"),
        _site("b", "https://BLOG.example:443/other/"),
        _site("c", "https://blog.example:8443/"),
        _site("d", "http://elsewhere.example/"),
    ]
    groups = group_sites(sites)
    assert [[s.name for s in group] for group in groups.values()] == [["a", "b"], ["c"], ["d"]]
    assert list(groups) == sorted(groups)
    # Stable across processes and runs (not Python's salted hash()), and spread over the queues.
    assert queue_index("blog.example:443", 16) == queue_index("blog.example:443", 16)
    spread = {queue_index(f"host{n}.example:80", 16) for n in range(200)}
    assert len(spread) == 16


def test_queue_lists() -> None:
    assert parse_queue_list("", 4) == [0, 1, 2, 3]
    assert parse_queue_list("0-1, 3", 4) == [0, 1, 3]
    with pytest.raises(ValueError, match="outside 0-3"):
        parse_queue_list("2-4", 4)


def _job() -> GroupJob:
    return GroupJob(7, "blog.example:443", Config(), b"slice", T0, T0 + timedelta(hours=1))


def test_a_sealed_job_opens_only_with_its_secret_and_unaltered() -> None:
    text = seal(_job(), "s1")
    assert unseal(text, "s1") == _job()
    with pytest.raises(EngineError, match="signature does not match"):
        unseal(text, "s2")
    tampered = text[:-8] + ("A" * 8 if not text.endswith("A" * 8) else "B" * 8)
    with pytest.raises(EngineError):
        unseal(tampered, "s1")
    with pytest.raises(EngineError, match="not a blogarchive job"):
        unseal("not base64 at all!", "s1")


def test_the_engine_refuses_to_start_without_a_secret() -> None:
    with pytest.raises(ConfigError, match=r"distributed\.secret"):
        make_app(DistributedConfig())


def test_the_distributed_table_is_read_and_checked() -> None:
    config = config_from_dict(
        {"distributed": {"broker_url": "redis://b:6379/1", "visibility_timeout": "90m"}}
    )
    assert config.distributed.visibility_timeout == timedelta(minutes=90)
    with pytest.raises(ConfigError, match=r"distributed\.brokers"):
        config_from_dict({"distributed": {"brokers": "x"}})


def test_a_slice_holds_only_its_sites_and_the_journal_replays_into_the_real_archive(
    tmp_path: Path,
) -> None:
    real = open_archive(tmp_path)
    real.ensure_site("other", "https://other.example/", "blogger")
    run_id = real.start_run([SITE, "other"], T0)
    real.frontier_add(SITE, [(URL, "post")], run_id)
    real.frontier_add("other", [("https://other.example/p.html", "post")], run_id)
    data = site_slice(real.path, [SITE], run_id)

    with open_slice(data) as scratch:
        assert scratch.frontier_urls(SITE) == {URL}
        assert scratch.frontier_urls("other") == set()
        journal = JournalStore(scratch)
        # A transaction rolled back on the slice is not replayed.
        with pytest.raises(RuntimeError):
            _fail_inside_a_batch(journal)
        assert journal.calls == []
        assert scratch.frontier_pending(SITE, 5) == [(URL, "post")]  # rolled back there too
        page = fetched()
        with journal.batch():
            journal.store_page(
                SITE,
                page,
                parsed((comment("1", "first!"),)),
                observed_at=T0,
                thread_complete=True,
            )
            journal.record_fetch(run_id, SITE, FetchOutcome(URL, "ok", page=page, fetched_at=T0))
            journal.frontier_done(SITE, URL, "ok")
        calls = list(journal.calls)
    assert [name for name, _args, _kwargs in calls] == [
        "store_page",
        "record_fetch",
        "frontier_done",
    ]

    with real.batch():
        stored = replay(real, calls, [SITE])
    assert [(site, result.post_new, result.comments_new) for site, result in stored] == [
        (SITE, True, 1)
    ]
    assert real.frontier_pending(SITE, 5) == []
    assert real.frontier_pending("other", 5) == [("https://other.example/p.html", "post")]
    with closing(sqlite3.connect(real.path)) as conn:
        assert conn.execute("SELECT count(*) FROM comments").fetchone() == (1,)
    real.close()


def _fail_inside_a_batch(journal: JournalStore) -> None:
    with journal.batch():
        journal.frontier_done(SITE, URL, "ok")
        raise RuntimeError("a store bug mid-page")


def test_replay_refuses_writes_for_other_sites_and_unknown_writes(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a.db") as real:
        with pytest.raises(ArchiveError, match="not one of its sites"):
            replay(real, [("frontier_reset", ("other",), {})], [SITE])
        with pytest.raises(ArchiveError, match="does not replay"):
            replay(real, [("finish_run", (1,), {})], [SITE])
