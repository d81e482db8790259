#!/usr/bin/env python3
"""Rendering speed: annotated clip (frames/s), plots, kinogram, report and comparison (seconds).

Usage::

    python scripts/bench_render.py [VIDEO_OR_ANALYSIS_DIR] [--slow-motion auto|2] [--freeze 0.3] [--repeat 1]

Default input: ../shared/footage/treadmill_run_side_portrait_30fps.mp4 (pose estimation runs first
and is timed separately; give an analysis folder to skip it).  Prints one line per measurement.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

from sprintlens.analysis.folder import load_rep_or_video
from sprintlens.capture.video import read_frames
from sprintlens.render import plots
from sprintlens.render.annotate import annotate_frame
from sprintlens.render.clip import ClipOptions, render_clip
from sprintlens.render.compare import CompareOptions, write_comparison
from sprintlens.render.frame_state import frame_states, panel_corner
from sprintlens.render.kinogram import render_kinogram
from sprintlens.render.outputs import RenderOptions, render_outputs
from sprintlens.render.style import Sizes

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "footage" / "treadmill_run_side_portrait_30fps.mp4"


def timed(fn, repeat: int = 1):  # noqa: ANN001, ANN201
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", nargs="?", default=str(DEFAULT), help="video or analysis folder")
    parser.add_argument("--slow-motion", default="auto", help="factor (2 = half speed) or auto")
    parser.add_argument("--freeze", type=float, default=0.0)
    parser.add_argument("--repeat", type=int, default=1, help="best of N for the short measurements")
    args = parser.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}")
    seconds, rep = timed(lambda: load_rep_or_video(args.source))
    a = rep.analysis
    n = a.track.n_frames
    w, h = a.track.frame_size
    print(f"input: {rep.video.name}, {w}x{h}, {n} frames at {a.track.fps:.4g} fps, {len(a.steps)} steps")
    print(f"pose + analysis (or load): {seconds:.2f} s")

    with tempfile.TemporaryDirectory(prefix="sprintlens-bench-") as tmp:
        out = Path(tmp)
        # drawing alone, on frames already decoded (no video input or output)
        from sprintlens.render.clip import source_info

        info = source_info(a, rep.video)
        frames = [f.rgb for _, f in zip(range(min(n, 120)), read_frames(info))]
        states = frame_states(a)
        corner = panel_corner(a.cleaned.smooth.positions_px, a.track.frame_size)
        sizes = Sizes.for_frame(w, h)
        start = time.perf_counter()
        for k, rgb in enumerate(frames):
            annotate_frame(rgb, states[k], direction=a.direction.sign, corner=corner, sizes=sizes)
        draw = time.perf_counter() - start
        print(f"annotate only: {len(frames) / draw:.1f} frames/s ({1000 * draw / len(frames):.1f} ms/frame, "
              f"{len(frames)} frames)")

        slow = None if args.slow_motion == "auto" else float(args.slow_motion)
        options = ClipOptions(slow_motion=slow, freeze_s=args.freeze)
        seconds, result = timed(lambda: render_clip(a, rep.video, out / "clip.mp4", options))
        print(f"annotated clip (decode + draw + H.264 {options.preset}): {n / seconds:.1f} source frames/s, "
              f"{result.n_frames / seconds:.1f} output frames/s ({result.n_frames} frames at {result.fps:.4g} fps, "
              f"slow motion {args.slow_motion}, freeze {args.freeze:g} s; {seconds:.2f} s)")

        def all_plots() -> None:
            for fig, _ in (plots.plot_angle_panels(a), plots.plot_step_panels(a), plots.plot_velocity(a)):
                plots.save_figure(fig, out / "plot")

        seconds, _ = timed(all_plots, args.repeat)
        print(f"plots (angles, steps, velocity; PNG + SVG each): {seconds:.2f} s")
        if a.steps:
            seconds, _ = timed(lambda: render_kinogram(a, rep.video), args.repeat)
            print(f"kinogram: {seconds:.2f} s")
        seconds, _ = timed(lambda: render_outputs(a, rep.video, out / "report", RenderOptions(clip=False),
                                                  name=rep.name), args.repeat)
        size = (out / "report" / "report.html").stat().st_size
        print(f"report with its plots and kinogram (no clip): {seconds:.2f} s, report.html {size / 1e6:.2f} MB")
        try:
            seconds, written = timed(lambda: write_comparison([a, a], [rep.video, rep.video], ["A", "B"],
                                                              out / "compare", CompareOptions()))
            print(f"comparison of the rep with itself (side by side + ghost + plots + page): {seconds:.2f} s")
        except Exception as exc:  # a rep without touchdowns cannot be compared
            print(f"comparison: skipped ({exc})")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
