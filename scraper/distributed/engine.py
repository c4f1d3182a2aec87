"""The Celery app: settings that make a dead worker lose nothing, and the worker's one task."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from scraper.core.config import DistributedConfig
from scraper.core.errors import ConfigError, EngineError
from scraper.core.storage import ArchiveStore
from scraper.distributed.hosts import queue_name
from scraper.distributed.jobs import TASK_NAME, GroupJob, GroupResult, seal, unseal
from scraper.distributed.journal import JournalStore
from scraper.distributed.progress import HostClaims, WorkerProgress
from scraper.run.parse_pool import make_executor
from scraper.run.pipeline import run_sites

log = logging.getLogger("blogarchive.worker")

# Opens a job's slice as a scratch archive for the length of the job (archive.slices.open_slice,
# handed in by the CLI: the scraper never imports the archive).
# Seconds before a job whose host is busy elsewhere is tried again.
_BUSY_HOST_RETRY = 2.0

OpenScratch = Callable[[bytes], AbstractContextManager[ArchiveStore]]


def make_app(settings: DistributedConfig) -> Any:
    """A Celery app on the configured broker; the scheduler and every worker build the same."""
    from celery import Celery

    if not settings.secret:
        raise ConfigError(
            "distributed.secret",
            "required: the same long random text on every machine (jobs and results are"
            " signed with it), e.g. from `python3 -c 'import secrets; print(secrets.token_hex())'`",
        )

    visible = settings.visibility_timeout.total_seconds()
    app = Celery(
        "blogarchive",
        broker=settings.broker_url,
        backend=settings.result_backend or settings.broker_url,
    )
    app.conf.update(
        # Messages are JSON around one signed, compressed payload (see jobs.seal): Celery
        # itself never unpickles what the broker hands it.
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        # Acknowledged only when the site's results are in the result store: a worker killed
        # mid-site leaves the message to be delivered again (after visibility_timeout).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # One job reserved per free slot: a slow site never holds back jobs queued behind it.
        worker_prefetch_multiplier=1,
        broker_transport_options={
            "visibility_timeout": visible,
            # Live workers sweep for a dead one's jobs every quarter of the timeout (at most a
            # minute apart), instead of kombu's default of every 100 s.
            "unacked_restore_interval": min(60.0, max(1.0, visible / 4)),
            "unacked_restore_throttle": 1,
        },
        result_expires=timedelta(days=2),
        broker_connection_retry_on_startup=True,
        task_default_queue=queue_name(0),
        worker_hijack_root_logger=False,
    )
    return app


def register_task(
    app: Any,
    open_scratch: OpenScratch,
    progress: WorkerProgress,
    settings: DistributedConfig,
) -> None:
    """The worker's task: run one host group's sites and hand back their archive writes."""
    claims = HostClaims(settings.broker_url)
    # One pool of parser processes for every site this worker runs: parsing on a site's event
    # loop would hold its requests back past their turn, bunching them at the host.
    pool = make_executor(max(2, os.cpu_count() or 1))

    @app.task(name=TASK_NAME, bind=True, acks_late=True, reject_on_worker_lost=True)  # type: ignore[untyped-decorator]
    def run_host_group(task: Any, sealed: str) -> str:
        job = unseal(sealed, settings.secret)
        if not isinstance(job, GroupJob):
            raise EngineError(f"expected a host group's job, got {type(job).__name__}")
        if claims.is_stale(job.run_token):
            raise EngineError(f"a job of run {job.run_token}, which is over: dropped")
        lock = claims.claim(job.host, settings.visibility_timeout.total_seconds())
        if lock is None:  # the host's job of an earlier delivery or run is still running
            raise task.retry(countdown=_BUSY_HOST_RETRY, max_retries=None)
        try:
            worker = str(task.request.hostname or "worker")
            result = run_job(job, open_scratch, worker, progress, pool)
            return seal(result, settings.secret)
        finally:
            try:
                lock.release()
            except Exception as error:  # expired meanwhile, or the broker blinked: it expires
                log.warning("could not release the lock of %s: %s", job.host, error)


def run_job(
    job: GroupJob,
    open_scratch: OpenScratch,
    worker: str,
    progress: WorkerProgress,
    parse_pool: Executor | None = None,
) -> GroupResult:
    """One host group, start to end, on this machine; nothing is written but the scratch slice."""
    # The run's time budget ends at the same instant on every machine: what is left of it.
    left = max(timedelta(0), job.deadline - datetime.now(UTC))
    config = replace(job.config, run=replace(job.config.run, time_budget=left))
    names = [site.name for site in config.sites]
    log.info("run %d: %s (%s)", job.run_id, job.host, ", ".join(names))
    with open_scratch(job.snapshot) as scratch:
        journal = JournalStore(scratch)
        reporter = progress.reporter(job.run_id)
        reports, stopped = asyncio.run(
            run_sites(
                config,
                journal,
                config.sites,
                job.run_id,
                reporter=reporter,
                parse_workers=1,  # without a pool: parse inline
                now=job.now,
                parse_pool=parse_pool,
            )
        )
    return GroupResult(job.run_id, job.host, worker, tuple(reports), tuple(journal.calls), stopped)


def start_worker(
    settings: DistributedConfig,
    open_scratch: OpenScratch,
    *,
    queues: Sequence[int],
    concurrency: int,
    name: str,
) -> None:
    """Run a Celery worker in this process until it is stopped (SIGTERM: warm shutdown)."""
    app = make_app(settings)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not one line per request
    progress = WorkerProgress(settings.broker_url, name)
    register_task(app, open_scratch, progress, settings)
    app.worker_main(
        [
            "worker",
            "--pool=threads",  # sites wait on the network: threads, one event loop each
            f"--concurrency={concurrency}",
            f"--queues={','.join(queue_name(index) for index in queues)}",
            f"--hostname={name}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ]
    )
