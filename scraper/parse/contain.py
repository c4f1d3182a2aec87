"""Containment: a comment whose fields cannot be read costs that comment, never the page."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

log = logging.getLogger("blogarchive.parse")

P = ParamSpec("P")
R = TypeVar("R")

# The note a page carries when comments were left out; the pipeline reads it to keep such a
# thread from counting as complete (its missing comments must not be taken for removed).
LEFT_OUT = "comments could not be read and were left out"


@dataclass(slots=True)
class _Dropped:
    count: int = 0
    first: list[str] = field(default_factory=list)


_DROPPED: ContextVar[_Dropped | None] = ContextVar("blogarchive_dropped", default=None)


def guarded(read: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R | None:
    """`read(*args, **kwargs)`, or None when it raises: the one per-comment try.

    Every platform parser reads each comment through this, so an odd field (an unparsable URL,
    a date that overflows, markup nested past Python's recursion limit) drops that comment with
    a note instead of failing the parser and with it every other comment and the post.
    """
    try:
        return read(*args, **kwargs)
    except Exception as error:  # any bug in one comment's fields is contained here
        dropped = _DROPPED.get()
        if dropped is None:
            log.debug("comment left out: %s: %s", type(error).__name__, error)
            return None
        dropped.count += 1
        if len(dropped.first) < 3:
            dropped.first.append(f"{type(error).__name__}: {str(error)[:200]}")
        return None


@contextmanager
def collecting() -> Iterator[list[str]]:
    """Collect what `guarded` left out while the block runs; the list gets one note at the end."""
    dropped = _Dropped()
    notes: list[str] = []
    token = _DROPPED.set(dropped)
    try:
        yield notes
    finally:
        _DROPPED.reset(token)
        if dropped.count:
            notes.append(f"{dropped.count} {LEFT_OUT} ({'; '.join(dropped.first)})")
