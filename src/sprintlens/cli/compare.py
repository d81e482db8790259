"""``sprintlens compare A B [C D]``: reps side by side, synchronised on an event."""

from __future__ import annotations

import time
from pathlib import Path

import click

from sprintlens.cli.progressbar import frame_progress
from sprintlens.cli.render import _slow_motion, _slow_motion_option
from sprintlens.core.errors import SprintLensError


@click.command()
@click.argument("reps", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), default=Path("comparison"), show_default=True,
              help="Folder for the comparison (videos, plots, compare.html).")
@click.option("--event", "event", default="touchdown:1", show_default=True,
              help="Sync event: first-movement (block starts), or touchdown:N (the N-th touchdown).")
@click.option("--mode", type=click.Choice(["both", "side", "ghost"]), default="both", show_default=True,
              help="Side-by-side video, ghost overlay (rep 2+ skeletons over rep 1), or both.")
@click.option("--slow-motion", "slow_motion", default="auto", metavar="FACTOR", show_default=True,
              callback=_slow_motion_option,
              help="Play slower than rep 1's clip plays: 2 or 1/2, 4 or 1/4 ...; auto: every frame of a high-speed "
                   "clip at 30 fps.")
@click.option("--label", "labels", multiple=True, help="Name of each rep in order (repeat the option).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars; print only where the results went.")
def compare(reps: tuple[Path, ...], out: Path, event: str, mode: str, slow_motion: str, labels: tuple[str, ...],
            quiet: bool) -> None:
    """Compare two to four reps: REPS are analysis folders (from `sprintlens analyse`) or videos.

    Writes a side-by-side video at the same body scale, a ghost video (the other reps'
    skeletons over rep 1, hips aligned), angle curves aligned on the event and a page with a
    metric table (differences from rep 1).
    """
    from sprintlens.analysis.sync import SyncEvent
    from sprintlens.cli import checks

    started = time.perf_counter()
    # every argument and file first: quick, before any rep is analysed and before the drawing modules load
    if not 2 <= len(reps) <= 4:
        raise SprintLensError(f"compare two to four reps, not {len(reps)}")
    if labels and len(labels) != len(reps):
        raise SprintLensError(f"give one --label per rep ({len(reps)}), or none")
    sync = SyncEvent.parse(event)
    for source in reps:
        if source.is_dir():
            record = checks.check_analysis_folder(source)
            if sync.kind == "first_movement" and "start" in record and not record["start"]:
                raise SprintLensError(f"{source}: no block start was found in this rep, so it has no first movement; "
                                      "sync on a touchdown instead")
            checks.check_rep_video(source, None)
        else:
            checks.probe_clip(source)
    checks.check_output_folder(out)

    from sprintlens.analysis.folder import load_rep_or_video
    from sprintlens.render.compare import CompareOptions, event_row, write_comparison

    options = CompareOptions(event=sync, slow_motion=_slow_motion(slow_motion))
    loaded = []
    for source in reps:
        with frame_progress(quiet) as progress:
            rep = load_rep_or_video(source, progress=progress)
        try:
            event_row(rep.analysis, sync)  # a rep without the event: said now, not after the others' pose estimation
        except SprintLensError as exc:
            raise type(exc)(f"{source}: {exc}") from None
        loaded.append(rep)
    names = [r.name for r in loaded]
    labels = labels or tuple(f"Rep {i + 1}" for i in range(len(loaded)))
    checks.make_folder(out.parent if str(out.parent) else Path("."))  # the comparison makes the folder itself
    with frame_progress(quiet) as progress:
        written = write_comparison([r.analysis for r in loaded], [r.video for r in loaded], labels, out, options,
                                   side_by_side=mode in ("both", "side"), ghost=mode in ("both", "ghost"),
                                   names=names, progress=progress)
    elapsed = time.perf_counter() - started
    click.echo(f"wrote {out}/: {', '.join(sorted({p.name for p in written.values()}))} ({elapsed:.1f} s)")
