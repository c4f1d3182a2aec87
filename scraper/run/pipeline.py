"""One scheduled run: for each due site, discover → fetch → parse (process pool) → archive."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from scraper.core.config import Config, SiteConfig
from scraper.core.errors import ArchiveFullError, ParseLimitError
from scraper.core.models import FetchedPage, FetchOutcome, ParsedPage, RunReport, SiteReport
from scraper.core.storage import ArchiveStore
from scraper.fetch.fetcher import BUDGET_REASON, Fetcher
from scraper.fetch.politeness import SITE_UNREACHABLE
from scraper.fetch.scope import private_allowances
from scraper.run.parse_pool import lone_executor, parse_job
from scraper.run.progress import Reporter
from scraper.run.site_work import RunContext, SiteFeed, Tally
from scraper.threads.complete import complete_thread

log = logging.getLogger("blogarchive.run")


def site_hosts(config: Config) -> frozenset[str]:
    """`host:port` of each configured site: the only private addresses we may request, each
    on its own site's port (a redirect to another port of the same host is another service)."""
    return frozenset(entry for site in config.sites for entry in private_allowances(site.url))


def due_sites(
    config: Config, store: ArchiveStore, only: Sequence[str], force: bool, now: datetime
) -> list[SiteConfig]:
    """The sites this run covers: those named (or all), minus those not yet due unless forced.

    A site whose last run stopped early (killed, time budget, max_pages) still has queued work
    in its frontier: it is due, so the next run finishes what that one started.
    """
    chosen = [config.site(name) for name in only] if only else list(config.sites)
    if force or only:
        return chosen
    due = []
    for site in chosen:
        last = store.last_run_at(site.name)
        if (
            last is None
            or now - last >= retry_after(store, site)
            or store.frontier_pending(site.name, 1)
        ):
            due.append(site)
    return due


# An unreachable site is tried again sooner than `every`: 15 min, then 30, 60, … up to `every`.
FIRST_RETRY = timedelta(minutes=15)


def retry_after(store: ArchiveStore, site: SiteConfig) -> timedelta:
    """How long after its last run the site is due: `every`, or the backoff when unreachable."""
    streak = store.failed_runs_in_a_row(site.name, SITE_UNREACHABLE)
    if streak == 0:
        return site.every
    return min(site.every, FIRST_RETRY * (1 << min(streak - 1, 16)))


def begin_run(
    config: Config,
    store: ArchiveStore,
    only: Sequence[str],
    force: bool,
    now: datetime | None,
) -> tuple[list[SiteConfig], int, datetime, datetime]:
    """Start a run in the archive: (the due sites, its id, when it started, the clock due-ness
    and revisits go by: `now` when a test simulates time, else the start)."""
    started = datetime.now(UTC)
    clock = now or started
    sites = due_sites(config, store, only, force, clock)
    for site in sites:
        store.ensure_site(site.name, site.url, site.platform)
    return sites, store.start_run([site.name for site in sites], started), started, clock


async def run_once(
    config: Config,
    store: ArchiveStore,
    *,
    only: Sequence[str] = (),
    force: bool = False,
    reporter: Reporter,
    allow_private: frozenset[str] | None = None,
    parse_workers: int | None = None,
    now: datetime | None = None,
) -> RunReport:
    """Run every due site concurrently; one bad page never ends the run.

    `now` replaces the clock for due-ness and revisit decisions (tests simulate time passing);
    what is stored keeps the real fetch times.
    """
    sites, run_id, started, clock = begin_run(config, store, only, force, now)
    reports: list[SiteReport] = []
    status = "ok"
    try:
        reports, stopped = await run_sites(
            config,
            store,
            sites,
            run_id,
            reporter=reporter,
            allow_private=allow_private,
            parse_workers=parse_workers,
            now=clock,
        )
        if stopped:
            status = "interrupted"
    except ArchiveFullError:
        status = "failed"  # every later page would fail the same way: the run stops here
        raise
    except BaseException:
        status = "interrupted"
        raise
    finally:
        report = RunReport(
            run_id, started, datetime.now(UTC), tuple(reports), interrupted=status == "interrupted"
        )
        if status == "ok" and report.pages_failed:
            status = "partial"
        try:
            store.finish_run(run_id, report, status)
        except ArchiveFullError:
            # No room even for the run's row: it stays `running`, and the next run (under the
            # same lock) marks it interrupted. The error already on its way is the one to tell.
            if status != "failed":
                raise
    return report


async def run_sites(
    config: Config,
    store: ArchiveStore,
    sites: Sequence[SiteConfig],
    run_id: int,
    *,
    reporter: Reporter,
    allow_private: frozenset[str] | None = None,
    parse_workers: int | None = None,
    now: datetime,
    parse_pool: Executor | None = None,
) -> tuple[list[SiteReport], bool]:
    """The sites' work within run `run_id` (already started): their reports, and whether a
    SIGTERM stopped them early. A distributed worker runs this for the sites it is handed,
    with its one `parse_pool` shared by all the sites it runs at once (left running here)."""
    workers = parse_workers if parse_workers is not None else (os.cpu_count() or 1)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + config.run.time_budget.total_seconds()
    context: RunContext | None = None
    try:
        async with Fetcher(
            config.fetch,
            allow_private_hosts=site_hosts(config) if allow_private is None else allow_private,
        ) as fetcher:
            context = RunContext(
                config, store, fetcher, workers, reporter, run_id, deadline, now, parse_pool
            )
            with _stop_on_sigterm(loop, context):
                reports = await _all_sites(sites, context)
        return reports, context.stopping is not None
    finally:
        if context is not None and context.executor is not None and parse_pool is None:
            context.executor.shutdown(wait=True, cancel_futures=True)


async def _all_sites(sites: Sequence[SiteConfig], context: RunContext) -> list[SiteReport]:
    """Every site at once; one that raises (a full disk) stops the others before it goes up."""
    tasks = [asyncio.create_task(_run_site(site, context)) for site in sites]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


@contextmanager
def _stop_on_sigterm(loop: asyncio.AbstractEventLoop, context: RunContext) -> Iterator[None]:
    """SIGTERM (systemd stop) ends the run gently: the pages in hand finish and are archived."""
    try:
        loop.add_signal_handler(
            signal.SIGTERM,
            context.request_stop,
            "stopped by SIGTERM; the rest waits for the next run",
        )
    except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or Windows
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


def _stop_reason(context: RunContext, tally: Tally, budget: int) -> str | None:
    if context.stopping is not None:
        return context.stopping
    if budget <= 0:
        return "max_pages reached; the rest waits for the next run"
    # Every run finishes at least one page per site, however slow discovery was: a budget
    # that ran out before the first page would leave each later run stuck at the same place.
    if tally.pages_done() and context.out_of_time():
        return "time budget used up; the rest waits for the next run"
    limit = context.config.run.max_failures_per_site
    if tally.consecutive_failures >= limit:
        return f"stopped after {tally.consecutive_failures} failures in a row; retried next run"
    return None


async def _run_site(site: SiteConfig, context: RunContext) -> SiteReport:
    tally = Tally(site.name)
    store = context.store
    context.reporter.site_started(site.name)
    feed = SiteFeed(site, context, tally)
    discovery = asyncio.create_task(feed.run())
    window = max(1, context.config.fetch.concurrency * 2)
    inflight: dict[asyncio.Task[None], str] = {}
    budget = site.max_pages
    stopped: str | None = None
    left = feed.left_pending  # pages this run leaves in the frontier on purpose (time budget)
    try:
        while True:
            stopped = stopped or _stop_reason(context, tally, budget - len(inflight))
            capacity = min(window, budget)  # pages in flight count against max_pages
            # Past the time budget with no page done yet (else `stopped` is set): the run's
            # progress, as many pages as the host takes at once, started together so that they
            # end within one URL deadline; their threads still stop at the budget.
            overtime = context.out_of_time()
            if overtime:
                at_once = context.config.fetch.per_host_concurrency
                capacity = 0 if inflight else min(at_once, capacity)
            taken = set(inflight.values()) | left
            limit = max(capacity, 1) + len(taken)
            waiting = [u for u, _kind in store.frontier_pending(site.name, limit) if u not in taken]
            if stopped is None:
                for url in waiting[: max(0, capacity - len(inflight))]:
                    work = _process(url, site, context, tally, feed, guaranteed=overtime)
                    inflight[asyncio.create_task(work)] = url
            if not inflight and (stopped is not None or (feed.finished and not waiting)):
                break
            feed.hungry = len(inflight) < window // 2
            feed.wake.clear()
            waiter: asyncio.Task[Any] = asyncio.create_task(feed.wake.wait())
            stop: asyncio.Task[Any] = asyncio.create_task(context.stop_event.wait())
            done, _ = await asyncio.wait(
                {*inflight, waiter, stop}, return_when=asyncio.FIRST_COMPLETED
            )
            waiter.cancel()
            stop.cancel()
            for task in inflight.keys() & done:
                url = inflight.pop(task)
                if url not in left:
                    budget -= 1
                task.result()
            _raise_if_failed(discovery)
    finally:
        for task in inflight:
            task.cancel()
        discovery.cancel()
        await asyncio.gather(discovery, *inflight, return_exceptions=True)
    if not feed.finished or store.frontier_pending(site.name, 1):
        # Left for the next run on purpose: the site stays due, and that run goes on from here.
        feed.leave_for_next_run()
        tally.errors.append(stopped or "stopped early; the rest waits for the next run")
    else:
        store.frontier_reset(site.name)
    report = tally.freeze()
    context.reporter.site_finished(report)
    return report


def _raise_if_failed(discovery: asyncio.Task[None]) -> None:
    """Discovery keeps its own trouble; what gets out of it (a full disk) stops the site."""
    if discovery.done() and not discovery.cancelled():
        failure = discovery.exception()
        if failure is not None:
            raise failure


async def _parse(context: RunContext, outcome: FetchOutcome, site: SiteConfig) -> ParsedPage:
    page = outcome.page
    assert page is not None
    return await _parse_body(
        context, site, page.body, page.final_url, page.fetched_at, page.content_type or None
    )


# Seconds past twice the parse time limit before a worker is taken for stuck.
_PARSE_GRACE = 10.0


async def _parse_body(
    context: RunContext,
    site: SiteConfig,
    body: bytes,
    url: str,
    fetched_at: datetime | None,
    content_type: str | None = None,
) -> ParsedPage:
    """Parse in the pool when there is one: post pages and their further comment pages alike."""
    zone = site.timezone or context.learned_zones.get(site.name)
    limit = context.config.run.parse_time_limit.total_seconds()
    job = partial(parse_job, body, url, content_type, site.platform, fetched_at, zone, limit)
    pool = context.parse_pool()
    if pool is None:
        return job()
    try:
        # The worker stops itself at `limit`; this wait is for a worker stuck where its timer
        # cannot reach (inside a C extension), which costs the page and the pool.
        return await asyncio.wait_for(
            asyncio.get_running_loop().run_in_executor(pool, job), limit * 2 + _PARSE_GRACE
        )
    except TimeoutError:
        context.drop_parse_pool(pool)
        raise ParseLimitError(f"parse did not finish within {limit * 2:g} s") from None
    except BrokenProcessPool:
        context.drop_parse_pool(pool)
    # A worker died under this page or one beside it: this page again, in a process of its own.
    lone = lone_executor(context.config.run.parse_memory_limit_mb)
    try:
        return await asyncio.wait_for(
            asyncio.get_running_loop().run_in_executor(lone, job), limit * 2 + _PARSE_GRACE
        )
    except (TimeoutError, BrokenProcessPool):
        raise ParseLimitError(
            "the parser's process died on this page (out of memory? run.parse_memory_limit_mb)"
        ) from None
    finally:
        lone.shutdown(wait=False, cancel_futures=True)


async def _process(
    url: str,
    site: SiteConfig,
    context: RunContext,
    tally: Tally,
    feed: SiteFeed,
    *,
    guaranteed: bool = False,
) -> None:
    """Fetch, parse and store one post page; every failure becomes a recorded outcome.

    What a page changes in the archive, its `fetches` row and its frontier entry commit in one
    transaction: a run killed at any instant
    either archived the page (and the next run does not fetch it again) or left it to the next
    run. A page whose turn came only after the time budget was spent is not requested and
    stays queued (unless it is the run's `guaranteed` one page, see `_run_site`).
    """
    store = context.store
    etag, last_modified = store.validators(url)
    outcome = await context.fetcher.fetch(
        url,
        etag=etag,
        last_modified=last_modified,
        scope=feed.scope,
        start_by=None if guaranteed else context.deadline,
    )
    if outcome.status == "skipped" and outcome.reason == BUDGET_REASON:
        feed.left_pending.add(url)
        return
    tally.bytes_received += outcome.bytes_received
    observed = outcome.fetched_at or datetime.now(UTC)
    try:
        await _archive(url, outcome, site, context, tally, feed, observed, guaranteed)
    except ArchiveFullError:
        raise  # not this page's fault: no later page can be stored either
    except Exception as error:  # a parser or store bug on one page: record, go on
        log.exception("could not archive %s", url)
        outcome = replace(outcome, status="failed", reason=f"{type(error).__name__}: {error}")
        with store.batch():
            if outcome.page is not None:  # the body is kept: `reparse` can try it again later
                store.keep_raw(site.name, outcome.page, observed_at=observed)
            store.record_fetch(context.run_id, site.name, outcome)
            store.frontier_done(site.name, url, outcome.status)
    if outcome.status == "ok":
        tally.fetched += 1
        tally.consecutive_failures = 0
    elif outcome.status == "not_modified":
        tally.not_modified += 1
        tally.consecutive_failures = 0
    elif outcome.status == "robots_blocked":
        tally.robots_blocked += 1
    elif outcome.status == "failed":
        tally.fail(url, outcome.reason)
        tally.consecutive_failures += 1
    context.reporter.page_done(site.name, url, outcome.status, outcome.reason)


async def _archive(
    url: str,
    outcome: FetchOutcome,
    site: SiteConfig,
    context: RunContext,
    tally: Tally,
    feed: SiteFeed,
    observed: datetime,
    guaranteed: bool = False,
) -> None:
    store = context.store
    page = outcome.page
    stored = None
    thread = None
    parsed: ParsedPage | None = None
    cut = False  # the thread's completion was stopped by the run's time budget
    if outcome.status == "ok" and page is not None:
        parsed = await _parse(context, outcome, site)
        if parsed.is_post or parsed.comments:  # else a listing reached by a post-looking URL
            more = partial(_parse_body, context, site)
            fetch = feed.watched_fetch(lambda: guaranteed)
            thread = await complete_thread(parsed, page.final_url, fetch, parse=more)
            cut = fetch.cut
            if cut:
                thread = replace(thread, complete=False, note=BUDGET_REASON)
    if cut and page is not None:
        # The next run must read this page in full (no 304 for it) and finish the thread:
        # it is fetched without validators, and it stays queued so that the site stays due.
        outcome = replace(outcome, page=replace(page, headers=_without_validators(page)))
        feed.left_pending.add(url)
    # One transaction per page: the page, its fetch row and its frontier mark commit together.
    with store.batch():
        if parsed is not None and thread is not None and page is not None:
            stored = store.store_page(
                site.name,
                page,
                replace(parsed, comments=thread.comments),
                observed_at=observed,
                thread_complete=thread.complete,
                completeness_note=thread.note,
            )
        elif outcome.status == "not_modified":
            store.mark_not_modified(url, observed)
        store.record_fetch(context.run_id, site.name, outcome)
        if not cut:
            store.frontier_done(site.name, url, outcome.status)
    if stored is not None:
        tally.posts_new += int(stored.post_new)
        tally.posts_changed += int(stored.post_changed)
        tally.comments_new += stored.comments_new
        tally.comments_changed += stored.comments_changed
        tally.comments_removed += stored.comments_removed


def _without_validators(page: FetchedPage) -> dict[str, str]:
    return {k: v for k, v in page.headers.items() if k.lower() not in ("etag", "last-modified")}
