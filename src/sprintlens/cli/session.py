"""``sprintlens session DIR_OR_CLIPS... --athlete NAME``: analyse a session's reps, store them, judge fatigue.

``sprintlens review SESSION_ID``: the same verdict again from the logbook (after an RPE, a
deleted rep or another reference), without analysing anything.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sprintlens.cli.options import (
    date_option,
    db_option,
    fatigue_options,
    open_store,
    pose_config,
    pose_options,
)
from sprintlens.cli.parallel import (
    clip_progress,
    echo_over,
    executor_options,
    make_executor,
)
from sprintlens.logbook.records import KNOWN_PHASES

if TYPE_CHECKING:  # the analysis and statistics load when a command runs, not for --help
    from sprintlens.analysis.result import Analysis
    from sprintlens.logbook.fatigue import FatigueConfig
    from sprintlens.logbook.records import Rep

log = logging.getLogger(__name__)

SESSION_REPORT = "session_report.html"


def _fatigue_config(baseline_reps: int) -> FatigueConfig:
    from sprintlens.logbook.fatigue import FatigueConfig

    return FatigueConfig(baseline_reps=baseline_reps)


def _rep_folder(out: Path, source: Path, position: int) -> Path:
    return out / f"rep{position:02d}_{source.stem}"


#: Widest kinogram embedded in the session report (px); larger ones are scaled down.
REPORT_PICTURE_WIDTH = 1600


def draw_kinogram(analysis: Analysis, source: Path, folder: Path) -> None:
    """Draw a rep's kinogram (its fastest step) into a folder; run in the session's workers.

    The folder is the worker's own, temporary; the session's process writes what is drawn into the
    rep's folder.

    Parameters
    ----------
    analysis : Analysis
        The rep's analysis.
    source : Path
        Its clip, as the worker sees it (a pose track has no frames: nothing is drawn).
    folder : Path
        Where to draw ``kinogram.png``.
    """
    from sprintlens.logbook.session import TRACK_SUFFIXES
    from sprintlens.render.outputs import RenderOptions, render_outputs

    if not analysis.steps or source.suffix.lower() in TRACK_SUFFIXES:  # a track has no frames to draw
        return

    render_outputs(analysis, source, folder, RenderOptions(clip=False, plots=False, kinogram=True, report=False))


def _pictures(out: Path, sources: list[Path], reps: list[Rep]) -> dict:
    """Each rep's kinogram, as JPEG for the report (a phone page of six PNG kinograms is ~6 MB)."""
    import cv2

    from sprintlens.render.kinogram import encode_image
    from sprintlens.render.session_report import RepPicture

    pictures = {}
    for i, (source, rep) in enumerate(zip(sources, reps), start=1):
        path = _rep_folder(out, source, i) / "kinogram.png"
        bgr = cv2.imread(str(path)) if path.is_file() else None
        if bgr is None or rep.order is None:
            continue
        if bgr.shape[1] > REPORT_PICTURE_WIDTH:
            scale = REPORT_PICTURE_WIDTH / bgr.shape[1]
            bgr = cv2.resize(bgr, (REPORT_PICTURE_WIDTH, round(bgr.shape[0] * scale)), interpolation=cv2.INTER_AREA)
        pictures[rep.order] = RepPicture(encode_image(bgr[..., ::-1].copy(), "jpeg"), "image/jpeg",
                                         f"{rep.video_name}, kinogram of its fastest step")
    return pictures


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--athlete", "athlete", required=True, metavar="NAME", help="Whose session (see `sprintlens athletes`).")
@date_option
@click.option("--phase", default=None, metavar="PHASE",
              help=f"Training phase ({', '.join(KNOWN_PHASES)}, or your own word).")
@click.option("--location", default=None, metavar="TEXT", help="Where.")
@click.option("--notes", default=None, metavar="TEXT", help="Notes on the session.")
@click.option("--new-session", is_flag=True,
              help="Start a new session even if the athlete already has one on that day at that place.")
@click.option("--height", "height_m", type=float, default=None, metavar="METRES",
              help="Standing height for metric distances (default: the athlete's height in the logbook).")
@pose_options(per_clip=False)
@executor_options
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), default=None,
              help="Folder for each rep's analysis and kinogram and the session report (session_report.html).")
@fatigue_options
@db_option
@click.option("-q", "--quiet", is_flag=True, help="Print only the verdict.")
def session(sources: tuple[Path, ...], athlete: str, date, phase: str | None, location: str | None,
            notes: str | None, new_session: bool, height_m: float | None, capture_fps: float | None,
            max_people: int, model: str, finder: str, workers: int | None, scheduler: str | None,
            send_bytes: bool | None, out: Path | None, baseline_reps: int,
            reference: int | None, no_reference: bool, no_history: bool, db: str | None, quiet: bool) -> None:
    """Analyse a training session's reps, store them in the logbook, and judge fatigue.

    SOURCES: a folder of clips, or the clips in order.  Each rep's key metrics are reported with
    their change from the athlete's baseline, with fatigue flags and advice.  A clip analysed again
    updates its rep.  The clips are analysed on this machine's cores, or on a Dask cluster with
    --scheduler; only this command writes the logbook.
    """
    from sprintlens.analysis.result import AnalysisConfig
    from sprintlens.core.errors import OutputError
    from sprintlens.core.files import ensure_writable_folder
    from sprintlens.logbook.session import (
        analyse_reps,
        assess_stored_session,
        check_sources,
        collect_sources,
        store_session,
    )
    from sprintlens.render.logbook_text import session_lines

    started = time.perf_counter()
    with open_store(db) as store:
        who = store.athlete(athlete)  # an unknown athlete fails before any analysis
        if reference is not None:
            store.session(reference)
    clips = collect_sources(list(sources))
    filmed = check_sources(clips, capture_fps)  # a clip that is not a video fails before any analysis
    if out is not None:
        ensure_writable_folder(out if out.exists() else (out.parent if str(out.parent) else Path(".")))
        if out.exists() and not out.is_dir():
            raise OutputError(f"{out}: is not a folder")
        out.mkdir(exist_ok=True)
    height = height_m if height_m is not None else who.height_m
    if height is None:
        click.echo(f"note: no height for {who.name}: distances in leg lengths "
                   f"(set it with: sprintlens athlete edit {who.name!r} --height METRES)", err=True)
    pose = pose_config(capture_fps, max_people, model, finder=finder)
    config = AnalysisConfig(height_m=height)
    out_dirs = [_rep_folder(out, s, i) for i, s in enumerate(clips, start=1)] if out is not None else None

    with make_executor(workers, scheduler, send_bytes, len(clips)) as executor:
        if not quiet:
            click.echo(f"analysing {len(clips)} clip{'s' if len(clips) != 1 else ''} for {who.name} "
                       f"on {executor.description} ...", err=True)
        with clip_progress(len(clips), quiet) as bar:

            def done(i: int, source: Path, rep: Rep) -> None:
                if not quiet and bar.disable:  # the bar shows progress when it is on
                    echo_over(bar, f"analysed {source.name}: {rep.n_steps} steps, {rep.gait}", err=True)
                bar.update(1)

            reps = analyse_reps(clips, pose, config, executor=executor, out_dirs=out_dirs,
                                after=draw_kinogram if out is not None else None, on_done=done)
    with open_store(db) as store:
        stored = store_session(store, who.name, reps, date=date.date() if date else None, phase=phase,
                               location=location, notes=notes, new_session=new_session, filmed=filmed)
        fatigue = _fatigue_config(baseline_reps)
        assessment = assess_stored_session(store, stored.session.id, fatigue, reference_session_id=reference,
                                           use_reference=not no_reference, use_history=not no_history)
        what = "new session" if stored.created else "existing session"
        day = stored.session.date.isoformat()
        if stored.created and date is None:
            day += (", the day the clips were filmed" if filmed
                    else ", today (the clips do not say when they were filmed)")
        click.echo(f"stored in the logbook ({store.path}): {what} {stored.session.id} ({day}), "
                   f"{len(stored.added)} rep(s) added, {len(stored.updated)} updated")
        click.echo("")
        for line in session_lines(stored.session, list(stored.reps), assessment):
            click.echo(line)
        if out is not None:
            from sprintlens.render.session_report import write_session_report

            by_sha = {r.video_sha256: r for r in stored.reps}
            ordered = [by_sha[r.video_sha256] for r in reps]
            links = {r.order: f"{_rep_folder(out, s, i).name}/"
                     for i, (s, r) in enumerate(zip(clips, ordered), start=1)}
            try:
                path = write_session_report(out / SESSION_REPORT, store.athlete_by_id(stored.session.athlete_id),
                                            stored.session, store.reps(stored.session.id), assessment,
                                            pictures=_pictures(out, clips, ordered), rep_links=links)
            except OutputError as exc:  # say what was kept: the stored session and the reps' folders
                raise OutputError(f"{exc}; kept: session {stored.session.id} in the logbook and one folder per rep "
                                  f"in {out}/ (`sprintlens review {stored.session.id} --html FILE` writes the "
                                  "report again)") from None
            click.echo(f"\nwrote {path} and one folder per rep in {out}/")
    click.echo(f"({time.perf_counter() - started:.1f} s)", err=True)


@click.command()
@click.argument("session_id", type=int)
@fatigue_options
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE", help="Also write the session report page.")
@db_option
def review(session_id: int, baseline_reps: int, reference: int | None, no_reference: bool, no_history: bool,
           html_path: Path | None, db: str | None) -> None:
    """Show a stored session again: reps, changes from the baseline, flags and advice (nothing is re-analysed)."""
    from sprintlens.core.terminal import printable
    from sprintlens.logbook.session import assess_stored_session
    from sprintlens.render.logbook_text import session_lines

    with open_store(db, readonly=True) as store:
        session_ = store.session(session_id)
        reps = store.reps(session_id)
        fatigue = _fatigue_config(baseline_reps)
        assessment = assess_stored_session(store, session_id, fatigue, reference_session_id=reference,
                                           use_reference=not no_reference, use_history=not no_history) if reps else None
        for line in session_lines(session_, reps, assessment):
            click.echo(printable(line))
        if html_path is not None:
            from sprintlens.core.files import check_output_file
            from sprintlens.render.session_report import write_session_report

            check_output_file(html_path)
            path = write_session_report(html_path, store.athlete_by_id(session_.athlete_id), session_, reps,
                                        assessment)
            click.echo(f"\nwrote {path}")
