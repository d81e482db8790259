"""Plots of the logbook: a session's reps against the baseline, and progress over weeks.

Same conventions as :mod:`sprintlens.render.plots`: every function takes an optional ``ax`` and
returns ``(fig, ax)`` (panel functions ``(fig, axes)``), draws on the Agg canvas, never calls
``show()``.  Series carry a ``gid`` (``"rep values"``, ``"baseline"``, ``"session values"``,
``"trend"``) so tests can find them.

Session plot: each rep's value (mean of its left and right step means) with its noise as an
error bar; the baseline mean as a line and, shaded, the band a change must leave to be flagged
(the larger of the smallest worthwhile change and what noise explains); flagged reps in red.

Progress plot: each session's value (its fresh reps) with its noise, coloured by training phase;
shaded, the first session's value +/- the minimal detectable change (MDC95); the weekly trend
line from three sessions on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib
import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sprintlens.core.formatting import format_value
from sprintlens.logbook.fatigue import (
    FATIGUE_METRICS,
    METRICS_BY_NAME,
    MetricSpec,
    RepSteps,
    SessionAssessment,
    rep_value,
)
from sprintlens.logbook.progress import MetricProgress
from sprintlens.render.plots import RC, axes_or_new, new_figure

WARN = "#b42318"
BETTER = "#067647"
NEUTRAL = "#344054"
BASE = "#98a2b3"
BAND = "#e8770c"
PHASE_COLOURS = ("#e8770c", "#175cd3", "#067647", "#9e77ed", "#c11574", "#0e9384", "#475467")


def _scale(unit: str) -> tuple[float, str]:
    """Return the factor and unit to plot values of ``unit`` with (times in ms)."""
    return (1000.0, "ms") if unit == "s" else (1.0, unit)


def plot_session_metric(assessment: SessionAssessment, reps: Sequence[RepSteps], metric: str,
                        ax: Axes | None = None) -> tuple[Figure, Axes]:
    """Plot one metric over a session's reps against the baseline (see the module docstring).

    Parameters
    ----------
    assessment : SessionAssessment
        The session's baseline and each rep's changes from it (noise, flag threshold, verdict).
    reps : sequence of RepSteps
        The session's reps and their step values.
    metric : str
        Name of the metric, one of the fatigue metrics (``METRICS_BY_NAME``).
    ax : Axes or None
        Axes to draw on; ``None`` makes a new figure.

    Returns
    -------
    (Figure, Axes)
        The figure and the axes drawn on.  Times are plotted in ms.
    """
    with matplotlib.rc_context(RC):
        fig, ax = axes_or_new(ax, 6.0, 3.0)
        spec: MetricSpec = METRICS_BY_NAME[metric]
        unit = spec.unit_for(reps[0].unit if reps else "m")
        k, label = _scale(unit)
        numbers = [r.rep for r in reps]
        values = np.array([rep_value(r.values.get(metric, np.array([])), r.feet)[0] for r in reps]) * k
        changes = {r: next((c for c in assessment.changes.get(r, ()) if c.metric == metric), None) for r in numbers}
        errors = np.array([changes[r].noise * k if changes[r] is not None else np.nan for r in numbers])
        colours = []
        for r in numbers:
            c = changes[r]
            colours.append(BASE if c is None else WARN if c.flagged else BETTER if c.verdict == "better" else NEUTRAL)
        ax.errorbar(numbers, values, yerr=np.where(np.isfinite(errors), errors, 0), fmt="none", ecolor="#98a2b3",
                    elinewidth=1.2, capsize=3, zorder=2)
        ax.plot(numbers, values, color="#667085", linewidth=1, zorder=1, gid="rep line")
        ax.scatter(numbers, values, c=colours, s=42, zorder=3, gid="rep values")
        base = assessment.baseline.values.get(metric, float("nan")) * k
        if math.isfinite(base):
            ax.axhline(base, color=BAND, linewidth=1.5, gid="baseline")
            thresholds = [c.threshold * k for c in changes.values() if c is not None and math.isfinite(c.threshold)]
            if thresholds:
                band = float(np.median(thresholds))
                ax.axhspan(base - band, base + band, color=BAND, alpha=0.12, linewidth=0, gid="flag band")
        ax.set_xticks(numbers)
        ax.set_xlabel("rep")
        ax.set_ylabel(label)
        worse = {"up": "higher is worse", "down": "lower is worse"}.get(spec.worse, "either way")
        ax.set_title(f"{spec.label.capitalize()} ({worse})")
        return fig, ax


def plot_session_panels(assessment: SessionAssessment, reps: Sequence[RepSteps],
                        metrics: Sequence[str] | None = None) -> tuple[Figure, list[Axes]]:
    """Plot several metrics of a session in a two-column grid.

    Parameters
    ----------
    assessment : SessionAssessment
        The session's baseline and each rep's changes from it.
    reps : sequence of RepSteps
        The session's reps and their step values.
    metrics : sequence of str or None
        Names of the metrics, one panel each; ``None`` (or empty) is every fatigue metric.

    Returns
    -------
    (Figure, list of Axes)
        The figure and one axes per metric (unused grid cells are hidden).
    """
    names = list(metrics) if metrics else [m.name for m in FATIGUE_METRICS]
    with matplotlib.rc_context(RC):
        rows = (len(names) + 1) // 2
        fig = new_figure(9.0, 2.7 * rows + 0.5)
        axes = fig.subplots(rows, 2, squeeze=False).ravel().tolist()
        for ax, name in zip(axes, names):
            plot_session_metric(assessment, reps, name, ax=ax)
        for ax in axes[len(names):]:
            ax.set_visible(False)
        fig.suptitle(f"Reps against the baseline ({assessment.baseline.label}): orange line and band = baseline and\n"
                     "the change needed to flag; red = flagged, green = better, grey = baseline; bars = your noise",
                     fontsize=9, x=0.01, ha="left", color="#444")
        return fig, axes[:len(names)]


def plot_progress_metric(progress: MetricProgress, ax: Axes | None = None, *, legend: bool = True
                         ) -> tuple[Figure, Axes]:
    """Plot one metric over an athlete's sessions, with the noise band (see the module docstring).

    Parameters
    ----------
    progress : MetricProgress
        The metric's session values, noise band (MDC95) and weekly trend.
    ax : Axes or None
        Axes to draw on; ``None`` makes a new figure.
    legend : bool
        Draw a legend (phases, band, trend).

    Returns
    -------
    (Figure, Axes)
        The figure and the axes drawn on.  Times are plotted in ms.
    """
    with matplotlib.rc_context(RC):
        fig, ax = axes_or_new(ax, 6.0, 3.0)
        k, label = _scale(progress.unit)
        points = progress.points
        mdc = format_value(progress.mdc, progress.metric, progress.unit, spread=True)
        band = f" (band ±{mdc})" if math.isfinite(progress.mdc) else ""
        ax.set_title(f"{progress.label.capitalize()}: {progress.verdict}{band}", fontsize=10)
        ax.set_ylabel(label)
        if not points:
            ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", va="center", color="#667085")
            return fig, ax
        x = np.array([mdates.date2num(p.date) for p in points])
        y = np.array([p.value for p in points]) * k
        err = np.array([p.typical_error for p in points]) * k
        phases: list[str] = []
        for p in points:
            if p.phase not in phases:
                phases.append(p.phase)
        if math.isfinite(progress.mdc):
            ax.axhspan(y[0] - progress.mdc * k, y[0] + progress.mdc * k, color=BAND, alpha=0.12, linewidth=0,
                       gid="noise band", label="first session ± MDC95")
        ax.errorbar(x, y, yerr=err, fmt="none", ecolor="#98a2b3", elinewidth=1.2, capsize=3, zorder=2)
        ax.plot(x, y, color="#667085", linewidth=1, zorder=1, gid="session line")
        for i, phase in enumerate(phases):
            sel = np.array([p.phase == phase for p in points])
            ax.scatter(x[sel], y[sel], color=PHASE_COLOURS[i % len(PHASE_COLOURS)], s=46, zorder=3,
                       label=phase or "(no phase)", gid=f"session values {phase}")
        if math.isfinite(progress.slope_per_week) and len(points) >= 3:
            slope = format_value(progress.slope_per_week, progress.metric, progress.unit, sign=True, spread=True)
            weeks = (x - x[0]) / 7.0
            intercept = float(np.mean(y) - progress.slope_per_week * k * np.mean(weeks))
            ax.plot(x, intercept + progress.slope_per_week * k * weeks, linestyle="--", color=NEUTRAL, linewidth=1,
                    gid="trend", label=f"trend {slope}/week")
        locator = mdates.AutoDateLocator(minticks=2, maxticks=6)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        if len(x) == 1:
            ax.set_xlim(x[0] - 3.5, x[0] + 3.5)
        if legend:
            ax.legend(loc="best", fontsize=8)
        return fig, ax


def plot_progress_panels(results: Sequence[MetricProgress]) -> tuple[Figure, list[Axes]]:
    """Plot several metrics' progress in a two-column grid (the legend on the first panel)."""
    with matplotlib.rc_context(RC):
        rows = max(1, (len(results) + 1) // 2)
        fig = new_figure(9.0, 2.9 * rows + 0.5)
        axes = fig.subplots(rows, 2, squeeze=False).ravel().tolist()
        for i, (ax, r) in enumerate(zip(axes, results)):
            plot_progress_metric(r, ax=ax, legend=i == 0)
        for ax in axes[len(results):]:
            ax.set_visible(False)
        fig.suptitle("Session values (fresh reps) ± noise, coloured by training phase; shaded: the first session ±\n"
                     "the minimal detectable change (95 %, for the metrics together): a change is real only outside it",
                     fontsize=9, x=0.01, ha="left", color="#444")
        return fig, axes[:len(results)]
