"""A rep to draw: its analysis and the clip it came from, loaded from an analysis folder or made from a video.

An analysis folder (written by ``sprintlens analyse``) holds the pose track and the options of the
analysis (``summary.json``), not the pictures; they are drawn again from the track and the video.
The video's absolute path is recorded in the track's provenance (``video.path``); another path
can be given, and the clip is checked against the track's SHA-256 so a rep is never drawn over
the wrong video.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..analysis import Analysis, AnalysisConfig
from ..errors import TrackFormatError, VideoError
from ..events import ContactConfig
from ..export import OUTPUT_FILES
from ..io import load_track
from ..pipeline import PoseConfig, analyse_track, track_video
from ..signal import CleaningConfig
from ..track import PoseTrack
from ..video import file_sha256, probe

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rep:
    """One analysed rep and its clip.

    Attributes
    ----------
    analysis : Analysis
        The analysis (re-run on the saved track with the saved options for a folder).
    video : Path
        The clip the track came from.
    name : str
        Short name for titles (the clip's file stem).
    folder : Path or None
        The analysis folder it was loaded from, if any.
    """

    analysis: Analysis
    video: Path
    name: str
    folder: Path | None = None


def _dataclass_from(cls: type, record: dict[str, Any] | None) -> Any:
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in (record or {}).items() if k in names})


def analysis_config_from_record(record: dict[str, Any] | None) -> AnalysisConfig:
    """Rebuild the :class:`AnalysisConfig` saved in ``summary.json`` (``analysis_config``).

    Unknown keys (from a newer SprintLens) are ignored; missing ones take their defaults.
    """
    record = dict(record or {})
    calibration = record.get("calibration")
    return AnalysisConfig(
        height_m=record.get("height_m"),
        calibration=tuple(float(v) for v in calibration) if calibration else None,  # type: ignore[arg-type]
        direction=record.get("direction"),
        cleaning=_dataclass_from(CleaningConfig, record.get("cleaning")),
        contacts=_dataclass_from(ContactConfig, record.get("contacts")),
    )


def recorded_video_path(track: PoseTrack) -> Path | None:
    """The clip's absolute path as recorded when the track was made (None for older tracks)."""
    path = dict(track.provenance.get("video", {}) or {}).get("path")
    return Path(path) if path else None


def check_video_matches(track: PoseTrack, video: Path) -> None:
    """Raise :class:`VideoError` when ``video`` is not the clip the track was made from (SHA-256)."""
    if not track.video_sha256:
        log.info("the track records no video checksum; trusting %s", video)
        return
    if file_sha256(video) != track.video_sha256:
        raise VideoError(f"{video}: is not the clip this analysis was made from (its SHA-256 differs); "
                         "give the right one with --video")


def load_rep(folder: str | os.PathLike[str], video: str | os.PathLike[str] | None = None) -> Rep:
    """Load an analysis folder and find its clip.

    Parameters
    ----------
    folder : path-like
        Written by ``sprintlens analyse`` (needs ``track.npz``; ``summary.json`` gives the options).
    video : path-like, optional
        The clip, when it has moved since the analysis (default: the recorded path).

    Raises
    ------
    TrackFormatError
        If the folder is not an analysis folder.
    VideoError
        If the clip cannot be found, or is not the one the track was made from.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise TrackFormatError(f"{folder}: is not an analysis folder (run `sprintlens analyse VIDEO` first)")
    track_file = folder / OUTPUT_FILES["track"]
    if not track_file.is_file():
        raise TrackFormatError(f"{folder}: has no {OUTPUT_FILES['track']}; is it a SprintLens analysis folder?")
    track = load_track(track_file)
    summary_file = folder / OUTPUT_FILES["summary"]
    record: dict[str, Any] = {}
    if summary_file.is_file():
        try:
            record = json.loads(summary_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TrackFormatError(f"{summary_file}: cannot be read ({exc})") from None
    config = analysis_config_from_record(record.get("analysis_config"))
    if video is not None:
        clip = Path(video)
    else:
        clip = recorded_video_path(track)
        if clip is None:
            raise VideoError(f"{folder}: the analysis does not record where its video is; give it with --video")
        if not clip.is_file():
            raise VideoError(f"{clip}: the analysed video is no longer there; give its new place with --video")
    probe(clip)  # a clear error for a file that is not a video
    check_video_matches(track, clip)
    analysis = analyse_track(track, config)
    name = str(dict(track.provenance.get("video", {}) or {}).get("file") or clip.name)
    return Rep(analysis=analysis, video=clip, name=Path(name).stem, folder=folder)


def rep_from_video(video: str | os.PathLike[str], pose_config: PoseConfig | None = None,
                   config: AnalysisConfig | None = None,
                   progress: Callable[[int, int], None] | None = None) -> Rep:
    """Track and analyse a clip (pose estimation: tens of frames per second)."""
    info = probe(video, capture_fps=pose_config.capture_fps if pose_config else None)
    track = track_video(info.path, pose_config, progress=progress, info=info)
    return Rep(analysis=analyse_track(track, config), video=info.path, name=info.path.stem)


def load_rep_or_video(source: str | os.PathLike[str], video: str | os.PathLike[str] | None = None,
                      progress: Callable[[int, int], None] | None = None) -> Rep:
    """An analysis folder (see :func:`load_rep`) or a video (analysed now with default options)."""
    path = Path(source)
    if path.is_dir():
        return load_rep(path, video)
    return rep_from_video(path, progress=progress)
