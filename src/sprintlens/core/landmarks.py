"""The 33 MediaPipe pose landmarks, the skeleton drawn between them and left/right pairs."""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Landmark(IntEnum):
    """MediaPipe BlazePose landmark indices (the order of the model's output)."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


N_LANDMARKS: int = len(Landmark)

#: Landmark names in index order, lower case (``"left_knee"``), as used in files.
NAMES: tuple[str, ...] = tuple(lm.name.lower() for lm in Landmark)

L = Landmark

#: Skeleton edges (pairs of landmark indices) for drawing.
SKELETON: tuple[tuple[Landmark, Landmark], ...] = (
    (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
    (L.LEFT_HIP, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_HIP),
    (L.RIGHT_SHOULDER, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_ELBOW),
    (L.LEFT_ELBOW, L.LEFT_WRIST),
    (L.RIGHT_SHOULDER, L.RIGHT_ELBOW),
    (L.RIGHT_ELBOW, L.RIGHT_WRIST),
    (L.LEFT_HIP, L.LEFT_KNEE),
    (L.LEFT_KNEE, L.LEFT_ANKLE),
    (L.LEFT_ANKLE, L.LEFT_HEEL),
    (L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
    (L.LEFT_ANKLE, L.LEFT_FOOT_INDEX),
    (L.RIGHT_HIP, L.RIGHT_KNEE),
    (L.RIGHT_KNEE, L.RIGHT_ANKLE),
    (L.RIGHT_ANKLE, L.RIGHT_HEEL),
    (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
    (L.RIGHT_ANKLE, L.RIGHT_FOOT_INDEX),
    (L.NOSE, L.LEFT_EAR),
    (L.NOSE, L.RIGHT_EAR),
)

#: (left, right) pairs; swapping them mirrors the body.
LEFT_RIGHT_PAIRS: tuple[tuple[Landmark, Landmark], ...] = tuple(
    (lm, Landmark[lm.name.replace("LEFT_", "RIGHT_")]) for lm in Landmark if lm.name.startswith("LEFT_")
) + ((L.MOUTH_LEFT, L.MOUTH_RIGHT),)

#: The leg landmarks of each side, hip to toe.
LEG: dict[str, tuple[Landmark, ...]] = {
    side: tuple(Landmark[f"{side.upper()}_{part}"] for part in ("HIP", "KNEE", "ANKLE", "HEEL", "FOOT_INDEX"))
    for side in ("left", "right")
}

#: The arm landmarks of each side, shoulder to index finger.
ARM: dict[str, tuple[Landmark, ...]] = {
    side: tuple(
        Landmark[f"{side.upper()}_{part}"] for part in ("SHOULDER", "ELBOW", "WRIST", "PINKY", "INDEX", "THUMB")
    )
    for side in ("left", "right")
}


def mirror_index() -> list[int]:
    """Return the index permutation that swaps every left landmark with its right twin."""
    order = list(range(N_LANDMARKS))
    for left, right in LEFT_RIGHT_PAIRS:
        order[left], order[right] = int(right), int(left)
    return order


def hip_centre_x(positions_px: np.ndarray) -> np.ndarray:
    """Return the (T,) horizontal position of the hip midpoint in a (T, 33, 2) landmark array (px)."""
    return (positions_px[:, Landmark.LEFT_HIP, 0] + positions_px[:, Landmark.RIGHT_HIP, 0]) / 2


SIDES = ("left", "right")

#: The torso, hip, knee and ankle landmarks: what the model must see for a fit to be a person's.
BODY_CORE: tuple[int, ...] = tuple(int(v) for v in (
    Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP,
    Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE, Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE))


def landmark_box(positions_px: np.ndarray) -> np.ndarray:
    """Return ``x0, y0, x1, y1`` (px) around one pose's landmarks (33, 2); NaN if it has none."""
    if not np.isfinite(positions_px).any():
        return np.full(4, np.nan)
    return np.concatenate([np.nanmin(positions_px, axis=0), np.nanmax(positions_px, axis=0)])
