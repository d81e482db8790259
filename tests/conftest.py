"""Shared test fixtures: where the real footage is, and skipping cleanly without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Real clips for tests live beside the project (../shared/footage); SPRINTLENS_FOOTAGE overrides.
FOOTAGE = Path(os.environ.get("SPRINTLENS_FOOTAGE", ROOT.parent / "shared" / "footage"))


def footage_path(name: str) -> Path:
    """Path of a real clip, skipping the test with a reason when it is absent."""
    path = FOOTAGE / name
    if not path.is_file():
        pytest.skip(f"real footage {name} not found in {FOOTAGE} (set SPRINTLENS_FOOTAGE to its folder)")
    return path


@pytest.fixture
def footage():
    """``footage("walk_side_30fps.mp4")`` -> Path, or skip when the footage folder is absent."""
    return footage_path
