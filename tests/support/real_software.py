"""When real software a test needs is missing: a skip here, a failure where CI requires it."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

# CI sets BLOGARCHIVE_REALSITE=require: a skipped real-software test would hide exactly the
# bugs it is there for.
REQUIRED = os.environ.get("BLOGARCHIVE_REALSITE") == "require"


def missing(reason: str) -> NoReturn:
    """Skip the test for `reason`, or fail it when real software is required."""
    if REQUIRED:
        pytest.fail(f"BLOGARCHIVE_REALSITE=require but {reason}")
    pytest.skip(reason)
