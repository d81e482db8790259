"""A rep's analysis as readable text: the key numbers, then a table of steps."""

from __future__ import annotations

import math

from sprintlens.analysis.result import Analysis
from sprintlens.analysis.steps import LOW_CONFIDENCE_FPS
from sprintlens.analysis.travel import way_name


def _f(value: float, fmt: str, scale: float = 1.0) -> str:
    return "-" if value is None or not math.isfinite(value) else format(value * scale, fmt)


def pass_note(analysis: Analysis) -> str | None:
    """Which pass of the clip the rep is, when the athlete turns in it; None otherwise."""
    chosen = analysis.chosen_pass
    if chosen is None:
        return None
    ways = ", ".join(f"{way_name(p.sign)} {p.start_s:.2f}-{p.end_s:.2f} s" for p in analysis.passes)
    given = analysis.config.direction is not None
    rivals = [p for p in analysis.passes if p.sign == chosen.sign or not given]
    which = ("the fastest " if len(rivals) > 1 else "the ") + (f"{way_name(chosen.sign)} " if given else "")
    return (f"the athlete turns ({len(analysis.passes)} passes: {ways}); this is {which}pass, "
            f"{chosen.start_s:.2f}-{chosen.end_s:.2f} s (--direction ltr or rtl picks a way)")


def summary_lines(analysis: Analysis, name: str = "rep") -> list[str]:
    """Lines of text: rep verdict and key metrics, start events, then one line per step."""
    s = analysis.summary
    unit = s.unit
    t = s.trends
    lines = []
    seen = 100 * analysis.track.coverage
    lines.append(f"{name}: {s.gait} ({s.gait_reason}); {s.n_steps} steps; athlete seen in {seen:.0f}% of "
                 f"{analysis.track.n_frames} frames at {s.fps:.4g} fps")
    if s.low_confidence_timing:
        period = 1000 / s.fps
        lines.append(f"  note: below {LOW_CONFIDENCE_FPS:.0f} fps contact and flight times are low confidence "
                     f"(+/-{period:.0f} ms each)")
    passes = pass_note(analysis)
    if passes:
        lines.append(f"  note: {passes}")
    lines.append(f"  scale: {analysis.scale.describe()}; direction: "
                 f"{way_name(analysis.direction.sign)} ({analysis.direction.method})")
    if analysis.start is not None:
        st = analysis.start
        lines.append(f"  start: set {st.set_position_s:.2f} s, first movement {_f(st.first_movement_s, '.3f')} s, "
                     f"rear foot exit {_f(st.rear_exit_s, '.3f')} s, front foot exit {_f(st.front_exit_s, '.3f')} s, "
                     f"block time {_f(st.block_time_s, '.3f')} s")
    if s.n_steps:
        flight = "no flight (walking)" if s.gait != "running" else f"flight {_f(t['flight_s'].mean, '.0f', 1000)} ms"
        lines.append(
            f"  cadence {_f(s.cadence_spm, '.1f')} steps/min, contact {_f(t['contact_s'].mean, '.0f', 1000)} ms, "
            f"{flight}, duty factor {_f(s.duty_factor, '.0f', 100)}%")
        lines.append(
            f"  step length {_f(t['step_length'].mean, '.2f')} {unit}, top speed {_f(s.top_velocity, '.2f')} {unit}/s "
            f"(step {s.top_velocity_step}), touchdown distance {_f(t['touchdown_distance'].mean, '.2f')} {unit}")
        lines.append(
            f"  hip extension at toe-off {_f(t['hip_extension_toeoff_deg'].mean, '.1f')} deg, trunk lean at touchdown "
            f"{_f(t['trunk_lean_touchdown_deg'].mean, '.1f')} deg, knee drive {_f(t['knee_drive_deg'].mean, '.1f')} deg, "
            f"thigh separation {_f(t['max_thigh_separation_deg'].mean, '.1f')} deg")
        lines.append("")
        lines.append(f"  {'step':>4} {'foot':<5} {'touchdown':>9} {'contact':>8} {'flight':>7} {'freq':>5} "
                     f"{'length':>7} {'speed':>6} {'hip ext':>7} {'trunk':>6} {'knee':>5} {'sep':>5}")
        lines.append(f"  {'':>4} {'':<5} {'s':>9} {'ms':>8} {'ms':>7} {'Hz':>5} {unit:>7} {unit + '/s':>6} "
                     f"{'TO deg':>7} {'TD deg':>6} {'deg':>5} {'deg':>5}")
        for step in analysis.steps:
            lines.append(
                f"  {step.index:>4} {step.foot:<5} {step.touchdown_s:>9.3f} {_f(step.contact_s, '.0f', 1000):>8} "
                f"{_f(step.flight_s, '.0f', 1000):>7} {_f(step.step_frequency_hz, '.2f'):>5} "
                f"{_f(step.step_length, '.2f'):>7} {_f(step.step_velocity, '.2f'):>6} "
                f"{_f(step.hip_extension_toeoff_deg, '.1f'):>7} {_f(step.trunk_lean_touchdown_deg, '.1f'):>6} "
                f"{_f(step.knee_drive_deg, '.0f'):>5} {_f(step.max_thigh_separation_deg, '.0f'):>5}")
    else:
        lines.append("  no complete steps found")
    return lines
