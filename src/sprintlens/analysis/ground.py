"""The ground under the feet: ground lines, foot heights and speeds, the ground's own image speed.

The first half of finding contacts (:mod:`sprintlens.analysis.contacts` times them from these
signals).  Pure functions on pose tracks (pixels).  Contacts are timed on the *timing* version of a cleaned
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

import numpy as np

from sprintlens.analysis.travel import (
    direction_of_travel,
    leg_length_px,
    travel_by_frame,
)
from sprintlens.core.landmarks import SIDES
from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.series import central_difference, derivative, nan_mean, nan_min
from sprintlens.core.track import PoseTrack

log = logging.getLogger(__name__)
_POINTS = {"heel": "HEEL", "toe": "FOOT_INDEX"}


# -- ground and foot signals -------------------------------------------------------------------------

@dataclass(frozen=True)
class GroundLine:
    """Image ground line ``y = slope * x + intercept`` (px) seen by one foot point."""

    slope: float
    intercept: float

    def y_at(self, x: np.ndarray) -> np.ndarray:
        """Return the line's image y (px) at image x ``x`` (px)."""
        return self.slope * x + self.intercept


def fit_ground_line(x: np.ndarray, y: np.ndarray, leg_px: float, percentile: float = 90.0) -> GroundLine | None:
    """Fit a line through the lower envelope (largest image y) of a foot point's positions.

    The positions are binned along x (half a leg length per bin); each bin with enough samples
    gives its ``percentile``-th y; a weighted least-squares line goes through those.  A narrow
    x range (a treadmill) gives a level line.  None when there are too few positions.

    Parameters
    ----------
    x, y : numpy.ndarray
        The foot point's image positions (T,), in px; NaN where unknown.
    leg_px : float
        Leg length (px): the bins are half of it wide.
    percentile : float
        Percentile of each bin's y taken as its ground level (0-100).

    Returns
    -------
    GroundLine or None
        The ground line, or None when there are too few positions.
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


def foot_signals(track: PoseTrack, config: ContactConfig | None = None, direction: int | None = None, *,
                 travel: np.ndarray | None = None) -> FootSignals:
    """Compute heights above the ground and horizontal speeds of both feet's heels and toes.

    The ground line of each point is fitted twice: first through the lower envelope of all its
    positions, then through its *planted* positions only (low and moving with the ground), which
    a runner crossing a static frame needs: most of the frame's width sees each foot only in
    the air, so the lower envelope there lies above the ground.

    Parameters
    ----------
    track : PoseTrack
        The pose track (positions in px, times in s).
    config : ContactConfig or None
        Contact options (height band, slip allowance); the defaults when None.
    direction : int or None
        Direction of travel in the image, +1 or -1; found from the track when None.
    travel : numpy.ndarray or None
        Direction of travel per frame (T,), +1/-1 (:func:`travel_by_frame`); found from the
        track and ``direction`` when None.

    Returns
    -------
    FootSignals
        The heel and toe signals of both feet (heights in px, speeds in px/s), each foot
        centre's horizontal speed and the leg length.
    """
    config = config or ContactConfig()
    P = track.positions_px
    leg = leg_length_px(P)
    direction = direction if direction in (1, -1) else direction_of_travel(P).sign
    if travel is None:
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
    """Fit a least-squares line through planted positions (median level if they span less than a leg).

    Parameters
    ----------
    x, y : numpy.ndarray
        The planted positions' image coordinates, in px; NaN where unknown.
    leg_px : float
        Leg length (px): positions spanning less than this in x give a level line.

    Returns
    -------
    GroundLine or None
        The line (outliers beyond three robust standard deviations refitted without), or None
        when fewer than 6 positions are known.
    """
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
        """Return the image speed of the ground under one foot (T,), for contact decisions (px/s)."""
        return self.side_factor.get(side, 1.0) * self.speed_px_s


def _ground_speed(times: np.ndarray, speeds: np.ndarray, t_s: np.ndarray, width: float,
                  direction: np.ndarray) -> np.ndarray:
    """Return the running speed of the planted cluster of sample speeds around each frame.

    The window is :data:`GROUND_WINDOW_S` either side of each frame (a step or more: a planted
    foot in every window at any running speed; short enough to follow a camera that starts
    panning, which in a longer window reads the ground at the speed of the next contact's).

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
    rows = np.flatnonzero(hi - lo >= 3)
    if rows.size:
        # all the frames' windows at once, a bounded number of rows at a time
        per_chunk = max(1, _MAX_WINDOW_VALUES // int((hi - lo)[rows].max()))
        for first in range(0, rows.size, per_chunk):
            chunk = rows[first:first + per_chunk]
            estimate[chunk] = direction[chunk] * _planted_centres(speeds, lo[chunk], hi[chunk], direction[chunk],
                                                                  width)
    good = np.isfinite(estimate)
    if good.any():
        return np.interp(t_s, t_s[good], estimate[good])
    return np.zeros(n)


#: Most window values :func:`_ground_speed` holds at once.
_MAX_WINDOW_VALUES = 2_000_000


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


def _planted_centres(speeds: np.ndarray, lo: np.ndarray, hi: np.ndarray, direction: np.ndarray,
                     width: float) -> np.ndarray:
    """:func:`_planted_centre` of ``direction[i] * speeds[lo[i]:hi[i]]`` for every i, at once.

    The same arithmetic as ``np.percentile`` (linear) and ``np.median``, on each window sorted
    once: the speeds within ``width`` of a seed are a contiguous stretch of the sorted window.
    """
    counts = hi - lo
    columns = np.arange(int(counts.max()))
    inside = columns[None, :] < counts[:, None]
    taken = np.minimum(lo[:, None] + columns[None, :], len(speeds) - 1)
    values = np.where(inside, direction[:, None] * speeds[taken], np.nan)
    values.sort(axis=1)  # NaN (outside the window) last
    rows = np.arange(len(counts))
    # np.percentile's linear method: virtual index (n - 1) q, and its two-sided interpolation
    virtual = (counts - 1) * (PLANTED_PERCENTILE / 100)
    below = np.floor(virtual)
    gamma = virtual - below
    below = below.astype(np.intp)
    a, b = values[rows, below], values[rows, below + 1]
    diff = b - a
    seed = np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)
    active = np.ones(len(counts), dtype=bool)
    for _ in range(2):
        with np.errstate(invalid="ignore"):
            near = np.abs(values - seed[:, None]) <= width
        n_near = near.sum(axis=1)
        active &= n_near > 0
        start = np.argmax(near, axis=1)
        lower = values[rows, start + np.maximum(n_near - 1, 0) // 2]
        upper = values[rows, start + n_near // 2 - (n_near == 0)]
        median = np.where(n_near % 2 == 1, lower, (lower + upper) / 2)
        seed = np.where(active, median, seed)
    return seed


#: Half-width of the time window for the ground's speed (s).  On the rendered block start, whose
#: camera starts to follow the athlete after the first movement, 0.4 s read step lengths 5 %
#: long (truth landmarks), 0.2 s 3 %.
GROUND_WINDOW_S = 0.2


def ground_motion(signals: FootSignals, band_px: float, t_s: np.ndarray, min_slip_px_s: float,
                  direction: int | np.ndarray = 1) -> GroundMotion:
    """Find the image speed of the ground under the athlete, from the foot points that are down.

    0 for a static camera overground, the belt on a treadmill, minus the pan speed for a camera
    that follows.  The speeds of the heels and toes below the height band and hardly moving up
    or down form a tight cluster (planted points) and, forwards of it, a spread (points still
    swinging in low, or lifting off), within :data:`GROUND_WINDOW_S` either side of each frame
    (:func:`_ground_speed`).  ``direction``: +1/-1 for the clip, or the direction of travel per
    frame (:func:`travel_by_frame`) when it may change.  Done twice: on the smoothed speeds
    (the reference for contact decisions) and on the speeds for distances (central differences
    below :data:`UNSMEARED_BELOW_FPS`, see :func:`foot_signals`).  The slip allowance is the
    larger of ``min_slip_px_s`` and three robust standard deviations of the planted points'
    smoothed speeds about the ground speed.

    Parameters
    ----------
    signals : FootSignals
        The heel and toe signals of both feet (:func:`foot_signals`).
    band_px : float
        Height band (px) below which a foot point may be down.
    t_s : numpy.ndarray
        Frame times (T,), in s.
    min_slip_px_s : float
        Least slip allowance (px/s); also the limit of a planted point's vertical speed.
    direction : int or numpy.ndarray
        +1/-1 for the clip, or the direction of travel per frame (T,).

    Returns
    -------
    GroundMotion
        The ground's image speed per frame for contact decisions and for distances (px/s), the
        slip allowance (px/s) and each foot's parallax factor.
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
    """Return how much faster (> 1) or slower the ground moves under one foot than ``ground_px_s``.

    A camera that pans with the athlete (or a treadmill belt) moves the ground across the image
    at a speed inversely proportional to its depth, so the near foot, planted closer to the
    camera, is carried faster than the far one: on the rendered sample clips (camera 7 m from
    the running line, feet 0.17 m either side of it) by 5 %, about 100 px/s.  ``side_px_s`` is
    the ground's speed (T,) found from one foot's planted samples alone, ``ground_px_s`` (T,)
    from both feet's, the same way (:func:`_ground_speed`); the factor is the median of their
    ratio over the frames where the ground moves faster than twice ``slip_px_s``, within
    1 +/- :data:`MAX_PARALLAX`; 1 when it never does (a still camera overground), where a ratio
    means nothing.

    Parameters
    ----------
    side_px_s : numpy.ndarray
        Ground speed (T,) from one foot's planted samples, in px/s.
    ground_px_s : numpy.ndarray
        Ground speed (T,) from both feet's planted samples, in px/s.
    slip_px_s : float
        Slip allowance (px/s): only frames where the ground moves faster than twice this count.

    Returns
    -------
    float
        The factor, within 1 +/- :data:`MAX_PARALLAX`.
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
