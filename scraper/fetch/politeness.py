"""Politeness: robots.txt per origin (protego, Crawl-delay, Sitemap) and per-host pacing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from protego import Protego

from scraper.core.models import FetchOutcome

# Crawl-delays beyond this are read as a mistake (a run has a time budget); we still wait this long.
MAX_CRAWL_DELAY = 120.0
ROBOTS_MAX_BYTES = 512_000  # RFC 9309: parse at least the first 500 KiB

RobotsLoader = Callable[[str], Awaitable[FetchOutcome]]
Sleep = Callable[[float], Awaitable[None]]
Pause = Callable[[], AbstractAsyncContextManager[None]]


def origin_of(url: str | SplitResult) -> str:
    """scheme://host[:port] with default ports dropped: robots.txt applies per origin."""
    parts = urlsplit(url) if isinstance(url, str) else url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def host_key(url: str | SplitResult) -> str:
    """host:port — the unit that pacing and per-host concurrency apply to (one server)."""
    parts = urlsplit(url) if isinstance(url, str) else url
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    return f"{(parts.hostname or '').lower()}:{port}"


# How a run reports a host that gave no answer at all; `status` and the scheduler look for it.
SITE_UNREACHABLE = "site unreachable"


@dataclass(frozen=True, slots=True)
class HostRobots:
    """The robots.txt rules of one origin, or a blanket verdict when it could not be read."""

    origin: str
    parser: Protego | None = None
    disallow_all_reason: str | None = (
        None  # set when robots.txt was unreachable (RFC 9309 §2.3.1.4)
    )

    def blocked_reason(self, url: str, user_agent: str) -> str | None:
        if self.disallow_all_reason is not None:
            return self.disallow_all_reason
        if self.parser is None or self.parser.can_fetch(url, user_agent):
            return None
        return f"robots.txt disallows {urlsplit(url).path or '/'}"

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.parser is None:
            return None
        delays: list[float] = []
        delay = self.parser.crawl_delay(user_agent)
        if delay is not None:
            delays.append(float(delay))
        rate = self.parser.request_rate(user_agent)
        if rate is not None and rate.requests > 0:
            delays.append(rate.seconds / rate.requests)
        return min(max(delays), MAX_CRAWL_DELAY) if delays else None

    @property
    def sitemaps(self) -> tuple[str, ...]:
        return tuple(self.parser.sitemaps) if self.parser is not None else ()


def robots_from_outcome(origin: str, outcome: FetchOutcome) -> HostRobots:
    """Apply RFC 9309 to the fetch of /robots.txt: 2xx parse, 4xx allow all, else disallow all."""
    if outcome.status == "ok" and outcome.page is not None:
        text = outcome.page.body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
        return HostRobots(origin=origin, parser=Protego.parse(text))
    status = outcome.http_status
    if status is not None and 400 <= status < 500:
        return HostRobots(origin=origin)  # "unavailable": no rules at all
    if outcome.reason == "too many redirects":
        return HostRobots(origin=origin)  # RFC 9309: over five redirects may be read as unavailable
    why = outcome.reason or f"http {status}"
    if status is None:  # no answer at all (refused, no such host, timed out): say so plainly
        return HostRobots(origin=origin, disallow_all_reason=f"{SITE_UNREACHABLE} ({why})")
    return HostRobots(
        origin=origin, disallow_all_reason=f"robots.txt unreachable ({why}), disallow all"
    )


class RobotsCache:
    """Fetches each origin's robots.txt once per run (concurrent callers share the fetch)."""

    def __init__(
        self, loader: RobotsLoader, on_loaded: Callable[[HostRobots], None] | None = None
    ) -> None:
        self._loader = loader
        self._on_loaded = on_loaded
        self._tasks: dict[str, asyncio.Task[HostRobots]] = {}

    async def for_url(self, url: str | SplitResult) -> HostRobots:
        origin = origin_of(url)
        task = self._tasks.get(origin)
        if task is None:
            task = asyncio.create_task(self._load(origin), name=f"robots {origin}")
            self._tasks[origin] = task
        elif task.done() and not task.cancelled():
            return task.result()  # the common case, without a shield per request
        # shield: one impatient caller being cancelled must not cancel everyone's fetch.
        return await asyncio.shield(task)

    async def _load(self, origin: str) -> HostRobots:
        outcome = await self._loader(f"{origin}/robots.txt")
        rules = robots_from_outcome(origin, outcome)
        if self._on_loaded is not None:
            self._on_loaded(rules)
        return rules

    async def aclose(self) -> None:
        pending = [task for task in self._tasks.values() if not task.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


@dataclass(slots=True)
class _HostState:
    semaphore: asyncio.Semaphore
    delay: float
    last_start: float = float("-inf")
    not_before: float = float("-inf")
    last_sent: float = float("-inf")  # when a request to the host really went out


class HostPacer:
    """Per-host concurrency and a minimum gap between request starts to one host.

    Each request reserves its start time when it gets the host's slot, so the gap holds even
    with several requests to one host in flight, and a host's wait never delays other hosts.
    """

    def __init__(
        self, delay: float, per_host_concurrency: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._delay = delay
        self._per_host = per_host_concurrency
        self._clock = clock
        self._hosts: dict[str, _HostState] = {}

    def _state(self, key: str) -> _HostState:
        state = self._hosts.get(key)
        if state is None:
            state = _HostState(asyncio.Semaphore(self._per_host), self._delay)
            self._hosts[key] = state
        return state

    def set_crawl_delay(self, key: str, seconds: float | None) -> None:
        """robots.txt Crawl-delay wins over the configured delay when it is larger."""
        state = self._state(key)
        state.delay = max(self._delay, seconds or 0.0)

    def delay_for(self, key: str) -> float:
        return self._state(key).delay

    def defer(self, key: str, seconds: float) -> None:
        """No request to this host starts for `seconds` (the server asked, via Retry-After)."""
        state = self._state(key)
        state.not_before = max(state.not_before, self._clock() + seconds)

    async def send_turn(self, key: str, sleep: Sleep) -> None:
        """Wait, right before a request goes out, until it is at least the host's delay after
        the last request that really went out to it, and record this one.

        The slot reserves a start time, but a request may then wait for a global connection
        slot past it: without this check the next request, paced from the reservation, could
        follow the late one closely (seen in runs over many hosts with a small `concurrency`).
        """
        state = self._state(key)
        while True:
            now = self._clock()
            wait = state.last_sent + state.delay - now
            if wait <= 0:
                state.last_sent = now  # no await between the check and this: one turn each
                return
            await sleep(wait)

    def slot(self, key: str, sleep: Sleep, pause: Pause | None = None) -> _Slot:
        """Hold one of the host's slots, starting no earlier than its pacing allows.

        `pause` wraps the waits that are our own politeness (a free slot, the gap between
        requests); a wait the server asked for (Retry-After) is outside it. The Fetcher passes
        its URL deadline's `paused`, so that only the server's demands count against a URL.
        """
        return _Slot(self._state(key), self._clock, sleep, pause or _no_pause)


@asynccontextmanager
async def _no_pause() -> AsyncIterator[None]:
    yield


class _Slot:
    """`async with pacer.slot(key, sleep):` — a class, not a generator: this runs per request."""

    __slots__ = ("_clock", "_pause", "_sleep", "_state")

    def __init__(
        self, state: _HostState, clock: Callable[[], float], sleep: Sleep, pause: Pause
    ) -> None:
        self._state = state
        self._clock = clock
        self._sleep = sleep
        self._pause = pause

    async def __aenter__(self) -> None:
        state = self._state
        async with self._pause():
            await state.semaphore.acquire()
        try:
            now = self._clock()
            paced = max(now, state.last_start + state.delay)
            start = max(paced, state.not_before)
            state.last_start = start
            if paced > now:
                async with self._pause():
                    await self._sleep(paced - now)
            if start > paced:  # the server's Retry-After, beyond our own pacing
                await self._sleep(start - paced)
        except BaseException:
            state.semaphore.release()
            raise

    async def __aexit__(self, *exc_info: object) -> None:
        self._state.semaphore.release()
