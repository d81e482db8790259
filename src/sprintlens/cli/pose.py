"""``sprintlens pose VIDEO -o FILE``: the athlete's pose track."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..io import check_output_file, save_track
from ..pipeline import PoseConfig, track_video
from ..video import probe
from .options import capture_fps_option, parse_point, parse_span, span_options
from .progress import frame_progress


@click.command()
@click.argument("video", type=click.Path(path_type=str))
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), default=None,
              help="Pose-track file to write (default: VIDEO's name with .pose.npz, in this folder).")
@capture_fps_option
@span_options
@click.option("--athlete", "athlete", default=None, metavar="X,Y",
              help="Pick the person nearest this pixel on the first frame where someone is seen.")
@click.option("--max-people", type=click.IntRange(1, 10), default=3, show_default=True,
              help="Most people to look for per frame (1 is fastest when only the athlete is in view).")
@click.option("--model", type=click.Path(path_type=Path), default=None,
              help="Another MediaPipe pose .task bundle instead of the shipped one.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
def pose(video: str, out: Path | None, capture_fps: float | None, start: str | None, end: str | None,
         athlete: str | None, max_people: int, model: Path | None, quiet: bool) -> None:
    """Track the athlete's 33 joints in every frame of VIDEO and save the pose track."""
    config = PoseConfig(capture_fps=capture_fps, span=parse_span(start, end), athlete_point=parse_point(athlete),
                        max_people=max_people, model_path=model)
    meta = probe(video, capture_fps=capture_fps)
    target = check_output_file(out if out is not None else Path(f"{meta.path.stem}.pose.npz"))
    started = time.perf_counter()
    with frame_progress(quiet) as progress:
        track = track_video(meta.path, config, progress=progress, info=meta)
    elapsed = time.perf_counter() - started
    save_track(track, target)
    if not quiet:
        athlete_info = track.provenance.get("athlete", {})
        click.echo(
            f"wrote {target}: {track.n_frames} frames, athlete in {100 * track.coverage:.1f}% of them "
            f"({athlete_info.get('people_seen', '?')} people seen), {track.n_frames / elapsed:.1f} frames/s"
        )
