"""The metric catalogue: what each metric SprintLens reports is, declared once.

Every step metric (a :class:`sprintlens.analysis.steps.Step` field), rep metric (a
:class:`sprintlens.analysis.steps.RepSummary` field) and the session-level values the logbook
derives from them is a :class:`Metric` here: its name, words, short column head, kind of unit,
display precision, which direction of change is a bad sign, smallest worthwhile change and the
plausible physical range.  Analysis, logbook and render read it; the one number formatter
(:mod:`sprintlens.core.formatting`) takes its precision from it.

Units
-----
Values are stored in SI-like base units: times in s (shown in ms), frequencies in Hz, cadence in
steps/min, angles in deg, ratios as fractions, distances in the rep's unit (``"m"``,
or ``"legs"``, leg lengths, without a metric scale) and speeds in that unit per second.

Display precision
-----------------
Honest to what the measurement supports: contact, flight, step and block times in whole ms
(coarser below 100 fps, see :mod:`sprintlens.core.formatting`), step frequency to 0.01 Hz,
cadence in whole steps/min, step length and touchdown distance to 0.01 m, speed to 0.1 m/s,
angles in whole degrees, duty factor in whole percent (two digits), knee height to 0.01
thigh lengths.

Smallest worthwhile change (SWC)
--------------------------------
0.2 x the between-athlete SD (Hopkins 2004, *Sportscience* 8:1-7; Cohen's smallest effect), from
approximate between-athlete SDs of trained sprinters at top speed: contact time 10 ms, step
frequency 0.25 Hz, speed ~5 %, touchdown distance 5 cm, hip extension at toe-off 5 deg, trunk
lean at touchdown 4 deg, knee drive 6 deg, thigh separation 8 deg; step length 1 % (0.2 x ~0.12 m
between-athlete SD at ~2.1 m).  These SDs are rounded orders of magnitude, not values from one
study: replace them with your squad's (``FatigueConfig(metrics=...)``).  Metrics without an SWC
(``swc`` empty and ``swc_rel`` 0) are shown, not judged.

Plausible ranges
----------------
``plausible`` bounds a value of a sprint or run (not walking) by unit: contact 0.06-0.40 s,
flight 0-0.25 s, step frequency 1.5-6 Hz, step length 0.3-3.2 leg lengths, speed up to 12.5 m/s,
angles within anatomical bounds.  ``plausible_walking`` gives the walking bounds where they differ
(longer contacts, lower step frequencies, shorter steps, slower speeds).  The step verdicts
(:mod:`sprintlens.analysis.quality`) use them, with the frame rate's own limits below, to judge
every contact and step trusted or not; each bound's source is in a comment beside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

#: Kinds of unit and the base unit a value of that kind is stored in (``{dist}``: m or legs).
KINDS: dict[str, str] = {
    "time": "s",
    "frequency": "Hz",
    "cadence": "steps/min",
    "distance": "{dist}",
    "speed": "{dist}/s",
    "angle": "deg",
    "ratio": "",
    "count": "",
}

#: At or above this frame rate (frames/s) a frame is short enough (10 ms or less) for event
#: times to count as confident and to be shown in whole ms.
FINE_TIMING_FPS = 100.0

#: Where a metric is measured: per step, per rep or per session.
SCOPES = ("step", "rep", "session")

#: Directions of a change that is a bad sign.
DIRECTIONS = ("up", "down", "either")


@dataclass(frozen=True)
class Metric:
    """One metric.

    Attributes
    ----------
    name : str
        Field name (``Step``/``RepSummary`` attribute, database column).
    label : str
        Words for it (``"contact time"``).
    short : str
        Short column head (``"contact"``).
    kind : str
        One of :data:`KINDS`.
    decimals : int
        Display precision, in decimals of the display unit (ms for times, % for ratios).
    worse : str
        ``"up"``, ``"down"`` or ``"either"``: the direction of a change that is a bad sign.
    scope : str
        One of :data:`SCOPES`: where it is measured.
    swc : mapping of str to float
        Absolute smallest worthwhile change by base unit (``{"s": 0.002}``, ``{"m": 0.01, "legs": 0.012}``).
    swc_rel : float
        Smallest worthwhile change as a fraction of the baseline value (the larger one is used).
    swc_source : str
        Where the SWC comes from.
    plausible : mapping of str to (float, float)
        Plausible range of a value of a sprint or run by base unit (``{"s": (0.06, 0.40)}``).
    plausible_walking : mapping of str to (float, float)
        Plausible range when walking, where it differs from ``plausible`` (else ``plausible``).
    relative : bool
        A change reads best as a percentage of the baseline.
    technique : bool
        A technique metric (else an output: speed, step frequency, contact time).
    as_percent : bool
        A ratio shown in percent (``decimals`` then counts decimals of the percentage).
    summarised : bool
        A step metric summarised per rep (mean, SD and trend in ``RepSummary.trends``).
    """

    name: str
    label: str
    short: str
    kind: str
    decimals: int
    worse: str
    scope: str = "step"
    swc: Mapping[str, float] = field(default_factory=dict)
    swc_rel: float = 0.0
    swc_source: str = ""
    plausible: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    plausible_walking: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    relative: bool = False
    technique: bool = True
    as_percent: bool = False
    summarised: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r}")
        if self.worse not in DIRECTIONS:
            raise ValueError(f"{self.name}: unknown direction {self.worse!r}")
        if self.scope not in SCOPES:
            raise ValueError(f"{self.name}: unknown scope {self.scope!r}")

    def unit_for(self, distance_unit: str = "m") -> str:
        """Return the base unit of a value for a rep whose distances are in ``distance_unit``."""
        return KINDS[self.kind].format(dist=distance_unit)

    def swc_for(self, unit: str, base: float) -> float:
        """Return the smallest worthwhile change (base unit ``unit``) for a baseline value ``base``."""
        relative = self.swc_rel * abs(base) if math.isfinite(base) else 0.0
        return max(self.swc.get(unit, 0.0), relative)

    def plausible_range(self, distance_unit: str = "m", gait: str = "running") -> tuple[float, float]:
        """Give the ``(low, high)`` of a plausible value; ``(-inf, inf)`` when not declared.

        Parameters
        ----------
        distance_unit : str
            The rep's distance unit: ``"m"``, or ``"legs"`` without a metric scale.
        gait : str
            ``"running"`` (sprints and runs), ``"walking"`` or ``"standing"`` (the walking
            bounds), or anything else when unknown (the union of both: only what neither allows
            is implausible).

        Returns
        -------
        (float, float)
            The inclusive bounds, in the metric's base unit.
        """
        unit = self.unit_for(distance_unit)
        anything = (float("-inf"), float("inf"))
        running = self.plausible.get(unit, anything)
        walking = self.plausible_walking.get(unit, running)
        if gait == "running":
            return running
        if gait in ("walking", "standing"):
            return walking
        return min(running[0], walking[0]), max(running[1], walking[1])


_HOPKINS = "0.2 x between-athlete SD (Hopkins 2004)"

#: Every metric, once: step metrics, then rep metrics, then session metrics.
METRICS: tuple[Metric, ...] = (
    # step metrics (Step fields)
    # contact: the world's fastest sprinters touch down for ~80 ms at top speed (Weyand et al. 2000,
    # J Appl Physiol 89:1991; Mann & Murphy 2015); 60 ms leaves room for timing error, and a run's
    # contact at a slow jog stays under 0.4 s (the first step out of the blocks ~0.2 s).  Walking
    # stance: ~0.25 s (race walking) to ~1.5 s (a very slow walk)
    Metric("contact_s", "contact time", "contact", "time", 0, "up", swc={"s": 0.002},
           swc_source=f"{_HOPKINS}, SD ~10 ms", plausible={"s": (0.06, 0.40)}, plausible_walking={"s": (0.2, 1.5)},
           relative=True, technique=False),
    # flight: none in walking; up to ~0.15 s at top speed, 0.25 s is beyond any sprint or run step
    Metric("flight_s", "flight time", "flight", "time", 0, "either", plausible={"s": (0.0, 0.25)}),
    # step frequency: ~1.5 Hz (90 steps/min, a slow jog) to the ~5 Hz of the fastest sprinters
    # (Bolt ~4.3-4.5 Hz, Weyand 2000: 4-5 Hz at top speed), 6 Hz with room; walking 0.7-3.5 Hz
    # (a slow stroll to race walking's ~200 steps/min)
    Metric("step_time_s", "step time", "step time", "time", 0, "up", plausible={"s": (1 / 6, 1 / 1.5)},
           plausible_walking={"s": (1 / 3.5, 1 / 0.7)}, technique=False),
    Metric("step_frequency_hz", "step frequency", "step freq", "frequency", 2, "down", swc={"Hz": 0.05},
           swc_source=f"{_HOPKINS}, SD ~0.25 Hz", plausible={"Hz": (1.5, 6.0)}, plausible_walking={"Hz": (0.7, 3.5)},
           relative=True, technique=False),
    # step length: elite top-speed steps ~2.6-2.8 m, ~2.8-3 leg lengths (a leg ~0.53 x height);
    # 3.2 leaves room, 0.3 is a shuffle.  Walking up to ~1.6 leg lengths (race walking ~1.2 m)
    Metric("step_length", "step length", "step len", "distance", 2, "down", swc_rel=0.01,
           swc_source=f"{_HOPKINS}, SD ~0.12 m at ~2.1 m", plausible={"legs": (0.3, 3.2), "m": (0.25, 3.0)},
           plausible_walking={"legs": (0.3, 1.6), "m": (0.25, 1.5)}, relative=True, technique=False),
    # speed: the fastest 10 m split ever run is ~12.4 m/s (Bolt, 2009); 12.5 m/s or ~14 leg lengths/s
    # (12.5 m/s over a 0.9 m leg) is beyond any athlete.  Walking: race walking reaches ~4.2 m/s
    Metric("step_velocity", "speed", "speed", "speed", 1, "down", swc_rel=0.01,
           swc_source=f"{_HOPKINS}, SD ~5 %", plausible={"m/s": (0.0, 12.5), "legs/s": (0.0, 14.0)},
           plausible_walking={"m/s": (0.0, 4.5), "legs/s": (0.0, 5.0)}, relative=True, technique=False),
    Metric("touchdown_distance", "touchdown distance", "TD dist", "distance", 2, "up",
           swc={"m": 0.01, "legs": 0.012}, swc_source=f"{_HOPKINS}, SD ~5 cm",
           plausible={"m": (-0.3, 0.8), "legs": (-0.35, 0.9)}, relative=True),
    Metric("hip_extension_toeoff_deg", "hip extension at toe-off", "hip ext TO", "angle", 0, "down",
           swc={"deg": 1.0}, swc_source=f"{_HOPKINS}, SD ~5 deg", plausible={"deg": (-40.0, 60.0)}),
    Metric("thigh_toeoff_deg", "thigh at toe-off", "thigh TO", "angle", 0, "either",
           plausible={"deg": (-90.0, 90.0)}),
    Metric("shin_touchdown_deg", "shin at touchdown", "shin TD", "angle", 0, "either",
           plausible={"deg": (-60.0, 60.0)}),
    Metric("trunk_lean_touchdown_deg", "trunk lean at touchdown", "trunk TD", "angle", 0, "either",
           swc={"deg": 0.8}, swc_source=f"{_HOPKINS}, SD ~4 deg", plausible={"deg": (-30.0, 80.0)}),
    Metric("knee_drive_deg", "knee drive", "knee drive", "angle", 0, "down", swc={"deg": 1.2},
           swc_source=f"{_HOPKINS}, SD ~6 deg", plausible={"deg": (-30.0, 130.0)}),
    Metric("knee_height_thighs", "knee height", "knee ht", "ratio", 2, "down", plausible={"": (-1.5, 1.5)},
           summarised=False),
    Metric("max_thigh_separation_deg", "thigh separation", "thigh sep", "angle", 0, "down", swc={"deg": 1.6},
           swc_source=f"{_HOPKINS}, SD ~8 deg", plausible={"deg": (0.0, 180.0)}),
    # rep metrics (RepSummary fields)
    Metric("n_steps", "steps", "steps", "count", 0, "either", scope="rep", plausible={"": (0.0, 500.0)}),
    Metric("n_trusted_steps", "trusted steps", "trusted", "count", 0, "down", scope="rep",
           plausible={"": (0.0, 500.0)}),
    Metric("cadence_spm", "cadence", "cadence", "cadence", 0, "down", scope="rep",
           plausible={"steps/min": (90.0, 360.0)}, technique=False),
    Metric("duty_factor", "duty factor", "duty", "ratio", 0, "up", scope="rep", plausible={"": (0.1, 0.8)},
           technique=False, as_percent=True),
    Metric("top_velocity", "top speed", "top speed", "speed", 1, "down", scope="rep",
           plausible={"m/s": (0.0, 12.5), "legs/s": (0.0, 14.0)}, relative=True, technique=False),
    Metric("top_velocity_step", "step of top speed", "top step", "count", 0, "either", scope="rep",
           plausible={"": (0.0, 500.0)}),
    Metric("block_time_s", "block time", "block", "time", 0, "up", scope="rep", plausible={"s": (0.2, 0.8)},
           technique=False),
    Metric("rear_block_time_s", "rear block time", "rear block", "time", 0, "either", scope="rep",
           plausible={"s": (0.05, 0.5)}),
    # session metrics (logbook)
    Metric("n_reps", "reps", "reps", "count", 0, "either", scope="session", plausible={"": (0.0, 100.0)}),
)

#: The catalogue by name.
BY_NAME: dict[str, Metric] = {m.name: m for m in METRICS}

#: Names of the step metrics summarised per rep (mean, SD, trend), in catalogue order.
STEP_METRIC_NAMES: tuple[str, ...] = tuple(m.name for m in METRICS if m.scope == "step" and m.summarised)


def metric(name: str) -> Metric:
    """Return the catalogue entry of ``name`` (KeyError when it has none)."""
    return BY_NAME[name]


#: Plausible standing height of an athlete (m, inclusive), from children's sprints to the tallest
#: athletes: the one range the logbook and the height scale check (:mod:`sprintlens.core.limits`).
ATHLETE_HEIGHT_M: tuple[float, float] = (1.0, 2.5)


# -- step verdicts (sprintlens.analysis.quality) -----------------------------------------------------
# Limits that come from the frame rate and the pose model rather than from the athlete; the
# athlete's own limits are the ``plausible`` ranges above.

#: A contact is seen in at least this many frames: fewer is one sample of the foot near the ground,
#: not a measured contact (its time is then shorter than the timing's own uncertainty).
MIN_CONTACT_FRAMES: int = 2

#: Flight may read up to this many frame periods below zero in a run before it is impossible: each
#: of its two events is good to a frame (a run has no double support, so more is a misread event).
NEGATIVE_FLIGHT_FRAMES: float = 1.0

#: Shortest swing of one foot (s), toe-off to its own next touchdown: flight, the other foot's
#: contact and flight again.  At top speed the swing takes ~0.3-0.37 s whatever the runner (Weyand
#: et al. 2000: swing times alike across speeds and runners); 0.2 s is beyond any.  Two contacts of
#: one foot closer than this are one contact broken by the pose model (a label flip, a lost foot).
MIN_SWING_S: float = 0.20

#: A foot's landmarks must be more likely visible than not (the pose model's visibility, a
#: probability) around an event for the event to be trusted.
MIN_EVENT_VISIBILITY: float = 0.5

#: A step's time may differ from the median of its neighbours' by this fraction (the athlete: at a
#: steady run successive steps differ by a few percent, and even the first steps of an
#: acceleration lengthen by less, so a step 25 % off is a missed or an extra contact, as
#: :func:`sprintlens.logbook.fatigue.implausible_steps` also reads it) ...
NEIGHBOUR_STEP_TIME_TOLERANCE: float = 0.25
#: ... plus this many frame periods (the timing: each of a step's two touchdowns is good to a
#: frame, so a step time is good to two; at 30 fps that is 67 ms, a fifth of a step).
NEIGHBOUR_STEP_TIME_FRAMES: float = 2.0
#: How many steps on each side make a step's neighbours (at least two in all are needed).
NEIGHBOUR_STEPS: int = 2
