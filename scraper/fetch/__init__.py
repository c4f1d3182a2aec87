"""Fetch: the only network I/O (polite, bounded, failures as data)."""
