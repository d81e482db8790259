"""Pose estimation: every person MediaPipe finds in a frame, as pixel arrays.

:class:`MediaPipeEstimator` runs MediaPipe's PoseLandmarker (Tasks API) in VIDEO mode, so each
frame starts from the previous frame's pose (fast, stable).  Choosing which person is the
athlete, and following them through the clip, is :mod:`sprintlens.capture.people`'s job.

Timestamps: MediaPipe applies a causal smoothing filter to landmarks in VIDEO mode, driven by
the timestamps it is given.  Fed real times, it lags fast-moving feet by about half a frame
(measured on a 30 fps treadmill clip), which would bias every contact time.  SprintLens feeds
it frame numbers spaced :data:`MEDIAPIPE_STEP_MS` apart instead, which leaves the model's own
per-frame estimate (measured lag within +/-0.2 frames, no consistent sign) and does its own
zero-lag filtering later.  Real times are kept in the track.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import NamedTuple, Protocol

import numpy as np

from sprintlens.capture.model import DEFAULT_MODEL, resolve_model
from sprintlens.core.errors import ModelError
from sprintlens.core.landmarks import N_LANDMARKS
from sprintlens.core.native_output import native_stderr_silenced

log = logging.getLogger(__name__)

#: Spacing of the synthetic timestamps given to MediaPipe (ms); see the module docstring.
MEDIAPIPE_STEP_MS = 100_000


class Detections(NamedTuple):
    """People found in one frame (P may be 0).

    Attributes
    ----------
    positions_px : ndarray (P, 33, 2)
        x, y in pixels of the frame.
    depth_px : ndarray (P, 33)
        Relative depth scaled like x; hip midpoint 0, negative nearer the camera.
    visibility, presence : ndarray (P, 33)
        Model probabilities 0-1 (NaN when the model gives none).
    crop_px : ndarray (P, 4), optional
        The part of the frame each person was found in, ``x0, y0, width, height`` in pixels
        (the whole frame when the landmarker saw the whole frame); ``None``: the whole frame.
    """

    positions_px: np.ndarray
    depth_px: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    crop_px: np.ndarray | None = None

    @property
    def n_people(self) -> int:
        """Number of people found (P)."""
        return int(self.positions_px.shape[0])

    @classmethod
    def empty(cls) -> Detections:
        """Return the detections of a frame in which nobody was found (P = 0)."""
        return cls(np.empty((0, N_LANDMARKS, 2)), np.empty((0, N_LANDMARKS)),
                   np.empty((0, N_LANDMARKS)), np.empty((0, N_LANDMARKS)), np.empty((0, 4)))

    @classmethod
    def stack(cls, found: list[Detections]) -> Detections:
        """Join the detections of several parts of one frame into one (crops kept per person).

        Parameters
        ----------
        found : list of Detections
            Detections of one frame, each with its ``crop_px``.

        Returns
        -------
        Detections
            Everyone in ``found``, in order.
        """
        if not found:
            return cls.empty()
        return cls(*(np.concatenate([getattr(d, name) for d in found]) for name in cls._fields))

    def crops(self, width: int, height: int) -> np.ndarray:
        """Return ``crop_px`` (P, 4), the whole ``width`` x ``height`` frame where none was recorded."""
        if self.crop_px is not None:
            return self.crop_px
        return np.tile(np.array([0.0, 0.0, width, height]), (self.n_people, 1))


class PoseEstimator(Protocol):
    """Anything that finds people's landmarks in a stream of frames."""

    model_id: str
    model_version: str

    def estimate(self, rgb: np.ndarray, frame_number: int) -> Detections:
        """Find the people in one RGB frame; ``frame_number`` increases through the stream."""
        ...

    def close(self) -> None:
        """Release the model."""
        ...


def _to_array(values: list[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def poses_in_frame(poses: list, crop_px: tuple[float, float, float, float]) -> Detections:
    """Turn MediaPipe's landmarks of one image into detections in pixels of the frame it was cut from.

    Parameters
    ----------
    poses : list
        ``result.pose_landmarks`` of a PoseLandmarker: per person, 33 landmarks with ``x, y, z``
        normalised to the image given to it, ``visibility`` and ``presence``.
    crop_px : (float, float, float, float)
        ``x0, y0, width, height`` of that image in the frame (px): the whole frame, or the crop
        that was upscaled to make the image (normalised coordinates do not change with scale).

    Returns
    -------
    Detections
        The people, in frame pixels (depth scaled like x), each with ``crop_px``.
    """
    if not poses:
        return Detections.empty()
    x0, y0, width, height = crop_px
    xyz = np.array([[(lm.x, lm.y, lm.z) for lm in pose] for pose in poses], dtype=np.float64)
    xyz *= np.array([width, height, width], dtype=np.float64)  # normalised -> pixels, all at once
    xyz[..., 0] += x0
    xyz[..., 1] += y0
    visibility = np.stack([_to_array([lm.visibility for lm in pose]) for pose in poses])
    presence = np.stack([_to_array([lm.presence for lm in pose]) for pose in poses])
    crops = np.tile(np.asarray(crop_px, dtype=np.float64), (len(poses), 1))
    return Detections(xyz[..., :2], xyz[..., 2], np.clip(visibility, 0, 1), np.clip(presence, 0, 1), crops)


def create_landmarker(bundle: Path, *, video: bool, num_poses: int, min_detection_confidence: float = 0.5,
                      min_presence_confidence: float = 0.5, min_tracking_confidence: float = 0.5) -> object:
    """Create a MediaPipe PoseLandmarker from a checked bundle (its start-up lines kept off the terminal).

    Parameters
    ----------
    bundle : Path
        A ``.task`` bundle (see :func:`~sprintlens.capture.model.resolve_model`).
    video : bool
        VIDEO mode (each call starts from the previous call's pose; timestamps must increase)
        rather than IMAGE mode (every call independent).
    num_poses : int
        Most people to find per image.
    min_detection_confidence, min_presence_confidence, min_tracking_confidence : float
        MediaPipe thresholds (0-1).

    Returns
    -------
    mediapipe.tasks.python.vision.PoseLandmarker
        The landmarker; close it when done.

    Raises
    ------
    ModelError
        If MediaPipe cannot load the bundle.
    """
    from mediapipe.tasks.python import BaseOptions, vision

    mode = vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(bundle)),
        running_mode=mode,
        num_poses=num_poses,
        min_pose_detection_confidence=min_detection_confidence,
        min_pose_presence_confidence=min_presence_confidence,
        min_tracking_confidence=min_tracking_confidence,
    )
    try:
        with native_stderr_silenced():
            return vision.PoseLandmarker.create_from_options(options)
    except (RuntimeError, ValueError, OSError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise ModelError(f"{bundle}: MediaPipe cannot load this pose model ({first_line})") from None


class MediaPipeEstimator:
    """MediaPipe PoseLandmarker in VIDEO mode with a model shipped in ``models/``.

    Parameters
    ----------
    model_path : path-like, optional
        A ``.task`` bundle instead of a shipped one.
    model : {"full", "heavy"}
        Which shipped bundle to use without ``model_path`` (its checksum is verified).
    max_people : int
        Most people to find per frame.  1 is fastest (the detector runs only when tracking is
        lost); more lets SprintLens pick the athlete among several people.
    min_detection_confidence, min_presence_confidence, min_tracking_confidence : float
        MediaPipe thresholds (0-1).
    """

    def __init__(
        self,
        model_path: str | os.PathLike[str] | None = None,
        *,
        model: str = DEFAULT_MODEL,
        max_people: int = 3,
        min_detection_confidence: float = 0.5,
        min_presence_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        if max_people < 1:
            raise ValueError("max_people must be at least 1")
        bundle, checksum = resolve_model(model_path, model)
        import mediapipe as mp

        self._mp = mp
        self._landmarker = create_landmarker(
            bundle, video=True, num_poses=max_people, min_detection_confidence=min_detection_confidence,
            min_presence_confidence=min_presence_confidence, min_tracking_confidence=min_tracking_confidence)
        self._quiet_until_first_pose = True
        self.model_id = f"{Path(bundle).name} sha256:{checksum}"
        self.model_version = f"mediapipe {mp.__version__}"
        self.max_people = max_people

    def estimate(self, rgb: np.ndarray, frame_number: int) -> Detections:
        """Find people in one RGB frame (H x W x 3, uint8)."""
        height, width = rgb.shape[:2]
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        timestamp_ms = int(frame_number) * MEDIAPIPE_STEP_MS
        if self._quiet_until_first_pose:  # the graph logs a warning the first time it finds a pose
            with native_stderr_silenced():
                result = self._landmarker.detect_for_video(image, timestamp_ms)
            self._quiet_until_first_pose = not result.pose_landmarks
        else:
            result = self._landmarker.detect_for_video(image, timestamp_ms)
        return poses_in_frame(result.pose_landmarks, (0.0, 0.0, float(width), float(height)))

    def close(self) -> None:
        """Release the model; closing it again does nothing."""
        if getattr(self, "_landmarker", None) is not None:
            with native_stderr_silenced():  # MediaPipe logs DestroyAccelerator as the graph ends
                self._landmarker.close()
                self._landmarker = None

    def __enter__(self) -> MediaPipeEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
