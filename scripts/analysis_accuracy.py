#!/usr/bin/env python3
"""How well the analysis reads rendered clips with ground truth, end to end from video.

For each clip (default: every ``sample_videos/*.mp4`` with a ``.truth.json`` beside it) this runs
the pose stage (or loads a cached track), analyses the rep with the athlete's true height as the
scale, and compares with the truth:

- angles: RMSE per angle (deg) over every frame where the athlete is in view (stance and swing);
- events: touchdowns and toe-offs within one frame period of the truth (share), mean absolute
  error (ms), mean contact-time error (ms and frame periods);
- step length: mean absolute error (%) with the height scale;
- block start: error of each start event (ms).

Usage::

    python scripts/analysis_accuracy.py [CLIP.mp4 ...] [--cache DIR] [--markdown]
    python scripts/analysis_accuracy.py --no-video   # a perfect pose model: the truth's own landmarks
    python scripts/analysis_accuracy.py --no-video --jitter 2   # ... with 2 px of noise on every landmark

Prints a table; the figures in the issue notes come from it.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


@dataclasses.dataclass
class ClipAccuracy:
    clip: str
    fps: float
    angles_rmse_deg: dict[str, float]
    events_within_frame: float
    event_mae_ms: float
    contact_error_ms: float
    contact_error_frames: float
    step_length_error_pct: float
    n_true_events: int
    n_matched_events: int
    start_errors_ms: dict[str, float]


def match_contacts(truth_steps: list[dict], contacts: list, tolerance_s: float) -> list[tuple[dict, object]]:
    """Pair each complete true step with the detected contact of the same foot nearest its touchdown."""
    pairs = []
    for step in truth_steps:
        if not step["complete"]:
            continue
        near = [c for c in contacts if c.foot == step["side"] and abs(c.touchdown_s - step["touchdown_s"]) < tolerance_s]
        if near:
            pairs.append((step, min(near, key=lambda c: abs(c.touchdown_s - step["touchdown_s"]))))
    return pairs


def evaluate(analysis, truth: dict) -> ClipAccuracy:
    """Compare an analysis with the clip's ground truth."""
    fps = float(truth["video"]["fps"])
    period = 1.0 / fps
    frames = truth["frames"]
    in_view = np.asarray(frames["in_frame"], dtype=bool) & analysis.track.detected
    rmse = {}
    for name, values in frames["angles"].items():
        if name not in analysis.angles or not name.endswith("_deg"):
            continue
        true = np.asarray(values, dtype=float)
        found = analysis.angles[name]
        ok = in_view & np.isfinite(true) & np.isfinite(found)
        if ok.any():
            rmse[name] = float(np.sqrt(np.mean((true[ok] - found[ok]) ** 2)))

    steps = [s for s in truth["steps"] if s["complete"]]
    step_time = float(np.median([s["step_time_s"] for s in steps])) if steps else 0.2
    pairs = match_contacts(truth["steps"], analysis.contacts, 0.5 * step_time)
    errors, contact_errors = [], []
    for step, contact in pairs:
        errors += [contact.touchdown_s - step["touchdown_s"], contact.toeoff_s - step["toe_off_s"]]
        contact_errors.append(contact.contact_s - step["contact_s"])
    errors_arr = np.abs(np.asarray(errors))
    n_true = 2 * len(steps)
    within = float(np.sum(errors_arr <= period + 1e-9)) / n_true if n_true else float("nan")

    # a found step runs from its contact to the next one; the truth gives each contact's step
    # length from the previous contact, so the found step matches the truth of its *next* contact
    length_errors = []
    for found in analysis.steps:
        true = [s for s in truth["steps"] if s["side"] != found.foot and s.get("step_length_m") is not None
                and abs(s["touchdown_s"] - found.next_touchdown_s) < 0.5 * step_time]
        if true and np.isfinite(found.step_length):
            length_errors.append(abs(found.step_length / true[0]["step_length_m"] - 1.0))

    start_errors = {}
    events = truth.get("events") or {}
    if events and analysis.start is not None:
        start = analysis.start
        for name, mine in (("first_movement_s", start.first_movement_s), ("rear_block_exit_s", start.rear_exit_s),
                           ("front_block_exit_s", start.front_exit_s), ("block_time_s", start.block_time_s)):
            if name in events:
                start_errors[name.removesuffix("_s")] = 1000.0 * (mine - events[name])
    elif events:
        start_errors["found"] = float("nan")

    return ClipAccuracy(
        clip=str(truth["video"].get("file", "")), fps=fps, angles_rmse_deg=rmse,
        events_within_frame=within,
        event_mae_ms=1000.0 * float(np.mean(errors_arr)) if errors_arr.size else float("nan"),
        contact_error_ms=1000.0 * float(np.mean(contact_errors)) if contact_errors else float("nan"),
        contact_error_frames=float(np.mean(contact_errors)) / period if contact_errors else float("nan"),
        step_length_error_pct=100.0 * float(np.mean(length_errors)) if length_errors else float("nan"),
        n_true_events=n_true, n_matched_events=2 * len(pairs), start_errors_ms=start_errors,
    )


def jittered(track, sd_px: float, seed: int = 0):
    """The track with independent Gaussian noise (SD ``sd_px`` per coordinate, seeded) on every landmark."""
    if sd_px <= 0:
        return track
    rng = np.random.default_rng(seed)
    return track.replace(positions_px=track.positions_px + rng.normal(0.0, sd_px, track.positions_px.shape))


def _track_for(clip: Path, cache: Path | None, use_video: bool, truth: dict, jitter_px: float = 0.0):
    from sprintlens import load_track, save_track, track_video
    from sprintlens.synth import truth_track

    if not use_video:
        return jittered(truth_track(truth), jitter_px)
    if cache is not None:
        cached = cache / f"{clip.stem}.pose.npz"
        if cached.exists():
            return load_track(cached)
    track = track_video(clip)
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        save_track(track, cache / f"{clip.stem}.pose.npz")
    return track


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="*", type=Path, help="clips with .truth.json beside them")
    parser.add_argument("--cache", type=Path, default=None, help="folder to keep pose tracks in between runs")
    parser.add_argument("--no-video", action="store_true", help="use the truth's landmarks (perfect pose model)")
    parser.add_argument("--jitter", type=float, default=0.0, metavar="PX",
                        help="with --no-video: add Gaussian noise of this SD (px) to the truth's landmarks")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    from sprintlens import AnalysisConfig, analyse_track
    from sprintlens.synth import load_truth, truth_path_for

    clips = args.clips or sorted((ROOT / "sample_videos").glob("*.mp4"))
    results = []
    for clip in clips:
        truth_file = truth_path_for(clip)
        if not truth_file.exists():
            print(f"{clip}: no truth file, skipped", file=sys.stderr)
            continue
        truth = load_truth(truth_file)
        track = _track_for(clip, args.cache, not args.no_video, truth, args.jitter)
        analysis = analyse_track(track, AnalysisConfig(height_m=float(truth["athlete"]["height_m"])))
        results.append(evaluate(analysis, truth))

    if not results:
        print("no clips with ground truth", file=sys.stderr)
        return 1
    angle_names = sorted({name for r in results for name in r.angles_rmse_deg})
    sep = " | " if args.markdown else "  "
    header = ["clip", "fps", "events <=1 frame", "event MAE ms", "contact err ms (frames)", "step len err %", "start errors ms"]
    print((sep.join(header)).join(["| ", " |"]) if args.markdown else sep.join(header))
    if args.markdown:
        print("|" + "---|" * len(header))
    for r in results:
        start = ", ".join(f"{k} {v:+.0f}" for k, v in r.start_errors_ms.items()) or "-"
        row = [Path(r.clip).name or "?", f"{r.fps:g}",
               f"{100 * r.events_within_frame:.0f}% ({r.n_matched_events}/{r.n_true_events})",
               f"{r.event_mae_ms:.1f}", f"{r.contact_error_ms:+.1f} ({r.contact_error_frames:+.2f})",
               f"{r.step_length_error_pct:.1f}", start]
        print(sep.join(row).join(["| ", " |"]) if args.markdown else sep.join(row))
    print()
    header = ["angle RMSE deg", *[Path(r.clip).stem.replace("_120fps", "").replace("_240fps", "") for r in results], "worst"]
    print(sep.join(header).join(["| ", " |"]) if args.markdown else sep.join(header))
    if args.markdown:
        print("|" + "---|" * len(header))
    for name in angle_names:
        values = [r.angles_rmse_deg.get(name, float("nan")) for r in results]
        row = [name, *(f"{v:.1f}" for v in values), f"{np.nanmax(values):.1f}"]
        print(sep.join(row).join(["| ", " |"]) if args.markdown else sep.join(row))
    all_events = sum(r.n_true_events for r in results)
    within = sum(r.events_within_frame * r.n_true_events for r in results) / all_events
    print(f"\nall clips: {100 * within:.1f}% of {all_events} touchdowns/toe-offs within one frame; "
          f"mean contact-time error {np.mean([r.contact_error_frames for r in results]):+.2f} frame periods; "
          f"worst angle RMSE {max(max(r.angles_rmse_deg.values()) for r in results):.1f} deg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
