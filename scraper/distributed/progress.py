"""What the fleet shares in the Redis broker: per-worker progress, the current run, host locks."""

from __future__ import annotations

import logging
import time
from typing import Any

from scraper.core.models import SiteReport

log = logging.getLogger("blogarchive.worker")

KEY_PREFIX = "blogarchive:worker:"
CURRENT_RUN = "blogarchive:current-run"
HOST_LOCK = "blogarchive:host:"
_KEEP_SECONDS = 7 * 24 * 3600  # a worker gone for a week drops off the list


def _client(broker_url: str) -> Any:
    """A Redis client on the broker, or None when the broker is not Redis (RabbitMQ)."""
    if not broker_url.startswith(("redis://", "rediss://", "unix://")):
        return None
    import redis

    return redis.Redis.from_url(broker_url, socket_timeout=5, socket_connect_timeout=5)


class WorkerProgress:
    """One worker's counters: sites running and done, pages done and failed, last update."""

    def __init__(self, broker_url: str, worker: str) -> None:
        self.client = _client(broker_url)
        self.key = KEY_PREFIX + worker
        self._warned = False

    def reporter(self, run_id: int) -> ProgressReporter:
        return ProgressReporter(self, run_id)

    def update(self, *, running: tuple[str, str] | None = None, **counts: int | str) -> None:
        """Best effort: progress never fails a site (the broker may blink; the work goes on)."""
        if self.client is None:
            return
        try:
            pipe = self.client.pipeline()
            pipe.hset(self.key, "updated_at", f"{time.time():.3f}")
            for field, value in counts.items():
                if isinstance(value, int):
                    pipe.hincrby(self.key, field, value)
                else:
                    pipe.hset(self.key, field, value)
            if running is not None:
                change, site = running
                if change == "add":
                    pipe.sadd(self.key + ":running", site)
                else:
                    pipe.srem(self.key + ":running", site)
                pipe.expire(self.key + ":running", _KEEP_SECONDS)
            pipe.expire(self.key, _KEEP_SECONDS)
            pipe.execute()
        except Exception as error:  # redis raises its own tree; none of it may stop a site
            if not self._warned:
                log.warning("cannot record progress in the broker: %s", error)
                self._warned = True


class ProgressReporter:
    """The run's Reporter on a worker: counts into the broker instead of printing."""

    def __init__(self, progress: WorkerProgress, run_id: int) -> None:
        self.progress = progress
        self.run_id = run_id

    def site_started(self, site: str) -> None:
        self.progress.update(running=("add", site), run=str(self.run_id))

    def page_done(self, site: str, url: str, status: str, reason: str | None) -> None:
        self.progress.update(pages_done=1, pages_failed=int(status == "failed"))

    def site_finished(self, report: SiteReport) -> None:
        self.progress.update(running=("remove", report.site), sites_done=1)

    def close(self) -> None:
        return None


def read_progress(broker_url: str) -> list[dict[str, Any]]:
    """Every worker's counters, by name; empty when the broker is not Redis."""
    client = _client(broker_url)
    if client is None:
        return []
    rows = []
    for raw in sorted(client.scan_iter(match=KEY_PREFIX + "*", count=200)):
        key = raw.decode("utf-8")
        if key.endswith(":running"):
            continue
        fields = {k.decode(): v.decode() for k, v in client.hgetall(key).items()}
        running = sorted(site.decode() for site in client.smembers(key + ":running"))
        rows.append(
            {
                "worker": key.removeprefix(KEY_PREFIX),
                "run": int(fields.get("run", 0) or 0),
                "sites_running": running,
                "sites_done": int(fields.get("sites_done", 0)),
                "pages_done": int(fields.get("pages_done", 0)),
                "pages_failed": int(fields.get("pages_failed", 0)),
                "updated_at": float(fields.get("updated_at", 0) or 0),
            }
        )
    return rows


def mark_current_run(broker_url: str, token: str) -> None:
    """The scheduler says which run is current: workers drop jobs left over from older runs
    (a broker that kept its queue through a crash would otherwise hand them out again)."""
    client = _client(broker_url)
    if client is not None:
        client.set(CURRENT_RUN, token)


class HostClaims:
    """One worker's view of the fleet's run and host locks (no-ops on a non-Redis broker)."""

    def __init__(self, broker_url: str) -> None:
        self.client = _client(broker_url)

    def is_stale(self, token: str) -> bool:
        """Whether a job belongs to a run other than the one the scheduler last started (one
        archive per broker database: run ids alone repeat across archives)."""
        if self.client is None or not token:
            return False
        current = self.client.get(CURRENT_RUN)
        return current is not None and current.decode("utf-8") != token

    def claim(self, host: str, seconds: float) -> Any:
        """The fleet-wide lock of one host (redis-py's Lock), or None when another worker holds
        it: two jobs for one host never run at once, even across runs."""
        if self.client is None:
            return _NoLock()
        lock = self.client.lock(HOST_LOCK + host, timeout=seconds)
        return lock if lock.acquire(blocking=False) else None


class _NoLock:
    def release(self) -> None:
        return None
