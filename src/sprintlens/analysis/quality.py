"""Every contact and step judged: trusted, or not and why.

A pose model sometimes misreads a foot: a label flip for two frames, a foot hidden behind a
console, a touchdown seen a few frames late.  The events and metrics made from such a frame are
numbers no athlete can produce (a 40 ms contact at 60 fps, a negative flight, a 250 Hz step, a
step of 15 leg lengths).  This module judges each contact and step against limits that come from
physics, the frame rate and the athlete's size, never from one clip:

- the athlete: the plausible range of each step metric in the metric catalogue
  (:mod:`sprintlens.core.catalogue`), for the clip's gait (a run's or a walk's bounds, from the
  gait verdict); a distance with a metric scale is also judged in the athlete's own leg lengths;
- the frame rate: a contact seen in fewer than :data:`~sprintlens.core.catalogue.MIN_CONTACT_FRAMES`
  frames; a run's flight more than a frame period below zero;
- the events: a foot that touches down twice without the other foot between; the foot's
  landmarks more likely hidden than seen around a touchdown or toe-off
  (:data:`~sprintlens.core.catalogue.MIN_EVENT_VISIBILITY`);
- the neighbours: a step time far from the median of the steps around it (a missed or an extra
  contact).

A verdict is a tuple of short reasons; no reason means trusted.  Each reason begins with one of
the keys in :data:`REASONS` and gives the value that failed, e.g. ``"flight negative (-50 ms)"``.
Pure functions: no I/O.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sprintlens.analysis.contacts import Contact, Gait, GaitVerdict
from sprintlens.analysis.scale import Scale
from sprintlens.analysis.steps import Step
from sprintlens.core.catalogue import (
    BY_NAME,
    METRICS,
    MIN_CONTACT_FRAMES,
    MIN_EVENT_VISIBILITY,
    NEGATIVE_FLIGHT_FRAMES,
    NEIGHBOUR_STEP_TIME_FRAMES,
    NEIGHBOUR_STEP_TIME_TOLERANCE,
    NEIGHBOUR_STEPS,
)
from sprintlens.core.formatting import format_number, format_value
from sprintlens.core.landmarks import Landmark as L

#: The first words of each reason, and what they mean.
REASONS: dict[str, str] = {
    "contact short": "contact shorter than the frame rate or any athlete allows",
    "contact long": "contact longer than the gait allows (0.4 s in a run)",
    "flight negative": "a run's flight below zero by more than the timing's uncertainty",
    "flight long": "flight longer than any sprint or run step",
    "step frequency": "step frequency outside the gait's range",
    "step length": "step length outside the gait's range (in leg lengths, and in metres with a scale)",
    "speed": "speed beyond the gait's range",
    "foot down twice": "the foot touches down twice without the other foot between",
    "low confidence": "the foot's landmarks more likely hidden than seen around the event",
    "in the blocks": "the contact ends before the athlete leaves the blocks (no step)",
    "off neighbours": "step time far from the median of the neighbouring steps",
    "implausible": "another step metric outside its plausible range",
}

#: Step metrics with their own reason key (others get ``"<metric> implausible"``).
_KEYED = {"contact_s": "contact", "flight_s": "flight", "step_frequency_hz": "step frequency",
          "step_length": "step length", "step_velocity": "speed"}
#: Judged through another field (step time is one over step frequency).
_SKIPPED = ("step_time_s",)


@dataclass(frozen=True)
class Verdict:
    """A contact's or a step's verdict: trusted when it has no reason against it.

    Attributes
    ----------
    reasons : tuple of str
        Short reasons (each begins with a key of :data:`REASONS`); empty when trusted.
    """

    reasons: tuple[str, ...] = ()

    @property
    def trusted(self) -> bool:
        """No reason against it."""
        return not self.reasons

    @property
    def text(self) -> str:
        """The reasons joined by ``"; "`` (empty when trusted)."""
        return "; ".join(self.reasons)


def gait_name(gait: GaitVerdict | Gait | str) -> str:
    """Give the gait's name for the catalogue's ranges (``"running"``, ``"walking"`` ...).

    Parameters
    ----------
    gait : GaitVerdict, Gait or str
        The clip's gait.

    Returns
    -------
    str
        Its value, e.g. ``"running"``.
    """
    if isinstance(gait, GaitVerdict):
        gait = gait.gait
    return gait.value if isinstance(gait, Gait) else str(gait)


def contact_limits_s(fps: float, gait: GaitVerdict | Gait | str) -> tuple[float, float]:
    """Give the shortest and longest trusted contact (s) at a frame rate, for a gait.

    Parameters
    ----------
    fps : float
        Frame rate (frames/s): a contact spans at least
        :data:`~sprintlens.core.catalogue.MIN_CONTACT_FRAMES` frame periods.
    gait : GaitVerdict, Gait or str
        The clip's gait (a run's contacts end by 0.4 s, a walk's last longer).

    Returns
    -------
    (float, float)
        The bounds (s), inclusive.
    """
    low, high = BY_NAME["contact_s"].plausible_range("m", gait_name(gait))
    return max(low, MIN_CONTACT_FRAMES / fps), high


def _fmt(value: float, name: str, unit: str, fps: float | None = None) -> str:
    return format_value(value, name, unit, fps)


def _foot_visibility(visibility: np.ndarray, foot: str) -> np.ndarray:
    """Per frame, the better seen of the foot's heel and toe (NaN counted as unseen)."""
    points = visibility[:, [L[f"{foot.upper()}_HEEL"], L[f"{foot.upper()}_FOOT_INDEX"]]]
    return np.max(np.nan_to_num(points, nan=0.0), axis=1)


def _seen_around(seen: np.ndarray, frame: int) -> float:
    """Median visibility over the event's frame and the frames either side."""
    window = seen[max(0, frame - 1):frame + 2]
    return float(np.median(window)) if window.size else 0.0


def judge_contacts(contacts: Sequence[Contact], fps: float, gait: GaitVerdict | Gait | str,
                   visibility: np.ndarray | None = None, after_s: float = -math.inf) -> list[Verdict]:
    """Judge every contact (see the module docstring).

    Parameters
    ----------
    contacts : sequence of Contact
        The contacts, sorted by touchdown (:func:`sprintlens.analysis.contacts.find_contacts`).
    fps : float
        Frame rate (frames/s).
    gait : GaitVerdict, Gait or str
        The clip's gait: sets the longest contact.
    visibility : ndarray (T, 33), optional
        The pose model's visibility of each landmark per frame (of the track the contacts'
        frames index); without it, confidence is not judged.
    after_s : float
        Contacts that end before this time (s) are in the blocks: no step is made of them.

    Returns
    -------
    list of Verdict
        One per contact, in order.
    """
    low, high = contact_limits_s(fps, gait)
    seen = {foot: _foot_visibility(visibility, foot) for foot in ("left", "right")} if visibility is not None else {}
    running = [k for k, c in enumerate(contacts) if c.toeoff_s > after_s]
    repeated: set[int] = set()
    for a, b in zip(running, running[1:]):
        if contacts[a].foot == contacts[b].foot:
            repeated |= {a, b}
    out = []
    for k, c in enumerate(contacts):
        reasons: list[str] = []
        if c.toeoff_s <= after_s:
            out.append(Verdict(("in the blocks",)))
            continue
        frames = c.last_frame - c.first_frame + 1
        if c.complete and (frames < MIN_CONTACT_FRAMES or c.contact_s < low - 1e-9):
            reasons.append(f"contact short ({_fmt(c.contact_s, 'contact_s', 'm')}, {frames} frame"
                           f"{'s' if frames != 1 else ''}; at least {_fmt(low, 'contact_s', 'm')})")
        if c.contact_s > high + 1e-9:  # also when cut by the clip: it lasted at least this long
            reasons.append(f"contact long ({_fmt(c.contact_s, 'contact_s', 'm')} > {_fmt(high, 'contact_s', 'm')})")
        if k in repeated:
            reasons.append(f"foot down twice (the {c.foot} foot, the other foot not between)")
        if seen:
            for event, frame, filmed in (("touchdown", c.first_frame, c.starts_in_clip),
                                         ("toe-off", c.last_frame, c.ends_in_clip)):
                level = _seen_around(seen[c.foot], frame)
                if filmed and level < MIN_EVENT_VISIBILITY:
                    reasons.append(f"low confidence at {event} ({c.foot} foot visibility {level:.2f})")
        out.append(Verdict(tuple(reasons)))
    return out


def _contact_reasons(step: Step, fps: float, gait: GaitVerdict | Gait | str) -> list[str]:
    """Give the contact time's reasons from the step alone (when its contact was not judged)."""
    low, high = contact_limits_s(fps, gait)
    if step.contact_s < low - 1e-9:
        return [f"contact short ({_fmt(step.contact_s, 'contact_s', 'm')}; at least {_fmt(low, 'contact_s', 'm')})"]
    if step.contact_s > high + 1e-9:
        return [f"contact long ({_fmt(step.contact_s, 'contact_s', 'm')} > {_fmt(high, 'contact_s', 'm')})"]
    return []


def _neighbour_reasons(steps: Sequence[Step], fps: float) -> list[str | None]:
    """For each step, a reason when its time is far from the median of the steps around it (itself included)."""
    times = np.array([s.step_time_s for s in steps], dtype=np.float64)
    out: list[str | None] = []
    for i in range(len(steps)):
        # the step with its neighbours: the median of three or more is not moved by one bad step
        around = times[max(0, i - NEIGHBOUR_STEPS):i + 1 + NEIGHBOUR_STEPS]
        around = around[np.isfinite(around)]
        if around.size < 3 or not np.isfinite(times[i]):
            out.append(None)
            continue
        median = float(np.median(around))
        allowed = NEIGHBOUR_STEP_TIME_TOLERANCE * median + NEIGHBOUR_STEP_TIME_FRAMES / fps
        if abs(times[i] - median) > allowed:
            out.append(f"off neighbours (step time {_fmt(times[i], 'step_time_s', 'm', fps)}, "
                       f"median around it {_fmt(median, 'step_time_s', 'm', fps)})")
        else:
            out.append(None)
    return out


def _range_reasons(step: Step, fps: float, gait: str, scale: Scale) -> list[str]:
    """Reasons from the catalogue's plausible ranges (and the frame rate's, for flight)."""
    unit = scale.unit
    reasons = []
    for metric in METRICS:
        if metric.scope != "step" or metric.name in _SKIPPED or metric.name == "contact_s":
            continue
        value = getattr(step, metric.name, None)
        if not isinstance(value, float) or not math.isfinite(value):
            continue
        low, high = metric.plausible_range(unit, gait)
        key = _KEYED.get(metric.name)
        if metric.name == "flight_s" and gait == "running":
            low = -NEGATIVE_FLIGHT_FRAMES / fps
            if value < low:
                reasons.append(f"flight negative ({_fmt(value, 'flight_s', unit, fps)})")
                continue
        if low <= value <= high:
            if metric.kind == "distance" and unit == "m" and scale.leg_px > 0:
                legs = value * scale.px_per_unit / scale.leg_px
                lo_legs, hi_legs = metric.plausible_range("legs", gait)
                if not lo_legs <= legs <= hi_legs:
                    reasons.append(f"{key or metric.label + ' implausible'} ({legs:.2f} leg lengths outside "
                                   f"{lo_legs:g} to {hi_legs:g})")
            continue
        shown = _fmt(value, metric.name, unit, fps)
        bounds = f"{format_number(low, metric.name, unit, fps)} to {format_number(high, metric.name, unit, fps)}"
        if key == "flight":
            reasons.append(f"flight long ({shown} > {_fmt(high, metric.name, unit, fps)})")
        elif key:
            reasons.append(f"{key} ({shown} outside {bounds})")
        else:
            reasons.append(f"{metric.label} implausible ({shown} outside {bounds})")
    return reasons


def judge_steps(steps: Sequence[Step], contacts: Sequence[Contact], contact_verdicts: Sequence[Verdict],
                fps: float, gait: GaitVerdict | Gait | str, scale: Scale) -> list[Step]:
    """Judge every step: its contact's verdict, the catalogue's ranges, its neighbours.

    Parameters
    ----------
    steps : sequence of Step
        The rep's steps (:func:`sprintlens.analysis.steps.step_metrics`).
    contacts : sequence of Contact
        The contacts they were made from.
    contact_verdicts : sequence of Verdict
        One per contact (:func:`judge_contacts`).
    fps : float
        Frame rate (frames/s).
    gait : GaitVerdict, Gait or str
        The clip's gait: a run's or a walk's ranges.
    scale : Scale
        The rep's scale (its unit; with a metric scale, distances are also judged in leg lengths).

    Returns
    -------
    list of Step
        The steps with ``trusted`` and ``quality_reasons`` filled in.
    """
    name = gait_name(gait)
    by_touchdown = {c.touchdown_s: v for c, v in zip(contacts, contact_verdicts)}
    neighbours = _neighbour_reasons(steps, fps)
    out = []
    for step, off in zip(steps, neighbours):
        own = by_touchdown.get(step.touchdown_s)
        reasons = list(own.reasons) if own is not None else _contact_reasons(step, fps, gait)
        nxt = by_touchdown.get(step.next_touchdown_s, Verdict())
        reasons += [r for r in nxt.reasons if r.startswith("low confidence at touchdown")]
        reasons += _range_reasons(step, fps, name, scale)
        if off:
            reasons.append(off)
        reasons = list(dict.fromkeys(reasons))
        out.append(dataclasses.replace(step, trusted=not reasons, quality_reasons="; ".join(reasons)))
    return out
