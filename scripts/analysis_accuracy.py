#!/usr/bin/env python3
"""How well the analysis reads rendered clips with ground truth, end to end from video.

For each clip (default: every ``sample_videos/*.mp4`` with a ``.truth.json`` beside it) this runs
the pose stage (or loads a cached track), analyses the rep with the athlete's true height as the
scale, and compares with the truth:

- angles: RMSE per angle (deg) over every frame where the athlete is in view (stance and swing),
  with the mean error (bias) in brackets, for the limb nearer and further from the camera;
- events: touchdowns and toe-offs within one frame period of the truth (share), mean absolute
  error and mean signed errors (ms), mean contact-time error (ms and frame periods); over all
  clips, how far the foot points wander about the truth around the contacts (px), and the share
  of events that would fall within one frame if their mean error were subtracted (the most a
  constant bias correction could give);
- step length: mean absolute error (%) with the height scale;
- block start: error of each start event (ms).

Usage::

    python scripts/analysis_accuracy.py [CLIP.mp4 ...] [--model full|heavy] [--cache DIR] [--markdown]
    python scripts/analysis_accuracy.py --no-video   # a perfect pose model: the truth's own landmarks
    python scripts/analysis_accuracy.py --no-video --jitter 2   # ... with 2 px of noise on every landmark

Prints tables and which of issue 4's targets are met (:mod:`sprintlens.synth.accuracy` does the
comparison); the figures in the issue notes come from it.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def jittered(track, sd_px: float, seed: int = 0):
    """The track with independent Gaussian noise (SD ``sd_px`` per coordinate, seeded) on every landmark."""
    if sd_px <= 0:
        return track
    rng = np.random.default_rng(seed)
    return track.replace(positions_px=track.positions_px + rng.normal(0.0, sd_px, track.positions_px.shape))


def _track_for(clip: Path, cache: Path | None, use_video: bool, truth: dict, jitter_px: float, model: str):
    from sprintlens import PoseConfig, load_track, save_track, track_video
    from sprintlens.capture.model import SHIPPED_MODELS
    from sprintlens.synth import truth_track

    if not use_video:
        return jittered(truth_track(truth), jitter_px)
    if cache is not None:
        cached = cache / f"{clip.stem}.pose.npz"
        if cached.exists():
            track = load_track(cached)
            # not a track of an older rendering, nor of another pose model
            if (track.video_sha256 == truth["video"]["sha256"]
                    and track.model_id.startswith(SHIPPED_MODELS[model].file_name + " ")):
                return track
    track = track_video(clip, PoseConfig(model=model))
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        save_track(track, cache / f"{clip.stem}.pose.npz")
    return track


def main() -> int:
    from sprintlens.capture.model import DEFAULT_MODEL, SHIPPED_MODELS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="*", type=Path, help="clips with .truth.json beside them")
    parser.add_argument("--model", choices=tuple(SHIPPED_MODELS), default=DEFAULT_MODEL,
                        help=f"shipped pose model (default: {DEFAULT_MODEL})")
    parser.add_argument("--cache", type=Path, default=None, help="folder to keep pose tracks in between runs")
    parser.add_argument("--no-video", action="store_true", help="use the truth's landmarks (perfect pose model)")
    parser.add_argument("--jitter", type=float, default=0.0, metavar="PX",
                        help="with --no-video: add Gaussian noise of this SD (px) to the truth's landmarks")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    from sprintlens import AnalysisConfig, analyse_track
    from sprintlens.synth import load_truth, truth_path_for
    from sprintlens.synth.accuracy import evaluate_analysis

    clips = args.clips or sorted((ROOT / "sample_videos").glob("*.mp4"))
    results = []
    for clip in clips:
        truth_file = truth_path_for(clip)
        if not truth_file.exists():
            print(f"{clip}: no truth file, skipped", file=sys.stderr)
            continue
        truth = load_truth(truth_file)
        track = _track_for(clip, args.cache, not args.no_video, truth, args.jitter, args.model)
        analysis = analyse_track(track, AnalysisConfig(height_m=float(truth["athlete"]["height_m"])))
        results.append(evaluate_analysis(analysis, truth))
    if not results:
        print("no clips with ground truth", file=sys.stderr)
        return 1
    print_report(results, markdown=args.markdown)
    return 0


#: Angles reported, each for the near and the far limb where it has a side.
ANGLES = (("trunk_lean", False), ("thigh", True), ("hip_extension", True), ("knee_flexion", True), ("shin", True),
          ("ankle", True), ("thigh_separation", False), ("upper_arm", True), ("elbow_flexion", True))


def _table(rows: list[list[str]], markdown: bool) -> None:
    if markdown:
        print("| " + " | ".join(rows[0]) + " |")
        print("|" + "---|" * len(rows[0]))
        for row in rows[1:]:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for row in rows:
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    print()


def print_report(results: list, markdown: bool = False) -> None:
    """Per-clip event and step tables, per-angle RMSE (bias) near/far, and issue 4's targets."""
    from sprintlens.synth.accuracy import (
        ANGLE_RMSE_TARGET_DEG,
        CONTACT_ERROR_TARGET_FRAMES,
        EVENTS_WITHIN_FRAME_TARGET,
        STEP_LENGTH_TARGET_PCT,
    )

    rows = [["clip", "fps", "events <= 1 frame", "event MAE ms", "touchdown / toe-off bias ms",
             "contact err ms (frames)", "step len err %", "start errors ms"]]
    for r in results:
        start = ", ".join(f"{k} {v:+.0f}" for k, v in r.start_errors_ms.items()) or "-"
        rows.append([Path(r.clip).name or "?", f"{r.fps:g}",
                     f"{100 * r.events_within_frame:.0f}% ({r.n_matched_events}/{r.n_true_events} found)",
                     f"{r.event_mae_ms:.1f}", f"{r.touchdown_bias_ms:+.1f} / {r.toeoff_bias_ms:+.1f}",
                     f"{r.contact_error_ms:+.1f} ({r.contact_error_frames:+.2f})", f"{r.step_length_error_pct:.1f}",
                     start])
    _table(rows, markdown)

    names = [Path(r.clip).stem.replace("_120fps", "").replace("_240fps", "") for r in results]
    rows = [["angle RMSE (bias) deg", *names, "worst"]]
    worst_angles = {}
    for angle, sided in ANGLES:
        for view in (("near", "far") if sided else (None,)):
            columns = [r.angle_column(angle, view) for r in results]
            rmse = [r.angles_rmse_deg.get(c, float("nan")) for r, c in zip(results, columns)]
            bias = [r.angles_bias_deg.get(c, float("nan")) for r, c in zip(results, columns)]
            label = f"{angle} ({view})" if view else angle
            worst_angles[label] = float(np.nanmax(rmse))
            rows.append([label, *(f"{v:.1f} ({b:+.1f})" for v, b in zip(rmse, bias)), f"{np.nanmax(rmse):.1f}"])
    _table(rows, markdown)

    all_events = sum(r.n_true_events for r in results)
    within = sum(r.events_within_frame * r.n_true_events for r in results) / all_events
    worst_contact = max(results, key=lambda r: abs(r.contact_error_frames))
    worst_length = max(results, key=lambda r: r.step_length_error_pct)
    met = [name for name, v in worst_angles.items() if v <= ANGLE_RMSE_TARGET_DEG]
    missed = [name for name, v in worst_angles.items() if v > ANGLE_RMSE_TARGET_DEG]

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    print("targets (issue 4), worst clip:")
    print(f"- angle RMSE <= {ANGLE_RMSE_TARGET_DEG:g} deg: {verdict(not missed)}; met by {', '.join(met) or 'none'}; "
          f"not by {', '.join(f'{n} {worst_angles[n]:.1f}' for n in missed) or 'none'}")
    print(f"- events within one frame >= {100 * EVENTS_WITHIN_FRAME_TARGET:.0f} %: "
          f"{verdict(within >= EVENTS_WITHIN_FRAME_TARGET)}; {100 * within:.0f} % of {all_events} "
          f"(worst clip {100 * min(r.events_within_frame for r in results):.0f} %)")
    foot = [r.foot_error_px for r in results]
    print(f"  foot points around the contacts: vertical error SD {np.nanmedian(foot):.1f} px "
          f"(median over clips; clips {min(foot):.1f}-{max(foot):.1f})")
    for kind in ("touchdown", "toeoff"):
        errors = np.concatenate([getattr(r, f"{kind}_errors_frames") for r in results])
        centred = errors - errors.mean()
        print(f"  {kind}s: mean error {errors.mean():+.2f} frames, SD {errors.std():.2f}; with that mean "
              f"removed, {100 * np.mean(np.abs(centred) <= 1.0):.0f} % would be within one frame")
    print(f"- mean contact-time error <= {CONTACT_ERROR_TARGET_FRAMES:g} frame period: "
          f"{verdict(abs(worst_contact.contact_error_frames) <= CONTACT_ERROR_TARGET_FRAMES)}; worst "
          f"{worst_contact.contact_error_frames:+.2f} ({Path(worst_contact.clip).name})")
    print(f"- step length within {STEP_LENGTH_TARGET_PCT:g} %: "
          f"{verdict(worst_length.step_length_error_pct <= STEP_LENGTH_TARGET_PCT)}; worst "
          f"{worst_length.step_length_error_pct:.1f} % ({Path(worst_length.clip).name})")


if __name__ == "__main__":
    sys.exit(main())
