"""What the annotated clip shows on each frame, worked out once from an analysis (pure data).

:func:`frame_states` turns an :class:`~sprintlens.analysis.result.Analysis` into one :class:`FrameState`
per track frame: the pose to draw, the angles, which foot is down, the touchdown/toe-off markers
still on screen, the held values (hip extension at toe-off, trunk lean at touchdown), the step
counter and the live metrics.  The annotators in :mod:`sprintlens.render.annotate` only draw
what a state says, so everything here can be tested without pixels.

Events are shown from the frame that shows them (a touchdown from the first frame with the foot
down, a toe-off from the last), so a freeze-frame at a key position carries its value.  Times are
real (scene) seconds; a hold of ``hold_s`` real seconds lasts ``hold_s / speed``
seconds of playback when the clip is slowed down (:mod:`sprintlens.render.clip` converts).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sprintlens.analysis.result import Analysis
from sprintlens.core.formatting import format_value
from sprintlens.core.landmarks import Landmark as L
from sprintlens.render import style

#: Angle columns an annotated frame carries.
FRAME_ANGLES: tuple[str, ...] = (
    "hip_flexion_left_deg", "hip_flexion_right_deg", "knee_flexion_left_deg", "knee_flexion_right_deg",
    "trunk_lean_deg", "shin_left_deg", "shin_right_deg", "thigh_separation_deg",
)


@dataclass(frozen=True)
class EventMarker:
    """A touchdown or toe-off marker on screen.

    Attributes
    ----------
    kind : {"touchdown", "toeoff"}
    foot : {"left", "right"}
    x_px, y_px : float
        Where the foot was at the event (image pixels), moved along with the ground's image motion
        since then (a panning camera, a treadmill belt), so the marker stays on its spot of ground.
    age_s : float
        Real time since the event (s); the marker fades as it ages.
    fade : float
        Opacity, 1 at the event falling to 0 at the end of the hold.
    """

    kind: str
    foot: str
    x_px: float
    y_px: float
    age_s: float
    fade: float


@dataclass(frozen=True)
class Callout:
    """A value held on screen for a moment after its event (``"Toe-off L  hip ext 12°"``)."""

    text: str
    colour: style.RGB
    age_s: float
    fade: float


@dataclass(frozen=True)
class PanelRow:
    """One live metric: label, formatted value with unit."""

    label: str
    value: str


@dataclass(frozen=True)
class FrameState:
    """Everything drawn on one frame.

    Attributes
    ----------
    row : int
        Track row.
    index : int
        Video frame index.
    t_s : float
        Real time (s).
    points_px : ndarray (33, 2) or None
        Smoothed landmarks (px); None when the athlete is not seen.
    angles : dict of str to float
        :data:`FRAME_ANGLES` at this frame (NaN where unknown).
    near : str or None
        Leg nearer the camera.
    stance : tuple of str
        Feet on the ground now.
    shin_side : str or None
        Leg whose shin is drawn against the vertical (the one on the ground, else the next to land).
    contact_points : dict of str to (float, float)
        Ground point under each foot that is down (px).
    markers, callouts : tuples
        Event markers and held values still on screen.
    step : int
        Steps started so far (0 before the first touchdown).
    n_steps : int
        Steps in the rep.
    panel : tuple of PanelRow
        Live metrics.
    note : str
        Small print under the panel (timing confidence).
    """

    row: int
    index: int
    t_s: float
    points_px: np.ndarray | None
    angles: dict[str, float]
    near: str | None
    stance: tuple[str, ...]
    shin_side: str | None
    contact_points: dict[str, tuple[float, float]] = field(default_factory=dict)
    markers: tuple[EventMarker, ...] = ()
    callouts: tuple[Callout, ...] = ()
    step: int = 0
    n_steps: int = 0
    panel: tuple[PanelRow, ...] = ()
    note: str = ""


def _angle(value: float) -> str:
    return format_value(value, "angle", "deg", degree_sign=True)


def _foot_point(points: np.ndarray, side: str, kind: str) -> tuple[float, float]:
    """Lowest foot point (heel or toe) at touchdown, the toe at toe-off (px)."""
    heel = points[L[f"{side.upper()}_HEEL"]]
    toe = points[L[f"{side.upper()}_FOOT_INDEX"]]
    if kind == "toeoff":
        p = toe if np.all(np.isfinite(toe)) else heel
    else:
        candidates = [q for q in (heel, toe) if np.all(np.isfinite(q))]
        p = max(candidates, key=lambda q: q[1]) if candidates else heel
    return float(p[0]), float(p[1])


def frame_states(analysis: Analysis, hold_s: float = 0.5) -> list[FrameState]:
    """One :class:`FrameState` per track frame.

    Parameters
    ----------
    analysis : Analysis
        The rep.
    hold_s : float
        Real seconds that a touchdown/toe-off marker and its held value stay on screen.

    Returns
    -------
    list of FrameState
        In track order (``state.index`` is the video frame).
    """
    track = analysis.track
    smooth = analysis.cleaned.smooth.positions_px
    t = track.t_s
    n = track.n_frames
    near = analysis.near_leg
    unit = analysis.scale.unit
    steps = analysis.steps
    fps = track.fps

    # An event is shown from the frame that shows it: a touchdown from the first frame at or after
    # it (the first frame with the foot down), a toe-off from the last frame at or before it (the
    # last frame with the foot down, the key frame of toe-off).
    def shown_from_after(time_s: float) -> float:
        return float(t[min(int(np.searchsorted(t, time_s - 1e-9, side="left")), n - 1)])

    def shown_from_before(time_s: float) -> float:
        return float(t[max(int(np.searchsorted(t, time_s + 1e-9, side="right")) - 1, 0)])

    # The ground's image displacement since the start (px): markers stay on the spot of the ground
    # where the event happened even when the camera pans or a treadmill belt carries it.
    ground_speed = np.nan_to_num(np.asarray(analysis.ground_speed_px_s, dtype=np.float64))
    ground_x = np.concatenate([[0.0], np.cumsum(0.5 * (ground_speed[1:] + ground_speed[:-1]) * np.diff(t))])

    def ground_at(time_s: float) -> float:
        return float(np.interp(time_s, t, ground_x))

    # events: (time, kind, foot, point, callout text, callout colour)
    events: list[tuple[float, str, str, tuple[float, float] | None, str, style.RGB]] = []
    by_touchdown = {round(s.touchdown_s, 9): s for s in steps}
    by_toeoff = {round(s.toeoff_s, 9): s for s in steps}
    for c in analysis.contacts:
        letter = c.foot[0].upper()
        if c.starts_in_clip:
            step = by_touchdown.get(round(c.touchdown_s, 9))
            text = f"Touchdown {letter}"
            if step is not None:
                text += (f"  trunk {_angle(step.trunk_lean_touchdown_deg)}"
                         f"  shin {_angle(step.shin_touchdown_deg)}")
            else:
                k = int(np.clip(np.searchsorted(t, c.touchdown_s), 0, n - 1))
                text += f"  trunk {_angle(float(analysis.angles['trunk_lean_deg'][k]))}"
            events.append((shown_from_after(c.touchdown_s), "touchdown", c.foot,
                           _foot_point(smooth[c.first_frame], c.foot, "touchdown"), text, style.TOUCHDOWN))
        if c.ends_in_clip:
            step = by_toeoff.get(round(c.toeoff_s, 9))
            value = step.hip_extension_toeoff_deg if step is not None else float(
                analysis.angles[f"hip_extension_{c.foot}_deg"][min(c.last_frame, n - 1)])
            events.append((shown_from_before(c.toeoff_s), "toeoff", c.foot,
                           _foot_point(smooth[c.last_frame], c.foot, "toeoff"),
                           f"Toe-off {letter}  hip ext {_angle(value)}", style.TOEOFF))
    if analysis.start is not None:
        st = analysis.start
        block = format_value(st.block_time_s, "block_time_s", fps=fps)
        for time_s, text in ((st.first_movement_s, "First movement"),
                             (st.rear_exit_s, "Rear foot leaves the block"),
                             (st.front_exit_s, f"Front foot leaves the block  block time {block}")):
            if math.isfinite(time_s):
                events.append((shown_from_after(time_s), "start", "", None, text, style.REFERENCE))
    events.sort(key=lambda e: e[0])
    event_times = np.array([e[0] for e in events])

    in_contact = {side: np.zeros(n, dtype=bool) for side in ("left", "right")}
    for c in analysis.contacts:
        in_contact[c.foot][c.first_frame:c.last_frame + 1] = True
    touchdowns = sorted((c.touchdown_s, c.foot) for c in analysis.contacts)
    step_td = np.array([shown_from_after(s.touchdown_s) for s in steps])
    step_to = np.array([shown_from_before(s.toeoff_s) for s in steps])
    step_next = np.array([shown_from_after(s.next_touchdown_s) for s in steps])
    seen = track.detected
    note = ""
    if analysis.summary.low_confidence_timing:
        note = f"{fps:.0f} fps: times ±{1000 / fps:.0f} ms"

    states = []
    for k in range(n):
        now = float(t[k])
        pts = smooth[k] if seen[k] and np.isfinite(smooth[k]).any() else None
        angles = {name: float(analysis.angles[name][k]) for name in FRAME_ANGLES}
        stance = tuple(side for side in ("left", "right") if in_contact[side][k])
        if len(stance) == 1:
            shin_side: str | None = stance[0]
        elif len(stance) == 2:
            shin_side = near
        else:
            upcoming = [foot for td, foot in touchdowns if td > now]
            shin_side = upcoming[0] if upcoming else None
        contact_points = {}
        if pts is not None:
            for side in stance:
                contact_points[side] = _foot_point(pts, side, "touchdown")

        lo = int(np.searchsorted(event_times, now - hold_s, side="right"))
        hi = int(np.searchsorted(event_times, now + 1e-9, side="right"))
        markers, callouts = [], []
        for time_s, kind, foot, point, text, colour in events[lo:hi]:
            age = now - time_s
            fade = float(np.clip(1.0 - age / hold_s, 0.0, 1.0)) if hold_s > 0 else 0.0
            fade = min(1.0, 0.35 + fade)  # readable until it goes
            if point is not None:
                moved = float(ground_x[k]) - ground_at(time_s)
                markers.append(EventMarker(kind, foot, point[0] + moved, point[1], age, fade))
            callouts.append(Callout(text, colour, age, fade))

        step_now = int(np.searchsorted(step_td, now + 1e-9, side="right"))
        done_contact = np.flatnonzero(step_to <= now + 1e-9)
        done_step = np.flatnonzero(step_next <= now + 1e-9)
        contact = steps[done_contact[-1]].contact_s if done_contact.size else float("nan")
        frequency = steps[done_step[-1]].step_frequency_hz if done_step.size else float("nan")
        panel = (
            PanelRow("contact", format_value(contact, "contact_s", unit, fps)),
            PanelRow("step freq", format_value(frequency, "step_frequency_hz", unit)),
            PanelRow("velocity", format_value(float(analysis.velocity[k]), "step_velocity", unit)),
        )
        states.append(FrameState(
            row=k, index=int(track.frame_index[k]), t_s=now, points_px=pts, angles=angles, near=near,
            stance=stance, shin_side=shin_side, contact_points=contact_points, markers=tuple(markers),
            callouts=tuple(callouts), step=step_now, n_steps=len(steps), panel=panel, note=note))
    return states


def panel_corner(points_px: np.ndarray, frame_size: tuple[int, int], panel_frac: tuple[float, float] = (0.45, 0.42),
                 ) -> str:
    """Choose the frame corner (``"tl"``, ``"tr"``, ``"bl"``, ``"br"``) where a panel covers the athlete least.

    Parameters
    ----------
    points_px : ndarray (T, 33, 2)
        Landmarks over the clip (px).
    frame_size : (int, int)
        Width and height (px).
    panel_frac : (float, float)
        Width and height of the panel with the held values and banner stacked under it, as
        fractions of the frame.

    Returns
    -------
    str
        The corner whose panel area holds the fewest landmark sightings (top corners win ties).
    """
    w, h = frame_size
    pw, ph = panel_frac[0] * w, panel_frac[1] * h
    x = points_px[..., 0].ravel()
    y = points_px[..., 1].ravel()
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    counts = {
        "tl": int(np.sum((x < pw) & (y < ph))),
        "tr": int(np.sum((x > w - pw) & (y < ph))),
        "bl": int(np.sum((x < pw) & (y > h - ph))),
        "br": int(np.sum((x > w - pw) & (y > h - ph))),
    }
    return min(("tl", "tr", "bl", "br"), key=lambda c: counts[c])
