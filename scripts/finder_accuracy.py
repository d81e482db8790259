#!/usr/bin/env python3
"""How well and how fast the person finder finds small athletes, against a whole-frame landmarker.

Renders the generator's small-athlete cases (:func:`sprintlens.synth.small_athlete_cases`: an
athlete 120-160 px tall, in the blocks and running, alone and with a second sprinter in the next
lane) into a cache folder, then runs the pose stage on each with the crop finder
(``finder="crops"``, the default) and with the whole frame given to MediaPipe (``"frame"``, what a
plain landmarker loop does), and prints per case and finder:

- found: share of the frames with the whole athlete in view in which the track has them;
- landmark error: median and 90th percentile (px, and as a share of the athlete's body height);
- frames/s of the pose stage (decode, finder, landmarker) on this machine.

With ``--footage DIR`` the real clips there are timed too (frames/s, share of frames with the
athlete; no truth).

Usage::

    python scripts/finder_accuracy.py [--cache DIR] [--footage ../shared/footage] [--cases small_blocks ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOOTAGE_CLIPS = ("block_start_side_a_30fps.mp4", "block_start_side_b_30fps.mp4", "block_start_side_c_30fps.mp4",
                 "sprint_side_small_30fps.mp4", "treadmill_run_side_portrait_30fps.mp4",
                 "multi_person_not_running_30fps.mp4")


def _pose(clip: Path, finder: str):
    from sprintlens import PoseConfig, track_video

    started = time.perf_counter()
    track = track_video(clip, PoseConfig(finder=finder))
    return track, track.n_frames / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    from sprintlens.synth import load_truth, render_clip, small_athlete_cases
    from sprintlens.synth.accuracy import finder_accuracy

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache" / "finder_cases",
                        help="Folder for the rendered cases (re-used when present).")
    parser.add_argument("--footage", type=Path, default=None, help="Folder of the real clips to time as well.")
    parser.add_argument("--cases", nargs="*", default=None, help="Only these cases.")
    args = parser.parse_args(argv)
    cases = small_athlete_cases()
    names = args.cases or list(cases)
    args.cache.mkdir(parents=True, exist_ok=True)
    print(f"{'case':20} {'finder':6} {'height':>7} {'found':>7} {'err px (p90)':>14} {'err % height (p90)':>19} "
          f"{'frames/s':>9}")
    worst_found = 1.0
    for name in names:
        clip = args.cache / f"{name}.mp4"
        if not clip.exists():
            render_clip(cases[name], clip)
        truth = load_truth(clip.with_suffix(".truth.json"))
        for finder in ("crops", "frame"):
            try:
                track, fps = _pose(clip, finder)
                score = finder_accuracy(truth, track.positions_px)
            except Exception as exc:  # noqa: BLE001 - a finder that finds nobody is a result here
                print(f"{name:20} {finder:6} {'':>7} {'none':>7}   ({str(exc).splitlines()[0][:60]})")
                if finder == "crops":
                    worst_found = 0.0
                continue
            if finder == "crops":
                worst_found = min(worst_found, score.found_fraction)
            print(f"{name:20} {finder:6} {score.body_height_px:5.0f}px {100 * score.found_fraction:6.1f}% "
                  f"{score.error_px_median:6.1f} ({score.error_px_p90:5.1f}) "
                  f"{100 * score.error_height_median:9.1f} ({100 * score.error_height_p90:5.1f}) {fps:9.1f}")
    if args.footage is not None:
        print(f"\n{'real clip':40} {'finder':6} {'athlete in':>10} {'frames/s':>9}")
        for clip_name in FOOTAGE_CLIPS:
            clip = args.footage / clip_name
            if not clip.exists():
                continue
            for finder in ("crops", "frame"):
                try:
                    track, fps = _pose(clip, finder)
                    print(f"{clip_name:40} {finder:6} {100 * track.coverage:9.1f}% {fps:9.1f}")
                except Exception as exc:  # noqa: BLE001
                    print(f"{clip_name:40} {finder:6} {'none':>10}   ({str(exc).splitlines()[0][:60]})")
    target = worst_found >= 0.98
    print(f"\ntarget: the crop finder finds the athlete in >= 98 % of frames in view in every case: "
          f"{'met' if target else 'NOT met'} (worst {100 * worst_found:.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
