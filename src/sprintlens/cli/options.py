"""Options shared by several commands, and their parsing into API types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ..video import FrameSpan


def capture_fps_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--capture-fps", type=click.FloatRange(min=1, max=100_000, min_open=False), default=None,
        help="Real frame rate of a slow-motion clip whose header gives the playback rate (e.g. 240).",
    )(f)


def span_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--end", "end", default=None, metavar="FRAME|SECONDS",
                     help="Stop before this frame (120) or playback time (4.5s).")(f)
    return click.option("--start", "start", default=None, metavar="FRAME|SECONDS",
                        help="Start at this frame (120) or playback time (4.5s), as a player shows it.")(f)


def parse_span(start: str | None, end: str | None) -> FrameSpan:
    return FrameSpan.parse(start, end)


def parse_point(text: str | None) -> tuple[float, float] | None:
    """``"640,360"`` -> ``(640.0, 360.0)``."""
    if text is None:
        return None
    try:
        x_text, y_text = text.split(",")
        x, y = float(x_text), float(y_text)
    except ValueError:
        raise click.BadParameter(f"{text!r}: give the athlete's position as X,Y in pixels, e.g. 640,360") from None
    return x, y
