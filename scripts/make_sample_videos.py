#!/usr/bin/env python3
"""Render SprintLens's sample videos (``sample_videos/``) with their ground truth.

Every clip is made by the project's own generator (:mod:`sprintlens.synth`) from the fixed,
seeded specs below, so the output is the same byte for byte on every run with the same
package versions (the checksums go to ``sample_videos/SHA256SUMS``).

Usage::

    python scripts/make_sample_videos.py                 # (re)write sample_videos/
    python scripts/make_sample_videos.py --out DIR       # somewhere else
    python scripts/make_sample_videos.py --check         # render to a temporary folder and compare
                                                         # with the committed SHA256SUMS
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from pathlib import Path

from sprintlens.synth import (
    AccelerationSpec,
    ClipSpec,
    FlyingSpec,
    RenderSpec,
    SecondPerson,
    StartSpec,
    render_clip,
    truth_path_for,
)
from sprintlens.synth.samples import TRACKING_CAMERA, WEEK1_LEVELS, session_rep_spec

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "sample_videos"
SUMS = "SHA256SUMS"

#: 1280 x 720, x264 quality 23.
HD = {"size": (1280, 720), "crf": 23}


def samples() -> dict[str, ClipSpec]:
    """The sample clips by file stem."""
    clips = {
        "block_start_120fps": ClipSpec(
            AccelerationSpec(start=StartSpec.blocks(), n_steps=7), camera=TRACKING_CAMERA,
            render=RenderSpec(fps=120.0, **HD), direction="left_to_right", style="red",
            second_person=SecondPerson(lanes_further=4, speed_mps=2.5, same_direction=False, x_m=7.0), seed=1),
        "flying_240fps": ClipSpec(
            FlyingSpec(duration_s=1.5, phase=0.2, first_side="right"), camera=TRACKING_CAMERA,
            render=RenderSpec(fps=240.0, **HD), direction="right_to_left", style="blue", seed=2),
    }
    for rep, level in enumerate(WEEK1_LEVELS, start=1):
        clips[f"session_rep{rep}_120fps"] = session_rep_spec(1, rep, level, render=RenderSpec(fps=120.0, **HD))
    return clips


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render_all(out: Path, names: list[str] | None = None) -> dict[str, str]:
    """Render the samples into ``out``; returns ``file name -> SHA-256`` of every file written."""
    out.mkdir(parents=True, exist_ok=True)
    sums: dict[str, str] = {}
    for name, spec in samples().items():
        if names and name not in names:
            continue
        video = out / f"{name}.mp4"
        start = time.perf_counter()
        truth = render_clip(spec, video)
        seconds = time.perf_counter() - start
        n = truth["video"]["n_frames"]
        print(f"{video.name:30s} {n:4d} frames {video.stat().st_size / 1e6:6.2f} MB "
              f"({n / seconds:5.1f} frames/s rendered and encoded)", flush=True)
        for path in (video, truth_path_for(video)):
            sums[path.name] = sha256(path)
    return sums


def write_sums(out: Path, sums: dict[str, str]) -> None:
    lines = [f"{digest}  {name}\n" for name, digest in sorted(sums.items())]
    (out / SUMS).write_text("".join(lines), encoding="utf-8")


def read_sums(path: Path) -> dict[str, str]:
    sums = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        sums[name.strip()] = digest
    return sums


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: sample_videos/)")
    parser.add_argument("--only", nargs="*", metavar="NAME", help="render only these clips (file stems)")
    parser.add_argument("--check", action="store_true",
                        help="render to a temporary folder and compare with the committed checksums")
    args = parser.parse_args(argv)

    if args.check:
        expected = read_sums(DEFAULT_OUT / SUMS)
        with tempfile.TemporaryDirectory() as tmp:
            got = render_all(Path(tmp), args.only)
        bad = [name for name, digest in got.items() if expected.get(name) != digest]
        for name in sorted(got):
            print(f"{'OK ' if name not in bad else 'DIFFERS'} {name}")
        return 1 if bad else 0

    sums = render_all(args.out, args.only)
    if args.only:
        old = read_sums(args.out / SUMS) if (args.out / SUMS).exists() else {}
        sums = {**old, **sums}
    write_sums(args.out, sums)
    total = sum((args.out / name).stat().st_size for name in sums if name.endswith(".mp4"))
    print(f"{len(sums)} files, clips {total / 1e6:.2f} MB in all; checksums in {args.out / SUMS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
