"""Cleaning a pose track: confidence masking, leg-swap repair, outliers, gaps, zero-lag filtering.

Every function here is array in, array out.  :func:`clean_track` chains them and keeps three
versions of the landmarks, because event timing wants less smoothing than angles:

- ``raw``: as the pose model gave them;
- ``timing``: low-confidence points removed, leg swaps repaired, outliers removed (one-frame
  spikes, points off their neighbours' path: :func:`remove_spikes`, :func:`reject_outliers`,
  :func:`reject_path_outliers`), short gaps filled, lightly low-pass filtered (cut-off
  :data:`TIMING_CUTOFF_FACTOR` times that of the angles, at most :data:`TIMING_MAX_FRACTION` of
  the frame rate): foot contacts are timed on this;
- ``smooth``: ``timing`` low-pass filtered with a zero-lag Butterworth filter whose cut-off is
  chosen per landmark by residual analysis (Winter 2009, ch. 3), for angles.

Missing stays NaN throughout; the filter runs only over NaN-free runs.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field

import numpy as np

from sprintlens.core.landmarks import LEG, N_LANDMARKS, hip_centre_x
from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.series import nan_runs
from sprintlens.core.track import PoseTrack

log = logging.getLogger(__name__)

#: The timing version is filtered this many times higher than the angles (less smoothing)...
TIMING_CUTOFF_FACTOR = 2.0
#: ... but no higher than this fraction of the frame rate.
TIMING_MAX_FRACTION = 0.25
#: Correction of a Butterworth cut-off for two passes (filtfilt): Winter 2009, eq. 3.9, 2nd order.
TWO_PASS_CORRECTION = 0.802


@dataclass(frozen=True)
class CleaningConfig:
    """Options of :func:`clean_track`.

    Attributes
    ----------
    min_visibility : float
        Points whose visibility is below this (0-1) become NaN.  Low by default because the far
        leg of a side view is often rated 0.2-0.4 yet still roughly placed; outlier rejection
        and swap repair deal with its errors.
    max_gap_s : float
        Longest run of missing frames filled by interpolation (s); longer gaps stay NaN.
    outlier_torso : float
        A point further than this many torso lengths from the median of its neighbours (and
        beyond 4 robust standard deviations) is an outlier.
    cutoff_hz : float, optional
        Low-pass cut-off for every landmark (Hz); chosen per landmark by residual analysis when None.
    min_cutoff_hz, max_cutoff_fraction : float
        Bounds of the chosen cut-off: at least ``min_cutoff_hz``, at most this fraction of the frame rate.
    repair_swaps : bool
        Repair frames where the model swapped the left and right legs.
    path_outlier_torso : float
        A point further than this many torso lengths from the path its neighbours take over
        :data:`PATH_WINDOW_S` either side (and beyond 5 robust standard deviations) is an
        outlier (:func:`reject_path_outliers`).
    """

    min_visibility: float = 0.2
    max_gap_s: float = 0.1
    outlier_torso: float = 0.35
    cutoff_hz: float | None = None
    min_cutoff_hz: float = 4.0
    max_cutoff_fraction: float = 0.4
    repair_swaps: bool = True
    path_outlier_torso: float = 0.25


# -- masking -------------------------------------------------------------------------------------

def mask_low_confidence(positions_px: np.ndarray, visibility: np.ndarray, threshold: float) -> np.ndarray:
    """Return a copy of ``positions_px`` (T, 33, 2) with points of visibility below ``threshold`` set to NaN.

    Parameters
    ----------
    positions_px : numpy.ndarray
        Landmark positions (T, 33, 2), in px.
    visibility : numpy.ndarray
        The pose model's visibility of each landmark (T, 33), 0-1.
    threshold : float
        Lowest visibility kept (0-1); NaN visibility counts as below it.

    Returns
    -------
    numpy.ndarray
        The masked copy (T, 33, 2), float64, px.
    """
    out = np.array(positions_px, dtype=np.float64, copy=True)
    with np.errstate(invalid="ignore"):
        low = ~(visibility >= threshold)
    out[low] = np.nan
    return out


def torso_length_px(positions_px: np.ndarray) -> float:
    """Median shoulder-midpoint to hip-midpoint distance over the clip (px); NaN if never seen."""
    shoulders = (positions_px[:, L.LEFT_SHOULDER] + positions_px[:, L.RIGHT_SHOULDER]) / 2
    hips = (positions_px[:, L.LEFT_HIP] + positions_px[:, L.RIGHT_HIP]) / 2
    lengths = np.linalg.norm(shoulders - hips, axis=1)
    return float(np.nanmedian(lengths)) if np.isfinite(lengths).any() else float("nan")


# -- left/right leg swaps ------------------------------------------------------------------------

#: Window of the running median that stands for each leg's path when looking for swaps (s).
SWAP_WINDOW_S = 0.1

_LEFT_LEG = [int(i) for i in LEG["left"]]
_RIGHT_LEG = [int(i) for i in LEG["right"]]


def swap_legs(positions: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """Copy of an array (T, 33, ...) with the left and right leg landmarks exchanged in ``frames`` (bool T)."""
    out = np.array(positions, copy=True)
    left = out[frames][:, _LEFT_LEG].copy()
    out[np.ix_(frames, _LEFT_LEG)] = out[frames][:, _RIGHT_LEG]
    out[np.ix_(frames, _RIGHT_LEG)] = left
    return out


def find_leg_swaps(positions_px: np.ndarray, fps: float, window_s: float = SWAP_WINDOW_S,
                   ratio: float = 0.5, min_gain_torso: float = 0.15, iterations: int = 2) -> np.ndarray:
    """Find the frames (bool, T) whose left/right leg labels should be exchanged.

    The pose model's left/right mistakes on a side view are short: on the rendered sample
    clips, 1-3 frames at 120 fps and at most 6 frames (25 ms) at 240 fps, with the feet well
    apart.  So each leg's path is estimated by a running median over ``window_s`` (a short
    excursion cannot move a median), and a frame is relabelled when the swapped labels lie
    closer to those paths than the given ones: at most ``ratio`` of the distance, and nearer by
    ``min_gain_torso`` torso lengths per point at least (where the legs pass each other both
    labellings fit and nothing is changed).  Repeated ``iterations`` times with the paths of the
    relabelled legs.  Knee, ankle, heel and toe take part; the hips lie too close together.

    A swap that lasts longer than about half the window is not found: it moves the median.

    Parameters
    ----------
    positions_px : numpy.ndarray
        Landmark positions (T, 33, 2), in px.
    fps : float
        Frame rate of the track (frames/s).
    window_s : float
        Window of the running median standing for each leg's path (s).
    ratio : float
        Largest ratio of the swapped labels' distance to the given labels' distance for a swap.
    min_gain_torso : float
        Least improvement per point, in torso lengths, for a swap.
    iterations : int
        How many times the search is repeated with the relabelled legs' paths.

    Returns
    -------
    numpy.ndarray
        Bool (T,): True in the frames whose leg labels should be exchanged.
    """
    n = positions_px.shape[0]
    scale = torso_length_px(positions_px)
    if n < 5 or not np.isfinite(scale) or scale <= 0:
        return np.zeros(n, dtype=bool)
    window = max(5, int(round(window_s * fps)) | 1)
    left_idx, right_idx = _LEFT_LEG[1:], _RIGHT_LEG[1:]
    current = np.array(positions_px, dtype=np.float64, copy=True)
    swapped = np.zeros(n, dtype=bool)
    for _ in range(iterations):
        left, right = current[:, left_idx], current[:, right_idx]
        ref_left, ref_right = _running_median(left, window), _running_median(right, window)

        def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            norms = np.linalg.norm(a - b, axis=-1)
            known = np.isfinite(norms)
            return np.where(known.any(axis=1), np.nansum(norms, axis=1) / np.maximum(known.sum(axis=1), 1), np.nan)

        as_given = distance(left, ref_left) + distance(right, ref_right)
        exchanged = distance(left, ref_right) + distance(right, ref_left)
        with np.errstate(invalid="ignore"):
            flip = (exchanged < ratio * as_given) & (as_given - exchanged > 2 * min_gain_torso * scale)
        if not flip.any():
            break
        current = swap_legs(current, flip)
        swapped ^= flip
    return swapped


def _running_median(values: np.ndarray, window: int) -> np.ndarray:
    """Return the running median along axis 0 (odd ``window``), NaN-aware through nearest-value filling."""
    from scipy.ndimage import median_filter  # SciPy's modules load where they are used

    flat = values.reshape(values.shape[0], -1)
    filled = _nearest_fill(flat)
    out = median_filter(filled, size=(window, 1), mode="nearest")
    out[~np.isfinite(flat)] = np.nan
    return out.reshape(values.shape)


# -- outliers ------------------------------------------------------------------------------------

def remove_spikes(positions_px: np.ndarray, min_torso: float = 0.25) -> tuple[np.ndarray, int]:
    """NaN where a point jumps away for a single frame and comes back.

    A point is a spike when it lies more than ``min_torso`` torso lengths from the midpoint of
    the same landmark in the frames before and after, and further from that midpoint than those
    two frames are from each other, and more than its neighbours do.  A lasting jump (such as
    the start of a left/right swap) lies only half that distance from the midpoint, so it is not
    a spike and this can run before swap detection.  Returns the copy and the count.
    """
    out = np.array(positions_px, dtype=np.float64, copy=True)
    scale = torso_length_px(out)
    if not np.isfinite(scale) or out.shape[0] < 3:
        return out, 0
    prev, cur, nxt = out[:-2], out[1:-1], out[2:]
    deviation = np.linalg.norm(cur - (prev + nxt) / 2.0, axis=-1)
    across = np.linalg.norm(nxt - prev, axis=-1)
    padded = np.nan_to_num(np.pad(deviation, ((1, 1), (0, 0))), nan=0.0)
    largest = deviation >= np.maximum(padded[:-2], padded[2:])  # a spike also shifts its neighbours' midpoints
    with np.errstate(invalid="ignore"):
        spike = (deviation > min_torso * scale) & (deviation > across) & largest
    spike = np.concatenate([np.zeros((1, spike.shape[1]), bool), spike, np.zeros((1, spike.shape[1]), bool)])
    out[spike] = np.nan
    return out, int(spike.sum())


def leave_one_out_residual(values: np.ndarray) -> np.ndarray:
    """Each sample minus its prediction from its neighbours (T,) -> (T,).

    The prediction is the cubic through the samples 2 and 1 frames before and 1 and 2 after,
    ``(-x[t-2] + 4 x[t-1] + 4 x[t+1] - x[t+2]) / 6``, or the mean of the two adjacent samples
    where the outer ones are missing.  Smooth movement is predicted to within a pixel or two
    even at 30 fps; a stray sample stands out.  NaN where no prediction is possible.
    """
    x = np.asarray(values, dtype=np.float64)
    n = len(x)
    pred = np.full(n, np.nan)
    if n < 3:
        return pred
    pad = np.concatenate([[np.nan, np.nan], x, [np.nan, np.nan]])
    m2, m1, p1, p2 = pad[:-4], pad[1:-3], pad[3:-1], pad[4:]
    cubic = (-m2 + 4 * m1 + 4 * p1 - p2) / 6.0
    linear = (m1 + p1) / 2.0
    pred = np.where(np.isfinite(cubic), cubic, linear)
    return x - pred


def reject_outliers(positions_px: np.ndarray, outlier_torso: float = 0.35, n_sigma: float = 5.0,
                    iterations: int = 3) -> tuple[np.ndarray, int]:
    """NaN where a point jumps away from the path its neighbours predict.

    A point is rejected when its leave-one-out residual (:func:`leave_one_out_residual`, on x
    and y together) exceeds both ``n_sigma`` robust standard deviations of that landmark's
    residuals over the clip and ``outlier_torso`` torso lengths, and is the largest within two
    frames (a stray point also disturbs its neighbours' predictions).  Repeated
    ``iterations`` times.  Every landmark is done at once.

    Parameters
    ----------
    positions_px : ndarray, shape (T, 33, 2)
        Landmark positions (px); NaN where missing.
    outlier_torso : float
        Least residual of an outlier, in torso lengths.
    n_sigma : float
        Least residual of an outlier, in robust standard deviations of the landmark's residuals.
    iterations : int
        Most rounds of rejection (fewer when a round finds nothing).

    Returns
    -------
    tuple of (ndarray, int)
        The cleaned copy (T, 33, 2) in px, and the number of points rejected.
    """
    out = np.array(positions_px, dtype=np.float64, copy=True)
    scale = torso_length_px(out)
    if not np.isfinite(scale) or out.shape[0] < 5:
        return out, 0
    rejected = 0
    for _ in range(iterations):
        # every landmark at once: residuals (T, 33)
        r = np.hypot(_leave_one_out_residuals(out[:, :, 0]), _leave_one_out_residuals(out[:, :, 1]))
        seen = np.isfinite(r).any(axis=0)
        if not seen.any():
            break
        with np.errstate(all="ignore"):
            sigma = 1.4826 * np.nanmedian(np.abs(r[:, seen]), axis=0)
        threshold = np.full(r.shape[1], np.inf)
        threshold[seen] = np.maximum(n_sigma * sigma, outlier_torso * scale)
        padded = np.nan_to_num(np.pad(r, ((2, 2), (0, 0))), nan=0.0)
        local_max = r >= np.max(np.lib.stride_tricks.sliding_window_view(padded, 5, axis=0), axis=-1)
        with np.errstate(invalid="ignore"):
            bad = (r > threshold) & local_max
        out[bad] = np.nan
        found = int(bad.sum())
        rejected += found
        if not found:
            break
    return out, rejected


def _leave_one_out_residuals(values: np.ndarray) -> np.ndarray:
    """:func:`leave_one_out_residual` of each column of (T, C) ``values``."""
    x = np.asarray(values, dtype=np.float64)
    if len(x) < 3:
        return np.full(x.shape, np.nan)
    nan2 = np.full((2,) + x.shape[1:], np.nan)
    pad = np.concatenate([nan2, x, nan2])
    m2, m1, p1, p2 = pad[:-4], pad[1:-3], pad[3:-1], pad[4:]
    cubic = (-m2 + 4 * m1 + 4 * p1 - p2) / 6.0
    linear = (m1 + p1) / 2.0
    return x - np.where(np.isfinite(cubic), cubic, linear)


#: Half-width of the window of :func:`reject_path_outliers` (s): 8 frames at 120 fps, at least 3.
PATH_WINDOW_S = 0.065


def local_quadratic_residuals(values: np.ndarray, weights: np.ndarray, half: int) -> np.ndarray:
    """Return the leave-one-out residuals against a local quadratic (T,) -> (T,).

    Each sample is predicted by a quadratic fitted by weighted least squares to the samples
    within ``half`` frames either side of it, itself excluded; the weights are the given
    per-sample ``weights`` (robustness weights, 0 for a sample to ignore) times a tricube in
    time.  NaN where the sample is missing or fewer than 5 neighbours are usable.

    Parameters
    ----------
    values : numpy.ndarray
        One coordinate's samples (T,), NaN where missing.
    weights : numpy.ndarray
        Robustness weight of each sample (T,), 0 for a sample to ignore.
    half : int
        Half-width of the window (frames).

    Returns
    -------
    numpy.ndarray
        Each sample minus its prediction (T,), NaN where it cannot be predicted.
    """
    x = np.asarray(values, dtype=np.float64)
    n = len(x)
    offsets = np.arange(-half, half + 1)
    idx = np.clip(np.arange(n)[:, None] + offsets[None, :], 0, n - 1)
    inside = (np.arange(n)[:, None] + offsets[None, :] >= 0) & (np.arange(n)[:, None] + offsets[None, :] < n)
    window = x[idx]
    w = np.where(inside & np.isfinite(window), np.asarray(weights, dtype=np.float64)[idx], 0.0)
    w = w * (1.0 - (np.abs(offsets) / (half + 1.0)) ** 3) ** 3
    w[:, half] = 0.0  # leave the sample itself out
    window = np.where(w > 0, window, 0.0)
    o = offsets.astype(np.float64)
    basis = np.stack([np.ones_like(o), o, o * o])  # (3, W)
    normal = np.einsum("iw,tw,jw->tij", basis, w, basis)
    rhs = np.einsum("iw,tw->ti", basis, w * window)
    usable = ((w > 0).sum(axis=1) >= 5) & np.isfinite(x)
    out = np.full(n, np.nan)
    if usable.any():
        normal_u = normal[usable] + 1e-9 * np.eye(3)
        coef = np.linalg.solve(normal_u, rhs[usable][..., None])[..., 0]
        out[usable] = x[usable] - coef[:, 0]
    return out


def reject_path_outliers(positions_px: np.ndarray, fps: float, window_s: float = PATH_WINDOW_S,
                         n_sigma: float = 5.0, min_torso: float = 0.25, iterations: int = 2) -> tuple[np.ndarray, int]:
    """NaN where a point leaves the path of its neighbours for a few frames.

    The pose model's worst mistakes on a side view last a few frames: at 120 fps it puts a
    lower leg, or both, in a wrong place for 1-4 frames (on the rendered clips, at every
    touchdown; the far foot onto the near one, feet pulled up towards the knees), too long for
    :func:`remove_spikes` and :func:`reject_outliers`, whose predictions use the neighbouring
    frames that are wrong too.  Here each point is predicted by a robust local quadratic
    (LOWESS: Cleveland 1979) over ``window_s`` either side, itself left out; ``iterations``
    rounds of bisquare weights let the wrong frames drop out of each other's predictions.  A
    point is rejected when its residual exceeds ``n_sigma`` robust standard deviations of that
    landmark's residuals over the clip and ``min_torso`` torso lengths.  A foot landing (a kink
    in its path) leaves residuals of a few pixels, far below that.  Every landmark is done at
    once, the normal equations of the local quadratics from sliding sums.

    Parameters
    ----------
    positions_px : ndarray, shape (T, 33, 2)
        Landmark positions (px); NaN where missing.
    fps : float
        Frame rate (frames/s): sets the window in frames (at least 3 either side).
    window_s : float
        Half-width of the window (s).
    n_sigma : float
        Least residual of an outlier, in robust standard deviations of the landmark's residuals.
    min_torso : float
        Least residual of an outlier, in torso lengths.
    iterations : int
        Rounds of bisquare robustness weights.

    Returns
    -------
    tuple of (ndarray, int)
        The cleaned copy (T, 33, 2) in px, and the number of points rejected.
    """
    out = np.array(positions_px, dtype=np.float64, copy=True)
    scale = torso_length_px(out)
    n = out.shape[0]
    half = max(3, int(round(window_s * fps)))
    if not np.isfinite(scale) or n < 2 * 3 + 1:
        return out, 0
    rejected = np.zeros(out.shape[:2], dtype=bool)
    seen = np.flatnonzero(np.isfinite(out[:, :, 0]).any(axis=0))
    if not seen.size:
        return out, 0
    # every landmark at once; x and y of a landmark share their weights
    xy = out[:, seen].reshape(n, 2 * seen.size)  # columns x0, y0, x1, y1 ...
    weights = np.ones((n, seen.size))
    residual = np.full((n, seen.size), np.nan)
    sigma = np.zeros(seen.size)
    alive = np.ones(seen.size, dtype=bool)
    for _ in range(iterations + 1):
        both = _local_quadratic_residuals_columns(xy, np.repeat(weights, 2, axis=1), half)
        found = np.hypot(both[:, 0::2], both[:, 1::2])
        alive &= np.isfinite(found).any(axis=0)
        residual = np.where(alive, found, np.nan)
        if not alive.any():
            break
        with np.errstate(all="ignore"):
            spread = 1.4826 * np.nanmedian(np.abs(residual[:, alive]), axis=0)
        sigma[alive] = spread
        u = np.nan_to_num(residual / (6.0 * np.maximum(sigma, 1e-6)), nan=1.0)
        weights = np.where(np.abs(u) < 1.0, (1.0 - u * u) ** 2, 0.0)
    with np.errstate(invalid="ignore"):
        rejected[:, seen] = residual > np.maximum(n_sigma * sigma, min_torso * scale)
    out[rejected] = np.nan
    return out, int(rejected.sum())


def _local_quadratic_residuals_columns(values: np.ndarray, weights: np.ndarray, half: int) -> np.ndarray:
    """:func:`local_quadratic_residuals` of every column of (T, C) ``values`` with (T, C) ``weights``.

    The weighted sums of the normal equations are sliding sums (one matrix product over the
    windows of all columns) instead of one window matrix per column.
    """
    n = values.shape[0]
    finite = np.isfinite(values)
    w = np.where(finite, np.asarray(weights, dtype=np.float64), 0.0)
    wx = np.where(finite, values, 0.0) * w
    offsets = np.arange(-half, half + 1).astype(np.float64)
    tricube = (1.0 - (np.abs(offsets) / (half + 1.0)) ** 3) ** 3
    tricube[half] = 0.0  # leave the sample itself out
    kernel = tricube[:, None] * offsets[:, None] ** np.arange(5)[None, :]  # (W, 5): sums of w o^k
    pad = ((half, half), (0, 0))
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(w, pad), 2 * half + 1, axis=0)  # (T, C, W)
    moments = windows @ kernel  # (T, C, 5)
    rhs = np.lib.stride_tricks.sliding_window_view(np.pad(wx, pad), 2 * half + 1, axis=0) @ kernel[:, :3]
    counts = np.cumsum(np.pad((w > 0).astype(np.int64), ((half + 1, half), (0, 0))), axis=0)
    neighbours = counts[2 * half + 1:] - counts[:n] - (w > 0)
    usable = (neighbours >= 5) & finite
    out = np.full(values.shape, np.nan)
    if usable.any():
        # the Hankel matrix of the moments, [[m0, m1, m2], [m1, m2, m3], [m2, m3, m4]], as a view
        normal = np.lib.stride_tricks.sliding_window_view(moments[usable], 3, axis=1) + 1e-9 * np.eye(3)
        coef = np.linalg.solve(normal, rhs[usable][..., None])[..., 0]
        out[usable] = values[usable] - coef[:, 0]
    return out


def _nearest_fill(flat: np.ndarray) -> np.ndarray:
    out = flat.copy()
    idx = np.arange(flat.shape[0])
    for j in range(flat.shape[1]):
        good = np.isfinite(flat[:, j])
        if good.any() and not good.all():
            out[~good, j] = np.interp(idx[~good], idx[good], flat[good, j])
    return out


def fill_gaps(values: np.ndarray, t_s: np.ndarray, max_gap_s: float) -> tuple[np.ndarray, int]:
    """Fill interior NaN runs no longer than ``max_gap_s`` by shape-preserving (PCHIP) interpolation.

    ``values`` is (T, ...); each trailing column is filled on its own.  Gaps at the ends are
    never filled (no extrapolation).  Returns the filled copy and the number of values filled.

    Parameters
    ----------
    values : numpy.ndarray
        Samples (T, ...), NaN where missing.
    t_s : numpy.ndarray
        Time of each sample (T,), in s.
    max_gap_s : float
        Longest gap filled (s), from the last sample before it to the first after.

    Returns
    -------
    filled : numpy.ndarray
        The filled copy (T, ...), float64.
    count : int
        The number of values filled.
    """
    out = np.array(values, dtype=np.float64, copy=True)
    flat = out.reshape(out.shape[0], -1)
    filled = 0
    for j in range(flat.shape[1]):
        column = flat[:, j]
        good = np.isfinite(column)
        if good.sum() < 2 or good.all():
            continue
        # every short interior gap of the column, evaluated in one call (pointwise: the same values)
        rows = [np.arange(start, stop) for start, stop in nan_runs(good)
                if start > 0 and stop < len(column) and t_s[stop] - t_s[start - 1] <= max_gap_s + 1e-9]
        if not rows:
            continue
        from scipy.interpolate import (
            PchipInterpolator,  # loaded only when a gap is filled
        )

        gaps = np.concatenate(rows)
        column[gaps] = PchipInterpolator(t_s[good], column[good], extrapolate=False)(t_s[gaps])
        filled += len(gaps)
    return out, filled


# -- filtering -----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=512)
def _butter_coefficients(fs_hz: float, cutoff_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients ``(b, a)`` of the two-pass-corrected 2nd-order Butterworth low-pass (designed once)."""
    from scipy.signal import butter

    wn = min(cutoff_hz / TWO_PASS_CORRECTION / (fs_hz / 2.0), 0.99)
    b, a = butter(2, wn)
    b.setflags(write=False)
    a.setflags(write=False)
    return b, a


def _finite_groups(values: np.ndarray) -> list[tuple[np.ndarray, list[tuple[int, int]]]]:
    """Columns of (T, C) ``values`` grouped by where they are finite: (column indices, finite runs)."""
    good = np.isfinite(values)
    groups: dict[bytes, list[int]] = {}
    for j in range(values.shape[1]):
        groups.setdefault(good[:, j].tobytes(), []).append(j)
    out = []
    for columns in groups.values():
        runs = [(start, stop) for start, stop in nan_runs(~good[:, columns[0]]) if stop - start >= 4]
        if runs:
            out.append((np.array(columns), runs))
    return out


def _filter_columns(values: np.ndarray, fs_hz: float, cutoff_hz: float,
                    groups: list[tuple[np.ndarray, list[tuple[int, int]]]], out: np.ndarray) -> None:
    """Write into ``out`` the zero-lag low-pass of the grouped columns of ``values`` (see :func:`butter_lowpass`)."""
    from scipy.signal import filtfilt

    b, a = _butter_coefficients(float(fs_hz), float(cutoff_hz))
    for columns, runs in groups:
        for start, stop in runs:
            block = values[start:stop, columns]
            out[start:stop, columns] = filtfilt(b, a, block, axis=0,
                                                padlen=min(3 * max(len(a), len(b)), stop - start - 1))


def butter_lowpass(values: np.ndarray, fs_hz: float, cutoff_hz: float) -> np.ndarray:
    """Zero-lag low-pass (2nd-order Butterworth, forward and backward) of (T,) data, NaN-run aware.

    The cut-off is corrected for the two passes so that the result is -3 dB at ``cutoff_hz``.
    Runs of fewer than 4 finite samples are left as they are.

    Parameters
    ----------
    values : ndarray, shape (T,)
        The series, in any unit; NaN where missing.
    fs_hz : float
        Sampling rate (Hz).
    cutoff_hz : float
        Cut-off of the two passes together (Hz).

    Returns
    -------
    ndarray, shape (T,)
        The filtered copy.
    """
    out = np.array(values, dtype=np.float64, copy=True)
    column = out[:, None]
    _filter_columns(column, fs_hz, cutoff_hz, _finite_groups(column), column)
    return out


def residual_cutoff(values: np.ndarray, fs_hz: float, min_hz: float = 1.0, max_hz: float | None = None) -> float:
    """Cut-off frequency by Winter's residual analysis (Hz).

    The RMS residual between the signal and its filtered version, as a function of cut-off, is
    a straight line at high cut-offs (noise only).  The chosen cut-off is where the residual
    equals that line's intercept at 0 Hz: the noise level.  NaN when the signal is too short.

    Parameters
    ----------
    values : ndarray, shape (T,)
        The series, in any unit; NaN where missing.
    fs_hz : float
        Sampling rate (Hz).
    min_hz, max_hz : float
        Lowest and highest candidate cut-off (Hz); the highest is at most 90 % of what the
        corrected two-pass filter can honour at ``fs_hz``.

    Returns
    -------
    float
        The cut-off (Hz).
    """
    return float(residual_cutoffs(np.asarray(values, dtype=np.float64)[:, None], fs_hz, min_hz, max_hz)[0])


#: Candidate cut-offs of the residual analysis.
RESIDUAL_GRID_SIZE = 40


def residual_cutoffs(columns: np.ndarray, fs_hz: float, min_hz: float = 1.0, max_hz: float | None = None) -> np.ndarray:
    """Cut-off by residual analysis (:func:`residual_cutoff`) of each column of (T, C) data (Hz).

    Each candidate filter is designed once and runs over all the columns at once.

    Parameters
    ----------
    columns : ndarray, shape (T, C)
        The series, one per column, in any unit; NaN where missing.
    fs_hz : float
        Sampling rate (Hz).
    min_hz, max_hz : float
        Lowest and highest candidate cut-off (Hz), as for :func:`residual_cutoff`.

    Returns
    -------
    ndarray, shape (C,)
        The cut-off of each column (Hz); NaN for a column with fewer than 12 finite samples.
    """
    x = np.asarray(columns, dtype=np.float64)
    result = np.full(x.shape[1], np.nan)
    usable = np.flatnonzero(np.isfinite(x).sum(axis=0) >= 12)
    if not usable.size:
        return result
    x = x[:, usable]
    # above this the corrected two-pass cut-off passes (nearly) everything: no residual to read
    nyquist_limit = 0.9 * TWO_PASS_CORRECTION * fs_hz / 2.0
    max_hz = min(max_hz or nyquist_limit, nyquist_limit)
    grid = np.linspace(min_hz, max_hz, RESIDUAL_GRID_SIZE)
    residuals = _residuals_by_cutoff(x, fs_hz, grid)  # (C, G)
    # the straight line through the residuals at high cut-offs, each column's at once (least squares)
    tail = grid >= grid[0] + 0.6 * (grid[-1] - grid[0])
    g, r = grid[tail], residuals[:, tail]
    g_mean, r_mean = g.mean(), r.mean(axis=1)
    slope = ((g - g_mean) * (r - r_mean[:, None])).sum(axis=1) / ((g - g_mean) ** 2).sum()
    intercept = r_mean - slope * g_mean
    below = residuals <= intercept[:, None]
    first = np.argmax(below, axis=1)
    chosen = np.where(below.any(axis=1) & (intercept > 0), grid[first], float(max_hz))
    result[usable] = chosen
    return result


def _residuals_by_cutoff(x: np.ndarray, fs_hz: float, grid_hz: np.ndarray) -> np.ndarray:
    """RMS difference (C, G) between each column of (T, C) ``x`` and its :func:`butter_lowpass` at each cut-off.

    The same filter as :func:`butter_lowpass` (odd extension at the ends of each finite run,
    steady-state initial conditions, forward and backward passes), with each cut-off's filter
    running over every finite run of every column at once.  The runs lie side by side, ending
    on the same row: each is preceded by its first value, over which the filter stays in its
    steady state (to rounding), so that one reversal of the whole block starts every run's
    backward pass on the first row.
    """
    from scipy.signal import lfilter

    good = np.isfinite(x)
    counts = good.sum(axis=0)
    segments = [(c, start, stop) for c in range(x.shape[1])
                for start, stop in nan_runs(~good[:, c]) if stop - start >= 4]
    sums = np.zeros((x.shape[1], len(grid_hz)))
    if not segments:
        return sums
    pads = [min(9, stop - start - 1) for _, start, stop in segments]
    rows = max(stop - start + 2 * pad for (_, start, stop), pad in zip(segments, pads))
    extended = np.empty((rows, len(segments)))
    reversed_runs = np.zeros((rows, len(segments)))  # each run reversed, where the backward pass puts it
    inside = np.zeros((rows, len(segments)), dtype=bool)
    for k, ((c, start, stop), pad) in enumerate(zip(segments, pads)):
        run = x[start:stop, c]
        ext = np.concatenate([2 * run[0] - run[pad:0:-1], run, 2 * run[-1] - run[-2:-pad - 2:-1]])
        extended[:rows - len(ext), k] = ext[0]
        extended[rows - len(ext):, k] = ext
        reversed_runs[pad:pad + len(run), k] = run[::-1]
        inside[pad:pad + len(run), k] = True
    segment_column = np.array([c for c, _, _ in segments])
    for g, fc in enumerate(grid_hz):
        b, a, zi = _butter_design(float(fs_hz), float(fc))
        forward = lfilter(b, a, extended, axis=0, zi=zi[:, None] * extended[0][None, :])[0][::-1]
        backward = lfilter(b, a, forward, axis=0, zi=zi[:, None] * forward[0][None, :])[0]
        per_segment = np.where(inside, (reversed_runs - backward) ** 2, 0.0).sum(axis=0)
        np.add.at(sums[:, g], segment_column, per_segment)
    return np.sqrt(sums / np.maximum(counts, 1)[:, None])


@functools.lru_cache(maxsize=512)
def _butter_design(fs_hz: float, cutoff_hz: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_butter_coefficients` and the filter's steady-state initial conditions (``lfilter_zi``)."""
    from scipy.signal import lfilter_zi

    b, a = _butter_coefficients(fs_hz, cutoff_hz)
    zi = lfilter_zi(b, a)
    zi.setflags(write=False)
    return b, a, zi


def stride_frequency_hz(positions_px: np.ndarray, fs_hz: float) -> float:
    """Dominant frequency of the feet moving relative to the hips (Hz): the stride rate.

    From the spectrum of the ankles' horizontal position relative to the hip midpoint (a
    running or walking person's feet oscillate once per stride).  NaN if it cannot be found.
    """
    hips = hip_centre_x(positions_px)
    spectra = []
    for ankle in (L.LEFT_ANKLE, L.RIGHT_ANKLE):
        rel = positions_px[:, ankle, 0] - hips
        good = np.isfinite(rel)
        if good.sum() < 16:
            continue
        rel = np.interp(np.arange(len(rel)), np.flatnonzero(good), rel[good]) - np.nanmean(rel)
        spectra.append(np.abs(np.fft.rfft(rel * np.hanning(len(rel)), n=max(len(rel), 1024))))
    if not spectra:
        return float("nan")
    power = np.sum(spectra, axis=0)
    freqs = np.fft.rfftfreq(max(positions_px.shape[0], 1024), d=1.0 / fs_hz)
    band = (freqs >= 0.3) & (freqs <= 4.0)  # walking to sprinting stride rates
    if not band.any() or power[band].max() <= 0:
        return float("nan")
    return float(freqs[band][np.argmax(power[band])])


#: The cut-off keeps at least this many harmonics of the stride frequency (Winter's rule for gait).
STRIDE_HARMONICS_KEPT = 6


def _max_cutoff_hz(fs_hz: float, config: CleaningConfig) -> float:
    """Highest cut-off the filter can honour at this frame rate (Hz)."""
    return min(config.max_cutoff_fraction * fs_hz, 0.9 * TWO_PASS_CORRECTION * fs_hz / 2.0)


def choose_cutoffs(positions_px: np.ndarray, fs_hz: float, config: CleaningConfig) -> np.ndarray:
    """Per-landmark cut-off (33,) in Hz.

    Residual analysis of x and y (the larger kept), bounded below by ``config.min_cutoff_hz``
    and by :data:`STRIDE_HARMONICS_KEPT` harmonics of the stride frequency found in the data
    (at 30 fps residual analysis cannot tell a running ankle's higher harmonics from noise, and
    a fixed low cut-off flattens the swing leg at top speed), and above by
    ``config.max_cutoff_fraction`` of the frame rate.

    Parameters
    ----------
    positions_px : ndarray, shape (T, 33, 2)
        Landmark positions (px); NaN where missing.
    fs_hz : float
        Frame rate (Hz).
    config : CleaningConfig
        The bounds, or a fixed cut-off (``cutoff_hz``).

    Returns
    -------
    ndarray, shape (33,)
        Cut-off per landmark (Hz).
    """
    max_hz = _max_cutoff_hz(fs_hz, config)
    if config.cutoff_hz is not None:
        return np.full(N_LANDMARKS, float(np.clip(config.cutoff_hz, 0.1, max_hz)))
    stride = stride_frequency_hz(positions_px, fs_hz)
    lo = config.min_cutoff_hz
    if np.isfinite(stride):
        lo = max(lo, STRIDE_HARMONICS_KEPT * stride)
    lo = min(lo, max_hz)
    per_axis = residual_cutoffs(positions_px.reshape(positions_px.shape[0], -1), fs_hz,
                                max_hz=max_hz).reshape(N_LANDMARKS, 2)
    cutoffs = np.full(N_LANDMARKS, np.nan)
    for j in range(N_LANDMARKS):
        if np.isfinite(per_axis[j]).any():
            cutoffs[j] = np.nanmax(per_axis[j])
    fallback = np.nanmedian(cutoffs) if np.isfinite(cutoffs).any() else max_hz
    return np.clip(np.where(np.isfinite(cutoffs), cutoffs, fallback), lo, max_hz)


def lowpass_positions(positions_px: np.ndarray, fs_hz: float, cutoffs_hz: np.ndarray) -> np.ndarray:
    """Filter every coordinate of (T, 33, 2) positions with its landmark's cut-off (:func:`butter_lowpass`).

    The coordinates that share a cut-off and their missing frames are filtered together.

    Parameters
    ----------
    positions_px : ndarray, shape (T, 33, 2)
        Landmark positions (px); NaN where missing.
    fs_hz : float
        Frame rate (Hz).
    cutoffs_hz : ndarray, shape (33,)
        Cut-off per landmark (Hz).

    Returns
    -------
    ndarray, shape (T, 33, 2)
        The filtered copy (px).
    """
    values = np.array(positions_px, dtype=np.float64, copy=True).reshape(positions_px.shape[0], -1)
    out = values.copy()
    per_column = np.repeat(np.asarray(cutoffs_hz, dtype=np.float64), positions_px.shape[2])
    for cutoff in np.unique(per_column):
        columns = np.flatnonzero(per_column == cutoff)
        groups = [(columns[members], runs) for members, runs in _finite_groups(values[:, columns])]
        _filter_columns(values, fs_hz, float(cutoff), groups, out)
    return out.reshape(positions_px.shape)


# -- the chain -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CleanedTrack:
    """The three versions of a track and what cleaning did.

    Attributes
    ----------
    raw : PoseTrack
        As estimated.
    timing : PoseTrack
        Masked, swap-repaired, outliers removed, short gaps filled, lightly low-pass filtered.
    smooth : PoseTrack
        ``timing`` low-pass filtered (zero lag), for angles.
    cutoffs_hz : ndarray (33,)
        Cut-off used per landmark.
    swapped : ndarray (T,) bool
        Frames whose legs were relabelled.
    report : dict
        Counts: points masked, outliers, values filled; frames swapped.
    """

    raw: PoseTrack
    timing: PoseTrack
    smooth: PoseTrack
    cutoffs_hz: np.ndarray
    swapped: np.ndarray
    report: dict[str, float] = field(default_factory=dict)


def clean_track(track: PoseTrack, config: CleaningConfig | None = None) -> CleanedTrack:
    """Clean a pose track (see the module docstring for the steps)."""
    config = config or CleaningConfig()
    positions = mask_low_confidence(track.positions_px, track.visibility, config.min_visibility)
    masked = int(np.isnan(positions[..., 0]).sum() - np.isnan(track.positions_px[..., 0]).sum())
    # swaps before spikes: a one-frame swap of both legs looks like a spike in each of them
    if config.repair_swaps:
        swapped = find_leg_swaps(positions, fps=track.fps)
    else:
        swapped = np.zeros(track.n_frames, dtype=bool)
    extra = {}
    if swapped.any():
        positions = swap_legs(positions, swapped)
        extra = {name: swap_legs(getattr(track, name), swapped) for name in ("depth_px", "visibility", "presence")}
    positions, n_spikes = remove_spikes(positions)
    positions, n_outliers = reject_outliers(positions, config.outlier_torso)
    positions, n_path = reject_path_outliers(positions, track.fps, min_torso=config.path_outlier_torso)
    n_outliers += n_spikes + n_path
    positions, n_filled = fill_gaps(positions, track.t_s, config.max_gap_s)
    cleaned = track.replace(positions_px=positions, **extra)
    cutoffs = choose_cutoffs(positions, track.fps, config)
    smooth = cleaned.replace(positions_px=lowpass_positions(positions, track.fps, cutoffs))
    # less smoothing for timing, but never above a quarter of the frame rate: at 30 fps the
    # angles' cut-off is already at the data's limit, and more bandwidth only adds noise (on
    # the real treadmill clip: contact-time spread 27 ms at 8.4 Hz against 31 ms at 10.8 Hz)
    timing_cutoffs = np.maximum(cutoffs, np.minimum(TIMING_CUTOFF_FACTOR * cutoffs,
                                                    min(TIMING_MAX_FRACTION * track.fps,
                                                        _max_cutoff_hz(track.fps, config))))
    timing = cleaned.replace(positions_px=lowpass_positions(positions, track.fps, timing_cutoffs))
    report = {
        "points_masked": masked,
        "frames_legs_swapped": int(swapped.sum()),
        "points_outliers": n_outliers,
        "values_filled": n_filled,
        "median_cutoff_hz": float(np.median(cutoffs)),
    }
    log.info("cleaning: %s", report)
    return CleanedTrack(track, timing, smooth, cutoffs, swapped, report)
