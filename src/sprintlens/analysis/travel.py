"""Travel: body scale (leg length), direction of travel, passes across the image, the near leg.

Pure functions on pose tracks (pixels).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from sprintlens.core.landmarks import SIDES, hip_centre_x
from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.series import nan_runs
from sprintlens.core.track import PoseTrack

log = logging.getLogger(__name__)


# -- body scale and direction ----------------------------------------------------------------------

def leg_length_px(positions_px: np.ndarray) -> float:
    """Return the median hip-knee-ankle length of the legs over the clip (px); NaN if never seen."""
    lengths = []
    for side in ("LEFT", "RIGHT"):
        hip, knee, ankle = (positions_px[:, L[f"{side}_{p}"]] for p in ("HIP", "KNEE", "ANKLE"))
        lengths.append(np.linalg.norm(knee - hip, axis=1) + np.linalg.norm(ankle - knee, axis=1))
    values = np.concatenate(lengths)
    return float(np.nanmedian(values)) if np.isfinite(values).any() else float("nan")


@dataclass(frozen=True)
class Direction:
    """Direction of travel in the image: ``sign`` +1 left to right, -1 right to left."""

    sign: int
    method: str  # "hip travel" or "facing"
    hip_travel_legs: float  # net hip displacement over the clip, in leg lengths (signed)


def way_name(sign: int) -> str:
    """Name a direction: ``"left to right"`` for a direction sign of +1, ``"right to left"`` for -1."""
    return "left to right" if sign > 0 else "right to left"


def direction_of_travel(positions_px: np.ndarray) -> Direction:
    """Decide once per clip which way the athlete runs.

    From the hips' net horizontal travel when they travel at least one leg length; otherwise (a
    treadmill, or a camera following the athlete) from which way the body faces over the whole
    clip: nose ahead of the ears, toes ahead of the heels (medians, so a frame or a late-swing
    foot cannot flip it).
    """
    hips = hip_centre_x(positions_px)
    good = np.flatnonzero(np.isfinite(hips))
    leg = leg_length_px(positions_px)
    travel = float(np.median(hips[good[-5:]]) - np.median(hips[good[:5]])) if good.size >= 2 else 0.0
    travel_legs = travel / leg if np.isfinite(leg) and leg > 0 else 0.0
    if abs(travel_legs) >= 1.0:
        return Direction(1 if travel > 0 else -1, "hip travel", travel_legs)
    ears = (positions_px[:, L.LEFT_EAR, 0] + positions_px[:, L.RIGHT_EAR, 0]) / 2
    leads = [positions_px[:, L.NOSE, 0] - ears]
    for side in ("LEFT", "RIGHT"):
        leads.append(positions_px[:, L[f"{side}_FOOT_INDEX"], 0] - positions_px[:, L[f"{side}_HEEL"], 0])
    # a part never seen in the clip (the feet out of frame, the ears hidden) has no vote
    score = float(sum(np.sign(np.nanmedian(lead)) for lead in leads if not np.isnan(lead).all()))
    if score == 0:
        score = travel
    return Direction(1 if score >= 0 else -1, "facing", travel_legs)


def travel_by_frame(positions_px: np.ndarray, t_s: np.ndarray, overall: int, half_window_s: float = 0.5) -> np.ndarray:
    """Return the direction of travel around each frame (T,) of +1/-1, for clips where it changes.

    Where the hips cross the image faster than half a leg length a second (mean over
    ``half_window_s`` either side), the way they go; elsewhere (a treadmill, a camera following
    the athlete, standing) ``overall``.  Travel, not facing: an athlete may walk backwards (the
    real walking clip's second pass does).

    Parameters
    ----------
    positions_px : ndarray (T, 33, 2)
        Landmarks (px).
    t_s : ndarray (T,)
        Time of each frame (s).
    overall : int
        The value where the hips do not travel fast enough: the clip's direction (+1 left to
        right, -1 right to left), or 0 for none.
    half_window_s : float
        Half the length of the window (s) over which the hips' speed is measured.

    Returns
    -------
    ndarray (T,) of int
        +1 or -1 where the hips travel that way, ``overall`` elsewhere (everywhere when the leg
        length cannot be measured).
    """
    hips = hip_centre_x(positions_px)
    leg = leg_length_px(positions_px)
    out = np.full(len(t_s), int(overall))
    if not np.isfinite(leg) or leg <= 0:
        return out
    lo = np.searchsorted(t_s, t_s - half_window_s, side="left")
    hi = np.searchsorted(t_s, t_s + half_window_s, side="right") - 1
    for i in range(len(t_s)):
        a, b = lo[i], hi[i]
        window = np.flatnonzero(np.isfinite(hips[a:b + 1]))
        if window.size < 2:
            continue
        first, last = a + window[0], a + window[-1]
        if t_s[last] - t_s[first] <= 0:
            continue
        speed = (hips[last] - hips[first]) / (t_s[last] - t_s[first])
        if abs(speed) > 0.5 * leg:
            out[i] = 1 if speed > 0 else -1
    return out


@dataclass(frozen=True)
class Pass:
    """A stretch of a clip in which the athlete crosses the image one way.

    ``start``/``stop`` are track rows (``stop`` one past the last); ``sign`` +1 left to right;
    ``travel_legs`` the net hip travel and ``speed_legs_s`` its mean speed, in leg lengths.
    """

    start: int
    stop: int
    sign: int
    start_s: float
    end_s: float
    travel_legs: float
    speed_legs_s: float


def passes_of_travel(positions_px: np.ndarray, t_s: np.ndarray, min_travel_legs: float = 1.0) -> list[Pass]:
    """Find the clip's passes across the image, in time order: more than one when the athlete turns.

    A pass is a stretch in which the hips travel one way (:func:`travel_by_frame`, with pauses
    under a second in which they stand or turn left out) and cover at least ``min_travel_legs``.
    A sprint filmed with the walk back, or a walk out and back, has two; a treadmill run or a
    single sprint across has at most one.

    Parameters
    ----------
    positions_px : ndarray (T, 33, 2)
        Landmarks (px).
    t_s : ndarray (T,)
        Time of each frame (s).
    min_travel_legs : float
        Net hip travel, in leg lengths, that a pass covers at least.

    Returns
    -------
    list of Pass
        The passes; empty when the leg length cannot be measured or the clip has fewer than two
        frames.
    """
    hips = hip_centre_x(positions_px)
    leg = leg_length_px(positions_px)
    if not np.isfinite(leg) or leg <= 0 or len(t_s) < 2:
        return []

    def measured(start: int, stop: int, sign: int) -> Pass | None:
        seen = start + np.flatnonzero(np.isfinite(hips[start:stop]))
        if seen.size < 2 or t_s[seen[-1]] <= t_s[seen[0]]:
            return None
        travel = float(hips[seen[-1]] - hips[seen[0]]) / leg
        if abs(travel) < min_travel_legs or np.sign(travel) != sign:
            return None
        return Pass(start, stop, sign, float(t_s[start]), float(t_s[stop - 1]), abs(travel),
                    abs(travel) / float(t_s[seen[-1]] - t_s[seen[0]]))

    way = travel_by_frame(positions_px, t_s, 0)
    runs = sorted((a, b, sign) for sign in (1, -1) for a, b in nan_runs(way != sign))
    joined: list[tuple[int, int, int]] = []
    for a, b, sign in runs:
        if measured(a, b, sign) is None:
            continue
        if joined and joined[-1][2] == sign:  # a pause or a stumble inside one pass is not a turn
            joined[-1] = (joined[-1][0], b, sign)
        else:
            joined.append((a, b, sign))
    return [p for p in (measured(*run) for run in joined) if p is not None]


def near_leg(track: PoseTrack) -> str | None:
    """Tell which leg is nearer the camera over the clip (``"left"``/``"right"``), None if unclear.

    In a side view the near leg's points are rated more visible and lie at smaller depth.
    Medians over the clip of knee, ankle, heel and toe; visibility decides, depth breaks ties.
    """
    parts = ("KNEE", "ANKLE", "HEEL", "FOOT_INDEX")
    score = {}
    for side in SIDES:
        idx = [L[f"{side.upper()}_{p}"] for p in parts]
        vis = track.visibility[:, idx]
        depth = track.depth_px[:, idx]
        score[side] = (float(np.nanmedian(vis)) if np.isfinite(vis).any() else 0.0,
                       -float(np.nanmedian(depth)) if np.isfinite(depth).any() else 0.0)
    (lv, ld), (rv, rd) = score["left"], score["right"]
    if abs(lv - rv) >= 0.05:
        return "left" if lv > rv else "right"
    if abs(ld - rd) > 1e-6:
        return "left" if ld > rd else "right"
    return None
