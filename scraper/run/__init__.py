"""Run: one scheduled run, site by site: discovery, fetching, parsing in a pool, archiving."""
