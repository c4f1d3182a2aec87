"""Sites grouped by the host the pacer keys on, and each group's queue by a stable hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from scraper.core.config import SiteConfig
from scraper.fetch.politeness import host_key

QUEUE_PREFIX = "blogarchive"


def group_sites(sites: Iterable[SiteConfig]) -> dict[str, tuple[SiteConfig, ...]]:
    """Sites by `host:port` (the key of per-host delay, concurrency and robots.txt): a group is
    one task, so two sites on one host are always paced together by one worker."""
    groups: dict[str, list[SiteConfig]] = {}
    for site in sites:
        groups.setdefault(host_key(site.url), []).append(site)
    return {key: tuple(group) for key, group in sorted(groups.items())}


def queue_index(key: str, queues: int) -> int:
    """A host's queue: the same on every machine and every run (not Python's salted hash)."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % max(1, queues)


def queue_name(index: int) -> str:
    return f"{QUEUE_PREFIX}.{index}"


def parse_queue_list(text: str, queues: int) -> list[int]:
    """`--queues 0-3,8` → [0, 1, 2, 3, 8]; empty: every queue."""
    if not text.strip():
        return list(range(queues))
    chosen: set[int] = set()
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        low, high = int(first), int(last or first)
        if not 0 <= low <= high < queues:
            raise ValueError(f"queue range {part.strip()!r} is outside 0-{queues - 1}")
        chosen.update(range(low, high + 1))
    return sorted(chosen)
