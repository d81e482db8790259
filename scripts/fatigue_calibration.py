"""How often the fatigue flags fire on fresh reps, and how often they catch a known degradation.

Simulates sessions of reps whose steps scatter normally around fixed values (step-to-step SDs of
a trained sprinter, measured at 240 fps), with a true rep-to-rep variation ``tau`` given as a
multiple of the sampling SD of a rep value, and runs :func:`sprintlens.logbook.fatigue.assess_session`
on them.  Prints:

- false flags: the share of fresh reps (after the baseline) with any warning;
- power: the share of reps at a fatigue level that get each metric flagged, for the
  degradations of :class:`sprintlens.synth.fatigue.Fatigue` (contact +12 %, speed -6 %, hip
  extension -6 deg, trunk lean +5 deg, knee drive -8 deg at full fatigue).

Usage: ``python scripts/fatigue_calibration.py [--sessions 400]``
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from sprintlens.logbook.fatigue import (
    FATIGUE_METRICS,
    FatigueConfig,
    RepSteps,
    assess_session,
)

FRESH = {"contact_s": 0.105, "step_frequency_hz": 4.6, "step_velocity": 9.8, "hip_extension_toeoff_deg": 12.0,
         "knee_drive_deg": 62.0, "max_thigh_separation_deg": 98.0, "trunk_lean_touchdown_deg": 6.0,
         "touchdown_distance": 0.32}
STEP_SD = {"contact_s": 0.004, "step_frequency_hz": 0.08, "step_velocity": 0.15, "hip_extension_toeoff_deg": 2.0,
           "knee_drive_deg": 2.0, "max_thigh_separation_deg": 2.5, "trunk_lean_touchdown_deg": 1.5,
           "touchdown_distance": 0.02}
FULL = {"contact_s": 0.12 * FRESH["contact_s"], "step_velocity": -0.06 * FRESH["step_velocity"],
        "hip_extension_toeoff_deg": -6.0, "trunk_lean_touchdown_deg": 5.0, "knee_drive_deg": -8.0,
        "step_frequency_hz": FRESH["step_frequency_hz"] * (0.94 / 0.95 - 1)}


def session(rng: np.random.Generator, levels, tau_ratio: float, n_steps: int = 12) -> list[RepSteps]:
    feet = np.array(["left", "right"] * (n_steps // 2))
    c = 1.0 / n_steps  # sampling factor of a balanced mean with equal legs
    reps = []
    for number, level in enumerate(levels, start=1):
        values = {}
        for metric, fresh in FRESH.items():
            tau = tau_ratio * STEP_SD[metric] * math.sqrt(c)
            centre = fresh + level * FULL.get(metric, 0.0) + rng.normal(0.0, tau) if tau else fresh + level * FULL.get(
                metric, 0.0)
            values[metric] = centre + rng.normal(0.0, STEP_SD[metric], n_steps)
        reps.append(RepSteps(number, values, feet, "m", 240.0))
    return reps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    print("false flags: share of fresh reps (after the baseline) with any warning (alpha = 0.05 per rep)")
    print(f"{'tau / sampling SD':>18} {'baseline reps':>14} {'history sessions':>17} {'false flags':>12}")
    for tau_ratio in (0.0, 1.0, 2.0):
        for k in (2, 3):
            for n_history in (0, 4):
                config = FatigueConfig(baseline_reps=k)
                flagged = total = 0
                for _ in range(args.sessions):
                    reps = session(rng, [0.0] * (k + 4), tau_ratio)
                    history = [session(rng, [0.0] * k, tau_ratio) for _ in range(n_history)]
                    a = assess_session(reps, config, history=history)
                    flagged += sum(1 for r in a.compared if a.warnings(r))
                    total += len(a.compared)
                print(f"{tau_ratio:>18.1f} {k:>14d} {n_history:>17d} {flagged / total:>12.3f}")

    print("\npower: share of reps flagged per metric at each fatigue level (2 baseline reps, tau = 0)")
    names = [m.name for m in FATIGUE_METRICS]
    print(f"{'level':>6} " + " ".join(f"{n[:12]:>12}" for n in names))
    for level in (0.2, 0.4, 0.6, 0.8, 1.0):
        hits = dict.fromkeys(names, 0)
        for _ in range(args.sessions):
            a = assess_session(session(rng, [0, 0, level], 0.0))
            for change in a.changes[3]:
                hits[change.metric] += change.flagged
        print(f"{level:>6.1f} " + " ".join(f"{hits[n] / args.sessions:>12.2f}" for n in names))


if __name__ == "__main__":
    main()
