"""Fatigue and technique breakdown: each rep against the athlete's own baseline.

Fatigue changes sprint mechanics differently in different athletes (Romero et al. 2022,
*Front Physiol* 13:892924, found five patterns over 12 x 30 m sprints; Morin et al. 2011, *Med
Sci Sports Exerc* 43:1680, found the technique of force application fell more than total
force).  So every rep is compared with the same athlete's baseline, and a change is flagged only
when it is larger than that athlete's own noise *and* than a smallest worthwhile change, in a
direction that matters (:data:`FATIGUE_METRICS`).  Pure functions of metric values: no files,
no database.

The statistics
--------------
*Rep value.*  A rep's value of a step metric is the mean of its left-foot and right-foot step
means ("balanced mean"), so an odd number of steps does not tilt it towards one leg; its
sampling variance is ``sigma_w**2 * c`` with ``c = (1/n_left + 1/n_right) / 4``.

*Noise* (the typical error of a rep value) comes from a one-way random-effects model of the
baseline reps' steps: ``var(rep value) = tau**2 + sigma_w**2 * c``, where

- ``sigma_w`` is the step-to-step SD within a rep, pooled over all baseline reps after removing
  each rep's left and right means (many degrees of freedom even with two baseline reps; leg
  asymmetry is not counted as noise);
- ``tau`` is the true rep-to-rep variation beyond step sampling:
  ``tau**2 = max(0, var(baseline rep values) - mean(sigma_w**2 * c))``, pooled over the baseline
  groups given (this session's baseline reps and, when asked, the first reps of the athlete's
  earlier sessions, which is how a 2-3 rep baseline gets a usable ``tau``);
- a floor: a rep value cannot be known better than the measurement allows (for times, the frame
  period: ``period / sqrt(6 n)`` for a duration between two events each read to +/- half a
  frame; for angles 0.5 deg; see :data:`FATIGUE_METRICS`).

With one baseline rep and no history, ``tau`` cannot be estimated: it is taken as 0 and the
baseline says so in its ``notes``.

*Change and its uncertainty.*  ``d = rep value - baseline mean``;
``SE(d) = sqrt(TE_rep**2 + TE_baseline**2 / k)`` for ``k`` baseline reps.  A t distribution:
with ``tau`` pooled over enough sessions (3+ df), Welch-Satterthwaite degrees of freedom from
those of ``tau`` and ``sigma_w``; with less, ``tau`` is treated as known and only ``sigma_w``'s
(steps - legs) count (:func:`change_df` says why); a normal model where the floor decides.

*Measured* (``scripts/fatigue_calibration.py``, 240 fps, 12 steps a rep, 2 baseline reps):
fresh reps get a false flag 2-4 % of the time when the athlete has no true rep-to-rep variation
(``tau = 0``), about 12 % when ``tau`` equals the sampling SD of a rep value and about 33 % when
it is twice that; with four earlier sessions pooled, 8 % and 6 % (three baseline reps: 6 % and 5 %).
Few baseline reps cannot reveal a large ``tau``: pool the history, or use three baseline reps.

*Smallest worthwhile change (SWC).*  0.2 x the between-athlete SD (Hopkins 2004, *Sportscience*
8:1-7; Cohen's smallest effect), from approximate between-athlete SDs of trained sprinters at
top speed: contact time 10 ms, step frequency 0.25 Hz, speed ~5 %, touchdown distance 5 cm,
hip extension at toe-off 5 deg, trunk lean at touchdown 4 deg, knee drive 6 deg, thigh
separation 8 deg.  These SDs are rounded orders of magnitude, not values from one study:
replace them with your squad's (``FatigueConfig(metrics=...)``).  The figures live in the metric
catalogue (:mod:`sprintlens.core.catalogue`), with each metric's label, unit and direction.

*Flag rule.*  A change is flagged when, in the direction that matters, it exceeds both the SWC
and ``t(1 - alpha / m, df) * SE(d)``: the change that noise alone would produce with probability
below ``alpha / m``.  ``alpha`` (default 0.05) is shared by the ``m`` metrics tested on a rep
(Bonferroni), so a fresh rep gets a false flag on any metric with probability about ``alpha``,
not ``m * alpha``.  For metrics where either direction matters (trunk lean), two-sided.

*Confidence.*  ``P(true change is worse by more than the SWC) = T_df((d - SWC) / SE(d))``: the
posterior probability under a flat prior, with the qualitative scale of Hopkins et al. 2009
(*Med Sci Sports Exerc* 41:3-13): possibly 25-75 %, likely 75-95 %, very likely 95-99.5 %, most
likely > 99.5 %.  This is the arithmetic of magnitude-based inference, which has been
criticised as a test (Sainani 2018, *Med Sci Sports Exerc* 50:2166); here it only grades a flag
that the stricter rule above already raised.

*Within a rep* the same rule applies to the trend over the steps: a least-squares line over the
step number (with a left/right offset), the change from the first to the last step and its
standard error from the residual step-to-step SD.  Reps with a block start use only the steps
from the fastest one on (before that, every metric changes by design while accelerating).

*Advice* (:func:`session_advice`): the first rep flagged again in the next rep (or the last
rep) is the onset of a breakdown.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import stats

from sprintlens.core.catalogue import BY_NAME
from sprintlens.core.formatting import format_change, format_value
from sprintlens.logbook.flags import Flag
from sprintlens.logbook.records import Rep

log = logging.getLogger(__name__)


#: Units of :class:`MetricSpec` by catalogue kind.
_SPEC_UNITS = {"time": "s", "frequency": "Hz", "angle": "deg", "distance": "dist", "speed": "speed"}


@dataclass(frozen=True)
class MetricSpec:
    """A metric watched for fatigue, with the direction that matters and its thresholds.

    Attributes
    ----------
    name : str
        Step metric (a :class:`sprintlens.analysis.steps.Step` field).
    label : str
        Words for it.
    unit : str
        ``"s"``, ``"Hz"``, ``"deg"``, ``"dist"`` (the rep's distance unit, m or leg lengths) or
        ``"speed"`` (that unit per second).
    worse : str
        ``"up"``, ``"down"`` or ``"either"``: the direction of a change that is a bad sign.
    swc : mapping of str to float
        Absolute smallest worthwhile change by unit (``{"s": 0.002}``; ``{"m": 0.01, "legs": 0.012}``).
    swc_rel : float
        Smallest worthwhile change as a fraction of the baseline value (the larger one is used).
    floor : mapping of str to float
        Absolute noise floor of a rep value by unit.
    floor_rel : float
        Noise floor as a fraction of the baseline value.
    timing : str
        ``"time"`` or ``"frequency"`` for metrics read from event times (their floor follows
        the frame period), else ``""``.
    percent : bool
        Say the change as a percentage (else in the unit).
    technique : bool
        A technique metric (else an output: speed, step frequency, contact time).
    """

    name: str
    label: str
    unit: str
    worse: str
    swc: Mapping[str, float] = field(default_factory=dict)
    swc_rel: float = 0.0
    floor: Mapping[str, float] = field(default_factory=dict)
    floor_rel: float = 0.0
    timing: str = ""
    percent: bool = False
    technique: bool = True

    @classmethod
    def of(cls, name: str, **statistics: object) -> MetricSpec:
        """Make the spec of the catalogue's metric ``name``, with the statistics' own parameters.

        Label, unit, direction and smallest worthwhile change come from the catalogue;
        ``statistics`` are the fields the catalogue does not hold (``floor``, ``floor_rel``,
        ``timing``).
        """
        m = BY_NAME[name]
        unit = _SPEC_UNITS.get(m.kind) or m.unit_for()
        return cls(name, m.label, unit, m.worse, swc=dict(m.swc), swc_rel=m.swc_rel, percent=m.relative,
                   technique=m.technique, **statistics)  # type: ignore[arg-type]

    def unit_for(self, distance_unit: str) -> str:
        """Return the metric's unit for a rep whose distances are in ``distance_unit``."""
        return {"dist": distance_unit, "speed": f"{distance_unit}/s"}.get(self.unit, self.unit)

    def swc_for(self, unit: str, base: float) -> float:
        """Return the smallest worthwhile change (metric's unit) for this unit and baseline value."""
        relative = self.swc_rel * abs(base) if math.isfinite(base) else 0.0
        return max(self.swc.get(unit, 0.0), relative)

    def floor_for(self, unit: str, base: float, fps: float, n_steps: float) -> float:
        """Return the noise floor of a rep value of ``n_steps`` steps filmed at ``fps``.

        Parameters
        ----------
        unit : str
            The metric's unit for the rep (:meth:`unit_for`), which picks the absolute floor.
        base : float
            The baseline value, for the relative floor and (for a frequency) to turn the timing
            floor into the metric's unit.
        fps : float
            Frame rate (frames/s) of the capture; the timing floor is left out when it is not
            positive.
        n_steps : float
            Steps behind the rep value.

        Returns
        -------
        float
            The floor, in the metric's unit: the largest of the absolute floor, ``floor_rel`` of
            ``|base|`` and, for metrics read from event times, ``1 / fps / sqrt(6 n_steps)``
            (times ``base**2`` for a frequency).
        """
        floor = max(self.floor.get(unit, 0.0), self.floor_rel * abs(base) if math.isfinite(base) else 0.0)
        if self.timing and fps > 0 and n_steps > 0:
            event_sd = 1.0 / fps / math.sqrt(6.0 * n_steps)  # a duration between two events, each +/- 1/2 frame
            if self.timing == "frequency":
                event_sd *= base**2 if math.isfinite(base) else 0.0
            floor = max(floor, event_sd)
        return floor


#: The metrics watched for fatigue (DESIGN.md section 6), in the order reports show them.  Label,
#: unit, direction and smallest worthwhile change come from the catalogue; here only the noise
#: floor and how the floor follows the frame period.
FATIGUE_METRICS: tuple[MetricSpec, ...] = (
    MetricSpec.of("contact_s", timing="time"),
    MetricSpec.of("step_frequency_hz", timing="frequency"),
    MetricSpec.of("step_velocity", floor_rel=0.003),
    MetricSpec.of("hip_extension_toeoff_deg", floor={"deg": 0.5}),
    MetricSpec.of("knee_drive_deg", floor={"deg": 0.5}),
    MetricSpec.of("max_thigh_separation_deg", floor={"deg": 0.5}),
    MetricSpec.of("trunk_lean_touchdown_deg", floor={"deg": 0.5}),
    MetricSpec.of("touchdown_distance", floor={"m": 0.003, "legs": 0.0035}),
)

METRICS_BY_NAME: dict[str, MetricSpec] = {m.name: m for m in FATIGUE_METRICS}

#: Step length: shown and followed over weeks, not flagged within a session (speed covers it).
STEP_LENGTH = MetricSpec.of("step_length", floor_rel=0.003)

#: Every metric the statistics know, by name.
ALL_METRICS: dict[str, MetricSpec] = {**METRICS_BY_NAME, STEP_LENGTH.name: STEP_LENGTH}

#: A step whose time differs from the rep's median step time by more than this fraction is left out.
STEP_TIME_TOLERANCE = 0.25


def implausible_steps(step_time_s: np.ndarray, tolerance: float = STEP_TIME_TOLERANCE) -> np.ndarray:
    """Find the steps that come from a missed or an extra contact, by their step time.

    At a steady sprint successive step times differ by a few percent; a contact missed by the
    event detection makes a step about twice as long, an extra one splits a step in two.  A
    step whose time is more than ``tolerance`` (default 25 %) away from the median step time of
    the rep (three or more steps) is implausible; every metric of it is left out.

    Returns
    -------
    ndarray of bool (n_steps,)
        True for implausible steps.
    """
    times = np.asarray(step_time_s, dtype=np.float64)
    ok = np.isfinite(times)
    if ok.sum() < 3:
        return np.zeros(times.shape, dtype=bool)
    median = float(np.median(times[ok]))
    return ok & (np.abs(np.where(ok, times, median) - median) > tolerance * median)

#: Hopkins et al. (2009) words for the probability that a change is real and worthwhile.
CONFIDENCE_SCALE: tuple[tuple[float, str], ...] = (
    (0.995, "most likely"), (0.95, "very likely"), (0.75, "likely"), (0.25, "possibly"), (0.05, "unlikely"),
    (0.0, "most unlikely"),
)


def confidence_words(probability: float) -> str:
    """Say a probability in words: ``0.97`` -> ``"very likely"`` (Hopkins et al. 2009 scale)."""
    for bound, words in CONFIDENCE_SCALE:
        if probability >= bound:
            return words
    return "most unlikely"


@dataclass(frozen=True)
class FatigueConfig:
    """Options of the fatigue statistics.

    Attributes
    ----------
    baseline_reps : int
        How many first reps (of the session, or of the reference session) form the baseline.
    alpha : float
        Chance of a false flag per rep from noise alone, shared by the metrics (Bonferroni).
    min_steps : int
        Fewest steps with a value for a rep's value of a metric to be used (fewer: the rep is
        left out of the baseline and not judged on that metric; one bad contact would decide).
    min_trend_steps : int
        Fewest steps for the within-rep trend.
    metrics : tuple of MetricSpec
        What is watched, and its thresholds.
    """

    baseline_reps: int = 2
    alpha: float = 0.05
    min_steps: int = 3
    min_trend_steps: int = 6
    metrics: tuple[MetricSpec, ...] = FATIGUE_METRICS

    def __post_init__(self) -> None:
        if self.baseline_reps < 1:
            raise ValueError("the baseline needs at least one rep")
        if self.min_steps < 1:
            raise ValueError("a rep value needs at least one step")
        if not 0 < self.alpha < 1:
            raise ValueError("alpha must lie between 0 and 1")
        if self.min_trend_steps < 4:
            raise ValueError("a trend over steps needs at least 4 steps")


@dataclass(frozen=True)
class RepSteps:
    """What the statistics need of one rep: its number and the per-step values of each metric.

    Attributes
    ----------
    rep : int
        Rep number in its session.
    values : StepTable, or a mapping of str to ndarray (n_steps,)
        Per-step values of each metric (NaN where missing): the rep's
        :class:`~sprintlens.core.step_table.StepTable`.
    feet : ndarray of str (n_steps,)
        ``"left"`` / ``"right"`` of each step.
    unit : str
        Distance unit of the rep (``"m"`` or ``"legs"``).
    fps : float
        Real frames per second of the capture.
    trend_from : int
        First step (0-based position) used for the within-rep trend.
    dropped : tuple of int
        Steps (1-based) left out as implausible (their values are NaN in ``values``).
    """

    rep: int
    values: Mapping[str, np.ndarray]
    feet: np.ndarray
    unit: str = "m"
    fps: float = float("nan")
    trend_from: int = 0
    dropped: tuple[int, ...] = ()

    @classmethod
    def from_rep(cls, rep: Rep, number: int | None = None, *, drop_implausible: bool = True) -> RepSteps:
        """Make the statistics' view of a stored or analysed rep.

        Steps from a missed or extra contact (:func:`implausible_steps`) are left out unless
        ``drop_implausible`` is False.  A rep with a block start trends from its fastest step.

        Parameters
        ----------
        rep : Rep
            The rep.
        number : int, optional
            Its rep number; default the rep's order in its session (0 when it has none).
        drop_implausible : bool
            Leave out the steps of implausible step time (their values become NaN).

        Returns
        -------
        RepSteps
            The rep's per-step values, feet, unit, frame rate, first trend step and dropped steps.
        """
        feet = rep.feet
        values = rep.steps
        dropped: tuple[int, ...] = ()
        if drop_implausible:
            mask = implausible_steps(rep.step_values("step_time_s"))
            if mask.any():
                dropped = tuple(int(i) + 1 for i in np.flatnonzero(mask))
                values = values.without(mask)
                log.info("%s: step(s) %s left out (step time far from the rep's median: a missed or extra contact)",
                         rep.label, ", ".join(map(str, dropped)))
        trend_from = 0
        if math.isfinite(rep.value("block_time_s")):
            velocity = values["step_velocity"]
            trend_from = int(np.nanargmax(velocity)) if np.isfinite(velocity).any() else 0
        return cls(rep=int(number if number is not None else (rep.order or 0)), values=values, feet=feet,
                   unit=rep.unit, fps=float(rep.fps), trend_from=trend_from, dropped=dropped)


def usable(values: np.ndarray, min_steps: int) -> np.ndarray:
    """Return ``values`` if at least ``min_steps`` of them are finite, else all NaN."""
    values = np.asarray(values, dtype=np.float64)
    return values if np.isfinite(values).sum() >= min_steps else np.full(values.shape, np.nan)


def rep_value(values: np.ndarray, feet: np.ndarray) -> tuple[float, float, float, int]:
    """Return a rep's value of one metric: the mean of its per-foot step means.

    Returns
    -------
    value : float
        Balanced mean (NaN without any finite value).
    c : float
        Its sampling-variance factor: ``var(value) = sigma_w**2 * c``.
    ss : float
        Sum of squared deviations of the steps from their foot's mean.
    df : int
        Degrees of freedom of ``ss`` (steps minus feet present).
    """
    values = np.asarray(values, dtype=np.float64)
    feet = np.asarray(feet)
    ok = np.isfinite(values)
    means, counts, ss = [], [], 0.0
    for foot in np.unique(feet[ok]):
        v = values[ok & (feet == foot)]
        means.append(float(v.mean()))
        counts.append(v.size)
        ss += float(((v - v.mean()) ** 2).sum())
    if not means:
        return float("nan"), float("nan"), 0.0, 0
    c = float(sum(1.0 / n for n in counts)) / len(counts) ** 2
    return float(np.mean(means)), c, ss, int(sum(counts) - len(counts))


@dataclass(frozen=True)
class Noise:
    """An athlete's noise in one metric.

    Attributes
    ----------
    within_sd : float
        Step-to-step SD within a rep, legs' own means removed (metric's unit).
    within_df : int
        Its degrees of freedom.
    between_sd : float
        True rep-to-rep SD beyond step sampling (``tau``); 0 when not estimable.
    between_df : int
        Its degrees of freedom (0: not estimated).
    var_rep_values : float
        Observed variance of the baseline rep values around their group means (NaN if not estimated).
    mean_c : float
        Mean sampling factor of the baseline reps.
    """

    within_sd: float
    within_df: int
    between_sd: float
    between_df: int
    var_rep_values: float
    mean_c: float

    def rep_sd(self, c: float) -> float:
        """Return the SD of a rep value with sampling factor ``c`` (no floor)."""
        within = self.within_sd**2 * c if math.isfinite(self.within_sd) else 0.0
        return math.sqrt(self.between_sd**2 + within)


def estimate_noise(groups: Sequence[Sequence[tuple[np.ndarray, np.ndarray]]]) -> Noise:
    """Estimate the noise of one metric from groups of baseline reps (one-way random-effects model).

    Parameters
    ----------
    groups : sequence of sequences of (values, feet)
        Each group is the baseline reps of one session; each rep its per-step values and feet.
    """
    ss_w, df_w, ss_b, df_b, cs = 0.0, 0, 0.0, 0, []
    for group in groups:
        reps = [rep_value(v, f) for v, f in group]
        reps = [r for r in reps if math.isfinite(r[0])]
        for _, c, ss, df in reps:
            ss_w += ss
            df_w += df
            cs.append(c)
        if len(reps) >= 2:
            values = np.array([r[0] for r in reps])
            ss_b += float(((values - values.mean()) ** 2).sum())
            df_b += len(reps) - 1
    within_sd = math.sqrt(ss_w / df_w) if df_w > 0 else float("nan")
    mean_c = float(np.mean(cs)) if cs else float("nan")
    if df_b > 0:
        var_values = ss_b / df_b
        sampling = within_sd**2 * mean_c if math.isfinite(within_sd) else 0.0
        between_sd = math.sqrt(max(0.0, var_values - sampling))
    else:
        var_values, between_sd = float("nan"), 0.0
    return Noise(within_sd, df_w, between_sd, df_b, var_values, mean_c)


@dataclass(frozen=True)
class Baseline:
    """The reference a rep is compared with.

    Attributes
    ----------
    label : str
        What it is (``"reps 1-2 of this session"``).
    reps : tuple of int
        Its rep numbers.
    values : mapping of str to float
        Mean of the baseline reps' values, per metric.
    noise : mapping of str to Noise
        The athlete's noise per metric.
    unit : str
        Distance unit.
    fps : float
        Frame rate of the baseline reps (the lowest).
    n_steps : float
        Mean steps per baseline rep.
    noise_source : str
        Where the noise comes from (``"baseline reps of 3 sessions (6 reps, 118 steps)"``).
    notes : tuple of str
        Caveats for the coach.
    """

    label: str
    reps: tuple[int, ...]
    values: Mapping[str, float]
    noise: Mapping[str, Noise]
    unit: str
    fps: float
    n_steps: float
    noise_source: str
    notes: tuple[str, ...] = ()


def _rep_range(numbers: Sequence[int]) -> str:
    numbers = sorted(numbers)
    if not numbers:
        return "no reps"
    if len(numbers) == 1:
        return f"rep {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"reps {numbers[0]}-{numbers[-1]}"
    return "reps " + ", ".join(str(n) for n in numbers)


def make_baseline(reps: Sequence[RepSteps], config: FatigueConfig = FatigueConfig(), *, label: str = "",
                  history: Sequence[Sequence[RepSteps]] = ()) -> Baseline:
    """Make the baseline: the first ``config.baseline_reps`` of ``reps``.

    Parameters
    ----------
    reps : sequence of RepSteps
        The reps the baseline is taken from (this session's, or a reference session's), in order.
    config : FatigueConfig
        Options: how many reps form the baseline, the fewest steps for a rep value, the metrics.
    label : str, optional
        What they are (default ``"reps 1-2 of this session"``).
    history : sequence of sequences of RepSteps
        Other sessions of the same athlete: their first reps are pooled into the noise estimate
        (only sessions in the same distance unit).

    Returns
    -------
    Baseline
        The mean of the baseline reps' values and the athlete's noise, per metric, with notes on
        a short baseline.

    Raises
    ------
    ValueError
        When ``reps`` is empty.
    """
    if not reps:
        raise ValueError("a baseline needs at least one rep")
    chosen = list(reps[: config.baseline_reps])
    unit = chosen[0].unit
    groups = [chosen] + [list(h[: config.baseline_reps]) for h in history if h and h[0].unit == unit]
    numbers = tuple(r.rep for r in chosen)
    values, noise = {}, {}
    def steps_of(r: RepSteps, name: str) -> np.ndarray:
        return usable(r.values.get(name, np.full(len(r.feet), np.nan)), config.min_steps)

    for spec in config.metrics:
        per_rep = [rep_value(steps_of(r, spec.name), r.feet)[0] for r in chosen]
        finite = [v for v in per_rep if math.isfinite(v)]
        values[spec.name] = float(np.mean(finite)) if finite else float("nan")
        noise[spec.name] = estimate_noise([[(steps_of(r, spec.name), r.feet) for r in g] for g in groups])
    n_steps = float(np.mean([len(r.feet) - len(r.dropped) for r in chosen]))
    fps_values = [r.fps for r in chosen if math.isfinite(r.fps)]
    n_group_reps = sum(len(g) for g in groups)
    n_group_steps = sum(len(r.feet) - len(r.dropped) for g in groups for r in g)
    source = (f"baseline reps of {len(groups)} sessions ({n_group_reps} reps, {n_group_steps} steps)"
              if len(groups) > 1 else f"{_rep_range(numbers)} ({n_group_steps} steps)")
    notes = []
    if len(chosen) < config.baseline_reps:
        notes.append(f"only {len(chosen)} rep(s) for a {config.baseline_reps}-rep baseline")
    if all(n.between_df == 0 for n in noise.values()):
        notes.append("one baseline rep: the noise comes from step-to-step variation only (rep-to-rep variation "
                     "unknown); start with at least two fresh reps")
    return Baseline(label=label or f"{_rep_range(numbers)} of this session", reps=numbers, values=values,
                    noise=noise, unit=unit, fps=min(fps_values) if fps_values else float("nan"),
                    n_steps=n_steps, noise_source=source, notes=tuple(notes))


@dataclass(frozen=True)
class Change:
    """One metric of one rep against its reference, with the numbers behind the verdict.

    Attributes
    ----------
    metric, label, unit : str
        The metric, its words and unit.
    rep : int
        Rep number.
    scope : str
        ``"rep"`` (against the baseline) or ``"within rep"`` (first to last step of the rep).
    value, reference : float
        The rep's value and the reference value.
    change : float
        ``value - reference``.
    change_pct : float or None
        As a percentage of the reference (None where a percentage is not meaningful).
    noise : float
        The athlete's noise: typical error of a rep value (within a rep: step-to-step SD).
    se : float
        Standard error of ``change``.
    df : float
        Its degrees of freedom (inf: normal model).
    swc : float
        Smallest worthwhile change.
    threshold : float
        The smallest change that is flagged: ``max(swc, t * se)``.
    probability : float
        Chance that the true change goes the way ``verdict`` says by more than ``swc``.
    verdict : str
        ``"worse"``, ``"better"``, ``"changed"`` (either direction matters), ``"trivial"`` (beyond
        the noise but below the SWC), ``"within noise"`` or ``"missing"``.
    reference_label : str
        What ``reference`` is.
    """

    metric: str
    label: str
    unit: str
    rep: int
    scope: str
    value: float
    reference: float
    change: float
    change_pct: float | None
    noise: float
    se: float
    df: float
    swc: float
    threshold: float
    probability: float
    verdict: str
    reference_label: str

    @property
    def flagged(self) -> bool:
        """A warning: worse (or, where either direction matters, changed) beyond noise and SWC."""
        return self.verdict in ("worse", "changed")

    def describe(self, spec: MetricSpec | None = None) -> str:
        """Describe the change in words: ``"contact time +11 %"``, ``"hip extension at toe-off -6 deg"``."""
        spec = spec or METRICS_BY_NAME.get(self.metric)
        pct = self.change_pct if spec is not None and spec.percent else None
        return f"{self.label} {format_change(self.change, self.metric, self.unit, pct)}"


def _t_quantile(p: float, df: float) -> float:
    return float(stats.norm.ppf(p)) if not math.isfinite(df) else float(stats.t.ppf(p, df))


def _t_cdf(x: float, df: float) -> float:
    return float(stats.norm.cdf(x)) if not math.isfinite(df) else float(stats.t.cdf(x, df))


def judge(spec: MetricSpec, *, rep: int, scope: str, value: float, reference: float, se: float, df: float,
          noise: float, unit: str, reference_label: str, n_tests: int, alpha: float) -> Change:
    """Judge one change (see the module docstring for the rule).

    Parameters
    ----------
    spec : MetricSpec
        The metric.
    rep : int
        Rep number.
    scope : str
        ``"rep"`` (against the baseline) or ``"within rep"`` (first to last step of the rep).
    value, reference : float
        The rep's value and what it is compared with.
    se : float
        Standard error of ``value - reference`` (floor included).
    df : float
        Its degrees of freedom (``math.inf`` for a normal model).
    noise : float
        The noise to show (typical error of a rep value, or step-to-step SD within a rep).
    unit : str
        Distance unit of the rep (``"m"`` or ``"legs"``).
    reference_label : str
        What ``reference`` is.
    n_tests : int
        Metrics tested together on this rep (Bonferroni share of ``alpha``).
    alpha : float
        Chance of a false flag per rep from noise alone, shared by the ``n_tests`` metrics
        (halved again for a metric where either direction matters).

    Returns
    -------
    Change
        The change with its verdict (``"missing"`` when the change or its SE is not finite).
    """
    metric_unit = spec.unit_for(unit)
    change = value - reference
    swc = spec.swc_for(metric_unit, reference)
    pct = 100.0 * change / abs(reference) if spec.percent and math.isfinite(reference) and reference != 0 else None
    if not (math.isfinite(change) and math.isfinite(se)):
        return Change(spec.name, spec.label, metric_unit, rep, scope, value, reference, change, pct, noise, se, df,
                      swc, float("nan"), float("nan"), "missing", reference_label)
    share = alpha / max(n_tests, 1)
    if spec.worse == "either":
        share /= 2
    critical = _t_quantile(1 - share, df) * se if se > 0 else 0.0
    threshold = max(swc, critical)
    sign = {"up": 1.0, "down": -1.0}.get(spec.worse, 1.0 if change >= 0 else -1.0)
    harm = sign * change
    if se > 0:
        p_worse = _t_cdf((harm - swc) / se, df)
        p_better = _t_cdf((-harm - swc) / se, df)
        if spec.worse == "either":  # the chance that the true change is beyond the SWC either way
            p_worse = p_worse + _t_cdf((-harm - swc) / se, df)
    else:
        p_worse = 1.0 if harm > swc else 0.0
        p_better = 1.0 if -harm > swc else 0.0
    if abs(change) <= critical or change == 0:
        verdict, probability = "within noise", p_worse
    elif abs(change) <= swc:
        verdict, probability = "trivial", p_worse
    elif spec.worse == "either":
        verdict, probability = "changed", p_worse
    elif harm > 0:
        verdict, probability = "worse", p_worse
    else:
        verdict, probability = "better", p_better
    return Change(spec.name, spec.label, metric_unit, rep, scope, value, reference, change, pct, noise, se, df, swc,
                  threshold, min(max(probability, 0.0), 1.0), verdict, reference_label)


#: Fewest degrees of freedom of ``tau`` for its uncertainty to enter the t distribution.
MIN_BETWEEN_DF = 3


def _satterthwaite(parts: Sequence[tuple[float, float]]) -> float:
    """Return the Welch-Satterthwaite degrees of freedom of a sum of variance estimates ``(variance, df)``."""
    total = sum(v for v, _ in parts)
    denominator = sum(v * v / df for v, df in parts if df > 0 and v > 0)
    return total * total / denominator if total > 0 and denominator > 0 else math.inf


def change_df(noise: Noise, c: float, k: int) -> float:
    """Return the degrees of freedom of ``SE(d)**2`` for a rep with sampling factor ``c`` against ``k`` baseline reps.

    ``SE(d)**2 = (1 + 1/k) tau**2 + sigma_w**2 (c + mean_c / k)``; with ``tau**2`` estimated as
    ``V - sigma_w**2 mean_c`` (``V``: variance of the baseline rep values) this is
    ``(1 + 1/k) V + sigma_w**2 (c - mean_c)``, whose Welch-Satterthwaite df combine ``V``'s
    (baseline reps - sessions) and ``sigma_w``'s (steps - legs).

    That is used only once ``tau`` rests on :data:`MIN_BETWEEN_DF` or more degrees of freedom
    (the athlete's earlier sessions pooled).  Below, ``tau`` is treated as known and only
    ``sigma_w``'s df count: with 1-2 df a Satterthwaite t would make flags impossible in the
    third of sessions where two baseline reps differ by more than step sampling explains, even
    when ``tau`` is truly 0, while hardly lowering the false flags when it is not
    (``scripts/fatigue_calibration.py`` measures both).

    Parameters
    ----------
    noise : Noise
        The athlete's noise in the metric.
    c : float
        Sampling-variance factor of the rep's value (:func:`rep_value`).
    k : int
        Number of baseline reps.

    Returns
    -------
    float
        The degrees of freedom; ``math.inf`` (a normal model) when none are known.
    """
    within_df = float(noise.within_df) if noise.within_df > 0 else math.inf
    if noise.between_df < MIN_BETWEEN_DF or noise.between_sd <= 0 or not math.isfinite(noise.var_rep_values):
        return within_df if noise.within_df > 0 else (float(noise.between_df) if noise.between_df else math.inf)
    within_sd = noise.within_sd if math.isfinite(noise.within_sd) else 0.0
    return _satterthwaite([((1 + 1 / k) * noise.var_rep_values, noise.between_df),
                           (within_sd**2 * abs(c - noise.mean_c), noise.within_df)])


def compare_rep(rep: RepSteps, baseline: Baseline, config: FatigueConfig = FatigueConfig()) -> tuple[Change, ...]:
    """Compare every watched metric of ``rep`` with ``baseline``.

    Parameters
    ----------
    rep : RepSteps
        The rep.
    baseline : Baseline
        What it is compared with.
    config : FatigueConfig
        Options: the metrics, the fewest steps for a rep value, ``alpha``.

    Returns
    -------
    tuple of Change
        One change per metric of ``config.metrics``, in that order; the verdict is
        ``"too few steps"`` where the rep has some, but fewer than ``config.min_steps``, values.
    """
    k = max(len(baseline.reps), 1)
    n_tests = sum(1 for s in config.metrics
                  if np.isfinite(rep.values.get(s.name, np.array([]))).sum() >= config.min_steps)
    changes = []
    for spec in config.metrics:
        raw = np.asarray(rep.values.get(spec.name, np.full(len(rep.feet), np.nan)), dtype=np.float64)
        n_finite = int(np.isfinite(raw).sum())
        value, c, _, _ = rep_value(usable(raw, config.min_steps), rep.feet)
        reference = baseline.values.get(spec.name, float("nan"))
        noise = baseline.noise[spec.name]
        metric_unit = spec.unit_for(rep.unit)
        fps = rep.fps if math.isfinite(rep.fps) else baseline.fps
        floor_rep = spec.floor_for(metric_unit, reference, fps, max(len(rep.feet), 1))
        floor_base = spec.floor_for(metric_unit, reference, baseline.fps, max(baseline.n_steps, 1))
        c = c if math.isfinite(c) else 1.0
        mean_c = noise.mean_c if math.isfinite(noise.mean_c) else c
        sd_rep, sd_base = noise.rep_sd(c), noise.rep_sd(mean_c)
        te_rep, te_base = max(sd_rep, floor_rep), max(sd_base, floor_base)
        se = math.sqrt(te_rep**2 + te_base**2 / k)
        # where a floor decides, the SE is a measurement limit, taken as known (normal model)
        df = math.inf if (sd_rep < floor_rep or sd_base < floor_base) else change_df(noise, c, k)
        change = judge(spec, rep=rep.rep, scope="rep", value=value, reference=reference, se=se, df=df, noise=te_rep,
                       unit=rep.unit, reference_label=baseline.label, n_tests=n_tests, alpha=config.alpha)
        if 0 < n_finite < config.min_steps:
            change = replace(change, verdict="too few steps")
        changes.append(change)
    return tuple(changes)


@dataclass(frozen=True)
class TrendFit:
    """A straight line over a rep's steps (with a left/right offset).

    Attributes
    ----------
    first, last : float
        Fitted values at the first and last step used (as the mean of the two legs).
    change : float
        ``last - first``.
    se : float
        Standard error of ``change``.
    df : int
        Residual degrees of freedom.
    residual_sd : float
        Step-to-step SD about the line.
    steps : tuple of int
        First and last step numbers (1-based) used.
    """

    first: float
    last: float
    change: float
    se: float
    df: int
    residual_sd: float
    steps: tuple[int, int]


def fit_step_trend(values: np.ndarray, feet: np.ndarray, start: int = 0, min_steps: int = 6) -> TrendFit | None:
    """Fit a least-squares line of a metric over the steps from ``start`` on; None with too few steps.

    Parameters
    ----------
    values : ndarray (n_steps,)
        Per-step values of the metric (NaN where missing).
    feet : ndarray of str (n_steps,)
        ``"left"`` / ``"right"`` of each step; with both feet on two or more steps each, the
        line gets a left/right offset.
    start : int
        First step (0-based position) used.
    min_steps : int
        Fewest steps with a value for a fit.

    Returns
    -------
    TrendFit or None
        The fitted line; None with fewer than ``min_steps`` values or fewer than two residual
        degrees of freedom.
    """
    values = np.asarray(values, dtype=np.float64)[start:]
    feet = np.asarray(feet)[start:]
    position = np.arange(values.size, dtype=np.float64)
    ok = np.isfinite(values)
    if ok.sum() < min_steps:
        return None
    y, x, f = values[ok], position[ok], feet[ok]
    columns = [np.ones_like(x), x - x.mean()]
    sides = [s for s in np.unique(f) if (f == s).sum() >= 2]
    if len(sides) == 2 and len(np.unique(f)) == 2:
        columns.append(np.where(f == sides[0], 0.5, -0.5))
    design = np.column_stack(columns)
    coef, _, rank, _ = np.linalg.lstsq(design, y, rcond=None)
    df = int(y.size - rank)
    if df < 2:
        return None
    residual = y - design @ coef
    residual_sd = float(math.sqrt(float(residual @ residual) / df))
    cov = residual_sd**2 * np.linalg.pinv(design.T @ design)
    span = float(x[-1] - x[0])
    slope_se = float(math.sqrt(max(cov[1, 1], 0.0)))
    first = float(coef[0] + coef[1] * (x[0] - x.mean()))
    last = float(coef[0] + coef[1] * (x[-1] - x.mean()))
    return TrendFit(first, last, last - first, slope_se * span, df, residual_sd,
                    (start + int(x[0]) + 1, start + int(x[-1]) + 1))


def within_rep_changes(rep: RepSteps, config: FatigueConfig = FatigueConfig()) -> tuple[Change, ...]:
    """Judge the trend of each watched metric over the steps of one rep (empty for short reps)."""
    fits = {s.name: fit_step_trend(rep.values.get(s.name, np.array([])), rep.feet, rep.trend_from,
                                   config.min_trend_steps) for s in config.metrics}
    n_tests = sum(1 for f in fits.values() if f is not None)
    changes = []
    for spec in config.metrics:
        fit = fits[spec.name]
        if fit is None:
            continue
        metric_unit = spec.unit_for(rep.unit)
        floor = spec.floor_for(metric_unit, fit.first, rep.fps, 1) * math.sqrt(2.0)
        se = max(fit.se, floor)
        label = f"rep {rep.rep}, fitted over steps {fit.steps[0]}-{fit.steps[1]}"
        changes.append(judge(spec, rep=rep.rep, scope="within rep", value=fit.last, reference=fit.first, se=se,
                             df=float(fit.df) if se == fit.se else math.inf, noise=fit.residual_sd, unit=rep.unit,
                             reference_label=label, n_tests=n_tests, alpha=config.alpha))
    return tuple(changes)


def change_flag(change: Change) -> Flag:
    """Make the :class:`~sprintlens.logbook.flags.Flag` of a change that is worse (warning) or better (info)."""
    spec = METRICS_BY_NAME.get(change.metric)
    words = confidence_words(change.probability)
    size = change.describe(spec)
    def shown(value: float, spread: bool = False) -> str:
        return format_value(value, change.metric, change.unit, spread=spread)

    noise, swc = shown(change.noise, True), shown(change.swc, True)
    if change.scope == "rep":
        where = f"rep {change.rep}: {size} against {change.reference_label}"
        beyond = f"beyond your rep-to-rep noise ({noise}) and the smallest worthwhile change ({swc})"
    else:
        where = f"within rep {change.rep}: {size} from the first to the last step"
        beyond = f"beyond your step-to-step noise ({noise}) and the smallest worthwhile change ({swc})"
    how = {"better": "better", "changed": "changed", "worse": "worse"}.get(change.verdict, change.verdict)
    message = (f"{where} ({shown(change.reference)} -> {shown(change.value)}), "
               f"{beyond}: {words} {how} ({100 * change.probability:.0f} %)")
    return Flag(metric=change.metric, label=change.label, scope=change.scope, rep=change.rep, change=change.change,
                change_pct=change.change_pct, unit=change.unit, reference=change.reference_label, noise=change.noise,
                smallest_worthwhile=change.swc, confidence=f"{words} ({100 * change.probability:.0f} %)",
                severity="info" if change.verdict == "better" else "warning", message=message,
                probability=change.probability, threshold=change.threshold)


@dataclass(frozen=True)
class SessionAssessment:
    """Fatigue verdict on a session.

    Attributes
    ----------
    baseline : Baseline
        What the reps were compared with.
    compared : tuple of int
        Reps compared with the baseline (after the baseline reps, or all with a reference session).
    changes : mapping of int to tuple of Change
        Per rep, every watched metric against the baseline.
    within : mapping of int to tuple of Change
        Per rep, every watched metric's trend over its steps (long reps only).
    flags : tuple of Flag
        Warnings and improvements, in rep order.
    onset_rep : int or None
        First rep of a sustained breakdown (flagged, and flagged again in the next rep or last).
    advice : tuple of str
        What to do, in coaching terms.
    """

    baseline: Baseline
    compared: tuple[int, ...]
    changes: Mapping[int, tuple[Change, ...]]
    within: Mapping[int, tuple[Change, ...]]
    flags: tuple[Flag, ...]
    onset_rep: int | None
    advice: tuple[str, ...]

    def warnings(self, rep: int, scope: str = "rep") -> list[Change]:
        """Return the flagged changes of one rep (``scope`` ``"rep"`` or ``"within rep"``)."""
        source = self.changes if scope == "rep" else self.within
        return [c for c in source.get(rep, ()) if c.flagged]


def assess_session(reps: Sequence[RepSteps], config: FatigueConfig = FatigueConfig(), *,
                   reference: Sequence[RepSteps] | None = None, reference_label: str = "",
                   history: Sequence[Sequence[RepSteps]] = ()) -> SessionAssessment:
    """Compare every rep of a session with the athlete's baseline; flags and advice.

    Parameters
    ----------
    reps : sequence of RepSteps
        The session's reps, in order.
    config : FatigueConfig
        Options.
    reference : sequence of RepSteps, optional
        A chosen reference session's reps: its first reps form the baseline and every rep of
        this session is compared.  Default: this session's first reps, compared with the rest.
    reference_label : str
        What the reference is (``"reps 1-2 of session 4 (2024-05-01)"``).
    history : sequence of sequences of RepSteps
        The athlete's other sessions, whose first reps are pooled into the noise estimate.

    Returns
    -------
    SessionAssessment
        The baseline, every rep's changes (against the baseline and within the rep), the flags,
        the onset of a breakdown and the advice.

    Raises
    ------
    ValueError
        When ``reps`` is empty.
    """
    if not reps:
        raise ValueError("a session needs at least one rep")
    reps = sorted(reps, key=lambda r: r.rep)
    if reference:
        baseline = make_baseline(list(reference), config, label=reference_label, history=history)
        compared = list(reps)
    else:
        baseline = make_baseline(reps, config, history=history)
        compared = [r for r in reps if r.rep not in baseline.reps]
    changes = {r.rep: compare_rep(r, baseline, config) for r in compared}
    within = {r.rep: within_rep_changes(r, config) for r in reps}
    flags = []
    for r in reps:
        for change in changes.get(r.rep, ()):
            if change.verdict in ("worse", "changed", "better"):
                flags.append(change_flag(change))
        # within a rep only warnings: a rise over the steps of a flying rep is usually acceleration
        flags.extend(change_flag(c) for c in within.get(r.rep, ()) if c.flagged)
    onset = breakdown_onset(changes, [r.rep for r in compared])
    assessment = SessionAssessment(baseline, tuple(r.rep for r in compared), changes, within, tuple(flags), onset, ())
    return replace(assessment, advice=session_advice(assessment))


def breakdown_onset(changes: Mapping[int, Sequence[Change]], order: Sequence[int]) -> int | None:
    """Find the first rep with a warning that the next rep repeats (or that is the last rep)."""
    flagged = [any(c.flagged for c in changes.get(r, ())) for r in order]
    for i, rep in enumerate(order):
        if flagged[i] and (i == len(order) - 1 or flagged[i + 1]):
            return rep
    return None


def join_words(parts: Sequence[str]) -> str:
    """Join words in a list: ``["a", "b", "c"]`` -> ``"a, b and c"``."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _strongest(changes: Sequence[Change], limit: int = 3) -> list[Change]:
    return sorted(changes, key=lambda c: (-c.probability, -abs(c.change / c.threshold) if c.threshold else 0))[:limit]


def session_advice(assessment: SessionAssessment) -> tuple[str, ...]:
    """Give advice in coaching terms from a session's flags.

    Training logic (DESIGN.md section 6): when form falters, reduce the load or go back to
    technique-focused reps; a drop in output with technique held means fatigue without
    breakdown; isolated flags are watched, not acted on.
    """
    a = assessment
    lines: list[str] = []
    order = list(a.compared)
    onset = a.onset_rep
    if onset is not None:
        words = join_words([c.describe() for c in _strongest(a.warnings(onset))])
        later = [r for r in order if r > onset and a.warnings(r)]
        tail = ""
        if later:
            last = later[-1]
            tail = f"; by rep {last}: {join_words([c.describe() for c in _strongest(a.warnings(last))])}"
        technique = any(METRICS_BY_NAME[c.metric].technique for r in [onset, *later] for c in a.warnings(r)
                        if c.metric in METRICS_BY_NAME)
        if technique:
            lines.append(f"From rep {onset}, {words} beyond your noise{tail}: stop the speed work here or switch to "
                         "technique-focused reps.")
        else:
            lines.append(f"From rep {onset}, {words} beyond your noise{tail}, while technique held: fatigue is "
                         "setting in; lengthen the rest or end the speed block here.")
    isolated = [r for r in order if a.warnings(r) and (onset is None or r < onset)]
    for rep in isolated:
        words = join_words([c.describe() for c in _strongest(a.warnings(rep))])
        lines.append(f"Rep {rep}: {words} beyond your noise, not repeated in the next rep: a one-off; watch it.")
    trending = [r for r in sorted(a.within) if a.warnings(r, "within rep")]
    for rep in trending:
        words = join_words([c.describe() for c in _strongest(a.warnings(rep, "within rep"))])
        lines.append(f"Within rep {rep}, {words} from the first to the last step: form fades over the rep; "
                     "shorten the reps or lengthen the recovery.")
    better = [r for r in order if any(c.verdict == "better" for c in a.changes.get(r, ()))]
    if better and onset is None:
        rep = better[0]
        words = join_words([c.describe() for c in _strongest([c for c in a.changes[rep] if c.verdict == "better"])])
        lines.append(f"Rep {rep} beat the baseline ({words}): the first reps may not have been fully warmed up.")
    if onset is None and not isolated and not trending:
        if order:
            lines.append(f"All {len(order)} reps after the baseline held within your noise against "
                         f"{a.baseline.label}: the session was tolerated; keep the plan.")
        else:
            lines.append("Only baseline reps so far: nothing to compare them with yet.")
    lines.extend(f"Note: {n}." for n in a.baseline.notes)
    return tuple(lines)
