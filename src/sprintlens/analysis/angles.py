"""Sprint angles per frame, defined as data (../shared/DESIGN.md section 4).

Coordinates: the sagittal frame is right-handed with y up and the athlete running towards +x:
image y is flipped, and image x is mirrored when the athlete runs right to left (``direction``
-1).  Angles are computed on pixel coordinates (never on 0-1 normalised ones, which distort
angles when width != height).

==================  ===========================================================  ======================
angle               definition                                                   sign
==================  ===========================================================  ======================
trunk_lean          hip midpoint -> shoulder midpoint vs vertical                + leaning forward
thigh               hip -> knee vs downward vertical                             + knee ahead of hip
shin                ankle -> knee vs upward vertical                             + knee ahead of ankle
knee_flexion        180 - interior angle hip-knee-ankle                          0 straight, + flexed
ankle               foot (heel -> foot index) vs perpendicular to the shank      + dorsiflexion
upper_arm           shoulder -> elbow vs downward vertical                       + elbow ahead of shoulder
elbow_flexion       180 - interior angle shoulder-elbow-wrist                    0 straight, + flexed
hip_flexion         thigh + trunk_lean (thigh relative to trunk)                 + flexion
hip_extension       -hip_flexion                                                 + extension
hip_interior        180 - hip_flexion (trunk and thigh in line = 180)            coaches' hip angle
thigh_separation    |thigh_left - thigh_right| (front thigh - rear thigh)        >= 0
knee_height         (knee y - hip y) / thigh length, y up                        + knee above hip
==================  ===========================================================  ======================

Per-leg angles are given for each side (``thigh_left_deg``, ``thigh_right_deg``); which leg is
front/rear or near/far at a moment is an event-level question (:mod:`sprintlens.analysis.travel`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.track import PoseTrack

SIDES = ("left", "right")


@dataclass(frozen=True)
class AngleDef:
    """One measured angle: how to compute it and what it means.

    ``points`` name landmarks (``"{side}_knee"`` for per-side angles) or midpoints
    (``"mid_hip"``, ``"mid_shoulder"``); ``kind`` selects the geometry:

    - ``"segment_down"`` / ``"segment_up"``: angle of the segment ``points[0] -> points[1]``
      from the downward / upward vertical, positive towards +x (forward);
    - ``"flexion"``: 180 minus the interior angle at ``points[1]``;
    - ``"foot"``: foot ``points[2] -> points[3]`` against the forward perpendicular of the shank
      ``points[1] -> points[0]`` (ankle to knee), positive when the toes are pulled up.
    """

    name: str
    kind: str
    points: tuple[str, ...]
    per_side: bool
    description: str


ANGLES: tuple[AngleDef, ...] = (
    AngleDef("trunk_lean", "segment_up", ("mid_hip", "mid_shoulder"), False,
             "trunk (hip midpoint to shoulder midpoint) against vertical; + leaning forward"),
    AngleDef("thigh", "segment_down", ("{side}_hip", "{side}_knee"), True,
             "thigh (hip to knee) against downward vertical; + knee ahead of hip"),
    AngleDef("shin", "segment_up", ("{side}_ankle", "{side}_knee"), True,
             "shin (ankle to knee) against vertical; + knee ahead of ankle"),
    AngleDef("knee_flexion", "flexion", ("{side}_hip", "{side}_knee", "{side}_ankle"), True,
             "180 - interior knee angle; 0 straight, + flexed"),
    AngleDef("ankle", "foot", ("{side}_knee", "{side}_ankle", "{side}_heel", "{side}_foot_index"), True,
             "foot (heel to toe) against the perpendicular to the shank; + dorsiflexion"),
    AngleDef("upper_arm", "segment_down", ("{side}_shoulder", "{side}_elbow"), True,
             "upper arm (shoulder to elbow) against downward vertical; + elbow ahead of shoulder"),
    AngleDef("elbow_flexion", "flexion", ("{side}_shoulder", "{side}_elbow", "{side}_wrist"), True,
             "180 - interior elbow angle; 0 straight, + flexed"),
)

#: Descriptions of the angles derived from the measured ones.
DERIVED: dict[str, str] = {
    "hip_flexion": "thigh relative to trunk (thigh + trunk lean); + flexion",
    "hip_extension": "- hip flexion; + extension (thigh behind the trunk line)",
    "hip_interior": "interior hip angle, 180 - hip flexion; 180 = trunk and thigh in line",
    "thigh_separation": "angle between the thighs, front thigh - rear thigh",
    "knee_height": "knee height above the hip in thigh lengths; + above",
}

_MIDPOINTS = {
    "mid_hip": (L.LEFT_HIP, L.RIGHT_HIP),
    "mid_shoulder": (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
}


def sagittal(positions_px: np.ndarray, direction: int) -> np.ndarray:
    """Turn image pixels (x right, y down) into the sagittal frame (x forward, y up), still in pixels.

    Parameters
    ----------
    positions_px : ndarray (..., 2)
        Image coordinates.
    direction : {+1, -1}
        +1 when the athlete runs left to right in the image, -1 right to left.
    """
    if direction not in (1, -1):
        raise ValueError(f"direction must be +1 or -1, got {direction}")
    out = np.array(positions_px, dtype=np.float64, copy=True)
    out[..., 0] *= direction
    out[..., 1] *= -1.0
    return out


def _point(xy: np.ndarray, name: str) -> np.ndarray:
    if name in _MIDPOINTS:
        a, b = _MIDPOINTS[name]
        return (xy[:, a] + xy[:, b]) / 2.0
    return xy[:, L[name.upper()]]


def _segment(reference_y: float) -> Callable[..., np.ndarray]:
    def angle(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        v = b - a
        # angle from the (0, reference_y) vertical towards +x
        return np.degrees(np.arctan2(v[:, 0], reference_y * v[:, 1]))
    return angle


def _flexion(a: np.ndarray, joint: np.ndarray, c: np.ndarray) -> np.ndarray:
    u, w = a - joint, c - joint
    cos = np.sum(u * w, axis=1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(w, axis=1))
    return 180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _foot(knee: np.ndarray, ankle: np.ndarray, heel: np.ndarray, toe: np.ndarray) -> np.ndarray:
    shank_up = knee - ankle
    forward = np.stack([shank_up[:, 1], -shank_up[:, 0]], axis=1)  # shank rotated 90 deg clockwise
    foot = toe - heel
    diff = np.arctan2(foot[:, 1], foot[:, 0]) - np.arctan2(forward[:, 1], forward[:, 0])
    return np.degrees((diff + np.pi) % (2 * np.pi) - np.pi)


_KINDS: dict[str, Callable[..., np.ndarray]] = {
    "segment_down": _segment(-1.0),
    "segment_up": _segment(1.0),
    "flexion": _flexion,
    "foot": _foot,
}


def sprint_angles(positions_px: np.ndarray, direction: int) -> dict[str, np.ndarray]:
    """Compute all angles of the table above for every frame.

    Parameters
    ----------
    positions_px : ndarray (T, 33, 2)
        Landmarks in image pixels (NaN where missing).
    direction : {+1, -1}
        Running direction in the image (+1 left to right).

    Returns
    -------
    dict of str to ndarray (T,)
        Column name (``trunk_lean_deg``, ``thigh_left_deg``, ..., ``knee_height_left``) to values;
        NaN where a landmark is missing.  Angles in degrees; ``knee_height_*`` in thigh lengths.
    """
    xy = sagittal(np.asarray(positions_px, dtype=np.float64), direction)
    out: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for spec in ANGLES:
            for side in SIDES if spec.per_side else (None,):
                points = [_point(xy, p.format(side=side)) for p in spec.points]
                name = f"{spec.name}_{side}_deg" if side else f"{spec.name}_deg"
                out[name] = _KINDS[spec.kind](*points)
        for side in SIDES:
            flexion = out[f"thigh_{side}_deg"] + out["trunk_lean_deg"]
            out[f"hip_flexion_{side}_deg"] = flexion
            out[f"hip_extension_{side}_deg"] = -flexion
            out[f"hip_interior_{side}_deg"] = 180.0 - flexion
            hip, knee = _point(xy, f"{side}_hip"), _point(xy, f"{side}_knee")
            out[f"knee_height_{side}"] = (knee[:, 1] - hip[:, 1]) / np.linalg.norm(knee - hip, axis=1)
        out["thigh_separation_deg"] = np.abs(out["thigh_left_deg"] - out["thigh_right_deg"])
    return out


def track_angles(track: PoseTrack, direction: int) -> dict[str, np.ndarray]:
    """Compute :func:`sprint_angles` of a pose track."""
    return sprint_angles(track.positions_px, direction)


ANGLE_COLUMNS: tuple[str, ...] = tuple(sprint_angles(np.zeros((1, 33, 2)), 1).keys())
"""Every column :func:`sprint_angles` returns, in order."""
