"""Suite-wide test setup: markers by folder, and the paths of the real inputs beside the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
_MARKERS_BY_FOLDER = {
    "integration": "integration",
    "realsite": "realsite",
    "distributed": "integration",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests under tests/integration and tests/realsite carry their folder's marker, so
    `pytest -m "not realsite"` and the like select by what a test needs."""
    for item in items:
        folder = item.path.parent.name
        if folder in _MARKERS_BY_FOLDER:
            item.add_marker(_MARKERS_BY_FOLDER[folder])


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """../shared/corpus: real pages with hand-checked truth (skips the test when absent)."""
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus not present")
    return corpus


@pytest.fixture(scope="session")
def claims_pages() -> Path:
    """tests/fixtures/claims: pages of our own writing, in markup real sites print, where a
    finder claimed comments a page does not have or missed the one it has."""
    return ROOT / "tests" / "fixtures" / "claims"
