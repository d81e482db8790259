"""A synthetic athlete for render tests: landmarks known exactly, and a clip of them drawn as a puppet.

The figure moves across the frame with swinging legs and arms.  Every landmark's pixel position is
known, so a test can check that what the renderer draws lands on the figure in the right frame.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from sprintlens.core.landmarks import SKELETON
from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.track import PoseTrack, empty_landmarks
from sprintlens.core.video_writer import VideoWriter
from sprintlens.render import style

#: Colour of the puppet (RGB) and its background.
PUPPET = (0, 200, 0)
BACKGROUND = (60, 60, 60)
LIMB_PX = 16


def puppet_positions(n_frames: int, size: tuple[int, int] = (640, 480), fps: float = 60.0,
                     direction: int = 1) -> np.ndarray:
    """(T, 33, 2) landmark pixels of a figure walking-running across the frame (y down)."""
    w, h = size
    t = np.arange(n_frames) / fps
    leg = 0.32 * h  # hip to ankle
    hip = np.stack([w * 0.3 + direction * 90.0 * t if direction > 0 else w * 0.7 - 90.0 * t,
                    np.full_like(t, h * 0.52)], axis=1)
    phase = 2 * np.pi * 1.6 * t
    pts = np.full((n_frames, 33, 2), np.nan)
    for side, sign in (("LEFT", 1.0), ("RIGHT", -1.0)):
        thigh = np.radians(30.0) * np.sin(phase) * sign  # from the downward vertical, + forward
        knee_flex = np.radians(35.0) * (1 + np.sin(phase * sign + 1.0)) / 2 + np.radians(5)
        knee = hip + 0.5 * leg * np.stack([direction * np.sin(thigh), np.cos(thigh)], axis=1)
        shin = thigh - knee_flex
        ankle = knee + 0.5 * leg * np.stack([direction * np.sin(shin), np.cos(shin)], axis=1)
        pts[:, L[f"{side}_HIP"]] = hip + [0.0, -2.0 * sign]
        pts[:, L[f"{side}_KNEE"]] = knee
        pts[:, L[f"{side}_ANKLE"]] = ankle
        pts[:, L[f"{side}_HEEL"]] = ankle + [-direction * 0.06 * leg, 0.05 * leg]
        pts[:, L[f"{side}_FOOT_INDEX"]] = ankle + [direction * 0.16 * leg, 0.06 * leg]
        shoulder = hip + [direction * 0.08 * leg, -0.62 * leg]
        arm = np.radians(35.0) * np.sin(phase) * -sign
        elbow = shoulder + 0.3 * leg * np.stack([direction * np.sin(arm), np.cos(arm)], axis=1)
        wrist = elbow + 0.28 * leg * np.stack([direction * np.ones_like(t) * 0.7, -np.ones_like(t) * 0.7], axis=1)
        pts[:, L[f"{side}_SHOULDER"]] = shoulder + [0.0, -2.0 * sign]
        pts[:, L[f"{side}_ELBOW"]] = elbow
        for part in ("WRIST", "PINKY", "INDEX", "THUMB"):
            pts[:, L[f"{side}_{part}"]] = wrist
        ear = shoulder + [direction * 0.03 * leg, -0.22 * leg]
        pts[:, L[f"{side}_EAR"]] = ear + [0.0, -1.0 * sign]
        for part in ("EYE_INNER", "EYE", "EYE_OUTER"):
            pts[:, L[f"{side}_{part}"]] = ear + [direction * 0.07 * leg, -0.02 * leg]
    pts[:, L.NOSE] = (pts[:, L.LEFT_EAR] + pts[:, L.RIGHT_EAR]) / 2 + [direction * 0.09 * leg, 0.01 * leg]
    pts[:, L.MOUTH_LEFT] = pts[:, L.NOSE] + [0.0, 0.04 * leg]
    pts[:, L.MOUTH_RIGHT] = pts[:, L.NOSE] + [0.0, 0.04 * leg]
    return pts


def draw_puppet(points: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """RGB frame with the figure drawn as thick green limbs and a filled head."""
    w, h = size
    img = np.full((h, w, 3), BACKGROUND, dtype=np.uint8)
    for a, b in SKELETON:
        cv2.line(img, tuple(int(round(v)) for v in points[a]), tuple(int(round(v)) for v in points[b]), PUPPET,
                 LIMB_PX, cv2.LINE_8)
    torso = points[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.RIGHT_HIP, L.LEFT_HIP]].astype(np.int32)
    cv2.fillConvexPoly(img, cv2.convexHull(torso), PUPPET)
    ears = (points[L.LEFT_EAR] + points[L.RIGHT_EAR]) / 2
    shoulders = (points[L.LEFT_SHOULDER] + points[L.RIGHT_SHOULDER]) / 2
    r = int(0.6 * np.linalg.norm(ears - shoulders))
    cv2.circle(img, tuple(int(round(v)) for v in ears), r, PUPPET, -1)
    cv2.line(img, tuple(int(round(v)) for v in shoulders), tuple(int(round(v)) for v in ears), PUPPET, LIMB_PX)
    return img


def puppet_mask(rgb: np.ndarray) -> np.ndarray:
    """Boolean mask of puppet pixels in a decoded frame (green, after H.264)."""
    r, g, b = (rgb[..., i].astype(int) for i in range(3))
    return (g > 140) & (r < 90) & (b < 90)


def write_puppet_clip(path: Path, n_frames: int = 40, size: tuple[int, int] = (640, 480), fps: float = 60.0,
                      direction: int = 1) -> np.ndarray:
    """Write the puppet clip (H.264) and return its landmark positions (T, 33, 2)."""
    pts = puppet_positions(n_frames, size, fps, direction)
    with VideoWriter(path, fps, size, crf=12, preset="ultrafast") as writer:
        for k in range(n_frames):
            writer.write(draw_puppet(pts[k], size))
    return pts


def puppet_track(points: np.ndarray, fps: float, size: tuple[int, int], first_frame: int = 0) -> PoseTrack:
    """The pose track of (part of) the puppet clip, starting at video frame ``first_frame``."""
    n = points.shape[0]
    arrays = empty_landmarks(n)
    arrays["positions_px"] = points
    arrays["depth_px"] = np.zeros((n, 33))
    arrays["depth_px"][:, [lm for lm in L if lm.name.startswith("RIGHT_")]] = 10.0  # left is nearer
    arrays["visibility"] = np.full((n, 33), 0.99)
    arrays["presence"] = np.full((n, 33), 0.99)
    return PoseTrack(**arrays, t_s=(first_frame + np.arange(n)) / fps,
                     frame_index=first_frame + np.arange(n), fps=fps, frame_size=size, video_sha256="",
                     model_id="synthetic", model_version="test", provenance={"video": {"file": "puppet.mp4"}})


def dilated(mask: np.ndarray, px: int) -> np.ndarray:
    """``mask`` grown by ``px`` pixels in every direction (a square neighbourhood)."""
    grown = mask.copy()
    for dy in range(-px, px + 1):
        for dx in range(-px, px + 1):
            grown |= np.roll(np.roll(mask, dy, axis=0), dx, axis=1)
    return grown


def drawn_legs(rgb: np.ndarray, tolerance: int) -> np.ndarray:
    """Pixels of an annotated frame (H x W x 3, RGB) in the renderer's near or far leg colour."""
    drawn = rgb.astype(int)
    legs = np.zeros(rgb.shape[:2], dtype=bool)
    for colour in (style.NEAR_LEG, style.FAR_LEG):
        legs |= np.all(np.abs(drawn - np.array(colour)) < tolerance, axis=2)
    return legs
