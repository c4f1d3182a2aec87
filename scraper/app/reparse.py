"""`blogarchive reparse`: rebuild posts and comments from stored raw pages, without the network."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from scraper.core.errors import ParseError
from scraper.core.models import FetchedPage
from scraper.core.storage import ArchiveStore
from scraper.parse.page import parse_page

log = logging.getLogger("blogarchive.reparse")


class StoredPages(ArchiveStore, Protocol):
    def stored_pages(
        self, site: str | None = None
    ) -> Iterator[tuple[str, str, bytes, str, datetime]]: ...


@dataclass(frozen=True, slots=True)
class ReparseCounts:
    pages: int
    posts: int
    comments_new: int
    comments_changed: int
    failed: int


def reparse_archive(store: StoredPages, site: str | None = None) -> ReparseCounts:
    """Parse every stored page again with today's parsers and upsert what they find.

    Threads are not marked complete: comments that came from comment feeds or comment pages
    are not in the stored post page, and must not be taken for removed.
    """
    pages = posts = new = changed = failed = 0
    # Streamed, not listed: holding every decompressed body at once would not fit a big archive.
    for site_name, url, body, content_type, fetched_at in store.stored_pages(site):
        pages += 1
        try:
            parsed = parse_page(body, url, content_type=content_type or None, fetched_at=fetched_at)
        except ParseError as error:
            log.warning("cannot reparse %s: %s", url, error)
            failed += 1
            continue
        if not parsed.is_post and not parsed.comments:
            continue
        page = FetchedPage(
            url=url,
            final_url=url,
            status=200,
            headers={"content-type": content_type} if content_type else {},
            body=body,
            fetched_at=fetched_at,
        )
        result = store.store_page(
            site_name, page, parsed, observed_at=fetched_at, thread_complete=False
        )
        posts += 1
        new += result.comments_new
        changed += result.comments_changed
    return ReparseCounts(pages, posts, new, changed, failed)
