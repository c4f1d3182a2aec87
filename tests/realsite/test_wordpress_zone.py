"""Debian's real WordPress tells its zone through the REST index the way discovery asks for it."""

from __future__ import annotations

import httpx
import pytest
from wp_real import RealWordPress

from scraper.discover.sources import parse_wp_zone

pytestmark = [pytest.mark.realsite]


def test_the_rest_index_answers_the_two_fields_discovery_asks_for(
    real_wordpress: RealWordPress,
) -> None:
    # The last setup the crawl tests started: no second WordPress start for this check.
    site = real_wordpress.start(3, "twentytwentythree")
    answer = httpx.get(f"{site.base_url}/wp-json/?_fields=timezone_string,gmt_offset", timeout=30)
    assert answer.status_code == 200
    # `_fields` keeps the answer to the two settings (and WordPress's `_links`), not the index
    # of every route.
    assert {"timezone_string", "gmt_offset"} <= set(answer.json())
    assert "routes" not in answer.json()
    assert len(answer.content) < 2000
    assert parse_wp_zone(answer.content) == "Europe/Berlin"  # setup.sh's WP_TIMEZONE default
