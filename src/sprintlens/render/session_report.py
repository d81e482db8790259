"""The session report: one self-contained HTML page for a training session.

Sections: summary tiles, the advice, the flags, the reps side by side (every watched metric of
every rep with its change from the baseline, flagged changes marked), trend plots over the reps,
a picture of each rep (the kinogram of its fastest step, when the clips were at hand), the
coach's notes, and how the numbers were made.

:func:`session_report_html` is pure (records and picture bytes in, a page out); names, notes and
clip names are escaped.  :func:`write_session_report` writes it from the records and an
assessment that the command line gathered.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from sprintlens.core.formatting import display_unit, format_change, format_value
from sprintlens.core.version import __version__
from sprintlens.logbook.fatigue import (
    FATIGUE_METRICS,
    MetricSpec,
    RepSteps,
    SessionAssessment,
    rep_value,
)
from sprintlens.logbook.records import Athlete, Rep, TrainingSession
from sprintlens.logbook.session import rep_steps
from sprintlens.render import html
from sprintlens.render.html import Markup, Section, Tile
from sprintlens.render.logbook_plots import plot_session_panels
from sprintlens.render.plots import figure_bytes
from sprintlens.render.report import flags_html

#: Section ids of the page, in order.
SECTIONS: tuple[str, ...] = ("summary", "advice", "flags", "reps", "trends", "pictures", "notes", "about")


@dataclass(frozen=True)
class RepPicture:
    """A picture of one rep (for example its kinogram).

    Attributes
    ----------
    data : bytes
        Encoded image.
    mime : str
        ``"image/jpeg"`` or ``"image/png"``.
    caption : str
        What it shows.
    """

    data: bytes
    mime: str
    caption: str


def _cell(rep: Rep, spec: MetricSpec, assessment: SessionAssessment | None) -> Markup:
    unit = spec.unit_for(rep.unit)
    steps = RepSteps.from_rep(rep)
    value = rep_value(steps.values.get(spec.name, np.array([])), steps.feet)[0]
    text = html.escape(format_value(value, spec.name, unit, rep.fps))
    if assessment is None or rep.order is None:
        return text
    if rep.order in assessment.baseline.reps and rep.order not in assessment.changes:
        return Markup(f'{text}<br><span class="muted">baseline</span>')
    change = next((c for c in assessment.changes.get(rep.order, ()) if c.metric == spec.name), None)
    if change is None or change.verdict == "missing":
        return text
    if change.verdict == "too few steps":
        return Markup(f'{text}<br><span class="muted">too few steps to judge</span>')
    words = format_change(change.change, change.metric, change.unit, change.change_pct if spec.percent else None)
    css = {"worse": "worse", "changed": "worse", "better": "better"}.get(change.verdict, "muted")
    mark = {"worse": " !", "changed": " !", "better": " +"}.get(change.verdict, "")
    return Markup(f'{text}<br><span class="{css}">{html.escape(words + mark)}</span>')


def reps_table(reps: Sequence[Rep], assessment: SessionAssessment | None,
               metrics: Sequence[MetricSpec] = FATIGUE_METRICS, rep_links: Mapping[int, str] | None = None) -> Markup:
    """Return the reps side by side: one column per rep, one row per metric (value, and change from the baseline).

    Parameters
    ----------
    reps : sequence of Rep
        The session's reps, one column each.
    assessment : SessionAssessment or None
        The changes from the baseline shown under each value, and the noise table; ``None``
        shows the values only.
    metrics : sequence of MetricSpec
        The metrics shown, one row each.
    rep_links : mapping of rep number to str, optional
        Relative links to each rep's own report, put on the rep's column head.

    Returns
    -------
    Markup
        The table of reps and, with an assessment, the table of noise, smallest worthwhile
        change and change needed to flag.
    """
    links = rep_links or {}
    header: list[object] = [""]
    for r in reps:
        label = html.escape(f"rep {r.order}")
        if r.order in links:
            label = Markup(f'<a href="{html.escape(links[r.order])}">{label}</a>')
        header.append(label)
    rows: list[list[object]] = [
        ["clip", *(r.video_name for r in reps)],
        ["steps", *(r.n_steps - len(RepSteps.from_rep(r).dropped) for r in reps)],
        ["frame rate", *(f"{r.fps:.4g} fps" for r in reps)],
        ["RPE", *(str(r.rpe) if r.rpe is not None else "-" for r in reps)],
    ]
    for spec in metrics:
        unit = spec.unit_for(reps[0].unit if reps else "m")
        rows.append([f"{spec.label} ({display_unit(spec.name, unit)})", *(_cell(r, spec, assessment) for r in reps)])
    if assessment is not None and assessment.compared:
        first = {c.metric: c for c in assessment.changes[assessment.compared[0]]}
        noise_rows = []
        for spec in metrics:
            c = first.get(spec.name)
            if c is not None:
                noise_rows.append([spec.label, *(format_value(v, c.metric, c.unit, spread=True)
                                                 for v in (c.noise, c.swc, c.threshold))])
        table = html.table(header, rows, caption="Value of each rep (mean of the left and right step means) and, "
                           "below it, the change from the baseline: ! worse beyond your noise and the smallest "
                           "worthwhile change, + better")
        noise = html.table(["metric", "your noise (one rep)", "smallest worthwhile change", "change needed to flag"],
                           noise_rows, caption=f"Noise from {assessment.baseline.noise_source}; the change needed to "
                           f"flag is for rep {assessment.compared[0]} (it depends on the rep's step count)")
        return Markup(table + noise)
    return html.table(header, rows)


def _summary_tiles(session: TrainingSession, reps: Sequence[Rep], assessment: SessionAssessment | None) -> Markup:
    warnings = [f for f in assessment.flags if f.severity == "warning"] if assessment else []
    items = [Tile("Reps", str(len(reps)), f"{session.date.isoformat()}"),
             Tile("Phase", session.phase or "-", session.location),
             Tile("Baseline", ", ".join(str(r) for r in assessment.baseline.reps) if assessment else "-",
                  assessment.baseline.label if assessment else ""),
             Tile("Warnings", str(len(warnings)), "changes beyond noise and SWC"),
             Tile("Breakdown from", f"rep {assessment.onset_rep}" if assessment and assessment.onset_rep else "-",
                  "flagged and repeated in the next rep")]
    speeds = [r.value("step_velocity") for r in reps]
    finite = [s for s in speeds if math.isfinite(s)]
    if finite:
        best = max(finite)
        items.append(Tile("Fastest rep", format_value(best, "step_velocity", reps[0].unit),
                          f"rep {reps[speeds.index(best)].order}"))
    return html.tiles(items)


def _direction_words(spec: MetricSpec) -> str:
    """Say which way a watched metric gets worse (``"contact time up"``), from the catalogue's direction."""
    return f"{spec.label} {dict(up='up', down='down').get(spec.worse, 'changed')}"


def session_report_html(athlete: Athlete, session: TrainingSession, reps: Sequence[Rep],
                        assessment: SessionAssessment | None, *, trends_png: bytes | None = None,
                        pictures: Mapping[int, RepPicture] | None = None,
                        rep_links: Mapping[int, str] | None = None) -> str:
    """Return the session report page (see the module docstring).

    Parameters
    ----------
    athlete, session, reps : records
        From the logbook.
    assessment : SessionAssessment or None
        Flags and advice (None: no reps to judge).
    trends_png : bytes, optional
        The trend plots (:func:`sprintlens.render.logbook_plots.plot_session_panels`).
    pictures : mapping of rep number to RepPicture, optional
        A picture per rep, shown one above the other.
    rep_links : mapping of rep number to str, optional
        Relative links to each rep's own report.

    Returns
    -------
    str
        The self-contained HTML page.
    """
    sections = [Section("summary", "Summary", _summary_tiles(session, reps, assessment))]
    if assessment is not None:
        advice = Markup("".join(f"<p>{html.escape(line)}</p>" for line in assessment.advice))
        sections.append(Section("advice", "Advice", advice))
        sections.append(Section("flags", "Flags", flags_html(assessment.flags)))
    sections.append(Section("reps", "Reps side by side", reps_table(reps, assessment, rep_links=rep_links)))
    if trends_png:
        sections.append(Section("trends", "Trends over the reps",
                                html.figure(trends_png, "Each watched metric over the session's reps")))
    if pictures:
        figs = "".join(html.figure(p.data, f"Rep {n}: {p.caption}", p.mime, min_width_px=640)
                       for n, p in sorted(pictures.items()))
        sections.append(Section("pictures", "Reps compared: kinograms", Markup(
            '<p class="muted">The same moments of the fastest step of each rep, one rep below the other.</p>' + figs)))
    notes = []
    if session.notes:
        notes.append(Markup("<h3>Session</h3>") + html.paragraphs(session.notes))
    for r in reps:
        if r.notes:
            notes.append(Markup(f"<h3>{html.escape(f'Rep {r.order}')}</h3>") + html.paragraphs(r.notes))
    if athlete.notes:
        notes.append(Markup("<h3>Athlete</h3>") + html.paragraphs(athlete.notes))
    if notes:
        sections.append(Section("notes", "Notes", Markup("".join(notes))))
    about = [
        "Each rep is compared with the athlete's own baseline; a change is flagged only when it is larger than the "
        "athlete's rep-to-rep noise and than a smallest worthwhile change, in the direction that matters "
        f"({', '.join(_direction_words(spec) for spec in FATIGUE_METRICS)}).",
        "Noise: step-to-step variation within the baseline reps (left and right legs' own means removed) plus "
        "the true rep-to-rep variation, pooled with the athlete's earlier sessions, with a measurement floor. "
        "Smallest worthwhile change: 0.2 x a between-athlete SD. Confidence: the chance that the true change "
        "exceeds the smallest worthwhile change (Hopkins' scale: likely > 75 %, very likely > 95 %).",
    ]
    if assessment is not None:
        about.append(f"Baseline: {assessment.baseline.label}. Noise from {assessment.baseline.noise_source}.")
        about.extend(assessment.baseline.notes)
    sections.append(Section("about", "How these numbers were made",
                            Markup("".join(f"<p>{html.escape(t)}</p>" for t in about))))
    created = datetime.now(UTC).isoformat(timespec="seconds")
    return html.page(f"{athlete.name}: session of {session.date.isoformat()}", sections,
                     subtitle=", ".join(p for p in (session.phase, session.location, f"{len(reps)} reps") if p),
                     footer=f"SprintLens {__version__}, {created}; session {session.id}")


def write_session_report(path: str | os.PathLike[str], athlete: Athlete, session: TrainingSession,
                         reps: Sequence[Rep], assessment: SessionAssessment | None, *,
                         pictures: Mapping[int, RepPicture] | None = None,
                         rep_links: Mapping[int, str] | None = None) -> Path:
    """Write a session's report page (atomically) from its records and its assessment.

    Parameters
    ----------
    path : path-like
        The page to write.
    athlete, session, reps : records
        From the logbook.
    assessment : SessionAssessment or None
        Flags and advice, as :func:`sprintlens.logbook.session.assess_stored_session` made them
        (None: no reps to judge).
    pictures : mapping of rep number to RepPicture, optional
        A picture per rep.
    rep_links : mapping of rep number to str, optional
        Relative links to each rep's own report.

    Returns
    -------
    Path
        The page written.
    """
    trends = None
    if reps and assessment is not None:
        fig, _ = plot_session_panels(assessment, rep_steps(reps))
        trends = figure_bytes(fig, "png", dpi=110)
    page = session_report_html(athlete, session, reps, assessment, trends_png=trends, pictures=pictures,
                               rep_links=rep_links)
    return html.write_page(path, page)
