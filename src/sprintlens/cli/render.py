"""``sprintlens render ANALYSIS``: the annotated clip, plots, kinogram and HTML report of an analysed rep."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sprintlens.cli.progressbar import frame_progress
from sprintlens.core.errors import SprintLensError

if TYPE_CHECKING:  # drawing pulls in matplotlib, OpenCV and Pillow: loaded when a command draws
    from sprintlens.analysis.result import Analysis
    from sprintlens.render.outputs import RenderOptions

#: Key positions that can be frozen (the keys of :data:`sprintlens.render.clip.KEY_POSITIONS`).
KEY_POSITION_NAMES = ("toeoff", "max_separation", "touchdown", "full_support")


def _slow_motion_option(ctx: click.Context, param: click.Parameter, value: str) -> str:
    _slow_motion(value)  # reject a bad factor with click's usage message, naming the option
    return value


def _slow_motion(text: str) -> float | None:
    """``"2"``, ``"1/4"``, ``"0.25"``, ``"x4"`` -> play that many times slower (>= 1); ``"auto"`` -> None."""
    raw = str(text).strip().lower().lstrip("x")
    if raw == "auto":
        return None
    try:
        if "/" in raw:
            num, den = raw.split("/")
            value = float(num) / float(den)
        else:
            value = float(raw)
    except (ValueError, ZeroDivisionError):
        raise click.BadParameter(f"{text!r}: give a slow-motion factor like 2 or 1/2 (half speed), 4 or 1/4") from None
    if value <= 0:
        raise click.BadParameter(f"{text!r}: must be positive")
    value = 1.0 / value if value < 1 else value
    if value > 64:
        raise click.BadParameter(f"{text!r}: at most 64 times slower")
    return value


def render_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by ``render`` and ``analyse --render``."""
    options = [
        click.option("--slow-motion", "slow_motion", default="auto", metavar="FACTOR", show_default=True,
                     callback=_slow_motion_option,
                     help="Play slower than the clip plays: 2 or 1/2 (half speed), 4 or 1/4 ...; auto: a "
                          "high-speed clip that plays in real time shows every frame at 30 fps, others as filmed."),
        click.option("--freeze", "freeze_s", type=click.FloatRange(0, 10), default=0.0, show_default=True,
                     metavar="SECONDS", help="Hold each key position (toe-off, max separation, touchdown, full "
                                             "support) this long; 0: no freeze-frames."),
        click.option("--freeze-at", "freeze_at", default=",".join(KEY_POSITION_NAMES), show_default=True,
                     help="Which key positions to freeze, comma-separated."),
        click.option("--hold", "hold_s", type=click.FloatRange(0.05, 5), default=0.6, show_default=True,
                     metavar="SECONDS", help="How long touchdown/toe-off values stay on screen."),
        click.option("--step", "step", type=click.IntRange(1), default=None,
                     help="Step shown in the kinogram (default: the fastest)."),
        click.option("--background", type=click.Choice(["dim", "keep", "white"]), default="dim", show_default=True,
                     help="Kinogram background outside the athlete."),
        click.option("--athlete-name", "athlete_name", default=None, help="Athlete's name for the report."),
        click.option("--notes", default=None, help="Coach's notes for the report (plain text)."),
        click.option("--flags", "flags_file", type=click.Path(path_type=Path), default=None,
                     help="JSON file with a list of flag records to show in the report."),
        click.option("--no-clip", is_flag=True, help="Do not draw the annotated clip."),
        click.option("--no-angles", is_flag=True, help="Annotated clip without angle arcs (skeleton and panel only)."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def build_render_options(slow_motion: str, freeze_s: float, freeze_at: str, hold_s: float, step: int | None,
                         background: str, athlete_name: str | None, notes: str | None, flags_file: Path | None,
                         no_clip: bool, no_angles: bool) -> RenderOptions:
    """Turn the command-line values into :class:`RenderOptions` (errors are one-line messages).

    Parameters
    ----------
    slow_motion : str
        ``--slow-motion``: a factor (``"2"``, ``"1/4"``) or ``"auto"``.
    freeze_s : float
        ``--freeze``: how long each key position is held (s).
    freeze_at : str
        ``--freeze-at``: key positions, comma-separated.
    hold_s : float
        ``--hold``: how long touchdown and toe-off values stay on screen (s).
    step : int, optional
        ``--step``: the kinogram's step (1-based).
    background : str
        ``--background``: the kinogram's background.
    athlete_name, notes : str, optional
        Shown in the report.
    flags_file : Path, optional
        ``--flags``: a JSON list of flag records, read and checked here.
    no_clip, no_angles : bool
        ``--no-clip``, ``--no-angles``.

    Returns
    -------
    RenderOptions
        What to draw, and how.

    Raises
    ------
    SprintLensError
        If the flags file cannot be read or holds a bad record (naming the file, flag and field).
    """
    records = check_render_options(freeze_at=freeze_at, flags_file=flags_file)
    from sprintlens.render.annotate import Layers
    from sprintlens.render.clip import ClipOptions
    from sprintlens.render.kinogram import KinogramOptions
    from sprintlens.render.outputs import RenderOptions, flags_from_records

    flags = flags_from_records(records, str(flags_file)) if records is not None else ()
    keys = tuple(k.strip() for k in freeze_at.split(",") if k.strip())
    clip = ClipOptions(slow_motion=_slow_motion(slow_motion), freeze_s=freeze_s, freeze_at=keys, hold_s=hold_s,
                       layers=Layers(joint_angles=not no_angles, verticals=not no_angles))
    return RenderOptions(clip=not no_clip, clip_options=clip, kinogram_step=step,
                         kinogram_options=KinogramOptions(background=background), athlete=athlete_name, notes=notes,
                         flags=flags)


def check_render_options(freeze_at: str, flags_file: Path | None, **others: object) -> list[dict[str, Any]] | None:
    """Check the render options that the command line cannot (quickly, drawing modules not loaded).

    Parameters
    ----------
    freeze_at : str
        ``--freeze-at``: key positions, comma-separated (:data:`KEY_POSITION_NAMES`).
    flags_file : Path, optional
        ``--flags``: a JSON file with a list of flag records.
    **others
        The other render options (checked by click itself).

    Returns
    -------
    list of dict or None
        The flag records of ``--flags`` (None when not given).
    """
    from sprintlens.cli.checks import read_flags_file

    keys = [k.strip() for k in freeze_at.split(",") if k.strip()]
    unknown = [k for k in keys if k not in KEY_POSITION_NAMES]
    if unknown:
        raise SprintLensError(f"--freeze-at {','.join(unknown)}: unknown key position; "
                              f"use {', '.join(KEY_POSITION_NAMES)}")
    return read_flags_file(flags_file)


def run_render(analysis: Analysis, video: Path, target: Path, options: RenderOptions, name: str,
               quiet: bool) -> dict[str, Path]:
    """Draw the outputs with a progress bar for the clip.

    Parameters
    ----------
    analysis : Analysis
        The rep.
    video : Path
        Its clip.
    target : Path
        The folder for the pictures (written as one set: complete or as it was).
    options : RenderOptions
        What to draw, and how.
    name : str
        The rep's name in the report.
    quiet : bool
        No progress bar.

    Returns
    -------
    dict of str to Path
        What was written, by kind.
    """
    from sprintlens.render.outputs import render_outputs

    with frame_progress(quiet) as progress:
        return render_outputs(analysis, video, target, options, name=name, progress=progress)


@click.command()
@click.argument("analysis_dir", type=click.Path(path_type=Path))
@click.option("--video", "video", type=click.Path(path_type=Path), default=None,
              help="The analysed clip, if it has moved since the analysis.")
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), default=None,
              help="Folder for the pictures (default: ANALYSIS_DIR itself).")
@render_options
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; print only where the results went.")
def render(analysis_dir: Path, video: Path | None, out: Path | None, quiet: bool, **kwargs: Any) -> None:
    """Draw an analysed rep: annotated clip (H.264 MP4), plots (PNG, SVG), kinogram and an HTML report.

    ANALYSIS_DIR is a folder written by `sprintlens analyse`; its video is found where it was
    analysed (or give --video).
    """
    from sprintlens.cli import checks

    started = time.perf_counter()
    # every argument and file first: quick, before the analysis and drawing modules load
    check_render_options(**kwargs)
    checks.check_analysis_folder(analysis_dir)
    checks.check_rep_video(analysis_dir, video)
    target = checks.check_output_folder(out if out is not None else analysis_dir)

    from sprintlens.analysis.folder import load_rep

    options = build_render_options(**kwargs)
    rep = load_rep(analysis_dir, video)
    checks.make_folder(target.parent if str(target.parent) else Path("."))  # the drawing makes the folder itself
    written = run_render(rep.analysis, rep.video, target, options, rep.name, quiet)
    elapsed = time.perf_counter() - started
    click.echo(f"wrote {target}/: {', '.join(sorted({p.name for p in written.values()}))} ({elapsed:.1f} s)")
