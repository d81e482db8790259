"""Checks of a command's arguments and files, made before any pose estimation or heavy import.

Each is quick (a clip is probed, a folder looked at, a number compared with its range) and loads
neither SciPy nor MediaPipe nor matplotlib, so a wrong argument is refused in a fraction of a
second instead of after minutes of pose estimation.  Errors are :class:`SprintLensError`: one
line, exit code 1.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sprintlens.core.errors import (
    ModelError,
    OutputError,
    SprintLensError,
    TrackFormatError,
    VideoError,
)

if TYPE_CHECKING:
    from sprintlens.capture.video import FrameSpan, VideoInfo
    from sprintlens.core.track import PoseTrack


# -- numbers -------------------------------------------------------------------------------------

def check_height(height_m: float | None) -> None:
    """Refuse an athlete height outside the range the height scale accepts (``--height``)."""
    if height_m is None:
        return
    from sprintlens.analysis.scale import check_height_m

    check_height_m(height_m)


def parse_calib(text: str | None) -> tuple[float, float, float, float, float] | None:
    """Parse and check ``--calib X1,Y1,X2,Y2,METRES`` (None when not given)."""
    if text is None:
        return None
    from sprintlens.analysis.scale import check_calibration, parse_calibration

    values = parse_calibration(text)
    check_calibration(*values)
    return values


def check_points_in_frame(points: list[tuple[float, float]], size: tuple[int, int], option: str) -> None:
    """Refuse image points (px) that are not finite or lie outside a frame of ``size`` (width, height).

    Parameters
    ----------
    points : list of (float, float)
        The points (x, y) in px.
    size : (int, int)
        Width and height of the upright frame (px).
    option : str
        The option that gave the points, for the message.
    """
    width, height = size
    for x, y in points:
        if not (math.isfinite(x) and math.isfinite(y)):
            raise SprintLensError(f"{option}: {x:g},{y:g} is not a pixel position")
        if not (0 <= x <= width and 0 <= y <= height):
            raise SprintLensError(f"{option}: {x:g},{y:g} lies outside the frame ({width}x{height} pixels)")


# -- the clip and its parts ----------------------------------------------------------------------

def probe_clip(path: str | os.PathLike[str], capture_fps: float | None = None) -> VideoInfo:
    """Probe a clip (metadata and first frame; fast): a missing or unreadable file is refused here."""
    path = Path(path)
    if not path.exists():  # said before OpenCV loads
        raise VideoError(f"{path}: no such file")
    if path.is_dir():
        raise VideoError(f"{path}: is a folder, not a video file")
    from sprintlens.capture.video import probe

    return probe(path, capture_fps=capture_fps)


def check_span(span: FrameSpan, info: VideoInfo) -> None:
    """Refuse ``--start``/``--end`` outside the clip (frame numbers and playback times as a player shows)."""
    last = info.n_frames
    duration = info.duration_s
    period = 1.0 / info.fps if info.fps > 0 else 0.0
    if span.start_frame is not None and span.start_frame >= last:
        raise VideoError(f"--start {span.start_frame}: the clip has {last} frames (0-{last - 1})")
    if span.start_s is not None and span.start_s >= duration:
        raise VideoError(f"--start {span.start_s:g}s: the clip lasts {duration:.2f} s")
    if span.end_frame is not None and span.end_frame > last:
        raise VideoError(f"--end {span.end_frame}: the clip has {last} frames (0-{last - 1})")
    if span.end_s is not None and span.end_s > duration + period + 1e-9:
        raise VideoError(f"--end {span.end_s:g}s: the clip lasts {duration:.2f} s")
    start_s = span.start_s if span.start_s is not None else (span.start_frame or 0) * period
    end_s = span.end_s if span.end_s is not None else (
        span.end_frame * period if span.end_frame is not None else math.inf)
    if end_s <= start_s + 1e-9:
        raise VideoError("--start and --end leave no frames of the clip")


def check_pose_options(info: VideoInfo, start: str | None, end: str | None, athlete_point: str | None,
                       model: str | None) -> None:
    """Check a clip's pose options against it: the span, the athlete's point, the model.

    Parameters
    ----------
    info : VideoInfo
        The probed clip.
    start, end : str, optional
        ``--start``/``--end`` as given.
    athlete_point : str, optional
        ``--athlete N`` or ``--athlete X,Y`` as given.
    model : str, optional
        ``--model``: a shipped model's name or a bundle's path.
    """
    from sprintlens.capture.video import FrameSpan
    from sprintlens.cli.options import parse_number, parse_point

    check_span(FrameSpan.parse(start, end), info)
    parse_number(athlete_point)
    point = parse_point(athlete_point)
    if point is not None:
        check_points_in_frame([point], (info.width, info.height), "--athlete")
    check_model(model)


def check_model(model: str | None) -> None:
    """Refuse a ``--model`` that is neither a shipped model nor an existing file (its checksum is read later)."""
    from sprintlens.capture.model import SHIPPED_MODELS

    if model is None or model in SHIPPED_MODELS:
        return
    path = Path(model)
    if not path.exists():
        raise ModelError(f"{path}: pose model file not found (give {', '.join(SHIPPED_MODELS)} or the path of a "
                         ".task bundle)")
    if not path.is_file():
        raise ModelError(f"{path}: pose model path is not a file")


# -- output --------------------------------------------------------------------------------------

def _nearest_existing(path: Path) -> Path:
    for candidate in path.absolute().parents:
        if candidate.exists():
            return candidate
    return Path(".")


def check_output_folder(folder: Path) -> Path:
    """Check that ``folder`` is, or can be made (parents too), a writable folder; make nothing yet."""
    folder = Path(folder)
    if folder.exists():
        if not folder.is_dir():
            raise OutputError(f"{folder}: is not a folder (it is a file); give a folder for the results")
        existing = folder
    else:
        existing = _nearest_existing(folder)
        if not existing.is_dir():
            raise OutputError(f"{folder}: cannot be made: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{existing}: is not writable")
    return folder


def check_output_file(path: Path) -> Path:
    """Check that a file can be written at ``path`` (its missing folders made later); make nothing yet."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"{path}: exists and is not writable")
    check_output_folder(path.parent if str(path.parent) else Path("."))
    return path


def make_folder(folder: Path) -> None:
    """Make ``folder`` and its missing parents (checked by :func:`check_output_folder`)."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot be made ({exc.strerror or exc})") from None


# -- inputs written by SprintLens ----------------------------------------------------------------

def check_track_file(path: Path) -> PoseTrack:
    """Load a pose-track file (fast): a missing or damaged one is refused here."""
    from sprintlens.capture.trackfile import load_track

    if not path.exists():
        raise TrackFormatError(f"{path}: no such file")
    if path.is_dir():
        raise TrackFormatError(f"{path}: is a folder, not a pose-track file")
    return load_track(path)


def check_analysis_folder(folder: Path) -> dict[str, Any]:
    """Refuse a path that is not an analysis folder; return its summary record (empty if none)."""
    if not folder.is_dir():
        raise TrackFormatError(f"{folder}: is not an analysis folder (run `sprintlens analyse VIDEO` first)")
    if not (folder / "track.npz").is_file():
        raise TrackFormatError(f"{folder}: has no track.npz; is it a SprintLens analysis folder?")
    summary = folder / "summary.json"
    if not summary.is_file():
        return {}
    try:
        record = json.loads(summary.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TrackFormatError(f"{summary}: cannot be read ({exc})") from None
    return record if isinstance(record, dict) else {}


def check_rep_video(folder: Path, video: Path | None) -> None:
    """Refuse a rep whose clip cannot be found or read: ``video`` if given, else where it was analysed."""
    if video is None:
        from sprintlens.capture.trackfile import load_track, recorded_video_path

        video = recorded_video_path(load_track(folder / "track.npz"))
        if video is None:
            raise VideoError(f"{folder}: the analysis does not record where its video is; give it with --video")
        if not video.is_file():
            raise VideoError(f"{video}: the analysed video is no longer there; give its new place with --video")
    probe_clip(video)


def read_flags_file(path: Path | None) -> list[dict[str, Any]] | None:
    """Read ``--flags FILE``: a JSON list of flag records (None when not given).

    Each record's fields are checked by :func:`sprintlens.render.outputs.flags_from_records`.
    """
    if path is None:
        return None
    from sprintlens.core.files import os_error_cause

    path = Path(path)
    try:
        if path.is_file() and path.stat().st_size > 50_000_000:
            raise SprintLensError(f"{path}: too large for a flags file")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SprintLensError(f"{path}: cannot read flags ({os_error_cause(exc)})") from None
    except UnicodeDecodeError:
        raise SprintLensError(f"{path}: cannot read flags (not UTF-8 text)") from None
    try:
        records = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise SprintLensError(f"{path}: cannot read flags (not JSON: {str(exc).splitlines()[0][:80]})") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise SprintLensError(f"{path}: must hold a JSON list of flag records")
    return records
