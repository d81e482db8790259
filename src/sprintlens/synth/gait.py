"""The gait model: planted stance legs, swing-leg angle curves, hip path and arm swing.

A :class:`GaitPlan` lists the foot contacts of a run (which foot, when, where its toe is planted,
how the foot pitches and the knee flexes while it is down) plus the hip's forward progression
and the trunk lean.  :class:`Motion` turns the plan into joint angles at any instant:

- **Stance** (toe planted): the toe tip stays at its contact point (no sliding).  The foot pitches
  about it as the plan says, which places the ankle; the thigh angle and knee flexion then follow
  by two-link inverse kinematics from the hip to the ankle.
- **Hip height**: while a *driving* contact is down, the hip height is what that leg's geometry
  gives for its knee-flexion curve, ``y = ankle_y + sqrt(reach(knee)^2 - dx^2)`` (or, for the
  push out of a start, a given path with the knee following).  Between driving contacts
  (flight) it follows a cubic joining the two stances' heights and vertical velocities, so the
  hip path is continuous with continuous velocity.  Only the front foot drives while both feet
  push in a start.
- **Swing**: thigh, knee and ankle angles follow cubic Hermite curves through keyframes of a
  sprint swing: the thigh keeps extending briefly after toe-off, flexes to its peak (the knee
  drive), then retracts to touchdown; the knee folds to its peak flexion and opens again; the
  ankle dorsiflexes in mid swing.  At toe-off the curves continue the stance's angles and
  angular velocities (the foot leaves the ground smoothly).  At touchdown they reach the next
  stance's angles with knee and ankle momentarily still and the thigh retracting at a given rate
  (the "active" touchdown of sprinting), so the foot strikes the ground moving down; knee and
  ankle start to yield at the impact.  Where a keyframed swing would bring the foot lower than
  a few centimetres above the track, the knee folds a little further.
- **Arms** swing opposite to the legs: each upper arm's angle to the trunk follows the
  opposite leg's hip flexion, and the elbow flexes more in front than behind.  Hands planted on
  the track (a block start) are held by arm inverse kinematics until they lift.

Sources for the shapes and typical values: Mann & Murphy (2018) *The Mechanics of Sprinting
and Hurdling*; Bezodis, Kerwin & Salo (2008) *Med Sci Sports Exerc* 40:707-715 (stance
kinematics at maximum velocity); Nagahara et al. (2014) *J Sports Sci* 32:1146-1155 (step
by step acceleration); Haugen, Seiler, Sandbakk & Tonnessen (2019) *Sports Med Open* 5:44
(sprint mechanics review).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sprintlens.synth.body import Body
from sprintlens.synth.curves import Keys, smoothstep
from sprintlens.synth.skeleton import (
    SIDES,
    Pose,
    ankle_from_toe,
    arm_ik,
    down,
    leg_ik,
    leg_reach,
    up,
)

__all__ = [
    "ArmSwing",
    "Contact",
    "GaitPlan",
    "HandsDown",
    "Motion",
    "Progression",
    "SwingShape",
    "toe_from_hip",
    "toe_off_geometry",
    "touchdown_knee",
]

#: Time step of the numerical derivatives at the ends of a stance (s).
_H = 1e-4
#: Height a swinging foot keeps above the track in mid swing (m).
SWING_CLEARANCE_M = 0.03


class Progression(ABC):
    """The hip midpoint's forward position over time: ``x(t)`` (m) and ``speed(t)`` (m/s)."""

    @abstractmethod
    def __call__(self, t: np.ndarray) -> np.ndarray:
        """Hip midpoint x (m) at times ``t`` (s)."""

    @abstractmethod
    def speed(self, t: np.ndarray) -> np.ndarray:
        """Return the hip midpoint's forward speed (m/s) at times ``t`` (s)."""


@dataclass(frozen=True)
class Contact:
    """One foot on the ground.

    Attributes
    ----------
    side : int
        0 left foot, 1 right foot.
    touchdown_s, toe_off_s : float
        When the foot lands and leaves (s); ``touchdown_s`` is ``-inf`` for a foot already down
        (in the starting position) when the motion begins.
    toe_m : (float, float)
        The planted toe tip (foot index landmark), x forward and y up (m).
    pitch : Keys
        Foot pitch over time (deg, heel up positive); the foot turns about the toe tip.
    knee : Keys or None
        Knee flexion over time (deg) while this contact carries the body: the hip height is then
        what the leg's geometry gives, ``ankle_y + sqrt(reach(knee)^2 - dx^2)``.
    hip_y : Keys or None
        Hip height over time (m) while this contact carries the body along a given path (the
        push out of a start); the knee follows by inverse kinematics.  A contact with neither
        only follows the hip (the rear foot in the blocks, while the front foot pushes).
    kind : str
        ``"step"``, or ``"front_block"`` / ``"rear_block"`` for the feet in the starting position.
    """

    side: int
    touchdown_s: float
    toe_off_s: float
    toe_m: tuple[float, float]
    pitch: Keys
    knee: Keys | None = None
    hip_y: Keys | None = None
    kind: str = "step"

    def __post_init__(self) -> None:
        if self.knee is not None and self.hip_y is not None:
            raise ValueError("a contact sets the hip height through its knee or directly, not both")

    @property
    def drives(self) -> bool:
        """True when this contact sets the hip height."""
        return self.knee is not None or self.hip_y is not None


@dataclass(frozen=True)
class SwingShape:
    """Keyframes of one swing (toe-off to the same foot's next touchdown).

    Times are fractions of the swing's duration.

    Attributes
    ----------
    knee_drive_deg : float
        Peak thigh angle (deg, + knee ahead of the hip), reached at ``peak_at``.
    knee_max_deg : float
        Peak knee flexion (deg), reached at ``knee_max_at``.
    ankle_deg : float
        Ankle angle held in mid swing (deg, + dorsiflexion), at ``ankle_at``.
    thigh_back_at : float
        When the thigh stops extending after toe-off and starts to swing forward.
    touchdown_thigh_dps : float
        Thigh angular velocity as the foot lands (deg/s; negative: the thigh is retracting).
    """

    knee_drive_deg: float
    knee_max_deg: float
    ankle_deg: float = 8.0
    peak_at: float = 0.70
    knee_max_at: float = 0.42
    ankle_at: float = 0.45
    thigh_back_at: float = 0.08
    touchdown_thigh_dps: float = -450.0


@dataclass(frozen=True)
class HandsDown:
    """Hands on the ground in a crouched start until they lift.

    Attributes
    ----------
    wrist_m : (float, float)
        The planted wrists, x and y (m) (both hands at the same point of the side view).
    lift_s : float
        When the hands leave the ground (s).
    blend_s : float
        How long the arms take to pass from the planted pose into their swing (s).
    """

    wrist_m: tuple[float, float]
    lift_s: float
    blend_s: float = 0.12


@dataclass(frozen=True)
class ArmSwing:
    """Arm action tied to the opposite leg.

    Shoulder flexion (the upper arm's angle to the trunk, measured like hip flexion) is
    ``offset_deg + gain * (opposite hip flexion - centre_deg)``; the upper arm's angle to the
    vertical is that minus the trunk lean.  Elbow flexion is
    ``elbow_deg + elbow_gain * shoulder flexion``: more bent in front, more open behind.
    """

    gain: float = 1.1
    centre_deg: float = 30.0
    offset_deg: float = -5.0
    elbow_deg: float = 85.0
    elbow_gain: float = 0.25


@dataclass(frozen=True)
class GaitPlan:
    """Everything the motion is built from (see the module docstring).

    Attributes
    ----------
    body : Body
        Segment lengths.
    progression : Progression
        Hip midpoint x over time.
    trunk_deg : callable
        Trunk lean (deg) as a function of time (s), vectorised.
    contacts : tuple of Contact
        Every foot contact, in order of toe-off; each side's contacts alternate with swings,
        and contacts that drive the hip height do not overlap in time.
    swings : dict of int to SwingShape
        Shape of the swing that ends in ``contacts[i]``, keyed by ``i``.
    arms : ArmSwing
        Arm action.
    hands : HandsDown or None
        Planted hands at the start.
    head_gain, head_offset_deg : float
        Head tilt = ``head_gain * trunk + head_offset_deg`` (deg).
    """

    body: Body
    progression: Progression
    trunk_deg: Callable[[np.ndarray], np.ndarray]
    contacts: tuple[Contact, ...]
    swings: dict[int, SwingShape]
    arms: ArmSwing = field(default_factory=ArmSwing)
    hands: HandsDown | None = None
    head_gain: float = 0.85
    head_offset_deg: float = -3.0


def toe_from_hip(body: Body, thigh_deg: float, knee_deg: float, ankle_deg: float) -> np.ndarray:
    """Place the toe tip relative to the hip, (x, y) in m, for given thigh, knee and ankle angles (deg).

    Parameters
    ----------
    body : Body
        The athlete's segment lengths (m).
    thigh_deg : float
        Thigh against the downward vertical, + knee ahead of the hip (deg).
    knee_deg : float
        Knee flexion (deg, 0 straight).
    ankle_deg : float
        Ankle angle, + dorsiflexion (deg; :mod:`sprintlens.synth.skeleton` conventions).

    Returns
    -------
    ndarray, shape (2,)
        Toe tip (foot index landmark) minus hip joint: x forward, y up (m).
    """
    shank = thigh_deg - knee_deg
    ankle = body.thigh_m * down(thigh_deg) + body.shank_m * down(shank)
    angle = np.radians(shank + ankle_deg)
    along = np.array([np.cos(angle), np.sin(angle)])
    normal = np.array([-along[1], along[0]])
    return ankle - body.ankle_height_m * normal + body.toe_m * along


def toe_off_geometry(body: Body, thigh_deg: float, knee_deg: float, pitch_deg: float) -> tuple[float, float]:
    """Place the toe tip relative to the hip (x, y in m) for a leg whose foot is pitched ``pitch_deg``.

    With the toe on the ground, ``-y`` is the hip height.

    Parameters
    ----------
    body : Body
        The athlete's segment lengths (m).
    thigh_deg : float
        Thigh against the downward vertical, + knee ahead of the hip (deg).
    knee_deg : float
        Knee flexion (deg, 0 straight).
    pitch_deg : float
        Foot (heel -> toe) below the horizontal, + heel up (deg).

    Returns
    -------
    x, y : float
        Toe tip minus hip joint: x forward, y up (m).
    """
    x, y = toe_from_hip(body, thigh_deg, knee_deg, -pitch_deg - (thigh_deg - knee_deg))
    return float(x), float(y)


def touchdown_knee(body: Body, hip_x: float, toe_m: tuple[float, float], pitch_deg: float,
                   hip_y: float, knee_min_deg: float, knee_max_deg: float) -> tuple[float, float]:
    """Find the knee flexion that lands the toe at ``toe_m`` with the hip at ``(hip_x, hip_y)``.

    The flexion is clipped to ``[knee_min_deg, knee_max_deg]``; when clipped the hip height
    moves instead.

    Parameters
    ----------
    body : Body
        The athlete's segment lengths (m).
    hip_x : float
        Hip midpoint x at touchdown (m).
    toe_m : (float, float)
        Where the toe tip lands, x forward and y up (m).
    pitch_deg : float
        Foot (heel -> toe) below the horizontal at touchdown, + heel up (deg).
    hip_y : float
        Hip height wanted at touchdown (m).
    knee_min_deg, knee_max_deg : float
        Range of the knee flexion (deg).

    Returns
    -------
    knee_deg : float
        Knee flexion at touchdown (deg).
    hip_y_m : float
        Hip height that this flexion gives with the toe at ``toe_m`` (m); ``hip_y`` unless the
        flexion was clipped.

    Raises
    ------
    ValueError
        If the toe is beyond the leg's reach even at ``knee_min_deg``.
    """
    ankle = ankle_from_toe(body, np.asarray(toe_m, dtype=np.float64), pitch_deg)
    dx, dy = hip_x - ankle[0], hip_y - ankle[1]
    a, b = body.thigh_m, body.shank_m
    r2 = dx * dx + dy * dy
    cos_interior = np.clip((a * a + b * b - r2) / (2 * a * b), -1.0, 1.0)
    knee = float(np.clip(180.0 - np.degrees(np.arccos(cos_interior)), knee_min_deg, knee_max_deg))
    reach = float(leg_reach(body, knee))
    if abs(dx) > reach:
        raise ValueError(f"touchdown {abs(dx):.2f} m from the hip is beyond the leg's reach ({reach:.2f} m): "
                         "shorten the contact (speed x contact time) or extend the hip more at toe-off")
    return knee, float(ankle[1] + np.sqrt(reach * reach - dx * dx))


class Motion:
    """Joint angles at any instant of a :class:`GaitPlan`.

    Parameters
    ----------
    plan : GaitPlan
        The plan; checked and compiled on construction.

    Raises
    ------
    ValueError
        If the plan cannot be realised (a foot out of reach, drivers overlapping, ...).
    """

    def __init__(self, plan: GaitPlan) -> None:
        self.plan = plan
        self.body = plan.body
        self.contacts = plan.contacts
        self.drivers = [c for c in plan.contacts if c.drives]
        for a, b in zip(self.drivers, self.drivers[1:]):
            if b.touchdown_s <= a.toe_off_s:
                raise ValueError(f"driving contacts overlap at {b.touchdown_s:.3f} s")
        self._flights = [self._flight(a, b) for a, b in zip(self.drivers, self.drivers[1:])]
        self._by_side: list[list[int]] = [[i for i, c in enumerate(plan.contacts) if c.side == s] for s in (0, 1)]
        self._swings: dict[int, tuple[Keys, Keys, Keys]] = {}
        for side in (0, 1):
            idx = self._by_side[side]
            for i, j in zip(idx, idx[1:]):
                if j not in plan.swings:
                    raise ValueError(f"no swing shape for the swing into contact {j}")
                self._swings[j] = self._swing(plan.contacts[i], plan.contacts[j], plan.swings[j])

    # -- time coverage ------------------------------------------------------------------------
    @property
    def start_s(self) -> float:
        """First instant at which every part of the body is defined (s)."""
        firsts = [self.contacts[idx[0]].touchdown_s for idx in self._by_side]
        return float(max(max(firsts), self.drivers[0].touchdown_s))

    @property
    def end_s(self) -> float:
        """Last instant at which every part of the body is defined (s)."""
        return float(min(min(self.contacts[idx[-1]].toe_off_s for idx in self._by_side),
                         self.drivers[-1].toe_off_s))

    # -- hip ----------------------------------------------------------------------------------
    def _stance_height(self, c: Contact, t: np.ndarray) -> np.ndarray:
        if c.hip_y is not None:
            return c.hip_y(t)
        assert c.knee is not None
        ankle = ankle_from_toe(self.body, np.asarray(c.toe_m), c.pitch(t))
        dx = self.plan.progression(t) - ankle[..., 0]
        reach = leg_reach(self.body, c.knee(t))
        if np.any(np.abs(dx) > reach + 1e-9):
            raise ValueError(f"{SIDES[c.side]} foot out of reach during its contact "
                             f"{c.touchdown_s:.3f}-{c.toe_off_s:.3f} s")
        return ankle[..., 1] + np.sqrt(np.maximum(reach * reach - dx * dx, 0.0))

    def _height_slope(self, c: Contact, t: float, inside: int) -> tuple[float, float]:
        """Return the hip height and its time derivative at ``t``, differentiating inside the contact."""
        h = _H * inside
        y0, y1, y2 = self._stance_height(c, np.array([t, t + h, t + 2 * h]))
        return float(y0), float((-3 * y0 + 4 * y1 - y2) / (2 * h))

    def _flight(self, a: Contact, b: Contact) -> Keys:
        y0, v0 = self._height_slope(a, a.toe_off_s, -1)
        y1, v1 = self._height_slope(b, b.touchdown_s, +1)
        return Keys.of((a.toe_off_s, y0, v0), (b.touchdown_s, y1, v1))

    def hip(self, t: np.ndarray) -> np.ndarray:
        """Return the hip midpoint (T, 2) at times ``t`` (s): x forward, y up (m)."""
        t = np.asarray(t, dtype=np.float64)
        y = np.full(t.shape, np.nan)
        for c in self.drivers:
            m = (t >= c.touchdown_s) & (t <= c.toe_off_s)
            if m.any():
                y[m] = self._stance_height(c, t[m])
        for a, b, keys in zip(self.drivers, self.drivers[1:], self._flights):
            m = (t > a.toe_off_s) & (t < b.touchdown_s)
            if m.any():
                y[m] = keys(t[m])
        if np.isnan(y).any():
            raise ValueError(f"the plan does not cover {t[np.isnan(y)][0]:.3f} s")
        return np.stack([self.plan.progression(t), y], axis=-1)

    # -- legs ---------------------------------------------------------------------------------
    def _stance_leg(self, c: Contact, t: np.ndarray, hip: np.ndarray | None = None) -> np.ndarray:
        """Return the (T, 3) thigh, knee, ankle angles (deg) of a planted leg."""
        hip = self.hip(t) if hip is None else hip
        pitch = c.pitch(t)
        ankle = ankle_from_toe(self.body, np.asarray(c.toe_m), pitch)
        try:
            thigh, knee = leg_ik(self.body, hip, ankle)
        except ValueError:
            raise ValueError(f"{SIDES[c.side]} foot out of reach during its contact "
                             f"{c.touchdown_s:.3f}-{c.toe_off_s:.3f} s") from None
        return np.stack([thigh, knee, -pitch - (thigh - knee)], axis=-1)

    def _stance_state(self, c: Contact, t: float, inside: int) -> tuple[np.ndarray, np.ndarray]:
        h = _H * inside
        q = self._stance_leg(c, np.array([t, t + h, t + 2 * h]))
        return q[0], (-3 * q[0] + 4 * q[1] - q[2]) / (2 * h)

    def _swing(self, prev: Contact, nxt: Contact, shape: SwingShape) -> tuple[Keys, Keys, Keys]:
        t0, t1 = prev.toe_off_s, nxt.touchdown_s
        span = t1 - t0
        if span <= 0:
            raise ValueError(f"{SIDES[prev.side]} foot lands at {t1:.3f} s before it leaves at {t0:.3f} s")
        q0, r0 = self._stance_state(prev, t0, -1)
        q1 = self._stance_leg(nxt, np.array([t1]))[0]

        tb = t0 + shape.thigh_back_at * span
        thigh = Keys.of(
            (t0, q0[0], r0[0]),
            (tb, q0[0] + r0[0] * (tb - t0) / 2, 0.0),
            (t0 + shape.peak_at * span, shape.knee_drive_deg, 0.0),
            (t1, q1[0], shape.touchdown_thigh_dps),
        )
        knee_keys = [(t0, q0[1], r0[1])]
        if r0[1] < 0:  # still straightening at toe-off: it stops before it folds (no hyperextension)
            turn = min(0.08 * span, q0[1] / -r0[1])
            knee_keys.append((t0 + turn, q0[1] + r0[1] * turn / 2, 0.0))
        knee = Keys.of(
            *knee_keys,
            (t0 + shape.knee_max_at * span, shape.knee_max_deg, 0.0),
            (t1, q1[1], 0.0),
        )
        ankle_keys = [(t0, q0[2], r0[2])]
        if r0[2] < 0:  # still plantarflexing at toe-off: at most 15 deg more before it turns
            turn = min(0.08 * span, 30.0 / -r0[2])
            ankle_keys.append((t0 + turn, q0[2] + r0[2] * turn / 2, 0.0))
        ankle = Keys.of(
            *ankle_keys,
            (t0 + shape.ankle_at * span, shape.ankle_deg, 0.0),
            (t1, q1[2], 0.0),
        )
        return thigh, knee, ankle

    def _lowest_foot_point(self, q: np.ndarray, hip: np.ndarray) -> np.ndarray:
        """Return the height (m) of the lower of heel and toe tip for leg angles ``q`` (T, 3)."""
        shank = q[:, 0] - q[:, 1]
        b = self.body
        ankle_y = hip[:, 1] - b.thigh_m * np.cos(np.radians(q[:, 0])) - b.shank_m * np.cos(np.radians(shank))
        foot = np.radians(shank + q[:, 2])
        sole_y = ankle_y - b.ankle_height_m * np.cos(foot)
        return np.minimum(sole_y + b.toe_m * np.sin(foot), sole_y - b.heel_m * np.sin(foot))

    def _clearance_fold(self, q: np.ndarray, hip: np.ndarray, t: np.ndarray, t0: float, t1: float) -> np.ndarray:
        """Return the extra knee flexion (deg) that keeps a swinging foot above the track.

        The clearance asked for rises from 0 after toe-off to ``SWING_CLEARANCE_M`` and falls
        to 0 again just before touchdown; where the keyframed swing would pass lower, the knee
        folds further (a smooth, C1 correction that is zero wherever the foot is high enough).
        """
        span = t1 - t0
        want = SWING_CLEARANCE_M * smoothstep((t - t0) / (0.25 * span)) * smoothstep((t1 - t) / (0.1 * span))
        low = self._lowest_foot_point(q, hip)
        deficit = want - low
        if not np.any(deficit > 0):
            return np.zeros(t.shape)
        eps = 0.5 * SWING_CLEARANCE_M
        raised = np.where(deficit > eps, deficit - eps / 2, np.maximum(deficit, 0.0) ** 2 / (2 * eps))
        target = low + np.maximum(raised, -low)  # never below the track, however small the deficit
        fold = np.zeros(t.shape)
        for _ in range(3):  # Newton steps on the foot height as a function of knee flexion
            now = self._lowest_foot_point(q + np.stack([0 * fold, fold, 0 * fold], axis=1), hip)
            ahead = self._lowest_foot_point(q + np.stack([0 * fold, fold + 0.1, 0 * fold], axis=1), hip)
            lift = (ahead - now) / 0.1  # m per deg of folding
            fold = np.where(deficit > 0, fold + (target - now) / np.maximum(lift, 1e-4), 0.0)
        return fold

    def legs(self, t: np.ndarray, hip: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the thigh, knee and ankle angles (T, 2) (deg) at times ``t`` (s)."""
        t = np.asarray(t, dtype=np.float64)
        hip = self.hip(t) if hip is None else hip
        out = np.full((3, t.size, 2), np.nan)
        for side in (0, 1):
            idx = self._by_side[side]
            for n, i in enumerate(idx):
                c = self.contacts[i]
                m = (t >= c.touchdown_s) & (t <= c.toe_off_s)
                if m.any():
                    out[:, m, side] = self._stance_leg(c, t[m], hip[m]).T
                if n > 0:
                    prev = self.contacts[idx[n - 1]]
                    m = (t > prev.toe_off_s) & (t < c.touchdown_s)
                    if m.any():
                        swing = np.stack([keys(t[m]) for keys in self._swings[i]], axis=-1)
                        swing[:, 1] += self._clearance_fold(swing, hip[m], t[m], prev.toe_off_s, c.touchdown_s)
                        out[:, m, side] = swing.T
        if np.isnan(out).any():
            bad = t[np.isnan(out).any(axis=(0, 2))][0]
            raise ValueError(f"the plan does not define both legs at {bad:.3f} s")
        return out[0], out[1], out[2]

    # -- arms ---------------------------------------------------------------------------------
    def arms(self, t: np.ndarray, hip: np.ndarray, trunk: np.ndarray,
             thigh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the upper-arm angle and elbow flexion (T, 2) (deg).

        Each arm follows the opposite thigh (:class:`ArmSwing`); with :class:`HandsDown` in the
        plan, the arms reach the planted wrists until the hands lift, then blend into the swing.

        Parameters
        ----------
        t : ndarray, shape (T,)
            Times (s).
        hip : ndarray, shape (T, 2)
            Hip midpoint at those times, x forward and y up (m).
        trunk : ndarray, shape (T,)
            Trunk lean (deg, + forward).
        thigh : ndarray, shape (T, 2)
            Thigh angles (deg), column 0 the left side, 1 the right.

        Returns
        -------
        upper_arm_deg, elbow_deg : ndarray, shape (T, 2)
            Upper arm against the downward vertical, + elbow ahead of the shoulder, and elbow
            flexion (deg); column 0 the left side, 1 the right.
        """
        a = self.plan.arms
        shoulder_flexion = a.offset_deg + a.gain * (thigh[:, ::-1] + trunk[:, None] - a.centre_deg)
        upper = shoulder_flexion - trunk[:, None]
        elbow = a.elbow_deg + a.elbow_gain * shoulder_flexion
        hands = self.plan.hands
        if hands is None:
            return upper, elbow
        shoulder = hip + self.body.trunk_m * up(trunk)
        wrist = np.broadcast_to(np.asarray(hands.wrist_m, dtype=np.float64), shoulder.shape)
        down_mask = t <= hands.lift_s
        planted_upper = np.full(t.shape, np.nan)
        planted_elbow = np.full(t.shape, np.nan)
        if down_mask.any():
            planted_upper[down_mask], planted_elbow[down_mask] = arm_ik(self.body, shoulder[down_mask],
                                                                        wrist[down_mask])
        # after lift-off: the planted pose (held relative to the trunk) fades into the swing
        lift = np.array([hands.lift_s])
        trunk_lift = float(self.plan.trunk_deg(lift)[0])
        u_lift, e_lift = arm_ik(self.body, self.hip(lift) + self.body.trunk_m * up(trunk_lift),
                                np.asarray(hands.wrist_m)[None])
        w = smoothstep((t - hands.lift_s) / hands.blend_s)[:, None]
        held_upper = float(u_lift[0]) + trunk_lift - trunk[:, None]
        upper_out = np.where(down_mask[:, None], planted_upper[:, None], (1 - w) * held_upper + w * upper)
        elbow_out = np.where(down_mask[:, None], planted_elbow[:, None], (1 - w) * float(e_lift[0]) + w * elbow)
        return upper_out, elbow_out

    # -- everything ---------------------------------------------------------------------------
    def pose(self, t: np.ndarray) -> Pose:
        """Return the athlete's :class:`~sprintlens.synth.skeleton.Pose` at times ``t`` (s)."""
        t = np.atleast_1d(np.asarray(t, dtype=np.float64))
        hip = self.hip(t)
        trunk = np.asarray(self.plan.trunk_deg(t), dtype=np.float64)
        thigh, knee, ankle = self.legs(t, hip)
        upper, elbow = self.arms(t, hip, trunk, thigh)
        return Pose(
            t_s=t, hip_m=hip, trunk_deg=trunk, head_deg=self.plan.head_gain * trunk + self.plan.head_offset_deg,
            thigh_deg=thigh, knee_deg=knee, ankle_deg=ankle, upper_arm_deg=upper, elbow_deg=elbow,
        )
