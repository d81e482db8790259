"""Progress over weeks: a metric's session values, their noise band and whether a change is real.

Pure functions of metric values (no files, no database).

The statistics
--------------
*Session value.*  The mean of the rep values (:func:`sprintlens.logbook.fatigue.rep_value`) of the
session's first reps, the fresh ones (``FatigueConfig.baseline_reps``): later reps carry the
session's own fatigue, which says little about the athlete's level.

*Typical error of a session value* ``TE_s``: the rep-to-rep noise of the athlete, from the
first reps of all their sessions pooled (:func:`sprintlens.logbook.fatigue.estimate_noise`: step-to-step
variation within reps and true rep-to-rep variation), divided by ``sqrt(k)`` for ``k`` reps,
with the metric's measurement floor; plus, from three sessions on, the day-to-day variation
left after a straight-line trend over time (``max(0, residual variance - mean TE_s**2)``).
With fewer than three sessions day-to-day variation is unknown and the band is narrower than
the truth: the result says so.

*Minimal detectable change.*  ``MDC95 = 1.96 * sqrt(2) * TE_s`` (Weir 2005, *J Strength Cond
Res* 19:231-240; Haley & Fragala-Pinkham 2006, *Phys Ther* 86:735-743): the smallest
difference between two session values that noise alone produces less than 5 % of the time.
When ``m`` metrics are judged together (:func:`athlete_progress`), 1.96 becomes
``z(1 - 0.05 / (2 m))`` (Bonferroni; 2.77 for the nine default metrics), so that noise alone
makes *some* metric cross its band less than 5 % of the time, not about a third of it.  A change
from the first to the last session is *real* when it exceeds both the band and the smallest
worthwhile change (:mod:`sprintlens.logbook.fatigue`); its direction says improved or declined.

*Trend.*  Least-squares slope of session value on time (per week) with its standard error,
from three sessions on.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from sprintlens.core.formatting import format_change
from sprintlens.logbook.fatigue import (
    FATIGUE_METRICS,
    STEP_LENGTH,
    FatigueConfig,
    MetricSpec,
    RepSteps,
    estimate_noise,
    join_words,
    rep_value,
    usable,
)

#: Progress follows the fatigue metrics and step length.
PROGRESS_METRICS: tuple[MetricSpec, ...] = (*FATIGUE_METRICS, STEP_LENGTH)

PROGRESS_BY_NAME: dict[str, MetricSpec] = {m.name: m for m in PROGRESS_METRICS}


@dataclass(frozen=True)
class SessionData:
    """One session as progress needs it.

    Attributes
    ----------
    session_id : int
        Its id.
    date : datetime.date
        Its day.
    phase : str
        Training phase (may be empty).
    reps : sequence of RepSteps
        Its reps in order.
    """

    session_id: int
    date: dt.date
    phase: str
    reps: Sequence[RepSteps]


@dataclass(frozen=True)
class ProgressPoint:
    """A metric's value in one session.

    Attributes
    ----------
    session_id : int
    date : datetime.date
    phase : str
    value : float
        Mean of the first reps' values (metric's unit).
    typical_error : float
        Its typical error (noise), same unit.
    n_reps : int
        Reps averaged.
    """

    session_id: int
    date: dt.date
    phase: str
    value: float
    typical_error: float
    n_reps: int


@dataclass(frozen=True)
class PhaseSummary:
    """A metric over the sessions of one training phase (a phase may come back later).

    Attributes
    ----------
    phase : str
    n_sessions : int
    first, last : datetime.date
    mean : float
        Mean session value.
    change : float
        Last minus first session value within the phase (0 for one session).
    """

    phase: str
    n_sessions: int
    first: dt.date
    last: dt.date
    mean: float
    change: float


@dataclass(frozen=True)
class MetricProgress:
    """One metric over an athlete's sessions.

    Attributes
    ----------
    metric, label, unit, worse : str
        The metric, its words, unit and the direction that is a bad sign.
    points : tuple of ProgressPoint
        Session values, oldest first (sessions without the metric are left out).
    typical_error : float
        Typical error of a session value (the mean over sessions).
    day_to_day_sd : float
        Day-to-day variation beyond rep noise (NaN until three sessions).
    mdc : float
        Minimal detectable change between two sessions (95 %, widened for the metrics judged
        together).
    swc : float
        Smallest worthwhile change.
    change : float
        Last minus first session value.
    change_pct : float or None
        As a percentage of the first.
    verdict : str
        ``"improved"``, ``"declined"``, ``"changed"`` (either direction matters), ``"no real
        change"``, ``"one session"`` or ``"no data"``.
    slope_per_week, slope_se : float
        Trend per week and its standard error (NaN before three sessions).
    weeks : float
        Time from the first to the last session (weeks).
    phases : tuple of PhaseSummary
        Per training phase, in order of first appearance.
    percent : bool
        Whether changes read best as percentages.
    notes : tuple of str
        Caveats.
    """

    metric: str
    label: str
    unit: str
    worse: str
    points: tuple[ProgressPoint, ...]
    typical_error: float
    day_to_day_sd: float
    mdc: float
    swc: float
    change: float
    change_pct: float | None
    verdict: str
    slope_per_week: float
    slope_se: float
    weeks: float
    phases: tuple[PhaseSummary, ...]
    percent: bool
    notes: tuple[str, ...] = ()

    @property
    def real(self) -> bool:
        """The first-to-last change exceeds the noise band and the smallest worthwhile change."""
        return self.verdict in ("improved", "declined", "changed")

    def describe_change(self) -> str:
        """Describe the first-to-last change in words: ``"speed +3.1 %"``."""
        pct = self.change_pct if self.percent else None
        return f"{self.label} {format_change(self.change, self.metric, self.unit, pct)}"


def _phase_summaries(points: Sequence[ProgressPoint]) -> tuple[PhaseSummary, ...]:
    order: list[str] = []
    for p in points:
        if p.phase not in order:
            order.append(p.phase)
    out = []
    for phase in order:
        pts = [p for p in points if p.phase == phase]
        out.append(PhaseSummary(phase or "(no phase)", len(pts), pts[0].date, pts[-1].date,
                                float(np.mean([p.value for p in pts])), pts[-1].value - pts[0].value))
    return tuple(out)


def _weeks(a: dt.date, b: dt.date) -> float:
    return (b - a).days / 7.0


def mdc_z(n_metrics: int = 1, alpha: float = 0.05) -> float:
    """Return the z of the minimal detectable change for ``n_metrics`` judged together (1.96 for one)."""
    return float(stats.norm.ppf(1 - alpha / (2 * max(n_metrics, 1))))


def metric_progress(sessions: Sequence[SessionData], spec: MetricSpec,
                    config: FatigueConfig = FatigueConfig(), n_metrics: int = 1) -> MetricProgress:
    """Follow one metric's progress over sessions (see the module docstring).

    Parameters
    ----------
    sessions : sequence of SessionData
        The athlete's sessions (any order; sorted by date here).  Reps whose distance unit
        differs from the latest session's are left out of distance metrics.
    spec : MetricSpec
        The metric.
    config : FatigueConfig
        ``baseline_reps``: how many first reps make a session value; ``min_steps``.
    n_metrics : int
        Metrics judged together (widens the band, see the module docstring).

    Returns
    -------
    MetricProgress
        The session values, noise band, change and verdict (``"no data"`` when no session has
        a value of the metric).
    """
    sessions = sorted(sessions, key=lambda s: (s.date, s.session_id))
    unit = next((s.reps[0].unit for s in reversed(sessions) if s.reps), "m")
    metric_unit = spec.unit_for(unit)
    groups, raw = [], []
    for s in sessions:
        fresh = [r for r in s.reps[: config.baseline_reps] if r.unit == unit or spec.unit not in ("dist", "speed")]
        steps = [usable(r.values.get(spec.name, np.full(len(r.feet), np.nan)), config.min_steps) for r in fresh]
        values = [rep_value(v, r.feet) for v, r in zip(steps, fresh)]
        kept = [(r, v, st) for r, v, st in zip(fresh, values, steps) if math.isfinite(v[0])]
        if not kept:
            continue
        groups.append([(st, r.feet) for r, _, st in kept])
        fps = min((r.fps for r, _, _ in kept if math.isfinite(r.fps)), default=float("nan"))
        n_steps = float(np.mean([np.isfinite(st).sum() for _, _, st in kept]))
        raw.append((s, float(np.mean([v[0] for _, v, _ in kept])), len(kept),
                    float(np.mean([v[1] for _, v, _ in kept])), fps, n_steps))
    empty = MetricProgress(spec.name, spec.label, metric_unit, spec.worse, (), float("nan"), float("nan"),
                           float("nan"), float("nan"), float("nan"), None, "no data", float("nan"), float("nan"),
                           0.0, (), spec.percent)
    if not raw:
        return empty
    noise = estimate_noise(groups)
    first_value = raw[0][1]
    points = []
    for s, value, k, c, fps, n_steps in raw:
        rep_sd = max(noise.rep_sd(c), spec.floor_for(metric_unit, first_value, fps, n_steps))
        points.append(ProgressPoint(s.session_id, s.date, s.phase, value, rep_sd / math.sqrt(k), k))
    notes = []
    values = np.array([p.value for p in points])
    weeks = np.array([_weeks(points[0].date, p.date) for p in points])
    te2 = np.array([p.typical_error**2 for p in points])
    slope = slope_se = day_sd = float("nan")
    if len(points) >= 3 and np.ptp(weeks) > 0:
        design = np.column_stack([np.ones_like(weeks), weeks])
        coef, *_ = np.linalg.lstsq(design, values, rcond=None)
        residual = values - design @ coef
        residual_var = float(residual @ residual) / (len(points) - 2)
        day_sd = math.sqrt(max(0.0, residual_var - float(te2.mean())))
        slope = float(coef[1])
        slope_se = math.sqrt(residual_var / float(((weeks - weeks.mean()) ** 2).sum()))
    elif len(points) >= 2:
        notes.append("fewer than three sessions: day-to-day variation is not known yet, so the noise band covers "
                     "rep-to-rep noise only")
    te = math.sqrt(float(te2.mean()) + (day_sd**2 if math.isfinite(day_sd) else 0.0))
    mdc = mdc_z(n_metrics) * math.sqrt(2.0) * te
    swc = spec.swc_for(metric_unit, first_value)
    change = float(values[-1] - values[0])
    pct = 100.0 * change / abs(first_value) if spec.percent and first_value != 0 else None
    if len(points) < 2:
        verdict = "one session"
    elif abs(change) <= max(mdc, swc):
        verdict = "no real change"
    elif spec.worse == "either":
        verdict = "changed"
    else:
        worse = change > 0 if spec.worse == "up" else change < 0
        verdict = "declined" if worse else "improved"
    return MetricProgress(spec.name, spec.label, metric_unit, spec.worse, tuple(points), te, day_sd, mdc, swc,
                          change, pct, verdict, slope, slope_se, float(weeks[-1]), _phase_summaries(points),
                          spec.percent, tuple(notes))


def athlete_progress(sessions: Sequence[SessionData], metrics: Sequence[str] | None = None,
                     config: FatigueConfig = FatigueConfig()) -> tuple[MetricProgress, ...]:
    """Follow the progress of several metrics (default: :data:`PROGRESS_METRICS`).

    Parameters
    ----------
    sessions : sequence of SessionData
        The athlete's sessions (any order).
    metrics : sequence of str, optional
        Names of the metrics (of :data:`PROGRESS_METRICS`); all of them when not given.
    config : FatigueConfig
        ``baseline_reps``: how many first reps make a session value; ``min_steps``.

    Returns
    -------
    tuple of MetricProgress
        One per metric, in the order asked; all judged together (:func:`metric_progress`'s
        ``n_metrics``).

    Raises
    ------
    ValueError
        For a metric name that is not watched (the message lists those that are).
    """
    names = list(metrics) if metrics else [m.name for m in PROGRESS_METRICS]
    unknown = [n for n in names if n not in PROGRESS_BY_NAME]
    if unknown:
        raise ValueError(f"unknown metric {', '.join(unknown)}; choose from {', '.join(PROGRESS_BY_NAME)}")
    return tuple(metric_progress(sessions, PROGRESS_BY_NAME[n], config, n_metrics=len(names)) for n in names)


def slope_significant(mp: MetricProgress, alpha: float = 0.05) -> bool:
    """Tell whether the trend per week differs from zero (two-sided t test, n - 2 df)."""
    n = len(mp.points)
    if n < 3 or not (math.isfinite(mp.slope_se) and mp.slope_se > 0):
        return False
    return abs(mp.slope_per_week / mp.slope_se) > float(stats.t.ppf(1 - alpha / 2, n - 2))


def progress_advice(results: Sequence[MetricProgress]) -> tuple[str, ...]:
    """Give coaching advice from progress: progress the load when metrics hold or improve beyond noise."""
    usable = [r for r in results if len(r.points) >= 2]
    if not usable:
        return ("One session so far: progress needs at least two.",)
    weeks = max(r.weeks for r in usable)
    span = f"{weeks:.0f} week{'s' if round(weeks) != 1 else ''}" if weeks >= 1 else f"{weeks * 7:.0f} days"
    improved = [r for r in usable if r.verdict == "improved"]
    declined = [r for r in usable if r.verdict == "declined"]
    changed = [r for r in usable if r.verdict == "changed"]
    lines = []
    if declined:
        words = join_words([r.describe_change() for r in declined])
        lines.append(f"Over {span}, {words} beyond the noise band: hold the load, check recovery and bring back "
                     "technique-focused reps before progressing.")
    elif improved:
        words = join_words([r.describe_change() for r in improved])
        lines.append(f"Over {span}, {words} beyond the noise band and nothing declined: the training transfers; "
                     "progress the load.")
    else:
        lines.append(f"Over {span}, every metric held within the noise band: no real change yet; if the athlete "
                     "tolerates the work, progress the load.")
    if changed:
        lines.append(f"Changed beyond the noise band (either way matters): "
                     f"{join_words([r.describe_change() for r in changed])}; check it is deliberate.")
    if any(r.notes for r in usable):
        lines.append("Note: with fewer than three sessions the band covers rep-to-rep noise only.")
    return tuple(lines)


def progress_table(results: Sequence[MetricProgress]) -> list[dict[str, object]]:
    """Make one row per metric and session (for CSV/JSON export)."""
    rows = []
    for r in results:
        for p in r.points:
            rows.append({"metric": r.metric, "label": r.label, "unit": r.unit, "session_id": p.session_id,
                         "date": p.date.isoformat(), "phase": p.phase, "value": p.value,
                         "typical_error": p.typical_error, "n_reps": p.n_reps, "mdc95": r.mdc, "swc": r.swc})
    return rows


def progress_summary(r: MetricProgress) -> Mapping[str, object]:
    """Return one metric's progress as JSON-ready data."""
    return {"metric": r.metric, "label": r.label, "unit": r.unit, "worse": r.worse, "sessions": len(r.points),
            "typical_error": r.typical_error, "day_to_day_sd": r.day_to_day_sd, "mdc95": r.mdc, "swc": r.swc,
            "change": r.change, "change_pct": r.change_pct, "verdict": r.verdict,
            "slope_per_week": r.slope_per_week, "slope_se": r.slope_se, "weeks": r.weeks,
            "phases": [{"phase": p.phase, "sessions": p.n_sessions, "first": p.first.isoformat(),
                        "last": p.last.isoformat(), "mean": p.mean, "change": p.change} for p in r.phases],
            "notes": list(r.notes)}
