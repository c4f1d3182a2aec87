"""Discover: find a site's posts in feeds, sitemaps, REST and listings."""
