"""The logbook as readable text for the terminal.

A session's reps side by side with their changes from the baseline, flags and advice; progress
over weeks; lists of athletes, sessions and reps.

Pure functions returning lines; the command line prints them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from sprintlens.core.catalogue import BY_NAME
from sprintlens.core.formatting import (
    display_unit,
    format_change,
    format_number,
    format_value,
)
from sprintlens.logbook.fatigue import (
    FATIGUE_METRICS,
    Change,
    MetricSpec,
    RepSteps,
    SessionAssessment,
    rep_value,
)
from sprintlens.logbook.progress import MetricProgress, slope_significant
from sprintlens.logbook.records import Athlete, Rep, TrainingSession


def short_label(name: str) -> str:
    """Return the catalogue's short column head of a metric (its name when the catalogue lacks it)."""
    return BY_NAME[name].short if name in BY_NAME else name


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], *, left: int = 1, align: str = "",
               indent: str = "") -> list[str]:
    """Return a table as lines of columns padded to their widest cell.

    ``align`` gives each column ``"l"`` or ``"r"``; without it the first ``left`` columns are
    left-aligned and the rest right-aligned.

    Parameters
    ----------
    header : sequence of str
        The column heads.
    rows : sequence of sequences of str
        The rows, one cell per column.
    left : int
        How many leading columns are left-aligned when ``align`` is empty.
    align : str
        One letter per column, ``"l"`` (left) or ``"r"`` (right); empty to use ``left``.
    indent : str
        Put before every line.

    Returns
    -------
    list of str
        The header line, then one line per row, columns two spaces apart (trailing spaces
        stripped).
    """
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    sides = align or "l" * left + "r" * (len(header) - left)

    def line(cells: Sequence[str]) -> str:
        parts = [str(c).ljust(w) if sides[i] == "l" else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return (indent + "  ".join(parts)).rstrip()

    return [line(header), *(line(r) for r in rows)]


def _unit_label(spec: MetricSpec, unit: str) -> str:
    return display_unit(spec.name, spec.unit_for(unit))


def _value_cell(value: float, spec: MetricSpec, unit: str, fps: float | None = None) -> str:
    return format_number(value, spec.name, spec.unit_for(unit), fps)


def _change_cell(change: Change | None, spec: MetricSpec) -> str:
    if change is None or change.verdict == "missing":
        return "-"
    if change.verdict == "too few steps":
        return "few steps"
    text = format_change(change.change, change.metric, change.unit, change.change_pct if spec.percent else None)
    text = text.replace(" %", "%").replace(" deg", "").replace(" ms", "ms")
    mark = {"worse": " !", "changed": " !", "better": " +"}.get(change.verdict, "")
    return text + mark


def _rep_cell_value(steps: RepSteps, spec: MetricSpec) -> float:
    return rep_value(steps.values.get(spec.name, np.array([])), steps.feet)[0]


def session_lines(session: TrainingSession, reps: Sequence[Rep], assessment: SessionAssessment | None,
                  metrics: Sequence[MetricSpec] = FATIGUE_METRICS) -> list[str]:
    """Return a session as text: reps and their key metrics, changes from the baseline, noise, flags, advice.

    Parameters
    ----------
    session : TrainingSession
        The session (athlete, date, notes).
    reps : sequence of Rep
        The session's reps, in order.
    assessment : SessionAssessment or None
        The reps' baseline, changes, flags and advice; ``None`` shows the reps' values only.
    metrics : sequence of MetricSpec
        The metrics shown, one column each.

    Returns
    -------
    list of str
        The lines, without line endings.
    """
    unit = reps[0].unit if reps else "m"
    lines = [f"{session.athlete}: {session.describe()}: {len(reps)} rep{'s' if len(reps) != 1 else ''}"]
    if session.notes:
        lines.append(f"  notes: {session.notes}")
    if assessment is not None:
        b = assessment.baseline
        lines.append(f"  baseline: {b.label}; noise from {b.noise_source}")
    if any(r.low_confidence_timing for r in reps):
        lines.append("  note: clips below 100 fps: contact and step times are low confidence (the noise floor "
                     "follows the frame period)")
    lines.append("")
    header = ["rep", "clip", "steps", *(short_label(m.name) for m in metrics), "RPE"]
    units = ["", "", "", *(_unit_label(m, unit) for m in metrics), ""]
    rows, dropped = [], []
    for rep in reps:
        steps = RepSteps.from_rep(rep)
        if steps.dropped:
            dropped.append(f"rep {rep.order} step{'s' if len(steps.dropped) > 1 else ''} "
                           f"{', '.join(map(str, steps.dropped))}")
        role = " (baseline)" if assessment is not None and rep.order in assessment.baseline.reps else ""
        rows.append([str(rep.order), rep.video_name[:24] + role, str(rep.n_steps - len(steps.dropped)),
                     *(_value_cell(_rep_cell_value(steps, m), m, unit, rep.fps) for m in metrics),
                     str(rep.rpe) if rep.rpe is not None else "-"])
    lines.extend(text_table(header, [units, *rows], left=2, indent="  "))
    if dropped:
        lines.append(f"  left out (step time more than 25 % off the rep's median: a missed or extra contact): "
                     f"{'; '.join(dropped)}")
    if assessment is None or not assessment.changes:
        return lines
    lines.append("")
    lines.append(f"  change from the baseline ({assessment.baseline.label}); ! beyond your noise and the smallest "
                 "worthwhile change, + better")
    change_rows = []
    for rep_number in assessment.compared:
        by_metric = {c.metric: c for c in assessment.changes[rep_number]}
        change_rows.append([str(rep_number), *(_change_cell(by_metric.get(m.name), m) for m in metrics)])
    first = assessment.changes[assessment.compared[0]]
    noise = {c.metric: c for c in first}
    noise_row = ["noise", *(format_value(noise[m.name].noise, m.name, noise[m.name].unit, spread=True)
                            if m.name in noise else "-" for m in metrics)]
    swc_row = ["SWC", *(format_value(noise[m.name].swc, m.name, noise[m.name].unit, spread=True)
                        if m.name in noise else "-" for m in metrics)]
    lines.extend(text_table(["rep", *(short_label(m.name) for m in metrics)],
                            [*change_rows, noise_row, swc_row], indent="  "))
    lines.append("  (noise: typical error of one rep; SWC: smallest worthwhile change)")
    lines.append("")
    warnings = [f for f in assessment.flags if f.severity == "warning"]
    infos = [f for f in assessment.flags if f.severity == "info"]
    lines.append(f"flags: {len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
                 + (f", {len(infos)} improvement{'s' if len(infos) != 1 else ''}" if infos else ""))
    for flag in [*warnings, *infos]:
        lines.append(f"  [{'!' if flag.severity == 'warning' else '+'}] {flag.message}")
    lines.append("")
    lines.append("advice:")
    lines.extend(f"  {line}" for line in assessment.advice)
    return lines


def progress_lines(athlete: Athlete, results: Sequence[MetricProgress], advice: Sequence[str]) -> list[str]:
    """Return progress as text: per metric, the session values with phases, the noise band and the verdict.

    Parameters
    ----------
    athlete : Athlete
        Whose progress.
    results : sequence of MetricProgress
        Each metric's progress over the sessions.
    advice : sequence of str
        Lines of advice, printed last.

    Returns
    -------
    list of str
        The lines, without line endings.
    """
    lines = [f"{athlete.name}: progress over {max((len(r.points) for r in results), default=0)} sessions"]
    together = f", {len(results)} metrics together" if len(results) > 1 else ""
    for r in results:
        lines.append("")
        unit = display_unit(r.metric, r.unit)
        worse = {"up": "higher", "down": "lower"}.get(r.worse, "changed either way")
        lines.append(f"{r.label} ({unit}; worse when {worse})")
        if not r.points:
            lines.append("  no data")
            continue
        rows = []
        first = r.points[0].value
        for p in r.points:
            diff = p.value - first
            pct = 100 * diff / abs(first) if r.percent and first else None
            beyond = abs(diff) > max(r.mdc, r.swc) if math.isfinite(r.mdc) else False
            rows.append([p.date.isoformat(), p.phase or "-", str(p.session_id),
                         format_number(p.value, r.metric, r.unit),
                         "±" + format_number(p.typical_error, r.metric, r.unit, spread=True), str(p.n_reps),
                         "" if p is r.points[0] else
                         format_change(diff, r.metric, r.unit, pct) + (" *" if beyond else "")])
        lines.extend(text_table(["date", "phase", "session", "value", "noise", "reps", "vs first"], rows, left=2,
                                indent="  "))
        band = (f"noise band (MDC95{together}) ±{format_value(r.mdc, r.metric, r.unit, spread=True)}, "
                f"smallest worthwhile {format_value(r.swc, r.metric, r.unit, spread=True)}")
        lines.append(f"  {band}; * beyond both")
        if math.isfinite(r.slope_per_week):
            sig = "" if slope_significant(r) else " (not different from zero)"
            lines.append(f"  trend {format_value(r.slope_per_week, r.metric, r.unit, spread=True)}/week "
                         f"± {format_value(r.slope_se, r.metric, r.unit, spread=True)}{sig}")
        if len(r.phases) > 1:
            lines.append("  by phase: " + "; ".join(f"{ph.phase} {format_value(ph.mean, r.metric, r.unit)} "
                                                    f"({ph.n_sessions})"
                                                    for ph in r.phases))
        lines.append(f"  verdict: {r.verdict}")
    lines.append("")
    lines.append("advice:")
    lines.extend(f"  {line}" for line in advice)
    return lines


def athlete_rows(athletes: Sequence[Athlete], sessions_by_athlete: dict[int, list[TrainingSession]]) -> list[str]:
    """Return athletes as lines, one each: name, height, sessions, reps, last session, reference, notes."""
    rows = []
    for a in athletes:
        sessions = sessions_by_athlete.get(a.id, [])
        rows.append([a.name, f"{a.height_m:.2f}" if a.height_m else "-", str(len(sessions)),
                     str(sum(s.n_reps for s in sessions)), sessions[-1].date.isoformat() if sessions else "-",
                     str(a.reference_session_id or "-"), a.notes.replace("\n", " ")[:40]])
    return text_table(["athlete", "height m", "sessions", "reps", "last", "reference", "notes"], rows, left=1) \
        if rows else ["no athletes yet: add one with `sprintlens athlete add NAME --height METRES`"]


def session_rows(sessions: Sequence[TrainingSession]) -> list[str]:
    """Return sessions as lines of a table, one each."""
    if not sessions:
        return ["no sessions"]
    rows = [[str(s.id), s.athlete, s.date.isoformat(), s.phase or "-", s.location or "-", str(s.n_reps),
             s.notes.replace("\n", " ")[:40]] for s in sessions]
    return text_table(["id", "athlete", "date", "phase", "location", "reps", "notes"], rows, align="rllllrl")


def rep_rows(reps: Sequence[Rep]) -> list[str]:
    """Return the reps of a session as lines of a table, one each."""
    if not reps:
        return ["no reps"]
    rows = []
    for r in reps:
        steps = RepSteps.from_rep(r)
        speed = rep_value(steps.values["step_velocity"], steps.feet)[0]
        contact = rep_value(steps.values["contact_s"], steps.feet)[0]
        rows.append([str(r.id), str(r.order), r.video_name[:30], f"{r.fps:.4g}", str(r.n_steps - len(steps.dropped)),
                     format_number(contact, "contact_s", fps=r.fps), format_value(speed, "step_velocity", r.unit),
                     str(r.rpe) if r.rpe is not None else "-", r.notes.replace("\n", " ")[:30]])
    return text_table(["id", "rep", "clip", "fps", "steps", "contact ms", "speed", "RPE", "notes"], rows,
                      align="rrlrrrrrl")
