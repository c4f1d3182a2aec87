"""Which known posts a run fetches again: young posts every run, old ones rarely (comments age)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from scraper.core.config import RevisitConfig

RevisitRow = tuple[str, datetime | None, datetime | None, int]


class RevisitPlan:
    """Decide per post URL whether this run should fetch it, from its age and last fetch."""

    def __init__(self, policy: RevisitConfig, known: Iterable[RevisitRow], now: datetime) -> None:
        self._policy = policy
        self._now = now
        self._known = {
            url: (published, fetched, growth) for url, published, fetched, growth in known
        }

    def interval(self, published: datetime | None, growth: int) -> timedelta:
        """How long a post of this age may go unvisited."""
        policy = self._policy
        # A post of unknown age is treated as middle-aged.
        age = timedelta(days=policy.middle_days) if published is None else self._now - published
        if age < timedelta(days=policy.recent_days):
            interval = policy.recent_every
        elif age < timedelta(days=policy.middle_days):
            interval = policy.middle_every
        else:
            interval = policy.old_every
        # A thread that grew on the last visit is alive: look again sooner.
        return interval / 4 if growth > 0 else interval

    def is_due(self, url: str) -> bool:
        """True for unknown posts and for known ones whose interval has passed."""
        row = self._known.get(url)
        if row is None:
            return True
        published, fetched, growth = row
        if fetched is None:
            return True
        return self._now - fetched >= self.interval(published, growth)

    def due_known(self) -> list[str]:
        """Known posts due for a revisit (also those no longer listed in feeds)."""
        return [url for url in self._known if self.is_due(url)]
