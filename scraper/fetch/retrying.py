"""Retry policy of the fetch layer: what is retried, backoff with jitter, and Retry-After."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# 429 and the 5xx codes that mean "try again later"; 501/505 and other 5xx will not change.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryDecision:
    """Whether to try again, after how long, and whether the wait applies to the whole host."""

    retry: bool
    delay: float = 0.0
    host_wide: bool = (
        False  # the server said when to come back (Retry-After): all its requests wait
    )
    give_up_reason: str | None = None


@dataclass(slots=True)
class RetryPolicy:
    """Exponential backoff with jitter, bounded attempts, and Retry-After capped at `max_wait`.

    The n-th retry (n = 1, 2, …) waits `base * 2**(n-1)`, capped at `max_backoff`, times a
    jitter factor drawn from [1 - jitter, 1 + jitter] so that many clients do not retry in step.
    A Retry-After header (seconds or an HTTP date) replaces the backoff; one beyond `max_wait`
    means the server will not want us for a long while, so the URL fails now with that reason.
    """

    retries: int = 3
    base: float = 1.0
    max_backoff: float = 60.0
    jitter: float = 0.25
    max_wait: float = 300.0
    rng: random.Random = field(default_factory=random.Random)

    @property
    def max_attempts(self) -> int:
        return self.retries + 1

    def backoff(self, retry_number: int) -> float:
        """Delay before retry number `retry_number` (1-based), jitter included."""
        raw = min(self.max_backoff, self.base * 2.0 ** (retry_number - 1))
        factor: float = self.rng.uniform(1.0 - self.jitter, 1.0 + self.jitter)
        return raw * factor

    def after_status(
        self, status: int, retry_after: str | None, attempt: int, now: datetime | None = None
    ) -> RetryDecision:
        """Decide after an HTTP response with `status` on attempt number `attempt` (1-based)."""
        if status not in RETRY_STATUSES:
            return RetryDecision(retry=False)
        waited = parse_retry_after(retry_after, now) if retry_after else None
        if waited is not None and waited > self.max_wait:
            reason = f"http {status}, retry-after {waited:.0f} s over {self.max_wait:.0f} s"
            return RetryDecision(retry=False, give_up_reason=reason)
        if attempt >= self.max_attempts:
            return RetryDecision(retry=False)
        if waited is not None:
            return RetryDecision(retry=True, delay=waited, host_wide=True)
        return RetryDecision(retry=True, delay=self.backoff(attempt))

    def after_error(self, attempt: int) -> RetryDecision:
        """Decide after a timeout or connection error on attempt number `attempt`."""
        if attempt >= self.max_attempts:
            return RetryDecision(retry=False)
        return RetryDecision(retry=True, delay=self.backoff(attempt))


def parse_retry_after(value: str, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date); None if unreadable."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(int(value))
    try:
        seconds = float(value)  # not RFC 9110, but some servers send "1.5"
    except ValueError:
        pass
    else:
        return None if math.isnan(seconds) else max(0.0, seconds)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max(0.0, (moment - current).total_seconds())


def with_attempts(reason: str, attempts: int) -> str:
    """'timeout' after one attempt, 'timeout after 4 attempts' when retries were used up."""
    return reason if attempts <= 1 else f"{reason} after {attempts} attempts"
