"""The analysis folder: its writer and its reader.

Writing: per-frame angles (CSV), per-step table (CSV), summary (JSON), the pose track.

Every file is written atomically (temporary file, then rename).  CSV cells for missing values
are empty; JSON writes them as ``null``.  The summary JSON records provenance: the options of
both stages, the library versions, the video's SHA-256 and the pose model.

Reading (:func:`load_rep`): the folder holds the pose track and the options of the analysis
(``summary.json``), not the pictures; the analysis is run again from the track with those
options.  The video's absolute path is recorded in the track's provenance (``video.path``);
another path can be given, and the clip is checked against the track's SHA-256 so a rep is never
drawn over the wrong video.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from sprintlens.analysis.angles import ANGLE_COLUMNS, ANGLES, DERIVED
from sprintlens.analysis.cleaning import CleaningConfig
from sprintlens.analysis.ground import ContactConfig
from sprintlens.analysis.pipeline import analyse_track
from sprintlens.analysis.result import Analysis, AnalysisConfig
from sprintlens.capture.trackfile import load_track, recorded_video_path, save_track
from sprintlens.capture.tracking import PoseConfig, track_video
from sprintlens.capture.video import file_sha256, probe
from sprintlens.core.errors import TrackFormatError, VideoError
from sprintlens.core.files import (
    csv_text,
    ensure_writable_folder,
    write_json,
    write_text,
)
from sprintlens.core.track import PoseTrack
from sprintlens.core.version import __version__

OUTPUT_FILES = {
    "angles": "angles.csv",
    "steps": "steps.csv",
    "summary": "summary.json",
    "track": "track.npz",
}


def angles_table(analysis: Analysis) -> tuple[list[str], list[list[object]]]:
    """Per-frame table: frame, time, whether the athlete was seen, every angle, speed, contacts."""
    track = analysis.track
    unit = analysis.scale.unit
    in_contact = {side: np.zeros(track.n_frames, dtype=bool) for side in ("left", "right")}
    for c in analysis.contacts:
        in_contact[c.foot][c.first_frame:c.last_frame + 1] = True
    header = ["frame", "t_s", "athlete_seen", *ANGLE_COLUMNS, f"hip_velocity_{unit}_s", "contact_left", "contact_right"]
    seen = track.detected
    rows = []
    for k in range(track.n_frames):
        rows.append([int(track.frame_index[k]), float(track.t_s[k]), int(seen[k]),
                     *(float(analysis.angles[name][k]) for name in ANGLE_COLUMNS), float(analysis.velocity[k]),
                     int(in_contact["left"][k]), int(in_contact["right"][k])])
    return header, rows


def steps_table(analysis: Analysis) -> tuple[list[str], list[list[object]]]:
    """Per-step table (one row per step; distances in the rep's unit)."""
    table = analysis.step_table
    fields = list(table)
    unit = analysis.scale.unit
    header = [f"{name}_{unit}" if name in ("step_length", "step_length_unc", "touchdown_distance") else
              f"{name}_{unit}_s" if name == "step_velocity" else name for name in fields]
    rows = [[row[name] for name in fields] for row in table.rows()]
    return header, rows


def _versions() -> dict[str, str]:
    import cv2
    import scipy

    versions = {"sprintlens": __version__, "python": platform.python_version(), "numpy": np.__version__,
                "scipy": scipy.__version__, "opencv": cv2.__version__}
    try:
        import mediapipe

        versions["mediapipe"] = mediapipe.__version__
    except ImportError:  # a track analysed without the pose stage installed
        pass
    return versions


def summary_record(analysis: Analysis) -> dict[str, object]:
    """Everything about the rep as JSON-ready data, with provenance."""
    track = analysis.track
    start = analysis.start
    return {
        "format": "sprintlens.analysis",
        "format_version": 1,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "video": {**dict(track.provenance.get("video", {})), "sha256": track.video_sha256},
        "pose": {"model_id": track.model_id, "model_version": track.model_version,
                 "config": track.provenance.get("pose"), "athlete": track.provenance.get("athlete"),
                 "frames": track.n_frames, "athlete_seen_fraction": track.coverage},
        "analysis_config": dataclasses.asdict(analysis.config),
        "versions": _versions(),
        "direction": dataclasses.asdict(analysis.direction),
        "passes": [dataclasses.asdict(p) for p in analysis.passes],
        "analysed_pass": None if analysis.chosen_pass is None else dataclasses.asdict(analysis.chosen_pass),
        "scale": {**dataclasses.asdict(analysis.scale), "unit": analysis.scale.unit},
        "cleaning": {**analysis.cleaned.report, "cutoffs_hz": analysis.cleaned.cutoffs_hz.tolist()},
        "gait": {"gait": analysis.gait.gait.value, "reason": analysis.gait.reason,
                 "flight_fraction": analysis.gait.flight_fraction, "duty_factor": analysis.gait.duty_factor},
        "start": None if start is None else {**dataclasses.asdict(start), "block_time_s": start.block_time_s,
                                             "rear_block_time_s": start.rear_block_time_s},
        "rep": analysis.summary.as_dict(),
        "steps": analysis.step_table.rows(),
        "contacts": [{**dataclasses.asdict(c), "contact_s": c.contact_s} for c in analysis.contacts],
        "angle_definitions": {**{a.name: a.description for a in ANGLES}, **DERIVED},
    }


def write_analysis(analysis: Analysis, out_dir: str | Path, include_track: bool = True) -> dict[str, Path]:
    """Write the analysis files into ``out_dir`` (created if its parent exists).

    Returns the paths written, by kind (``angles``, ``steps``, ``summary``, ``track``).
    """
    out = Path(out_dir)
    if not out.exists():
        ensure_writable_folder(out.parent if str(out.parent) else Path("."))
        out.mkdir()
    written: dict[str, Path] = {}
    header, rows = angles_table(analysis)
    write_text(out / OUTPUT_FILES["angles"], csv_text(header, rows))
    written["angles"] = out / OUTPUT_FILES["angles"]
    header, rows = steps_table(analysis)
    write_text(out / OUTPUT_FILES["steps"], csv_text(header, rows))
    written["steps"] = out / OUTPUT_FILES["steps"]
    write_json(out / OUTPUT_FILES["summary"], summary_record(analysis))
    written["summary"] = out / OUTPUT_FILES["summary"]
    if include_track:
        # the whole clip's track, not only the pass analysed: rerunning on it can pick another
        written["track"] = save_track(analysis.whole_track or analysis.track, out / OUTPUT_FILES["track"])
    return written

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnalysedClip:
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


def check_video_matches(track: PoseTrack, video: Path) -> None:
    """Raise :class:`VideoError` when ``video`` is not the clip the track was made from (SHA-256)."""
    if not track.video_sha256:
        log.info("the track records no video checksum; trusting %s", video)
        return
    if file_sha256(video) != track.video_sha256:
        raise VideoError(f"{video}: is not the clip this analysis was made from (its SHA-256 differs); "
                         "give the right one with --video")


def load_rep(folder: str | os.PathLike[str], video: str | os.PathLike[str] | None = None) -> AnalysedClip:
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
    return AnalysedClip(analysis=analysis, video=clip, name=Path(name).stem, folder=folder)


def rep_from_video(video: str | os.PathLike[str], pose_config: PoseConfig | None = None,
                   config: AnalysisConfig | None = None,
                   progress: Callable[[int, int], None] | None = None) -> AnalysedClip:
    """Track and analyse a clip (pose estimation: tens of frames per second)."""
    info = probe(video, capture_fps=pose_config.capture_fps if pose_config else None)
    track = track_video(info.path, pose_config, progress=progress, info=info)
    return AnalysedClip(analysis=analyse_track(track, config), video=info.path, name=info.path.stem)


def load_rep_or_video(source: str | os.PathLike[str], video: str | os.PathLike[str] | None = None,
                      progress: Callable[[int, int], None] | None = None) -> AnalysedClip:
    """An analysis folder (see :func:`load_rep`) or a video (analysed now with default options)."""
    path = Path(source)
    if path.is_dir():
        return load_rep(path, video)
    return rep_from_video(path, progress=progress)
