"""One URL's total time allowance, across its redirect hops, retries and body reads."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class UrlDeadline:
    """`async with deadline.running():` bounds everything inside by `seconds` of loop time,
    except the stretches inside `async with deadline.paused():` (waiting for our turn at a
    host, or for robots.txt, which has its own deadline). Built on `asyncio.timeout`, so an
    expiry cancels whatever is awaited (a connect, a slow body) and surfaces as TimeoutError.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._timeout: asyncio.Timeout | None = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(None) as timeout:
            self._timeout = timeout
            timeout.reschedule(loop.time() + self.seconds)
            yield

    def expired(self) -> bool:
        return self._timeout is not None and self._timeout.expired()

    def remaining(self) -> float:
        """Seconds left (infinite outside `running` or while paused)."""
        when = self._timeout.when() if self._timeout is not None else None
        if when is None:
            return float("inf")
        return max(0.0, when - asyncio.get_running_loop().time())

    @asynccontextmanager
    async def paused(self) -> AsyncIterator[None]:
        timeout = self._timeout
        # Expired (cancellation on its way) or already paused: nothing to stop or restart.
        if timeout is None or timeout.expired() or timeout.when() is None:
            yield
            return
        loop = asyncio.get_running_loop()
        left = max(0.0, (timeout.when() or 0.0) - loop.time())
        timeout.reschedule(None)
        try:
            yield
        finally:
            if not timeout.expired():
                timeout.reschedule(loop.time() + left)
