"""What travels through the engine: one host group's job, and what its worker hands back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scraper.core.config import Config
from scraper.core.models import SiteReport
from scraper.distributed.journal import Call

TASK_NAME = "blogarchive.run_host_group"


@dataclass(frozen=True, slots=True)
class GroupJob:
    """The sites of one host, in one run: everything a worker needs, it has no archive."""

    run_id: int
    host: str  # the `host:port` the group shares
    config: Config  # the run's settings with only this group's sites
    snapshot: bytes  # the group's slice of the archive (a small SQLite file)
    now: datetime  # the scheduler's clock: the same due-ness on every machine
    deadline: datetime  # the run's time budget ends here (UTC), wherever the group runs


@dataclass(frozen=True, slots=True)
class GroupResult:
    """A finished group: its sites' reports and the archive writes to replay, in order."""

    run_id: int
    host: str
    worker: str
    reports: tuple[SiteReport, ...]
    calls: tuple[Call, ...]
    stopped: bool
