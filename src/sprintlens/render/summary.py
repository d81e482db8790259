"""A rep's analysis as readable text: the key numbers, then a table of steps."""

from __future__ import annotations

from sprintlens.analysis.result import Analysis
from sprintlens.analysis.steps import LOW_CONFIDENCE_FPS
from sprintlens.analysis.travel import way_name
from sprintlens.core.formatting import format_instant, format_number, format_value


def pass_note(analysis: Analysis) -> str | None:
    """Return which pass of the clip the rep is, when the athlete turns in it; None otherwise."""
    chosen = analysis.chosen_pass
    if chosen is None:
        return None
    ways = ", ".join(f"{way_name(p.sign)} {p.start_s:.2f}-{p.end_s:.2f} s" for p in analysis.passes)
    given = analysis.config.direction is not None
    rivals = [p for p in analysis.passes if p.sign == chosen.sign or not given]
    which = ("the fastest " if len(rivals) > 1 else "the ") + (f"{way_name(chosen.sign)} " if given else "")
    return (f"the athlete turns ({len(analysis.passes)} passes: {ways}); this is {which}pass, "
            f"{chosen.start_s:.2f}-{chosen.end_s:.2f} s (--direction ltr or rtl picks a way)")


def left_out_text(left_out: dict[int, str], most: int = 4) -> str:
    """Say which steps were left out and why: each step up to ``most`` of them, else a count per reason.

    Parameters
    ----------
    left_out : dict of int to str
        Step index to its reasons (``"; "``-separated, each starting with its kind).
    most : int
        Largest number of steps named one by one.

    Returns
    -------
    str
        E.g. ``"step 1: contact long (981 ms > 400 ms)"`` or ``"24 steps: step length (20), flight negative (9)"``.
    """
    if len(left_out) <= most:
        return "; ".join(f"step {k}: {why}" for k, why in sorted(left_out.items()))
    kinds: dict[str, int] = {}
    for why in left_out.values():
        for reason in {r.split(" (")[0] for r in why.split("; ") if r}:
            kinds[reason] = kinds.get(reason, 0) + 1
    counts = ", ".join(f"{kind} ({n})" for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"{len(left_out)} steps: {counts}; steps.csv gives each step's reasons"


def summary_lines(analysis: Analysis, name: str = "rep") -> list[str]:
    """Return lines of text: rep verdict and key metrics, start events, then one line per step."""
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
    if analysis.view is not None and not analysis.view.side_on:
        lines.append(f"  WARNING {analysis.view.message}")
    if s.n_steps and s.n_trusted_steps < s.n_steps:
        lines.append(f"  {s.trusted_text}: the rep's numbers average the trusted ones only "
                     f"(left out: {left_out_text(s.left_out)})")
    lines.append(f"  scale: {analysis.scale.describe()}; direction: "
                 f"{way_name(analysis.direction.sign)} ({analysis.direction.method})")
    fps = s.fps

    def v(value: float, name: str) -> str:
        return format_value(value, name, unit, fps)

    if analysis.start is not None:
        st = analysis.start
        lines.append(f"  start: set {format_instant(st.set_position_s, 2)} s, first movement "
                     f"{format_instant(st.first_movement_s)} s, rear foot exit {format_instant(st.rear_exit_s)} s, "
                     f"front foot exit {format_instant(st.front_exit_s)} s, "
                     f"block time {v(st.block_time_s, 'block_time_s')}")
    if s.n_steps:
        flight = "no flight (walking)" if s.gait != "running" else f"flight {v(t['flight_s'].mean, 'flight_s')}"
        lines.append(
            f"  cadence {v(s.cadence_spm, 'cadence_spm')}, contact {v(t['contact_s'].mean, 'contact_s')}, "
            f"{flight}, duty factor {v(s.duty_factor, 'duty_factor')}")
        lines.append(
            f"  step length {v(t['step_length'].mean, 'step_length')}, top speed {v(s.top_velocity, 'top_velocity')} "
            f"(step {s.top_velocity_step}), touchdown distance {v(t['touchdown_distance'].mean, 'touchdown_distance')}")
        lines.append(
            f"  hip extension at toe-off {v(t['hip_extension_toeoff_deg'].mean, 'hip_extension_toeoff_deg')}, "
            f"trunk lean at touchdown {v(t['trunk_lean_touchdown_deg'].mean, 'trunk_lean_touchdown_deg')}, "
            f"knee drive {v(t['knee_drive_deg'].mean, 'knee_drive_deg')}, "
            f"thigh separation {v(t['max_thigh_separation_deg'].mean, 'max_thigh_separation_deg')}")
        lines.append("")
        lines.append(f"  {'step':>4} {'foot':<5} {'touchdown':>9} {'contact':>8} {'flight':>7} {'freq':>5} "
                     f"{'length':>7} {'speed':>6} {'hip ext':>7} {'trunk':>6} {'knee':>5} {'sep':>5}")
        lines.append(f"  {'':>4} {'':<5} {'s':>9} {'ms':>8} {'ms':>7} {'Hz':>5} {unit:>7} {unit + '/s':>6} "
                     f"{'TO deg':>7} {'TD deg':>6} {'deg':>5} {'deg':>5}")
        columns = (("contact_s", 8), ("flight_s", 7), ("step_frequency_hz", 5), ("step_length", 7),
                   ("step_velocity", 6), ("hip_extension_toeoff_deg", 7), ("trunk_lean_touchdown_deg", 6),
                   ("knee_drive_deg", 5), ("max_thigh_separation_deg", 5))
        for step in analysis.steps:
            cells = " ".join(format_number(getattr(step, name), name, unit, fps).rjust(width)
                             for name, width in columns)
            mark = "" if step.trusted else "  (left out)"
            lines.append(f"  {step.index:>4} {step.foot:<5} {format_instant(step.touchdown_s):>9} {cells}{mark}")
    else:
        lines.append("  no complete steps found")
    return lines
