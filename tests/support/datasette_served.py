"""Datasette serving an archive on loopback, and Debian's Chromium reading its pages headless."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def datasette(db: Path, metadata: Path, log: Path) -> Iterator[str]:
    """Serve `db` with `metadata` (the `datasette` the test extras install); yields the base URL."""
    port = _free_port()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "datasette", "serve", str(db), "-m", str(metadata),
             "-h", "127.0.0.1", "-p", str(port)],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"datasette exited {server.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"datasette did not answer within 60 s:\n{log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@dataclass(frozen=True)
class Chromium:
    """Debian's `chromium`, headless, with a throwaway profile."""

    binary: str
    profile: Path

    @classmethod
    def find(cls, profile: Path) -> Chromium | None:
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        return cls(binary, profile) if binary else None

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [self.binary, "--headless", "--disable-gpu", f"--user-data-dir={self.profile}"]
        if os.geteuid() == 0:  # Chromium's sandbox refuses to start as root
            command.append("--no-sandbox")
        done = subprocess.run(
            [*command, *args], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"chromium exited {done.returncode}:\n{done.stderr[-3000:]}")
        return done

    def dom(self, url: str) -> str:
        """The page's DOM after Chromium loaded and rendered it."""
        return self._run("--dump-dom", url).stdout

    def screenshot(self, url: str, target: Path, size: str = "1400,1600") -> Path:
        self._run(f"--window-size={size}", f"--screenshot={target}", url)
        return target
