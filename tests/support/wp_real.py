"""Debian's real WordPress on loopback (../shared/realsites/wordpress), started per seed and theme.

The site is rebuilt for each (seed, theme) asked for; one site runs at a time because the
harness shares one WordPress config file per machine. Used by tests/realsite and
bench/realsite_wordpress.py.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wp_truth import load_truth

HARNESS = Path(__file__).resolve().parents[3] / "shared" / "realsites" / "wordpress"


def unavailable() -> str | None:
    """Why the harness cannot run here, or None."""
    if not (HARNESS / "setup.sh").is_file():
        return f"no real-site harness at {HARNESS}"
    if os.geteuid() != 0:
        return "the real WordPress harness installs Debian packages and needs root"
    if shutil.which("apt-get") is None:
        return "the real WordPress harness needs Debian (apt-get)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningSite:
    """One configuration of the real WordPress, up and serving."""

    seed: int
    theme: str
    base_url: str
    truth: dict[str, Any]
    access_log: Path

    def requests(self) -> list[str]:
        """Request lines ("GET /path HTTP/1.1") Apache logged since the last `forget_requests`."""
        lines = self.access_log.read_text(encoding="utf-8", errors="replace").splitlines()
        return [line.split('"')[1] for line in lines if line.count('"') >= 2]

    def crawl(self, workdir: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
        """One `blogarchive run` of this site into workdir/archive.db, as cron would start it."""
        db = workdir / "archive.db"
        config = workdir / "config.toml"
        config.write_text(
            f"""
    [archive]
    path = "{db}"
    [fetch]
    delay = 0.0                 # our own server on loopback
    per_host_concurrency = 4
    [revisit]                   # every post again on every run: the second run re-reads them all
    recent_every = "0s"
    middle_every = "0s"
    old_every = "0s"
    rediscover_every = "0s"
    [[sites]]
    name = "wp"
    url = "{self.base_url}/"
    every = "0s"
    """,
            encoding="utf-8",
        )
        done = subprocess.run(
            [sys.executable, "-m", "scraper", "run", "--config", str(config)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        return db, done

    def forget_requests(self) -> None:
        # Apache appends through its own descriptor: truncating in place keeps it writing here.
        with self.access_log.open("r+") as log:
            log.truncate(0)


class RealWordPress:
    """Starts the harness once per configuration and stops what it started at the end."""

    def __init__(self, state: Path) -> None:
        self.state = state
        self.port = _free_port()
        self.db_port = _free_port()
        self.current: RunningSite | None = None

    def start(self, seed: int, theme: str) -> RunningSite:
        if self.current and (self.current.seed, self.current.theme) == (seed, theme):
            return self.current
        truth_path = self.state / f"truth-{seed}-{theme}.json"
        env = {
            **os.environ,
            "WP_STATE_DIR": str(self.state),
            "WP_TRUTH": str(truth_path),
            "WP_PORT": str(self.port),
            "WP_DB_PORT": str(self.db_port),
            "WP_SEED": str(seed),
            "WP_THEME": theme,
        }
        done = subprocess.run(
            ["bash", str(HARNESS / "setup.sh")],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"the real WordPress did not start (seed {seed}, {theme}):\n{done.stderr[-3000:]}"
            )
        base_url = done.stdout.strip().splitlines()[-1]
        self.current = RunningSite(
            seed, theme, base_url, load_truth(truth_path), self.state / "apache" / "access.log"
        )
        return self.current

    def stop(self) -> None:
        subprocess.run(
            ["bash", str(HARNESS / "stop.sh")],
            env={**os.environ, "WP_STATE_DIR": str(self.state)},
            capture_output=True,
            timeout=120,
            check=False,
        )
