"""The one number formatter: a metric's value or change as text, at the catalogue's precision.

``format_value(0.1004, "contact_s")`` -> ``"100 ms"``; ``format_value(10.59, "step_velocity")``
-> ``"10.6 m/s"``; ``format_change(-7.44, "knee_drive_deg")`` -> ``"-7 deg"``; a missing value
(None, NaN, inf) -> ``"-"``.  Never ``"-0"``.  Pure functions; only displayed text uses them
(files and the database keep full precision).

The frame-period rule
---------------------
A time is read from video frames, so it is never shown finer than the film allows: with ``fps``
given and below :data:`FINE_TIMING_FPS` (100 frames/s, where a frame is 10 ms or more), times are
rounded to :data:`COARSE_TIME_MS` (10 ms); at 100 fps or more, and when ``fps`` is not known, to
whole ms.

A spread or a threshold (noise, SD, smallest worthwhile change: ``spread=True``) summarises many
measurements, so it gets one decimal more and is not coarsened by the frame period.

``unit`` is the distance unit of the rep (``"m"`` or ``"legs"``); a value's own base unit
(``"m/s"``, ``"s"``, ``"deg"``, as :class:`sprintlens.logbook.fatigue.Change` keeps it) is accepted
too.  A name that is not in the catalogue is formatted by its ``unit`` (s, Hz, deg, m, m/s...).
"""

from __future__ import annotations

import math

from sprintlens.core.catalogue import BY_NAME, FINE_TIMING_FPS, Metric

#: Below :data:`FINE_TIMING_FPS`, times are rounded to this many ms.
COARSE_TIME_MS = 10

_KIND_OF_UNIT = {"s": ("time", 0), "Hz": ("frequency", 2), "deg": ("angle", 0), "steps/min": ("cadence", 0)}


def _distance_unit(unit: str) -> str:
    base = unit.removesuffix("/s")
    return base if base in ("m", "legs") else "m"


def resolve(metric: Metric | str, unit: str = "m") -> Metric:
    """Return the catalogue entry of ``metric`` (a :class:`Metric` or a name).

    A name the catalogue lacks gets an ad-hoc entry, its kind and precision chosen by ``unit``.
    """
    if isinstance(metric, Metric):
        return metric
    if metric in BY_NAME:
        return BY_NAME[metric]
    if unit in _KIND_OF_UNIT:
        kind, decimals = _KIND_OF_UNIT[unit]
    elif unit.endswith("/s"):
        kind, decimals = "speed", 1
    elif unit in ("m", "legs"):
        kind, decimals = "distance", 2
    else:
        kind, decimals = "ratio", 2
    return Metric(metric, metric, metric, kind, decimals, "either")


def display_unit(metric: Metric | str, unit: str = "m", *, degree_sign: bool = False) -> str:
    """Return the unit a value is shown in: ``"ms"``, ``"Hz"``, ``"m/s"``, ``"deg"`` (or ``"°"``), ``"%"``...

    Parameters
    ----------
    metric : Metric or str
        The metric or its name.
    unit : str
        Distance unit of the rep (``"m"``, ``"legs"``) or the value's base unit.
    degree_sign : bool
        Degrees as ``°`` instead of ``deg``, for pages and video frames.

    Returns
    -------
    str
        The display unit: ``"ms"`` for times, ``"deg"`` or ``"°"`` for angles, ``"%"`` for a ratio
        shown as a percentage (``""`` for other ratios), else the metric's base unit.
    """
    m = resolve(metric, unit)
    if m.kind == "time":
        return "ms"
    if m.kind == "angle":
        return "°" if degree_sign else "deg"
    if m.kind == "ratio":
        return "%" if m.as_percent else ""
    return m.unit_for(_distance_unit(unit)) if m.kind in ("distance", "speed") else m.unit_for()


def format_number(value: float | None, metric: Metric | str, unit: str = "m", fps: float | None = None, *,
                  sign: bool = False, spread: bool = False) -> str:
    """Format a value in its display unit, without the unit (a table cell): ``0.1004`` s -> ``"100"``.

    Parameters
    ----------
    value : float or None
        In the metric's base unit (s, Hz, deg, the rep's distance unit...).
    metric : Metric or str
        The metric or its name.
    unit : str
        Distance unit of the rep (``"m"``, ``"legs"``) or the value's base unit.
    fps : float, optional
        Frame rate (frames/s) the value was filmed at: coarsens times below 100 fps.
    sign : bool
        Always show the sign (a change).
    spread : bool
        A noise, SD or threshold: one decimal more, never coarsened.

    Returns
    -------
    str
        The number, ``"-"`` when missing.
    """
    if value is None or not math.isfinite(value):
        return "-"
    m = resolve(metric, unit)
    decimals = m.decimals + (1 if spread else 0)
    shown = float(value)
    if m.kind == "time":
        shown *= 1000.0
        if not spread and fps is not None and math.isfinite(fps) and 0 < fps < FINE_TIMING_FPS:
            shown = COARSE_TIME_MS * round(shown / COARSE_TIME_MS)
            decimals = 0
    elif m.kind == "ratio" and m.as_percent:
        shown *= 100.0
    text = f"{shown:.{decimals}f}"
    if float(text) == 0.0:
        text = text.lstrip("-")
    if sign and not text.startswith("-"):
        text = "+" + text
    return text


def format_value(value: float | None, metric: Metric | str, unit: str = "m", fps: float | None = None, *,
                 sign: bool = False, spread: bool = False, degree_sign: bool = False) -> str:
    """Format a value with its display unit: ``"101 ms"``, ``"9.5 m/s"``, ``"-6 deg"``; ``"-"`` when missing.

    Parameters
    ----------
    value : float or None
        In the metric's base unit (s, Hz, deg, the rep's distance unit...).
    metric : Metric or str
        The metric or its name (its precision comes from the catalogue).
    unit : str
        Distance unit of the rep (``"m"``, ``"legs"``) or the value's base unit.
    fps : float, optional
        Frame rate (frames/s) the value was filmed at: coarsens times below 100 fps.
    sign : bool
        Always show the sign (a change).
    spread : bool
        A noise, SD or threshold: one decimal more, never coarsened.
    degree_sign : bool
        Degrees as ``°`` (no space), for pages and video frames.

    Returns
    -------
    str
        The value and its unit, ``"-"`` when missing.
    """
    text = format_number(value, metric, unit, fps, sign=sign, spread=spread)
    if text == "-":
        return text
    shown = display_unit(metric, unit, degree_sign=degree_sign)
    if not shown:
        return text
    return f"{text}{shown}" if shown == "°" else f"{text} {shown}"


def format_percent(pct: float | None, *, sign: bool = True) -> str:
    """Format a percentage: whole from 9.5 % on, else to 0.1 %: ``"+11 %"``, ``"-1.5 %"``; ``"-"`` when missing."""
    if pct is None or not math.isfinite(pct):
        return "-"
    text = f"{pct:{'+' if sign else ''}.{0 if abs(pct) >= 9.5 else 1}f}"
    if float(text) == 0.0:
        text = ("+" if sign else "") + text.lstrip("+-")
    return f"{text} %"


def format_change(change: float | None, metric: Metric | str, unit: str = "m", change_pct: float | None = None,
                  fps: float | None = None, *, degree_sign: bool = False) -> str:
    """Format a signed change; ``"-"`` when missing.

    As a percentage when ``change_pct`` is given (``"+11 %"``), else in the display unit
    (``"-6 deg"``, ``"+12 ms"``).

    Parameters
    ----------
    change : float or None
        The change, in the metric's base unit.
    metric : Metric or str
        The metric or its name.
    unit : str
        Distance unit of the rep (``"m"``, ``"legs"``) or the value's base unit.
    change_pct : float, optional
        The change as a percentage of its reference (used when finite).
    fps : float, optional
        Frame rate (frames/s): coarsens times below 100 fps.
    degree_sign : bool
        Degrees as ``°``, for pages and video frames.

    Returns
    -------
    str
        The signed change.
    """
    if change is None or not math.isfinite(change):
        return "-"
    if change_pct is not None and math.isfinite(change_pct):
        return format_percent(change_pct)
    return format_value(change, metric, unit, fps, sign=True, degree_sign=degree_sign)


def format_instant(t_s: float | None, decimals: int = 3) -> str:
    """Format a moment in the clip (an event time, not a duration) in s: ``"1.234"``; ``"-"`` when missing."""
    if t_s is None or not math.isfinite(t_s):
        return "-"
    return f"{t_s:.{decimals}f}"
