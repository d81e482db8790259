#!/usr/bin/env python3
"""Benchmark the analysis stage, and ``sprintlens analyse`` against a bare MediaPipe loop.

Two figures, from one run:

* **analysis stage**: ``analyse_track`` on saved pose tracks (the stage after pose estimation),
  in seconds per 1,000 frames (median of ``--repeat`` runs in one process, after one warm-up
  run that loads the modules).  Target: at most 0.3 s per 1,000 frames.
* **analyse / bare loop**: frames/s of ``sprintlens analyse CLIP`` (no render; as the command
  times itself, from its start to the last file written: probing, imports, model loading, pose
  estimation, analysis) over the frames/s of the bare PoseLandmarker loop of
  ``scripts/bench_pose.py`` on the same clip (timed by that loop from importing MediaPipe and
  loading the model to the last frame).  Target: at least 0.95.  The process's wall time
  (interpreter start-up included) is shown too.

Usage::

    python scripts/bench_analysis.py [CLIP ...] [--track TRACK.npz ...] [--repeat 5] [--runs 1]

Without arguments: the flying sample (``sample_videos/flying_240fps.mp4``) and the shared
treadmill clip (``../shared/footage/treadmill_run_side_portrait_30fps.mp4``, when present); the
track of each clip is made with ``sprintlens pose`` first.  Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLIPS = (ROOT / "sample_videos" / "flying_240fps.mp4",
                 ROOT.parent / "shared" / "footage" / "treadmill_run_side_portrait_30fps.mp4")
#: Clips whose athlete's height is known (the rendered samples: 1.80 m), as the baseline runs give it.
HEIGHTS_M = {"flying_240fps": 1.80}


def _sprintlens(*args: object) -> list[str]:
    return [sys.executable, "-c", "from sprintlens.cli import main; main()", *map(str, args)]


def make_track(clip: Path, folder: Path) -> Path:
    """``sprintlens pose CLIP`` into ``folder``."""
    target = folder / f"{clip.stem}.pose.npz"
    subprocess.run(_sprintlens("pose", clip, "-o", target, "-q"), check=True, stdin=subprocess.DEVNULL)
    return target


def analysis_stage(track_file: Path, repeat: int) -> tuple[int, float, float]:
    """Frames of the track, and the median wall and CPU time (s) of ``analyse_track`` on it, in this process.

    The CPU time is the steadier figure on a machine shared with other work.
    """
    from sprintlens.analysis.pipeline import analyse_track
    from sprintlens.analysis.result import AnalysisConfig
    from sprintlens.capture.trackfile import load_track

    track = load_track(track_file)
    name = track_file.name.removesuffix(".pose.npz").removesuffix(".npz")
    if name == "track":  # an analysis folder's track: named after its folder
        name = track_file.parent.name.removesuffix(".sprintlens")
    config = AnalysisConfig(height_m=HEIGHTS_M.get(name))
    analyse_track(track, config)  # warm-up: module loading, caches
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        analyse_track(track, config)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return track.n_frames, statistics.median(times), statistics.median(cpu)


def analyse_fps(clip: Path, folder: Path) -> tuple[int, float, float, float]:
    """``sprintlens analyse CLIP -q``: frames, frames/s as the command times itself, its time and the process's (s).

    The command times itself from its start (after the interpreter and the command line have
    loaded) to the last file written, as the bare loop times itself from importing MediaPipe
    to the last frame; the process's wall time adds the interpreter's start-up.
    """
    from sprintlens.capture.video import probe

    frames = probe(clip).n_frames
    args = ["analyse", clip, "-o", folder / f"{clip.stem}.sprintlens", "-q"]
    if clip.stem in HEIGHTS_M:
        args += ["--height", HEIGHTS_M[clip.stem]]
    started = time.perf_counter()
    proc = subprocess.run(_sprintlens(*args), check=True, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    wall = time.perf_counter() - started
    match = re.search(r"\(([\d.]+) s\)\s*$", proc.stdout)
    if not match:
        raise SystemExit(f"unexpected output of sprintlens analyse:\n{proc.stdout}")
    own = float(match.group(1))
    return frames, frames / own, own, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clips", nargs="*", type=Path, help="clips (default: the flying sample and the treadmill)")
    parser.add_argument("--track", dest="tracks", action="append", type=Path, default=[],
                        help="a saved pose track to time the analysis stage on (repeatable); with no clips, "
                             "only the analysis stage is timed")
    parser.add_argument("--repeat", type=int, default=5, help="analysis-stage runs per track (median)")
    parser.add_argument("--runs", type=int, default=1, help="runs of analyse and of the bare loop per clip (median)")
    parser.add_argument("--max-people", type=int, default=3, help="num_poses of the bare loop (analyse's default: 3)")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_pose import run_bare

    clips = list(args.clips) or ([] if args.tracks else [c for c in DEFAULT_CLIPS if c.is_file()])
    for clip in clips:
        if not clip.is_file():
            raise SystemExit(f"{clip}: no such file")
    with tempfile.TemporaryDirectory(prefix="sprintlens-bench-") as tmp:
        folder = Path(tmp)
        tracks = list(args.tracks) + [make_track(clip.resolve(), folder) for clip in clips]
        print("analysis stage (analyse_track on a saved track; median of "
              f"{args.repeat} runs after a warm-up)")
        for track_file in tracks:
            frames, seconds, cpu = analysis_stage(track_file, args.repeat)
            label = track_file.parent.name if track_file.name == "track.npz" else track_file.name
            per_k = 1000 * seconds / frames
            verdict = "ok" if per_k <= 0.3 else "above the 0.3 s target"
            print(f"  {label:44} {frames:6d} frames  {seconds:7.3f} s  {per_k:6.3f} s per 1000 frames"
                  f"  (CPU {1000 * cpu / frames:.3f} s per 1000 frames; {verdict})")
        if not clips:
            return
        print("sprintlens analyse CLIP (no render; whole process) against the bare MediaPipe loop "
              f"(scripts/bench_pose.py; median of {args.runs})")
        for clip in clips:
            bare_runs, analyse_runs = [], []
            for _ in range(args.runs):
                bare_runs.append(run_bare(clip.resolve(), args.max_people, "full"))
                analyse_runs.append(analyse_fps(clip.resolve(), folder))
            bare_fps = statistics.median(r.fps for r in bare_runs)
            frames = analyse_runs[0][0]
            fps = statistics.median(r[1] for r in analyse_runs)
            own = statistics.median(r[2] for r in analyse_runs)
            wall = statistics.median(r[3] for r in analyse_runs)
            ratio = fps / bare_fps
            verdict = "ok" if ratio >= 0.95 else "below the 0.95 target"
            print(f"  {clip.name:44} {frames:6d} frames  bare {bare_fps:6.1f} frames/s  analyse {fps:6.1f} frames/s"
                  f" ({own:.1f} s; process {wall:.1f} s, {frames / wall:.1f} frames/s)  ratio {ratio:.2f}  ({verdict})")

if __name__ == "__main__":
    main()
