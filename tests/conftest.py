"""Shared test fixtures: a throw-away copy of the example workspace."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "data"

# The results cache (gevinst.io.cache) is on in the tests, as for users, but in a folder
# of this test session (subprocesses inherit it): never the user's own ~/.cache/gevinst.
os.environ["GEVINST_CACHE_DIR"] = tempfile.mkdtemp(prefix="gevinst-test-cache-")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the bundled example workspace (data/) that a test may change."""
    target = tmp_path / "data"
    shutil.copytree(EXAMPLE, target)
    return target


# Timing varies on shared CI machines: property tests check results, never speed.
try:
    from hypothesis import settings

    settings.register_profile("gevinst", deadline=None)
    settings.load_profile("gevinst")
except ImportError:  # pragma: no cover - hypothesis is a test extra
    pass
