"""Plausible ranges of what a user types in, in one place for every layer that checks them.

The logbook refuses an athlete's height outside :data:`HEIGHT_RANGE_M`, and the analysis
refuses to set a scale from one, with the same numbers, so a height the logbook accepts is one
every later analysis accepts.
"""

from __future__ import annotations

import math

from sprintlens.core.catalogue import ATHLETE_HEIGHT_M

#: Standing heights (m) SprintLens accepts, inclusive (the catalogue's :data:`ATHLETE_HEIGHT_M`).
HEIGHT_RANGE_M: tuple[float, float] = ATHLETE_HEIGHT_M


def plausible_height(height_m: float) -> bool:
    """Tell whether ``height_m`` (m) is a finite standing height within :data:`HEIGHT_RANGE_M`."""
    low, high = HEIGHT_RANGE_M
    return isinstance(height_m, (int, float)) and math.isfinite(height_m) and low <= height_m <= high


def height_range_text() -> str:
    """Describe :data:`HEIGHT_RANGE_M` for messages, e.g. ``"1.0-2.5 m"``."""
    low, high = HEIGHT_RANGE_M
    return f"{low:.1f}-{high:.1f} m"
