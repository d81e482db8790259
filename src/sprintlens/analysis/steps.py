"""Per-step and per-rep metrics, each timing with its uncertainty (../shared/DESIGN.md section 5).

A step runs from one touchdown to the next touchdown (of the other foot).  Its contact is the
first foot's ground contact; its flight is from that toe-off to the next touchdown.

Uncertainty: every event time is good to one frame period at best (``timing_unc_s``); contact,
flight and step times inherit that.  Below :data:`LOW_CONFIDENCE_FPS` a frame is a large part of a
contact, so contact and flight times are flagged low confidence (reported, not hidden).
Distances carry the scale's own uncertainty.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field

import numpy as np

from sprintlens.analysis.contacts import Contact, Gait, GaitVerdict
from sprintlens.analysis.scale import Scale
from sprintlens.analysis.start import StartEvents
from sprintlens.core.catalogue import BY_NAME, FINE_TIMING_FPS, STEP_METRIC_NAMES
from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.landmarks import hip_centre_x
from sprintlens.core.series import derivative, nan_mean

#: Below this frame rate (frames/s), contact and flight times are low confidence.
LOW_CONFIDENCE_FPS = FINE_TIMING_FPS


def value_at(t_s: np.ndarray, values: np.ndarray, time_s: float) -> float:
    """Interpolate a per-frame series at ``time_s`` (NaN outside or next to missing data).

    Parameters
    ----------
    t_s : ndarray (T,)
        Time of each frame (s), increasing.
    values : ndarray (T,)
        The series, one value per frame.
    time_s : float
        The time (s) to read the series at.

    Returns
    -------
    float
        The value linearly interpolated between the two frames around ``time_s``; when one of
        them is missing, the earlier frame's value if it is finite and nearer, else the later
        frame's (which may be NaN).  NaN when ``time_s`` is not finite or outside ``t_s``.
    """
    if not np.isfinite(time_s) or time_s < t_s[0] or time_s > t_s[-1]:
        return float("nan")
    k = int(np.searchsorted(t_s, time_s))
    if k == 0:
        return float(values[0])
    a, b = values[k - 1], values[k]
    if not (np.isfinite(a) and np.isfinite(b)):
        return float(a if np.isfinite(a) and time_s - t_s[k - 1] < t_s[k] - time_s else b)
    w = (time_s - t_s[k - 1]) / (t_s[k] - t_s[k - 1])
    return float(a + w * (b - a))


@dataclass(frozen=True)
class Step:
    """One step, touchdown to the next touchdown.

    Times in s, angles in deg, distances in the rep's unit (``m``, or leg lengths without a
    metric scale), frames are video frame indices.  ``trusted`` and ``quality_reasons`` are the
    step's verdict (:mod:`sprintlens.analysis.quality`): a step read from a misread event or pose
    is kept in the table, with its reasons, and left out of the rep's summary.
    """

    index: int
    foot: str
    foot_view: str  # "near" or "far" (to the camera), "" when unclear
    touchdown_s: float
    toeoff_s: float
    next_touchdown_s: float
    contact_s: float
    flight_s: float
    step_time_s: float
    step_frequency_hz: float
    timing_unc_s: float
    step_frequency_unc_hz: float
    step_length: float
    step_length_unc: float
    step_velocity: float
    touchdown_distance: float
    hip_extension_toeoff_deg: float
    thigh_toeoff_deg: float
    shin_touchdown_deg: float
    trunk_lean_touchdown_deg: float
    knee_drive_deg: float
    knee_height_thighs: float
    max_thigh_separation_deg: float
    touchdown_frame: int
    full_support_frame: int
    toeoff_frame: int
    max_separation_frame: int
    low_confidence_timing: bool
    trusted: bool = True  # judged by sprintlens.analysis.quality; rep summaries use trusted steps only
    quality_reasons: str = ""  # why not trusted: short reasons separated by "; " (empty when trusted)

    def as_row(self) -> dict[str, object]:
        """Return the step as a dict of its fields, in the order of :class:`Step` (a ``steps.csv`` row)."""
        return asdict(self)


#: Every field of a step, in the order of :class:`Step` (and of ``steps.csv``).
STEP_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Step))


#: Step metrics summarised per rep, with the direction in which a change is a worse sign
#: (from the catalogue, :mod:`sprintlens.core.catalogue`).
STEP_METRICS: dict[str, str] = {name: BY_NAME[name].worse for name in STEP_METRIC_NAMES}


@dataclass(frozen=True)
class Trend:
    """Mean, spread and linear trend of a step metric over a rep."""

    mean: float
    sd: float
    n: int
    slope_per_step: float
    first_last_change: float  # mean of the last third minus mean of the first third


@dataclass(frozen=True)
class RepSummary:
    """Per-rep metrics."""

    gait: str
    gait_reason: str
    n_steps: int
    unit: str
    scale_source: str
    cadence_spm: float
    duty_factor: float
    top_velocity: float
    top_velocity_step: int
    block_time_s: float
    rear_block_time_s: float
    low_confidence_timing: bool
    fps: float
    trends: dict[str, Trend] = field(default_factory=dict)
    n_trusted_steps: int = -1  # -1: all n_steps (a summary made before steps were judged)
    left_out: dict[int, str] = field(default_factory=dict)  # step index -> why it was not trusted

    def __post_init__(self) -> None:
        if self.n_trusted_steps < 0:
            object.__setattr__(self, "n_trusted_steps", self.n_steps)

    @property
    def trusted_text(self) -> str:
        """How many steps the summary rests on: ``"30 of 32 steps trusted"``."""
        return f"{self.n_trusted_steps} of {self.n_steps} steps trusted"

    def as_dict(self) -> dict[str, object]:
        """Return the summary as a dict of its fields, each trend a dict of its own.

        Returns
        -------
        dict
            Every field, the trends as dicts, ``left_out`` as a list of ``{"step", "reasons"}``
            and ``trusted`` as the words of :attr:`trusted_text`.
        """
        out = asdict(self)
        out["trends"] = {k: asdict(v) for k, v in self.trends.items()}
        out["left_out"] = [{"step": k, "reasons": v} for k, v in sorted(self.left_out.items())]
        out["trusted"] = self.trusted_text
        return out


def _key_frames(contact: Contact, next_td: float, track_t: np.ndarray, frame_index: np.ndarray,
                foot_x: np.ndarray, hip_x: np.ndarray, separation: np.ndarray) -> tuple[int, int, int, int]:
    """Find the video frames of touchdown, full support, toe-off and max thigh separation of a step."""
    first, last = contact.first_frame, contact.last_frame
    gap = np.abs(foot_x[first:last + 1] - hip_x[first:last + 1])
    full = first + int(np.nanargmin(gap)) if np.isfinite(gap).any() else (first + last) // 2
    lo = int(np.searchsorted(track_t, contact.touchdown_s))
    hi = int(np.searchsorted(track_t, next_td, side="right"))
    window = separation[lo:hi]
    peak = lo + int(np.nanargmax(window)) if window.size and np.isfinite(window).any() else last
    return (int(frame_index[first]), int(frame_index[full]), int(frame_index[last]), int(frame_index[peak]))


def step_metrics(
    contacts: list[Contact],
    angles: dict[str, np.ndarray],
    positions_px: np.ndarray,
    t_s: np.ndarray,
    frame_index: np.ndarray,
    fps: float,
    direction: int,
    scale: Scale,
    gait: GaitVerdict,
    ground_speed_px_s: np.ndarray | None = None,
    after_s: float = -np.inf,
    near: str | None = None,
) -> list[Step]:
    """Make the steps from successive contacts of alternating feet.

    Parameters
    ----------
    contacts : list of Contact
        Sorted by touchdown.
    angles : dict
        Per-frame angles (:func:`sprintlens.analysis.angles.sprint_angles`) of the smoothed track.
    positions_px : ndarray (T, 33, 2)
        Smoothed landmarks (px), for hip and foot positions.
    t_s : ndarray (T,)
        Time of each track frame (s).
    frame_index : ndarray (T,)
        Video frame index of each track frame (for the steps' key frames).
    fps : float
        Frame rate (frames/s): one frame period is the timing uncertainty; below
        :data:`LOW_CONFIDENCE_FPS` the timings are flagged low confidence.
    direction : int
        +1 when the athlete runs left to right, -1 right to left.
    scale : Scale
        From pixels to the rep's distance unit.
    gait : GaitVerdict
        The clip's gait; flight times only when running (NaN otherwise).
    ground_speed_px_s : ndarray (T,), optional
        Image speed of the ground (px/s; a treadmill belt, a panning camera); 0 when None.
    after_s : float
        Ignore contacts that end before this time (s; feet still in the blocks).
    near : str, optional
        Which leg is nearer the camera (labels each step's foot near or far).

    Returns
    -------
    list of Step
        One step per pair of successive contacts of alternating feet (the first complete, the
        next one's touchdown filmed), with step lengths and velocities filled in.
    """
    period = 1.0 / fps
    low_conf = fps < LOW_CONFIDENCE_FPS
    running = gait.gait == Gait.RUNNING
    ground = np.zeros(len(t_s)) if ground_speed_px_s is None else ground_speed_px_s
    hip_x = hip_centre_x(positions_px)
    usable = [c for c in contacts if c.toeoff_s > after_s]
    steps: list[Step] = []
    for this, nxt in zip(usable, usable[1:]):
        if this.foot == nxt.foot or not (this.complete and nxt.starts_in_clip):
            continue
        side, other = this.foot, nxt.foot
        foot_pts = positions_px[:, [L[f"{side.upper()}_HEEL"], L[f"{side.upper()}_FOOT_INDEX"]]]
        foot_x = nan_mean(foot_pts[..., 0].T)
        step_time = nxt.touchdown_s - this.touchdown_s
        contact_time = this.contact_s
        flight = nxt.touchdown_s - this.toeoff_s if running else float("nan")

        # touchdown distance: lowest foot point at touchdown relative to the hip on the same side,
        # which is at about the same depth (the other hip projects elsewhere when the athlete is
        # off the camera's axis)
        a = this.first_frame
        heights = -foot_pts[a, :, 1]
        lowest = int(np.nanargmin(-heights)) if np.isfinite(heights).any() else 0
        hip_same = positions_px[a, L[f"{side.upper()}_HIP"], 0]
        td_distance = float(scale.distance(direction * (foot_pts[a, lowest, 0] - hip_same)))

        separation = angles["thigh_separation_deg"]
        lo = int(np.searchsorted(t_s, this.touchdown_s))
        hi = int(np.searchsorted(t_s, nxt.touchdown_s, side="right"))
        swing_thigh = angles[f"thigh_{other}_deg"][lo:hi]
        if swing_thigh.size and np.isfinite(swing_thigh).any():
            peak = lo + int(np.nanargmax(swing_thigh))
            knee_drive = float(angles[f"thigh_{other}_deg"][peak])
            knee_height = float(angles[f"knee_height_{other}"][peak])
        else:
            knee_drive = knee_height = float("nan")
        window = separation[lo:hi]
        max_sep = float(np.nanmax(window)) if window.size and np.isfinite(window).any() else float("nan")
        frames = _key_frames(this, nxt.touchdown_s, t_s, frame_index, foot_x, hip_x, separation)
        steps.append(Step(
            index=len(steps) + 1, foot=side, foot_view="" if near is None else ("near" if side == near else "far"),
            touchdown_s=this.touchdown_s, toeoff_s=this.toeoff_s, next_touchdown_s=nxt.touchdown_s,
            contact_s=contact_time, flight_s=flight, step_time_s=step_time,
            step_frequency_hz=1.0 / step_time, timing_unc_s=period,
            step_frequency_unc_hz=period / step_time**2,
            step_length=float("nan"), step_length_unc=float("nan"),
            step_velocity=float("nan"),
            touchdown_distance=td_distance,
            hip_extension_toeoff_deg=value_at(t_s, angles[f"hip_extension_{side}_deg"], this.toeoff_s),
            thigh_toeoff_deg=value_at(t_s, angles[f"thigh_{side}_deg"], this.toeoff_s),
            shin_touchdown_deg=value_at(t_s, angles[f"shin_{side}_deg"], this.touchdown_s),
            trunk_lean_touchdown_deg=value_at(t_s, angles["trunk_lean_deg"], this.touchdown_s),
            knee_drive_deg=knee_drive, knee_height_thighs=knee_height, max_thigh_separation_deg=max_sep,
            touchdown_frame=frames[0], full_support_frame=frames[1], toeoff_frame=frames[2],
            max_separation_frame=frames[3], low_confidence_timing=low_conf,
        ))
    return _with_step_lengths(steps, usable, positions_px, t_s, direction, scale, ground)


def contact_ground_positions(contacts: list[Contact], positions_px: np.ndarray, t_s: np.ndarray,
                             ground_speed_px_s: np.ndarray) -> np.ndarray:
    """Find where each contact's toe is planted, in ground coordinates (px), (n_contacts,).

    Ground coordinates follow the ground: ``x - carried(t)`` where ``carried`` is the ground's
    image displacement since the start (0 for a static camera, the belt on a treadmill, the pan
    of a following camera).  The median over the contact's frames of the toe's ground
    coordinate is where the foot was planted.

    Parameters
    ----------
    contacts : list of Contact
        The contacts.
    positions_px : ndarray (T, 33, 2)
        Smoothed landmarks (px).
    t_s : ndarray (T,)
        Time of each frame (s).
    ground_speed_px_s : ndarray (T,)
        Image speed of the ground (px/s); 0 for a static camera.

    Returns
    -------
    ndarray (n_contacts,)
        Ground x coordinate (px) of each contact's planted toe; NaN when the toe was never seen
        during the contact.
    """
    steps_t = np.diff(t_s)
    carried = np.concatenate([[0.0], np.cumsum((ground_speed_px_s[1:] + ground_speed_px_s[:-1]) / 2 * steps_t)])
    out = np.full(len(contacts), np.nan)
    for k, c in enumerate(contacts):
        toe = positions_px[c.first_frame:c.last_frame + 1, L[f"{c.foot.upper()}_FOOT_INDEX"], 0]
        ground = toe - carried[c.first_frame:c.last_frame + 1]
        if np.isfinite(ground).any():
            out[k] = float(np.nanmedian(ground))
    return out


def _with_step_lengths(steps: list[Step], contacts: list[Contact], positions_px: np.ndarray, t_s: np.ndarray,
                       direction: int, scale: Scale, ground_speed_px_s: np.ndarray) -> list[Step]:
    """Fill in step lengths and velocities.

    The raw length of a step is the distance between the planted toes of its two contacts.  The
    near and far foot land at different depths, so when the athlete is off the camera's axis
    the raw lengths alternate long-short by a perspective error that flips sign every step.
    A [1, 2, 1] / 4 filter over successive steps ([1, 1] / 2 at the ends of a run of steps)
    cancels that alternation exactly, at the price of also removing any true left/right
    step-length asymmetry (which this cannot tell from perspective).
    """
    if not steps:
        return steps
    by_touchdown = {c.touchdown_s: k for k, c in enumerate(contacts)}
    ground = contact_ground_positions(contacts, positions_px, t_s, ground_speed_px_s)
    raw = np.full(len(steps), np.nan)
    for i, step in enumerate(steps):
        k = by_touchdown.get(step.touchdown_s)
        j = by_touchdown.get(step.next_touchdown_s)
        if k is not None and j is not None:
            raw[i] = float(scale.distance(direction * (ground[j] - ground[k])))
    # consecutive steps (each starting where the previous ended) form runs to filter within
    smoothed = np.full(len(steps), np.nan)
    for i in range(len(steps)):
        prev_ok = i > 0 and steps[i - 1].next_touchdown_s == steps[i].touchdown_s and np.isfinite(raw[i - 1])
        next_ok = (i + 1 < len(steps) and steps[i].next_touchdown_s == steps[i + 1].touchdown_s
                   and np.isfinite(raw[i + 1]))
        if not np.isfinite(raw[i]):
            continue
        if prev_ok and next_ok:
            smoothed[i] = (raw[i - 1] + 2 * raw[i] + raw[i + 1]) / 4
        elif prev_ok:
            smoothed[i] = (raw[i - 1] + raw[i]) / 2
        elif next_ok:
            smoothed[i] = (raw[i] + raw[i + 1]) / 2
        else:
            smoothed[i] = raw[i]
    out = []
    for step, length in zip(steps, smoothed):
        unc = abs(length) * scale.relative_uncertainty + float(scale.distance(0.02 * scale.leg_px))
        out.append(dataclasses.replace(step, step_length=float(length), step_length_unc=float(unc),
                                       step_velocity=float(length / step.step_time_s)))
    return out


def trend(values: list[float]) -> Trend:
    """Return the mean, SD, least-squares slope per step and last-third minus first-third of a series."""
    x = np.asarray(values, dtype=np.float64)
    idx = np.flatnonzero(np.isfinite(x))
    if idx.size == 0:
        return Trend(float("nan"), float("nan"), 0, float("nan"), float("nan"))
    v = x[idx]
    slope = float(np.polyfit(idx, v, 1)[0]) if idx.size >= 3 else float("nan")
    third = max(1, idx.size // 3)
    change = float(np.mean(v[-third:]) - np.mean(v[:third])) if idx.size >= 3 else float("nan")
    return Trend(float(np.mean(v)), float(np.std(v, ddof=1)) if v.size > 1 else float("nan"), int(v.size), slope,
                 change)


def cadence_spm(contacts: list[Contact]) -> float:
    """Return the steps per minute from the touchdowns of a run of alternating contacts.

    The slope of touchdown time against step number (least squares) is the mean step time; it
    is steadier than the span from first to last touchdown, which rests on two events only.
    """
    touchdowns = [c.touchdown_s for c in contacts if c.starts_in_clip]
    if len(touchdowns) < 3:
        return float("nan")
    slope = float(np.polyfit(np.arange(len(touchdowns)), touchdowns, 1)[0])
    return 60.0 / slope if slope > 0 else float("nan")


def cadence_of_steps(steps: list[Step]) -> float:
    """Return the steps per minute from the touchdowns of runs of successive steps.

    Steps follow one another when each starts at the previous one's next touchdown; each run of
    them gives its touchdowns (and the last step's next touchdown) against step number.  The
    least-squares slope common to all runs (each with its own intercept) is the mean step time:
    with one run, the slope of :func:`cadence_spm`; a step left out splits its run in two instead
    of counting as a step.

    Parameters
    ----------
    steps : list of Step
        The steps (those to count: the trusted ones), in order.

    Returns
    -------
    float
        Steps per minute; NaN with fewer than two steps in runs of two or more touchdowns' worth.
    """
    runs: list[list[float]] = []
    for step in steps:
        if runs and runs[-1][-1] == step.touchdown_s:
            runs[-1].append(step.next_touchdown_s)
        else:
            runs.append([step.touchdown_s, step.next_touchdown_s])
    sxy = sxx = 0.0
    counted = 0
    for run in runs:
        if len(run) < 2:
            continue
        x = np.arange(len(run), dtype=np.float64)
        y = np.asarray(run, dtype=np.float64)
        sxy += float(np.sum((x - x.mean()) * (y - y.mean())))
        sxx += float(np.sum((x - x.mean()) ** 2))
        counted += len(run) - 1
    if counted < 2 or sxx <= 0:
        return float("nan")
    slope = sxy / sxx
    return 60.0 / slope if slope > 0 else float("nan")


def top_speed(velocity: np.ndarray, t_s: np.ndarray, fps: float, steps: list[Step]) -> tuple[float, int]:
    """Find the fastest average speed of the hips over the ground through one stride, and its step.

    The per-frame speed (:func:`velocity_curve`) averaged over a window of one stride (twice the
    median step time; 0.5 s without steps), at least 90 % of the window seen; the maximum over
    the rep.  It does not rest on the event times: one touchdown read early makes one step short
    and the next long, and a single step's speed (``Step.step_velocity``) then reads too fast.

    Parameters
    ----------
    velocity : ndarray (T,)
        Per-frame forward speed of the hips over the ground (:func:`velocity_curve`), in the
        rep's unit per second; NaN where unseen.
    t_s : ndarray (T,)
        Time of each frame (s).
    fps : float
        Frame rate (frames/s), to turn the window's length into frames.
    steps : list of Step
        The rep's steps (their median step time sets the window).

    Returns
    -------
    speed : float
        The fastest window's mean speed, in the rep's unit per second; NaN when too little of
        the athlete was seen.
    step : int
        Index of the step whose span holds the window's centre; 0 when none does (or no speed).
    """
    window_s = 2.0 * float(np.median([st.step_time_s for st in steps])) if steps else 0.5
    width = max(3, int(round(window_s * fps)))
    seen = np.isfinite(velocity)
    if len(velocity) < width or not seen.any():
        return float("nan"), 0
    kernel = np.ones(width) / width
    total = np.convolve(np.where(seen, velocity, 0.0), kernel, mode="valid")
    share = np.convolve(seen.astype(float), kernel, mode="valid")
    mean = np.where(share >= 0.9, total / np.maximum(share, 1e-12), np.nan)
    if not np.isfinite(mean).any():
        return float("nan"), 0
    k = int(np.nanargmax(mean))
    centre = float(t_s[k + width // 2])
    step = next((st.index for st in steps if st.touchdown_s <= centre < st.next_touchdown_s), 0)
    return float(mean[k]), step


def rep_summary(steps: list[Step], contacts: list[Contact], gait: GaitVerdict, scale: Scale, fps: float,
                start: StartEvents | None, velocity: np.ndarray | None = None,
                t_s: np.ndarray | None = None) -> RepSummary:
    """Summarise a rep: per-rep averages, trends, cadence, top velocity and block times.

    Parameters
    ----------
    steps : list of Step
        The rep's steps; only the trusted ones (``Step.trusted``) make its trends, cadence and
        top speed's window (the summary says how many: ``RepSummary.trusted_text``, and which
        were left out and why: ``RepSummary.left_out``).
    contacts : list of Contact
        The rep's contacts; when every step is trusted, the cadence is read from their
        touchdowns (those that end before the front foot leaves the blocks do not count),
        else from the trusted steps' (:func:`cadence_of_steps`).
    gait : GaitVerdict
        The clip's gait (its verdict, reason and duty factor are reported).
    scale : Scale
        The rep's scale (its unit and source are reported).
    fps : float
        Frame rate (frames/s); below :data:`LOW_CONFIDENCE_FPS` the timings are low confidence.
    start : StartEvents or None
        The block start's events (block times, when the front foot leaves); None without a
        block start.
    velocity : ndarray (T,), optional
        Per-frame forward speed of the hips (:func:`velocity_curve`), for the top speed.
    t_s : ndarray (T,), optional
        Time of each frame (s); with ``velocity``, else the top speed is NaN.

    Returns
    -------
    RepSummary
        The rep's metrics.
    """
    trusted = [s for s in steps if s.trusted]
    trends = {name: trend([getattr(s, name) for s in trusted]) for name in STEP_METRICS}
    if velocity is not None and t_s is not None:
        top, top_step = top_speed(velocity, t_s, fps, trusted)
    else:
        top, top_step = float("nan"), 0
    after = start.front_exit_s if start else -np.inf
    if len(trusted) == len(steps):  # every step trusted: every touchdown counts, as it always did
        cadence = cadence_spm([c for c in contacts if c.toeoff_s > after])
    else:
        cadence = cadence_of_steps(trusted)
    return RepSummary(
        gait=gait.gait.value, gait_reason=gait.reason, n_steps=len(steps), unit=scale.unit,
        scale_source=scale.describe(), cadence_spm=cadence,
        duty_factor=gait.duty_factor, top_velocity=top, top_velocity_step=top_step,
        block_time_s=start.block_time_s if start else float("nan"),
        rear_block_time_s=start.rear_block_time_s if start else float("nan"),
        low_confidence_timing=fps < LOW_CONFIDENCE_FPS, fps=fps, trends=trends,
        n_trusted_steps=len(trusted), left_out={s.index: s.quality_reasons for s in steps if not s.trusted})


def velocity_curve(positions_px: np.ndarray, t_s: np.ndarray, fps: float, direction: int, scale: Scale,
                   ground_speed_px_s: np.ndarray | None = None) -> np.ndarray:
    """Return the forward speed of the hip midpoint over the ground (T,), in unit/s.

    Image speed of the hips minus the image speed of the ground (0 for a static camera), in the
    direction of travel, from the smoothed track.

    Parameters
    ----------
    positions_px : ndarray (T, 33, 2)
        Smoothed landmarks (px).
    t_s : ndarray (T,)
        Time of each frame (s).
    fps : float
        Frame rate (frames/s).
    direction : int
        +1 when the athlete runs left to right, -1 right to left.
    scale : Scale
        From pixels to the rep's distance unit.
    ground_speed_px_s : ndarray (T,), optional
        Image speed of the ground (px/s); none subtracted when None.

    Returns
    -------
    ndarray (T,)
        Forward speed in the rep's distance unit per second.
    """
    hip_x = hip_centre_x(positions_px)
    speed = derivative(hip_x, t_s, fps)
    if ground_speed_px_s is not None:
        speed = speed - ground_speed_px_s
    return np.asarray(scale.distance(direction * speed))
