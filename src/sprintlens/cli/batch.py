"""``sprintlens batch DIR|CLIPS... --out DIR``: many clips analysed at once, on this machine or a Dask cluster.

Each clip is analysed by a worker (a local process, or a Dask worker with ``--scheduler``); its
result comes back to this process, which alone writes files: one analysis folder per clip under
``--out`` (as ``sprintlens analyse`` writes it), and one line per clip.  A clip that cannot be
analysed, or whose worker dies, is reported on its line; the others go on, and the command ends
with exit code 1 when any clip failed.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from sprintlens.analysis.executor import run_clip
from sprintlens.cli.options import pose_config, pose_options
from sprintlens.cli.parallel import (
    clip_progress,
    echo_over,
    executor_options,
    make_executor,
)


def clip_folders(out: Path, clips: list[Path]) -> list[Path]:
    """Each clip's analysis folder under ``out``: its file stem (``_2``, ``_3`` ... for a stem given twice)."""
    seen: dict[str, int] = {}
    folders = []
    for clip in clips:
        stem = clip.stem
        seen[stem.lower()] = seen.get(stem.lower(), 0) + 1
        count = seen[stem.lower()]
        folders.append(out / (stem if count == 1 else f"{stem}_{count}"))
    return folders


def _without_prefix(reason: str, clip: Path) -> str:
    for prefix in (f"{clip}: ", f"{clip.resolve()}: "):
        if reason.startswith(prefix):
            return reason[len(prefix):]
    return reason


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out", required=True, type=click.Path(path_type=Path),
              help="Folder for the results: one analysis folder per clip, named after it.")
@click.option("--height", "height_m", type=float, default=None, metavar="METRES",
              help="Athlete's standing height, for distances and speeds in metres (the same for every clip).")
@pose_options(per_clip=False)
@executor_options
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; print only each clip's line.")
def batch(sources: tuple[Path, ...], out: Path, height_m: float | None, capture_fps: float | None,
          max_people: int, model: str, finder: str, workers: int | None, scheduler: str | None, send_bytes: bool | None,
          quiet: bool) -> None:
    """Analyse many clips at once, each into its own analysis folder under --out.

    SOURCES: a folder (every video in it, in natural name order), or the clips (or pose tracks)
    themselves.  They are analysed on this machine's cores, or on a Dask cluster with --scheduler.
    A failing clip is reported on its line and the others go on.
    """
    from sprintlens.analysis.folder import write_analysis
    from sprintlens.analysis.result import AnalysisConfig
    from sprintlens.core.errors import OutputError, SprintLensError
    from sprintlens.core.files import ensure_writable_folder
    from sprintlens.logbook.session import collect_sources

    started = time.perf_counter()
    clips = collect_sources(list(sources))
    ensure_writable_folder(out if out.exists() else (out.parent if str(out.parent) else Path(".")))
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is not a folder")
    out.mkdir(exist_ok=True)
    folders = clip_folders(out, clips)
    pose = pose_config(capture_fps, max_people, model, finder=finder)
    config = AnalysisConfig(height_m=height_m)
    failed: list[Path] = []
    written = 0
    try:
        with make_executor(workers, scheduler, send_bytes, len(clips)) as executor:
            if not quiet:
                click.echo(f"analysing {len(clips)} clip{'s' if len(clips) != 1 else ''} on "
                           f"{executor.description} ...", err=True)
            with clip_progress(len(clips), quiet) as bar:
                for outcome in executor.map(run_clip, clips, pose, config, None):
                    clip, folder = clips[outcome.index], folders[outcome.index]
                    if outcome.ok:
                        analysis = outcome.value.analysis
                        try:
                            write_analysis(analysis, folder)
                        except SprintLensError as exc:
                            failed.append(clip)
                            echo_over(bar, f"{clip}: FAILED: {_without_prefix(str(exc), folder)}")
                        else:
                            written += 1
                            steps = len(analysis.steps)
                            echo_over(bar, f"{clip}: {steps} step{'s' if steps != 1 else ''}, "
                                           f"{analysis.gait.gait.value} -> {folder}/ ({outcome.seconds:.1f} s)")
                    else:
                        failed.append(clip)
                        echo_over(bar, f"{clip}: FAILED: {_without_prefix(outcome.failure.reason, clip)}")
                    bar.update(1)
    except KeyboardInterrupt:
        from sprintlens.cli import EXIT_INTERRUPTED

        click.echo(f"interrupted: {written} of {len(clips)} clips' folders were written in {out}/, "
                   "the others not", err=True)
        raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
    elapsed = time.perf_counter() - started
    done = len(clips) - len(failed)
    if not quiet:
        click.echo(f"{done} of {len(clips)} clip{'s' if len(clips) != 1 else ''} analysed into {out}/ "
                   f"({elapsed:.1f} s)", err=True)
    if failed:
        raise SprintLensError(f"{len(failed)} of {len(clips)} clip{'s' if len(clips) != 1 else ''} failed: "
                              + ", ".join(str(c) for c in failed))
