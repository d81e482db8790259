"""Everything a coach looks at for one rep, written into a folder: clip, plots, kinogram, report.

:func:`render_outputs` is what ``sprintlens render`` and ``sprintlens analyse --render`` call.
The pictures are one set (:func:`sprintlens.core.files.staged_folder`): drawn into a staging
folder beside the target and moved into place together once all are complete, so a failure or
an interrupt leaves the target folder as it was (an analysis folder keeps its analysis files).
The report links the clip beside it.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sprintlens.analysis.result import Analysis
from sprintlens.core.errors import SprintLensError
from sprintlens.core.files import run_staged
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

    The outputs are one set: drawn into a staging folder beside ``out_dir`` and moved into place
    together once all are complete (other files of the folder, such as the analysis files, are
    left as they are).  On any failure or interrupt ``out_dir`` is as it was.

    Parameters
    ----------
    analysis : Analysis
        The rep.
    video : path-like
        The clip the analysis was made from.
    out_dir : path-like
        The folder for the pictures (often the analysis folder).
    options : RenderOptions
        Which outputs, and how.
    name : str
        The rep's name in the report's title.
    progress : callable, optional
        ``progress(done, total)`` while the clip is drawn (frames).

    Returns
    -------
    dict of str to Path
        What was written, by kind: ``clip``, ``angles.png``, ``angles.svg``, ... ``kinogram``, ``report``.

    Raises
    ------
    VideoError, OutputError, AnalysisError
        Bad clip, unwritable folder (the file and the cause), failed encoding, a kinogram step
        that does not exist.
    """
    if options.kinogram and analysis.steps:
        kinogram_panels(analysis, options.kinogram_step)  # a step that does not exist fails before any file
    out = Path(out_dir)
    clip_beside = options.clip or (out / OUTPUT_NAMES["clip"]).is_file()

    def write(staging: Path) -> dict[str, Path]:
        return _draw(analysis, video, staging, options, name, progress, clip_beside)

    return run_staged(out, "the pictures", "no pictures", write)


def _draw(analysis: Analysis, video: str | os.PathLike[str], out: Path, options: RenderOptions, name: str,
          progress: Callable[[int, int], None] | None, clip_beside: bool) -> dict[str, Path]:
    """Draw every chosen output into ``out`` (the staging folder)."""
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
            clip=OUTPUT_NAMES["clip"] if clip_beside else None)
        written["report"] = write_page(out / OUTPUT_NAMES["report"], page)
    return written


#: Types of a flag record's fields: text, numbers, and those that may be null.
_FLAG_TEXT = ("metric", "label", "scope", "unit", "reference", "confidence", "severity", "message")
_FLAG_NUMBERS = ("change", "noise", "smallest_worthwhile", "probability", "threshold")
_FLAG_OPTIONAL_NUMBERS = ("change_pct",)


def _flag_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def flag_from_record(record: object, where: str = "flag 1") -> Flag:
    """Build and check one :class:`Flag` from its dictionary (``Flag.as_dict()``, e.g. read from JSON).

    Unknown keys are ignored; ``probability`` and ``threshold`` may be missing or null (not computed).

    Raises
    ------
    SprintLensError
        If a field is missing or of the wrong type (the message names ``where`` and the field).
    """
    if not isinstance(record, dict):
        raise SprintLensError(f"{where}: must be an object (a flag record), got {type(record).__name__}")
    names = {f.name for f in dataclasses.fields(Flag)}
    values = {k: v for k, v in record.items() if k in names}
    for key in ("probability", "threshold"):
        if values.get(key, None) is None:
            values[key] = math.nan
    missing = [n for n in names if n not in values]
    if missing:
        raise SprintLensError(f"{where}: lacks {', '.join(sorted(missing))}")
    for key in _FLAG_TEXT:
        if not isinstance(values[key], str):
            raise SprintLensError(f"{where}: {key} must be text, got {values[key]!r:.40}")
    for key in _FLAG_NUMBERS:
        value = values[key]
        if key in ("probability", "threshold") and isinstance(value, float) and math.isnan(value):
            continue
        if not _flag_number(value):
            raise SprintLensError(f"{where}: {key} must be a number, got {value!r:.40}")
    for key in _FLAG_OPTIONAL_NUMBERS:
        if values[key] is not None and not _flag_number(values[key]):
            raise SprintLensError(f"{where}: {key} must be a number or null, got {values[key]!r:.40}")
    rep = values["rep"]
    if rep is not None and (isinstance(rep, bool) or not isinstance(rep, int) or not 0 < rep < 10_000):
        raise SprintLensError(f"{where}: rep must be a rep number or null, got {rep!r:.40}")
    return Flag(**{k: float(v) if k in _FLAG_NUMBERS else v for k, v in values.items()})


def flags_from_records(records: object, where: str = "flags") -> tuple[Flag, ...]:
    """Build and check :class:`Flag` records from their dictionaries (``Flag.as_dict()``), e.g. read from JSON.

    Raises
    ------
    SprintLensError
        If ``records`` is not a list of flag records (the message names ``where``, the flag and the field).
    """
    if not isinstance(records, (list, tuple)):
        raise SprintLensError(f"{where}: must hold a JSON list of flag records, got {type(records).__name__}")
    if len(records) > 10_000:
        raise SprintLensError(f"{where}: {len(records)} flags; at most 10000")
    return tuple(flag_from_record(record, f"{where}: flag {i + 1}") for i, record in enumerate(records))
