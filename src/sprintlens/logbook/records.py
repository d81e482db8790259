"""The coach's logbook as plain records: athletes, training sessions and analysed reps.

These are the values :mod:`sprintlens.logbook.store` reads and writes (it is the only module that knows
SQL) and that :mod:`sprintlens.logbook.fatigue`, :mod:`sprintlens.logbook.progress` and the reports work on.
:func:`rep_record` turns a rep's :class:`~sprintlens.analysis.result.Analysis` into a :class:`Rep`.

Units: times in s, frequencies in Hz, angles in deg, distances and speeds in the rep's ``unit``
(``"m"`` with a metric scale, ``"legs"``, leg lengths, without one).  Missing values are NaN.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sprintlens.core.series import finite_or_nan
from sprintlens.core.step_table import StepTable
from sprintlens.core.version import __version__

if TYPE_CHECKING:  # only for annotations: a logbook command need not load the analysis stages
    from sprintlens.analysis.result import Analysis

#: Training phases a coach commonly names; any other short text is accepted too.
KNOWN_PHASES = ("general", "strength", "eccentric", "power", "speed", "speed endurance", "technique",
                "competition", "recovery")

#: Rep-level numeric metrics stored for every rep (from :class:`sprintlens.analysis.steps.RepSummary`).
REP_VALUES = ("cadence_spm", "duty_factor", "top_velocity", "top_velocity_step", "block_time_s",
              "rear_block_time_s")

#: Fields of a trend (:class:`sprintlens.analysis.steps.Trend`).
TREND_FIELDS = ("mean", "sd", "n", "slope_per_step", "first_last_change")

#: Step fields that are text or flags, not numbers (``quality_reasons`` is not stored; ``trusted``
#: is stored as the number 1 or 0 and read back as a flag by the step table).
STEP_TEXT_FIELDS = ("foot", "foot_view", "quality_reasons")
STEP_FLAG_FIELDS = ("low_confidence_timing",)


@dataclass(frozen=True)
class Athlete:
    """An athlete in the logbook.

    Attributes
    ----------
    id : int
        Database id.
    name : str
        Unique (case-insensitive) name.
    height_m : float or None
        Standing height (m); sets the metric scale of their reps.
    notes : str
        Free text.
    reference_session_id : int or None
        A session chosen as the baseline for fatigue flags instead of each session's first reps.
    created_utc : str
        ISO 8601 time the athlete was added.
    """

    id: int
    name: str
    height_m: float | None = None
    notes: str = ""
    reference_session_id: int | None = None
    created_utc: str = ""


@dataclass(frozen=True)
class TrainingSession:
    """One training session of one athlete.

    Attributes
    ----------
    id : int
        Database id.
    athlete_id : int
        Whose session.
    athlete : str
        The athlete's name.
    date : datetime.date
        Day of the session.
    location : str
        Where (free text, may be empty).
    phase : str
        Training phase (``"speed"``, ``"strength"``, ``"eccentric"`` ...; may be empty).
    notes : str
        Free text.
    n_reps : int
        Reps stored for it.
    created_utc : str
        ISO 8601 time the session was created.
    """

    id: int
    athlete_id: int
    athlete: str
    date: dt.date
    location: str = ""
    phase: str = ""
    notes: str = ""
    n_reps: int = 0
    created_utc: str = ""

    def describe(self) -> str:
        """Describe the session in words: ``"session 3, 2024-05-01, speed, track A"`` (empty parts left out)."""
        parts = [f"session {self.id}", self.date.isoformat(), self.phase, self.location]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Rep:
    """One analysed rep: what was filmed, how, and every rep and step metric.

    Attributes
    ----------
    video_sha256 : str
        SHA-256 of the clip (identifies the rep: the same clip analysed again updates it).
    video_name : str
        File name of the clip.
    capture : mapping
        How the rep was filmed and analysed (JSON-compatible): frame rates, frame size, rotation,
        codec, pose model and options, analysis options, SprintLens version.
    gait, gait_reason : str
        Gait verdict (``"running"``, ``"walking"`` ...) and why.
    unit : str
        Unit of distances: ``"m"`` or ``"legs"``.
    scale_source : str
        How distances were scaled.
    n_steps : int
        Complete steps found.
    fps : float
        Real frames per second of the capture.
    low_confidence_timing : bool
        Captured below 100 frames/s (contact and flight times are low confidence).
    values : mapping of str to float
        Rep-level metrics (:data:`REP_VALUES`).
    trends : mapping of str to mapping
        Per step metric: mean, sd, n, slope_per_step, first_last_change over the rep's steps.
    steps : StepTable
        Every :class:`sprintlens.analysis.steps.Step` field, column by column
        (:class:`sprintlens.core.step_table.StepTable`, distances in ``unit``); a sequence of
        one mapping per step is turned into one.
    id, session_id, order : int or None
        Database id, session and order in the session (None before it is stored).
    rpe : int or None
        Rating of perceived exertion, 1-10.
    notes : str
        Free text.
    analysed_utc : str
        ISO 8601 time of the analysis.
    sprintlens_version : str
        Version of SprintLens that analysed it.
    """

    video_sha256: str
    video_name: str
    capture: Mapping[str, Any]
    gait: str
    gait_reason: str
    unit: str
    scale_source: str
    n_steps: int
    fps: float
    low_confidence_timing: bool
    values: Mapping[str, float] = field(default_factory=dict)
    trends: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    steps: StepTable = field(default_factory=lambda: StepTable({}))
    id: int | None = None
    session_id: int | None = None
    order: int | None = None
    rpe: int | None = None
    notes: str = ""
    analysed_utc: str = ""
    sprintlens_version: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.steps, StepTable):  # one mapping per step, as read or made by hand
            object.__setattr__(self, "steps", StepTable.from_rows(list(self.steps), self.unit))

    def step_values(self, metric: str) -> np.ndarray:
        """Return the per-step values of ``metric`` (NaN where missing), in step order."""
        return self.steps.numbers(metric)

    @property
    def feet(self) -> np.ndarray:
        """Foot of each step (``"left"`` / ``"right"``)."""
        return self.steps.feet

    @property
    def label(self) -> str:
        """``"rep 3"`` once stored, else the clip's name."""
        return f"rep {self.order}" if self.order is not None else self.video_name

    def value(self, name: str) -> float:
        """Return a rep-level metric (:data:`REP_VALUES`), or the mean over steps of a step metric.

        NaN when the rep has neither (or the value is not a finite number).
        """
        if name in self.values:
            return finite_or_nan(self.values[name])
        if name in self.trends:
            return finite_or_nan(self.trends[name].get("mean"))
        return float("nan")


def rep_record(analysis: Analysis, video_name: str | None = None) -> Rep:
    """Make the storable record of an analysed rep.

    Parameters
    ----------
    analysis : Analysis
        The rep's analysis.
    video_name : str, optional
        Name of the clip (default: the file name in the track's provenance).

    Returns
    -------
    Rep
        Not yet stored (``id``, ``session_id`` and ``order`` are None).
    """
    track = analysis.track
    summary = analysis.summary
    video = dict(track.provenance.get("video", {}))
    name = video_name or str(video.get("file") or "")
    config = dataclasses.asdict(analysis.config)
    capture = {
        "video": {**video, "frame_size": list(track.frame_size)},
        "fps": float(track.fps),
        "pose": {"model_id": track.model_id, "model_version": track.model_version,
                 "config": track.provenance.get("pose"), "athlete": track.provenance.get("athlete")},
        "analysis": {"height_m": config.get("height_m"), "calibration": config.get("calibration"),
                     "direction": config.get("direction")},
        "frames": int(track.n_frames),
        "athlete_seen_fraction": float(track.coverage),
    }
    values = {name_: finite_or_nan(getattr(summary, name_)) for name_ in REP_VALUES}
    trends = {metric: {f: finite_or_nan(getattr(tr, f)) for f in TREND_FIELDS} for metric, tr in summary.trends.items()}
    steps = analysis.step_table
    return Rep(
        video_sha256=track.video_sha256,
        video_name=name,
        capture=capture,
        gait=summary.gait,
        gait_reason=summary.gait_reason,
        unit=summary.unit,
        scale_source=summary.scale_source,
        n_steps=summary.n_steps,
        fps=float(summary.fps),
        low_confidence_timing=bool(summary.low_confidence_timing),
        values=values,
        trends=trends,
        steps=steps,
        analysed_utc=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        sprintlens_version=__version__,
    )
