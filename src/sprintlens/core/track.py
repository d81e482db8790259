"""PoseTrack: the one validated structure every analysis stage reads.

A pose track holds the athlete's 33 MediaPipe landmarks in every frame of a clip, in pixels of
the upright frame (x right, y down), with the real time of each frame.  Missing data is NaN
(a frame without the athlete is all NaN), never 0.  It is validated once, on construction, and
immutable afterwards: its arrays are read-only copies.  Saving and loading live in
:mod:`sprintlens.capture.trackfile`.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sprintlens.core.errors import TrackFormatError
from sprintlens.core.landmarks import N_LANDMARKS, Landmark

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _frozen(array: Any, dtype: type, name: str) -> np.ndarray:
    try:
        out = np.array(array, dtype=dtype, copy=True)
    except (TypeError, ValueError) as exc:
        raise TrackFormatError(f"pose track: {name} is not a numeric array ({exc})") from None
    out.setflags(write=False)
    return out


#: The fields of :class:`PoseTrack` with one entry per frame.
PER_FRAME_FIELDS = ("positions_px", "depth_px", "visibility", "presence", "t_s", "frame_index", "crop_px")
#: Per-frame fields a track file made before they existed may lack (they are NaN then).
OPTIONAL_PER_FRAME_FIELDS = ("crop_px",)


@dataclass(frozen=True, eq=False)
class PoseTrack:
    """The athlete's landmarks through a clip.

    Attributes
    ----------
    positions_px : ndarray, shape (T, 33, 2)
        Landmark x, y in pixels of the upright frame (y down).  NaN where missing.
    depth_px : ndarray, shape (T, 33)
        MediaPipe's relative depth of each landmark, scaled like x (pixels); the hip midpoint
        is 0 and smaller values are nearer the camera.  Coarse: use it to tell near from far.
    visibility : ndarray, shape (T, 33)
        Model's probability (0-1) that the landmark is visible, not occluded.  NaN where missing.
    presence : ndarray, shape (T, 33)
        Model's probability (0-1) that the landmark is in the frame.  NaN where missing.
    t_s : ndarray, shape (T,)
        Real time of each frame in seconds (slow motion undone), strictly increasing.
    frame_index : ndarray, shape (T,)
        Index of each frame in the video file, strictly increasing.
    fps : float
        Real frames per second of the capture (frames/s).
    frame_size : (int, int)
        ``(width, height)`` of the upright frame in pixels.
    video_sha256 : str
        SHA-256 of the source video file, or ``""`` for a track not made from a video file.
    model_id : str
        Which pose model made the track (file name and checksum), or a generator's name.
    model_version : str
        Version of the library that ran the model.
    provenance : mapping
        JSON-compatible record of how the track was made (options, athlete selection, ...).
    crop_px : ndarray, shape (T, 4)
        The part of the frame the athlete was found in, ``x0, y0, width, height`` in pixels of
        the upright frame (the whole frame for a whole-frame landmarker); NaN where the athlete
        was not found or the track does not say (``None`` on construction means that).
    """

    positions_px: np.ndarray
    depth_px: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    t_s: np.ndarray
    frame_index: np.ndarray
    fps: float
    frame_size: tuple[int, int]
    video_sha256: str = ""
    model_id: str = ""
    model_version: str = ""
    provenance: Mapping[str, Any] = field(default_factory=dict)
    crop_px: np.ndarray | None = None

    def __post_init__(self) -> None:
        positions = _frozen(self.positions_px, np.float64, "positions_px")
        if positions.ndim != 3 or positions.shape[1:] != (N_LANDMARKS, 2):
            raise TrackFormatError(
                f"pose track: positions_px must have shape (T, {N_LANDMARKS}, 2), got {positions.shape}"
            )
        n = positions.shape[0]
        if n == 0:
            raise TrackFormatError("pose track: no frames")
        per_landmark = {name: _frozen(getattr(self, name), np.float64, name)
                        for name in ("depth_px", "visibility", "presence")}
        for name, arr in per_landmark.items():
            if arr.shape != (n, N_LANDMARKS):
                raise TrackFormatError(f"pose track: {name} must have shape ({n}, {N_LANDMARKS}), got {arr.shape}")
        t_s = _frozen(self.t_s, np.float64, "t_s")
        frame_index = np.asarray(self.frame_index)
        if frame_index.size and not np.issubdtype(frame_index.dtype, np.integer):
            if not np.all(np.isfinite(frame_index)) or np.any(frame_index != np.round(frame_index)):
                raise TrackFormatError("pose track: frame_index must hold whole numbers")
        frame_index = _frozen(frame_index, np.int64, "frame_index")
        for name, arr in (("t_s", t_s), ("frame_index", frame_index)):
            if arr.shape != (n,):
                raise TrackFormatError(f"pose track: {name} must have shape ({n},), got {arr.shape}")

        crop = np.full((n, 4), np.nan) if self.crop_px is None else _frozen(self.crop_px, np.float64, "crop_px")
        if crop.shape != (n, 4):
            raise TrackFormatError(f"pose track: crop_px must have shape ({n}, 4), got {crop.shape}")
        if np.isinf(crop).any() or (crop[:, 2:] <= 0).any():
            raise TrackFormatError("pose track: crop_px must hold finite crops of positive size (NaN: none)")
        crop.setflags(write=False)

        if np.isinf(positions).any():
            raise TrackFormatError("pose track: positions_px holds infinite values (use NaN for missing)")
        if not np.array_equal(np.isnan(positions[..., 0]), np.isnan(positions[..., 1])):
            raise TrackFormatError("pose track: a landmark has x without y (or y without x)")
        for name in ("visibility", "presence"):
            arr = per_landmark[name]
            finite = arr[~np.isnan(arr)]
            if finite.size and (finite.min() < 0 or finite.max() > 1):
                raise TrackFormatError(f"pose track: {name} must lie in 0..1")
        if np.isinf(per_landmark["depth_px"]).any():
            raise TrackFormatError("pose track: depth_px holds infinite values")
        if not np.all(np.isfinite(t_s)):
            raise TrackFormatError("pose track: t_s must be finite")
        if n > 1 and not np.all(np.diff(t_s) > 0):
            raise TrackFormatError("pose track: t_s must be strictly increasing")
        if frame_index.min() < 0 or (n > 1 and not np.all(np.diff(frame_index) > 0)):
            raise TrackFormatError("pose track: frame_index must be non-negative and strictly increasing")

        try:
            fps = float(self.fps)
        except (TypeError, ValueError):
            raise TrackFormatError(f"pose track: fps must be a number, got {self.fps!r}") from None
        if not (math.isfinite(fps) and fps > 0):
            raise TrackFormatError(f"pose track: fps must be positive, got {self.fps!r}")
        try:
            width, height = (int(v) for v in self.frame_size)
        except (TypeError, ValueError):
            raise TrackFormatError(f"pose track: frame_size must be (width, height), got {self.frame_size!r}") from None
        if width <= 0 or height <= 0:
            raise TrackFormatError(f"pose track: frame_size must be positive, got {self.frame_size!r}")
        if self.video_sha256 and not _SHA256.match(self.video_sha256):
            raise TrackFormatError("pose track: video_sha256 must be 64 lower-case hex digits or empty")
        for name in ("video_sha256", "model_id", "model_version"):
            if not isinstance(getattr(self, name), str):
                raise TrackFormatError(f"pose track: {name} must be a string")
        try:
            provenance = json.loads(json.dumps(dict(self.provenance), allow_nan=False))
        except (TypeError, ValueError) as exc:
            raise TrackFormatError(f"pose track: provenance must be JSON-compatible ({exc})") from None

        for name, value in (("positions_px", positions), *per_landmark.items(), ("t_s", t_s),
                            ("frame_index", frame_index), ("fps", fps), ("frame_size", (width, height)),
                            ("provenance", provenance), ("crop_px", crop)):
            object.__setattr__(self, name, value)

    # -- equality: exact, NaN equal to NaN ------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PoseTrack):
            return NotImplemented
        scalars = ("fps", "frame_size", "video_sha256", "model_id", "model_version", "provenance")
        return all(
            np.array_equal(getattr(self, a), getattr(other, a), equal_nan=True) for a in PER_FRAME_FIELDS
        ) and all(getattr(self, s) == getattr(other, s) for s in scalars)

    __hash__ = None  # type: ignore[assignment]

    # -- convenient views -----------------------------------------------------------------------
    @property
    def n_frames(self) -> int:
        """Number of frames (T)."""
        return int(self.positions_px.shape[0])

    @property
    def detected(self) -> np.ndarray:
        """Boolean (T,): frames in which the athlete was found (any landmark present)."""
        return ~np.all(np.isnan(self.positions_px[..., 0]), axis=1)

    @property
    def coverage(self) -> float:
        """Fraction of frames in which the athlete was found."""
        return float(self.detected.mean())

    @property
    def duration_s(self) -> float:
        """Time from the first to the last frame plus one frame period (s)."""
        return float(self.t_s[-1] - self.t_s[0]) + 1.0 / self.fps

    def point(self, landmark: Landmark | int) -> np.ndarray:
        """Return the (T, 2) pixel positions of one landmark (a read-only view)."""
        return self.positions_px[:, int(landmark), :]

    def rows(self, start: int, stop: int) -> PoseTrack:
        """Return the track of frames ``start`` to ``stop - 1`` (rows of this track), validated."""
        if not 0 <= start < stop <= self.n_frames:
            raise ValueError(f"rows {start}:{stop} are not within a track of {self.n_frames} frames")
        return self.replace(**{name: getattr(self, name)[start:stop] for name in PER_FRAME_FIELDS})

    def replace(self, **changes: Any) -> PoseTrack:
        """Return a new, validated track with some fields changed (for example filtered positions).

        New positions for a different number of frames, without new crops, drop the crops (they
        belonged to the old frames).
        """
        positions = changes.get("positions_px")
        if "crop_px" not in changes and positions is not None and np.shape(positions)[0] != self.n_frames:
            changes["crop_px"] = None
        return dataclasses.replace(self, **changes)

    def __repr__(self) -> str:
        return (f"PoseTrack({self.n_frames} frames, {self.fps:.3f} fps, {self.frame_size[0]}x{self.frame_size[1]}, "
                f"athlete in {100 * self.coverage:.1f}% of frames)")


def empty_landmarks(n_frames: int) -> dict[str, np.ndarray]:
    """Make NaN arrays for ``positions_px``, ``depth_px``, ``visibility`` and ``presence`` of ``n_frames``."""
    return {
        "positions_px": np.full((n_frames, N_LANDMARKS, 2), np.nan),
        "depth_px": np.full((n_frames, N_LANDMARKS), np.nan),
        "visibility": np.full((n_frames, N_LANDMARKS), np.nan),
        "presence": np.full((n_frames, N_LANDMARKS), np.nan),
    }
