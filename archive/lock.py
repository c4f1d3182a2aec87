"""One writer per archive: an flock on `<db>.lock`, which the kernel releases when a holder dies."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from archive.ids import now_utc, to_iso
from scraper.core.errors import LockedError


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def _holder(text: str) -> str:
    """Describe the holder recorded in the lock file ("pid N since T") for the error message."""
    parts = text.split()
    if len(parts) >= 2 and parts[0].isdigit():
        return f"pid {parts[0]} since {parts[1]}"
    return "another process"


@contextlib.contextmanager
def hold(db_path: Path) -> Iterator[None]:
    """Hold the archive's lock for the block, or raise LockedError naming the holder.

    A lock file left by a dead process is not locked at the kernel level, so it is simply taken
    over: stale locks recover by construction, without guessing from pids or ages.
    """
    path = lock_path(db_path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            recorded = os.pread(fd, 200, 0).decode("utf-8", "replace")
            raise LockedError(
                f"the archive {db_path} is locked by another run, held by {_holder(recorded)}"
            ) from None
        os.ftruncate(fd, 0)
        # The holder's note only serves the LockedError message; a full disk must not stop a
        # run here (it is told about once, by the archive itself, with its own exit code).
        with contextlib.suppress(OSError):
            os.pwrite(fd, f"{os.getpid()} {to_iso(now_utc())}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def describe(db_path: Path) -> str | None:
    """Who holds the lock now ("pid N since T"), or None when it is free."""
    path = lock_path(db_path)
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _holder(os.pread(fd, 200, 0).decode("utf-8", "replace"))
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
