"""Shared test fixtures: a throw-away copy of the example workspace."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "data"


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
