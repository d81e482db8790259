"""``sprintlens pose VIDEO -o FILE``: the athlete's pose track."""

from __future__ import annotations

import time
from pathlib import Path

import click

from sprintlens.cli.options import pose_config, pose_options
from sprintlens.cli.progressbar import frame_progress


@click.command()
@click.argument("video", type=click.Path(path_type=str))
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), default=None,
              help="Pose-track file to write (default: VIDEO's name with .pose.npz, in this folder).")
@pose_options()
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
def pose(video: str, out: Path | None, quiet: bool, **options: object) -> None:
    """Track the athlete's 33 joints in every frame of VIDEO and save the pose track."""
    from sprintlens.cli import checks

    # every argument and file first: quick, before MediaPipe loads
    meta = checks.probe_clip(video, options.get("capture_fps"))  # type: ignore[arg-type]
    checks.check_pose_options(meta, options.get("start"), options.get("end"),  # type: ignore[arg-type]
                              options.get("athlete_point"), options.get("model"))  # type: ignore[arg-type]
    target = checks.check_output_file(out if out is not None else Path(f"{meta.path.stem}.pose.npz"))

    from sprintlens.capture.trackfile import save_track
    from sprintlens.capture.tracking import track_video

    config = pose_config(**options)  # type: ignore[arg-type]
    started = time.perf_counter()
    with frame_progress(quiet) as progress:
        track = track_video(meta.path, config, progress=progress, info=meta)
    elapsed = time.perf_counter() - started
    checks.make_folder(target.parent if str(target.parent) else Path("."))
    save_track(track, target)
    if not quiet:
        people = track.provenance.get("athlete", {}).get("people_seen", "?")
        click.echo(f"wrote {target}: {track.n_frames} frames, athlete in {100 * track.coverage:.1f}% of them "
                   f"({people} people seen), {track.n_frames / elapsed:.1f} frames/s")
        if people == 1 and config.max_people > 1:
            click.echo("hint: only one person was seen; --max-people 1 is about twice as fast")
