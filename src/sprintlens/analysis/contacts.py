"""Foot contacts: every touchdown and toe-off (sub-frame), fragments merged, gait verdict.

The method is described in :mod:`sprintlens.analysis.ground` (ground line, foot height and
speed against the ground's own image speed); this module times each contact from those signals.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from sprintlens.analysis.ground import (
    ContactConfig,
    FootSignals,
    GroundMotion,
    foot_signals,
    ground_motion,
    height_band_px,
)
from sprintlens.analysis.travel import direction_of_travel, travel_by_frame
from sprintlens.core.catalogue import MIN_SWING_S
from sprintlens.core.landmarks import SIDES
from sprintlens.core.series import nan_runs
from sprintlens.core.track import PoseTrack

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Contact:
    """One foot on the ground, from touchdown to toe-off.

    Attributes
    ----------
    foot : str
        ``"left"`` or ``"right"`` as labelled in the (cleaned) track.
    touchdown_s, toeoff_s : float
        Times (s), interpolated between frames.
    first_frame, last_frame : int
        Track indices of the first and last frames that show the foot down.
    uncertainty_s : float
        Uncertainty of each of the two times (s): at least one frame period.
    x_px, y_px : float
        Contact point: the foot's median position while down (px).
    starts_in_clip, ends_in_clip : bool
        False when the clip cuts the contact (its touchdown or toe-off was not filmed).
    """

    foot: str
    touchdown_s: float
    toeoff_s: float
    first_frame: int
    last_frame: int
    uncertainty_s: float
    x_px: float
    y_px: float
    starts_in_clip: bool = True
    ends_in_clip: bool = True

    @property
    def contact_s(self) -> float:
        """Contact time (s)."""
        return self.toeoff_s - self.touchdown_s

    @property
    def complete(self) -> bool:
        """Both touchdown and toe-off were filmed."""
        return self.starts_in_clip and self.ends_in_clip


def _crossing(t0: float, h0: float, t1: float, h1: float, level: float) -> float:
    """Return the time where the line from (t0, h0) to (t1, h1) reaches ``level`` (clipped to the interval)."""
    if not (np.isfinite(h0) and np.isfinite(h1)) or h0 == h1:
        return t1 if abs(h1 - level) < abs(h0 - level) else t0
    return float(np.clip(t0 + (level - h0) / (h1 - h0) * (t1 - t0), min(t0, t1), max(t0, t1)))


@dataclass(frozen=True)
class _FootDistance:
    """How far a foot is from being in contact, per frame: at most 1 means in contact."""

    distance: np.ndarray  # (T,) max(height / level scale, slip / allowance)
    height_bound: np.ndarray  # (T,) bool: the height (not the slip) decides that frame's distance
    height: np.ndarray  # (T,) lowest point's height (px)
    slip: np.ndarray  # (T,) slip ratio: the stillest of heel, toe and centre, over the allowance
    spread: float  # robust SD of the stance heights of this foot (px)
    leg: float


def _foot_distance(signals: FootSignals, side: str, ground_v: np.ndarray, slip: float,
                   candidates: list[tuple[int, int]]) -> _FootDistance:
    """Return the per-frame height and slip of one foot, and the spread of its stance heights.

    Height: of the foot's lowest point above its ground line.  Slip: the stillest of heel, toe
    and the foot's centre relative to the ground, over the allowance; the heel at a heel
    strike, the whole foot flat, the toe at push-off (when the heel rises and the foot's centre
    moves while the toe is still planted); the centre, an average of two points, is the least
    noisy while the foot is flat.  The spread is pooled over the foot's candidate contacts.
    """
    height = signals.height_px(side)
    stance = [height[a:b] - np.nanmedian(height[a:b]) for a, b in candidates if np.isfinite(height[a:b]).any()]
    pooled = np.concatenate(stance) if stance else np.empty(0)
    pooled = pooled[np.isfinite(pooled)]
    spread = 1.4826 * float(np.median(np.abs(pooled))) if pooled.size else 0.0
    speeds = [p.vx_px_s for p in signals.points[side].values()] + [signals.centre_vx_px_s[side]]
    ratios = np.stack([np.abs(v - ground_v) / slip for v in speeds])
    finite = np.isfinite(ratios)
    slip_ratio = np.where(finite.any(axis=0), np.min(np.where(finite, ratios, np.inf), axis=0), np.nan)
    return _FootDistance(np.full(len(height), np.nan), np.zeros(len(height), bool), height, slip_ratio,
                         spread, signals.leg_px)


def _extrapolated(t: np.ndarray, h: np.ndarray, frames: range, level: float, near: float, fallback: float,
                  period: float) -> float:
    """Find where a straight line through the foot's height over ``frames`` reaches ``level``.

    Used at the ends of a contact at high frame rates: the last frames before touchdown (or
    first after toe-off) show the foot approaching (leaving) the ground; the line through them
    meets the ground level where the foot touches (leaves) it.  Reading the crossing of a noise
    level above the ground instead times a touchdown early and a toe-off late by the time the
    foot spends in that band (the "one frame long at each end" bias of video contacts).
    Returns ``fallback`` when the line is not clearly moving towards the ground, or lands more
    than a frame from ``near``.
    """
    idx = [k for k in frames if 0 <= k < len(h) and np.isfinite(h[k])]
    if len(idx) < 3:
        return fallback
    slope, intercept = np.polyfit(t[idx], h[idx], 1)
    if not np.isfinite(slope) or abs(slope) < 1e-9:
        return fallback
    when = (level - intercept) / slope
    if not np.isfinite(when) or abs(when - near) > period:
        return fallback
    return float(when)


def _time_contact(side: str, a: int, b: int, foot: _FootDistance, t: np.ndarray, fps: float) -> Contact | None:
    """Time one candidate contact (frames a..b-1 are low and moving with the ground).

    The foot's distance from contact at each frame is the larger of its height over the stance
    level and its slip ratio, so 1 means "at the limit".  The stance level is the median height of
    the candidate frames plus the foot's stance spread (at least 1 % of a leg length).  The
    contact is the stretch around the candidate where that distance is at most 1, and its ends
    are where it crosses 1, interpolated between frames.  Where the height decides an end and
    the frame rate leaves several frames of approach (>= :data:`REFINE_MIN_FPS`), the end is
    refined by extrapolating the approach to the stance level (:func:`_extrapolated`).
    """
    h, leg = foot.height, foot.leg
    n = len(h)
    stance = h[a:b]
    if not np.isfinite(stance).any():
        return None
    centre = float(np.nanmedian(stance))
    level = centre + max(foot.spread, 0.01 * leg)
    scale = max(level, 0.01 * leg)
    height_ratio = h / scale
    slip_ratio = np.nan_to_num(foot.slip, nan=0.0)
    d = np.maximum(height_ratio, slip_ratio)
    inside = np.flatnonzero(d[a:b] <= 1.0)
    if inside.size == 0:
        return None
    first, last = a + int(inside[0]), a + int(inside[-1])
    while first > 0 and d[first - 1] <= 1.0:
        first -= 1
    while last + 1 < n and d[last + 1] <= 1.0:
        last += 1
    starts = first > 0 and np.isfinite(d[first - 1]) and np.isfinite(h[first - 1])
    ends = last + 1 < n and np.isfinite(d[last + 1]) and np.isfinite(h[last + 1])
    period = 1.0 / fps
    touchdown = _crossing(t[first - 1], d[first - 1], t[first], d[first], 1.0) if starts else float(t[first])
    toeoff = _crossing(t[last], d[last], t[last + 1], d[last + 1], 1.0) if ends else float(t[last])
    if fps >= REFINE_MIN_FPS:
        span = max(3, int(round(REFINE_WINDOW_S * fps)))
        if starts and height_ratio[first - 1] >= slip_ratio[first - 1]:
            touchdown = _extrapolated(t, h, range(first - span, first), centre, touchdown, touchdown, period)
        if ends and height_ratio[last + 1] >= slip_ratio[last + 1]:
            toeoff = _extrapolated(t, h, range(last + 1, last + 1 + span), centre, toeoff, toeoff, period)
    return Contact(foot=side, touchdown_s=touchdown, toeoff_s=toeoff, first_frame=first, last_frame=last,
                   uncertainty_s=period, x_px=float("nan"), y_px=float("nan"),
                   starts_in_clip=bool(starts), ends_in_clip=bool(ends))


#: From this frame rate (frames/s) up, contact ends decided by height are refined by extrapolation.
REFINE_MIN_FPS = 90.0
#: Length of the approach (departure) used for that extrapolation (s).
REFINE_WINDOW_S = 0.02


def find_contacts(track: PoseTrack, config: ContactConfig | None = None,
                  signals: FootSignals | None = None, direction: int | None = None, *,
                  band_px: float | None = None, motion: GroundMotion | None = None) -> list[Contact]:
    """Find every contact of both feet, sorted by touchdown (see the module docstring).

    Parameters
    ----------
    track : PoseTrack
        The (cleaned) pose track; its times (s) and frame rate (frames/s) time the contacts.
    config : ContactConfig, optional
        Thresholds of contact detection; the defaults when not given.
    signals : FootSignals, optional
        Heel and toe signals of both feet; computed from ``track`` when not given.
    direction : int, optional
        +1 when the athlete runs left to right, -1 right to left; decided from the track when
        not given (or not +1 or -1).
    band_px : float, optional
        Height (px) below which a foot may be down; from the noise of the stance heights
        (:func:`~sprintlens.analysis.ground.height_band_px`) when not given.
    motion : GroundMotion, optional
        How the ground moves in the image; measured from ``signals`` when not given.

    Returns
    -------
    list of Contact
        The contacts, a contact broken by a left/right label flip of the feet joined again
        (:func:`merge_label_flips`), fragments of one contact merged (:func:`merge_fragments`)
        and ghosts inside another foot's contact dropped (:func:`drop_contacts_inside`); empty
        when the leg length cannot be measured or the track has fewer than three frames.
    """
    config = config or ContactConfig()
    direction = direction if direction in (1, -1) else direction_of_travel(track.positions_px).sign
    signals = signals or foot_signals(track, config, direction)
    t, fps = track.t_s, track.fps
    n = len(t)
    leg = signals.leg_px
    if not np.isfinite(leg) or leg <= 0 or n < 3:
        return []
    band = height_band_px(signals, config) if band_px is None else band_px
    if motion is None:
        motion = ground_motion(signals, band, t, config.slip_legs_per_s * leg,
                               travel_by_frame(track.positions_px, t, direction))
    slip = motion.slip_px_s
    min_frames = max(2, int(np.ceil(config.min_contact_s * fps)))
    merge_frames = max(1, int(np.floor(config.merge_gap_s * fps)))
    low_frames = max(merge_frames, int(np.floor(config.low_gap_s * fps)))
    timed: dict[str, list[Contact]] = {}
    for side in SIDES:
        ground_v = motion.speed_under(side)
        core = np.zeros(n, dtype=bool)
        for point in signals.points[side].values():
            with np.errstate(invalid="ignore"):
                core |= (point.height_px < band) & (np.abs(point.vx_px_s - ground_v) < slip)
        with np.errstate(invalid="ignore"):
            low = signals.height_px(side) < band
        merged: list[tuple[int, int]] = []
        for a, b in nan_runs(~core):  # runs of True in core
            gap = a - merged[-1][1] if merged else n
            if gap <= merge_frames or (gap <= low_frames and low[merged[-1][1]:a].all()):
                merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        foot = _foot_distance(signals, side, ground_v, slip, merged)
        x_foot = signals.x_px(side)
        line = signals.points[side]["toe"].ground or signals.points[side]["heel"].ground
        timed[side] = []
        for a, b in merged:
            contact = _time_contact(side, a, b, foot, t, fps)
            if contact is None:
                continue
            x = float(x_foot[contact.first_frame])
            y = float(line.y_at(np.array([x]))[0]) if line and np.isfinite(x) else float("nan")
            timed[side].append(Contact(**{**contact.__dict__, "x_px": x, "y_px": y}))
    # a label flip is repaired before short fragments are dropped: its pieces may each be short
    timed = merge_label_flips(timed)
    contacts = [c for side in SIDES for c in timed[side] if c.last_frame - c.first_frame + 1 >= min_frames]
    contacts.sort(key=lambda c: c.touchdown_s)
    contacts = drop_contacts_inside(merge_fragments(contacts))
    log.info("contacts: %d (height band %.1f px, slip %.0f px/s, leg %.0f px)", len(contacts), band, slip, leg)
    return contacts


def _mean_of_seen(a: float, b: float) -> float:
    """Return the mean of the two values that are not NaN; NaN, without a warning, when neither is."""
    return float("nan") if np.isnan(a) and np.isnan(b) else float(np.nanmean([a, b]))


def _joined(prev: Contact, nxt: Contact) -> Contact:
    """One contact from the first one's touchdown to the second one's toe-off."""
    return Contact(foot=prev.foot, touchdown_s=prev.touchdown_s, toeoff_s=nxt.toeoff_s, first_frame=prev.first_frame,
                   last_frame=nxt.last_frame, uncertainty_s=max(prev.uncertainty_s, nxt.uncertainty_s),
                   x_px=_mean_of_seen(prev.x_px, nxt.x_px), y_px=_mean_of_seen(prev.y_px, nxt.y_px),
                   starts_in_clip=prev.starts_in_clip, ends_in_clip=nxt.ends_in_clip)


def merge_label_flips(by_foot: dict[str, list[Contact]], min_swing_s: float = MIN_SWING_S) -> dict[str, list[Contact]]:
    """Join a contact that a left/right label flip of the feet broke in two, and drop the ghost.

    When the pose model swaps the feet's labels for a few frames in the middle of a contact, the
    planted foot seems to lift (its label is on the swinging foot) and the other foot seems to
    land for those frames (its label is on the planted foot).  The signature: two contacts of
    one foot less than ``min_swing_s`` apart (no foot can lift, swing and land again so soon)
    with a contact of the other foot inside their span that covers the gap.  The two pieces are
    one contact; the other foot's piece is a ghost and is dropped.  Runs before the shortest
    contacts are dropped, since each piece of a broken contact may be too short to keep.

    Parameters
    ----------
    by_foot : dict of str to list of Contact
        Each foot's contacts, in time order (not filtered by length).
    min_swing_s : float
        Shortest possible swing (s): :data:`sprintlens.core.catalogue.MIN_SWING_S`.

    Returns
    -------
    dict of str to list of Contact
        The same feet, flips repaired.
    """
    out = {side: list(v) for side, v in by_foot.items()}
    changed = True
    while changed:
        changed = False
        for side, own in out.items():
            others = [s for s in out if s != side]
            for k in range(len(own) - 1):
                prev, nxt = own[k], own[k + 1]
                if nxt.touchdown_s - prev.toeoff_s >= min_swing_s:
                    continue
                ghosts = [(o, c) for o in others for c in out[o]
                          if c.first_frame >= prev.first_frame and c.last_frame <= nxt.last_frame
                          and c.last_frame >= prev.last_frame and c.first_frame <= nxt.first_frame]
                if not ghosts:
                    continue
                own[k:k + 2] = [_joined(prev, nxt)]
                for o, c in ghosts:
                    out[o].remove(c)
                log.info("contacts: a %s-foot contact broken by a label flip at %.3f s joined", side, prev.toeoff_s)
                changed = True
                break
            if changed:
                break
    return out


def drop_contacts_inside(contacts: list[Contact], max_ghost_s: float = MIN_SWING_S) -> list[Contact]:
    """Drop a brief contact that lies wholly inside a contact of the other foot.

    A running or walking foot cannot land and leave again while the other stays planted (a
    walk's double support is at the ends of each stance, never wholly inside one): such a
    contact, shorter than a swing, is the planted foot seen under the other foot's label for a
    few frames (a label flip the leg-swap repair did not see).  Long ones are kept: both feet
    stand in the blocks or in a standing start.

    Parameters
    ----------
    contacts : list of Contact
        Sorted by touchdown.
    max_ghost_s : float
        Longest contact (s) that can be such a ghost: :data:`sprintlens.core.catalogue.MIN_SWING_S`.

    Returns
    -------
    list of Contact
        The same, without those ghosts.
    """
    def inside(c: Contact, host: Contact) -> bool:
        return (host.foot != c.foot and c.contact_s < max_ghost_s and host.touchdown_s <= c.touchdown_s
                and c.toeoff_s <= host.toeoff_s
                and (host.touchdown_s, host.toeoff_s) != (c.touchdown_s, c.toeoff_s))

    return [c for c in contacts if not any(inside(c, host) for host in contacts)]


def merge_fragments(contacts: list[Contact], max_gap_steps: float = 0.5) -> list[Contact]:
    """Join contacts of one foot broken by a brief lift of the signal.

    Two successive contacts of the same foot with no touchdown of the other foot between them
    are one contact when the gap between them is shorter than ``max_gap_steps`` of the clip's
    median step time (touchdown to next touchdown of the other foot).  A contact of the other
    foot that began before the gap (both feet in the blocks) does not part them.

    Parameters
    ----------
    contacts : list of Contact
        Sorted by touchdown.
    max_gap_steps : float
        Longest gap that is a fragment's, in median step times.

    Returns
    -------
    list of Contact
        The contacts, fragments joined.
    """
    if len(contacts) < 3:
        return contacts
    steps = [b.touchdown_s - a.touchdown_s for a, b in zip(contacts, contacts[1:]) if a.foot != b.foot]
    if not steps:
        return contacts
    max_gap = max_gap_steps * float(np.median(steps))
    out = [contacts[0]]
    for c in contacts[1:]:
        k = next((i for i in range(len(out) - 1, -1, -1) if out[i].foot == c.foot), None)
        prev = out[k] if k is not None else None
        # "between": the other foot touches down after this foot's toe-off (a contact of the other
        # foot that began earlier, both feet in the blocks, does not part the two)
        between = prev is not None and any(o.foot != c.foot and prev.toeoff_s < o.touchdown_s < c.touchdown_s
                                           for o in out[k + 1:])
        if prev is not None and not between and c.touchdown_s - prev.toeoff_s < max_gap:
            out[k] = _joined(prev, c)
        else:
            out.append(c)
    out.sort(key=lambda c: c.touchdown_s)
    return out


# -- gait -------------------------------------------------------------------------------------------

class Gait(Enum):
    """How the athlete moves in the clip: running, walking, standing, or unknown."""

    RUNNING = "running"
    WALKING = "walking"
    STANDING = "standing"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class GaitVerdict:
    """Running, walking, standing or unknown, and the evidence."""

    gait: Gait
    reason: str
    flight_fraction: float  # of the gaps between successive contacts, the share with both feet up
    duty_factor: float  # mean contact time / mean stride time, NaN if unknown
    details: dict[str, float] = field(default_factory=dict)


def classify_gait(contacts: list[Contact], duration_s: float) -> GaitVerdict:
    """Tell running (flight between contacts) from walking (double support, no flight)."""
    complete = [c for c in contacts if c.complete]
    per_foot = {s: [c for c in contacts if c.foot == s] for s in SIDES}
    if contacts and all(len(v) <= 1 for v in per_foot.values()):
        covered = sum(c.contact_s for c in contacts) / max(duration_s, 1e-9)
        if covered > 0.8 * len([v for v in per_foot.values() if v]):
            return GaitVerdict(Gait.STANDING, "the feet stay on the ground", 0.0, float("nan"))
    gaps = []
    for prev, nxt in zip(contacts, contacts[1:]):
        if prev.foot != nxt.foot and prev.ends_in_clip and nxt.starts_in_clip:
            gaps.append(nxt.touchdown_s - prev.toeoff_s)
    if len(gaps) < 2:
        return GaitVerdict(Gait.UNKNOWN, f"too few successive contacts ({len(contacts)} contacts)",
                           float("nan"), float("nan"))
    gaps_arr = np.array(gaps)
    flight_fraction = float(np.mean(gaps_arr > 0))
    stride_times = []
    for side in SIDES:
        tds = [c.touchdown_s for c in per_foot[side] if c.starts_in_clip]
        stride_times += list(np.diff(tds))
    duty = (float(np.mean([c.contact_s for c in complete]) / np.mean(stride_times))
            if complete and stride_times else float("nan"))
    median_gap = float(np.median(gaps_arr))
    details = {"median_gap_s": median_gap, "n_gaps": float(len(gaps))}
    if flight_fraction >= 0.5 and median_gap > 0:
        return GaitVerdict(Gait.RUNNING, f"flight between {100 * flight_fraction:.0f}% of successive contacts",
                           flight_fraction, duty, details)
    return GaitVerdict(Gait.WALKING,
                       f"no flight phase: the feet overlap on the ground (double support, median "
                       f"{-1000 * median_gap:.0f} ms)", flight_fraction, duty, details)
