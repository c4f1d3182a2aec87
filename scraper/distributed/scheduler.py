"""`run --distributed`: enqueue the due host groups, replay each finished group into the archive."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from scraper.core.config import Config, DistributedConfig, SiteConfig
from scraper.core.errors import EngineError
from scraper.core.models import RunReport, SiteReport
from scraper.core.storage import ArchiveStore
from scraper.distributed.engine import make_app
from scraper.distributed.hosts import group_sites, queue_index, queue_name
from scraper.distributed.jobs import TASK_NAME, GroupJob, GroupResult, seal, unseal
from scraper.distributed.journal import replay
from scraper.distributed.progress import mark_current_run
from scraper.run.pipeline import begin_run
from scraper.run.progress import Reporter

log = logging.getLogger("blogarchive.run")

# Builds a host group's slice of the archive (archive.slices.site_slice, handed in by the CLI).
SliceFor = Callable[[Sequence[str], int], bytes]
# How long past the last moment a group may finish the scheduler still waits for its result.
_GRACE = timedelta(seconds=30)


def run_distributed(
    config: Config,
    store: ArchiveStore,
    slice_for: SliceFor,
    *,
    only: Sequence[str] = (),
    force: bool = False,
    reporter: Reporter,
    now: datetime | None = None,
    app: Any = None,
    poll: float = 0.2,
) -> RunReport:
    """One run whose sites run on the workers; this process alone writes the archive.

    Each host group's writes are replayed in one transaction when its result arrives: a group
    whose worker died is either wholly in the archive or not at all (and then delivered to
    another worker, or left due for the next run).
    """
    settings = config.distributed
    app = app if app is not None else make_app(settings)
    sites, run_id, started, clock = begin_run(config, store, only, force, now)
    deadline = started + config.run.time_budget
    reports: dict[str, SiteReport] = {}
    waiting: dict[str, tuple[SiteConfig, ...]] = {}
    status = "ok"
    try:
        try:
            token = f"{run_id}@{started.isoformat()}"
            mark_current_run(settings.broker_url, token)
            for host, group in group_sites(sites).items():
                names = [site.name for site in group]
                job = GroupJob(
                    run_id, host, replace(config, sites=group), slice_for(names, run_id), clock,
                    deadline, token,
                )  # fmt: skip
                queue = queue_name(queue_index(host, settings.queues))
                # Not started by the end of the time budget: dropped (the sites stay due).
                sent = app.send_task(
                    TASK_NAME, args=(seal(job, settings.secret),), queue=queue, expires=deadline
                )
                waiting[sent.id] = group
                for name in names:
                    reporter.site_started(name)
            last_finish = deadline + timedelta(seconds=config.fetch.url_deadline)
            wait_until = last_finish + settings.visibility_timeout + _GRACE
            _collect(app, store, run_id, waiting, reports, reporter, wait_until, poll, settings)
        except Exception as error:
            if not _engine_error(error):
                raise
            status = "interrupted"
            raise EngineError(
                f"lost the broker or result store at {_safe_url(settings.broker_url)} ({error});"
                f" {len(reports)} of {len(sites)} sites were archived, the rest stay due:"
                " run again once it is back"
            ) from error
        if waiting:
            status = "interrupted"
    except BaseException:
        status = "interrupted"
        raise
    finally:
        report = RunReport(
            run_id,
            started,
            datetime.now(UTC),
            tuple(reports[site.name] for site in sites if site.name in reports),
            interrupted=status == "interrupted",
        )
        if status == "ok" and report.pages_failed:
            status = "partial"
        store.finish_run(run_id, report, status)
    if waiting:
        count = sum(len(group) for group in waiting.values())
        raise EngineError(
            f"{count} sites got no result from any worker before the run's end (are workers"
            " running and reading every queue?); they stay due for the next run"
        )
    return report


def _collect(
    app: Any,
    store: ArchiveStore,
    run_id: int,
    waiting: dict[str, tuple[SiteConfig, ...]],
    reports: dict[str, SiteReport],
    reporter: Reporter,
    wait_until: datetime,
    poll: float,
    settings: DistributedConfig,
) -> None:
    """Replay results as they come, in the order workers finish (a slow site holds none back)."""
    from celery.exceptions import TimeoutError as CeleryTimeout

    while waiting:
        left = (wait_until - datetime.now(UTC)).total_seconds()
        if left <= 0:
            return
        try:
            for task_id, meta in app.backend.get_many(set(waiting), timeout=left, interval=poll):
                group = waiting.pop(task_id, None)
                if group is None:  # delivered twice: the first one counted
                    continue
                for report in _apply(store, run_id, group, meta, settings.secret):
                    reports[report.site] = report
                    reporter.site_finished(report)
                app.AsyncResult(task_id).forget()
        except CeleryTimeout:
            return
        time.sleep(0)  # get_many returned with ids left (a skipped duplicate): ask again


def _apply(
    store: ArchiveStore,
    run_id: int,
    group: tuple[SiteConfig, ...],
    meta: dict[str, Any],
    secret: str,
) -> list[SiteReport]:
    names = [site.name for site in group]
    result = meta.get("result")
    if meta.get("status") == "SUCCESS":
        try:
            result = unseal(str(result), secret)
        except EngineError as error:  # not one of ours: nothing of it is archived
            return [SiteReport(site=name, errors=(str(error),)) for name in names]
    if meta.get("status") != "SUCCESS" or not isinstance(result, GroupResult):
        why = "not started before the run's time budget ran out"
        if meta.get("status") != "REVOKED":
            why = f"the worker failed: {type(result).__name__}: {result}"
        log.error("run %d: %s: %s", run_id, ", ".join(names), why)
        return [SiteReport(site=name, errors=(why,)) for name in names]
    if result.run_id != run_id or {r.site for r in result.reports} != set(names):
        why = f"a worker answered for other sites or another run (run {result.run_id})"
        return [SiteReport(site=name, errors=(why,)) for name in names]
    with store.batch():  # the whole group, or nothing of it
        stored = replay(store, result.calls, names)
    # What changed is counted against the real archive, not the worker's slice.
    reports = {report.site: _uncounted(report) for report in result.reports}
    for site, outcome in stored:
        counted = reports[site]
        reports[site] = replace(
            counted,
            posts_new=counted.posts_new + int(outcome.post_new),
            posts_changed=counted.posts_changed + int(outcome.post_changed),
            comments_new=counted.comments_new + outcome.comments_new,
            comments_changed=counted.comments_changed + outcome.comments_changed,
            comments_removed=counted.comments_removed + outcome.comments_removed,
        )
    return [reports[report.site] for report in result.reports]


def _uncounted(report: SiteReport) -> SiteReport:
    return replace(
        report,
        posts_new=0,
        posts_changed=0,
        comments_new=0,
        comments_changed=0,
        comments_removed=0,
    )


def _engine_error(error: BaseException) -> bool:
    """Connection trouble with the broker or result store (kombu, redis-py or the socket)."""
    from kombu.exceptions import OperationalError

    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeout
    except ImportError:  # a RabbitMQ broker with another result store
        redis_errors: tuple[type[BaseException], ...] = ()
    else:
        redis_errors = (RedisConnectionError, RedisTimeout)
    return isinstance(error, (OperationalError, ConnectionError, *redis_errors))


def _safe_url(url: str) -> str:
    """The broker URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()
