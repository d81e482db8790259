"""Two sessions a week apart as the generator's ground-truth pose tracks (a perfect pose model: no
rendering, no MediaPipe), saved as pose-track files the ``session`` command reads."""

from __future__ import annotations

from pathlib import Path

from sprintlens.capture.trackfile import save_track
from sprintlens.synth import build_truth, prepare, truth_track
from sprintlens.synth.samples import WEEK1_LEVELS, WEEK2_LEVELS, session_rep_spec

__all__ = ["WEEK1_LEVELS", "WEEK2_LEVELS", "write_week"]


def write_week(folder: Path, week: int) -> list[Path]:
    """The week's reps as ``rep1.npz`` ... in ``folder`` (each with its own stand-in video SHA-256)."""
    folder.mkdir(parents=True, exist_ok=True)
    levels = WEEK1_LEVELS if week == 1 else WEEK2_LEVELS
    paths = []
    for rep, level in enumerate(levels, start=1):
        truth = build_truth(prepare(session_rep_spec(week, rep, level)), video_name=f"week{week}_rep{rep}.mp4",
                            video_sha256=f"{week:032d}{rep:032d}")
        paths.append(save_track(truth_track(truth), folder / f"rep{rep}.npz"))
    return paths
