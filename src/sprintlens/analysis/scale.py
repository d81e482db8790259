"""From pixels to metres: the athlete's height, two marked points, or leg lengths.

A distance in metres needs a scale.  Three sources, best first:

- ``calibration``: two image points a known distance apart on the running line (track
  markings, cones), for a static camera: ``px_per_m = |P2 - P1| / metres``;
- ``athlete height``: the athlete's standing height in metres and their leg length in pixels
  (hip-knee-ankle, the segments a side view sees best), with the anthropometric ratio of leg
  to height (thigh 0.245 H + shank 0.246 H, Winter 2009, table 4.1);
- none: distances in leg lengths (the athlete's own hip-knee-ankle length).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sprintlens.core.errors import AnalysisError
from sprintlens.core.limits import HEIGHT_RANGE_M as LIMITS_HEIGHT_RANGE_M
from sprintlens.core.limits import height_range_text, plausible_height

#: Hip-to-ankle length (thigh + shank) as a fraction of standing height (Winter 2009).
LEG_FRACTION_OF_HEIGHT = 0.491
#: Relative uncertainty of a height-based scale (segment proportions vary between people).
HEIGHT_SCALE_UNCERTAINTY = 0.04
#: Relative uncertainty of a two-point calibration (a few pixels on the marks).
CALIBRATION_UNCERTAINTY = 0.01


@dataclass(frozen=True)
class Scale:
    """How image distances become real ones.

    Attributes
    ----------
    px_per_m : float or None
        Pixels per metre on the running line; None without a metric scale.
    leg_px : float
        The athlete's leg length (hip-knee-ankle) in pixels.
    source : str
        ``"calibration"``, ``"athlete height"`` or ``"leg lengths"``.
    relative_uncertainty : float
        Of the scale itself (0.04 = 4 %).
    """

    px_per_m: float | None
    leg_px: float
    source: str
    relative_uncertainty: float

    @property
    def unit(self) -> str:
        """``"m"`` with a metric scale, else ``"legs"`` (leg lengths)."""
        return "m" if self.px_per_m else "legs"

    @property
    def px_per_unit(self) -> float:
        """Pixels per distance unit: per metre with a metric scale, else per leg length."""
        return float(self.px_per_m) if self.px_per_m else float(self.leg_px)

    def distance(self, px: float | np.ndarray) -> float | np.ndarray:
        """Turn pixels into metres (or leg lengths without a metric scale)."""
        return px / self.px_per_unit

    def describe(self) -> str:
        """Return the scale's source and size as one line of text, for reports and logs."""
        if self.source == "calibration":
            return f"calibration, {self.px_per_m:.1f} px/m"
        if self.source == "athlete height":
            return f"athlete height, {self.px_per_m:.1f} px/m (+/-{100 * self.relative_uncertainty:.0f}%)"
        return f"no metric scale: distances in leg lengths ({self.leg_px:.0f} px)"


#: Standing heights (m) the height scale accepts (the catalogue's one range, :mod:`sprintlens.core.limits`):
#: a number outside is a mistake (180 for 1.80).
HEIGHT_RANGE_M = LIMITS_HEIGHT_RANGE_M

#: Calibration points closer than this (px) cannot set a scale.
MIN_CALIBRATION_PX = 10.0


def check_height_m(height_m: float) -> None:
    """Raise :class:`AnalysisError` unless ``height_m`` is a standing height in metres (:data:`HEIGHT_RANGE_M`)."""
    low, high = HEIGHT_RANGE_M
    if not plausible_height(height_m):
        hint = f" (in metres: {height_m / 100:g}?)" if math.isfinite(height_m) and 100 * low <= height_m <= 100 * high \
            else ""
        raise AnalysisError(f"athlete height must be in metres, {height_range_text()}, got {height_m:g}{hint}")


def check_calibration(x1: float, y1: float, x2: float, y2: float, metres: float) -> None:
    """Raise :class:`AnalysisError` unless two image points (px) a distance apart (m) can set a scale.

    Parameters
    ----------
    x1, y1, x2, y2 : float
        The two points on the running line (px).
    metres : float
        Their distance apart (m): positive.

    Raises
    ------
    AnalysisError
        If a coordinate is not finite, the distance not positive or the points too close.
    """
    if not all(math.isfinite(v) for v in (x1, y1, x2, y2)):
        raise AnalysisError("calibration points must be finite pixel coordinates")
    if not (math.isfinite(metres) and metres > 0):
        raise AnalysisError(f"calibration distance must be positive metres, got {metres}")
    distance_px = math.hypot(x2 - x1, y2 - y1)
    if not math.isfinite(distance_px) or distance_px < MIN_CALIBRATION_PX:
        raise AnalysisError(f"calibration points must be at least {MIN_CALIBRATION_PX:g} pixels apart")


def scale_from_height(leg_px: float, height_m: float) -> Scale:
    """Make a scale from the athlete's standing height (m) and leg length (px)."""
    check_height_m(height_m)
    if not (math.isfinite(leg_px) and leg_px > 0):
        raise AnalysisError("cannot measure the athlete's legs in this clip, so the height cannot set a scale")
    px_per_m = leg_px / (LEG_FRACTION_OF_HEIGHT * height_m)
    return Scale(px_per_m, leg_px, "athlete height", HEIGHT_SCALE_UNCERTAINTY)


def scale_from_points(leg_px: float, x1: float, y1: float, x2: float, y2: float, metres: float) -> Scale:
    """Make a scale from two image points (px) a known distance apart (m) on the running line.

    Parameters
    ----------
    leg_px : float
        The athlete's leg length (hip-knee-ankle) in pixels.
    x1, y1, x2, y2 : float
        Image coordinates (px) of the two points.
    metres : float
        Distance between the two points (m); must be positive.

    Returns
    -------
    Scale
        A ``"calibration"`` scale.

    Raises
    ------
    AnalysisError
        When a coordinate is not finite, ``metres`` is not positive or the points are less than
        :data:`MIN_CALIBRATION_PX` apart.
    """
    check_calibration(x1, y1, x2, y2, metres)
    distance_px = math.hypot(x2 - x1, y2 - y1)
    return Scale(distance_px / metres, leg_px, "calibration", CALIBRATION_UNCERTAINTY)


def no_scale(leg_px: float) -> Scale:
    """Make the scale without a metric one: distances in leg lengths."""
    return Scale(None, leg_px, "leg lengths", 0.0)


def parse_calibration(text: str) -> tuple[float, float, float, float, float]:
    """Parse a calibration: ``"X1,Y1,X2,Y2,METRES"`` -> five floats."""
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 5:
        raise AnalysisError(f"calibration {text!r}: give X1,Y1,X2,Y2,METRES (two pixels and their distance)")
    return values  # type: ignore[return-value]
