"""One site's work in a run: its tallies, and discovery feeding the fetch loop new and due posts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from scraper.core.config import Config, SiteConfig
from scraper.core.errors import ArchiveFullError
from scraper.core.models import FetchOutcome, SiteReport
from scraper.core.storage import ArchiveStore
from scraper.core.urls import normalise_url
from scraper.discover.site import discover_site
from scraper.fetch.fetcher import BUDGET_REASON, Fetcher
from scraper.fetch.politeness import SITE_UNREACHABLE
from scraper.fetch.scope import SiteScope
from scraper.run.parse_pool import make_executor
from scraper.run.progress import Reporter
from scraper.run.revisit import RevisitPlan

log = logging.getLogger("blogarchive.run")

# Discovered posts are queued in small transactions; a hungry fetch loop gets them at once.
_DISCOVERY_FLUSH = 64


@dataclass(slots=True)
class Tally:
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

    def fail(self, url: str, reason: str | None) -> None:
        """Count a failed page; an unreachable site is reported once, not once per URL."""
        self.failed += 1
        if reason is not None and reason.startswith(SITE_UNREACHABLE):
            if not any(error.startswith(SITE_UNREACHABLE) for error in self.errors):
                self.errors.append(f"{reason}: {url}")
            return
        self.errors.append(f"{url}: {reason}")

    def pages_done(self) -> int:
        return self.fetched + self.not_modified + self.failed + self.robots_blocked

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
class RunContext:
    config: Config
    store: ArchiveStore
    fetcher: Fetcher
    workers: int
    reporter: Reporter
    run_id: int
    deadline: float  # event-loop time when the run's time budget is spent
    now: datetime
    executor: Executor | None = None
    # Zones sites' platforms told this run (WordPress's REST index), by site name: pages of a
    # site without a configured `timezone` are read in it.
    learned_zones: dict[str, str] = field(default_factory=dict)
    # Set by SIGTERM (systemd stop): no new page starts, the pages in hand finish.
    stopping: str | None = None
    stop_event: asyncio.Event = field(default_factory=asyncio.Event)

    def request_stop(self, reason: str) -> None:
        self.stopping = reason
        self.stop_event.set()

    def out_of_time(self) -> bool:
        return asyncio.get_running_loop().time() >= self.deadline

    def parse_pool(self) -> Executor | None:
        """The process pool, started on the first page to parse: a run of 304s never pays for it."""
        if self.executor is None and self.workers > 1:
            self.executor = make_executor(self.workers, self.config.run.parse_memory_limit_mb)
        return self.executor

    def drop_parse_pool(self, broken: Executor) -> None:
        """Leave a pool whose worker died or hangs; the next page starts a fresh one. (A hung
        worker is not waited for: it exits with the run, see `parse_pool._watch_parent`.)"""
        if self.executor is broken:
            self.executor = None
            broken.shutdown(wait=False, cancel_futures=True)


class SiteFeed:
    """Discovery running beside the fetch loop, and the posts it hands that loop.

    Every post due this run, new or known, goes to the archive's frontier: the one work queue.
    A killed or stopped run leaves the rest there, so the next run carries on from it (what was
    done is marked done and not fetched again until the site's work is complete).
    """

    def __init__(self, site: SiteConfig, context: RunContext, tally: Tally) -> None:
        self.site, self.context, self.tally = site, context, tally
        store = context.store
        known = list(store.post_revisit_info(site.name))
        self.plan = RevisitPlan(context.config.revisit, known, context.now)
        # Incremental listing (stop a feed at the first page of known posts) is safe only when
        # an earlier run listed the whole site; a full listing is repeated now and then.
        listed = store.discovered_at(site.name)
        self.incremental = listed is not None and (
            context.now - listed < context.config.revisit.rediscover_every
        )
        self.known_urls = frozenset(row[0] for row in known)
        # max_pages bounds what one run fetches, not what it may list: a listing capped at
        # max_pages would offer the same posts to every run. Listing beyond what this run can
        # fetch leaves work queued, which keeps the site due until the backlog is done.
        self.listing_cap = len(known) + 2 * site.max_pages
        self.wake = asyncio.Event()
        self.finished = False
        self.hungry = False  # the fetch loop is waiting for work: flush at once
        self._fetched: set[str] = set()
        # A run that did not finish left its work in the frontier: what it did is not done
        # again, and what it left pending is done from the frontier, not twice.
        self._offered = store.frontier_urls(site.name)
        self._buffer: list[tuple[str, str]] = []
        # Every request of this site stays on its scheme, host and port (see SiteScope).
        self.scope = SiteScope.of(site.url, subdomains=site.subdomains)
        # Post pages this run leaves queued on purpose: their turn came after the time
        # budget, or their thread was cut short by it. The next run does them.
        self.left_pending: set[str] = set()

    def watched_fetch(self, exempt: Callable[[], bool] = lambda: False) -> WatchedFetch:
        """`fetch` for one piece of work (a thread, the listing) that notes a budget cut."""
        return WatchedFetch(self, exempt)

    def no_page_done(self) -> bool:
        return not self.tally.pages_done()

    async def fetch(self, url: str, *, exempt: bool = False, **options: Any) -> FetchOutcome:
        """The fetcher for discovery and thread completion: every outcome is a `fetches` row,
        and a host that cannot be reached counts as a failure of the run. Once the run's time
        budget is spent no request starts: the outcome is "skipped" with BUDGET_REASON.

        `exempt` is the run's progress guarantee: the listing while the site has no page done
        in this run, and the threads of the pages started for it (else a budget shorter than
        discovery, or than one long thread, would leave every run stuck at the same place).
        """
        # One request per URL per run: a second ask (two posts linking one comment page, a
        # feed listed twice) gets a recorded refusal instead of a second request.
        key = normalise_url(url) or url
        if key in self._fetched:
            return FetchOutcome(url, "skipped", reason="already fetched in this run")
        outcome = await self.context.fetcher.fetch(
            url, scope=self.scope, start_by=None if exempt else self.context.deadline, **options
        )
        if outcome.status == "skipped" and outcome.reason == BUDGET_REASON:
            return outcome  # not requested: nothing to record; asked again next run
        self._fetched.add(key)
        self.tally.bytes_received += outcome.bytes_received
        self.context.store.record_fetch(
            self.context.run_id, self.site.name, outcome, kind="discovery"
        )
        if host_failure(outcome):
            self.tally.fail(url, outcome.reason)
            self.context.reporter.page_done(self.site.name, url, "failed", outcome.reason)
        return outcome

    def leave_for_next_run(self) -> None:
        """The run stops before the site is done: what discovery found is queued, so the next
        run carries on where this one stopped instead of planning again from the start."""
        self._flush()

    def _offer(self, url: str) -> None:
        if url in self._offered:
            return
        self._offered.add(url)
        self._buffer.append((url, "post"))

    def _flush(self) -> None:
        if self._buffer:
            store = self.context.store
            store.frontier_add(self.site.name, self._buffer, self.context.run_id)
            self._buffer = []
        self.wake.set()

    def _learn_zone(self, zone: str) -> None:
        self.context.learned_zones[self.site.name] = zone

    async def run(self) -> None:
        site = self.site
        listed = 0
        fetch = self.watched_fetch(self.no_page_done)
        try:
            async for found in discover_site(
                replace(site, max_pages=self.listing_cap),
                fetch,
                sitemaps=self.context.fetcher.sitemaps_for,
                is_known=self.known_urls.__contains__ if self.incremental else None,
                on_zone=self._learn_zone,
            ):
                listed += 1
                if found.kind == "post" and self.plan.is_due(found.url):
                    self._offer(found.url)
                    if self.hungry or len(self._buffer) >= _DISCOVERY_FLUSH:
                        self._flush()
            # A listing cut short by the time budget is not a full one.
            full = not self.incremental and listed < self.listing_cap and not fetch.cut
            if full:
                self.context.store.mark_discovered(site.name, self.context.now)
        except ArchiveFullError:
            raise  # the run stops (see `pipeline._run_site`)
        except Exception as error:  # discovery trouble must not lose the known posts' revisit
            log.exception("discovery failed for %s", site.name)
            self.tally.errors.append(f"discovery: {error}")
        finally:
            try:
                # Known posts no longer listed (or beyond the listing's reach) are revisited too.
                for url in self.plan.due_known():
                    self._offer(url)
                self._flush()
            finally:  # even when the archive refused the flush: the site's loop must not wait
                self.finished = True
                self.wake.set()


class WatchedFetch:
    """SiteFeed.fetch for one piece of work, remembering whether the time budget refused it a
    request (a thread so cut is archived incomplete; a listing so cut is not a full one)."""

    def __init__(self, feed: SiteFeed, exempt: Callable[[], bool]) -> None:
        self._feed = feed
        self._exempt = exempt
        self.cut = False

    async def __call__(self, url: str, **options: Any) -> FetchOutcome:
        outcome = await self._feed.fetch(url, exempt=self._exempt(), **options)
        if outcome.status == "skipped" and outcome.reason == BUDGET_REASON:
            self.cut = True
        return outcome


def host_failure(outcome: FetchOutcome) -> bool:
    """A failure that says the site is unwell (unreachable, timing out, 5xx), unlike the 4xx
    answers that discovery's probes expect (no feed here, comments API switched off)."""
    if outcome.status != "failed":
        return False
    return outcome.http_status is None or outcome.http_status >= 500
