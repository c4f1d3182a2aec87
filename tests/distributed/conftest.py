"""Fixtures of the fleet tests: a real redis-server and twenty demo blogs on loopback."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fleet import RedisServer, redis_binary

from scraper.demo import DemoServer

BLOG_SERVERS = 10  # two blogs each: twenty hosts (127.0.0.1, one port per blog)


@pytest.fixture(scope="module")
def broker() -> Iterator[RedisServer]:
    """redis-server for the module's tests (each test uses its own database number)."""
    server = RedisServer(redis_binary())
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture(scope="module")
def blogs() -> Iterator[list[DemoServer]]:
    """Twenty demo blogs, each its own host:port, content differing by seed."""
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(DemoServer(seed=seed)) for seed in range(1, BLOG_SERVERS + 1)]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path
