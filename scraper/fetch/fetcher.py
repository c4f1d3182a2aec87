"""The Fetcher: the only network I/O for pages — polite, bounded, and failures returned as data.

Every URL a run requests goes through `fetch`, and every hop of it (redirects included) passes
the same checks here: the site's scope (when the caller names one), the address guard, and
robots.txt. The connection itself goes only to an address the guard has just accepted (see
`transport.py`). One URL gets one total deadline (`fetch.url_deadline`) over all of it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from types import TracebackType
from urllib.parse import urldefrag, urljoin

import httpx

from scraper.core.config import FetchConfig
from scraper.core.errors import UnsafeURLError
from scraper.core.models import FetchOutcome
from scraper.fetch.bodyread import ACCEPT_ENCODING
from scraper.fetch.deadline import UrlDeadline
from scraper.fetch.netsafety import AddressGuard, Resolver, system_resolver
from scraper.fetch.politeness import HostPacer, HostRobots, RobotsCache, host_key
from scraper.fetch.proxies import ProxyRules
from scraper.fetch.responses import (
    Expect,
    Job,
    Redirect,
    RetryableStatus,
    TransientError,
    certificate_problem,
    read_response,
    transient_reason,
)
from scraper.fetch.retrying import RetryPolicy, with_attempts
from scraper.fetch.scope import SiteScope
from scraper.fetch.transport import CheckedTransport

log = logging.getLogger(__name__)

DEFAULT_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ROBOTS_MAX_REDIRECTS = 5  # RFC 9309 §2.3.1.2
# The reason of a URL not requested because the run's time budget was spent (status "skipped").
BUDGET_REASON = "run time budget reached"


class Fetcher:
    """Polite async fetching: robots.txt, pacing, retries, conditional GET, caps, safety checks."""

    def __init__(
        self,
        config: FetchConfig,
        *,
        allow_private_hosts: frozenset[str] = frozenset(),
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        resolver: Resolver = system_resolver,
    ) -> None:
        """`transport` is a seam for tests (an `httpx.MockTransport`, which connects nowhere);
        by default ours, over httpcore's pool, connecting only to addresses the guard has
        checked. `resolver` replaces DNS for the guard (and so for every connection).
        `allow_private_hosts` holds `host:port` entries (that port only) or bare hosts (any
        port); see `AddressGuard`."""
        self.config = config
        self._guard = AddressGuard(allow_private_hosts, resolver=resolver)
        limits = httpx.Limits(
            max_connections=config.concurrency, max_keepalive_connections=config.concurrency
        )
        # Redirects are followed by hand (every hop is checked against the scope, robots.txt
        # and the address guard); retries and pacing are ours; the client keeps cookies per
        # host. Proxies (fetch.proxy, HTTPS_PROXY/HTTP_PROXY/NO_PROXY) are chosen by our
        # transport, not httpx's trust_env, which would route around the address guard.
        proxies = ProxyRules.from_settings(config.proxy)
        self._client = httpx.AsyncClient(
            transport=transport or CheckedTransport(self._guard, limits=limits, proxies=proxies),
            follow_redirects=False,
            timeout=httpx.Timeout(config.timeout),
            headers={"User-Agent": config.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            trust_env=False,
        )
        self._sleep = sleep
        self._pacer = HostPacer(config.delay, config.per_host_concurrency)
        self._robots = RobotsCache(self._load_robots, on_loaded=self._apply_crawl_delay)
        self._policy = RetryPolicy(retries=config.retries)
        self._global = asyncio.Semaphore(config.concurrency)
        self._open = False  # between __aenter__ and __aexit__

    async def __aenter__(self) -> Fetcher:
        await self._client.__aenter__()
        self._open = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._robots.aclose()
        if self._open:
            self._open = False
            await self._client.__aexit__(exc_type, exc, traceback)

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = DEFAULT_ACCEPT,
        expect: Expect = "html",
        scope: SiteScope | None = None,
        start_by: float | None = None,
    ) -> FetchOutcome:
        """Fetch one URL; every network or HTTP problem comes back as a failed outcome.

        `scope`: the site this request is for; a URL or redirect outside it is not requested
        (status "skipped", reason "out of scope: …"). `start_by`: an event-loop time after
        which this URL's first request must not start (the run's time budget); a URL still
        waiting for its turn then is "skipped" with BUDGET_REASON. Once started, a URL runs
        to its end within `fetch.url_deadline`.
        """
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = UrlDeadline(self.config.url_deadline)
        job = Job(url, headers, expect, self.config.max_bytes, deadline, scope, start_by)
        if _too_late(start_by):
            return job.failed(BUDGET_REASON, kind="skipped")
        try:
            return await self._within_deadline(
                job, robots=self.config.respect_robots, max_redirects=self.config.max_redirects
            )
        except Exception as error:  # the last line of defence: one URL never ends a run
            log.exception("unexpected error fetching %s", url)
            return job.failed(f"internal error: {type(error).__name__}: {error}")

    async def sitemaps_for(self, url: str) -> tuple[str, ...]:
        """The Sitemap: lines of robots.txt on the URL's origin (empty when there is none)."""
        try:
            await self._guard.check(url)
        except UnsafeURLError:
            return ()
        return (await self._robots.for_url(url)).sitemaps

    async def fetch_many(self, urls: Iterable[str]) -> AsyncIterator[FetchOutcome]:
        """Fetch URLs concurrently (within all limits), yielding outcomes as they complete."""
        window = max(4 * self.config.concurrency, 64)  # bounded: never one task per URL of 10^5
        pending: set[asyncio.Task[FetchOutcome]] = set()
        iterator = iter(urls)
        try:
            while True:
                for url in iterator:
                    pending.add(asyncio.create_task(self.fetch(url)))
                    if len(pending) >= window:
                        break
                if not pending:
                    return
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    yield task.result()
        finally:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    # -- internals -------------------------------------------------------------------------

    def _apply_crawl_delay(self, rules: HostRobots) -> None:
        delay = rules.crawl_delay(self.config.user_agent)
        self._pacer.set_crawl_delay(host_key(rules.origin), delay)

    async def _load_robots(self, robots_url: str) -> FetchOutcome:
        headers = {"Accept": "text/plain,*/*;q=0.5"}
        deadline = UrlDeadline(self.config.url_deadline)
        job = Job(robots_url, headers, "any", self.config.max_bytes, deadline)
        return await self._within_deadline(job, robots=False, max_redirects=ROBOTS_MAX_REDIRECTS)

    async def _within_deadline(self, job: Job, *, robots: bool, max_redirects: int) -> FetchOutcome:
        """`_follow` under the URL's one total deadline (hops, retries, waits, body reads)."""
        try:
            async with job.deadline.running():
                return await self._follow(job, robots=robots, max_redirects=max_redirects)
        except TimeoutError:
            if not job.deadline.expired():
                raise
            return job.failed(_deadline_reason(job))

    async def _follow(self, job: Job, *, robots: bool, max_redirects: int) -> FetchOutcome:
        """Request the job's URL, following redirects by hand so that every hop is checked."""
        current = job.url
        seen: set[str] | None = None  # built at the first redirect: most fetches have none
        while True:
            if job.scope is not None:
                refused = job.scope.refusal(current)
                if refused is not None:
                    # Policy, not a fault of the site: recorded, not counted as a failure.
                    what = f"redirect {refused}" if job.hops else refused
                    return job.failed(what, kind="skipped")
            try:
                parts = await self._guard.check(current)
            except UnsafeURLError as error:
                return job.failed(str(error))
            if robots:
                async with job.deadline.paused():  # robots.txt has its own deadline
                    rules = await self._robots.for_url(parts)
                blocked = rules.blocked_reason(current, self.config.user_agent)
                if blocked is not None:
                    # An unreadable robots.txt is a failure of the host (retried next run), not
                    # the site owner's choice: it counts towards the run's failures.
                    unreachable = rules.disallow_all_reason is not None
                    return job.failed(blocked, kind="failed" if unreachable else "robots_blocked")
            result = await self._with_retries(job, current, host_key(parts))
            if isinstance(result, FetchOutcome):
                return result
            if len(job.hops) >= max_redirects:
                return job.failed("too many redirects", status=result.status)
            target = urldefrag(urljoin(current, result.location.strip())).url
            if seen is None:
                seen = {urldefrag(job.url).url}
            if target in seen:
                job.hops.append(target)
                return job.failed("redirect loop", status=result.status)
            seen.add(target)
            job.hops.append(target)
            current = target

    async def _with_retries(self, job: Job, current: str, key: str) -> FetchOutcome | Redirect:
        """One hop, retried by the policy on transient failures and retryable statuses."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._attempt(job, current, key)
            except TransientError as error:
                decision = self._policy.after_error(attempt)
                if not decision.retry:
                    return job.failed(with_attempts(error.reason, attempt))
                if decision.delay >= job.deadline.remaining():
                    return job.failed(_no_time_for_retry(job, error.reason, attempt))
                log.info("retry %s in %.2f s: %s", current, decision.delay, error.reason)
                await self._sleep(decision.delay)
            except RetryableStatus as error:
                decision = self._policy.after_status(error.status, error.retry_after, attempt)
                if not decision.retry:
                    reason = decision.give_up_reason or with_attempts(str(error), attempt)
                    return job.failed(reason, status=error.status)
                if decision.delay >= job.deadline.remaining():
                    reason = _no_time_for_retry(job, str(error), attempt)
                    return job.failed(reason, status=error.status)
                log.info("retry %s in %.2f s: %s", current, decision.delay, error)
                if decision.host_wide:  # Retry-After: the pacer holds back the whole host
                    self._pacer.defer(key, decision.delay)
                else:
                    await self._sleep(decision.delay)

    async def _attempt(self, job: Job, current: str, key: str) -> FetchOutcome | Redirect:
        if not self._open:
            raise RuntimeError("use `async with Fetcher(...)` before fetching")
        # Host slot (and its pacing wait) first, global slot second: waiting for one slow
        # host must not hold a global slot that another host could use. Waiting for our turn
        # is not the URL's time: its deadline is paused meanwhile.
        deadline = job.deadline
        async with self._pacer.slot(key, self._sleep, deadline.paused), self._hold_global(job):
            if job.attempts == 0 and _too_late(job.start_by):
                return job.failed(BUDGET_REASON, kind="skipped")
            async with deadline.paused():  # our own politeness, not the URL's time
                await self._pacer.send_turn(key, self._sleep)
            job.attempts += 1
            started = time.monotonic()
            try:
                async with (
                    asyncio.timeout(self.config.timeout),
                    self._client.stream("GET", current, headers=job.headers) as response,
                ):
                    return await read_response(job, current, response, started)
            except (TimeoutError, httpx.TimeoutException, httpx.NetworkError) as error:
                refused = certificate_problem(error)
                if refused is not None:
                    return job.failed(refused)
                raise TransientError(transient_reason(error)) from None
            except httpx.RemoteProtocolError as error:
                raise TransientError(transient_reason(error)) from None
            except httpx.HTTPError as error:
                return job.failed(f"http error: {error}")
            except httpx.InvalidURL as error:  # not an HTTPError: a URL httpx cannot send
                return job.failed(f"invalid url: {error}")
            except UnsafeURLError as error:  # the transport's check at connect time
                return job.failed(str(error))

    @asynccontextmanager
    async def _hold_global(self, job: Job) -> AsyncIterator[None]:
        async with job.deadline.paused():
            await self._global.acquire()
        try:
            yield
        finally:
            self._global.release()


def _too_late(start_by: float | None) -> bool:
    return start_by is not None and asyncio.get_running_loop().time() >= start_by


def _deadline_reason(job: Job) -> str:
    # The count of requests (hops and retries) is in the outcome's `attempts`.
    return f"url deadline of {job.deadline.seconds:g} s passed"


def _no_time_for_retry(job: Job, reason: str, attempt: int) -> str:
    return (
        f"{with_attempts(reason, attempt)}; no retry: the url deadline of "
        f"{job.deadline.seconds:g} s would pass first"
    )
