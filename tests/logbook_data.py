"""Synthetic reps with known metric values, for logbook, fatigue and progress tests (no video)."""

from __future__ import annotations

import hashlib
import math
import multiprocessing
from collections.abc import Callable, Sequence

import numpy as np

from sprintlens.logbook.records import Rep

#: Fresh values of the watched metrics (a trained sprinter at top speed).
FRESH = {
    "contact_s": 0.105,
    "step_frequency_hz": 4.6,
    "step_velocity": 9.8,
    "hip_extension_toeoff_deg": 12.0,
    "knee_drive_deg": 62.0,
    "max_thigh_separation_deg": 98.0,
    "trunk_lean_touchdown_deg": 6.0,
    "touchdown_distance": 0.32,
    "step_length": 2.13,
}

#: Step-to-step SD of each metric (noise of a single step).
STEP_SD = {
    "contact_s": 0.004,
    "step_frequency_hz": 0.08,
    "step_velocity": 0.15,
    "hip_extension_toeoff_deg": 2.0,
    "knee_drive_deg": 2.0,
    "max_thigh_separation_deg": 2.5,
    "trunk_lean_touchdown_deg": 1.5,
    "touchdown_distance": 0.02,
    "step_length": 0.04,
}


def sha_for(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def synthetic_rep(name: str = "rep1.mp4", *, seed: int = 0, n_steps: int = 12, shift: dict | None = None,
                  sd_scale: float = 1.0, fps: float = 240.0, unit: str = "m", block: bool = False,
                  slope: dict | None = None, sha: str | None = None) -> Rep:
    """A rep whose steps scatter around :data:`FRESH` + ``shift`` with :data:`STEP_SD` x ``sd_scale``.

    ``slope`` adds a per-step linear drift (metric: change per step); ``block`` marks a block start.
    """
    rng = np.random.default_rng(seed)
    shift = shift or {}
    slope = slope or {}
    steps = []
    for i in range(n_steps):
        step = {"index": i + 1, "foot": "left" if i % 2 == 0 else "right", "foot_view": "near" if i % 2 == 0 else "far",
                "low_confidence_timing": fps < 100, "touchdown_s": 0.1 + i * 0.22, "timing_unc_s": 1 / fps}
        for metric, fresh in FRESH.items():
            value = fresh + shift.get(metric, 0.0) + slope.get(metric, 0.0) * i
            step[metric] = float(value + rng.normal(0.0, STEP_SD[metric] * sd_scale)) if sd_scale else float(value)
        step["step_time_s"] = 1 / step["step_frequency_hz"]
        step["flight_s"] = step["step_time_s"] - step["contact_s"]
        steps.append(step)
    trends = {}
    for metric in FRESH:
        values = np.array([s[metric] for s in steps])
        trends[metric] = {"mean": float(values.mean()), "sd": float(values.std(ddof=1)), "n": float(n_steps),
                          "slope_per_step": float(np.polyfit(np.arange(n_steps), values, 1)[0]),
                          "first_last_change": float(values[-4:].mean() - values[:4].mean())}
    return Rep(
        video_sha256=sha or sha_for(f"{name}:{seed}"), video_name=name,
        capture={"fps": fps, "video": {"file": name, "capture_fps": fps, "frame_size": [1280, 720]}},
        gait="running", gait_reason="flight between contacts", unit=unit, scale_source="athlete height 1.80 m",
        n_steps=n_steps, fps=fps, low_confidence_timing=fps < 100,
        values={"cadence_spm": 60 * FRESH["step_frequency_hz"], "duty_factor": 0.24,
                "top_velocity": FRESH["step_velocity"] + shift.get("step_velocity", 0.0), "top_velocity_step": 5.0,
                "block_time_s": 0.38 if block else math.nan, "rear_block_time_s": math.nan},
        trends=trends, steps=tuple(steps), analysed_utc="2024-05-01T10:00:00+00:00", sprintlens_version="test",
    )


def fatigue_shift(level: float) -> dict[str, float]:
    """The rendered generator's degradations at a fatigue level (0 fresh, 1 full): known answers."""
    return {
        "contact_s": FRESH["contact_s"] * 0.12 * level,
        "step_velocity": FRESH["step_velocity"] * -0.06 * level,
        "step_length": FRESH["step_length"] * -0.05 * level,
        "step_frequency_hz": FRESH["step_frequency_hz"] * ((1 - 0.06 * level) / (1 - 0.05 * level) - 1),
        "hip_extension_toeoff_deg": -6.0 * level,
        "trunk_lean_touchdown_deg": 5.0 * level,
        "knee_drive_deg": -8.0 * level,
    }


def run_at_once(target: Callable[..., None], args: Sequence[tuple], timeout_s: float = 120.0) -> list[int | None]:
    """Run ``target(*a, barrier)`` for each ``a`` in ``args``, each in its own (spawned) process, all
    released by one barrier at the same moment; their exit codes (None if one is still running)."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(args))
    procs = [ctx.Process(target=target, args=(*a, barrier)) for a in args]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=timeout_s)
    return [p.exitcode for p in procs]
