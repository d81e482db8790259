"""Two sessions a week apart as the generator's ground-truth pose tracks (a perfect pose model: no
rendering, no MediaPipe), saved as pose-track files the ``session`` command reads."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sprintlens.io import save_track
from sprintlens.synth import (
    CameraSpec,
    ClipSpec,
    Fatigue,
    FlyingSpec,
    Mechanics,
    RenderSpec,
    build_truth,
    prepare,
    session_levels,
    truth_track,
)

TRACKING = CameraSpec(distance_m=7.0, hfov_deg=45.0, pan=True)
#: Week 1: the sample session, evenly from fresh to fully fatigued.
WEEK1_LEVELS = tuple(float(v) for v in session_levels(6))
#: Week 2: faster and with shorter contacts; four fresh reps, then fatigue.
WEEK2_MECHANICS = replace(Mechanics(), speed_mps=9.8, contact_s=0.096, step_length_m=2.14)
WEEK2_LEVELS = (0.0, 0.0, 0.0, 0.0, 0.6, 1.0)


def spec(week: int, rep: int, level: float) -> ClipSpec:
    mechanics = Mechanics() if week == 1 else WEEK2_MECHANICS
    return ClipSpec(FlyingSpec(mechanics=mechanics, duration_s=1.4, phase=0.5), camera=TRACKING,
                    render=RenderSpec(fps=120.0), direction="left_to_right", style="green", fatigue=Fatigue(),
                    fatigue_level=level, seed=10 * week + rep)


def write_week(folder: Path, week: int) -> list[Path]:
    """The week's reps as ``rep1.npz`` ... in ``folder`` (each with its own stand-in video SHA-256)."""
    folder.mkdir(parents=True, exist_ok=True)
    levels = WEEK1_LEVELS if week == 1 else WEEK2_LEVELS
    paths = []
    for rep, level in enumerate(levels, start=1):
        truth = build_truth(prepare(spec(week, rep, level)), video_name=f"week{week}_rep{rep}.mp4",
                            video_sha256=f"{week:032d}{rep:032d}")
        paths.append(save_track(truth_track(truth), folder / f"rep{rep}.npz"))
    return paths
