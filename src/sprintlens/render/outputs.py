"""Everything a coach looks at for one rep, written into a folder: clip, plots, kinogram, report.

:func:`render_outputs` is what ``sprintlens render`` and ``sprintlens analyse --render`` call.
Each file is written atomically; the report is written last and links the clip beside it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sprintlens.analysis.result import Analysis
from sprintlens.core.files import ensure_writable_folder
from sprintlens.logbook.flags import Flag
from sprintlens.render import plots
from sprintlens.render.clip import ClipOptions, render_clip
from sprintlens.render.html import write_page
from sprintlens.render.kinogram import (
    KinogramOptions,
    encode_image,
    kinogram_panels,
    render_kinogram,
    write_image,
)
from sprintlens.render.report import ReportImages, report_html

log = logging.getLogger(__name__)

#: File names written into the output folder (plots get one file per format).
OUTPUT_NAMES: dict[str, str] = {
    "clip": "annotated.mp4",
    "angles": "plot_angles",
    "steps": "plot_steps",
    "velocity": "plot_velocity",
    "kinogram": "kinogram.png",
    "report": "report.html",
}


@dataclass(frozen=True)
class RenderOptions:
    """Which outputs to draw, and how.

    Attributes
    ----------
    clip, plots, kinogram, report : bool
        Draw each output (all by default).
    clip_options : ClipOptions
        Slow motion, freeze-frames and quality of the annotated clip.
    plot_formats : tuple of str
        Formats of the plot files (``"png"``, ``"svg"``).
    kinogram_step : int, optional
        Step of the kinogram (1-based; default: the fastest step).
    kinogram_options : KinogramOptions
        Look of the kinogram.
    athlete, notes : str, optional
        Shown in the report (escaped).
    flags : tuple of Flag
        Shown in the report.
    """

    clip: bool = True
    plots: bool = True
    kinogram: bool = True
    report: bool = True
    clip_options: ClipOptions = field(default_factory=ClipOptions)
    plot_formats: tuple[str, ...] = ("png", "svg")
    kinogram_step: int | None = None
    kinogram_options: KinogramOptions = field(default_factory=KinogramOptions)
    athlete: str | None = None
    notes: str | None = None
    flags: tuple[Flag, ...] = ()


def render_outputs(analysis: Analysis, video: str | os.PathLike[str], out_dir: str | os.PathLike[str],
                   options: RenderOptions = RenderOptions(), *, name: str = "rep",
                   progress: Callable[[int, int], None] | None = None) -> dict[str, Path]:
    """Draw the chosen outputs of a rep into ``out_dir`` (which must exist or have an existing parent).

    Returns
    -------
    dict of str to Path
        What was written, by kind: ``clip``, ``angles.png``, ``angles.svg``, ... ``kinogram``, ``report``.

    Raises
    ------
    VideoError, OutputError, AnalysisError
        Bad clip, unwritable folder, failed encoding, a kinogram step that does not exist.
    """
    if options.kinogram and analysis.steps:
        kinogram_panels(analysis, options.kinogram_step)  # a step that does not exist fails before any file
    out = Path(out_dir)
    if not out.exists():
        ensure_writable_folder(out.parent if str(out.parent) else Path("."))
        out.mkdir()
    ensure_writable_folder(out)
    written: dict[str, Path] = {}
    images: dict[str, bytes] = {}
    caption = ""
    if options.kinogram and analysis.steps:
        panels = kinogram_panels(analysis, options.kinogram_step)
        image = render_kinogram(analysis, video, options.kinogram_step, options.kinogram_options)
        write_image(out / OUTPUT_NAMES["kinogram"], image)
        written["kinogram"] = out / OUTPUT_NAMES["kinogram"]
        images["kinogram"] = encode_image(image, "jpeg")
        steps = sorted({p.step for p in panels})
        caption = (f"Step{'s' if len(steps) > 1 else ''} {'-'.join(str(s) for s in steps)}: "
                   + ", ".join(f"{p.title} (frame {p.frame})" for p in panels))
    elif options.kinogram:
        log.warning("no complete steps: no kinogram")
    if options.plots or options.report:
        for kind, (fig, _) in (("angles", plots.plot_angle_panels(analysis)),
                               ("steps", plots.plot_step_panels(analysis)),
                               ("velocity", plots.plot_velocity(analysis))):
            if options.plots:
                for fmt, path in plots.save_figure(fig, out / OUTPUT_NAMES[kind], options.plot_formats).items():
                    written[f"{kind}.{fmt}"] = path
            images[kind] = plots.figure_bytes(fig, "png", dpi=110)
    poster: bytes | None = None
    if options.clip:
        result = render_clip(analysis, video, out / OUTPUT_NAMES["clip"], options.clip_options, progress=progress)
        written["clip"] = result.path
        if result.poster is not None:
            poster = encode_image(result.poster, "jpeg", jpeg_quality=80)
    if options.report:
        page = report_html(
            analysis,
            ReportImages(angles=images.get("angles"), steps=images.get("steps"), velocity=images.get("velocity"),
                         kinogram=images.get("kinogram"), kinogram_caption=caption, poster=poster),
            name=name, athlete=options.athlete, notes=options.notes, flags=options.flags,
            clip=OUTPUT_NAMES["clip"] if (options.clip or (out / OUTPUT_NAMES["clip"]).is_file()) else None)
        written["report"] = write_page(out / OUTPUT_NAMES["report"], page)
    return written


def flags_from_records(records: Sequence[dict[str, object]]) -> tuple[Flag, ...]:
    """:class:`Flag` records from their dictionaries (``Flag.as_dict()``), e.g. read from JSON."""
    from sprintlens.core.errors import SprintLensError

    flags = []
    for i, record in enumerate(records):
        try:
            flags.append(Flag(**record))  # type: ignore[arg-type]
        except TypeError as exc:
            raise SprintLensError(f"flag {i + 1}: not a flag record ({exc})") from None
    return tuple(flags)
