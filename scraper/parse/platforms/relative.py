"""Relative times ("vor 2 Stunden") while one page is parsed: read against its fetch time and
remembered, so the page's comments can say their time is approximate."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from scraper.core.relative_dates import parse_relative


@dataclass(slots=True)
class RelativeReading:
    """The fetch time relative times are read against (None: they are not read), the moments
    read that way, and the blog's zone when the caller knows it (a site's configured zone)."""

    reference: datetime | None
    zone: tzinfo | None = None
    approximate: set[datetime] = field(default_factory=set)


# The fetch time is a fact about the whole page, like its zone, but unlike the zone it reaches
# none of the ~30 field finders' signatures: `parse_page` sets it for the length of one parse.
_READING: ContextVar[RelativeReading | None] = ContextVar("relative_reading", default=None)


@contextmanager
def reading_against(
    reference: datetime | None, zone: tzinfo | None = None
) -> Iterator[RelativeReading]:
    """Within this block, relative times are read against `reference` (None: not read at all)
    and shown times in `zone` when given (else in the zone the page reveals)."""
    reading = RelativeReading(reference, zone)
    token = _READING.set(reading)
    try:
        yield reading
    finally:
        _READING.reset(token)


def read_relative(text: str | None, zone: tzinfo) -> datetime | None:
    """`text` as a relative time against the current page's fetch time, else None."""
    reading = _READING.get()
    if reading is None or reading.reference is None or not text:
        return None
    found = parse_relative(text, reading.reference, zone)
    if found is None:
        return None
    reading.approximate.add(found.moment)
    return found.moment


def is_relative(moment: datetime | None) -> bool:
    """Whether `moment` was read from a relative time during the current page's parse."""
    reading = _READING.get()
    return moment is not None and reading is not None and moment in reading.approximate


def named_zone() -> tzinfo | None:
    """The blog's zone the caller of the current parse named (a site's `timezone`), else None."""
    reading = _READING.get()
    return reading.zone if reading is not None else None
