"""Find every post of a site: feeds, sitemaps, WordPress REST, archive pagination, then links."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import aclosing

from scraper.core.config import SiteConfig
from scraper.discover.sources import links_from_page
from scraper.discover.steps import (
    Discovered,
    DiscoveryLimits,
    FetchFn,
    LastmodFn,
    SitemapsFn,
    SiteRun,
    feed_step,
    links_step,
    pagination_step,
    rest_step,
    sitemap_step,
    wordpress_zone,
)

log = logging.getLogger("blogarchive.discover")


async def discover_site(
    site: SiteConfig,
    fetch: FetchFn,
    *,
    sitemaps: SitemapsFn | None = None,
    known_lastmod: LastmodFn | None = None,
    limit: int | None = None,
    limits: DiscoveryLimits | None = None,
    is_known: Callable[[str], bool] | None = None,
    on_zone: Callable[[str], None] | None = None,
) -> AsyncIterator[Discovered]:
    """Yield each post of `site` once: sources in order, the next only when the one before did
    not list the whole site (missing, disabled, cut short). Listing pages are followed, not
    yielded. Honours since, include/exclude, scope, max_pages and `limit`. With `is_known`
    (incremental discovery), feed paging stops at the first page of only known posts. With
    `on_zone`, a WordPress site without a configured `timezone` is asked for the zone its pages
    show times in, and `on_zone` gets its name."""
    cap = min(site.max_pages, limit) if limit is not None else site.max_pages
    run = SiteRun(
        site,
        fetch=fetch,
        sitemaps=sitemaps,
        known_lastmod=known_lastmod,
        cap=cap,
        limits=limits or DiscoveryLimits(),
        is_known=is_known,
    )
    if run.full:
        return
    home = await run.home_listing()
    platform = site.platform if site.platform in ("blogger", "wordpress") else home.platform
    if platform is None and run.origin.split("/")[2].endswith(".blogspot.com"):
        platform = "blogger"
    if on_zone is not None and site.timezone is None and platform == "wordpress":
        zone = await wordpress_zone(run)
        if zone is not None:
            on_zone(zone)
    steps: list[tuple[str, Callable[[], AsyncGenerator[Discovered | bool, None]]]] = [
        ("feed", lambda: feed_step(run, platform)),
        ("sitemap", lambda: sitemap_step(run)),
    ]
    if platform != "blogger":
        steps.append(("rest", lambda: rest_step(run)))
    steps += [("archive", lambda: pagination_step(run)), ("links", lambda: links_step(run))]
    for name, step in steps:
        complete = False
        async with aclosing(step()) as items:
            async for item in items:
                if isinstance(item, bool):
                    complete = item
                    continue
                yield item
                if run.full:
                    log.info("discovery of %s stopped at the cap of %d posts", site.name, run.cap)
                    return
        if complete:
            log.info("discovery of %s: %s listed the whole site", site.name, name)
            return
        log.info(
            "discovery of %s: %s incomplete or missing, trying the next source", site.name, name
        )


__all__ = [
    "Discovered",
    "DiscoveryLimits",
    "FetchFn",
    "discover_site",
    "links_from_page",
]
