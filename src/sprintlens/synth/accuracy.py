"""How well an analysis reads a rendered clip: SprintLens's results against the clip's ground truth.

:func:`evaluate_analysis` compares an :class:`~sprintlens.analysis.result.Analysis` of a rendered clip
(from its video through the pose model, or from :func:`~sprintlens.synth.truth.truth_track`, a
perfect pose model) with the clip's truth (:mod:`sprintlens.synth.truth`) and returns a
:class:`ClipAccuracy`: angle errors, event timing, contact times, step lengths and start events.
The targets of issue 4 are the module's constants (``*_TARGET*``).

:func:`finder_accuracy` scores a person finder instead: how often a pose track has the athlete
at all, and how far its landmarks are from the truth, in pixels and as a share of the
athlete's height in the image (:func:`standing_height_px`).

Matching: each complete true contact is paired with the found contact of the same foot whose
touchdown is nearest, within half the clip's median step time; a true contact with no partner
counts as a miss in the share of events within one frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sprintlens.core.landmarks import Landmark
from sprintlens.synth.truth import truth_track

__all__ = [
    "ANGLE_RMSE_TARGET_DEG",
    "CONTACT_ERROR_TARGET_FRAMES",
    "EVENTS_WITHIN_FRAME_TARGET",
    "STEP_LENGTH_TARGET_PCT",
    "ClipAccuracy",
    "FinderAccuracy",
    "evaluate_analysis",
    "finder_accuracy",
    "match_contacts",
    "standing_height_px",
]

#: Issue 4: each angle's RMSE over stance and swing, at most this (deg).
ANGLE_RMSE_TARGET_DEG = 4.0
#: Issue 4: touchdowns and toe-offs within one frame period of the truth, at least this share.
EVENTS_WITHIN_FRAME_TARGET = 0.95
#: Issue 4: mean contact-time error, at most this many frame periods.
CONTACT_ERROR_TARGET_FRAMES = 1.0
#: Issue 4: step length with the height scale within this (%).
STEP_LENGTH_TARGET_PCT = 5.0
#: Frames either side of a true event over which :attr:`ClipAccuracy.foot_error_px` is taken.
FOOT_ERROR_WINDOW_FRAMES = 3


@dataclass(frozen=True)
class ClipAccuracy:
    """An analysis of one rendered clip against its truth.

    Attributes
    ----------
    clip : str
        The clip's file name.
    fps : float
        Its frame rate (frames/s); one frame period is ``1 / fps``.
    near_side : str
        The athlete's side facing the camera (``"left"`` or ``"right"``).
    angles_rmse_deg, angles_bias_deg : dict of str to float
        Per angle column (:func:`sprintlens.analysis.angles.sprint_angles` names, left/right), the RMSE
        and the mean error (found - true) over every frame with the athlete in view (deg).
    events_within_frame : float
        Share (0-1) of the true touchdowns and toe-offs (complete contacts) found within one
        frame period; missed events count as outside.
    event_mae_ms, touchdown_bias_ms, toeoff_bias_ms : float
        Mean absolute error of the matched events, and the mean signed error of touchdowns and
        of toe-offs (ms, + late).
    contact_error_ms, contact_error_frames : float
        Mean signed contact-time error of the matched contacts (ms and frame periods).
    step_length_error_pct : float
        Mean absolute step-length error (%), each found step against the truth of the step it
        measures (from its contact to the next).
    n_true_events, n_matched_events : int
        Touchdowns and toe-offs of complete true contacts, and how many were matched.
    start_errors_ms : dict of str to float
        Error of each block-start event (ms, + late); empty without start events.
    touchdown_errors_frames, toeoff_errors_frames : tuple of float
        Signed error of each matched touchdown and toe-off (frame periods, + late): their spread
        about their mean is what no constant correction of a bias could remove.
    foot_error_px : float
        How far the foot points wander about the truth around the contacts: the median, over the
        heel and toe of both feet, of the SD of their vertical error on the timing track within
        :data:`FOOT_ERROR_WINDOW_FRAMES` of each true touchdown and toe-off (px).  What the
        events are timed from; NaN without complete contacts.
    """

    clip: str
    fps: float
    near_side: str
    angles_rmse_deg: dict[str, float]
    angles_bias_deg: dict[str, float]
    events_within_frame: float
    event_mae_ms: float
    touchdown_bias_ms: float
    toeoff_bias_ms: float
    contact_error_ms: float
    contact_error_frames: float
    step_length_error_pct: float
    n_true_events: int
    n_matched_events: int
    start_errors_ms: dict[str, float] = field(default_factory=dict)
    touchdown_errors_frames: tuple[float, ...] = ()
    toeoff_errors_frames: tuple[float, ...] = ()
    foot_error_px: float = float("nan")

    def angle_column(self, angle: str, view: str | None = None) -> str:
        """Return the column of ``angle`` (``"knee_flexion"``) for the ``"near"`` or ``"far"`` leg or arm."""
        if view is None:
            return f"{angle}_deg"
        far = "left" if self.near_side == "right" else "right"
        return f"{angle}_{self.near_side if view == 'near' else far}_deg"


def match_contacts(truth_steps: list[dict[str, Any]], contacts: list[Any],
                   tolerance_s: float) -> list[tuple[dict, Any]]:
    """Pair each complete true contact with the found contact of the same foot nearest its touchdown.

    Parameters
    ----------
    truth_steps : list of dict
        The truth's steps (``truth["steps"]``): ``side``, ``complete`` and ``touchdown_s`` (s) are read.
    contacts : list
        Found contacts, each with ``foot`` (``"left"`` or ``"right"``) and ``touchdown_s`` (s).
    tolerance_s : float
        Largest touchdown difference of a pair (s, exclusive).

    Returns
    -------
    list of (dict, contact)
        Each complete true step with a found contact within ``tolerance_s``, and that contact, in
        the order of ``truth_steps``.  A found contact may be paired with more than one true step.
    """
    pairs = []
    for step in truth_steps:
        if not step["complete"]:
            continue
        near = [c for c in contacts
                if c.foot == step["side"] and abs(c.touchdown_s - step["touchdown_s"]) < tolerance_s]
        if near:
            pairs.append((step, min(near, key=lambda c: abs(c.touchdown_s - step["touchdown_s"]))))
    return pairs


def _angle_errors(analysis: Any, truth: dict[str, Any]) -> tuple[dict[str, float], dict[str, float]]:
    frames = truth["frames"]
    in_view = np.asarray(frames["in_frame"], dtype=bool) & np.asarray(analysis.track.detected, dtype=bool)
    rmse, bias = {}, {}
    for name, values in frames["angles"].items():
        if name not in analysis.angles or not name.endswith("_deg"):
            continue
        true = np.asarray(values, dtype=np.float64)
        found = np.asarray(analysis.angles[name], dtype=np.float64)
        ok = in_view & np.isfinite(true) & np.isfinite(found)
        if ok.any():
            error = found[ok] - true[ok]
            rmse[name] = float(np.sqrt(np.mean(error**2)))
            bias[name] = float(np.mean(error))
    return rmse, bias


def _foot_error_px(analysis: Any, truth: dict[str, Any]) -> float:
    fps = float(truth["video"]["fps"])
    true_px = truth_track(truth).positions_px
    found_px = analysis.cleaned.timing.positions_px
    n = min(len(true_px), len(found_px))
    spreads = []
    for side in ("left", "right"):
        centres = [int(round(s[key] * fps)) for s in truth["steps"] if s["side"] == side and s["complete"]
                   for key in ("touchdown_s", "toe_off_s")]
        frames = sorted({f for c in centres
                         for f in range(c - FOOT_ERROR_WINDOW_FRAMES, c + FOOT_ERROR_WINDOW_FRAMES + 1)
                         if 0 <= f < n})
        for point in ("HEEL", "FOOT_INDEX"):
            index = int(Landmark[f"{side.upper()}_{point}"])
            error = found_px[frames, index, 1] - true_px[frames, index, 1]
            error = error[np.isfinite(error)]
            if error.size >= 2:
                spreads.append(float(np.std(error)))
    return float(np.median(spreads)) if spreads else float("nan")


def evaluate_analysis(analysis: Any, truth: dict[str, Any]) -> ClipAccuracy:
    """Compare an analysis of a rendered clip with the clip's truth (see the module docstring)."""
    fps = float(truth["video"]["fps"])
    period = 1.0 / fps
    rmse, bias = _angle_errors(analysis, truth)

    complete = [s for s in truth["steps"] if s["complete"]]
    step_time = float(np.median([s["step_time_s"] for s in complete])) if complete else 0.2
    pairs = match_contacts(truth["steps"], analysis.contacts, 0.5 * step_time)
    td = np.array([c.touchdown_s - s["touchdown_s"] for s, c in pairs])
    to = np.array([c.toeoff_s - s["toe_off_s"] for s, c in pairs])
    contact = np.array([c.contact_s - s["contact_s"] for s, c in pairs])
    errors = np.abs(np.concatenate([td, to]))
    n_true = 2 * len(complete)
    within = float(np.sum(errors <= period + 1e-9)) / n_true if n_true else float("nan")

    # a found step runs from its contact to the next; the truth gives each contact's step length
    # from the previous contact, so a found step is compared with the truth of its next contact
    length_errors = []
    for found in analysis.steps:
        true = [s for s in truth["steps"] if s["side"] != found.foot and s.get("step_length_m") is not None
                and abs(s["touchdown_s"] - found.next_touchdown_s) < 0.5 * step_time]
        if true and np.isfinite(found.step_length):
            length_errors.append(abs(found.step_length / true[0]["step_length_m"] - 1.0))

    start_errors: dict[str, float] = {}
    events = truth.get("events") or {}
    if events and analysis.start is not None:
        start = analysis.start
        for name, mine in (("first_movement_s", start.first_movement_s), ("rear_block_exit_s", start.rear_exit_s),
                           ("front_block_exit_s", start.front_exit_s), ("block_time_s", start.block_time_s)):
            if name in events:
                start_errors[name.removesuffix("_s")] = 1000.0 * (mine - events[name])
    elif events:
        start_errors["found"] = float("nan")

    def mean_ms(values: np.ndarray) -> float:
        return 1000.0 * float(np.mean(values)) if values.size else float("nan")

    return ClipAccuracy(
        clip=str(truth["video"].get("file", "")), fps=fps, near_side=str(truth["near_side"]),
        angles_rmse_deg=rmse, angles_bias_deg=bias, events_within_frame=within,
        event_mae_ms=mean_ms(errors), touchdown_bias_ms=mean_ms(td), toeoff_bias_ms=mean_ms(to),
        contact_error_ms=mean_ms(contact),
        contact_error_frames=float(np.mean(contact)) / period if contact.size else float("nan"),
        step_length_error_pct=100.0 * float(np.mean(length_errors)) if length_errors else float("nan"),
        n_true_events=n_true, n_matched_events=2 * len(pairs), start_errors_ms=start_errors,
        touchdown_errors_frames=tuple(float(e) for e in td / period),
        toeoff_errors_frames=tuple(float(e) for e in to / period),
        foot_error_px=_foot_error_px(analysis, truth),
    )


@dataclass(frozen=True)
class FinderAccuracy:
    """A pose track of a rendered clip against its truth, for a person finder (:func:`finder_accuracy`).

    Attributes
    ----------
    n_frames_in_view : int
        Frames in which all 33 truth landmarks are inside the image: the frames scored.
    found_fraction : float
        Share (0-1) of those frames in which the track has the athlete (enough finite landmarks).
    error_px_median, error_px_p90 : float
        Median and 90th percentile of the landmark errors (px; Euclidean distance to the truth,
        every finite landmark of every found frame in view); NaN if nothing was found.
    error_height_median, error_height_p90 : float
        The same, each error divided by the athlete's height in the image at that frame (share
        of body height, 0-1).
    body_height_px : float
        Median height of the athlete in the image over the scored frames (px).
    """

    n_frames_in_view: int
    found_fraction: float
    error_px_median: float
    error_px_p90: float
    error_height_median: float
    error_height_p90: float
    body_height_px: float


def standing_height_px(truth: dict[str, Any]) -> np.ndarray:
    """Return the athlete's standing height in the image at each frame (px), from the truth landmarks.

    The image lengths of both legs (hip-knee-ankle) and of the trunk (hip midpoint to shoulder
    midpoint) are scaled up to the whole body by the athlete's segment lengths.  Side on every
    segment is imaged at full length, so this is the height of the athlete standing on the
    running line (the near leg comes out about 1 % long, the far one as much short); a camera
    with a yaw foreshortens the segments and this comes out short (the truth's ``px_per_m``
    times ``athlete.height_m`` holds for any view).

    Parameters
    ----------
    truth : dict
        A truth record (:mod:`sprintlens.synth.truth`).

    Returns
    -------
    ndarray, shape (T,)
        Height (px) per frame.
    """
    px = np.asarray(truth["frames"]["landmarks_px"], dtype=np.float64)
    seg = truth["athlete"]["segments_m"]
    height_m = float(truth["athlete"]["height_m"])

    def length(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.linalg.norm(a - b, axis=-1)

    def at(name: str) -> np.ndarray:
        return px[:, int(Landmark[name.upper()])]

    legs = [length(at(f"{side}_hip"), at(f"{side}_knee")) + length(at(f"{side}_knee"), at(f"{side}_ankle"))
            for side in ("left", "right")]
    hips = 0.5 * (at("left_hip") + at("right_hip"))
    shoulders = 0.5 * (at("left_shoulder") + at("right_shoulder"))
    chain_px = 0.5 * (legs[0] + legs[1]) + length(hips, shoulders)
    chain_m = float(seg["thigh_m"]) + float(seg["shank_m"]) + float(seg["trunk_m"])
    return chain_px / chain_m * height_m


def finder_accuracy(truth: dict[str, Any], positions_px: np.ndarray, min_landmarks: int = 1) -> FinderAccuracy:
    """Score a pose track against a rendered clip's truth: how often the athlete is found, and how well.

    Only the frames with the whole truth athlete in the image (``frames.in_frame``) are scored.
    A frame counts as found when at least ``min_landmarks`` of its 33 landmarks are finite;
    the errors are those of the finite landmarks of the found frames, against
    :func:`~sprintlens.synth.truth.truth_track` positions, and as a share of the athlete's
    height in the image (the truth's ``px_per_m`` times the athlete's height, exact for any view).

    Parameters
    ----------
    truth : dict
        A truth record (:mod:`sprintlens.synth.truth`).
    positions_px : ndarray, shape (T, 33, 2)
        The track's landmark positions (px), NaN where missing; ``T`` is the truth's frame count
        (a shorter track counts its missing tail as not found).
    min_landmarks : int
        Finite landmarks that make a frame found.

    Returns
    -------
    FinderAccuracy
        Share of frames found, landmark errors (px and share of body height: median and 90th
        percentile) and the athlete's median height (px).

    Raises
    ------
    ValueError
        If ``positions_px`` is not (T, 33, 2) or is longer than the truth.
    """
    found_px = np.asarray(positions_px, dtype=np.float64)
    true_px = truth_track(truth).positions_px
    n = true_px.shape[0]
    if found_px.ndim != 3 or found_px.shape[1:] != true_px.shape[1:] or found_px.shape[0] > n:
        raise ValueError(f"positions_px must be (T <= {n}, 33, 2), got {found_px.shape}")
    if found_px.shape[0] < n:
        pad = np.full((n - found_px.shape[0], *true_px.shape[1:]), np.nan)
        found_px = np.concatenate([found_px, pad])
    frames = truth["frames"]
    in_view = np.asarray(frames["in_frame"], dtype=bool)
    height_px = np.asarray(frames["px_per_m"], dtype=np.float64) * float(truth["athlete"]["height_m"])
    finite = np.all(np.isfinite(found_px), axis=-1)
    found = in_view & (finite.sum(axis=1) >= max(int(min_landmarks), 1))
    error = np.linalg.norm(found_px - true_px, axis=-1)
    ok = found[:, None] & finite
    errors = error[ok]
    shares = (error / height_px[:, None])[ok]
    n_view = int(in_view.sum())

    def pct(values: np.ndarray, q: float) -> float:
        return float(np.percentile(values, q)) if values.size else float("nan")

    return FinderAccuracy(
        n_frames_in_view=n_view,
        found_fraction=float(found.sum()) / n_view if n_view else float("nan"),
        error_px_median=pct(errors, 50), error_px_p90=pct(errors, 90),
        error_height_median=pct(shares, 50), error_height_p90=pct(shares, 90),
        body_height_px=float(np.median(height_px[in_view])) if n_view else float("nan"),
    )
