"""Events: direction of travel, foot contacts (touchdown, toe-off), gait, block-start events.

Pure functions on pose tracks (pixels).  Contacts are timed on the *timing* version of a cleaned
track (only lightly low-pass filtered): smoothing spreads a touchdown over several frames.

Foot contacts (../shared/DESIGN.md section 5)
---------------------------------------------
1. A ground line is fitted through the lower envelope of each foot point (heel, toe) of each
   foot: the ground as seen at that foot's depth, tilted if the camera is.
2. A foot's height is its lowest point's height above that line; its speed is compared with the
   ground's own image speed, which is 0 for a static camera overground, the belt's speed on a
   treadmill, or the pan speed of a following camera (estimated from the feet that are down,
   for each foot at its own depth: :func:`parallax_factor`).
3. Contact: low *and* moving with the ground (a few frames in which a low foot reads as sliding
   do not end it).  Each stretch of contact is extended to the
   frames where the foot is still within the height band, and its ends are timed between frames
   where the interpolated height crosses the stance level (sub-frame timing).  A discrete
   reading counts a contact from the first to the last frame that shows it, which reads long by
   about a frame; interpolating the crossing removes that bias (``frame_bias_corrected``).
4. Every time carries an uncertainty of at least one frame period.

A clip in which the feet overlap in contact (double support) and never both leave the ground is
walking: no flight times are invented for it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import Enum

import numpy as np
from .kinematics import sprint_angles
from .landmarks import Landmark as L
from .landmarks import hip_centre_x
from .signal import (
    central_difference,
    derivative,
    nan_mean,
    nan_min,
    nan_runs,
)
from .track import PoseTrack

log = logging.getLogger(__name__)

SIDES = ("left", "right")
_POINTS = {"heel": "HEEL", "toe": "FOOT_INDEX"}


# -- body scale and direction ----------------------------------------------------------------------

def leg_length_px(positions_px: np.ndarray) -> float:
    """Median hip-knee-ankle length of the legs over the clip (px); NaN if never seen."""
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
    """``"left to right"`` for a direction sign of +1, ``"right to left"`` for -1."""
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
    votes = [np.nanmedian(positions_px[:, L.NOSE, 0] - ears)]
    for side in ("LEFT", "RIGHT"):
        votes.append(np.nanmedian(positions_px[:, L[f"{side}_FOOT_INDEX"], 0] - positions_px[:, L[f"{side}_HEEL"], 0]))
    score = float(np.nansum(np.sign(votes)))
    if score == 0:
        score = travel
    return Direction(1 if score >= 0 else -1, "facing", travel_legs)


def travel_by_frame(positions_px: np.ndarray, t_s: np.ndarray, overall: int, half_window_s: float = 0.5) -> np.ndarray:
    """Direction of travel around each frame (T,) of +1/-1, for clips where it changes.

    Where the hips cross the image faster than half a leg length a second (mean over
    ``half_window_s`` either side), the way they go; elsewhere (a treadmill, a camera following
    the athlete, standing) ``overall``.  Travel, not facing: an athlete may walk backwards (the
    real walking clip's second pass does).
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
    """The clip's passes across the image, in time order: more than one when the athlete turns.

    A pass is a stretch in which the hips travel one way (:func:`travel_by_frame`, with pauses
    under a second in which they stand or turn left out) and cover at least ``min_travel_legs``.
    A sprint filmed with the walk back, or a walk out and back, has two; a treadmill run or a
    single sprint across has at most one.
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
    """Which leg is nearer the camera over the clip (``"left"``/``"right"``), None if unclear.

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


# -- ground and foot signals -------------------------------------------------------------------------

@dataclass(frozen=True)
class GroundLine:
    """Image ground line ``y = slope * x + intercept`` (px) seen by one foot point."""

    slope: float
    intercept: float

    def y_at(self, x: np.ndarray) -> np.ndarray:
        return self.slope * x + self.intercept


def fit_ground_line(x: np.ndarray, y: np.ndarray, leg_px: float, percentile: float = 90.0) -> GroundLine | None:
    """Line through the lower envelope (largest image y) of a foot point's positions.

    The positions are binned along x (half a leg length per bin); each bin with enough samples
    gives its ``percentile``-th y; a weighted least-squares line goes through those.  A narrow
    x range (a treadmill) gives a level line.  None when there are too few positions.
    """
    good = np.isfinite(x) & np.isfinite(y)
    if good.sum() < 8:
        return None
    x, y = x[good], y[good]
    width = max(leg_px / 2.0, 1.0)
    edges = np.arange(x.min(), x.max() + width, width)
    centres, levels, weights = [], [], []
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (x >= lo) & (x < hi)
        if inside.sum() >= 6:
            centres.append(float(np.median(x[inside])))
            levels.append(float(np.percentile(y[inside], percentile)))
            weights.append(float(inside.sum()))
    if len(centres) < 2 or (max(centres) - min(centres)) < leg_px:
        return GroundLine(0.0, float(np.percentile(y, percentile)))
    slope, intercept = np.polyfit(centres, levels, 1, w=np.sqrt(weights))
    return GroundLine(float(slope), float(intercept))


@dataclass(frozen=True)
class FootPoint:
    """One foot point (heel or toe) through the clip: all (T,), pixels and seconds."""

    x_px: np.ndarray
    y_px: np.ndarray
    height_px: np.ndarray  # above this point's own ground line (y up)
    vx_px_s: np.ndarray  # horizontal speed, smoothed derivative (for contact decisions)
    vx_sharp_px_s: np.ndarray  # horizontal speed for the ground's speed (see foot_signals)
    vy_sharp_px_s: np.ndarray  # vertical speed, likewise
    ground: GroundLine | None


@dataclass(frozen=True)
class FootSignals:
    """Heel and toe of both feet, and the body scale, for finding contacts."""

    points: dict[str, dict[str, FootPoint]]  # side -> "heel"/"toe" -> signals
    centre_vx_px_s: dict[str, np.ndarray]  # side -> smoothed speed of the foot's centre (mean of heel and toe)
    leg_px: float

    def height_px(self, side: str) -> np.ndarray:
        """Height of the foot's lowest point (T,)."""
        return nan_min(np.stack([p.height_px for p in self.points[side].values()]))

    def x_px(self, side: str) -> np.ndarray:
        """Horizontal position of the foot: mean of heel and toe (T,)."""
        return nan_mean(np.stack([p.x_px for p in self.points[side].values()]))


#: Below this frame rate (frames/s) the smoothing derivative's window (5 frames) spans most of a
#: sprint contact and lends planted feet swing speed, so the ground's speed is read from central
#: differences; above it the smoothing derivative is unbiased and much less noisy (MediaPipe's
#: feet at 120 fps: central differences scatter by +/-500 px/s).
UNSMEARED_BELOW_FPS = 90.0


def foot_signals(track: PoseTrack, config: ContactConfig | None = None, direction: int | None = None) -> FootSignals:
    """Heights above the ground and horizontal speeds of both feet's heels and toes.

    The ground line of each point is fitted twice: first through the lower envelope of all its
    positions, then through its *planted* positions only (low and moving with the ground), which
    a runner crossing a static frame needs: most of the frame's width sees each foot only in
    the air, so the lower envelope there lies above the ground.
    """
    config = config or ContactConfig()
    P = track.positions_px
    leg = leg_length_px(P)
    direction = direction if direction in (1, -1) else direction_of_travel(P).sign
    travel = travel_by_frame(P, track.t_s, direction)

    def build(lines: dict[str, dict[str, GroundLine | None]]) -> FootSignals:
        points: dict[str, dict[str, FootPoint]] = {}
        for side in SIDES:
            points[side] = {}
            for name, part in _POINTS.items():
                xy = P[:, L[f"{side.upper()}_{part}"]]
                line = lines[side][name]
                height = line.y_at(xy[:, 0]) - xy[:, 1] if line else np.full(len(xy), np.nan)
                vx = derivative(xy[:, 0], track.t_s, track.fps)
                if track.fps < UNSMEARED_BELOW_FPS:
                    vx_ground = central_difference(xy[:, 0], track.t_s)
                    vy_ground = central_difference(xy[:, 1], track.t_s)
                else:
                    vx_ground, vy_ground = vx, derivative(xy[:, 1], track.t_s, track.fps)
                points[side][name] = FootPoint(xy[:, 0], xy[:, 1], height, vx, vx_ground, vy_ground, line)
        centre = {side: derivative(nan_mean(np.stack([p.x_px for p in points[side].values()])), track.t_s, track.fps)
                  for side in SIDES}
        return FootSignals(points, centre, leg)

    first = build({side: {name: fit_ground_line(P[:, L[f"{side.upper()}_{part}"], 0],
                                                P[:, L[f"{side.upper()}_{part}"], 1], leg)
                          for name, part in _POINTS.items()} for side in SIDES})
    if not np.isfinite(leg) or leg <= 0:
        return first
    band = height_band_px(first, config)
    motion = ground_motion(first, band, track.t_s, config.slip_legs_per_s * leg, travel)
    refitted: dict[str, dict[str, GroundLine | None]] = {}
    for side in SIDES:
        refitted[side] = {}
        for name, point in first.points[side].items():
            with np.errstate(invalid="ignore"):
                planted = (point.height_px < band) & (np.abs(point.vx_px_s - motion.speed_px_s) < motion.slip_px_s)
            line = fit_planted_line(point.x_px[planted], point.y_px[planted], leg)
            refitted[side][name] = line or point.ground
    return build(refitted)


def fit_planted_line(x: np.ndarray, y: np.ndarray, leg_px: float) -> GroundLine | None:
    """Least-squares line through planted positions (median level if they span less than a leg)."""
    good = np.isfinite(x) & np.isfinite(y)
    if good.sum() < 6:
        return None
    x, y = x[good], y[good]
    if np.ptp(x) < leg_px:
        return GroundLine(0.0, float(np.median(y)))
    slope, intercept = np.polyfit(x, y, 1)
    residual = y - (slope * x + intercept)
    keep = np.abs(residual) <= 3 * 1.4826 * np.median(np.abs(residual)) + 1e-9
    if keep.sum() >= 6:
        slope, intercept = np.polyfit(x[keep], y[keep], 1)
    return GroundLine(float(slope), float(intercept))


# -- contacts ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ContactConfig:
    """Options of :func:`find_contacts` (lengths in leg lengths, times in seconds).

    Attributes
    ----------
    height_band_legs : float, optional
        A foot lower than this above its ground line may be in contact; from the data (three
        robust standard deviations of the stance heights) when None, within the bounds below.
    min_band_legs, max_band_legs : float
        Bounds of the height band chosen from the data.
    slip_legs_per_s : float
        A foot in contact moves with the ground to within this speed (or more, when the clip's
        own speed noise is larger: see :func:`ground_motion`).
    min_contact_s : float
        Shorter contacts are noise (also at least two frames).
    merge_gap_s : float
        Two contacts of one foot this close are one (also at most one frame apart).
    low_gap_s : float
        ... and so are two this close between which the foot stays low: a pose model that
        slides a planted foot sideways for a few frames does not end its contact.
    """

    height_band_legs: float | None = None
    min_band_legs: float = 0.03
    max_band_legs: float = 0.12
    slip_legs_per_s: float = 1.5
    min_contact_s: float = 0.04
    merge_gap_s: float = 0.02
    low_gap_s: float = 0.04


@dataclass(frozen=True)
class Contact:
    """One foot on the ground, from touchdown to toe-off.

    Attributes
    ----------
    foot : str
        ``"left"`` or ``"right"`` as labelled in the (cleaned) track.
    touchdown_s, toeoff_s : float
        Times (s), interpolated between frames.
    first_frame, last_frame : int
        Track indices of the first and last frames that show the foot down.
    uncertainty_s : float
        Uncertainty of each of the two times (s): at least one frame period.
    x_px, y_px : float
        Contact point: the foot's median position while down (px).
    starts_in_clip, ends_in_clip : bool
        False when the clip cuts the contact (its touchdown or toe-off was not filmed).
    """

    foot: str
    touchdown_s: float
    toeoff_s: float
    first_frame: int
    last_frame: int
    uncertainty_s: float
    x_px: float
    y_px: float
    starts_in_clip: bool = True
    ends_in_clip: bool = True

    @property
    def contact_s(self) -> float:
        """Contact time (s)."""
        return self.toeoff_s - self.touchdown_s

    @property
    def complete(self) -> bool:
        """Both touchdown and toe-off were filmed."""
        return self.starts_in_clip and self.ends_in_clip



@dataclass(frozen=True)
class GroundMotion:
    """How the ground moves in the image, and how steady a planted foot reads.

    Attributes
    ----------
    speed_px_s : ndarray (T,)
        Image speed of the ground as the smoothed foot speeds see it: the reference for contact
        decisions, which compare smoothed speeds (any smear of the smoothing cancels).
    true_speed_px_s : ndarray (T,)
        Image speed of the ground from unsmoothed speeds: for distances and the athlete's speed.
    slip_px_s : float
        A planted foot point moves with the ground to within this (smoothed) speed.
    side_factor : dict of str to float
        Image speed of the ground under each foot relative to ``speed_px_s`` (:func:`parallax_factor`):
        the near foot is planted closer to the camera, so a moving ground (a panning camera, a
        treadmill belt) crosses the image faster under it.  1 for a still ground.
    """

    speed_px_s: np.ndarray
    true_speed_px_s: np.ndarray
    slip_px_s: float
    side_factor: dict[str, float] = field(default_factory=lambda: {side: 1.0 for side in SIDES})

    def speed_under(self, side: str) -> np.ndarray:
        """Image speed of the ground under one foot (T,), for contact decisions (px/s)."""
        return self.side_factor.get(side, 1.0) * self.speed_px_s


def _ground_speed(times: np.ndarray, speeds: np.ndarray, t_s: np.ndarray, width: float,
                  direction: np.ndarray) -> np.ndarray:
    """Running speed of the planted cluster of sample speeds within :data:`GROUND_WINDOW_S` of
    each frame (a step or more: a planted foot in every window at any running speed; short
    enough to follow a camera that starts panning, which in a longer window reads the ground
    at the speed of the next contact's).

    A foot is never carried backwards faster than the ground: planted points are the rearmost
    cluster of speeds in the direction of travel; low feet still swinging in or just lifting
    off move forwards of it (on the rendered clips half the low, vertically still samples did,
    by 1200-1800 px/s).  The seed is the :data:`PLANTED_PERCENTILE` th percentile of the
    direction-signed speeds, refined by the median of the samples within ``width`` of it.
    ``direction`` is the direction of travel per frame (T,): it may change.
    """
    n = len(t_s)
    estimate = np.full(n, np.nan)
    lo = np.searchsorted(times, t_s - GROUND_WINDOW_S, side="left")
    hi = np.searchsorted(times, t_s + GROUND_WINDOW_S, side="right")
    for i in range(n):
        window = direction[i] * speeds[lo[i]:hi[i]]
        if window.size >= 3:
            estimate[i] = direction[i] * _planted_centre(window, width)
    good = np.isfinite(estimate)
    if good.any():
        return np.interp(t_s, t_s[good], estimate[good])
    return np.zeros(n)


#: Percentile of the direction-signed speeds of low foot points that seeds the planted cluster.
PLANTED_PERCENTILE = 15.0


def _planted_centre(signed: np.ndarray, width: float) -> float:
    """Centre of the rearmost cluster of direction-signed speeds (see :func:`_ground_speed`)."""
    seed = float(np.percentile(signed, PLANTED_PERCENTILE))
    for _ in range(2):
        near = signed[np.abs(signed - seed) <= width]
        if near.size == 0:
            break
        seed = float(np.median(near))
    return seed


#: Half-width of the time window for the ground's speed (s).  On the rendered block start, whose
#: camera starts to follow the athlete after the first movement, 0.4 s read step lengths 5 %
#: long (truth landmarks), 0.2 s 3 %.
GROUND_WINDOW_S = 0.2


def ground_motion(signals: FootSignals, band_px: float, t_s: np.ndarray, min_slip_px_s: float,
                  direction: int | np.ndarray = 1) -> GroundMotion:
    """Image speed of the ground under the athlete, from the foot points that are down.

    0 for a static camera overground, the belt on a treadmill, minus the pan speed for a camera
    that follows.  The speeds of the heels and toes below the height band and hardly moving up
    or down form a tight cluster (planted points) and, forwards of it, a spread (points still
    swinging in low, or lifting off), within :data:`GROUND_WINDOW_S` either side of each frame
    (:func:`_ground_speed`).  ``direction``: +1/-1 for the clip, or the direction of travel per
    frame (:func:`travel_by_frame`) when it may change.  Done twice: on the smoothed speeds (the reference for contact
    decisions) and on the speeds for distances (central differences below
    :data:`UNSMEARED_BELOW_FPS`, see :func:`foot_signals`).  The slip allowance is the larger
    of ``min_slip_px_s`` and three robust standard deviations of the planted points' smoothed
    speeds about the ground speed.
    """
    n = len(t_s)
    sample_t, sample_smooth, sample_sharp = [], [], []
    for side in SIDES:
        for point in signals.points[side].values():
            with np.errstate(invalid="ignore"):
                # planted: low, and not moving up or down (a foot swinging in low still descends)
                low = ((point.height_px < band_px) & (np.abs(point.vy_sharp_px_s) < min_slip_px_s)
                       & np.isfinite(point.vx_px_s) & np.isfinite(point.vx_sharp_px_s))
            sample_t.append(t_s[low])
            sample_smooth.append(point.vx_px_s[low])
            sample_sharp.append(point.vx_sharp_px_s[low])
    sides = np.concatenate([np.full(len(v), k) for k, v in enumerate(sample_t)]) // len(_POINTS)
    times, smooth, sharp = np.concatenate(sample_t), np.concatenate(sample_smooth), np.concatenate(sample_sharp)
    order = np.argsort(times, kind="stable")
    times, smooth, sharp, sides = times[order], smooth[order], sharp[order], sides[order]
    if smooth.size < 3:
        return GroundMotion(np.zeros(n), np.zeros(n), float(min_slip_px_s))
    travel = np.broadcast_to(np.asarray(direction), (n,))
    speed = _ground_speed(times, smooth, t_s, min_slip_px_s, travel)
    true_speed = _ground_speed(times, sharp, t_s, min_slip_px_s, travel)
    factor = {}
    for k, side in enumerate(SIDES):
        own = sides == k
        side_speed = (_ground_speed(times[own], smooth[own], t_s, min_slip_px_s, travel) if own.sum() >= 3
                      else np.full(n, np.nan))
        factor[side] = parallax_factor(side_speed, speed, min_slip_px_s)
    at_samples = np.interp(times, t_s, speed)
    deviation = smooth - at_samples * np.where(sides == 0, factor["left"], factor["right"])
    near = np.abs(deviation) < 2 * min_slip_px_s
    sigma = 1.4826 * float(np.median(np.abs(deviation[near]))) if near.sum() >= 5 else 0.0
    # the running line lies midway between the feet: its ground speed is the mean of theirs
    true_speed = true_speed * (factor["left"] + factor["right"]) / 2.0
    return GroundMotion(speed, true_speed, float(max(min_slip_px_s, 3.0 * sigma)), factor)


#: Bounds of :func:`parallax_factor`: feet at depths within about 15 % of each other.
MAX_PARALLAX = 0.15


def parallax_factor(side_px_s: np.ndarray, ground_px_s: np.ndarray, slip_px_s: float) -> float:
    """How much faster (> 1) or slower the ground moves in the image under one foot than ``ground_px_s``.

    A camera that pans with the athlete (or a treadmill belt) moves the ground across the image
    at a speed inversely proportional to its depth, so the near foot, planted closer to the
    camera, is carried faster than the far one: on the rendered sample clips (camera 7 m from
    the running line, feet 0.17 m either side of it) by 5 %, about 100 px/s.  ``side_px_s`` is
    the ground's speed (T,) found from one foot's planted samples alone, ``ground_px_s`` (T,)
    from both feet's, the same way (:func:`_ground_speed`); the factor is the median of their
    ratio over the frames where the ground moves faster than twice ``slip_px_s``, within
    1 +/- :data:`MAX_PARALLAX`; 1 when it never does (a still camera overground), where a ratio
    means nothing.
    """
    side, ground = np.asarray(side_px_s, dtype=np.float64), np.asarray(ground_px_s, dtype=np.float64)
    moving = np.isfinite(side) & np.isfinite(ground) & (np.abs(ground) > 2.0 * slip_px_s)
    if moving.sum() < 5:
        return 1.0
    ratio = float(np.median(side[moving] / ground[moving]))
    return float(np.clip(ratio, 1.0 - MAX_PARALLAX, 1.0 + MAX_PARALLAX))


def height_band_px(signals: FootSignals, config: ContactConfig) -> float:
    """Height (px) below which a foot may be down: from the noise of the stance heights."""
    leg = signals.leg_px
    if config.height_band_legs is not None:
        return config.height_band_legs * leg
    heights = np.concatenate([signals.height_px(s) for s in SIDES])
    heights = heights[np.isfinite(heights)]
    if heights.size < 10:
        return config.max_band_legs * leg
    lower = heights[heights < config.max_band_legs * leg]
    if lower.size < 5:
        return config.max_band_legs * leg
    sigma = 1.4826 * np.median(np.abs(lower - np.median(lower)))
    return float(np.clip(np.median(lower) + 3.0 * sigma, config.min_band_legs * leg, config.max_band_legs * leg))


def _crossing(t0: float, h0: float, t1: float, h1: float, level: float) -> float:
    """Time where the line from (t0, h0) to (t1, h1) reaches ``level`` (clipped to the interval)."""
    if not (np.isfinite(h0) and np.isfinite(h1)) or h0 == h1:
        return t1 if abs(h1 - level) < abs(h0 - level) else t0
    return float(np.clip(t0 + (level - h0) / (h1 - h0) * (t1 - t0), min(t0, t1), max(t0, t1)))


@dataclass(frozen=True)
class _FootDistance:
    """How far a foot is from being in contact, per frame: at most 1 means in contact."""

    distance: np.ndarray  # (T,) max(height / level scale, slip / allowance)
    height_bound: np.ndarray  # (T,) bool: the height (not the slip) decides that frame's distance
    height: np.ndarray  # (T,) lowest point's height (px)
    slip: np.ndarray  # (T,) slip ratio: the stillest of heel, toe and centre, over the allowance
    spread: float  # robust SD of the stance heights of this foot (px)
    leg: float


def _foot_distance(signals: FootSignals, side: str, ground_v: np.ndarray, slip: float,
                   candidates: list[tuple[int, int]]) -> _FootDistance:
    """Per-frame height and slip of one foot, and the spread of its stance heights.

    Height: of the foot's lowest point above its ground line.  Slip: the stillest of heel, toe
    and the foot's centre relative to the ground, over the allowance; the heel at a heel
    strike, the whole foot flat, the toe at push-off (when the heel rises and the foot's centre
    moves while the toe is still planted); the centre, an average of two points, is the least
    noisy while the foot is flat.  The spread is pooled over the foot's candidate contacts.
    """
    height = signals.height_px(side)
    stance = [height[a:b] - np.nanmedian(height[a:b]) for a, b in candidates if np.isfinite(height[a:b]).any()]
    pooled = np.concatenate(stance) if stance else np.empty(0)
    pooled = pooled[np.isfinite(pooled)]
    spread = 1.4826 * float(np.median(np.abs(pooled))) if pooled.size else 0.0
    speeds = [p.vx_px_s for p in signals.points[side].values()] + [signals.centre_vx_px_s[side]]
    ratios = np.stack([np.abs(v - ground_v) / slip for v in speeds])
    finite = np.isfinite(ratios)
    slip_ratio = np.where(finite.any(axis=0), np.min(np.where(finite, ratios, np.inf), axis=0), np.nan)
    return _FootDistance(np.full(len(height), np.nan), np.zeros(len(height), bool), height, slip_ratio,
                         spread, signals.leg_px)


def _extrapolated(t: np.ndarray, h: np.ndarray, frames: range, level: float, near: float, fallback: float,
                  period: float) -> float:
    """Where a straight line through the foot's height over ``frames`` reaches ``level``.

    Used at the ends of a contact at high frame rates: the last frames before touchdown (or
    first after toe-off) show the foot approaching (leaving) the ground; the line through them
    meets the ground level where the foot touches (leaves) it.  Reading the crossing of a noise
    level above the ground instead times a touchdown early and a toe-off late by the time the
    foot spends in that band (the "one frame long at each end" bias of video contacts).
    Returns ``fallback`` when the line is not clearly moving towards the ground, or lands more
    than a frame from ``near``.
    """
    idx = [k for k in frames if 0 <= k < len(h) and np.isfinite(h[k])]
    if len(idx) < 3:
        return fallback
    slope, intercept = np.polyfit(t[idx], h[idx], 1)
    if not np.isfinite(slope) or abs(slope) < 1e-9:
        return fallback
    when = (level - intercept) / slope
    if not np.isfinite(when) or abs(when - near) > period:
        return fallback
    return float(when)


def _time_contact(side: str, a: int, b: int, foot: _FootDistance, t: np.ndarray, fps: float) -> Contact | None:
    """Time one candidate contact (frames a..b-1 are low and moving with the ground).

    The foot's distance from contact at each frame is the larger of its height over the stance
    level and its slip ratio, so 1 means "at the limit".  The stance level is the median height of
    the candidate frames plus the foot's stance spread (at least 1 % of a leg length).  The
    contact is the stretch around the candidate where that distance is at most 1, and its ends
    are where it crosses 1, interpolated between frames.  Where the height decides an end and
    the frame rate leaves several frames of approach (>= :data:`REFINE_MIN_FPS`), the end is
    refined by extrapolating the approach to the stance level (:func:`_extrapolated`).
    """
    h, leg = foot.height, foot.leg
    n = len(h)
    stance = h[a:b]
    if not np.isfinite(stance).any():
        return None
    centre = float(np.nanmedian(stance))
    level = centre + max(foot.spread, 0.01 * leg)
    scale = max(level, 0.01 * leg)
    height_ratio = h / scale
    slip_ratio = np.nan_to_num(foot.slip, nan=0.0)
    d = np.maximum(height_ratio, slip_ratio)
    inside = np.flatnonzero(d[a:b] <= 1.0)
    if inside.size == 0:
        return None
    first, last = a + int(inside[0]), a + int(inside[-1])
    while first > 0 and d[first - 1] <= 1.0:
        first -= 1
    while last + 1 < n and d[last + 1] <= 1.0:
        last += 1
    starts = first > 0 and np.isfinite(d[first - 1]) and np.isfinite(h[first - 1])
    ends = last + 1 < n and np.isfinite(d[last + 1]) and np.isfinite(h[last + 1])
    period = 1.0 / fps
    touchdown = _crossing(t[first - 1], d[first - 1], t[first], d[first], 1.0) if starts else float(t[first])
    toeoff = _crossing(t[last], d[last], t[last + 1], d[last + 1], 1.0) if ends else float(t[last])
    if fps >= REFINE_MIN_FPS:
        span = max(3, int(round(REFINE_WINDOW_S * fps)))
        if starts and height_ratio[first - 1] >= slip_ratio[first - 1]:
            touchdown = _extrapolated(t, h, range(first - span, first), centre, touchdown, touchdown, period)
        if ends and height_ratio[last + 1] >= slip_ratio[last + 1]:
            toeoff = _extrapolated(t, h, range(last + 1, last + 1 + span), centre, toeoff, toeoff, period)
    return Contact(foot=side, touchdown_s=touchdown, toeoff_s=toeoff, first_frame=first, last_frame=last,
                   uncertainty_s=period, x_px=float("nan"), y_px=float("nan"),
                   starts_in_clip=bool(starts), ends_in_clip=bool(ends))


#: From this frame rate (frames/s) up, contact ends decided by height are refined by extrapolation.
REFINE_MIN_FPS = 90.0
#: Length of the approach (departure) used for that extrapolation (s).
REFINE_WINDOW_S = 0.02


def find_contacts(track: PoseTrack, config: ContactConfig | None = None,
                  signals: FootSignals | None = None, direction: int | None = None) -> list[Contact]:
    """Every contact of both feet, sorted by touchdown (see the module docstring).

    ``direction`` (+1 left to right) is decided from the track when not given.
    """
    config = config or ContactConfig()
    direction = direction if direction in (1, -1) else direction_of_travel(track.positions_px).sign
    signals = signals or foot_signals(track, config, direction)
    t, fps = track.t_s, track.fps
    n = len(t)
    leg = signals.leg_px
    if not np.isfinite(leg) or leg <= 0 or n < 3:
        return []
    band = height_band_px(signals, config)
    motion = ground_motion(signals, band, t, config.slip_legs_per_s * leg,
                           travel_by_frame(track.positions_px, t, direction))
    slip = motion.slip_px_s
    min_frames = max(2, int(np.ceil(config.min_contact_s * fps)))
    merge_frames = max(1, int(np.floor(config.merge_gap_s * fps)))
    low_frames = max(merge_frames, int(np.floor(config.low_gap_s * fps)))
    contacts: list[Contact] = []
    for side in SIDES:
        ground_v = motion.speed_under(side)
        core = np.zeros(n, dtype=bool)
        for point in signals.points[side].values():
            with np.errstate(invalid="ignore"):
                core |= (point.height_px < band) & (np.abs(point.vx_px_s - ground_v) < slip)
        with np.errstate(invalid="ignore"):
            low = signals.height_px(side) < band
        merged: list[tuple[int, int]] = []
        for a, b in nan_runs(~core):  # runs of True in core
            gap = a - merged[-1][1] if merged else n
            if gap <= merge_frames or (gap <= low_frames and low[merged[-1][1]:a].all()):
                merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        foot = _foot_distance(signals, side, ground_v, slip, merged)
        x_foot = signals.x_px(side)
        line = signals.points[side]["toe"].ground or signals.points[side]["heel"].ground
        for a, b in merged:
            contact = _time_contact(side, a, b, foot, t, fps)
            if contact is None or contact.last_frame - contact.first_frame + 1 < min_frames:
                continue
            x = float(x_foot[contact.first_frame])
            y = float(line.y_at(np.array([x]))[0]) if line and np.isfinite(x) else float("nan")
            contacts.append(Contact(**{**contact.__dict__, "x_px": x, "y_px": y}))
    contacts.sort(key=lambda c: c.touchdown_s)
    contacts = merge_fragments(contacts)
    log.info("contacts: %d (height band %.1f px, slip %.0f px/s, leg %.0f px)", len(contacts), band, slip, leg)
    return contacts


def merge_fragments(contacts: list[Contact], max_gap_steps: float = 0.5) -> list[Contact]:
    """Join contacts of one foot broken by a brief lift of the signal.

    Two successive contacts of the same foot with no contact of the other foot between them
    are one contact when the gap between them is shorter than ``max_gap_steps`` of the clip's
    median step time (touchdown to next touchdown of the other foot).
    """
    if len(contacts) < 3:
        return contacts
    steps = [b.touchdown_s - a.touchdown_s for a, b in zip(contacts, contacts[1:]) if a.foot != b.foot]
    if not steps:
        return contacts
    max_gap = max_gap_steps * float(np.median(steps))
    out = [contacts[0]]
    for c in contacts[1:]:
        prev = out[-1]
        if c.foot == prev.foot and c.touchdown_s - prev.toeoff_s < max_gap:
            out[-1] = Contact(
                foot=prev.foot, touchdown_s=prev.touchdown_s, toeoff_s=c.toeoff_s, first_frame=prev.first_frame,
                last_frame=c.last_frame, uncertainty_s=max(prev.uncertainty_s, c.uncertainty_s),
                x_px=float(np.nanmean([prev.x_px, c.x_px])), y_px=float(np.nanmean([prev.y_px, c.y_px])),
                starts_in_clip=prev.starts_in_clip, ends_in_clip=c.ends_in_clip)
        else:
            out.append(c)
    return out


# -- gait -------------------------------------------------------------------------------------------

class Gait(Enum):
    RUNNING = "running"
    WALKING = "walking"
    STANDING = "standing"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class GaitVerdict:
    """Running, walking, standing or unknown, and the evidence."""

    gait: Gait
    reason: str
    flight_fraction: float  # of the gaps between successive contacts, the share with both feet up
    duty_factor: float  # mean contact time / mean stride time, NaN if unknown
    details: dict[str, float] = field(default_factory=dict)


def classify_gait(contacts: list[Contact], duration_s: float) -> GaitVerdict:
    """Tell running (flight between contacts) from walking (double support, no flight)."""
    complete = [c for c in contacts if c.complete]
    per_foot = {s: [c for c in contacts if c.foot == s] for s in SIDES}
    if contacts and all(len(v) <= 1 for v in per_foot.values()):
        covered = sum(c.contact_s for c in contacts) / max(duration_s, 1e-9)
        if covered > 0.8 * len([v for v in per_foot.values() if v]):
            return GaitVerdict(Gait.STANDING, "the feet stay on the ground", 0.0, float("nan"))
    gaps = []
    for prev, nxt in zip(contacts, contacts[1:]):
        if prev.foot != nxt.foot and prev.ends_in_clip and nxt.starts_in_clip:
            gaps.append(nxt.touchdown_s - prev.toeoff_s)
    if len(gaps) < 2:
        return GaitVerdict(Gait.UNKNOWN, f"too few successive contacts ({len(contacts)} contacts)",
                           float("nan"), float("nan"))
    gaps_arr = np.array(gaps)
    flight_fraction = float(np.mean(gaps_arr > 0))
    stride_times = []
    for side in SIDES:
        tds = [c.touchdown_s for c in per_foot[side] if c.starts_in_clip]
        stride_times += list(np.diff(tds))
    duty = float(np.mean([c.contact_s for c in complete]) / np.mean(stride_times)) if complete and stride_times else float("nan")
    median_gap = float(np.median(gaps_arr))
    details = {"median_gap_s": median_gap, "n_gaps": float(len(gaps))}
    if flight_fraction >= 0.5 and median_gap > 0:
        return GaitVerdict(Gait.RUNNING, f"flight between {100 * flight_fraction:.0f}% of successive contacts",
                           flight_fraction, duty, details)
    return GaitVerdict(Gait.WALKING,
                       f"no flight phase: the feet overlap on the ground (double support, median "
                       f"{-1000 * median_gap:.0f} ms)", flight_fraction, duty, details)


# -- block start ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StartEvents:
    """Events of a block (or crouched) start, in seconds; NaN where not found.

    Attributes
    ----------
    set_position_s : float
        Start of the still hold in the set position.
    first_movement_s : float
        First rise of hip and shoulder motion above the noise of the hold.
    rear_exit_s, front_exit_s : float
        When the rear and front feet leave the blocks.
    rear_foot, front_foot : str
        Which labelled foot was behind and in front in the set position.
    set_frame : int
        Track index of a representative frame of the hold (its middle).
    uncertainty_s : float
        Of each time: at least one frame period.
    """

    set_position_s: float
    first_movement_s: float
    rear_exit_s: float
    front_exit_s: float
    rear_foot: str
    front_foot: str
    set_frame: int
    uncertainty_s: float

    @property
    def block_time_s(self) -> float:
        """First movement to front-foot exit (s)."""
        return self.front_exit_s - self.first_movement_s

    @property
    def rear_block_time_s(self) -> float:
        """First movement to rear-foot exit (s)."""
        return self.rear_exit_s - self.first_movement_s


def _torso_centre(positions_px: np.ndarray) -> np.ndarray:
    idx = [L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_SHOULDER, L.RIGHT_SHOULDER]
    return nan_mean(np.moveaxis(positions_px[:, idx], 1, 0))


def _departure(displacement: np.ndarray, t: np.ndarray, start: int, noise: float, threshold: float) -> float:
    """When a displacement from rest starts for good.

    The first frame after ``start`` above ``threshold`` that stays above it for three frames
    marks the movement; its onset is found by going back to the last frame within two noise
    deviations of rest and, from there, fitting the start of the movement.  Movement from rest
    grows like the square of the time since it began, so the square root of the displacement
    (above three noise deviations, up to the threshold crossing) is a straight line in time
    that reaches zero at the onset.  Without enough frames for that, the onset is where the
    displacement crossed two noise deviations (interpolated).  NaN when it never moves.
    """
    n = len(displacement)
    for k in range(start, n - 2):
        window = displacement[k:k + 3]
        if not (np.all(np.isfinite(window)) and np.all(window > threshold)):
            continue
        quiet = 2.0 * noise
        j = k
        while j > start and np.isfinite(displacement[j - 1]) and displacement[j - 1] > quiet:
            j -= 1
        if j == 0:
            return float(t[0])
        crossed = _crossing(t[j - 1], displacement[j - 1], t[j], displacement[j], quiet)
        rising = [m for m in range(j, k + 3) if displacement[m] > 3.0 * noise]
        if len(rising) >= 3:
            slope, intercept = np.polyfit(t[rising], np.sqrt(displacement[rising]), 1)
            if slope > 0:
                onset = -intercept / slope
                if t[j - 1] - 0.2 <= onset <= crossed:
                    return float(onset)
        return crossed
    return float("nan")


#: A foot has left its block once its toes have risen this many leg lengths (and five noise deviations).
EXIT_LEGS = 0.05
#: Least position noise assumed in the set position (leg lengths).
HOLD_NOISE_LEGS = 0.01
#: In the set position the torso stays within this many leg lengths of where it is held.
HOLD_RADIUS_LEGS = 0.05


#: The front foot leaves its block within this time of first movement (s): 0.3-0.45 s is usual.
EXIT_SEARCH_S = 0.6
#: After leaving its block a leg folds: its knee flexes by this much (deg) ...
EXIT_CLEAR_FOLD_DEG = 25.0
#: ... or at the very least this much ...
EXIT_FOLD_DEG = 10.0
#: ... within this time (s).
EXIT_FOLD_S = 0.1


def _full_extension(knee_flexion_deg: np.ndarray, t: np.ndarray, start: int, stop: int) -> float:
    """Time a leg leaves its block, between frames ``start`` and ``stop``.

    A leg leaves its block at full extension and then folds into the swing.  Among the minima
    of its knee flexion followed by a fold (a rise within :data:`EXIT_FOLD_S`), the deepest one
    followed by at least :data:`EXIT_CLEAR_FOLD_DEG`; failing that, the one with the largest
    fold of at least :data:`EXIT_FOLD_DEG`.  A hidden leg's knee angle can wobble by 10-20 deg
    before it moves, and later in the swing a small dip can precede a large fold, but the exit
    is the deepest extension.  Interpolated by a parabola; NaN when there is none.
    """
    n = len(t)
    candidates = []  # (knee flexion, fold, time)
    for k in range(max(start, 1), min(stop, n - 1)):
        here = knee_flexion_deg[k]
        if not (np.isfinite(here) and here <= knee_flexion_deg[k - 1] and here < knee_flexion_deg[k + 1]):
            continue
        later = knee_flexion_deg[k:int(np.searchsorted(t, t[k] + EXIT_FOLD_S)) + 1]
        fold = float(np.nanmax(later) - here) if np.isfinite(later).any() else -np.inf
        if fold < EXIT_FOLD_DEG:
            continue
        y0, y1, y2 = knee_flexion_deg[k - 1], here, knee_flexion_deg[k + 1]
        curvature = y0 - 2 * y1 + y2
        shift = 0.5 * (y0 - y2) / curvature if np.isfinite(curvature) and curvature > 0 else 0.0
        candidates.append((float(here), fold, float(t[k] + np.clip(shift, -0.5, 0.5) * (t[k + 1] - t[k - 1]) / 2)))
    clear = [c for c in candidates if c[1] >= EXIT_CLEAR_FOLD_DEG]
    if clear:
        return min(clear)[2]
    return max(candidates, key=lambda c: c[1])[2] if candidates else float("nan")


def _still_stretch(centre: np.ndarray, allowed: np.ndarray, t: np.ndarray, min_hold_s: float,
                   radius_px: float) -> tuple[int, int] | None:
    """First stretch (a, b) of at least ``min_hold_s`` in which ``centre`` (T, 2) stays within
    ``radius_px`` of its median and ``allowed`` holds throughout, grown as long as it lasts."""
    n = len(t)
    a = 0
    while a < n:
        if not (allowed[a] and np.isfinite(centre[a]).all()):
            a += 1
            continue
        b = a + 1
        while b < n and allowed[b] and np.isfinite(centre[b]).all():
            median = np.median(centre[a:b + 1], axis=0)
            if np.max(np.linalg.norm(centre[a:b + 1] - median, axis=1)) > radius_px:
                break
            b += 1
        if t[b - 1] - t[a] >= min_hold_s:
            return a, b
        a += 1
    return None


def find_start_events(track: PoseTrack, direction: int, min_hold_s: float = 0.2) -> StartEvents | None:
    """Set position, first movement and block exits of a clip that starts crouched and still.

    The set position is the first stretch of at least ``min_hold_s`` in which the torso
    (hips and shoulders) stays within :data:`HOLD_RADIUS_LEGS` of where it is held and the
    hands are down (wrists below the knees).  None when the clip does not start that way (a
    flying or standing start).
    """
    P = track.positions_px
    t, fps = track.t_s, track.fps
    leg = leg_length_px(P)
    if not np.isfinite(leg) or track.n_frames < 10:
        return None
    centre = _torso_centre(P)
    wrists_y = nan_mean(P[:, [L.LEFT_WRIST, L.RIGHT_WRIST], 1].T)
    knees_y = nan_mean(P[:, [L.LEFT_KNEE, L.RIGHT_KNEE], 1].T)
    with np.errstate(invalid="ignore"):
        hands_down = wrists_y > knees_y
    hold = _still_stretch(centre, hands_down, t, min_hold_s, radius_px=HOLD_RADIUS_LEGS * leg)
    if hold is None:
        return None
    a, b = hold
    # First movement: the hips and shoulders move away from the hands, which stay planted on the
    # track until just after it (relative positions: a camera that starts following the
    # athlete slides the whole image sideways).  Block exits: a leg leaves its
    # block at full extension, then folds into the swing; the knee angle shows it from hip,
    # knee and ankle together, even for the foot hidden behind the other leg, whose own
    # landmarks the pose model invents by following the body (on the rendered block start its
    # toe moved 0.36 s before the foot did).
    toes = {side: P[:, L[f"{side.upper()}_FOOT_INDEX"]] for side in SIDES}
    sag_x = {side: direction * float(np.nanmedian(toes[side][a:b, 0])) for side in SIDES}
    rear, front = sorted(SIDES, key=lambda s: sag_x[s])

    def onset(values: np.ndarray, start: int, min_legs: float) -> float:
        rest = np.nanmedian(values[a:b], axis=0)
        displacement = np.linalg.norm((values - rest).reshape(len(values), -1), axis=1)
        quiet = displacement[a:b]
        # a rendered or very steady hold can read almost frozen: keep a realistic noise floor
        noise = max(1.4826 * float(np.nanmedian(np.abs(quiet - np.nanmedian(quiet)))), HOLD_NOISE_LEGS * leg)
        return _departure(displacement, t, start, noise, max(5.0 * noise, min_legs * leg))

    hands = nan_mean(np.moveaxis(P[:, [L.LEFT_WRIST, L.RIGHT_WRIST]], 1, 0))
    first_movement = onset(centre - hands, a, 0.02)
    start_k = int(np.searchsorted(t, first_movement)) if np.isfinite(first_movement) else a
    from_k = max(start_k - 1, a)
    knees = sprint_angles(P, direction)
    window_end = int(np.searchsorted(t, t[from_k] + EXIT_SEARCH_S))
    front_exit = _full_extension(knees[f"knee_flexion_{front}_deg"], t, from_k, window_end)
    if not np.isfinite(front_exit):  # no clear extension and fold: the toes rising instead
        front_exit = onset(toes[front][:, 1:], from_k, EXIT_LEGS)
    rear_end = int(np.searchsorted(t, front_exit)) if np.isfinite(front_exit) else window_end
    rear_exit = _full_extension(knees[f"knee_flexion_{rear}_deg"], t, from_k, rear_end)
    if not np.isfinite(rear_exit):
        rear_exit = onset(toes[rear][:, 1:], from_k, EXIT_LEGS)
    exits = {rear: rear_exit, front: front_exit}
    return StartEvents(
        set_position_s=float(t[a]), first_movement_s=first_movement, rear_exit_s=exits[rear],
        front_exit_s=exits[front], rear_foot=rear, front_foot=front, set_frame=int((a + b - 1) // 2),
        uncertainty_s=1.0 / fps)
