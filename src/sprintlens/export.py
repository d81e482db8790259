"""Writing an analysis to files: per-frame angles (CSV), per-step table (CSV), summary (JSON).

Every file is written atomically (temporary file, then rename).  CSV cells for missing values
are empty; JSON writes them as ``null``.  The summary JSON records provenance: the options of
both stages, the library versions, the video's SHA-256 and the pose model.
"""

from __future__ import annotations

import dataclasses
import platform
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from . import __version__
from .analysis import Analysis
from .io import csv_text, ensure_writable_folder, save_track, write_json, write_text
from .kinematics import ANGLE_COLUMNS, ANGLES, DERIVED
from .metrics import Step

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
    fields = [f.name for f in dataclasses.fields(Step)]
    unit = analysis.scale.unit
    header = [f"{name}_{unit}" if name in ("step_length", "step_length_unc", "touchdown_distance") else
              f"{name}_{unit}_s" if name == "step_velocity" else name for name in fields]
    rows = [[getattr(step, name) for name in fields] for step in analysis.steps]
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
        "steps": [step.as_row() for step in analysis.steps],
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
