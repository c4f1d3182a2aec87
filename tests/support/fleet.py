"""A real redis-server and real `blogarchive worker` processes on loopback, for the fleet tests."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import redis
from real_software import missing

from scraper.demo import DemoServer

REPO = Path(__file__).resolve().parents[2]
SECRET = "fleet-tests-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """Debian's redis-server on a free loopback port, in memory only; stopped on exit."""

    def __init__(self, binary: str, port: int | None = None) -> None:
        self.binary = binary
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url(), socket_connect_timeout=1)
        for _ in range(100):
            with contextlib.suppress(redis.exceptions.ConnectionError):
                if client.ping():
                    client.close()
                    return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def kill(self) -> None:
        """Gone at once, as a crashed broker is."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


def redis_binary() -> str:
    """The redis-server binary, or a skip (a failure when BLOGARCHIVE_REALSITE=require)."""
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "redis-server is not installed (Debian package redis-server)"
        missing(reason)
    return binary


def write_fleet_config(
    folder: Path,
    servers: Iterable[DemoServer],
    broker_url: str,
    *,
    delay: float,
    visibility_timeout: str = "10s",
    concurrency: int = 2,
) -> Path:
    """One [[sites]] per demo blog (two per DemoServer), all revisited every run."""
    lines = [
        "[fetch]",
        'user_agent = "blogarchive-tests/0.1"',
        f"delay = {delay}",
        "timeout = 10",
        "concurrency = 64",
        "per_host_concurrency = 1",
        "[revisit]",
        'middle_every = "0s"',
        'old_every = "0s"',
        "[distributed]",
        f'broker_url = "{broker_url}"',
        f'secret = "{SECRET}"',
        f'visibility_timeout = "{visibility_timeout}"',
        f"concurrency = {concurrency}",
        "queues = 4",
    ]
    for number, server in enumerate(servers):
        for site in server.sites:
            lines += ["[[sites]]", f'name = "{site.name}-{number}"', f'url = "{site.base_url}"']
    path = folder / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Worker:
    """`blogarchive worker` in its own process group (a SIGKILL takes all of it, as a dead
    machine would)."""

    def __init__(self, config: Path, name: str, log: Path) -> None:
        self.name = name
        self._log = log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scraper", "worker", "--config", str(config), "--name", name],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


@contextlib.contextmanager
def workers(config: Path, folder: Path, count: int, prefix: str) -> Iterator[list[Worker]]:
    started = [
        Worker(config, f"{prefix}{number}@fleet", folder / f"{prefix}{number}.log")
        for number in range(count)
    ]
    try:
        yield started
    finally:
        for worker in started:
            worker.stop()


def run_args(config: Path, db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "scraper", "run", "--config", str(config), "--db", str(db),
            "--quiet", *extra]  # fmt: skip


def start_run(config: Path, db: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        run_args(config, db, *extra),
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def closest_requests(servers: Iterable[DemoServer], since: float) -> float:
    """The shortest gap between two requests to one blog (its own host:port) since `since`
    (time.monotonic()), in seconds."""
    gaps = [
        later - earlier
        for server in servers
        for times in (
            sorted(t for t in found if t >= since) for found in server.request_times().values()
        )
        for earlier, later in itertools.pairwise(times)
    ]
    return min(gaps)
