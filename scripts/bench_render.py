#!/usr/bin/env python3
"""Rendering speed against its targets: annotated clip (frames/s at 720p and 1080p), plots and kinogram (seconds).

Usage::

    python scripts/bench_render.py [VIDEO_OR_ANALYSIS_DIR] [--slow-motion auto|2] [--freeze 0.3] [--repeat 2]
                                   [--no-1080p] [--extras]

Default input: the flying sample (sample_videos/flying_240fps.mp4, 1280x720, 240 fps, 361 frames);
pose estimation runs first and is timed separately (give an analysis folder to skip it).  The
1080p case is the same clip upscaled once with OpenCV to 1920x1080 (written losslessly enough:
H.264 crf 12) with its track scaled to match, so no second pose estimation is needed.

Prints one line per measurement; lines with a target end in PASS or FAIL.  The machine's load
average is printed too: on a shared machine the frames/s fall with the load, so compare runs
made at similar load (or ratios within one run).  ``--extras`` also times the report and the
comparison.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from sprintlens.analysis.folder import load_rep_or_video
from sprintlens.analysis.pipeline import analyse_track
from sprintlens.capture.video import probe, read_frames
from sprintlens.core.video_writer import VideoWriter
from sprintlens.render import plots
from sprintlens.render.annotate import annotate_frame
from sprintlens.render.clip import ClipOptions, render_clip, source_info
from sprintlens.render.frame_state import frame_states, panel_corner
from sprintlens.render.kinogram import render_kinogram
from sprintlens.render.style import Sizes

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "sample_videos" / "flying_240fps.mp4"

#: Targets: annotated clip end to end (decode + draw + encode), output frames/s; plots and kinogram, seconds.
CLIP_FPS_TARGET = {"720p": 120.0, "1080p": 60.0}
PLOTS_S_TARGET = 1.0
KINOGRAM_S_TARGET = 1.0


def timed(fn, repeat: int = 1):  # noqa: ANN001, ANN201
    """Best wall time of ``repeat`` runs, the CPU time (all threads) of that run, and the result."""
    best, cpu, result = float("inf"), float("nan"), None
    for _ in range(max(1, repeat)):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        seconds = time.perf_counter() - start
        if seconds < best:
            best, cpu = seconds, time.process_time() - start_cpu
    return best, cpu, result


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def upscaled(analysis, video: Path, folder: Path, size: tuple[int, int] = (1920, 1080)):  # noqa: ANN001, ANN201
    """The clip resized to ``size`` (OpenCV, bicubic) and its analysis with the track scaled to match."""
    info = source_info(analysis, video)
    out = folder / f"upscaled_{size[0]}x{size[1]}.mp4"
    with VideoWriter(out, info.fps, size, crf=12, preset="veryfast") as writer:
        for frame in read_frames(info):
            writer.write(cv2.resize(frame.rgb, size, interpolation=cv2.INTER_CUBIC))
    track = analysis.track
    sx, sy = size[0] / track.frame_size[0], size[1] / track.frame_size[1]
    scaled = dataclasses.replace(track, positions_px=track.positions_px * np.array([sx, sy]),
                                 depth_px=track.depth_px * sx, frame_size=size, video_sha256="")
    return analyse_track(scaled), out


def bench_clip(label: str, analysis, video: Path, out: Path, options: ClipOptions, repeat: int) -> None:  # noqa: ANN001
    n = analysis.track.n_frames
    w, h = analysis.track.frame_size
    seconds, cpu, result = timed(lambda: render_clip(analysis, video, out / f"clip_{label}.mp4", options), repeat)
    fps = result.n_frames / seconds
    target = CLIP_FPS_TARGET.get(label)
    print(f"annotated clip {label} ({w}x{h}; decode + draw + H.264 {options.preset}): {fps:.1f} output frames/s "
          f"({n / seconds:.1f} source frames/s; {result.n_frames} frames at {result.fps:.4g} fps in {seconds:.2f} s; "
          f"CPU {1000 * cpu / result.n_frames:.1f} ms/frame over all threads)"
          + (f"  target >= {target:g}: {verdict(fps >= target)}" if target else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", nargs="?", default=str(DEFAULT), help="video or analysis folder")
    parser.add_argument("--slow-motion", default="auto", help="factor (2 = half speed) or auto")
    parser.add_argument("--freeze", type=float, default=0.0)
    parser.add_argument("--repeat", type=int, default=2, help="best of N for each measurement")
    parser.add_argument("--no-1080p", dest="hd", action="store_false", help="skip the 1080p clip")
    parser.add_argument("--extras", action="store_true", help="also time the report and the comparison")
    args = parser.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}, "
          f"load average {load()}")
    seconds, _, rep = timed(lambda: load_rep_or_video(args.source))
    a = rep.analysis
    n = a.track.n_frames
    w, h = a.track.frame_size
    print(f"input: {rep.video.name}, {w}x{h}, {n} frames at {a.track.fps:.4g} fps, {len(a.steps)} steps")
    print(f"pose + analysis (or load): {seconds:.2f} s")

    with tempfile.TemporaryDirectory(prefix="sprintlens-bench-") as tmp:
        out = Path(tmp)
        # drawing alone, on frames already decoded (no video input or output)
        info = source_info(a, rep.video)
        frames = [f.rgb for _, f in zip(range(min(n, 120)), read_frames(info))]
        states = frame_states(a)
        corner = panel_corner(a.cleaned.smooth.positions_px, a.track.frame_size)
        sizes = Sizes.for_frame(w, h)

        def draw_all() -> None:
            for k, rgb in enumerate(frames):
                annotate_frame(rgb, states[k], direction=a.direction.sign, corner=corner, sizes=sizes)

        draw_all()  # text sprites are made on first use; time the steady state
        draw, cpu, _ = timed(draw_all, args.repeat)
        print(f"annotate only ({w}x{h}): {len(frames) / draw:.1f} frames/s ({1000 * draw / len(frames):.1f} ms/frame, "
              f"CPU {1000 * cpu / len(frames):.1f} ms/frame, {len(frames)} frames)")

        slow = None if args.slow_motion == "auto" else float(args.slow_motion)
        options = ClipOptions(slow_motion=slow, freeze_s=args.freeze)
        label = "720p" if min(w, h) == 720 else f"{min(w, h)}p"
        bench_clip(label, a, rep.video, out, options, args.repeat)
        if args.hd:
            start = time.perf_counter()
            hd, hd_video = upscaled(a, rep.video, out, (1920, 1080) if w >= h else (1080, 1920))
            print(f"(1080p input: {hd_video.name}, {probe(hd_video).n_frames} frames, made in "
                  f"{time.perf_counter() - start:.1f} s)")
            bench_clip("1080p", hd, hd_video, out, options, args.repeat)

        # each plot drawn and saved as PNG and SVG, timed on its own: the target is per plot
        for label, make in (("angles", plots.plot_angle_panels), ("steps", plots.plot_step_panels),
                            ("velocity", plots.plot_velocity)):
            def one_plot(make=make, label=label) -> None:  # noqa: ANN001
                fig, _ = make(a)
                plots.save_figure(fig, out / f"plot_{label}")

            seconds, cpu, _ = timed(one_plot, args.repeat)
            print(f"plot {label} (PNG + SVG): {seconds:.2f} s (CPU {cpu:.2f} s)  "
                  f"target < {PLOTS_S_TARGET:g} s: {verdict(seconds < PLOTS_S_TARGET)}")
        if a.steps:
            seconds, cpu, _ = timed(lambda: render_kinogram(a, rep.video), args.repeat)
            print(f"kinogram: {seconds:.2f} s (CPU {cpu:.2f} s)  "
                  f"target < {KINOGRAM_S_TARGET:g} s: {verdict(seconds < KINOGRAM_S_TARGET)}")
        if args.extras:
            from sprintlens.render.compare import CompareOptions, write_comparison
            from sprintlens.render.outputs import RenderOptions, render_outputs

            seconds, _, _ = timed(lambda: render_outputs(a, rep.video, out / "report", RenderOptions(clip=False),
                                                         name=rep.name))
            size = (out / "report" / "report.html").stat().st_size
            print(f"report with its plots and kinogram (no clip): {seconds:.2f} s, report.html {size / 1e6:.2f} MB")
            try:
                seconds, _, _ = timed(lambda: write_comparison([a, a], [rep.video, rep.video], ["A", "B"],
                                                               out / "compare", CompareOptions()))
                print(f"comparison of the rep with itself (side by side + ghost + plots + page): {seconds:.2f} s")
            except Exception as exc:  # a rep without touchdowns cannot be compared
                print(f"comparison: skipped ({exc})")
    print(f"load average at the end: {load()}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
