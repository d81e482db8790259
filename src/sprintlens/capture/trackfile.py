"""The pose-track file (``.npz``): one array per per-frame field, with metadata and provenance."""

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
from sprintlens.core.track import PER_FRAME_FIELDS, PoseTrack

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


def load_track(path: str | os.PathLike[str]) -> PoseTrack:
    """Load and validate a pose track saved by :func:`save_track`.

    Raises
    ------
    TrackFormatError
        If the file is missing, not a pose-track file, of a newer format version, or invalid.
    """
    path = Path(path)
    if not path.is_file():
        raise TrackFormatError(f"{path}: no such pose-track file")
    try:
        with np.load(path, allow_pickle=False) as data:
            entries = {name: data[name] for name in data.files}
    except (OSError, ValueError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise TrackFormatError(f"{path}: not a SprintLens pose-track file ({exc.__class__.__name__})") from None
    if "format" not in entries or str(entries["format"]) != FORMAT:
        raise TrackFormatError(f"{path}: not a SprintLens pose-track file")
    version = int(entries.get("format_version", -1))
    if version != FORMAT_VERSION:
        raise TrackFormatError(f"{path}: pose-track format version {version}; this SprintLens reads {FORMAT_VERSION}")
    missing = [name for name in (*_ARRAYS, "meta") if name not in entries]
    if missing:
        raise TrackFormatError(f"{path}: pose-track file lacks {', '.join(missing)}")
    try:
        meta = json.loads(str(entries["meta"]))
        if list(meta["landmark_names"]) != list(NAMES):
            raise TrackFormatError(f"{path}: landmark order differs from MediaPipe's 33 pose landmarks")
        fields = {name: entries[name] for name in _ARRAYS}
        return PoseTrack(
            **fields,
            fps=meta["fps"],
            frame_size=tuple(meta["frame_size"]),
            video_sha256=meta["video_sha256"],
            model_id=meta["model_id"],
            model_version=meta["model_version"],
            provenance=meta["provenance"],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise TrackFormatError(f"{path}: damaged pose-track metadata ({exc})") from None


def recorded_video_path(track: PoseTrack) -> Path | None:
    """Return the clip's absolute path as recorded when the track was made (None for older tracks)."""
    path = dict(track.provenance.get("video", {}) or {}).get("path")
    return Path(path) if path else None
