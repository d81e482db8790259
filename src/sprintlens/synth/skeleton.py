"""The athlete's joint angles, forward kinematics to landmarks, and leg/arm inverse kinematics.

World frame (metres): ``x`` forward along the run, ``y`` up from the ground, ``z`` to the
athlete's left.  Every limb moves in its own sagittal plane (constant ``z``), so any camera
looking along ``z`` sees each limb's angles undistorted.

Angle conventions follow ../shared/DESIGN.md section 4 and :mod:`sprintlens.analysis.angles`:

- ``trunk``: hip midpoint -> shoulder midpoint against the upward vertical, + leaning forward;
- ``thigh``: hip -> knee against the downward vertical, + knee ahead of the hip;
- ``knee``: flexion, 180 deg minus the interior hip-knee-ankle angle (0 straight);
- ``ankle``: foot (heel -> toe tip) against the forward perpendicular of the shank, + dorsiflexion;
- ``upper_arm``: shoulder -> elbow against the downward vertical, + elbow ahead of the shoulder;
- ``elbow``: flexion, 180 deg minus the interior shoulder-elbow-wrist angle; the forearm turns
  forward of the upper-arm line;
- ``head``: the head's long axis against the upward vertical, + tilted forward (chin down).

The shank points from the knee at ``thigh - knee`` from the downward vertical (so the shin angle
of DESIGN section 4 is ``knee - thigh``), and the foot's pitch to the ground (heel up
positive) is ``-(ankle + thigh - knee)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sprintlens.core.landmarks import NAMES
from sprintlens.synth.body import Body

__all__ = [
    "SIDES",
    "EXTRA_POINTS",
    "Pose",
    "ankle_from_toe",
    "arm_ik",
    "down",
    "forward_kinematics",
    "leg_ik",
    "leg_reach",
    "up",
]

#: Side order of every per-side array: index 0 is the left side, 1 the right.
SIDES: tuple[str, str] = ("left", "right")

#: Points besides the 33 landmarks that the figure is drawn from.
EXTRA_POINTS: tuple[str, ...] = (
    "mid_hip", "mid_shoulder", "neck", "head_centre", "crown", "chin", "left_fist", "right_fist",
)

# Face and hand landmarks in the head / hand frame, in units of body height:
# (forward, up, left).  The head frame is centred on the skull's centre.
_FACE: dict[str, tuple[float, float, float]] = {
    "nose": (0.061, -0.010, 0.0),
    "left_eye_inner": (0.050, 0.012, 0.009),
    "left_eye": (0.046, 0.012, 0.018),
    "left_eye_outer": (0.040, 0.012, 0.027),
    "left_ear": (-0.004, 0.002, 0.040),
    "mouth_left": (0.047, -0.032, 0.013),
}
#: Head centre above the top of the neck, and the crown and chin from the head centre (units of H).
_HEAD_ABOVE_NECK = 0.052
_CROWN = 0.065
_CHIN = (0.040, -0.058)


def down(angle_deg: np.ndarray | float) -> np.ndarray:
    """Return the unit vector(s) at ``angle_deg`` from the downward vertical towards +x; shape (..., 2)."""
    a = np.radians(np.asarray(angle_deg, dtype=np.float64))
    return np.stack([np.sin(a), -np.cos(a)], axis=-1)


def up(angle_deg: np.ndarray | float) -> np.ndarray:
    """Return the unit vector(s) at ``angle_deg`` from the upward vertical towards +x; shape (..., 2)."""
    a = np.radians(np.asarray(angle_deg, dtype=np.float64))
    return np.stack([np.sin(a), np.cos(a)], axis=-1)


def _angle_from_down(v: np.ndarray) -> np.ndarray:
    """Return the angle (deg) of vectors (..., 2) from the downward vertical, + towards +x."""
    return np.degrees(np.arctan2(v[..., 0], -v[..., 1]))


@dataclass(frozen=True)
class Pose:
    """Root position and joint angles of the athlete at T instants (see the module docstring).

    Attributes
    ----------
    t_s : ndarray (T,)
        Time of each instant (s).
    hip_m : ndarray (T, 2)
        Hip-joint midpoint: x forward, y up (m).
    trunk_deg, head_deg : ndarray (T,)
        Trunk lean and head tilt (deg).
    thigh_deg, knee_deg, ankle_deg, upper_arm_deg, elbow_deg : ndarray (T, 2)
        Per-side angles (deg); column 0 is the left side, 1 the right (:data:`SIDES`).
    """

    t_s: np.ndarray
    hip_m: np.ndarray
    trunk_deg: np.ndarray
    head_deg: np.ndarray
    thigh_deg: np.ndarray
    knee_deg: np.ndarray
    ankle_deg: np.ndarray
    upper_arm_deg: np.ndarray
    elbow_deg: np.ndarray

    @property
    def n(self) -> int:
        """Number of instants (T)."""
        return int(self.t_s.shape[0])

    @property
    def shank_deg(self) -> np.ndarray:
        """(T, 2) knee -> ankle against the downward vertical, + ankle ahead of the knee (deg)."""
        return self.thigh_deg - self.knee_deg

    @property
    def foot_pitch_deg(self) -> np.ndarray:
        """(T, 2) foot (heel -> toe) below the horizontal, + heel up (deg)."""
        return -(self.ankle_deg + self.shank_deg)

    @property
    def forearm_deg(self) -> np.ndarray:
        """(T, 2) elbow -> wrist against the downward vertical, + forward (deg)."""
        return self.upper_arm_deg + self.elbow_deg


def leg_reach(body: Body, knee_deg: np.ndarray | float) -> np.ndarray:
    """Return the hip-to-ankle distance (m) at a knee flexion (deg)."""
    k = np.radians(np.asarray(knee_deg, dtype=np.float64))
    a, b = body.thigh_m, body.shank_m
    return np.sqrt(a * a + b * b + 2 * a * b * np.cos(k))


def ankle_from_toe(body: Body, toe_m: np.ndarray, pitch_deg: np.ndarray | float) -> np.ndarray:
    """Place the ankle joint (..., 2) of a foot whose toe tip is at ``toe_m`` and whose pitch is given.

    Parameters
    ----------
    body : Body
        The athlete's segment lengths (toe length and ankle height, m).
    toe_m : ndarray (..., 2)
        Toe tip (the foot index landmark) x, y (m).
    pitch_deg : float or ndarray (...)
        Foot (heel -> toe) below the horizontal, + heel up (deg).

    Returns
    -------
    ndarray (..., 2)
        Ankle joint centre x, y (m).
    """
    p = np.radians(np.asarray(pitch_deg, dtype=np.float64))
    along = np.stack([np.cos(p), -np.sin(p)], axis=-1)  # heel -> toe
    normal = np.stack([np.sin(p), np.cos(p)], axis=-1)  # sole -> ankle
    return np.asarray(toe_m) - body.toe_m * along + body.ankle_height_m * normal


def _two_link(root: np.ndarray, end: np.ndarray, a: float, b: float,
              what: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Solve a two-link chain from ``root`` to ``end`` (..., 2) with link lengths ``a``, ``b`` (m).

    Returns the root->end direction from the downward vertical, the angle between that line
    and the first link, and the flexion at the middle joint (180 - interior angle), in degrees.
    """
    v = np.asarray(end) - np.asarray(root)
    r = np.hypot(v[..., 0], v[..., 1])
    if np.any(r > a + b + 1e-9) or np.any(r < abs(a - b)):
        raise ValueError(f"{what} out of reach: {np.max(r):.3f} m away, links {a + b:.3f} m long")
    cos_root = np.clip((a * a + r * r - b * b) / (2 * a * r), -1.0, 1.0)
    cos_mid = np.clip((a * a + b * b - r * r) / (2 * a * b), -1.0, 1.0)
    return _angle_from_down(v), np.degrees(np.arccos(cos_root)), 180.0 - np.degrees(np.arccos(cos_mid))


def leg_ik(body: Body, hip_m: np.ndarray, ankle_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Find the thigh angle and knee flexion (deg) that put the ankle at ``ankle_m`` (knee in front).

    Parameters
    ----------
    body : Body
        The athlete's segment lengths (thigh and shank, m).
    hip_m, ankle_m : ndarray (..., 2)
        Hip and ankle joint centres (m).

    Returns
    -------
    thigh_deg, knee_deg : ndarray (...)
        Thigh against the downward vertical, + knee ahead of the hip, and knee flexion (deg).

    Raises
    ------
    ValueError
        If the ankle is out of the leg's reach.
    """
    line, offset, knee = _two_link(hip_m, ankle_m, body.thigh_m, body.shank_m, "ankle")
    return line + offset, knee


def arm_ik(body: Body, shoulder_m: np.ndarray, wrist_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Find the upper-arm angle and elbow flexion (deg) that put the wrist at ``wrist_m``.

    The forearm turns forward of the upper arm (elbow flexion >= 0), so the elbow lies behind
    the shoulder-wrist line.

    Parameters
    ----------
    body : Body
        The athlete's segment lengths (upper arm and forearm, m).
    shoulder_m, wrist_m : ndarray (..., 2)
        Shoulder and wrist joint centres (m).

    Returns
    -------
    upper_arm_deg, elbow_deg : ndarray (...)
        Upper arm against the downward vertical, + elbow ahead of the shoulder, and elbow
        flexion (deg).

    Raises
    ------
    ValueError
        If the wrist is out of the arm's reach.
    """
    line, offset, elbow = _two_link(shoulder_m, wrist_m, body.upper_arm_m, body.forearm_m, "wrist")
    return line - offset, elbow


def _with_z(xy: np.ndarray, z: float) -> np.ndarray:
    return np.concatenate([xy, np.full(xy.shape[:-1] + (1,), z)], axis=-1)


def forward_kinematics(pose: Pose, body: Body) -> dict[str, np.ndarray]:
    """Compute the world positions (m) of the 33 landmarks and the :data:`EXTRA_POINTS` of every instant.

    Returns
    -------
    dict of str to ndarray (T, 3)
        ``x`` forward, ``y`` up, ``z`` to the athlete's left, keyed by landmark name
        (:data:`sprintlens.core.landmarks.NAMES`) and extra point name.
    """
    h = body.height_m
    hip = np.asarray(pose.hip_m, dtype=np.float64)
    trunk_up = up(pose.trunk_deg)
    shoulder = hip + body.trunk_m * trunk_up
    head_up = up(pose.head_deg)
    head_fwd = np.stack([head_up[:, 1], -head_up[:, 0]], axis=-1)
    neck_dir = up((pose.trunk_deg + pose.head_deg) / 2)
    neck = shoulder + body.neck_m * neck_dir
    centre = neck + _HEAD_ABOVE_NECK * h * head_up

    out: dict[str, np.ndarray] = {
        "mid_hip": _with_z(hip, 0.0),
        "mid_shoulder": _with_z(shoulder, 0.0),
        "neck": _with_z(neck, 0.0),
        "head_centre": _with_z(centre, 0.0),
        "crown": _with_z(centre + _CROWN * h * head_up, 0.0),
        "chin": _with_z(centre + h * (_CHIN[0] * head_fwd + _CHIN[1] * head_up), 0.0),
    }
    for name, (f, u, left) in _FACE.items():
        for side_name, sign in (("left", 1.0), ("right", -1.0)):
            key = name if name == "nose" else name.replace("left", side_name)
            if name == "nose" and side_name == "right":
                continue
            xy = centre + h * (f * head_fwd + u * head_up)
            out[key] = _with_z(xy, sign * left * h)

    for i, side in enumerate(SIDES):
        sign = 1.0 if side == "left" else -1.0
        z_hip, z_sh = sign * body.half_hip_m, sign * body.half_shoulder_m
        knee = hip + body.thigh_m * down(pose.thigh_deg[:, i])
        shank = pose.thigh_deg[:, i] - pose.knee_deg[:, i]
        ankle = knee + body.shank_m * down(shank)
        foot_angle = np.radians(shank + pose.ankle_deg[:, i])  # of heel -> toe, from +x, + up
        along = np.stack([np.cos(foot_angle), np.sin(foot_angle)], axis=-1)
        normal = np.stack([-along[:, 1], along[:, 0]], axis=-1)
        sole = ankle - body.ankle_height_m * normal
        elbow = shoulder + body.upper_arm_m * down(pose.upper_arm_deg[:, i])
        forearm = pose.upper_arm_deg[:, i] + pose.elbow_deg[:, i]
        fore_dir = down(forearm)
        wrist = elbow + body.forearm_m * fore_dir
        thumb_side = np.stack([-fore_dir[:, 1], fore_dir[:, 0]], axis=-1)  # forearm turned +90 deg
        points = {
            f"{side}_hip": (hip, z_hip),
            f"{side}_knee": (knee, z_hip),
            f"{side}_ankle": (ankle, z_hip),
            f"{side}_heel": (sole - body.heel_m * along, z_hip),
            f"{side}_foot_index": (sole + body.toe_m * along, z_hip),
            f"{side}_shoulder": (shoulder, z_sh),
            f"{side}_elbow": (elbow, z_sh),
            f"{side}_wrist": (wrist, z_sh),
            # a loose running fist: knuckles ~42 % of the hand length beyond the wrist
            f"{side}_index": (wrist + h * (0.045 * fore_dir + 0.012 * thumb_side), z_sh),
            f"{side}_pinky": (wrist + h * (0.040 * fore_dir - 0.014 * thumb_side), z_sh),
            f"{side}_thumb": (wrist + h * (0.030 * fore_dir + 0.022 * thumb_side), z_sh),
            f"{side}_fist": (wrist + h * 0.034 * fore_dir, z_sh),
        }
        for key, (xy, z) in points.items():
            out[key] = _with_z(xy, z)
    missing = set(NAMES) - set(out)
    assert not missing, missing  # every landmark is defined
    return out
