"""Files: atomic writes, and the pose-track file format.

Pose-track file format (``.npz``, version 1)
--------------------------------------------
A NumPy ``.npz`` archive (zip of ``.npy`` arrays, readable from any language with an NPY reader),
written without pickles:

==================  ===========  ==========================================================
entry               dtype        meaning
==================  ===========  ==========================================================
``format``          str          ``"sprintlens.pose_track"``
``format_version``  int64        ``1``
``positions_px``    float64      (T, 33, 2) landmark x, y in pixels of the upright frame, y down
``depth_px``        float64      (T, 33) MediaPipe relative depth, pixel scale, hip midpoint 0
``visibility``      float64      (T, 33) 0-1
``presence``        float64      (T, 33) 0-1
``t_s``             float64      (T,) real time of each frame, seconds
``frame_index``     int64        (T,) index of each frame in the video file
``meta``            str          JSON: ``fps``, ``frame_size`` [w, h], ``video_sha256``,
                                 ``model_id``, ``model_version``, ``provenance``,
                                 ``landmark_names`` (the 33 names in index order)
==================  ===========  ==========================================================

NaN marks missing data.  Landmark order is MediaPipe's (:class:`sprintlens.landmarks.Landmark`).
Float64 throughout, so a save/load round trip is exact.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io as _io
import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from .errors import OutputError, TrackFormatError
from .landmarks import NAMES
from .track import PER_FRAME_FIELDS, PoseTrack

FORMAT = "sprintlens.pose_track"
FORMAT_VERSION = 1
_ARRAYS = PER_FRAME_FIELDS  # one array of the file per per-frame field of the track


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes, as hex (identifies a clip however it is renamed)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ensure_writable_folder(folder: Path) -> None:
    """Raise :class:`OutputError` unless ``folder`` exists and files can be created in it."""
    if not folder.exists():
        raise OutputError(f"{folder}: output folder does not exist")
    if not folder.is_dir():
        raise OutputError(f"{folder}: is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{folder}: output folder is not writable")


def check_output_file(path: str | os.PathLike[str]) -> Path:
    """Check, before any long work, that ``path`` can be written; return it as a Path."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name")
    ensure_writable_folder(path.parent if str(path.parent) else Path("."))
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"{path}: exists and is not writable")
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place only if the block succeeds.

    A crash or Ctrl-C inside the block leaves ``path`` as it was (absent or its old content).
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    ensure_writable_folder(folder)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private; give them the usual mode
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return "" if not np.isfinite(value) else round(float(value), 6)
    if isinstance(value, np.integer):
        return int(value)
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with a header row; missing values (None, NaN) as empty cells, booleans as 0/1,
    floats rounded to 6 decimals."""
    buffer = _io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue()


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write a text file atomically (UTF-8)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(path: str | os.PathLike[str], data: object) -> None:
    """Write JSON atomically (UTF-8, indented, NaN written as null)."""
    write_text(path, json.dumps(_nan_to_none(data), indent=2, allow_nan=False) + "\n")


def _nan_to_none(value: object) -> object:
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, np.floating):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.ndarray):
        return _nan_to_none(value.tolist())
    if isinstance(value, dict):
        return {str(k): _nan_to_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nan_to_none(v) for v in value]
    return value


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
