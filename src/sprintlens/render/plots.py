"""Plots of a rep: angle-time curves, per-step bars, the hip velocity curve, reps compared.

Every plotting function takes an optional ``ax`` and returns ``(fig, ax)``; with no ``ax`` it
makes its own :class:`matplotlib.figure.Figure` on the Agg canvas (no pyplot, no GUI backend, no
global state), and none calls ``show()``.  Panel functions (``*_panels``) return ``(fig, axes)``.
Save with :func:`save_figure` (PNG and SVG) or :func:`figure_bytes` (to embed in a page).

Each curve is a :class:`~matplotlib.lines.Line2D` whose ``gid`` is the name of the series it
shows (``"hip_flexion_left_deg"``, ``"velocity"``), so callers and tests can find it.

Colours follow :mod:`sprintlens.render.style`: the near leg orange, the far leg blue.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from sprintlens.analysis.result import Analysis
from sprintlens.core.catalogue import BY_NAME
from sprintlens.core.errors import OutputError
from sprintlens.core.files import atomic_path
from sprintlens.core.formatting import display_unit, format_value
from sprintlens.render import style

F = TypeVar("F", bound=Callable[..., Any])

#: Matplotlib settings of every SprintLens plot (applied while a plot is drawn, never globally).
RC: dict[str, object] = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 11,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "sprintlens",
}

#: Angle groups shown in the angle-time plots: title, y label and the columns (per leg or one).
ANGLE_GROUPS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "hip": ("Hip", "hip flexion (deg)\n+ flexion, - extension", ("hip_flexion_left_deg", "hip_flexion_right_deg")),
    "knee": ("Knee", "knee flexion (deg)\n0 = straight", ("knee_flexion_left_deg", "knee_flexion_right_deg")),
    "trunk": ("Trunk", "trunk lean (deg)\n+ forward", ("trunk_lean_deg",)),
    "shin": ("Shin", "shin angle (deg)\n+ knee ahead of ankle", ("shin_left_deg", "shin_right_deg")),
    "thigh": ("Thigh", "thigh angle (deg)\n+ knee ahead of hip", ("thigh_left_deg", "thigh_right_deg")),
    "separation": ("Thigh separation", "thigh separation (deg)", ("thigh_separation_deg",)),
}

#: Per-step metrics shown as bars (catalogue names: titles, units and precision come from it).
STEP_BARS: tuple[str, ...] = ("contact_s", "flight_s", "step_length", "step_frequency_hz", "step_velocity",
                              "touchdown_distance", "hip_extension_toeoff_deg", "trunk_lean_touchdown_deg",
                              "max_thigh_separation_deg")
_UNCERTAINTY = {"contact_s": "timing_unc_s", "flight_s": "timing_unc_s", "step_length": "step_length_unc",
                "step_frequency_hz": "step_frequency_unc_hz"}

BODY_GREY = "#4a5360"


def _styled(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with matplotlib.rc_context(RC):
            return func(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


def new_figure(width_in: float = 8.0, height_in: float = 3.2) -> Figure:
    """Make a figure on the Agg canvas with constrained layout (never shown, only saved)."""
    fig = Figure(figsize=(width_in, height_in), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def axes_or_new(ax: Axes | None, width_in: float = 8.0, height_in: float = 3.2) -> tuple[Figure, Axes]:
    """Return ``(ax.figure, ax)``, or a new figure with one axes when ``ax`` is None.

    Parameters
    ----------
    ax : Axes or None
        Axes to draw on; a new figure is made when None.
    width_in, height_in : float
        Size of the new figure (inches); unused when ``ax`` is given.

    Returns
    -------
    (Figure, Axes)
        The figure and the axes to draw on.
    """
    if ax is not None:
        return ax.get_figure(root=True), ax  # type: ignore[return-value]
    fig = new_figure(width_in, height_in)
    return fig, fig.add_subplot()


def leg_hex(analysis: Analysis) -> dict[str, str]:
    """Matplotlib colour of each labelled leg (near orange, far blue)."""
    return {side: style.hex_colour(rgb) for side, rgb in style.leg_colours(analysis.near_leg).items()}


def seen_span_s(analysis: Analysis) -> tuple[float, float]:
    """First and last time (s) at which the athlete is seen (the whole clip if never)."""
    seen = np.flatnonzero(analysis.track.detected)
    t = analysis.t_s
    if seen.size == 0:
        return float(t[0]), float(t[-1])
    lo, hi = float(t[seen[0]]), float(t[seen[-1]])
    return (lo, hi) if hi > lo else (float(t[0]), float(t[-1]))


def _side_of(column: str) -> str | None:
    return "left" if "_left" in column else "right" if "_right" in column else None


def shade_contacts(ax: Axes, analysis: Analysis, t_offset_s: float = 0.0, alpha: float = 0.13) -> None:
    """Shade each foot contact (touchdown to toe-off) in the colour of its leg.

    Parameters
    ----------
    ax : Axes
        Axes with time (s) along x.
    analysis : Analysis
        The rep whose contacts are shaded.
    t_offset_s : float
        Time (s) subtracted from the contact times, so that it lies at x = 0.
    alpha : float
        Opacity of the shading (0-1).
    """
    colours = leg_hex(analysis)
    for c in analysis.contacts:
        ax.axvspan(c.touchdown_s - t_offset_s, c.toeoff_s - t_offset_s, color=colours[c.foot], alpha=alpha, lw=0,
                   zorder=0)


def mark_events(ax: Axes, analysis: Analysis, t_offset_s: float = 0.0) -> None:
    """Mark touchdowns (down triangle) and toe-offs (up triangle) along the top of the axes.

    Block-start events (first movement, front foot exit) are drawn as vertical lines.

    Parameters
    ----------
    ax : Axes
        Axes with time (s) along x.
    analysis : Analysis
        The rep whose contacts and start are marked.
    t_offset_s : float
        Subtracted from every event time (s), for axes whose time starts elsewhere.
    """
    colours = leg_hex(analysis)
    trans = ax.get_xaxis_transform()
    for c in analysis.contacts:
        if c.starts_in_clip:
            ax.plot([c.touchdown_s - t_offset_s], [0.98], marker="v", ms=6, color=colours[c.foot], transform=trans,
                    clip_on=False, ls="none", gid="touchdown")
        if c.ends_in_clip:
            ax.plot([c.toeoff_s - t_offset_s], [0.98], marker="^", ms=6, color=colours[c.foot], mfc="white",
                    transform=trans, clip_on=False, ls="none", gid="toeoff")
    if analysis.start is not None:
        for name, t in (("first movement", analysis.start.first_movement_s),
                        ("front foot exit", analysis.start.front_exit_s)):
            if np.isfinite(t):
                ax.axvline(t - t_offset_s, color="#666", ls=":", lw=1, gid=name)
                ax.text(t - t_offset_s, 0.02, f" {name}", transform=trans, rotation=90, va="bottom", ha="right",
                        fontsize=8, color="#666")


@_styled
def plot_angles(analysis: Analysis, group: str = "hip", ax: Axes | None = None, *, shade: bool = True,
                events: bool = True) -> tuple[Figure, Axes]:
    """Plot the angle-time curve(s) of one group (``"hip"``, ``"knee"``, ``"trunk"``, ``"shin"``, ...).

    Per-leg groups draw one curve per leg in that leg's colour.  Contacts are shaded in the
    colour of the foot on the ground, touchdowns and toe-offs marked along the top.

    Parameters
    ----------
    analysis : Analysis
        The rep.
    group : str
        A key of :data:`ANGLE_GROUPS`.
    ax : Axes, optional
        Draw here instead of on a new figure.
    shade : bool
        Shade the foot contacts (:func:`shade_contacts`).
    events : bool
        Mark touchdowns and toe-offs along the top (:func:`mark_events`).

    Returns
    -------
    (Figure, Axes)
        Time on x (s, the clip's real time), degrees on y.
    """
    if group not in ANGLE_GROUPS:
        raise ValueError(f"unknown angle group {group!r}; choose from {', '.join(ANGLE_GROUPS)}")
    fig, ax = axes_or_new(ax)
    title, ylabel, columns = ANGLE_GROUPS[group]
    colours = leg_hex(analysis)
    near = analysis.near_leg
    if shade:
        shade_contacts(ax, analysis)
    for column in columns:
        side = _side_of(column)
        colour = colours[side] if side else BODY_GREY
        label = style.leg_label(side, near) if side else title.lower()
        ax.plot(analysis.t_s, analysis.angles[column], color=colour, lw=1.8, label=label, gid=column)
    if events:
        mark_events(ax, analysis)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("time (s)")
    ax.set_xlim(*seen_span_s(analysis))
    if len(columns) > 1:
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, borderaxespad=0.2)
    return fig, ax


@_styled
def plot_angle_panels(analysis: Analysis, groups: Sequence[str] = ("hip", "knee", "trunk", "shin"),
                      ) -> tuple[Figure, list[Axes]]:
    """Plot stacked angle-time plots sharing the time axis (hip, knee, trunk, shin by default)."""
    fig = new_figure(8.0, 2.3 * len(groups) + 0.4)
    axes = fig.subplots(len(groups), 1, sharex=True, squeeze=False)[:, 0].tolist()
    for ax, group in zip(axes, groups):
        plot_angles(analysis, group, ax=ax)
        if ax is not axes[-1]:
            ax.set_xlabel("")
    fig.suptitle("Angles through the rep (shaded: foot on the ground; ▼ touchdown, △ toe-off)",
                 fontsize=10, x=0.01, ha="left", color="#444")
    return fig, axes


@_styled
def plot_step_metric(analysis: Analysis, metric: str = "contact_s", ax: Axes | None = None,
                     ) -> tuple[Figure, Axes]:
    """Plot one bar per step of a step metric (:data:`STEP_BARS`), coloured by foot, with its uncertainty.

    Steps timed below 100 frames/s are hatched: their contact and flight times are low confidence.

    Parameters
    ----------
    analysis : Analysis
        The rep.
    metric : str
        A key of :data:`STEP_BARS` (``"contact_s"``, ...).
    ax : Axes, optional
        Draw here instead of on a new figure.

    Returns
    -------
    (Figure, Axes)
        Step number on x, the metric on y (times in ms).
    """
    if metric not in STEP_BARS:
        raise ValueError(f"unknown step metric {metric!r}; choose from {', '.join(STEP_BARS)}")
    fig, ax = axes_or_new(ax, 6.0, 3.0)
    unit = analysis.scale.unit
    entry = BY_NAME[metric]
    title = entry.label[0].upper() + entry.label[1:]
    ylabel = f"{entry.short} ({display_unit(entry, unit)})"
    factor = 1000.0 if entry.kind == "time" else 1.0
    colours = leg_hex(analysis)
    steps = analysis.steps
    x = np.array([s.index for s in steps], dtype=float)
    y = np.array([getattr(s, metric) for s in steps], dtype=float) * factor
    unc_name = _UNCERTAINTY.get(metric)
    yerr = np.array([getattr(s, unc_name) for s in steps], dtype=float) * factor if unc_name else None
    bars = ax.bar(x, np.nan_to_num(y), color=[colours[s.foot] for s in steps], width=0.75, gid=metric,
                  hatch=["//" if s.low_confidence_timing and unc_name in ("timing_unc_s",) else "" for s in steps],
                  edgecolor="white", linewidth=0.5)
    bars.set_label(metric)
    if yerr is not None and len(steps):
        ax.errorbar(x, y, yerr=yerr, fmt="none", ecolor="#333", elinewidth=0.8, capsize=2)
    finite = y[np.isfinite(y)]
    if finite.size:
        ax.axhline(float(np.mean(finite)), color="#333", lw=1, ls="--", gid="mean")
        title = f"{title} (mean {format_value(float(np.mean(finite)) / factor, entry, unit, analysis.summary.fps)})"
    elif not steps:
        ax.text(0.5, 0.5, "no complete steps", transform=ax.transAxes, ha="center", va="center", color="#666")
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("step")
    if len(steps) <= 30:
        ax.set_xticks(x)
    ax.grid(axis="x", visible=False)
    return fig, ax


@_styled
def plot_step_panels(analysis: Analysis, metrics: Sequence[str] = ("contact_s", "flight_s", "step_length",
                                                                   "step_frequency_hz"),
                     ) -> tuple[Figure, list[Axes]]:
    """Per-step bars of several metrics in a two-column grid."""
    rows = (len(metrics) + 1) // 2
    fig = new_figure(9.0, 2.8 * rows + 0.4)
    axes = fig.subplots(rows, 2, squeeze=False).ravel().tolist()
    for ax, metric in zip(axes, metrics):
        plot_step_metric(analysis, metric, ax=ax)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    near = analysis.near_leg
    fig.suptitle(f"Per step, coloured by the foot in contact (orange: {style.leg_label(near or 'left', near)}); "
                 "hatched: timing below 100 fps", fontsize=10, x=0.01, ha="left", color="#444")
    return fig, axes[:len(metrics)]


@_styled
def plot_velocity(analysis: Analysis, ax: Axes | None = None, *, shade: bool = True) -> tuple[Figure, Axes]:
    """Plot the forward hip velocity over time, with each step's mean velocity as a horizontal segment.

    Parameters
    ----------
    analysis : Analysis
        The rep.
    ax : Axes, optional
        Draw here instead of on a new figure.
    shade : bool
        Shade the foot contacts (:func:`shade_contacts`).

    Returns
    -------
    (Figure, Axes)
        Time on x (s), velocity on y (the rep's scale unit per second).
    """
    fig, ax = axes_or_new(ax)
    unit = analysis.scale.unit
    if shade:
        shade_contacts(ax, analysis)
    ax.plot(analysis.t_s, analysis.velocity, color=BODY_GREY, lw=1.8, label="hip velocity", gid="velocity")
    colours = leg_hex(analysis)
    for s in analysis.steps:
        ax.plot([s.touchdown_s, s.next_touchdown_s], [s.step_velocity] * 2, color=colours[s.foot], lw=3,
                solid_capstyle="butt", gid=f"step_velocity_{s.index}")
    ax.set_title("Hip velocity")
    ax.set_ylabel(f"velocity ({unit}/s)")
    ax.set_xlabel("time (s)")
    ax.set_xlim(*seen_span_s(analysis))
    handles = [ax.lines[0]] + ([ax.lines[1]] if len(ax.lines) > 1 else [])
    if len(handles) > 1:
        handles[1].set_label("mean of each step")
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, borderaxespad=0.2)
    return fig, ax


@_styled
def plot_angle_comparison(analyses: Sequence[Analysis], labels: Sequence[str], column: str | Sequence[str],
                          event_times_s: Sequence[float], ax: Axes | None = None,
                          window_s: tuple[float, float] | None = None) -> tuple[Figure, Axes]:
    """Plot one angle of several reps on shared axes, time measured from each rep's sync event.

    Parameters
    ----------
    analyses, labels : sequences
        The reps and their names (first rep is the reference).
    column : str or sequence of str
        Angle column (``"hip_flexion_left_deg"``, ``"trunk_lean_deg"`` ...), or one per rep (each
        rep's near leg, say).
    event_times_s : sequence of float
        Each rep's event time (s, on its own clip's clock); it becomes t = 0.
    ax : Axes, optional
        Draw here instead of on a new figure.
    window_s : (float, float), optional
        Limits of the time axis relative to the event (s); default: where any rep has data.

    Returns
    -------
    (Figure, Axes)
        One line per rep, ``gid`` = ``"rep{i}"`` (i from 1); a vertical line at t = 0.
    """
    fig, ax = axes_or_new(ax)
    columns = [column] * len(analyses) if isinstance(column, str) else list(column)
    for i, (analysis, label, t_event, col) in enumerate(zip(analyses, labels, event_times_s, columns)):
        colour = style.hex_colour(style.REPS[i % len(style.REPS)])
        side = _side_of(col)
        text = f"{label} ({side})" if side and len(set(columns)) > 1 else label
        ax.plot(analysis.t_s - t_event, analysis.angles[col], color=colour, lw=1.8, label=text, gid=f"rep{i + 1}")
    ax.axvline(0.0, color="#333", lw=1, ls="--", gid="event")
    first = columns[0]
    title = next((t for t, _, cols in ANGLE_GROUPS.values() if first in cols), first)
    sides = {_side_of(c) for c in columns}
    side_text = f" ({sides.pop()} leg)" if len(sides) == 1 and None not in sides else \
        (" (near leg)" if len(sides) > 1 else "")
    ax.set_title(f"{title}{side_text}")
    unit_label = next((yl for _, yl, cols in ANGLE_GROUPS.values() if first in cols), first)
    ax.set_ylabel(unit_label.split("\n")[0])
    ax.set_xlabel("time from the sync event (s)")
    if window_s is not None:
        ax.set_xlim(*window_s)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=min(4, len(analyses)), borderaxespad=0.2)
    return fig, ax


@contextlib.contextmanager
def _layout_once(fig: Figure) -> Iterator[None]:
    """Lay a constrained-layout figure out on its first save only; later saves keep those positions.

    Constrained layout runs on every draw and costs about a quarter of a save; the positions it
    finds do not depend on the output format or resolution (they are fractions of the figure).
    """
    engine = fig.get_layout_engine()
    if not isinstance(engine, ConstrainedLayoutEngine) or not getattr(fig, "_sprintlens_laid_out", False):
        yield
        if isinstance(engine, ConstrainedLayoutEngine):
            fig._sprintlens_laid_out = True  # type: ignore[attr-defined]
        return
    fig.set_layout_engine("none")
    try:
        yield
    finally:
        fig.set_layout_engine(engine)


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 150) -> bytes:
    """Encode the figure as PNG or SVG bytes (for embedding in a page).

    Parameters
    ----------
    fig : Figure
        The figure; laid out on its first save, and kept so for later ones.
    fmt : {"png", "svg"}
        Format.
    dpi : int
        Resolution of a PNG (dots per inch).

    Returns
    -------
    bytes
        The encoded figure.
    """
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC), _layout_once(fig):
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata={"Software": None} if fmt == "png" else {"Date": None})
    return buffer.getvalue()


def save_figure(fig: Figure, stem: str | os.PathLike[str], formats: Sequence[str] = ("png", "svg"),
                dpi: int = 150) -> dict[str, Path]:
    """Save a figure as ``stem.png``, ``stem.svg`` ... atomically.

    Parameters
    ----------
    fig : Figure
        The figure (laid out once, on its first save).
    stem : path-like
        Path without the extension.
    formats : sequence of str
        Formats to write (``"png"``, ``"svg"``).
    dpi : int
        Resolution of a PNG (dots per inch).

    Returns
    -------
    dict of str to Path
        The files written, by format.
    """
    written: dict[str, Path] = {}
    for fmt in formats:
        path = Path(f"{os.fspath(stem)}.{fmt}")
        try:
            data = figure_bytes(fig, fmt, dpi)
        except ValueError as exc:
            raise OutputError(f"{path}: cannot draw the plot as {fmt} ({exc})") from None
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
        written[fmt] = path
    return written
