"""``sprintlens people VIDEO``: everyone found in a clip, numbered, so ``--athlete N`` can pick one."""

from __future__ import annotations

import time
from pathlib import Path

import click
import numpy as np

from sprintlens.cli.options import pose_config, pose_options
from sprintlens.cli.progressbar import frame_progress


@click.command()
@click.argument("video", type=click.Path(path_type=str))
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), default=None,
              help="Picture to write (default: VIDEO's name with .people.png, in this folder).")
@pose_options(athlete=False)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def people(video: str, out: Path | None, quiet: bool, **options: object) -> None:
    """Find everyone in VIDEO, print them numbered and draw them boxed on the frame where most are seen.

    Give the number to `analyse`, `pose` or `render` as `--athlete N` to follow that person.
    """
    from sprintlens.cli import checks

    meta = checks.probe_clip(video, options.get("capture_fps"))  # type: ignore[arg-type]
    checks.check_pose_options(meta, options.get("start"), options.get("end"), None,  # type: ignore[arg-type]
                              options.get("model"))  # type: ignore[arg-type]
    target = checks.check_output_file(out if out is not None else Path(f"{meta.path.stem}.people.png"))

    from sprintlens.capture.people import Person, choose_athlete, person_box
    from sprintlens.capture.tracking import read_stream
    from sprintlens.capture.video import FrameSpan, read_frames
    from sprintlens.core.errors import NoAthleteError
    from sprintlens.render.kinogram import write_image
    from sprintlens.render.people import PersonMark, draw_people

    config = pose_config(**options)  # type: ignore[arg-type]
    started = time.perf_counter()
    with frame_progress(quiet) as progress:
        stream = read_stream(meta.path, config, progress=progress, info=meta)
    elapsed = time.perf_counter() - started
    everyone, listed = stream.people()
    if not listed:
        raise NoAthleteError(f"{meta.path}: nobody was found in any of its {len(stream.detections)} frames"
                             + (f" ({len(everyone)} pose fit(s) on scenery or too small were left out)"
                                if everyone else ""))
    athlete = choose_athlete(everyone, stream.detections, stream.t_s).number
    n = len(stream.detections)
    # the frame that shows the most people, the largest of them breaking ties
    def height(person: Person, frame: int) -> float:
        box = person_box(person, stream.detections, frame)
        return float(box[3] - box[1])

    shown = [[k for k, p in enumerate(listed) if f in p.frames] for f in range(n)]
    best = max(range(n), key=lambda f: (len(shown[f]), sum(height(listed[k], f) for k in shown[f])))
    marks = []
    for k in shown[best]:
        box = person_box(listed[k], stream.detections, best)
        marks.append(PersonMark(k + 1, tuple(float(v) for v in box), athlete == k + 1))
    index = int(stream.frame_index[best])
    rgb = next(iter(read_frames(meta, FrameSpan(start_frame=index, end_frame=index + 1), prefetch=0))).rgb
    caption = f"frame {index}, {stream.t_s[best]:.2f} s: {len(shown[best])} of {len(listed)} people found"
    checks.make_folder(target.parent if str(target.parent) else Path("."))
    write_image(target, draw_people(rgb, marks, caption))

    click.echo(f"{len(listed)} {'person' if len(listed) == 1 else 'people'} found in {n} frames "
               f"({n / elapsed:.1f} frames/s); picture: {target}")
    click.echo(f"{'':2}{'#':>2}  {'seen':>12}  {'frames':>6}  {'height':>7}  where (first seen)")
    for k, person in enumerate(listed):
        heights = [height(person, f) for f in person.frames]
        first, last = stream.t_s[person.frames[0]], stream.t_s[person.frames[-1]]
        box = person_box(person, stream.detections, person.frames[0])
        where = f"x {(box[0] + box[2]) / 2:.0f}, y {(box[1] + box[3]) / 2:.0f} px"
        mark = "* " if k + 1 == athlete else "  "
        click.echo(f"{mark}{k + 1:>2}  {first:5.2f}-{last:5.2f} s  {100 * person.n_frames / n:5.0f}%  "
                   f"{np.median(heights):4.0f} px  {where}")
    click.echo("* the athlete SprintLens picks by default; choose another with --athlete N")
