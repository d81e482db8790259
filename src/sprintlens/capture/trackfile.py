"""The pose-track file (``.npz``): one array per per-frame field, with metadata and provenance.

``crop_px`` (the part of the frame the athlete was found in) came later than the other arrays;
a file without it loads with NaN crops.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from pathlib import Path

import numpy as np

from sprintlens.core.errors import TrackFormatError
from sprintlens.core.files import atomic_path, check_output_file
from sprintlens.core.landmarks import NAMES
from sprintlens.core.track import OPTIONAL_PER_FRAME_FIELDS, PER_FRAME_FIELDS, PoseTrack

FORMAT = "sprintlens.pose_track"
FORMAT_VERSION = 1
_ARRAYS = PER_FRAME_FIELDS  # one array of the file per per-frame field of the track


def save_track(track: PoseTrack, path: str | os.PathLike[str]) -> Path:
    """Save a pose track (format above), atomically.  Returns the path written."""
    path = check_output_file(path)
    meta = {
        "fps": track.fps,
        "frame_size": list(track.frame_size),
        "video_sha256": track.video_sha256,
        "model_id": track.model_id,
        "model_version": track.model_version,
        "provenance": dict(track.provenance),
        "landmark_names": list(NAMES),
    }
    arrays = {name: getattr(track, name) for name in _ARRAYS}
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez_compressed(
                fh,
                format=np.array(FORMAT),
                format_version=np.array(FORMAT_VERSION, dtype=np.int64),
                meta=np.array(json.dumps(meta, allow_nan=False)),
                **arrays,
            )
    return path


#: Bounds of what a pose-track file may hold (a file outside them is damaged or not ours).
MAX_FRAMES = 1_000_000  # over an hour at 240 frames/s
MAX_COORDINATE_PX = 1e6  # |x|, |y| and |depth| of a landmark
MAX_FPS = 10_000.0
MAX_FRAME_SIDE_PX = 100_000
MAX_DURATION_S = 24 * 3600.0
FPS_TOLERANCE = 0.05  # fps and the timestamps' median spacing agree to within this fraction
_MAX_META_BYTES = 10_000_000
_MAX_FILE_BYTES = 4 << 30  # uncompressed size of every array together


def _check_sizes(path: Path) -> None:
    """Refuse, before decompressing anything, a file whose arrays would not fit the bounds above."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (OSError, zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise TrackFormatError(f"{path}: not a SprintLens pose-track file ({exc.__class__.__name__})") from None
    if len(infos) > 64:
        raise TrackFormatError(f"{path}: not a SprintLens pose-track file (it holds {len(infos)} entries)")
    total = sum(info.file_size for info in infos)
    if total > _MAX_FILE_BYTES:
        raise TrackFormatError(f"{path}: its arrays would take {total / 2**30:.1f} GiB; a pose track is far smaller")
    for info in infos:
        if info.filename == "meta.npy" and info.file_size > _MAX_META_BYTES:
            raise TrackFormatError(f"{path}: meta is {info.file_size} bytes; a pose track's is a few kB")


def _check_arrays(path: Path, fields: dict[str, np.ndarray]) -> None:
    """Types, bounds and finiteness of the per-frame arrays (their shapes are checked by PoseTrack)."""
    for name, arr in fields.items():
        if arr.dtype.kind not in "biuf":
            raise TrackFormatError(f"{path}: {name} must hold numbers, not {arr.dtype}")
        if arr.ndim == 0 or arr.shape[0] > MAX_FRAMES:
            raise TrackFormatError(f"{path}: {name} has shape {arr.shape}; at most {MAX_FRAMES} frames")
    for name in ("positions_px", "depth_px"):
        values = fields[name]
        if values.dtype.kind == "f" and np.isinf(values).any():
            raise TrackFormatError(f"{path}: {name} holds infinite values")
        if np.nanmax(np.abs(values), initial=0.0) >= MAX_COORDINATE_PX:
            raise TrackFormatError(f"{path}: {name} holds values beyond {MAX_COORDINATE_PX:g} px")


def _check_meta(path: Path, meta: object) -> dict:
    """Check the metadata's fields: types and ranges (unknown fields are ignored)."""
    if not isinstance(meta, dict):
        raise TrackFormatError(f"{path}: damaged pose-track metadata (meta must be a JSON object)")
    for name in ("fps", "frame_size", "video_sha256", "model_id", "model_version", "provenance", "landmark_names"):
        if name not in meta:
            raise TrackFormatError(f"{path}: damaged pose-track metadata (meta lacks {name})")
    fps = meta["fps"]
    if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not 0 < fps <= MAX_FPS:
        raise TrackFormatError(f"{path}: meta.fps must be a frame rate from 0 to {MAX_FPS:g}, got {fps!r:.40}")
    size = meta["frame_size"]
    if not (isinstance(size, list) and len(size) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_FRAME_SIDE_PX for v in size)):
        raise TrackFormatError(f"{path}: meta.frame_size must be [width, height] in pixels, got {size!r:.60}")
    for name in ("video_sha256", "model_id", "model_version"):
        if not isinstance(meta[name], str):
            raise TrackFormatError(f"{path}: meta.{name} must be a string")
    provenance = meta["provenance"]
    if not isinstance(provenance, dict):
        raise TrackFormatError(f"{path}: meta.provenance must be an object")
    for name in ("video", "pose", "athlete"):
        if provenance.get(name) is not None and not isinstance(provenance[name], dict):
            raise TrackFormatError(f"{path}: meta.provenance.{name} must be an object")
    video = provenance.get("video") or {}
    for name in ("path", "file", "recorded_at"):
        if video.get(name) is not None and not isinstance(video[name], str):
            raise TrackFormatError(f"{path}: meta.provenance.video.{name} must be a string")
    if not isinstance(meta["landmark_names"], list) or list(meta["landmark_names"]) != list(NAMES):
        raise TrackFormatError(f"{path}: landmark order differs from MediaPipe's 33 pose landmarks")
    return meta


def _check_timing(path: Path, track: PoseTrack) -> None:
    """Check that the frame rate agrees with the timestamps and that the clip's length is bounded."""
    if float(track.t_s[-1] - track.t_s[0]) > MAX_DURATION_S or abs(float(track.t_s[0])) > MAX_DURATION_S:
        raise TrackFormatError(f"{path}: t_s spans more than a day")
    if track.n_frames < 2:
        return
    spacing = float(np.median(np.diff(track.t_s) / np.diff(track.frame_index)))  # seconds per video frame
    implied = 1.0 / spacing
    if abs(implied * 1.0 / track.fps - 1.0) > FPS_TOLERANCE:
        raise TrackFormatError(f"{path}: meta.fps {track.fps:g} disagrees with the timestamps "
                               f"({implied:.4g} frames/s)")


def load_track(path: str | os.PathLike[str]) -> PoseTrack:
    """Load and validate a pose track saved by :func:`save_track`.

    Everything read is checked once, here: the arrays' types and shapes, finite coordinates
    within :data:`MAX_COORDINATE_PX`, at most :data:`MAX_FRAMES` frames, the metadata's types,
    and a frame rate that agrees with the timestamps (within :data:`FPS_TOLERANCE`).

    Raises
    ------
    TrackFormatError
        If the file is missing, not a pose-track file, of a newer format version, or invalid
        (the message names the file and the field).
    """
    path = Path(path)
    if not path.is_file():
        raise TrackFormatError(f"{path}: no such pose-track file")
    _check_sizes(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            entries = {name: data[name] for name in data.files}
    except (OSError, ValueError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, KeyError) as exc:
        raise TrackFormatError(f"{path}: not a SprintLens pose-track file ({exc.__class__.__name__})") from None
    if "format" not in entries or entries["format"].shape != () or str(entries["format"]) != FORMAT:
        raise TrackFormatError(f"{path}: not a SprintLens pose-track file")
    raw_version = entries.get("format_version", np.array(-1))
    if raw_version.shape != () or raw_version.dtype.kind not in "iu":
        raise TrackFormatError(f"{path}: format_version must be a whole number")
    version = int(raw_version)
    if version != FORMAT_VERSION:
        raise TrackFormatError(f"{path}: pose-track format version {version}; this SprintLens reads {FORMAT_VERSION}")
    missing = [name for name in (*_ARRAYS, "meta") if name not in entries and name not in OPTIONAL_PER_FRAME_FIELDS]
    if missing:
        raise TrackFormatError(f"{path}: pose-track file lacks {', '.join(missing)}")
    if entries["meta"].shape != () or entries["meta"].dtype.kind != "U":
        raise TrackFormatError(f"{path}: meta must be a JSON text")
    try:
        meta = json.loads(str(entries["meta"]))
    except (ValueError, RecursionError) as exc:
        raise TrackFormatError(f"{path}: damaged pose-track metadata ({str(exc)[:80]})") from None
    meta = _check_meta(path, meta)
    fields = {name: entries[name] for name in _ARRAYS if name in entries}
    _check_arrays(path, fields)
    try:
        track = PoseTrack(
            **fields,
            fps=meta["fps"],
            frame_size=tuple(meta["frame_size"]),
            video_sha256=meta["video_sha256"],
            model_id=meta["model_id"],
            model_version=meta["model_version"],
            provenance=meta["provenance"],
        )
    except TrackFormatError as exc:
        raise TrackFormatError(f"{path}: {str(exc).removeprefix('pose track: ')}") from None
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise TrackFormatError(f"{path}: damaged pose-track metadata ({exc})") from None
    _check_timing(path, track)
    return track


def recorded_video_path(track: PoseTrack) -> Path | None:
    """Return the clip's absolute path as recorded when the track was made (None for older tracks)."""
    path = dict(track.provenance.get("video", {}) or {}).get("path")
    return Path(path) if path else None
