"""A rendered clip: scenario, camera and look in; its frames out (:mod:`sprintlens.synth.write` saves them).

>>> from sprintlens.synth import ClipSpec, FlyingSpec, render_clip
>>> truth = render_clip(ClipSpec(FlyingSpec(duration_s=1.0)), "flying.mp4")  # doctest: +SKIP

writes ``flying.mp4`` and ``flying.truth.json`` (:mod:`sprintlens.synth.truth` describes it).
Rendering is deterministic: the same spec gives the same frames, and with the same encoder
build the same bytes.
"""

from __future__ import annotations

import logging
import math
import typing
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from typing import Any

import cv2
import numpy as np

from sprintlens.synth.body import Body
from sprintlens.synth.camera import Camera, CameraSpec
from sprintlens.synth.fatigue import Fatigue
from sprintlens.synth.figure import STYLES, draw_figure, draw_shadow
from sprintlens.synth.scenarios import (
    AccelerationSpec,
    FlyingSpec,
    Mechanics,
    Run,
    build_run,
)
from sprintlens.synth.scene import Prop, Scene, SceneStyle
from sprintlens.synth.skeleton import forward_kinematics

__all__ = ["ClipSpec", "Rendered", "RenderSpec", "SecondPerson", "athlete_coverage", "prepare", "render_frame",
           "render_frames"]

log = logging.getLogger(__name__)

DIRECTIONS = {"left_to_right": 1, "right_to_left": -1}


@dataclass(frozen=True)
class RenderSpec:
    """Image size, frame rate, encoding and the camera's imperfections.

    Attributes
    ----------
    size : (int, int)
        Frame width and height (pixels).
    fps : float
        Frames per second of the capture (the clip plays in real time at this rate).
    crf, preset : int, str
        x264 quality and speed setting.
    motion_blur_samples : int
        Instants averaged per frame (odd; 1 = no motion blur).
    shutter : float
        Fraction of the frame period the shutter is open (with motion blur).
    defocus_px : float
        Gaussian blur of the whole frame, sigma in pixels (0: none).
    noise_sd : float
        Sensor noise, standard deviation in 8-bit levels (0: none).
    """

    size: tuple[int, int] = (1280, 720)
    fps: float = 120.0
    crf: int = 26
    preset: str = "medium"
    motion_blur_samples: int = 1
    shutter: float = 0.5
    defocus_px: float = 0.0
    noise_sd: float = 0.0

    def __post_init__(self) -> None:
        if self.motion_blur_samples < 1 or self.motion_blur_samples % 2 == 0:
            raise ValueError("motion_blur_samples must be an odd number >= 1")
        if not (self.fps > 0 and self.size[0] > 0 and self.size[1] > 0):
            raise ValueError("frame rate and size must be positive")


@dataclass(frozen=True)
class SecondPerson:
    """Someone jogging, or sprinting from a start, in another lane further from the camera.

    With ``sprint`` set they run that start (from blocks, say) the athlete's way, from their own
    blocks (drawn) at ``x_m``, their clock ``delay_s`` behind the athlete's: a second sprinter
    in the next lane.  Otherwise they jog.  Only the athlete is in the truth.

    Attributes
    ----------
    lanes_further : int
        Lanes beyond the athlete's (further from the camera).
    speed_mps : float
        Jogging speed (m/s).
    same_direction : bool
        Jogs the athlete's way (else the opposite way).
    x_m : float
        Their hip's position along the track at the first frame (m).
    style : str
        Outfit (a key of :data:`~sprintlens.synth.figure.STYLES`).
    height_m : float
        Their height (m).
    sprint : AccelerationSpec or None
        The start they run (``speed_mps`` and ``same_direction`` are then unused); ``None``: a jog.
    delay_s : float
        How much later than the athlete's their start unfolds (s; negative: earlier).
    """

    lanes_further: int = 3
    speed_mps: float = 3.0
    same_direction: bool = False
    x_m: float = 4.0
    style: str = "blue"
    height_m: float = 1.70
    sprint: AccelerationSpec | None = None
    delay_s: float = 0.0


def _from_dict(cls: type, data: Mapping[str, Any]) -> Any:
    """Rebuild a (nested) spec dataclass from its :func:`dataclasses.asdict` record."""
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value, hint = data[f.name], hints[f.name]
        nested = [t for t in typing.get_args(hint) or (hint,) if is_dataclass(t)]
        if isinstance(value, Mapping) and nested:
            value = _from_dict(nested[0], value)
        elif isinstance(value, list):
            value = _tuples(value)
        values[f.name] = value
    return cls(**values)


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _jog(speed_mps: float) -> Mechanics:
    """Make the mechanics of a relaxed jog: long contacts, low knees, upright trunk."""
    return Mechanics(speed_mps=speed_mps, contact_s=0.26, step_length_m=speed_mps * 0.36, trunk_lean_deg=3.0,
                     hip_extension_deg=8.0, knee_drive_deg=35.0, knee_toe_off_deg=15.0, knee_yield_deg=12.0,
                     knee_swing_max_deg=85.0, pitch_touchdown_deg=2.0, pitch_mid_deg=0.0, pitch_toe_off_deg=40.0,
                     trunk_bob_deg=0.5, touchdown_thigh_dps=-120.0)


@dataclass(frozen=True)
class ClipSpec:
    """Everything that defines a rendered clip.

    Attributes
    ----------
    scenario : FlyingSpec or AccelerationSpec
        What the athlete does.
    camera : CameraSpec
        Where the camera is.
    render : RenderSpec
        Frame size, rate, encoding, blur and noise.
    direction : str
        ``"left_to_right"`` or ``"right_to_left"`` in the image.
    height_m : float
        Athlete's height (m).
    style : str
        Outfit (a key of :data:`~sprintlens.synth.figure.STYLES`).
    fatigue : Fatigue or None
        Degradation applied at ``fatigue_level`` to the scenario's top-speed mechanics.
    fatigue_level : float
        0 fresh, 1 fully fatigued.
    second_person : SecondPerson or None
        A jogger in the background.
    scene : SceneStyle
        Track colours and layout.
    seed : int
        Seeds the crowd and the sensor noise.
    """

    scenario: FlyingSpec | AccelerationSpec = field(default_factory=FlyingSpec)
    camera: CameraSpec = field(default_factory=CameraSpec)
    render: RenderSpec = field(default_factory=RenderSpec)
    direction: str = "left_to_right"
    height_m: float = 1.80
    style: str = "red"
    fatigue: Fatigue | None = None
    fatigue_level: float = 0.0
    second_person: SecondPerson | None = None
    scene: SceneStyle = field(default_factory=SceneStyle)
    seed: int = 0

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {sorted(DIRECTIONS)}, got {self.direction!r}")
        if self.style not in STYLES:
            raise ValueError(f"unknown style {self.style!r}; choose from {sorted(STYLES)}")

    @property
    def sign(self) -> int:
        """+1 left to right, -1 right to left."""
        return DIRECTIONS[self.direction]

    def fatigued_scenario(self) -> FlyingSpec | AccelerationSpec:
        """Return the scenario with the fatigue applied to its mechanics."""
        if self.fatigue is None or self.fatigue_level == 0:
            return self.scenario
        if isinstance(self.scenario, FlyingSpec):
            return replace(self.scenario, mechanics=self.fatigue.apply(self.scenario.mechanics, self.fatigue_level))
        return replace(self.scenario, top=self.fatigue.apply(self.scenario.top, self.fatigue_level))

    def as_record(self) -> dict:
        """Return a JSON-compatible record of the spec (:meth:`from_record` turns it back into the spec)."""
        record = asdict(self)
        record["scenario"]["type"] = type(self.scenario).__name__
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> ClipSpec:
        """Rebuild the spec from a record of :meth:`as_record` (for example a truth file's ``spec``)."""
        data = dict(record)
        scenario = dict(data["scenario"])
        kind = scenario.pop("type")
        scenarios = {"FlyingSpec": FlyingSpec, "AccelerationSpec": AccelerationSpec}
        if kind not in scenarios:
            raise ValueError(f"unknown scenario type {kind!r}")
        data["scenario"] = _from_dict(scenarios[kind], scenario)
        return _from_dict(cls, data)


Person = tuple[dict[str, np.ndarray], Body, str, str, int]
"""A drawn person: world points by name, body, near side, outfit, facing (+1 image right)."""


@dataclass(frozen=True)
class Rendered:
    """A clip ready to draw: motion, camera and everything seen in it (see :func:`prepare`).

    ``times_s``, ``points_m`` and the camera hold ``n_frames * samples`` instants (``samples``
    motion-blur instants per frame, centred on the frame's time); :attr:`frame_samples` picks
    the centre instant of every frame.
    """

    spec: ClipSpec
    run: Run
    body: Body
    camera: Camera
    times_s: np.ndarray
    points_m: dict[str, np.ndarray]
    scene: Scene
    other: Person | None

    @property
    def samples(self) -> int:
        """Motion-blur instants per frame."""
        return self.spec.render.motion_blur_samples

    @property
    def n_frames(self) -> int:
        """Number of frames of the clip."""
        return int(self.times_s.shape[0]) // self.samples

    @property
    def frame_samples(self) -> np.ndarray:
        """Index of each frame's centre instant."""
        return np.arange(self.n_frames) * self.samples + self.samples // 2

    @property
    def near_side(self) -> str:
        """The athlete's side facing the camera: ``"right"`` running left to right, else ``"left"``."""
        return "right" if self.spec.sign == 1 else "left"


def _x_start(spec: ClipSpec) -> float:
    """Return the hip x (m) at the first frame of a flying sprint: a still camera sees the run centred on x = 0."""
    scenario = spec.fatigued_scenario()
    assert isinstance(scenario, FlyingSpec)
    return -scenario.mechanics.speed_mps * scenario.duration_s / 2


def _blocks(run: Run, body: Body) -> list[Prop]:
    """Place the starting blocks under the feet of the set position (a wedge per foot on a rail)."""
    props: list[Prop] = []
    pose = run.motion.pose(np.array([run.start_s]))
    pts = forward_kinematics(pose, body)
    toes = []
    for c in run.motion.contacts:
        if c.kind not in ("front_block", "rear_block"):
            continue
        side = ("left", "right")[c.side]
        heel, toe = pts[f"{side}_heel"][0], pts[f"{side}_foot_index"][0]
        z = toe[2]
        back = heel[0] - 0.03
        props.append(Prop(np.array([[toe[0] + 0.015, 0.0, z], [back, heel[1] + 0.015, z], [back - 0.02, heel[1], z],
                                    [back - 0.02, 0.0, z]]), (60, 60, 64)))
        props.append(Prop(np.array([[toe[0] + 0.005, 0.0, z], [heel[0] - 0.01, heel[1] + 0.004, z],
                                    [heel[0] - 0.025, heel[1] - 0.006, z], [toe[0] - 0.02, 0.0, z]]), (200, 40, 40)))
        toes.append(toe[0])
    if toes:
        rail = np.array([[min(toes) - 0.35, 0.0, -0.03], [max(toes) + 0.12, 0.0, -0.03], [max(toes) + 0.12, 0.04, 0.0],
                         [min(toes) - 0.35, 0.04, 0.0]])
        props.insert(0, Prop(rail, (80, 80, 86)))
    return props


def prepare(spec: ClipSpec) -> Rendered:
    """Build the motion, the camera path and the world points of every instant of the clip."""
    body = Body.from_height(spec.height_m)
    r = spec.render
    scenario = spec.fatigued_scenario()
    run = build_run(scenario, body, _x_start(spec) if isinstance(scenario, FlyingSpec) else 0.0)
    n_frames = int(math.floor((run.end_s - run.start_s) * r.fps + 1e-9)) + 1
    k = r.motion_blur_samples
    offsets = (np.arange(k) - k // 2) / max(k - 1, 1) * (r.shutter / r.fps if k > 1 else 0.0)
    times = (run.start_s + np.arange(n_frames)[:, None] / r.fps + offsets[None, :]).ravel()
    times = np.clip(times, run.motion.start_s if math.isfinite(run.motion.start_s) else -np.inf, run.motion.end_s)
    pose = run.motion.pose(times)
    points = forward_kinematics(pose, body)

    hip_x = pose.hip_m[:, 0]
    if spec.camera.pan:
        cam_x = hip_x + spec.camera.lead_m
    elif spec.camera.x_m is not None:
        cam_x = np.full(times.shape, spec.camera.x_m)
    else:
        cam_x = np.full(times.shape, 0.5 * (hip_x.min() + hip_x.max()))
    camera = Camera.from_spec(spec.camera, r.size, spec.sign, cam_x)
    props = _blocks(run, body) if run.scenario == "blocks" else []
    scene = Scene(style=spec.scene, seed=spec.seed, x_range_m=(float(cam_x.min()) - 20, float(cam_x.max()) + 20),
                  props=props)

    other = None
    if spec.second_person is not None:
        other, their_props = _second_person(spec, times, run)
        scene = Scene(style=spec.scene, seed=spec.seed, x_range_m=scene.x_range_m, props=[*their_props, *props])
    return Rendered(spec=spec, run=run, body=body, camera=camera, times_s=times, points_m=points, scene=scene,
                    other=other)


def _second_person(spec: ClipSpec, times: np.ndarray, run: Run) -> tuple[Person, list[Prop]]:
    p = spec.second_person
    assert p is not None
    body = Body.from_height(p.height_m)
    z0 = spec.sign * p.lanes_further * spec.scene.lane_width_m
    if p.sprint is not None:
        theirs = build_run(p.sprint, body, 0.0)
        t = np.clip(times - run.start_s + theirs.start_s - p.delay_s, theirs.motion.start_s, theirs.motion.end_s)
        own = forward_kinematics(theirs.motion.pose(t), body)
        shift = np.array([p.x_m, 0.0, z0])
        world = {name: v + shift for name, v in own.items()}
        props = [Prop(prop.points_m + shift, prop.colour) for prop in _blocks(theirs, body)]
        near = "right" if spec.sign == 1 else "left"
        return (world, body, near, p.style, spec.sign), props
    duration = float(times.max() - times.min()) + 1.0
    jog = build_run(FlyingSpec(mechanics=_jog(p.speed_mps), duration_s=duration, phase=0.5), body, 0.0)
    own = forward_kinematics(jog.motion.pose(times - times.min()), body)
    turn = 1.0 if p.same_direction else -1.0
    world = {name: np.stack([p.x_m + turn * v[:, 0], v[:, 1], z0 + turn * v[:, 2]], axis=-1) for name, v in own.items()}
    near = ("right" if spec.sign == 1 else "left") if turn > 0 else ("left" if spec.sign == 1 else "right")
    return (world, body, near, p.style, int(spec.sign * turn)), []


def _draw_person(img: np.ndarray, camera: Camera, j: int, points: dict[str, np.ndarray], body: Body, near: str,
                 style: str, facing: int, shadow: bool = True) -> None:
    px = {name: camera.project(v[j], j) for name, v in points.items()}
    z = float(points["mid_hip"][j, 2])
    if camera.yaw_deg == 0.0:
        scale = float(camera.scale(z))
    else:
        scale = float(camera.focal_px / camera.point_depth(points["mid_hip"][j], j))
    if shadow:
        ground = camera.project(np.array([points["mid_hip"][j, 0], 0.0, z]), j)
        if camera.yaw_deg == 0.0:
            draw_shadow(img, ground, 0.45 * scale, 0.05 * scale)
        else:
            yaw = math.radians(camera.yaw_deg)
            half_width = 0.45 * abs(math.cos(yaw)) + 0.25 * abs(math.sin(yaw))
            draw_shadow(img, ground, half_width * scale, (0.05 + 0.05 * abs(math.sin(yaw))) * scale)
    if camera.yaw_deg == 0.0:
        draw_figure(img, px, scale, body.height_m, near, facing, STYLES[style])
    else:
        depth = {name: float(camera.point_depth(v[j], j)) for name, v in points.items()}
        draw_figure(img, px, scale, body.height_m, near, facing, STYLES[style], view_deg=camera.yaw_deg,
                    depth_m=depth)


def athlete_coverage(prep: Rendered, frame: int) -> np.ndarray:
    """Return the (H, W) fraction (0-1) of each pixel the athlete's figure covers in ``frame``.

    Found by drawing the figure alone on black and on white: what it covers looks the same on
    both.  Independent of colours, so it tells the figure from a background of the same hue.
    """
    w, h = prep.spec.render.size
    j = int(prep.frame_samples[frame])
    black, white = np.zeros((h, w, 3), np.uint8), np.full((h, w, 3), 255, np.uint8)
    for img in (black, white):
        _draw_person(img, prep.camera, j, prep.points_m, prep.body, prep.near_side, prep.spec.style, prep.spec.sign,
                     shadow=False)
    return 1.0 - (white.astype(np.float32) - black.astype(np.float32)).max(axis=-1) / 255.0


def _draw_instant(prep: Rendered, j: int) -> np.ndarray:
    img = prep.scene.render(prep.camera, j)
    if prep.other is not None:
        points, body, near, style, facing = prep.other
        _draw_person(img, prep.camera, j, points, body, near, style, facing)
    _draw_person(img, prep.camera, j, prep.points_m, prep.body, prep.near_side, prep.spec.style, prep.spec.sign)
    return img


def render_frame(prep: Rendered, frame: int) -> np.ndarray:
    """Render frame ``frame`` of the clip (H x W x 3 uint8 RGB); any frame, in any order."""
    r = prep.spec.render
    k = prep.samples
    if k == 1:
        img = _draw_instant(prep, frame)
    else:
        acc = np.zeros((r.size[1], r.size[0], 3), dtype=np.float32)
        for j in range(frame * k, (frame + 1) * k):
            acc += _draw_instant(prep, j)
        img = np.clip(acc / k + 0.5, 0, 255).astype(np.uint8)
    if r.defocus_px > 0:
        img = cv2.GaussianBlur(img, (0, 0), r.defocus_px)
    if r.noise_sd > 0:
        rng = np.random.default_rng([prep.spec.seed, frame])  # the same noise whatever the order
        noisy = img.astype(np.float32) + rng.normal(0.0, r.noise_sd, img.shape).astype(np.float32)
        img = np.clip(noisy + 0.5, 0, 255).astype(np.uint8)
    return img


def render_frames(prep: Rendered) -> Iterator[np.ndarray]:
    """Render every frame of the clip (H x W x 3 uint8 RGB), in order."""
    for i in range(prep.n_frames):
        yield render_frame(prep, i)
