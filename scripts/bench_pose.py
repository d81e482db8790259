#!/usr/bin/env python3
"""Benchmark ``sprintlens pose`` against a bare MediaPipe PoseLandmarker loop over the same clip.

Each run is a separate process, so its peak memory (RSS) is its own:

* **pipeline**: the real command, ``sprintlens pose CLIP -o TMP`` (probe, decode thread,
  crop finder and landmarkers, athlete selection, save).  Its frames/s is the one the command prints (frames over
  the time of ``track_video``, model loading included); the process wall time is shown too.
* **pipeline, whole frame**: the same with ``--finder frame`` (no crop finder);
* **bare**: ``cv2.VideoCapture.read`` + ``cvtColor`` + ``detect_for_video`` with the same
  model, ``num_poses`` and thresholds, and the same synthetic timestamps, timed like the
  command: from importing MediaPipe and loading the model to the last frame (about 0.4 s of
  fixed cost in both, which matters only on short clips).

Memory stays flat when the peak RSS of the pipeline on the first ``--head`` frames is about the
same as on the whole clip, and on a clip made of ``--long`` copies of it (packets copied, not
re-encoded).

Usage::

    python scripts/bench_pose.py CLIP [--model full|heavy] [--repeat 3] [--max-people 3] [--head 100] [--long 0]

Prints figures; asserts nothing (speed is measured here, never in the test suite).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

#: How a child reports its own resource use (one line of Python; ru_maxrss is in KiB on Linux).
_REPORT_USAGE = ("u = resource.getrusage(resource.RUSAGE_SELF); "
                 "print(f'cpu_s={u.ru_utime + u.ru_stime:.2f} peak_rss_mb={u.ru_maxrss / 1024:.1f}')")


@dataclass
class Run:
    """One timed process."""

    frames: int
    fps: float  # frames per second of the timed part
    wall_s: float  # whole process, start-up included
    cpu_s: float  # user + system CPU time of the whole process
    peak_rss_mb: float


def _run_process(command: list[str]) -> tuple[str, float, float, float]:
    """Run ``command``; return its stdout, wall time (s), and the CPU time (s) and peak RSS (MB) it
    reports of itself."""
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    out, err = proc.stdout, proc.stderr
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}):\n{err}")
    usage = re.search(r"cpu_s=([\d.]+) peak_rss_mb=([\d.]+)", out + err)
    if not usage:
        raise SystemExit(f"{' '.join(command)} did not report its resource use:\n{out}{err}")
    return out, wall, float(usage.group(1)), float(usage.group(2))


def run_pipeline(clip: Path, max_people: int, end: int | None, folder: Path, model: str,
                 finder: str = "crops") -> Run:
    """``sprintlens pose`` in a child process that reports its own peak RSS at exit.

    The child calls the command's entry point (``sprintlens.cli.main``) with the same arguments,
    which is what the installed ``sprintlens`` script does.
    """
    out_file = folder / "bench.pose.npz"
    args = ["pose", str(clip), "-o", str(out_file), "--max-people", str(max_people), "--model", model,
            "--finder", finder]
    if end is not None:
        args += ["--end", str(end)]
    # Run the real entry point, then report the process's CPU time and peak RSS.
    code = ("import resource, sys\n"
            "from sprintlens.cli import main\n"
            f"sys.argv = ['sprintlens', *{args!r}]\n"
            "try:\n"
            "    main()\n"
            "finally:\n"
            f"    {_REPORT_USAGE}\n")
    out, wall, cpu, peak = _run_process([sys.executable, "-c", code])
    match = re.search(r"wrote .*: (\d+) frames, .* ([\d.]+) frames/s", out)
    if not match:
        raise SystemExit(f"unexpected output of sprintlens pose:\n{out}")
    return Run(int(match.group(1)), float(match.group(2)), wall, cpu, peak)


_BARE = r'''
import resource, sys, time
import cv2

clip, max_people, model, MEDIAPIPE_STEP_MS = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
started = time.perf_counter()  # the command imports mediapipe lazily, inside its timed part: so here
import mediapipe as mp
from mediapipe.tasks.python import BaseOptions, vision
options = vision.PoseLandmarkerOptions(
    base_options=BaseOptions(model_asset_path=str(model)),
    running_mode=vision.RunningMode.VIDEO,
    num_poses=max_people,
    min_pose_detection_confidence=0.5,
    min_pose_presence_confidence=0.5,
    min_tracking_confidence=0.5,
)
landmarker = vision.PoseLandmarker.create_from_options(options)
cap = cv2.VideoCapture(clip, cv2.CAP_FFMPEG)
n = 0
while True:
    ok, bgr = cap.read()
    if not ok:
        break
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), n * MEDIAPIPE_STEP_MS)
    n += 1
elapsed = time.perf_counter() - started
landmarker.close()
print(f"frames={n} fps={n / elapsed:.2f}")
''' + _REPORT_USAGE + "\n"


def run_bare(clip: Path, max_people: int, model_name: str) -> Run:
    """The bare PoseLandmarker loop in a child process (which imports nothing of SprintLens)."""
    from sprintlens.capture.model import resolve_model
    from sprintlens.capture.pose import MEDIAPIPE_STEP_MS

    model, _ = resolve_model(name=model_name)
    out, wall, cpu, peak = _run_process([sys.executable, "-c", _BARE, str(clip), str(max_people), str(model),
                                         str(MEDIAPIPE_STEP_MS)])
    match = re.search(r"frames=(\d+) fps=([\d.]+)", out)
    if not match:
        raise SystemExit(f"unexpected output of the bare loop:\n{out}")
    return Run(int(match.group(1)), float(match.group(2)), wall, cpu, peak)


def concatenate(clip: Path, copies: int, target: Path) -> Path:
    """Write ``copies`` copies of ``clip`` one after another (packets copied, timestamps shifted)."""
    import av

    with av.open(str(clip)) as source, av.open(str(target), "w", format="mp4") as sink:
        in_stream = source.streams.video[0]
        out_stream = sink.add_stream_from_template(in_stream)
        packets = [p for p in source.demux(in_stream) if p.pts is not None]
        step = max(p.pts for p in packets) + (packets[1].pts - packets[0].pts if len(packets) > 1 else 1)
        start_dts = min(p.dts for p in packets if p.dts is not None)
        for k in range(copies):
            for packet in packets:
                packet.pts = packet.pts - start_dts + k * step
                if packet.dts is not None:
                    packet.dts = packet.dts - start_dts + k * step
                packet.stream = out_stream
                sink.mux(packet)
                packet.pts = packet.pts + start_dts - k * step  # restore for the next copy
                if packet.dts is not None:
                    packet.dts = packet.dts + start_dts - k * step
    return target


def _median_run(runs: list[Run]) -> Run:
    ordered = sorted(runs, key=lambda r: r.fps)
    middle = ordered[len(ordered) // 2]
    return Run(middle.frames, statistics.median(r.fps for r in runs), statistics.median(r.wall_s for r in runs),
               statistics.median(r.cpu_s for r in runs), max(r.peak_rss_mb for r in runs))


def main() -> None:
    from sprintlens.capture.model import DEFAULT_MODEL, SHIPPED_MODELS

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clip", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind, alternating (median shown)")
    parser.add_argument("--max-people", type=int, default=3, help="num_poses for both (the command's default: 3)")
    parser.add_argument("--model", choices=tuple(SHIPPED_MODELS), default=DEFAULT_MODEL,
                        help=f"shipped pose model (default: {DEFAULT_MODEL})")
    parser.add_argument("--head", type=int, default=100, help="frames of the short run for the memory check")
    parser.add_argument("--long", type=int, default=0, metavar="N",
                        help="also run the pipeline on N copies of the clip, concatenated")
    args = parser.parse_args()
    clip = args.clip.resolve()
    if not clip.is_file():
        raise SystemExit(f"{clip}: no such file")

    folder = Path(tempfile.mkdtemp(prefix="sprintlens-bench-"))
    try:
        pipeline_runs, bare_runs, frame_runs = [], [], []
        frame_failure = ""
        for _ in range(args.repeat):
            bare_runs.append(run_bare(clip, args.max_people, args.model))
            pipeline_runs.append(run_pipeline(clip, args.max_people, None, folder, args.model))
            try:
                frame_runs.append(run_pipeline(clip, args.max_people, None, folder, args.model, "frame"))
            except SystemExit as exc:  # the whole-frame landmarker finds nobody in many small-athlete clips
                frame_failure = str(exc).strip().splitlines()[-1]
        pipeline, bare = _median_run(pipeline_runs), _median_run(bare_runs)
        whole = _median_run(frame_runs) if frame_runs else None
        head = run_pipeline(clip, args.max_people, args.head, folder, args.model)

        print(f"clip: {clip.name}, model {args.model}, {pipeline.frames} frames, max people {args.max_people}, "
              f"{args.repeat} runs each (median), {os.cpu_count()} CPUs")
        print(f"{'':28}{'frames/s':>10}{'wall s':>9}{'CPU s':>8}{'peak RSS MB':>13}")
        for name, run in (("bare PoseLandmarker loop", bare), ("sprintlens pose", pipeline),
                          ("sprintlens pose --finder frame", whole)):
            if run is None:
                print(f"{name:31} failed: {frame_failure}")
                continue
            print(f"{name:31}{run.fps:7.1f}{run.wall_s:9.2f}{run.cpu_s:8.2f}{run.peak_rss_mb:13.0f}")
        print(f"ratio pipeline (crop finder) / bare: {pipeline.fps / bare.fps:.3f} frames/s (target >= 0.9), "
              f"{pipeline.cpu_s / bare.cpu_s:.3f} CPU time")
        if whole is not None:
            print(f"ratio pipeline (whole frame) / bare: {whole.fps / bare.fps:.3f} frames/s")
        print(f"  each run, bare:     {', '.join(f'{r.fps:.1f}' for r in bare_runs)} frames/s")
        print(f"  each run, pipeline: {', '.join(f'{r.fps:.1f}' for r in pipeline_runs)} frames/s")
        print(f"memory: first {head.frames} frames {head.peak_rss_mb:.0f} MB, whole clip "
              f"{pipeline.peak_rss_mb:.0f} MB")
        if args.long > 1:
            long_clip = concatenate(clip, args.long, folder / f"long_{args.long}x.mp4")
            long_run = run_pipeline(long_clip, args.max_people, None, folder, args.model)
            extra_kb = (long_run.peak_rss_mb - pipeline.peak_rss_mb) / max(long_run.frames - pipeline.frames, 1) * 1024
            print(f"long clip ({args.long} copies, {long_run.frames} frames): {long_run.fps:.1f} frames/s, "
                  f"peak RSS {long_run.peak_rss_mb:.0f} MB "
                  f"({extra_kb:.2f} KB per extra frame)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
