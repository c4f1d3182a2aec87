"""One scheduled run: for each due site, discover → fetch → parse (process pool) → archive."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scraper.config import Config, SiteConfig
from scraper.discover import complete_thread, discover_site
from scraper.fetch import Fetcher
from scraper.models import FetchOutcome, ParsedPage, RunReport, SiteReport
from scraper.parse import parse_page
from scraper.progress import Reporter
from scraper.revisit import RevisitPlan
from scraper.store import ArchiveStore

log = logging.getLogger("blogarchive.run")


@dataclass(slots=True)
class _Tally:
    """Mutable counts while a site runs; frozen into a SiteReport at the end."""

    site: str
    fetched: int = 0
    not_modified: int = 0
    failed: int = 0
    robots_blocked: int = 0
    posts_new: int = 0
    posts_changed: int = 0
    comments_new: int = 0
    comments_changed: int = 0
    comments_removed: int = 0
    bytes_received: int = 0
    consecutive_failures: int = 0
    errors: list[str] = field(default_factory=list)

    def freeze(self) -> SiteReport:
        return SiteReport(
            site=self.site,
            pages_fetched=self.fetched,
            pages_not_modified=self.not_modified,
            pages_failed=self.failed,
            pages_robots_blocked=self.robots_blocked,
            posts_new=self.posts_new,
            posts_changed=self.posts_changed,
            comments_new=self.comments_new,
            comments_changed=self.comments_changed,
            comments_removed=self.comments_removed,
            bytes_received=self.bytes_received,
            errors=tuple(self.errors),
        )


@dataclass(slots=True)
class _RunContext:
    config: Config
    store: ArchiveStore
    fetcher: Fetcher
    executor: Executor | None
    reporter: Reporter
    run_id: int
    deadline: float


def site_hosts(config: Config) -> frozenset[str]:
    """Hostnames of the configured sites: the only private addresses we may request."""
    return frozenset(urlsplit(site.url).hostname or "" for site in config.sites) - {""}


def due_sites(
    config: Config, store: ArchiveStore, only: Sequence[str], force: bool, now: datetime
) -> list[SiteConfig]:
    """The sites this run covers: those named (or all), minus those not yet due unless forced."""
    chosen = [config.site(name) for name in only] if only else list(config.sites)
    if force or only:
        return chosen
    due = []
    for site in chosen:
        last = store.last_run_at(site.name)
        if last is None or now - last >= site.every:
            due.append(site)
    return due


def _make_executor(workers: int) -> Executor | None:
    if workers <= 1:
        return None
    # forkserver: the run has threads (event loop helpers, servers in tests), and fork with
    # threads can deadlock children.
    context = multiprocessing.get_context("forkserver")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


async def run_once(
    config: Config,
    store: ArchiveStore,
    *,
    only: Sequence[str] = (),
    force: bool = False,
    reporter: Reporter,
    allow_private: frozenset[str] | None = None,
    parse_workers: int | None = None,
) -> RunReport:
    """Run every due site concurrently; one bad page never ends the run."""
    started = datetime.now(UTC)
    sites = due_sites(config, store, only, force, started)
    for site in sites:
        store.ensure_site(site.name, site.url, site.platform)
    run_id = store.start_run([site.name for site in sites], started)
    workers = parse_workers if parse_workers is not None else (os.cpu_count() or 1)
    executor = _make_executor(workers) if sites else None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + config.run.time_budget.total_seconds()
    reports: list[SiteReport] = []
    status = "ok"
    try:
        async with Fetcher(
            config.fetch,
            allow_private_hosts=site_hosts(config) if allow_private is None else allow_private,
        ) as fetcher:
            context = _RunContext(config, store, fetcher, executor, reporter, run_id, deadline)
            reports = list(await asyncio.gather(*(_run_site(site, context) for site in sites)))
    except BaseException:
        status = "interrupted"
        raise
    finally:
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        report = RunReport(run_id, started, datetime.now(UTC), tuple(reports))
        if status == "ok" and report.pages_failed:
            status = "partial"
        store.finish_run(run_id, report, status)
    return report


async def _run_site(site: SiteConfig, context: _RunContext) -> SiteReport:
    tally = _Tally(site.name)
    store = context.store
    context.reporter.site_started(site.name)
    plan = RevisitPlan(context.config.revisit, store.post_revisit_info(site.name), datetime.now(UTC))
    try:
        async for found in discover_site(
            site,
            context.fetcher.fetch,
            sitemaps=context.fetcher.sitemaps_for,
            limit=site.max_pages,
        ):
            if found.kind == "post" and plan.is_due(found.url):
                store.frontier_add(site.name, [(found.url, "post")], context.run_id)
        store.frontier_add(site.name, [(url, "post") for url in plan.due_known()], context.run_id)
    except Exception as error:  # discovery trouble must not lose the known posts' revisit
        log.exception("discovery failed for %s", site.name)
        tally.errors.append(f"discovery: {error}")
        store.frontier_add(site.name, [(url, "post") for url in plan.due_known()], context.run_id)

    budget = site.max_pages
    limit = max(1, context.config.fetch.concurrency * 2)
    while budget > 0:
        if asyncio.get_running_loop().time() > context.deadline:
            tally.errors.append("time budget used up; the rest waits for the next run")
            break
        if tally.consecutive_failures >= context.config.run.max_failures_per_site:
            tally.errors.append(
                f"stopped after {tally.consecutive_failures} failures in a row; retried next run"
            )
            break
        batch = store.frontier_pending(site.name, min(limit, budget))
        if not batch:
            store.frontier_reset(site.name)
            break
        budget -= len(batch)
        await asyncio.gather(*(_process(url, site, context, tally) for url, _kind in batch))
    report = tally.freeze()
    context.reporter.site_finished(report)
    return report


async def _parse(context: _RunContext, outcome: FetchOutcome, site: SiteConfig) -> ParsedPage:
    page = outcome.page
    assert page is not None
    args: tuple[Any, ...] = (page.body, page.final_url, page.content_type or None, site.platform)
    if context.executor is None:
        return _parse_job(*args)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(context.executor, _parse_job, *args)


def _parse_job(body: bytes, url: str, content_type: str | None, platform: str) -> ParsedPage:
    return parse_page(body, url, content_type=content_type, platform=platform)


async def _process(url: str, site: SiteConfig, context: _RunContext, tally: _Tally) -> None:
    """Fetch, parse and store one post page; every failure becomes a recorded outcome."""
    store = context.store
    etag, last_modified = store.validators(url)
    outcome = await context.fetcher.fetch(url, etag=etag, last_modified=last_modified)
    tally.bytes_received += outcome.bytes_received
    observed = outcome.fetched_at or datetime.now(UTC)
    if outcome.status == "ok" and outcome.page is not None:
        try:
            await _store_post(outcome, site, context, tally, observed)
        except Exception as error:  # a parser or store bug on one page: record, go on
            log.exception("could not archive %s", url)
            outcome = replace(outcome, status="failed", reason=f"{type(error).__name__}: {error}")
    store.record_fetch(context.run_id, site.name, outcome)
    if outcome.status == "ok":
        tally.fetched += 1
        tally.consecutive_failures = 0
    elif outcome.status == "not_modified":
        store.mark_not_modified(url, observed)
        tally.not_modified += 1
        tally.consecutive_failures = 0
    elif outcome.status == "robots_blocked":
        tally.robots_blocked += 1
    elif outcome.status == "failed":
        tally.failed += 1
        tally.consecutive_failures += 1
        tally.errors.append(f"{url}: {outcome.reason}")
    store.frontier_done(site.name, url, outcome.status)
    context.reporter.page_done(site.name, url, outcome.status, outcome.reason)


async def _store_post(
    outcome: FetchOutcome,
    site: SiteConfig,
    context: _RunContext,
    tally: _Tally,
    observed: datetime,
) -> None:
    page = outcome.page
    assert page is not None
    parsed = await _parse(context, outcome, site)
    if not parsed.is_post and not parsed.comments:
        return  # a listing or other page reached by a post-looking URL: nothing to keep
    thread = await complete_thread(parsed, page.final_url, context.fetcher.fetch)
    complete_page = replace(parsed, comments=thread.comments)
    result = context.store.store_page(
        site.name,
        page,
        complete_page,
        observed_at=observed,
        thread_complete=thread.complete,
        completeness_note=thread.note,
    )
    tally.posts_new += int(result.post_new)
    tally.posts_changed += int(result.post_changed)
    tally.comments_new += result.comments_new
    tally.comments_changed += result.comments_changed
    tally.comments_removed += result.comments_removed
