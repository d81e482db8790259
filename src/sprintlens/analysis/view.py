"""Which way the camera looks at the athlete: side on, oblique, or from the front or behind.

Sagittal angles and step lengths are only what they claim on a side-on clip; from 30 deg off the
side a knee angle reads several degrees wrong, and from the front or behind the image holds no
sagittal angle at all.  Two cues in the pose track, both pure geometry:

- **Shoulder breadth.**  Seen from the side the shoulders overlap; turned by a yaw ``a`` away
  from side on, they lie ``B sin(a)`` apart in the image, where ``B`` is the shoulder breadth,
  :data:`SHOULDER_BREADTH_TORSO` torso lengths (shoulder to hip centre).  MediaPipe separates
  them by about :data:`SIDE_ON_SHOULDER_TORSO` torso lengths even side on (measured on rendered
  side-on clips and real side-on footage), so the yaw is read from
  ``sqrt(s^2 - s0^2) = B sin(a)`` with ``s`` the median image separation over the clip.
- **Running along the camera's axis.**  An athlete who runs towards the camera grows in the
  image, one who runs away shrinks, while one running across keeps their size and crosses the
  frame.  Over the clip, the log of the torso length's change against the hips' horizontal
  travel (torso lengths) tells them apart: moving end on, an athlete changes size by
  :data:`END_ON_MIN_SIZE_CHANGE` or more while travelling less than
  :data:`END_ON_TRAVEL_PER_SIZE` torso lengths per unit of log size.

Verdicts: **side on** below :data:`SIDE_ON_MAX_YAW_DEG` (a projected joint angle within a few
degrees of the true one), **oblique** up to :data:`OBLIQUE_MAX_YAW_DEG`, **frontal** (coming
towards the camera) or **rear** (going away) beyond it or when the athlete runs end on (growing:
frontal, shrinking: rear; ``"end on"`` when their size does not say).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.track import PoseTrack

#: Shoulder breadth (biacromial, about 0.26 of standing height) in torso lengths (shoulder to hip
#: centre, about 0.30 of height): Winter, *Biomechanics and Motor Control of Human Movement*.
SHOULDER_BREADTH_TORSO = 0.87
#: MediaPipe's shoulder separation on side-on clips, in torso lengths (median 0.15-0.20 on the
#: rendered samples and the real side-on clips; 0.28-0.33 on two small real athletes).
SIDE_ON_SHOULDER_TORSO = 0.17
#: Largest yaw from side on at which sagittal angles and step lengths are reported as valid (deg):
#: a segment's projected angle is then within about 3-6 deg of its true angle in a sprint.
SIDE_ON_MAX_YAW_DEG = 25.0
#: Beyond this yaw the view is frontal or rear (deg).
OBLIQUE_MAX_YAW_DEG = 50.0
#: Smallest change of log torso length over the clip that says the athlete runs along the axis.
END_ON_MIN_SIZE_CHANGE = 0.25
#: ... provided the hips travel less than this many torso lengths across the image per unit of it.
END_ON_TRAVEL_PER_SIZE = 8.0

VIEWS = ("side on", "oblique", "frontal", "rear", "end on")


@dataclass(frozen=True)
class ViewVerdict:
    """How the camera sees the athlete, with the figures behind it.

    Attributes
    ----------
    view : str
        One of :data:`VIEWS` (``"unknown"`` when the track has too little to go on).
    yaw_deg : float
        Estimated turn of the view away from side on (deg, 0-90; NaN if unknown).
    shoulder_torso : float
        Median shoulder separation in the image, in torso lengths.
    size_change : float
        Log of the torso length's ratio, last fifth of the clip to the first.
    travel_torso : float
        The hips' horizontal travel over the clip, in torso lengths (signed).
    """

    view: str
    yaw_deg: float
    shoulder_torso: float
    size_change: float
    travel_torso: float

    @property
    def side_on(self) -> bool:
        """Whether sagittal angles and step lengths are valid on this clip."""
        return self.view == "side on"

    @property
    def message(self) -> str:
        """The verdict in a coach's words."""
        if self.view == "unknown":
            return "view: not enough of the athlete seen to tell whether the camera is side on"
        if self.view == "side on":
            return f"view: side on (about {self.yaw_deg:.0f} deg off): angles and step lengths are valid"
        what = {"oblique": f"oblique, about {self.yaw_deg:.0f} deg off side on",
                "frontal": "from the front (the athlete runs towards the camera)",
                "rear": "from behind (the athlete runs away from the camera)",
                "end on": "from the front or behind"}[self.view]
        return (f"view: {what}: joint angles and step lengths are not valid from this view "
                "(film side on, square to the running line); timings and step counts still are")

    def as_dict(self) -> dict[str, object]:
        """Return the verdict as a JSON-compatible record (``summary.json``)."""
        return {"view": self.view, "side_on": self.side_on, "yaw_deg": _rounded(self.yaw_deg),
                "shoulder_torso": _rounded(self.shoulder_torso, 3), "size_change": _rounded(self.size_change, 3),
                "travel_torso": _rounded(self.travel_torso, 2), "message": self.message}


def _rounded(value: float, digits: int = 1) -> float | None:
    return round(float(value), digits) if math.isfinite(value) else None


def yaw_from_shoulders(shoulder_torso: float) -> float:
    """Return the yaw from side on (deg) that a median shoulder separation (torso lengths) implies.

    Parameters
    ----------
    shoulder_torso : float
        Shoulder separation in the image, in torso lengths.

    Returns
    -------
    float
        The yaw, 0-90 deg (NaN for NaN).
    """
    if not math.isfinite(shoulder_torso):
        return float("nan")
    spread = math.sqrt(max(shoulder_torso ** 2 - SIDE_ON_SHOULDER_TORSO ** 2, 0.0)) / SHOULDER_BREADTH_TORSO
    return math.degrees(math.asin(min(spread, 1.0)))


def view_from_shoulders(shoulder_torso: float) -> tuple[str, float]:
    """Judge the view from the shoulders alone (a few still frames, as ``sprintlens info`` sweeps).

    Parameters
    ----------
    shoulder_torso : float
        Median shoulder separation in the image, in torso lengths (NaN: nobody seen).

    Returns
    -------
    view : str
        ``"side on"``, ``"oblique"``, ``"end on"`` (frontal or rear: still frames do not say
        which) or ``"unknown"``.
    yaw_deg : float
        The yaw estimate (deg; NaN if unknown).
    """
    yaw = yaw_from_shoulders(shoulder_torso)
    if not math.isfinite(yaw):
        return "unknown", yaw
    if yaw > OBLIQUE_MAX_YAW_DEG:
        return "end on", yaw
    return ("oblique" if yaw > SIDE_ON_MAX_YAW_DEG else "side on"), yaw


def judge_view(track: PoseTrack) -> ViewVerdict:
    """Tell from a pose track whether the camera sees the athlete side on (rules in the module docstring).

    Parameters
    ----------
    track : PoseTrack
        The athlete's track.

    Returns
    -------
    ViewVerdict
        The view, the yaw estimate and the cues.
    """
    p = track.positions_px
    shoulders = p[:, [int(L.LEFT_SHOULDER), int(L.RIGHT_SHOULDER)]]
    hips = p[:, [int(L.LEFT_HIP), int(L.RIGHT_HIP)]]
    torso = np.linalg.norm(shoulders.mean(axis=1) - hips.mean(axis=1), axis=1)
    seen = np.flatnonzero(np.isfinite(torso) & (torso > 0))
    if seen.size < 5:
        nan = float("nan")
        return ViewVerdict("unknown", nan, nan, nan, nan)
    separation = np.abs(shoulders[seen, 0, 0] - shoulders[seen, 1, 0]) / torso[seen]
    shoulder_torso = float(np.median(separation))
    fifth = max(seen.size // 5, 1)
    first, last = seen[:fifth], seen[-fifth:]
    size_change = float(np.log(np.median(torso[last]) / np.median(torso[first])))
    hip_x = hips.mean(axis=1)[:, 0]
    travel = float((np.median(hip_x[last]) - np.median(hip_x[first])) / np.median(torso[seen]))
    yaw = yaw_from_shoulders(shoulder_torso)
    end_on = abs(size_change) >= END_ON_MIN_SIZE_CHANGE and abs(travel) < END_ON_TRAVEL_PER_SIZE * abs(size_change)
    if end_on or yaw > OBLIQUE_MAX_YAW_DEG:
        if abs(size_change) >= END_ON_MIN_SIZE_CHANGE:
            view = "frontal" if size_change > 0 else "rear"
        else:
            view = "end on"
    elif yaw > SIDE_ON_MAX_YAW_DEG:
        view = "oblique"
    else:
        view = "side on"
    return ViewVerdict(view, yaw, shoulder_torso, size_change, travel)
