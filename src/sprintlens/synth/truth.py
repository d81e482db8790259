"""Ground truth of a rendered clip: its JSON schema, building it, loading it, and a PoseTrack of it.

Everything here is taken from the generator's own construction (the joint angles it imposes, the
contacts it plans, the camera it projects through), never measured from the pictures and never
computed by SprintLens's analysis modules, so the truth is independent of what it checks.

Truth file format (``<clip>.truth.json``, schema ``sprintlens.synth.truth`` version 1)
-------------------------------------------------------------------------------------
Units are in the key names (``_s`` seconds, ``_m`` metres, ``_px`` pixels, ``_deg`` degrees,
``_mps`` metres per second, ``_hz`` hertz).  Pixel coordinates are continuous, x right and y
down, with pixel column ``j`` covering ``[j, j + 1)`` (MediaPipe's convention).  Angles follow
../shared/DESIGN.md section 4 in the athlete's sagittal frame (x forward, y up): sign conventions
are those of :mod:`sprintlens.analysis.angles`, whose column names they share.  They are the angles
the generator imposed; computed from the truth landmarks they come back exactly (to the
rounding of the file) for every single-limb angle, because each limb moves in a plane parallel
to the image, and to within 0.25 deg for angles that use the trunk (perspective moves the
midpoints of the near and far shoulders and hips slightly differently when the athlete is off
the camera's axis).

Top level:

``schema`` (``"sprintlens.synth.truth"``), ``schema_version`` (1)
``generator``: ``package``, ``version``
``video``: ``file``, ``sha256``, ``width_px``, ``height_px``, ``fps``, ``n_frames``, ``duration_s``
``scenario``: ``"flying"``, ``"blocks"``, ``"standing"`` or ``"crouched"``
``direction``: ``"left_to_right"`` or ``"right_to_left"``; ``direction_sign``: +1 or -1
``near_side``: the athlete's side facing the camera (``"left"`` or ``"right"``)
``athlete``: ``height_m`` and ``segments_m`` (thigh, shank, trunk, ... lengths)
``camera``: ``focal_px``, ``distance_m`` (to the running line), ``height_m``, ``horizon_px``,
    ``pans`` (true for a tracking camera), ``yaw_deg`` (0 side on; absent in older files)
``fatigue``: ``null``, or ``level`` (0 fresh - 1 full) and ``changes`` (the changes applied:
    ``contact_time_pct``, ``step_length_pct``, ``speed_pct``, ``hip_extension_deg``,
    ``trunk_lean_deg``, ``knee_drive_deg``)
``mechanics``: the technique parameters the run was made from (``speed_mps``, ``contact_s``,
    ``step_length_m``, ``trunk_lean_deg``, ``hip_extension_deg``, ``knee_drive_deg``, ...);
    for a start, those approached at top speed
``spec``: the full generator specification (reproduces the clip)
``landmark_names``: the 33 MediaPipe landmark names in index order
``frames``: per-frame arrays, all of length ``n_frames``:
    ``t_s`` (time of the frame; frame ``i`` shows the instant ``i / fps``),
    ``px_per_m`` (image scale at the running line, below the hips when the camera has a yaw),
    ``camera_x_m`` (the point of the track on the optical axis), ``camera_offset_px``
    (horizontal shift of the running line's image since the first frame; 0 for a still camera;
    a point at depth ``d`` shifts by ``camera_offset_px * camera.distance_m / d``),
    ``in_frame`` (all 33 landmarks inside the image),
    ``landmarks_px`` (``[frame][landmark] = [x, y]``; every landmark is defined in every frame,
    face landmarks of the far side included, as MediaPipe reports them),
    ``landmark_depth_m`` (``[frame][landmark]``, distance from the camera along its axis),
    ``hip_m`` (``[frame] = [x, y]``, hip midpoint along the track and above it),
    ``contact`` (``left`` / ``right``: true while that foot's toe is planted),
    ``angles`` (``name -> [value per frame]``: ``trunk_lean_deg``; per side ``thigh_*_deg``,
    ``shin_*_deg``, ``knee_flexion_*_deg``, ``ankle_*_deg``, ``upper_arm_*_deg``,
    ``elbow_flexion_*_deg``, ``hip_flexion_*_deg``, ``hip_extension_*_deg``,
    ``hip_interior_*_deg``, ``knee_height_*`` (knee above the hip, in thigh lengths); and
    ``thigh_separation_deg``)
``steps``: one record per foot contact overlapping the clip (``complete`` when touchdown and
    toe-off both fall inside it), in time order:
    ``index`` (1, 2, ...; 1 is the first step after a start, or the clip's first contact), ``side``, ``touchdown_s``,
    ``toe_off_s``, ``contact_s``, ``flight_s`` (to the next touchdown), ``step_time_s`` and
    ``step_frequency_hz`` (touchdown to the next touchdown), ``step_length_m`` (contact point
    to the previous contact point; for step 1 after a start, from the front block),
    ``contact_point_m`` (x along the track of the planted toe tip, the foot index landmark),
    ``contact_point_px`` (its image position at the frame nearest the touchdown),
    ``speed_mps`` (hip speed over the step), ``touchdown_distance_m`` (contact point ahead of
    the hip midpoint at touchdown), ``trunk_lean_touchdown_deg``, ``thigh_separation_touchdown_deg``,
    ``hip_extension_toe_off_deg`` (the stance leg), ``knee_drive_deg`` and ``knee_drive_s``
    (peak thigh angle of the other, swinging leg between this touchdown and the next)
``events``: start events in seconds (empty for a flying sprint): ``set_position_s`` (the
    set position is held from here), ``first_movement_s``, ``hands_off_s`` (block start),
    ``rear_block_exit_s``, ``front_block_exit_s``, ``block_time_s`` (first movement to front
    exit); the feet leave the track at the "block" exits of a standing or crouched start too

Landmarks the figure has: all 33.  Its hand points (``*_index``, ``*_pinky``, ``*_thumb``) are
knuckles of a loose running fist; ``*_heel`` and ``*_foot_index`` are the back of the heel and
the toe tip on the sole of the shoe.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sprintlens.core.errors import TrackFormatError
from sprintlens.core.landmarks import NAMES
from sprintlens.core.track import PoseTrack
from sprintlens.core.version import __version__
from sprintlens.synth.scenarios import FlyingSpec
from sprintlens.synth.skeleton import SIDES, Pose

if TYPE_CHECKING:
    from sprintlens.synth.clip import Rendered

__all__ = ["SCHEMA", "SCHEMA_VERSION", "build_truth", "dumps_truth", "load_truth", "truth_angles", "truth_track"]

SCHEMA = "sprintlens.synth.truth"
SCHEMA_VERSION = 1

#: Sampling step of the model when per-step extremes are found (s).
_FINE_S = 0.0005


def truth_angles(pose: Pose) -> dict[str, np.ndarray]:
    """Compute the DESIGN section 4 angles of a pose, from the joint angles the generator imposed.

    Returns
    -------
    dict of str to ndarray (T,)
        Named like :mod:`sprintlens.analysis.angles` columns; degrees, ``knee_height_*`` in thigh lengths.
    """
    out: dict[str, np.ndarray] = {"trunk_lean_deg": pose.trunk_deg}
    per_side = {
        "thigh": pose.thigh_deg,
        "shin": pose.knee_deg - pose.thigh_deg,
        "knee_flexion": pose.knee_deg,
        "ankle": pose.ankle_deg,
        "upper_arm": pose.upper_arm_deg,
        "elbow_flexion": pose.elbow_deg,
    }
    for name, values in per_side.items():
        for i, side in enumerate(SIDES):
            out[f"{name}_{side}_deg"] = values[:, i]
    for i, side in enumerate(SIDES):
        flexion = pose.thigh_deg[:, i] + pose.trunk_deg
        out[f"hip_flexion_{side}_deg"] = flexion
        out[f"hip_extension_{side}_deg"] = -flexion
        out[f"hip_interior_{side}_deg"] = 180.0 - flexion
        out[f"knee_height_{side}"] = -np.cos(np.radians(pose.thigh_deg[:, i]))
    out["thigh_separation_deg"] = np.abs(pose.thigh_deg[:, 0] - pose.thigh_deg[:, 1])
    return out


def _r(x: Any, digits: int) -> Any:
    """Round floats (and arrays of them) for the file; None for non-finite values."""
    if isinstance(x, np.ndarray):
        return [_r(v, digits) for v in x.tolist()] if x.ndim else _r(float(x), digits)
    if isinstance(x, (list, tuple)):
        return [_r(v, digits) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    x = float(x)
    return round(x, digits) if math.isfinite(x) else None


def _steps(prep: Rendered) -> list[dict[str, Any]]:
    run, motion, camera = prep.run, prep.run.motion, prep.camera
    contacts = motion.contacts
    fps = prep.spec.render.fps
    frame_t = prep.times_s[prep.frame_samples]
    out: list[dict[str, Any]] = []
    steps = [i for i, c in enumerate(contacts) if c.kind == "step"]
    in_clip = [i for i in steps if contacts[i].toe_off_s >= run.start_s and contacts[i].touchdown_s <= run.end_s]
    first_step = steps[0] if run.events else in_clip[0]  # step 1: after the start, or the clip's first
    for i in in_clip:
        c = contacts[i]
        nxt = contacts[i + 1] if i + 1 < len(contacts) else None
        prev = contacts[i - 1]
        td, to = c.touchdown_s, c.toe_off_s
        fine = np.arange(td, nxt.touchdown_s if nxt is not None else to, _FINE_S)
        pose = motion.pose(fine)
        other = 1 - c.side
        k = int(np.argmax(pose.thigh_deg[:, other]))
        at_td = motion.pose(np.array([td]))
        at_to = motion.pose(np.array([to]))
        hip_td = float(at_td.hip_m[0, 0])
        frame = int(np.clip(np.argmin(np.abs(frame_t - td)), 0, prep.n_frames - 1))
        z = prep.points_m[f"{SIDES[c.side]}_foot_index"][0, 2]
        contact_px = camera.project(np.array([c.toe_m[0], c.toe_m[1], z]), prep.frame_samples[frame])
        record = {
            "index": i - first_step + 1,
            "side": SIDES[c.side],
            "complete": bool(td >= run.start_s and to <= run.end_s),
            "touchdown_s": td,
            "toe_off_s": to,
            "contact_s": to - td,
            "flight_s": (nxt.touchdown_s - to) if nxt is not None else None,
            "step_time_s": (nxt.touchdown_s - td) if nxt is not None else None,
            "step_frequency_hz": (1.0 / (nxt.touchdown_s - td)) if nxt is not None else None,
            "step_length_m": c.toe_m[0] - prev.toe_m[0],
            "contact_point_m": c.toe_m[0],
            "contact_point_px": contact_px,
            "touchdown_frame": td * fps,
            "speed_mps": ((float(motion.hip(np.array([nxt.touchdown_s]))[0, 0]) - hip_td) / (nxt.touchdown_s - td))
            if nxt is not None else None,
            "touchdown_distance_m": c.toe_m[0] - hip_td,
            "trunk_lean_touchdown_deg": float(at_td.trunk_deg[0]),
            "thigh_separation_touchdown_deg": float(abs(at_td.thigh_deg[0, 0] - at_td.thigh_deg[0, 1])),
            "hip_extension_toe_off_deg": float(-(at_to.thigh_deg[0, c.side] + at_to.trunk_deg[0])),
            "knee_drive_deg": float(pose.thigh_deg[k, other]),
            "knee_drive_s": float(fine[k]),
        }
        out.append({key: _r(v, 6) if not isinstance(v, (str, bool)) else v for key, v in record.items()})
    return out


def build_truth(prep: Rendered, video_name: str = "", video_sha256: str = "") -> dict[str, Any]:
    """Build the truth record of a prepared clip (see the module docstring for its schema).

    Parameters
    ----------
    prep : Rendered
        The clip, prepared by :func:`~sprintlens.synth.clip.prepare`.
    video_name : str
        File name of the rendered video, recorded as ``video.file``.
    video_sha256 : str
        SHA-256 of the rendered video (hex), recorded as ``video.sha256``; empty when unknown.

    Returns
    -------
    dict
        The JSON-compatible truth: video, scenario, athlete, camera, fatigue and mechanics, the
        spec, per-frame landmarks (px), depths (m), contacts and angles, the steps and the start
        events (times in s).
    """
    spec, camera, run = prep.spec, prep.camera, prep.run
    j = prep.frame_samples
    w, h = spec.render.size
    pose = run.motion.pose(prep.times_s[j])
    xyz = np.stack([prep.points_m[name][j] for name in NAMES], axis=1)  # (T, 33, 3)
    px = camera.project(xyz, j[:, None])
    depth = camera.point_depth(xyz, j[:, None])
    in_frame = np.all((px[..., 0] >= 0) & (px[..., 0] < w) & (px[..., 1] >= 0) & (px[..., 1] < h), axis=1)
    t = prep.times_s[j]
    contact = {side: np.zeros(t.shape, dtype=bool) for side in SIDES}
    for c in run.motion.contacts:
        contact[SIDES[c.side]] |= (t >= c.touchdown_s) & (t <= c.toe_off_s)
    scenario = spec.fatigued_scenario()
    mechanics = scenario.mechanics if isinstance(scenario, FlyingSpec) else scenario.top
    events = dict(run.events)
    if events:
        events["block_time_s"] = events["front_block_exit_s"] - events["first_movement_s"]
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "generator": {"package": "sprintlens", "version": __version__},
        "video": {"file": video_name, "sha256": video_sha256, "width_px": w, "height_px": h,
                  "fps": spec.render.fps, "n_frames": prep.n_frames,
                  "duration_s": _r(prep.n_frames / spec.render.fps, 9)},
        "scenario": run.scenario,
        "direction": spec.direction,
        "direction_sign": spec.sign,
        "near_side": prep.near_side,
        "athlete": {"height_m": prep.body.height_m,
                    "segments_m": {k: _r(v, 6) for k, v in asdict(prep.body).items() if k != "height_m"}},
        "camera": {"focal_px": _r(camera.focal_px, 6), "distance_m": camera.distance_m, "height_m": camera.height_m,
                   "horizon_px": _r(camera.horizon_px, 6), "pans": bool(spec.camera.pan),
                   "yaw_deg": camera.yaw_deg},
        "fatigue": None if spec.fatigue is None else {"level": spec.fatigue_level,
                                                      "changes": _r_dict(spec.fatigue.at(spec.fatigue_level))},
        "mechanics": _r_dict(asdict(mechanics)),
        "spec": spec.as_record(),
        "landmark_names": list(NAMES),
        "frames": {
            "t_s": _r(t, 9),
            "px_per_m": _r(_px_per_m(camera, pose.hip_m[:, 0], j), 6),
            "camera_x_m": _r(camera.x_m[j], 6),
            "camera_offset_px": _r(camera.offset_px()[j], 3),
            "in_frame": [bool(v) for v in in_frame],
            "landmarks_px": _r(px, 3),
            "landmark_depth_m": _r(depth, 5),
            "hip_m": _r(pose.hip_m, 6),
            "contact": {side: [bool(v) for v in contact[side]] for side in SIDES},
            "angles": {name: _r(values, 4) for name, values in truth_angles(pose).items()},
        },
        "steps": _steps(prep),
        "events": _r_dict(events),
    }


def _px_per_m(camera: Any, hip_x_m: np.ndarray, samples: np.ndarray) -> np.ndarray:
    """Return the image scale (px/m) at the running line below the hips at each frame (constant side on)."""
    if camera.yaw_deg == 0.0:
        return np.full(hip_x_m.shape, camera.px_per_m)
    line = np.stack([hip_x_m, np.zeros_like(hip_x_m), np.zeros_like(hip_x_m)], axis=-1)
    return camera.focal_px / camera.point_depth(line, samples)


def _r_dict(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (_r(v, 6) if isinstance(v, (int, float, np.floating)) and not isinstance(v, bool) else v)
            for k, v in d.items()}


def _flat(x: Any) -> bool:
    return not isinstance(x, (list, dict)) or (isinstance(x, list) and all(not isinstance(v, (list, dict)) for v in x))


def _dumps(x: Any, indent: int) -> str:
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(x, dict):
        if all(_flat(v) and not isinstance(v, list) for v in x.values()) or not x:
            return json.dumps(x, separators=(", ", ": "), allow_nan=False)
        items = [f"{inner}{json.dumps(k)}: {_dumps(v, indent + 2)}" for k, v in x.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(x, list):
        if all(_flat(v) for v in x):
            return json.dumps(x, separators=(",", ":"), allow_nan=False)
        return "[\n" + ",\n".join(inner + _dumps(v, indent + 2) for v in x) + "\n" + pad + "]"
    return json.dumps(x, allow_nan=False)


def dumps_truth(truth: dict[str, Any]) -> str:
    """Format the truth as JSON text: readable structure, one line per frame or step."""
    return _dumps(truth, 0) + "\n"


def load_truth(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a truth file and check its schema and shapes.

    Raises
    ------
    TrackFormatError
        If the file is not a SprintLens truth file of a version this code reads, or damaged.
    """
    path = Path(path)
    try:
        truth = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TrackFormatError(f"{path}: not a readable truth file ({exc.__class__.__name__})") from None
    if not isinstance(truth, dict) or truth.get("schema") != SCHEMA:
        raise TrackFormatError(f"{path}: not a SprintLens synthetic-clip truth file")
    if truth.get("schema_version") != SCHEMA_VERSION:
        raise TrackFormatError(f"{path}: truth schema version {truth.get('schema_version')}; "
                               f"this SprintLens reads {SCHEMA_VERSION}")
    try:
        n = int(truth["video"]["n_frames"])
        frames = truth["frames"]
        if list(truth["landmark_names"]) != list(NAMES):
            raise ValueError("landmark order differs from MediaPipe's")
        if np.asarray(frames["landmarks_px"], dtype=np.float64).shape != (n, len(NAMES), 2):
            raise ValueError("landmarks_px has the wrong shape")
        for key in ("t_s", "px_per_m", "camera_x_m", "camera_offset_px", "in_frame"):
            if len(frames[key]) != n:
                raise ValueError(f"frames.{key} has {len(frames[key])} values for {n} frames")
        for name, values in frames["angles"].items():
            if len(values) != n:
                raise ValueError(f"angle {name} has {len(values)} values for {n} frames")
    except (KeyError, TypeError, ValueError) as exc:
        raise TrackFormatError(f"{path}: damaged truth file ({exc})") from None
    return truth


def truth_track(truth: dict[str, Any]) -> PoseTrack:
    """Make a :class:`~sprintlens.core.track.PoseTrack` of the truth landmarks (a perfect pose model).

    Depth is MediaPipe-like: pixels (at the running line's scale) relative to the hip midpoint,
    negative nearer the camera; visibility and presence are 1.
    """
    frames = truth["frames"]
    positions = np.asarray(frames["landmarks_px"], dtype=np.float64)
    depth_m = np.asarray(frames["landmark_depth_m"], dtype=np.float64)
    hips = depth_m[:, [NAMES.index("left_hip"), NAMES.index("right_hip")]].mean(axis=1, keepdims=True)
    depth_px = (depth_m - hips) * np.asarray(frames["px_per_m"], dtype=np.float64)[:, None]
    n = positions.shape[0]
    ones = np.ones((n, len(NAMES)))
    return PoseTrack(
        positions_px=positions, depth_px=depth_px, visibility=ones, presence=ones,
        t_s=np.asarray(frames["t_s"], dtype=np.float64), frame_index=np.arange(n, dtype=np.int64),
        fps=float(truth["video"]["fps"]),
        frame_size=(int(truth["video"]["width_px"]), int(truth["video"]["height_px"])),
        video_sha256=truth["video"].get("sha256", ""),
        model_id="sprintlens.synth ground truth",
        model_version=f"truth schema {truth['schema_version']}",
        provenance={"truth": {"video": truth["video"]["file"], "scenario": truth["scenario"],
                              "direction": truth["direction"]}},
    )
