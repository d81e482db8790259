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
``plausible`` bounds a value of a sprint (not walking) by unit: contact 0.06-0.40 s, flight
0-0.25 s, step frequency 1.5-6 Hz, step length 0.3-3.2 leg lengths, speed up to 12.5 m/s, angles
within anatomical bounds.  Later checks use them to reject a misread event or pose.
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
        Plausible range of a value by base unit (``{"s": (0.06, 0.40)}``).
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

    def plausible_range(self, distance_unit: str = "m") -> tuple[float, float]:
        """Return the ``(low, high)`` of a plausible value; ``(-inf, inf)`` when not declared."""
        return self.plausible.get(self.unit_for(distance_unit), (float("-inf"), float("inf")))


_HOPKINS = "0.2 x between-athlete SD (Hopkins 2004)"

#: Every metric, once: step metrics, then rep metrics, then session metrics.
METRICS: tuple[Metric, ...] = (
    # step metrics (Step fields)
    Metric("contact_s", "contact time", "contact", "time", 0, "up", swc={"s": 0.002},
           swc_source=f"{_HOPKINS}, SD ~10 ms", plausible={"s": (0.06, 0.40)}, relative=True, technique=False),
    Metric("flight_s", "flight time", "flight", "time", 0, "either", plausible={"s": (0.0, 0.25)}),
    Metric("step_time_s", "step time", "step time", "time", 0, "up", plausible={"s": (1 / 6, 1 / 1.5)},
           technique=False),
    Metric("step_frequency_hz", "step frequency", "step freq", "frequency", 2, "down", swc={"Hz": 0.05},
           swc_source=f"{_HOPKINS}, SD ~0.25 Hz", plausible={"Hz": (1.5, 6.0)}, relative=True, technique=False),
    Metric("step_length", "step length", "step len", "distance", 2, "down", swc_rel=0.01,
           swc_source=f"{_HOPKINS}, SD ~0.12 m at ~2.1 m", plausible={"legs": (0.3, 3.2), "m": (0.25, 3.0)},
           relative=True, technique=False),
    Metric("step_velocity", "speed", "speed", "speed", 1, "down", swc_rel=0.01,
           swc_source=f"{_HOPKINS}, SD ~5 %", plausible={"m/s": (0.0, 12.5), "legs/s": (0.0, 14.0)},
           relative=True, technique=False),
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
