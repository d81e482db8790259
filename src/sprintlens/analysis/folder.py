"""The analysis folder: its writer and its reader.

Writing: per-frame angles (CSV), per-step table (CSV), summary (JSON), the pose track.

The files are written as one set (:func:`sprintlens.core.files.staged_folder`): into a staging
folder beside the target, moved into place only when all of them are complete, so a failure or
an interrupt leaves the target folder as it was.  CSV cells for missing values
are empty; JSON writes them as ``null``.  The summary JSON records provenance: the options of
both stages, the library versions, the video's SHA-256 and the pose model.

Reading (:func:`load_rep`): the folder holds the pose track and the options of the analysis
(``summary.json``), not the pictures; the analysis is run again from the track with those
options.  What it reads is checked where it enters: the track by
:func:`sprintlens.capture.trackfile.load_track`, ``summary.json`` here (an object whose
``analysis_config`` has fields of the right types and ranges; unknown keys are ignored).
The video's absolute path is recorded in the track's provenance (``video.path``); another
path can be given, and the clip is checked against the track's SHA-256 so a rep is never drawn
over the wrong video.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import logging
import math
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
    os_error_cause,
    run_staged,
    write_json,
    write_text,
)
from sprintlens.core.step_table import StepTable
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


def _verdict_fields(analysis: Analysis, k: int) -> dict[str, object]:
    """Give the ``trusted`` and ``quality_reasons`` of contact ``k`` (trusted when the contacts were not judged)."""
    verdicts = analysis.contact_verdicts
    if k >= len(verdicts):
        return {"trusted": True, "quality_reasons": ""}
    return {"trusted": verdicts[k].trusted, "quality_reasons": verdicts[k].text}


#: Column heads of ``steps.csv`` that carry the distance unit (``step_length_m``, ``step_velocity_legs_s``).
_UNIT_COLUMNS = ("step_length_unc", "step_length", "touchdown_distance", "step_velocity")


def read_step_table(path: str | os.PathLike[str]) -> StepTable:
    """Read an analysis folder's ``steps.csv`` back into a :class:`~sprintlens.core.step_table.StepTable`.

    The column heads lose their unit suffix (``step_length_m`` -> ``step_length``) and the
    distance unit is read from them.  A file written before steps were judged has no
    ``trusted`` or ``quality_reasons`` column: its steps read as trusted
    (:attr:`StepTable.trusted`).

    Parameters
    ----------
    path : path-like
        The ``steps.csv`` file.

    Returns
    -------
    StepTable
        One column per field, numbers as float64, flags as bool, text as text.

    Raises
    ------
    TrackFormatError
        If the file cannot be read or is not a step table.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise TrackFormatError(f"{path}: cannot be read as a step table ({exc})") from None
    unit = "m"
    renamed: list[dict[str, object]] = []
    for row in rows:
        out: dict[str, object] = {}
        for head, value in row.items():
            name = head
            for base in _UNIT_COLUMNS:
                for u in ("m", "legs"):
                    suffix = f"_{u}_s" if base == "step_velocity" else f"_{u}"
                    if head == base + suffix:
                        name, unit = base, u
            out[name] = None if value == "" else value
        renamed.append(out)
    if rows and "index" not in renamed[0]:
        raise TrackFormatError(f"{path}: is not a SprintLens steps.csv (no index column)")
    return StepTable.from_rows(renamed, unit)


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
        "view": analysis.view.as_dict() if analysis.view is not None else None,
        "steps": analysis.step_table.rows(),
        "contacts": [{**dataclasses.asdict(c), "contact_s": c.contact_s, **_verdict_fields(analysis, k)}
                     for k, c in enumerate(analysis.contacts)],
        "angle_definitions": {**{a.name: a.description for a in ANGLES}, **DERIVED},
    }


def write_analysis(analysis: Analysis, out_dir: str | Path, include_track: bool = True) -> dict[str, Path]:
    """Write the analysis files into ``out_dir`` as one set (created if its parent exists).

    The set is complete or absent: the files are written into a staging folder beside
    ``out_dir`` and moved into place together (other files of an existing folder are left as
    they are; see :func:`sprintlens.core.files.staged_folder`).

    Parameters
    ----------
    analysis : Analysis
        The rep.
    out_dir : path-like
        The analysis folder.
    include_track : bool
        Also write the pose track (``track.npz``), which :func:`load_rep` needs.

    Returns
    -------
    dict of str to Path
        The paths written, by kind (``angles``, ``steps``, ``summary``, ``track``).

    Raises
    ------
    OutputError
        If a file cannot be written (naming it and the cause); ``out_dir`` is then as it was.
    """

    def write(staging: Path) -> dict[str, Path]:
        written: dict[str, Path] = {}
        header, rows = angles_table(analysis)
        write_text(staging / OUTPUT_FILES["angles"], csv_text(header, rows))
        written["angles"] = staging / OUTPUT_FILES["angles"]
        header, rows = steps_table(analysis)
        write_text(staging / OUTPUT_FILES["steps"], csv_text(header, rows))
        written["steps"] = staging / OUTPUT_FILES["steps"]
        write_json(staging / OUTPUT_FILES["summary"], summary_record(analysis))
        written["summary"] = staging / OUTPUT_FILES["summary"]
        if include_track:
            # the whole clip's track, not only the pass analysed: rerunning on it can pick another
            written["track"] = save_track(analysis.whole_track or analysis.track, staging / OUTPUT_FILES["track"])
        return written

    return run_staged(out_dir, "the analysis files", "no analysis files", write)

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


#: Bounds of the numbers in the ``cleaning`` and ``contacts`` options (inclusive); others: 0 to 1000.
_OPTION_BOUNDS = {"min_visibility": (0.0, 1.0), "max_cutoff_fraction": (0.0, 0.5)}
_MAX_PX = 1e6  # as for the coordinates of a pose track


def _bad(where: str, field: str, what: str) -> TrackFormatError:
    return TrackFormatError(f"{where}: analysis_config.{field} {what}")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _options_from(cls: type, record: object, where: str, name: str) -> Any:
    """Build the options dataclass ``cls`` from its saved record, checking each known field's type."""
    if record is None:
        return cls()
    if not isinstance(record, dict):
        raise _bad(where, name, f"must be an object, got {type(record).__name__}")
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in record:
            continue
        value, default = record[f.name], f.default
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise _bad(where, f"{name}.{f.name}", f"must be true or false, got {value!r:.40}")
        elif value is None and default is None:
            pass
        else:
            low, high = _OPTION_BOUNDS.get(f.name, (0.0, 1000.0))
            if not _is_number(value) or not low <= value <= high:
                raise _bad(where, f"{name}.{f.name}", f"must be a number from {low:g} to {high:g}, got {value!r:.40}")
            value = float(value)
        values[f.name] = value
    return cls(**values)


def analysis_config_from_record(record: object, where: str = "summary.json") -> AnalysisConfig:
    """Rebuild and check the :class:`AnalysisConfig` saved in ``summary.json`` (``analysis_config``).

    Unknown keys (from a newer SprintLens) are ignored; missing ones take their defaults.

    Parameters
    ----------
    record : object
        The ``analysis_config`` value read from JSON (None: the defaults).
    where : str
        The file it was read from, for messages.

    Returns
    -------
    AnalysisConfig
        The options.

    Raises
    ------
    TrackFormatError
        If a field has the wrong type or is out of range (the message names the file and the field).
    """
    if record is None:
        return AnalysisConfig()
    if not isinstance(record, dict):
        raise TrackFormatError(f"{where}: analysis_config must be an object, got {type(record).__name__}")
    height = record.get("height_m")
    if height is not None and not (_is_number(height) and 1.0 <= height <= 2.5):
        raise _bad(where, "height_m", f"must be a height in metres from 1.0 to 2.5, got {height!r:.40}")
    calibration = record.get("calibration")
    if calibration is not None:
        if not (isinstance(calibration, list) and len(calibration) == 5 and all(map(_is_number, calibration))
                and all(abs(v) < _MAX_PX for v in calibration) and calibration[4] > 0):
            raise _bad(where, "calibration", f"must be [x1, y1, x2, y2, metres] (pixels, metres > 0), "
                                              f"got {calibration!r:.60}")
        calibration = tuple(float(v) for v in calibration)
    direction = record.get("direction")
    if direction is not None and (isinstance(direction, bool) or direction not in (1, -1)):
        raise _bad(where, "direction", f"must be 1, -1 or null, got {direction!r:.40}")
    try:
        return AnalysisConfig(
            height_m=None if height is None else float(height),
            calibration=calibration,  # type: ignore[arg-type]
            direction=None if direction is None else int(direction),
            cleaning=_options_from(CleaningConfig, record.get("cleaning"), where, "cleaning"),
            contacts=_options_from(ContactConfig, record.get("contacts"), where, "contacts"),
        )
    except (TypeError, ValueError) as exc:  # a dataclass's own checks
        raise TrackFormatError(f"{where}: analysis_config is not valid ({exc})") from None


def read_summary(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read an analysis folder's ``summary.json`` and check it is a JSON object.

    Raises
    ------
    TrackFormatError
        If it cannot be read, is not JSON, or is not an object.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TrackFormatError(f"{path}: cannot be read ({os_error_cause(exc)})") from None
    except UnicodeDecodeError:
        raise TrackFormatError(f"{path}: is not UTF-8 text") from None
    try:
        record = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise TrackFormatError(f"{path}: is not valid JSON ({str(exc).splitlines()[0][:80]})") from None
    if not isinstance(record, dict):
        raise TrackFormatError(f"{path}: must hold a JSON object, got {type(record).__name__}")
    return record


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
    record = read_summary(summary_file) if summary_file.is_file() else {}
    config = analysis_config_from_record(record.get("analysis_config"), str(summary_file))
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
    """Track and analyse a clip (pose estimation: tens of frames per second).

    Parameters
    ----------
    video : path-like
        The clip.
    pose_config : PoseConfig, optional
        Options of the pose stage (default: the defaults).
    config : AnalysisConfig, optional
        Options of the analysis (default: the defaults).
    progress : callable, optional
        ``progress(done, total)`` while the clip is tracked (frames).

    Returns
    -------
    AnalysedClip
        The analysis and its clip.
    """
    info = probe(video, capture_fps=pose_config.capture_fps if pose_config else None)
    track = track_video(info.path, pose_config, progress=progress, info=info)
    return AnalysedClip(analysis=analyse_track(track, config), video=info.path, name=info.path.stem)


def load_rep_or_video(source: str | os.PathLike[str], video: str | os.PathLike[str] | None = None,
                      progress: Callable[[int, int], None] | None = None) -> AnalysedClip:
    """Load an analysis folder (see :func:`load_rep`) or analyse a video now (default options).

    Parameters
    ----------
    source : path-like
        An analysis folder, or a video.
    video : path-like, optional
        For a folder: its clip, when it has moved since the analysis.
    progress : callable, optional
        For a video: ``progress(done, total)`` while it is tracked (frames).

    Returns
    -------
    AnalysedClip
        The analysis and its clip.
    """
    path = Path(source)
    if path.is_dir():
        return load_rep(path, video)
    return rep_from_video(path, progress=progress)
