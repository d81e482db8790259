"""``sprintlens analyse VIDEO|TRACK``: pose (for a video) and sprint analysis, printed and written."""

from __future__ import annotations

import time
from pathlib import Path

import click

from sprintlens.cli.options import pose_config, pose_options
from sprintlens.cli.progressbar import frame_progress
from sprintlens.cli.render import (
    build_render_options,
    check_render_options,
    render_options,
    run_render,
)
from sprintlens.core.errors import VideoError

TRACK_SUFFIXES = (".npz",)

#: What the analysis after pose estimation imports (SciPy among them: seconds on a slow machine).
ANALYSIS_MODULES = ("scipy.signal", "scipy.ndimage", "scipy.interpolate", "sprintlens.analysis.pipeline",
                    "sprintlens.analysis.folder", "sprintlens.render.summary")


def _load_in_background(modules: tuple[str, ...]) -> None:
    """Import ``modules`` on a daemon thread (imports are thread-safe: a user of one waits for it)."""
    import threading
    from importlib import import_module

    def load() -> None:
        for name in modules:
            try:
                import_module(name)
            except Exception:  # noqa: BLE001 - the import in the main thread reports it
                return

    threading.Thread(target=load, name="sprintlens-preload", daemon=True).start()


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), default=None,
              help="Folder for the results (default: SOURCE's name + .sprintlens, in this folder).")
@click.option("--height", "height_m", type=float, default=None, metavar="METRES",
              help="Athlete's standing height, for distances and speeds in metres.")
@click.option("--calib", "calib", default=None, metavar="X1,Y1,X2,Y2,METRES",
              help="Two pixels on the running line a known distance apart (static camera).")
@click.option("--direction", type=click.Choice(["auto", "ltr", "rtl"]), default="auto", show_default=True,
              help="Direction of travel in the image (auto: from the clip).")
@pose_options()
@click.option("--render", "draw", is_flag=True,
              help="Also draw the annotated clip, plots, kinogram and HTML report into the results folder.")
@render_options
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; print only where the results went.")
def analyse(source: Path, out: Path | None, height_m: float | None, calib: str | None, direction: str,
            capture_fps: float | None, start: str | None, end: str | None, athlete_point: str | None,
            max_people: int, model: str, finder: str, draw: bool, quiet: bool, **render_kwargs: object) -> None:
    """Analyse a sprint: SOURCE is a video, or a pose track saved by `sprintlens pose` or an earlier analyse."""
    from sprintlens.cli import checks

    started = time.perf_counter()
    # every argument and file first: quick, before pose estimation and before SciPy and MediaPipe load
    checks.check_height(height_m)
    calibration = checks.parse_calib(calib)
    if draw:
        check_render_options(**render_kwargs)  # type: ignore[arg-type]
    target = checks.check_output_folder(out if out is not None else Path(f"{source.stem}.sprintlens"))
    video: Path | None = None
    meta = None
    if source.suffix.lower() in TRACK_SUFFIXES:
        track = checks.check_track_file(source)
        frame_size = tuple(track.frame_size)
        if draw:
            from sprintlens.capture.trackfile import recorded_video_path

            video = recorded_video_path(track)
            if video is None or not video.is_file():
                raise VideoError(f"{source}: the track's video is not where it was analysed; "
                                 "analyse the video itself, or use `sprintlens render --video`")
    else:
        meta = checks.probe_clip(source, capture_fps)
        checks.check_pose_options(meta, start, end, athlete_point, model)
        frame_size = (meta.width, meta.height)
        video = meta.path
    if calibration is not None:
        checks.check_points_in_frame([calibration[:2], calibration[2:4]], frame_size, "--calib")  # type: ignore[arg-type]

    if meta is not None:
        from sprintlens.capture.tracking import track_video

        _load_in_background(ANALYSIS_MODULES)  # SciPy and the analysis load while the pose model runs
        config_pose = pose_config(capture_fps, max_people, model, start, end, athlete_point, finder)
        with frame_progress(quiet) as progress:
            track = track_video(meta.path, config_pose, progress=progress, info=meta)

    from sprintlens.analysis.folder import check_video_matches, write_analysis
    from sprintlens.analysis.pipeline import analyse_track
    from sprintlens.analysis.result import AnalysisConfig
    from sprintlens.render.summary import summary_lines

    config = AnalysisConfig(height_m=height_m, calibration=calibration,
                            direction={"auto": None, "ltr": 1, "rtl": -1}[direction])
    drawing = build_render_options(**render_kwargs) if draw else None  # type: ignore[arg-type]
    if meta is None and drawing is not None and video is not None:
        check_video_matches(track, video)
    analysis = analyse_track(track, config)
    checks.make_folder(target.parent if str(target.parent) else Path("."))
    written = write_analysis(analysis, target)
    if not quiet:  # the numbers first, then the pictures
        for line in summary_lines(analysis, name=source.name):
            click.echo(line)
        click.echo("")
    if drawing is not None and video is not None:
        drawn = run_render(analysis, video, target, drawing, source.stem, quiet)
        written.update({f"render_{k}": v for k, v in drawn.items()})
    elapsed = time.perf_counter() - started
    click.echo(f"wrote {target}/: {', '.join(p.name for p in written.values())} ({elapsed:.1f} s)")
