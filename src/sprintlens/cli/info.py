"""``sprintlens info VIDEO``: what a clip is and whether it suits sprint analysis."""

from __future__ import annotations

import math

import click

from sprintlens.capture.suitability import Check, Status, Suitability, assess
from sprintlens.capture.video import frame_intervals_s, frames_in_file, probe
from sprintlens.cli.options import capture_fps_option

_MARK = {Status.OK: "ok  ", Status.WARN: "warn", Status.BAD: "BAD "}


def _view_check(shoulder_torso: float) -> Check:
    """Rate the view from the swept frames' shoulders (side on, oblique, or end on)."""
    from sprintlens.analysis.view import view_from_shoulders

    view, yaw = view_from_shoulders(shoulder_torso)
    if view == "side on":
        return Check("view", Status.OK, f"side on (about {yaw:.0f} deg off): joint angles and step lengths are valid")
    if view == "oblique":
        return Check("view", Status.WARN, f"oblique, about {yaw:.0f} deg off side on: joint angles and step lengths "
                                          "would not be valid; film square to the running line")
    return Check("view", Status.BAD, "from the front or behind: no joint angles or step lengths can be measured; "
                                     "film side on")


@click.command()
@click.argument("video", type=click.Path(path_type=str))
@capture_fps_option
@click.option("--no-people", is_flag=True,
              help="Skip looking for the athlete in a few frames (the metadata checks only, instantly).")
def info(video: str, capture_fps: float | None, no_people: bool) -> None:
    """Print a clip's metadata and a verdict on its suitability for sprint analysis.

    Unless --no-people is given, five frames are searched for people (a few seconds) to say how
    large the athlete is and what that allows.
    """
    meta = probe(video, capture_fps=capture_fps)
    athlete_px, extra = None, ()
    if not no_people:
        from sprintlens.capture.finder import survey

        found = survey(meta)
        athlete_px = found.athlete_px
        extra = (_view_check(found.shoulder_torso),) if math.isfinite(athlete_px) else ()
    verdict = assess(meta, frame_intervals_s(meta.path), frames_in_file(meta.path), athlete_px)
    verdict = Suitability(verdict.checks + extra)
    rows = [
        ("file", str(meta.path)),
        ("size", f"{meta.width} x {meta.height} ({meta.orientation}, upright)"),
        ("rotation", f"{meta.rotation_deg} deg (applied)"),
        ("codec", meta.codec),
        ("frame rate", f"{meta.fps:.6g} fps playback"
         + (f", {meta.capture_fps:.6g} fps real ({meta.capture_fps_source})" if meta.slow_motion_factor != 1 else "")),
        ("frames", str(meta.n_frames)),
        ("duration", f"{meta.duration_s:.3f} s playback"
         + (f", {meta.real_duration_s:.3f} s real" if meta.slow_motion_factor != 1 else "")),
    ]
    if meta.recorded_at is not None:
        rows.append(("filmed", meta.recorded_at.strftime("%Y-%m-%d %H:%M:%S %z")))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        click.echo(f"{key:<{width}}  {value}")
    click.echo("")
    for check in verdict.checks:
        click.echo(f"[{_MARK[check.status]}] {check.name}: {check.message}")
    click.echo(f"\nverdict: {verdict.verdict}")
