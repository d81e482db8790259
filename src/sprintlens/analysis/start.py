"""The block start: set position (held still), first movement, rear and front block exits."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from sprintlens.analysis.angles import sprint_angles
from sprintlens.analysis.contacts import _crossing
from sprintlens.analysis.travel import leg_length_px
from sprintlens.core.landmarks import SIDES
from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.series import nan_mean
from sprintlens.core.track import PoseTrack

log = logging.getLogger(__name__)


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


def _median(values: np.ndarray) -> float:
    """Return the median ignoring NaN; NaN, without a warning, when there is nothing but NaN."""
    return float("nan") if np.isnan(values).all() else float(np.nanmedian(values))


def _torso_centre(positions_px: np.ndarray) -> np.ndarray:
    idx = [L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_SHOULDER, L.RIGHT_SHOULDER]
    return nan_mean(np.moveaxis(positions_px[:, idx], 1, 0))


def _departure(displacement: np.ndarray, t: np.ndarray, start: int, noise: float, threshold: float) -> float:
    """Find when a displacement from rest starts for good.

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
    """Find the time a leg leaves its block, between frames ``start`` and ``stop``.

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
    """Find the first stretch (a, b) in which the body holds still for at least ``min_hold_s``.

    Still: ``centre`` (T, 2) stays within ``radius_px`` of its median and ``allowed`` holds
    throughout; the stretch is grown as long as it lasts.
    """
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


def find_start_events(track: PoseTrack, direction: int, min_hold_s: float = 0.2, *,
                      angles: dict[str, np.ndarray] | None = None) -> StartEvents | None:
    """Find the set position, first movement and block exits of a clip that starts crouched and still.

    The set position is the first stretch of at least ``min_hold_s`` in which the torso
    (hips and shoulders) stays within :data:`HOLD_RADIUS_LEGS` of where it is held and the
    hands are down (wrists below the knees).

    Parameters
    ----------
    track : PoseTrack
        The smoothed track (px).
    direction : {+1, -1}
        Direction of travel (+1 left to right).
    min_hold_s : float
        Shortest set position (s).
    angles : dict of str to ndarray (T,), optional
        The track's angles (deg), when already computed (:func:`sprintlens.analysis.angles.sprint_angles`).

    Returns
    -------
    StartEvents or None
        None when the clip does not start that way (a flying or standing start).
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
    sag_x = {side: direction * _median(toes[side][a:b, 0]) for side in SIDES}
    rear, front = sorted(SIDES, key=lambda s: sag_x[s])

    def onset(values: np.ndarray, start: int, min_legs: float) -> float:
        if np.isnan(values[a:b]).all(axis=0).any():  # a part never seen in the hold: no rest to leave
            return float("nan")
        rest = np.nanmedian(values[a:b], axis=0)
        displacement = np.linalg.norm((values - rest).reshape(len(values), -1), axis=1)
        quiet = displacement[a:b]
        # a rendered or very steady hold can read almost frozen: keep a realistic noise floor
        noise = max(1.4826 * _median(np.abs(quiet - _median(quiet))), HOLD_NOISE_LEGS * leg)
        return _departure(displacement, t, start, noise, max(5.0 * noise, min_legs * leg))

    hands = nan_mean(np.moveaxis(P[:, [L.LEFT_WRIST, L.RIGHT_WRIST]], 1, 0))
    first_movement = onset(centre - hands, a, 0.02)
    start_k = int(np.searchsorted(t, first_movement)) if np.isfinite(first_movement) else a
    from_k = max(start_k - 1, a)
    knees = angles if angles is not None else sprint_angles(P, direction)
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
