"""The rep report: one self-contained HTML page with the summary, flags, clip, kinogram, plots and steps.

:func:`report_html` is pure: it takes the analysis and the pictures already drawn (PNG bytes)
and returns the page.  The annotated clip is linked and shown in a ``<video>`` element by its
file name (it sits beside the page); everything else is embedded.  The athlete's name and the
coach's notes are escaped.  :func:`flags_html` and :func:`summary_tiles` are public so session
reports can show flags and numbers the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sprintlens.analysis.result import Analysis
from sprintlens.analysis.steps import LOW_CONFIDENCE_FPS
from sprintlens.analysis.travel import way_name
from sprintlens.core.formatting import (
    format_change,
    format_instant,
    format_number,
    format_percent,
    format_value,
)
from sprintlens.core.version import __version__
from sprintlens.logbook.flags import Flag
from sprintlens.render import html
from sprintlens.render.html import Markup, Section, Tile
from sprintlens.render.summary import pass_note

#: Section ids of the report, in page order (a test checks the rendered page has them).
SECTIONS: tuple[str, ...] = ("summary", "flags", "clip", "kinogram", "plots", "steps", "notes", "about")


def summary_tiles(analysis: Analysis) -> list[Tile]:
    """Return the rep's key numbers as summary tiles (mean ± SD over steps where it helps)."""
    s = analysis.summary
    t = s.trends
    unit = s.unit
    low = " (low confidence)" if s.low_confidence_timing else ""

    def value(v: float, name: str, spread: bool = False) -> str:
        return format_value(v, name, unit, s.fps, spread=spread, degree_sign=True)

    def mean_sd(name: str) -> tuple[str, str]:
        tr = t.get(name)
        if tr is None or tr.n == 0:
            return "-", ""
        sd = f"± {value(tr.sd, name, True)} SD, {tr.n} steps" if math.isfinite(tr.sd) else f"{tr.n} step(s)"
        return value(tr.mean, name), sd

    tiles = [
        Tile("Gait", s.gait, s.gait_reason if len(s.gait_reason) < 60 else ""),
        Tile("Steps", str(s.n_steps), f"{analysis.track.n_frames} frames at {s.fps:.4g} fps"),
        Tile("Cadence", value(s.cadence_spm, "cadence_spm"), "steps per minute"),
    ]
    for label, name in (("Contact", "contact_s"), ("Flight", "flight_s"), ("Step length", "step_length"),
                        ("Step frequency", "step_frequency_hz")):
        shown, note = mean_sd(name)
        if name in ("contact_s", "flight_s"):
            note += low
        tiles.append(Tile(label, shown, note))
    tiles.append(Tile("Top speed", value(s.top_velocity, "top_velocity"),
                      f"step {s.top_velocity_step}" if s.top_velocity_step else ""))
    tiles.append(Tile("Duty factor", value(s.duty_factor, "duty_factor"), "share of the stride on the ground"))
    for label, name in (("Hip ext. at toe-off", "hip_extension_toeoff_deg"),
                        ("Trunk lean at touchdown", "trunk_lean_touchdown_deg"),
                        ("Knee drive", "knee_drive_deg"), ("Thigh separation", "max_thigh_separation_deg")):
        tiles.append(Tile(label, *mean_sd(name)))
    if analysis.start is not None:
        tiles.append(Tile("Block time", value(s.block_time_s, "block_time_s"), "first movement to front foot exit"))
    return tiles


def flags_html(flags: Sequence[Flag]) -> Markup:
    """Return flags as coloured notes: what changed and by how much, the message, and against what."""
    if not flags:
        return Markup('<p class="muted">No flags: nothing in this rep was compared against a baseline, '
                      "or no change exceeded the athlete's own noise.</p>")
    parts = []
    for f in sorted(flags, key=lambda fl: (fl.severity != "warning", fl.metric)):
        pct = f" ({format_percent(f.change_pct)})" if f.change_pct is not None and math.isfinite(f.change_pct) else ""
        where = f"rep {f.rep}, " if f.rep is not None else ""
        noise = format_value(f.noise, f.metric, f.unit, spread=True, degree_sign=True)
        swc = format_value(f.smallest_worthwhile, f.metric, f.unit, spread=True, degree_sign=True)
        parts.append(
            f'<div class="flag {html.escape(f.severity)}"><div class="what">{html.escape(f.label)}: '
            f"{html.escape(format_change(f.change, f.metric, f.unit, degree_sign=True))}{html.escape(pct)}</div>"
            f"<div>{html.escape(f.message)}</div>"
            f'<div class="detail">{html.escape(where + f.scope)}; against {html.escape(f.reference)}; '
            f"noise {html.escape(noise)}, smallest worthwhile change {html.escape(swc)}; "
            f"{html.escape(f.confidence)}</div></div>")
    return Markup("".join(parts))


def steps_rows(analysis: Analysis) -> tuple[list[str], list[list[object]]]:
    """Return the header and formatted rows of the step table."""
    unit = analysis.scale.unit
    header = ["step", "foot", "touchdown (s)", "contact (ms)", "flight (ms)", "freq (Hz)", f"length ({unit})",
              f"speed ({unit}/s)", f"TD dist ({unit})", "hip ext TO (°)", "trunk TD (°)", "shin TD (°)",
              "knee drive (°)", "max sep (°)"]
    names = ("contact_s", "flight_s", "step_frequency_hz", "step_length", "step_velocity", "touchdown_distance",
             "hip_extension_toeoff_deg", "trunk_lean_touchdown_deg", "shin_touchdown_deg", "knee_drive_deg",
             "max_thigh_separation_deg")
    fps = analysis.summary.fps
    rows: list[list[object]] = []
    for s in analysis.steps:
        foot = f"{s.foot} ({s.foot_view})" if s.foot_view else s.foot
        rows.append([s.index, foot, format_instant(s.touchdown_s),
                     *(format_number(getattr(s, name), name, unit, fps) for name in names)])
    return header, rows


@dataclass(frozen=True)
class ReportImages:
    """Pictures for the report: plots as PNG bytes, the kinogram as ``kinogram_mime`` (None: not drawn)."""

    angles: bytes | None = None
    steps: bytes | None = None
    velocity: bytes | None = None
    kinogram: bytes | None = None
    kinogram_caption: str = ""
    kinogram_mime: str = "image/jpeg"
    poster: bytes | None = None  # JPEG shown in the clip's place before it plays
    extra: dict[str, bytes] = field(default_factory=dict)


def report_html(analysis: Analysis, images: ReportImages, *, name: str = "rep", athlete: str | None = None,
                notes: str | None = None, flags: Sequence[Flag] = (), clip: str | None = None,
                created: datetime | None = None) -> str:
    """Return the report page as a string.

    Parameters
    ----------
    analysis : Analysis
        The rep.
    images : ReportImages
        Plots and kinogram (PNG bytes).
    name : str
        The clip's name (shown under the title).
    athlete : str, optional
        Athlete's name (escaped).
    notes : str, optional
        Coach's notes, plain text (escaped; blank lines make paragraphs).
    flags : sequence of Flag
        From :mod:`sprintlens.logbook.fatigue`; shown first after the summary.
    clip : str, optional
        File name of the annotated clip, relative to the page.
    created : datetime, optional
        Time shown in the footer (default: now, UTC).

    Returns
    -------
    str
        The self-contained HTML page.
    """
    s = analysis.summary
    created = created or datetime.now(UTC)
    who = athlete.strip() if athlete and athlete.strip() else ""
    title = f"Sprint analysis · {who}" if who else "Sprint analysis"
    subtitle = (f"{name} · {s.gait}, {s.n_steps} steps · "
                f"{way_name(analysis.direction.sign)} · {created:%Y-%m-%d}")

    summary = [html.tiles(summary_tiles(analysis))]
    if s.low_confidence_timing:
        summary.append(html.paragraphs(
            f"Filmed at {s.fps:.4g} fps: each event is known to ±{1000 / s.fps:.0f} ms, so contact and flight "
            f"times are low confidence. Film at {LOW_CONFIDENCE_FPS:.0f} fps or more (slow motion) for timing."))
    passes = pass_note(analysis)
    if passes:
        summary.append(html.paragraphs(f"Only part of the clip is analysed: {passes}."))
    if analysis.scale.unit != "m":
        summary.append(html.paragraphs("Distances are in leg lengths (hip to ankle): give the athlete's height or "
                                       "a calibration for metres."))
    sections = [Section("summary", "Summary", Markup("".join(summary))),
                Section("flags", "Flags", flags_html(flags))]
    if clip:
        sections.append(Section("clip", "Annotated clip", html.video(
            clip, "Skeleton, hip and knee angles, trunk and shin against the vertical, touchdowns (TD) and "
                  "toe-offs (TO), live metrics", poster=images.poster)))
    if images.kinogram:
        sections.append(Section("kinogram", "Kinogram", html.figure(
            images.kinogram, images.kinogram_caption or "Key positions of a step", images.kinogram_mime,
            min_width_px=640)))
    elif not analysis.steps:
        sections.append(Section("kinogram", "Kinogram", html.paragraphs(
            "No complete step was found, so there are no key positions to show.")))
    plots = [html.figure(data, caption, min_width_px=width) for data, caption, width in (
        (images.angles, "Hip, knee, trunk and shin angles over time; shaded: foot on the ground", 600),
        (images.steps, "Per step: contact time, flight time, step length and frequency", 560),
        (images.velocity, "Forward hip velocity, and each step's mean", 560)) if data]
    plots += [html.figure(data, caption) for caption, data in images.extra.items()]
    if plots:
        sections.append(Section("plots", "Plots", Markup("".join(plots))))
    header, rows = steps_rows(analysis)
    near = analysis.near_leg
    steps_body = html.table(header, rows) if rows else html.paragraphs("No complete steps were found.")
    steps_body = Markup(steps_body + html.paragraphs(
        "TO: toe-off; TD: touchdown. Near/far: the leg nearer the camera is measured more reliably."
        + (f" Near leg: {near}." if near else "")))
    sections.append(Section("steps", "Steps", steps_body))
    if notes and notes.strip():
        sections.append(Section("notes", "Notes", html.paragraphs(notes)))
    track = analysis.track
    video = dict(track.provenance.get("video", {}) or {})
    about = [
        ["clip", video.get("file", name)],
        ["frames", f"{track.n_frames} ({video.get('capture_fps', track.fps)} fps real, "
                   f"{video.get('fps', '-')} fps playback)"],
        ["athlete seen", f"{100 * track.coverage:.0f} % of frames"],
        ["scale", analysis.scale.describe()],
        ["direction", f"{way_name(analysis.direction.sign)} ({analysis.direction.method})"],
        ["pose model", f"{track.model_id} ({track.model_version})"],
        ["video SHA-256", track.video_sha256 or "-"],
        ["SprintLens", __version__],
    ]
    sections.append(Section("about", "About this analysis", html.table(["", ""], about)))
    return html.page(title, sections, subtitle=subtitle,
                     footer=f"Made by SprintLens {__version__} on {created:%Y-%m-%d %H:%M} UTC. Offline; no data left "
                            "this computer.")
