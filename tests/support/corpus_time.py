"""The corpus's time rule: our UTC instant, shown at the blog's offset, equals the page's clock.

A truth `date_text` is the wall clock the page shows. Our UTC `published` is rendered at the
blog's UTC offset and compared to the minute (a date without a clock time by day). The offset is
the one the truth's post stamp states; when it states none (the page never reveals its zone),
the one fixed offset, in 15-minute steps, that fits most of the page's comments. A result exactly
one hour off is accepted for daylight saving and reported apart. Shared by tests/corpus and
bench/extraction.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from scraper.core.dates import parse_human
from scraper.core.models import Comment
from scraper.core.relative_dates import parse_relative

_CLOCK = re.compile(r"\d{1,2}[:.h]\d\d")
_OFFSET = re.compile(r"T\d\d:\d\d.*([+-])(\d\d):?(\d\d)$")


def blog_offset(truth: dict[str, Any], pairs: dict[int, Comment]) -> timedelta:
    """The UTC offset the truth's post stamp states, else the one fixed offset that fits best."""
    iso = ((truth.get("published") or {}).get("iso")) or ""
    match = _OFFSET.search(iso)
    # A truth whose times are all converted to UTC (comments carry `date_iso`) states no zone.
    converted = iso.endswith("+00:00") and any(c.get("date_iso") for c in truth["comments"])
    if not match or converted:
        return best_offset(truth, pairs)
    sign = -1 if match.group(1) == "-" else 1
    return sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))


def best_offset(truth: dict[str, Any], pairs: dict[int, Comment]) -> timedelta:
    """The offset (15-minute steps, ±14 h) under which most matched comments show their time."""
    samples = [
        (truth["comments"][i]["date_text"], c.published)
        for i, c in pairs.items()
        if truth["comments"][i].get("date_text") and c.published is not None
    ]
    best, best_hits = timedelta(0), -1
    for quarter in sorted(range(-56, 57), key=abs):
        offset = timedelta(minutes=15 * quarter)
        hits = sum(time_verdict(text, ours, offset) == (True, False) for text, ours in samples)
        if hits > best_hits:
            best, best_hits = offset, hits
    return best


def time_verdict(date_text: str, ours: datetime | None, offset: timedelta) -> tuple[bool, bool]:
    """(right, right only with the one-hour daylight-saving allowance)."""
    shown = parse_human(date_text, UTC)
    if shown is None or ours is None:
        return False, False
    local = (ours.astimezone(UTC) + offset).replace(second=0, microsecond=0)
    if not _CLOCK.search(date_text):
        return local.date() == shown.date(), False
    if local == shown:
        return True, False
    return abs(local - shown) == timedelta(hours=1), True


_STATED_OFFSET = re.compile(r"(?:[+-]\d\d:?\d\d|Z)$")


# The fetch time every corpus page is parsed with: the truth files do not record one, and any
# fixed moment checks the same thing (that the page's relative time was the one read).
CORPUS_FETCHED_AT = datetime(2020, 1, 1, 12, 0, tzinfo=UTC)


def comment_time_verdict(
    item: dict[str, Any], ours: datetime | None, offset: timedelta, *, approximate: bool = False
) -> tuple[bool, bool]:
    """A truth comment's time: the exact UTC instant when the truth has one (`date_iso` with an
    offset) and the page shows a clock, to the minute; a relative shown time ("1 week ago"),
    marked approximate and within its unit of `CORPUS_FETCHED_AT` minus what it says;
    otherwise the wall-clock rule above."""
    iso = item.get("date_iso") or ""
    relative = parse_relative(item.get("date_text"), CORPUS_FETCHED_AT, timezone(offset))
    if relative is not None and not iso:
        if ours is None or not approximate:
            return False, False
        return abs(ours - relative.moment) < relative.precision, False
    if _STATED_OFFSET.search(iso) and _CLOCK.search(item.get("date_text") or ""):
        stated = datetime.fromisoformat(iso.replace("Z", "+00:00"))
        if ours is None:
            return False, False
        # Pages show minutes: both sides are compared without their seconds.
        shown = stated.astimezone(UTC).replace(second=0, microsecond=0)
        return ours.astimezone(UTC).replace(second=0, microsecond=0) == shown, False
    return time_verdict(item["date_text"], ours, offset)
