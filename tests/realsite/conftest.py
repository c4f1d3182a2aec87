"""Start Debian's real WordPress for the tests here (see tests/support/wp_real.py).

Where it cannot run (not root, no Debian, no ../shared) the tests are skipped with the reason,
unless BLOGARCHIVE_REALSITE=require (CI sets it): then they fail, since a skipped real-site
test hides exactly the bugs it exists for.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from real_software import missing
from wp_real import RealWordPress, unavailable


@pytest.fixture(scope="session")
def real_wordpress() -> Iterator[RealWordPress]:
    reason = unavailable()
    if reason is not None:
        missing(reason)
    # Short and world-enterable: MariaDB's user must reach its socket inside it.
    state = Path(tempfile.mkdtemp(prefix="ba-wp-", dir="/tmp"))
    state.chmod(0o755)
    server = RealWordPress(state)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(state, ignore_errors=True)
