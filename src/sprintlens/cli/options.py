"""Options shared by several commands, and their parsing into API types."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # heavy modules load when a command runs, not for --help
    from sprintlens.capture.tracking import PoseConfig
    from sprintlens.capture.video import FrameSpan
    from sprintlens.logbook.store import Store


def capture_fps_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--capture-fps RATE`` (frames/s): the real frame rate of a slow-motion clip."""
    return click.option(
        "--capture-fps", type=click.FloatRange(min=1, max=100_000, min_open=False), default=None,
        help="Real frame rate of a slow-motion clip whose header gives the playback rate (e.g. 240).",
    )(f)


def span_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--start`` and ``--end`` (a frame number or a playback time such as ``4.5s``)."""
    f = click.option("--end", "end", default=None, metavar="FRAME|SECONDS",
                     help="Stop before this frame (120) or playback time (4.5s).")(f)
    return click.option("--start", "start", default=None, metavar="FRAME|SECONDS",
                        help="Start at this frame (120) or playback time (4.5s), as a player shows it.")(f)


def parse_span(start: str | None, end: str | None) -> FrameSpan:
    """Return the :class:`~sprintlens.capture.video.FrameSpan` that ``--start`` and ``--end`` describe."""
    from sprintlens.capture.video import FrameSpan

    return FrameSpan.parse(start, end)


def pose_options(*, per_clip: bool = True, athlete: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Return a decorator adding the pose stage's options: ``--capture-fps``, ``--max-people``, ``--model``.

    With ``per_clip`` also ``--start``/``--end`` and (with ``athlete``) ``--athlete N|X,Y``
    (which make sense for one clip, not a folder).
    """

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        f = click.option("--model", default="full", show_default=True, metavar="full|heavy|PATH",
                         help="Pose model: the shipped 'full' (fast, steady in difficult footage) or 'heavy' "
                              "(more accurate angles and distances on a runner in clear view, half the speed), "
                              "or the path of another MediaPipe pose .task bundle.")(f)
        f = click.option("--finder", type=click.Choice(["crops", "frame"]), default="crops", show_default=True,
                         help="How people are found: 'crops' searches the frame in squares and follows each person "
                              "in a crop where they are large (finds athletes 100-200 px tall); 'frame' gives the "
                              "pose model the whole frame, as a plain landmarker loop does.")(f)
        f = click.option("--max-people", type=click.IntRange(1, 10), default=3, show_default=True,
                         help="Most people to look for per frame (1 is fastest when only the athlete is in view; "
                              "more lets SprintLens pick the athlete among them).")(f)
        if per_clip:
            if athlete:
                f = click.option("--athlete", "athlete_point", default=None, metavar="N|X,Y",
                                 help="Pick person N as `sprintlens people VIDEO` numbers them, or the person "
                                      "nearest pixel X,Y on the first frame where someone is seen.")(f)
            f = span_options(f)
        return capture_fps_option(f)

    return decorate


def pose_config(capture_fps: float | None = None, max_people: int = 3, model: str | None = None,
                start: str | None = None, end: str | None = None, athlete_point: str | None = None,
                finder: str = "crops") -> PoseConfig:
    """Return the :class:`~sprintlens.capture.tracking.PoseConfig` the pose options describe.

    Parameters
    ----------
    capture_fps : float, optional
        ``--capture-fps``: real frame rate of a slow-motion clip (frames/s); None: the header's.
    max_people : int
        ``--max-people``: most people looked for per frame.
    model : str, optional
        ``--model``: the name of a shipped model, or the path of a bundle (None: the default model).
    start, end : str, optional
        ``--start`` and ``--end``: a frame number or a playback time (``4.5s``).
    athlete_point : str, optional
        ``--athlete``: a person's number (``"2"``), or ``"X,Y"`` in px, the person to pick on the
        first frame where someone is seen.
    finder : {"crops", "frame"}
        ``--finder``: how people are found.

    Returns
    -------
    PoseConfig
        The pose estimation options.
    """
    from sprintlens.capture.model import DEFAULT_MODEL, SHIPPED_MODELS
    from sprintlens.capture.tracking import PoseConfig

    model = model or DEFAULT_MODEL
    shipped = model in SHIPPED_MODELS
    number = parse_number(athlete_point)
    return PoseConfig(capture_fps=capture_fps, span=parse_span(start, end),
                      athlete_point=None if number is not None else parse_point(athlete_point),
                      athlete_number=number, max_people=max_people, finder=finder,
                      model=model if shipped else DEFAULT_MODEL, model_path=None if shipped else Path(model))


def parse_number(text: str | None) -> int | None:
    """``"2"`` -> ``2`` (a person's number for ``--athlete``); ``None`` for anything else, such as ``"640,360"``.

    Parameters
    ----------
    text : str or None
        The ``--athlete`` value.

    Returns
    -------
    int or None
        The person's number (from 1).

    Raises
    ------
    SprintLensError
        If it is a whole number below 1.
    """
    if text is None or not text.strip().isdigit():
        return None
    number = int(text)
    if number < 1:
        from sprintlens.core.errors import SprintLensError

        raise SprintLensError(f"--athlete {text}: people are numbered from 1 (see `sprintlens people VIDEO`)")
    return number


def parse_point(text: str | None) -> tuple[float, float] | None:
    """``"640,360"`` -> ``(640.0, 360.0)``; ``None`` for ``None`` or a person's number."""
    if text is None or parse_number(text) is not None:
        return None
    try:
        x_text, y_text = text.split(",")
        x, y = float(x_text), float(y_text)
    except ValueError:
        raise click.BadParameter(f"{text!r}: give the athlete's number (from `sprintlens people VIDEO`) or their "
                                 "position as X,Y in pixels, e.g. 640,360") from None
    return x, y


def db_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--db PATH``: the logbook database (default: $SPRINTLENS_DB, else the user's data directory)."""
    return click.option(
        "--db", "db", type=click.Path(dir_okay=False, path_type=str), default=None, metavar="PATH",
        help="Logbook database (default: $SPRINTLENS_DB, else sprintlens.db in your data directory).",
    )(f)


def open_store(db: str | None, *, create: bool = False, readonly: bool = False) -> Store:
    """Open the logbook named by ``--db`` (or the default).

    Parameters
    ----------
    db : str or None
        The ``--db`` option (None: ``$SPRINTLENS_DB``, else the user's data directory).
    create : bool
        Create the database if it is missing (else a missing one is an error).
    readonly : bool
        For commands that only read: refuse every change, and open read-only storage with
        SQLite's ``mode=ro``, so they work there too.

    Returns
    -------
    Store
        The open logbook.
    """
    from sprintlens.logbook.store import Store

    return Store(db, create=create, readonly=readonly)


def date_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--date YYYY-MM-DD``: the day of the session."""
    return click.option("--date", "date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        metavar="YYYY-MM-DD",
                        help="Day of the session (default for a new session: the day the clips were filmed, "
                             "from their recording time, else today).")(f)


def fatigue_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options of the fatigue statistics shared by ``session``, ``review`` and ``export``."""
    f = click.option("--no-history", "no_history", is_flag=True,
                     help="Noise from this session's baseline reps only, not pooled with the athlete's "
                          "earlier sessions.")(f)
    f = click.option("--reference", "reference", type=int, default=None, metavar="SESSION_ID",
                     help="Baseline from the first reps of this session instead of this session's first reps "
                          "(default: the athlete's chosen reference session, if any).")(f)
    f = click.option("--no-reference", "no_reference", is_flag=True,
                     help="Ignore the athlete's chosen reference session: baseline from this session's first reps.")(f)
    return click.option("--baseline-reps", "baseline_reps", type=click.IntRange(1, 20), default=2, show_default=True,
                        help="First reps that form the baseline (fresh reps).")(f)
