#!/usr/bin/env python3
"""How well does the pose stage read the sample clips?  Landmark and angle errors against truth.

Runs :func:`sprintlens.track_video` on every ``sample_videos/*.mp4`` and compares the track
with the clip's ground truth (``*.truth.json``):

- detection: the share of frames in which the athlete was found;
- landmark error: distance from each estimated landmark to its true position (pixels, and
  centimetres on the athlete), per joint, split into the side nearer the camera and the far side;
- angle error: the DESIGN section 4 angles computed from the estimated landmarks with
  :func:`sprintlens.analysis.angles.sprint_angles`, against the angles the generator imposed (deg).

Usage::

    python scripts/pose_accuracy.py                      # all sample clips, summary tables
    python scripts/pose_accuracy.py --markdown           # the tables as Markdown (for the README)
    python scripts/pose_accuracy.py clip.mp4 ...         # other rendered clips
    python scripts/pose_accuracy.py --max-people 1       # the pose stage's options

Errors are over the frames where the athlete was found.  A median error far larger than the
others means the pose stage followed someone else.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from sprintlens import PoseConfig, track_video
from sprintlens.analysis.angles import sprint_angles
from sprintlens.core.landmarks import NAMES
from sprintlens.synth import load_truth, truth_path_for

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_videos"

#: Joints reported one by one (each with its near- and far-side landmark).
JOINTS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index")
#: Angles reported (``{side}`` is filled with near / far).
ANGLES = ("trunk_lean_deg", "thigh_{side}_deg", "knee_flexion_{side}_deg", "shin_{side}_deg", "ankle_{side}_deg",
          "hip_extension_{side}_deg", "upper_arm_{side}_deg", "elbow_flexion_{side}_deg", "thigh_separation_deg")


def evaluate(video: Path, config: PoseConfig) -> dict:
    """Detection, landmark and angle errors of one clip."""
    truth = load_truth(truth_path_for(video))
    track = track_video(video, config)
    true_px = np.asarray(truth["frames"]["landmarks_px"], dtype=np.float64)
    found = track.detected
    error = np.linalg.norm(track.positions_px - true_px, axis=-1)[found]  # (frames found, 33)
    scale = float(np.median(truth["frames"]["px_per_m"]))
    near = truth["near_side"]
    far = "left" if near == "right" else "right"
    sides = {"near": near, "far": far}

    joints = {}
    for joint in JOINTS:
        for label, side in sides.items():
            e = error[:, NAMES.index(f"{side}_{joint}")]
            joints[f"{joint} ({label})"] = (float(np.nanmedian(e)), float(np.nanpercentile(e, 90)))
    face = error[:, :11]
    joints["face"] = (float(np.nanmedian(face)), float(np.nanpercentile(face, 90)))

    estimated = sprint_angles(track.positions_px, truth["direction_sign"])
    imposed = truth["frames"]["angles"]
    angles = {}
    for pattern in ANGLES:
        for label, side in (sides.items() if "{side}" in pattern else [("", "")]):
            name = pattern.format(side=side)
            diff = np.abs(np.asarray(estimated[name])[found] - np.asarray(imposed[name], dtype=np.float64)[found])
            key = pattern.replace("_{side}", "").replace("_deg", "") + (f" ({label})" if label else "")
            angles[key] = (float(np.nanmedian(diff)), float(np.nanpercentile(diff, 90)))
    return {
        "clip": video.name,
        "frames": track.n_frames,
        "found": float(found.mean()),
        "px_per_m": scale,
        "median_px": float(np.nanmedian(error)),
        "p90_px": float(np.nanpercentile(error, 90)),
        "joints": joints,
        "angles": angles,
    }


def _table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(x) for x in col) for col in zip(header, *rows)]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    return "\n".join(fmt.format(*row) for row in [header, *rows])


def report(results: list[dict], markdown: bool) -> str:
    out = []
    rows = [[r["clip"], str(r["frames"]), f"{100 * r['found']:.1f} %", f"{r['median_px']:.1f}",
             f"{r['p90_px']:.1f}", f"{100 * r['median_px'] / r['px_per_m']:.1f}"] for r in results]
    out.append(_table(["clip", "frames", "athlete found", "median error (px)", "90th pct (px)",
                       "median error (cm)"], rows, markdown))
    names = list(results[0]["joints"])
    rows = [[n] + [f"{r['joints'][n][0]:.1f} / {r['joints'][n][1]:.1f}" for r in results] for n in names]
    out.append(_table(["landmark error, px: median / 90th pct"] + [r["clip"].split("_1")[0].split("_2")[0]
                                                                   for r in results], rows, markdown))
    names = list(results[0]["angles"])
    rows = [[n] + [f"{r['angles'][n][0]:.1f} / {r['angles'][n][1]:.1f}" for r in results] for n in names]
    out.append(_table(["angle error, deg: median / 90th pct"] + [r["clip"].split("_1")[0].split("_2")[0]
                                                                 for r in results], rows, markdown))
    return "\n\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clips", nargs="*", type=Path, help="rendered clips (default: sample_videos/*.mp4)")
    parser.add_argument("--max-people", type=int, default=PoseConfig().max_people,
                        help="most people the pose model looks for per frame (the pose stage's default)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parser.parse_args(argv)
    clips = args.clips or sorted(SAMPLES.glob("*.mp4"))
    if not clips:
        print("no clips: run scripts/make_sample_videos.py first", file=sys.stderr)
        return 1
    config = PoseConfig(max_people=args.max_people)
    results = []
    for clip in clips:
        results.append(evaluate(clip, config))
        r = results[-1]
        print(f"{r['clip']}: athlete found in {100 * r['found']:.1f} % of {r['frames']} frames, "
              f"median landmark error {r['median_px']:.1f} px", file=sys.stderr, flush=True)
    print(report(results, args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
