"""Sprint scenarios as gait plans: a flying sprint, and a start followed by accelerating steps.

The start is from blocks, standing or crouched.

Parameters are technique values a coach would name (:class:`Mechanics`); the gait model
(:mod:`sprintlens.synth.gait`) turns them into consistent limb motion:

- the toe is planted where the toe-off pose puts it: at toe-off the thigh is
  ``hip_extension_deg`` behind the trunk line, the knee flexed ``knee_toe_off_deg`` and the
  foot pitched ``pitch_toe_off_deg``, so the contact point is fixed by the hip's position then;
- the hip moves forward ``speed x contact time`` during the stance, and the knee flexion at
  touchdown is the one that lands the toe at the contact point with the hip at the height it
  had at the previous toe-off (clipped to 8-95 deg; the hip height gives way then); through the
  stance the knee yields by ``knee_yield_deg`` and extends again, and the hip height is what
  the leg's geometry gives;
- so step length = the distance between successive contact points = speed x step time in a
  steady flying sprint.

Typical values (defaults) come from published sprint kinematics: top-speed contact about
0.09-0.11 s, flight about 0.12 s, step frequency 4.3-4.8 Hz, step length 2.0-2.4 m at 9-11 m/s,
trunk 5-10 deg forward, thigh about 20-30 deg behind vertical at toe-off and 65-75 deg ahead at
peak knee drive (Mann & Murphy 2018; Bezodis et al. 2008; Haugen et al. 2019); first stance
about 0.17-0.22 s, first flight 0.05-0.07 s, trunk about 45 deg forward in the first steps
(Nagahara et al. 2014; Debaere et al. 2013 *J Sports Sci* 31:1431); set position with the front
knee near 90 deg and the rear knee near 125 deg (interior angles), hips slightly above the
shoulders, rear foot leaving the block about 0.18 s and the front foot about 0.37 s after the
first movement (Harland & Steele 1997 *Sports Med* 23:11; Bezodis, Salo & Trewartha 2015
*Sports Biomech* 14:402).  Horizontal speed during the acceleration follows the mono-exponential
``v(t) = v_max (1 - exp(-t / tau))`` (Furusawa, Hill & Parkinson 1927; Samozino et al. 2016
*Scand J Med Sci Sports* 26:648).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace

import numpy as np

from sprintlens.synth.body import Body
from sprintlens.synth.curves import Keys
from sprintlens.synth.gait import (
    ArmSwing,
    Contact,
    GaitPlan,
    HandsDown,
    Motion,
    Progression,
    SwingShape,
    toe_off_geometry,
    touchdown_knee,
)
from sprintlens.synth.skeleton import SIDES, ankle_from_toe, down, up

__all__ = [
    "AccelerationSpec",
    "FIRST_STEP",
    "FlyingSpec",
    "Mechanics",
    "Run",
    "StartSpec",
    "build_run",
]

#: Touchdown knee flexion is kept in this range (deg).
_KNEE_TD_RANGE = (8.0, 95.0)


@dataclass(frozen=True)
class Mechanics:
    """Technique of a step: the parameters a sprint coach talks about (top-speed defaults).

    Attributes
    ----------
    speed_mps : float
        Hip (centre of mass) speed (m/s).
    contact_s : float
        Ground contact time (s).
    step_length_m : float
        Toe-to-toe distance of successive contacts (m); with the speed it sets the step time
        (``step_length / speed``) and so the flight time.
    trunk_lean_deg : float
        Trunk lean at touchdown (deg, + forward).
    hip_extension_deg : float
        Hip extension of the stance leg at toe-off (deg): thigh behind the trunk line.
    knee_drive_deg : float
        Peak thigh angle of the swing leg (deg ahead of the downward vertical).
    knee_toe_off_deg, knee_yield_deg, knee_swing_max_deg : float
        Knee flexion at toe-off; extra flexion from touchdown to mid-stance (0: the knee only
        extends); peak flexion in swing (deg).
    pitch_touchdown_deg, pitch_mid_deg, pitch_toe_off_deg : float
        Foot pitch (heel up) at touchdown, its lowest in mid-stance, and at toe-off (deg).
    trunk_bob_deg : float
        The trunk leans this much further forward in mid-step than at touchdown (deg).
    touchdown_thigh_dps : float
        Thigh angular velocity as the foot lands (deg/s; negative: retracting).
    """

    speed_mps: float = 9.5
    contact_s: float = 0.100
    step_length_m: float = 2.10
    trunk_lean_deg: float = 7.0
    hip_extension_deg: float = 22.0
    knee_drive_deg: float = 72.0
    knee_toe_off_deg: float = 12.0
    knee_yield_deg: float = 15.0
    knee_swing_max_deg: float = 125.0
    pitch_touchdown_deg: float = 8.0
    pitch_mid_deg: float = 3.0
    pitch_toe_off_deg: float = 65.0
    trunk_bob_deg: float = 1.5
    touchdown_thigh_dps: float = -450.0

    def __post_init__(self) -> None:
        if not (self.speed_mps > 0 and self.contact_s > 0 and self.step_length_m > 0):
            raise ValueError("speed, contact time and step length must be positive")
        if self.flight_s <= 0:
            raise ValueError(f"step length {self.step_length_m} m at {self.speed_mps} m/s leaves no flight "
                             f"after a {self.contact_s} s contact (step time {self.step_time_s:.3f} s)")

    @property
    def step_time_s(self) -> float:
        """Touchdown to the next touchdown (s)."""
        return self.step_length_m / self.speed_mps

    @property
    def flight_s(self) -> float:
        """Toe-off to the next touchdown (s)."""
        return self.step_time_s - self.contact_s

    @property
    def step_frequency_hz(self) -> float:
        """Steps per second (Hz)."""
        return 1.0 / self.step_time_s


#: Technique of the first step out of a start (its speed and step length only set its flight time).
FIRST_STEP = Mechanics(
    speed_mps=4.6, contact_s=0.190, step_length_m=1.15, trunk_lean_deg=45.0, hip_extension_deg=5.0,
    knee_drive_deg=55.0, knee_toe_off_deg=10.0, knee_yield_deg=0.0, knee_swing_max_deg=105.0,
    pitch_touchdown_deg=22.0, pitch_mid_deg=15.0, pitch_toe_off_deg=62.0, trunk_bob_deg=0.0,
    touchdown_thigh_dps=-300.0,
)


@dataclass(frozen=True)
class StartSpec:
    """A start: the set position, a still hold, and the push out of it.

    Angles are flexions (deg) unless named otherwise: a front knee at 90 deg flexion is the
    "90 deg front knee" of the coaching literature (interior angle 90 deg), 55 deg flexion is an
    interior rear-knee angle of 125 deg.  Times are seconds after the first movement, except
    ``hold_s``.

    Use the presets :meth:`blocks`, :meth:`standing` and :meth:`crouched`.
    """

    kind: str = "blocks"
    hold_s: float = 0.6
    front_side: str = "left"
    front_knee_deg: float = 90.0
    rear_knee_deg: float = 55.0
    front_pitch_deg: float = 45.0
    rear_pitch_deg: float = 60.0
    trunk_lean_deg: float = 100.0
    hands_down: bool = True
    upper_arm_deg: float = -6.0
    elbow_deg: float = 12.0
    front_thigh_deg: float = 20.0
    hands_lift_s: float = 0.05
    rear_exit_s: float = 0.18
    front_exit_s: float = 0.37
    exit_knee_deg: float = 8.0
    exit_pitch_deg: float = 62.0
    exit_trunk_lean_deg: float = 47.0
    exit_hip_extension_deg: float = 0.0
    rear_exit_pitch_deg: float = 75.0
    first_flight_s: float = 0.07

    def __post_init__(self) -> None:
        if self.front_side not in SIDES:
            raise ValueError(f"front_side must be 'left' or 'right', got {self.front_side!r}")
        if not 0 < self.hands_lift_s < self.front_exit_s or not 0 < self.rear_exit_s < self.front_exit_s:
            raise ValueError("hands and rear foot must leave before the front foot")

    @classmethod
    def blocks(cls, **changes: object) -> StartSpec:
        """Make a block start: hands at the line, front knee 90 deg, rear knee 125 deg (interior)."""
        return replace(cls(), **changes)  # type: ignore[arg-type]

    @classmethod
    def standing(cls, **changes: object) -> StartSpec:
        """Make a standing split-stance start, no hands down."""
        base = cls(kind="standing", front_knee_deg=25.0, rear_knee_deg=35.0, front_pitch_deg=0.0,
                   rear_pitch_deg=35.0, trunk_lean_deg=30.0, hands_down=False, front_thigh_deg=20.0,
                   rear_exit_s=0.16, front_exit_s=0.36, exit_knee_deg=10.0, exit_pitch_deg=55.0,
                   exit_trunk_lean_deg=42.0, exit_hip_extension_deg=2.0, rear_exit_pitch_deg=70.0,
                   first_flight_s=0.06)
        return replace(base, **changes)  # type: ignore[arg-type]

    @classmethod
    def crouched(cls, **changes: object) -> StartSpec:
        """Make a crouched (two-point) start: deeper knees and more lean than standing, no hands down."""
        base = cls.standing(kind="crouched", front_knee_deg=50.0, rear_knee_deg=70.0, front_pitch_deg=10.0,
                            rear_pitch_deg=45.0, trunk_lean_deg=50.0, front_thigh_deg=40.0,
                            exit_trunk_lean_deg=45.0)
        return replace(base, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class FlyingSpec:
    """A flying sprint: steady running at ``mechanics``, seen for ``duration_s``.

    Attributes
    ----------
    mechanics : Mechanics
        Technique of every step.
    duration_s : float
        Length of the clip (s).
    phase : float
        Fraction of a step between the first frame and the next touchdown (0-1).
    first_side : str
        Foot of the first touchdown in the clip.
    """

    mechanics: Mechanics = field(default_factory=Mechanics)
    duration_s: float = 1.5
    phase: float = 0.3
    first_side: str = "left"


@dataclass(frozen=True)
class AccelerationSpec:
    """A start followed by accelerating steps.

    Step ``k`` (1, 2, ...) has the technique ``top + (first - top) * exp(-(k - 1) / steps_tau)``
    field by field (timing from contact and flight time); speed follows the mono-exponential
    curve with ``top.speed_mps`` and ``tau_s`` from the first movement.

    Attributes
    ----------
    start : StartSpec
        How the run starts.
    first, top : Mechanics
        Technique of the first step and the one approached at top speed.
    n_steps : int or None
        Steps after the start to show; ``None``: as many as reach ``distance_m``.
    distance_m : float
        Run distance from the start line when ``n_steps`` is None (m).
    tau_s : float
        Time constant of the speed curve (s).
    steps_tau : float
        Steps over which the technique moves from ``first`` to ``top``.
    """

    start: StartSpec = field(default_factory=StartSpec.blocks)
    first: Mechanics = FIRST_STEP
    top: Mechanics = field(default_factory=Mechanics)
    n_steps: int | None = 7
    distance_m: float = 20.0
    tau_s: float = 0.95
    steps_tau: float = 3.5


@dataclass(frozen=True)
class Run:
    """A scenario ready to render: the motion, the clip's time window and what happened when.

    Attributes
    ----------
    motion : Motion
        Joint angles at any instant.
    start_s, end_s : float
        Time window of the clip (s).
    events : dict of str to float
        Start events (s): ``set_position_s``, ``first_movement_s``, ``hands_off_s``,
        ``rear_block_exit_s``, ``front_block_exit_s``; empty for a flying sprint.
    step_contacts : tuple of int
        Indices (into ``motion.contacts``) of the contacts that count as steps.
    scenario : str
        ``"flying"``, ``"blocks"``, ``"standing"`` or ``"crouched"``.
    spec : dict
        The scenario's parameters (JSON-compatible).
    """

    motion: Motion
    start_s: float
    end_s: float
    events: dict[str, float]
    step_contacts: tuple[int, ...]
    scenario: str
    spec: dict


# -- hip progression ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ConstantSpeed(Progression):
    """``x(t) = x0 + speed * t``."""

    x0_m: float
    speed_mps: float

    def __call__(self, t: np.ndarray) -> np.ndarray:
        return self.x0_m + self.speed_mps * np.asarray(t, dtype=np.float64)

    def speed(self, t: np.ndarray) -> np.ndarray:
        return np.full(np.shape(t), self.speed_mps)


@dataclass(frozen=True)
class StartProgression(Progression):
    """Still until ``move_s``; a cubic push to ``exit_m`` at ``exit_s``; then the exponential curve.

    After the exit, speed is ``v_max (1 - exp(-(t - move_s) / tau))``; the push reaches that
    curve's speed at the exit with the same position and speed (continuous velocity).
    """

    set_m: float
    move_s: float
    exit_s: float
    exit_m: float
    v_max: float
    tau_s: float

    def __post_init__(self) -> None:
        push = self.exit_m - self.set_m
        if push <= 0:
            raise ValueError("the hips must move forward between the set position and the block exit")
        if self.exit_speed * (self.exit_s - self.move_s) > 3 * push:
            raise ValueError(f"block phase: {push:.2f} m of hip travel cannot reach {self.exit_speed:.2f} m/s "
                             "without moving backwards first; lengthen the block time or lower tau")

    @property
    def exit_speed(self) -> float:
        return self.v_max * (1 - math.exp(-(self.exit_s - self.move_s) / self.tau_s))

    def _push(self) -> Keys:
        return Keys.of((self.move_s, self.set_m, 0.0), (self.exit_s, self.exit_m, self.exit_speed))

    def __call__(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=np.float64)
        after = self.exit_m + self.v_max * (
            (t - self.exit_s)
            - self.tau_s * (np.exp(-(self.exit_s - self.move_s) / self.tau_s)
                            - np.exp(-(np.maximum(t, self.exit_s) - self.move_s) / self.tau_s)))
        return np.where(t <= self.exit_s, self._push()(t), after)

    def speed(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=np.float64)
        after = self.v_max * (1 - np.exp(-(np.maximum(t, self.exit_s) - self.move_s) / self.tau_s))
        return np.where(t <= self.exit_s, self._push().derivative(t), after)


# -- trunk ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrunkCurve:
    """Trunk lean: a curve through its touchdown values plus a bob within each step."""

    keys: Keys
    touchdowns_s: tuple[float, ...]
    bob_deg: tuple[float, ...]

    def __call__(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=np.float64)
        out = self.keys(t)
        td = np.asarray(self.touchdowns_s)
        for k in range(len(td) - 1):
            m = (t >= td[k]) & (t < td[k + 1])
            out = np.where(m, out + self.bob_deg[k] * np.sin(np.pi * (t - td[k]) / (td[k + 1] - td[k])) ** 2, out)
        return out


# -- steps ------------------------------------------------------------------------------------
def _stance_keys(td: float, to: float, m: Mechanics, knee_td: float) -> tuple[Keys, Keys]:
    """Make the foot pitch and knee flexion curves of one stance (deg)."""
    tc = to - td
    p_mid, k_mid = td + 0.40 * tc, td + 0.45 * tc
    pitch = Keys.of(
        (td, m.pitch_touchdown_deg, 1.5 * (m.pitch_mid_deg - m.pitch_touchdown_deg) / (0.40 * tc)),
        (p_mid, m.pitch_mid_deg, 0.0),
        (to, m.pitch_toe_off_deg, 1.5 * (m.pitch_toe_off_deg - m.pitch_mid_deg) / (0.60 * tc)),
    )
    if m.knee_yield_deg > 0:
        knee_peak = knee_td + m.knee_yield_deg
        knee = Keys.of(
            (td, knee_td, 1.5 * m.knee_yield_deg / (0.45 * tc)),
            (k_mid, knee_peak, 0.0),
            (to, m.knee_toe_off_deg, 1.5 * (m.knee_toe_off_deg - knee_peak) / (0.55 * tc)),
        )
    else:  # the knee only extends (the first steps of an acceleration)
        knee = Keys.of((td, knee_td, 0.0), (to, m.knee_toe_off_deg))
    return pitch, knee


def _swing_shape(m: Mechanics) -> SwingShape:
    return SwingShape(knee_drive_deg=m.knee_drive_deg, knee_max_deg=m.knee_swing_max_deg,
                      touchdown_thigh_dps=m.touchdown_thigh_dps)


def _step_contact(body: Body, side: int, td: float, to: float, m: Mechanics, progression: Progression,
                  trunk: TrunkCurve, previous_toe_off_height: float) -> tuple[Contact, float]:
    """Plan a running contact; return it and the hip height at its toe-off (m)."""
    thigh_to = -(m.hip_extension_deg + float(trunk(np.array([to]))[0]))
    rel_x, rel_y = toe_off_geometry(body, thigh_to, m.knee_toe_off_deg, m.pitch_toe_off_deg)
    toe = (float(progression(np.array([to]))[0]) + rel_x, 0.0)
    knee_td, _ = touchdown_knee(body, float(progression(np.array([td]))[0]), toe, m.pitch_touchdown_deg,
                                previous_toe_off_height, *_KNEE_TD_RANGE)
    pitch, knee = _stance_keys(td, to, m, knee_td)
    return Contact(side=side, touchdown_s=td, toe_off_s=to, toe_m=toe, pitch=pitch, knee=knee), -rel_y


def _blend(first: Mechanics, top: Mechanics, k: int, steps_tau: float) -> Mechanics:
    """Blend the technique of step ``k`` (1-based) between ``first`` and ``top``."""
    w = math.exp(-(k - 1) / steps_tau)
    values: dict[str, object] = {}
    for f in fields(Mechanics):
        a, b = getattr(first, f.name), getattr(top, f.name)
        values[f.name] = float(b + (a - b) * w)
    # timing: blend contact and flight, not speed and step length
    contact = top.contact_s + (first.contact_s - top.contact_s) * w
    flight = top.flight_s + (first.flight_s - top.flight_s) * w
    values["contact_s"] = contact
    values["step_length_m"] = float(values["speed_mps"]) * (contact + flight)  # type: ignore[arg-type]
    return Mechanics(**values)  # type: ignore[arg-type]


# -- scenarios --------------------------------------------------------------------------------
def flying_run(spec: FlyingSpec, body: Body, x_at_start_m: float = 0.0) -> Run:
    """Plan a steady flying sprint; the hip midpoint is at ``x_at_start_m`` at the clip's start.

    Parameters
    ----------
    spec : FlyingSpec
        The sprint: mechanics, duration, phase of the first step, first side.
    body : Body
        The athlete's segment lengths (m).
    x_at_start_m : float
        Hip midpoint x at the clip's start (m).

    Returns
    -------
    Run
        The motion, the clip's window (0 to ``spec.duration_s`` s), no start events, and the
        contacts whose touchdown falls in the window as steps.
    """
    m = spec.mechanics
    step = m.step_time_s
    first_side = SIDES.index(spec.first_side)
    n_before = 4
    n_total = n_before + int(math.ceil(spec.duration_s / step)) + 4
    t_first = spec.phase * step - n_before * step
    td = [t_first + k * step for k in range(n_total)]
    progression = ConstantSpeed(x_at_start_m, m.speed_mps)
    beats = tuple(td) + (td[-1] + step,)  # the last step bobs like the others
    trunk = TrunkCurve(Keys.of((td[0], m.trunk_lean_deg), (beats[-1], m.trunk_lean_deg)), beats,
                       tuple([m.trunk_bob_deg] * n_total))
    # steady state: every toe-off leaves the hip at the same height
    thigh_to = -(m.hip_extension_deg + float(trunk(np.array([td[0] + m.contact_s]))[0]))
    height = -toe_off_geometry(body, thigh_to, m.knee_toe_off_deg, m.pitch_toe_off_deg)[1]
    contacts = []
    for k, t in enumerate(td):
        side = (first_side + k - n_before) % 2
        contact, height = _step_contact(body, side, t, t + m.contact_s, m, progression, trunk, height)
        contacts.append(contact)
    swings = {i: _swing_shape(m) for i in range(2, n_total)}
    plan = GaitPlan(body=body, progression=progression, trunk_deg=trunk, contacts=tuple(contacts),
                    swings=swings, arms=ArmSwing())
    motion = Motion(plan)
    steps = tuple(i for i, c in enumerate(contacts) if 0.0 <= c.touchdown_s <= spec.duration_s)
    return Run(motion=motion, start_s=0.0, end_s=spec.duration_s, events={}, step_contacts=steps,
               scenario="flying", spec=_record(spec))


def _set_position(s: StartSpec, body: Body) -> tuple[np.ndarray, tuple[float, float], tuple[float, float],
                                                     tuple[float, float] | None]:
    """Place the hip (2,), front toe, rear toe and planted wrist of the set position (m)."""
    if s.hands_down:
        # fingers just behind the start line (x = 0), knuckles almost on the track
        wrist = np.array([-0.03 - 0.040 * body.height_m * math.sin(math.radians(s.upper_arm_deg + s.elbow_deg)),
                          0.046 * body.height_m])
        shoulder = (wrist - body.upper_arm_m * down(s.upper_arm_deg)
                    - body.forearm_m * down(s.upper_arm_deg + s.elbow_deg))
        hip = shoulder - body.trunk_m * up(s.trunk_lean_deg)
        front_toe = _toe_behind(body, hip, s.front_knee_deg, s.front_pitch_deg, "front")
        wrist_xy: tuple[float, float] | None = (float(wrist[0]), float(wrist[1]))
    else:
        rel_x, rel_y = toe_off_geometry(body, s.front_thigh_deg, s.front_knee_deg, s.front_pitch_deg)
        front_toe = (-0.02, 0.0)
        hip = np.array([front_toe[0] - rel_x, -rel_y])
        wrist_xy = None
    rear_toe = _toe_behind(body, hip, s.rear_knee_deg, s.rear_pitch_deg, "rear")
    return hip, front_toe, rear_toe, wrist_xy


def _toe_behind(body: Body, hip: np.ndarray, knee_deg: float, pitch_deg: float, which: str) -> tuple[float, float]:
    """Place the toe on the ground whose ankle lies behind the hip at the reach of ``knee_deg``."""
    ankle_rel = ankle_from_toe(body, np.zeros(2), pitch_deg)  # ankle relative to the toe
    reach = float(np.sqrt(body.thigh_m**2 + body.shank_m**2 + 2 * body.thigh_m * body.shank_m
                          * math.cos(math.radians(knee_deg))))
    dy = hip[1] - ankle_rel[1]
    if dy > reach:
        raise ValueError(f"set position: the hips ({hip[1]:.2f} m) are too high for a {which} knee "
                         f"flexion of {knee_deg} deg")
    ankle_x = hip[0] - math.sqrt(reach * reach - dy * dy)
    return float(ankle_x - ankle_rel[0]), 0.0


def _push_pitch(body: Body, s: StartSpec, move: float, exit_s: float, toe: tuple[float, float],
                exit_thigh: float, hip_velocity: np.ndarray) -> Keys:
    """Make the foot pitch curve of the front foot in the push: on the block face, then rolling onto the toe.

    At the exit the foot turns just fast enough that the leg stops lengthening, so the knee
    reaches its exit flexion with no angular velocity (a straight leg cannot lengthen further).
    """
    p = math.radians(s.exit_pitch_deg)
    ankle = ankle_from_toe(body, np.asarray(toe), s.exit_pitch_deg)
    knee = body.thigh_m * down(exit_thigh)
    hip = ankle - knee - body.shank_m * down(exit_thigh - s.exit_knee_deg)
    leg = (hip - ankle) / np.linalg.norm(hip - ankle)
    d_ankle = (body.toe_m * np.array([math.sin(p), math.cos(p)])  # d(ankle)/d(pitch), m/rad
               + body.ankle_height_m * np.array([math.cos(p), -math.sin(p)]))
    rate = math.degrees(float(hip_velocity @ leg) / float(d_ankle @ leg))  # deg/s
    rise = s.exit_pitch_deg - s.front_pitch_deg
    if rate <= 0 or rise <= 0:
        return Keys.of((move, s.front_pitch_deg, 0.0), (exit_s, s.exit_pitch_deg))
    roll = min(0.5 * (exit_s - move), 2.0 * rise / rate)  # a monotone roll onto the toe
    return Keys.of((move, s.front_pitch_deg, 0.0), (exit_s - roll, s.front_pitch_deg, 0.0),
                   (exit_s, s.exit_pitch_deg, rate))


def start_run(spec: AccelerationSpec, body: Body) -> Run:
    """Plan a start (blocks, standing or crouched) and the accelerating steps after it."""
    s = spec.start
    move = s.hold_s
    t_hands, t_rear, t_front = move + s.hands_lift_s, move + s.rear_exit_s, move + s.front_exit_s
    front, rear = SIDES.index(s.front_side), 1 - SIDES.index(s.front_side)
    hip_set, front_toe, rear_toe, wrist = _set_position(s, body)

    # step timing
    n_max = spec.n_steps if spec.n_steps is not None else 200
    mech = [_blend(spec.first, spec.top, k, spec.steps_tau) for k in range(1, n_max + 4)]
    td, to = [], []
    t = t_front + s.first_flight_s
    for m in mech:
        td.append(t)
        to.append(t + m.contact_s)
        t = to[-1] + m.flight_s

    # the push: the front leg leaves the block in its exit pose
    exit_thigh = -(s.exit_hip_extension_deg + s.exit_trunk_lean_deg)
    rel_x, _ = toe_off_geometry(body, exit_thigh, s.exit_knee_deg, s.exit_pitch_deg)
    progression = StartProgression(set_m=float(hip_set[0]), move_s=move, exit_s=t_front,
                                   exit_m=front_toe[0] - rel_x, v_max=spec.top.speed_mps, tau_s=spec.tau_s)
    if spec.n_steps is None:
        x_td = progression(np.asarray(td))
        n_steps = int(np.searchsorted(x_td, spec.distance_m) + 1)
        if n_steps > n_max - 1:
            raise ValueError(f"{spec.distance_m} m is not reached in {n_max} steps")
    else:
        n_steps = spec.n_steps
    n_plan = n_steps + 3
    td, to, mech = td[:n_plan], to[:n_plan], mech[:n_plan]

    # the trunk barely turns until the hands have left the track
    trunk_keys = Keys.of((move, s.trunk_lean_deg, 0.0), (t_hands, s.trunk_lean_deg, 0.0),
                         (t_front, s.exit_trunk_lean_deg),
                         *[(t, m.trunk_lean_deg) for t, m in zip(td, mech)])
    trunk = TrunkCurve(trunk_keys, tuple(td), tuple(m.trunk_bob_deg for m in mech))

    # the feet in the start position
    def held(value: float, end_s: float, end_value: float) -> Keys:
        return Keys.of((move, value, 0.0), (end_s, end_value))

    exit_height = -toe_off_geometry(body, exit_thigh, s.exit_knee_deg, s.exit_pitch_deg)[1]
    push_y = held(float(hip_set[1]), t_front, exit_height)
    exit_velocity = np.array([progression.exit_speed, float(push_y.derivative(t_front))])
    front_contact = Contact(side=front, touchdown_s=-math.inf, toe_off_s=t_front, toe_m=front_toe,
                            pitch=_push_pitch(body, s, move, t_front, front_toe, exit_thigh, exit_velocity),
                            hip_y=push_y, kind="front_block")
    rear_contact = Contact(side=rear, touchdown_s=-math.inf, toe_off_s=t_rear, toe_m=rear_toe,
                           pitch=held(s.rear_pitch_deg, t_rear, s.rear_exit_pitch_deg), kind="rear_block")
    height = exit_height
    contacts = [rear_contact, front_contact]
    for k in range(n_plan):
        side = rear if k % 2 == 0 else front
        contact, height = _step_contact(body, side, td[k], to[k], mech[k], progression, trunk, height)
        contacts.append(contact)
    # the swing into contact i has the knee drive of the step before it (its peak falls there)
    swings = {i: _swing_shape(mech[max(i - 3, 0)]) for i in range(2, len(contacts))}
    hands = HandsDown(wrist_m=wrist, lift_s=t_hands) if wrist is not None else None
    plan = GaitPlan(body=body, progression=progression, trunk_deg=trunk, contacts=tuple(contacts),
                    swings=swings, arms=ArmSwing(), hands=hands)
    motion = Motion(plan)
    end = td[n_steps]  # the clip ends as step n ends (next touchdown)
    events = {"set_position_s": 0.0, "first_movement_s": move, "rear_block_exit_s": t_rear,
              "front_block_exit_s": t_front}
    if hands is not None:
        events["hands_off_s"] = t_hands
    return Run(motion=motion, start_s=0.0, end_s=end, events=events, step_contacts=tuple(range(2, 2 + n_steps)),
               scenario=s.kind, spec=_record(spec))


def build_run(spec: FlyingSpec | AccelerationSpec, body: Body, x_at_start_m: float = 0.0) -> Run:
    """Plan the :class:`Run` of a flying sprint or of a start with acceleration.

    Parameters
    ----------
    spec : FlyingSpec or AccelerationSpec
        The scenario.
    body : Body
        The athlete's segment lengths (m).
    x_at_start_m : float
        Hip midpoint x at the clip's start (m), for a flying sprint; ignored for a start, which
        is placed at its start line (x = 0).

    Returns
    -------
    Run
        The motion, the clip's time window, the start events and the contacts that count as steps.

    Raises
    ------
    TypeError
        If ``spec`` is not a scenario.
    """
    if isinstance(spec, FlyingSpec):
        return flying_run(spec, body, x_at_start_m)
    if isinstance(spec, AccelerationSpec):
        return start_run(spec, body)
    raise TypeError(f"not a scenario: {type(spec).__name__}")


def _record(spec: object) -> dict:
    """Return a JSON-compatible record of a spec dataclass."""
    record = asdict(spec)  # type: ignore[call-overload]
    record["type"] = type(spec).__name__
    return record
