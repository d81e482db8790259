"""What athletes and coaches look at: annotated clips, plots, kinograms, reports, reps compared.

Everything for one rep in one call (an :class:`~sprintlens.analysis.result.Analysis` and its
clip; :func:`sprintlens.analysis.folder.load_rep` reads one back from an analysis folder)::

    from sprintlens.render import RenderOptions, ClipOptions, render_outputs
    render_outputs(analysis, "rep1.mp4", "rep1.sprintlens", RenderOptions(clip_options=ClipOptions(slow_motion=2)))

Modules:

- :mod:`~sprintlens.render.annotate`: annotators, frame in, frame out (skeleton, angle arcs,
  verticals, event markers, metrics panel);
- :mod:`~sprintlens.render.frame_state`: what each frame shows, as data;
- :mod:`~sprintlens.render.clip`: the annotated H.264 clip (slow motion, freeze-frames);
- :mod:`~sprintlens.render.plots`: matplotlib plots, ``ax=None`` -> ``(fig, ax)``;
- :mod:`~sprintlens.render.kinogram`: key positions of a step side by side;
- :mod:`~sprintlens.render.html`: self-contained HTML pages (generic);
- :mod:`~sprintlens.render.report`: the rep report;
- :mod:`~sprintlens.render.compare`: reps side by side, ghost overlay, aligned curves, metric table;
- :mod:`~sprintlens.render.outputs`: all of a rep's outputs into a folder;
- :mod:`~sprintlens.render.style`, :mod:`~sprintlens.render.text`: colours, sizes, text on frames.
"""

from __future__ import annotations

from sprintlens.render.annotate import Layers, annotate_frame
from sprintlens.render.clip import ClipOptions, render_clip
from sprintlens.render.compare import CompareOptions, SyncEvent, write_comparison
from sprintlens.render.kinogram import KinogramOptions, render_kinogram
from sprintlens.render.outputs import RenderOptions, render_outputs
from sprintlens.render.report import report_html

__all__ = [
    "ClipOptions",
    "CompareOptions",
    "KinogramOptions",
    "Layers",
    "RenderOptions",
    "SyncEvent",
    "annotate_frame",
    "render_clip",
    "render_kinogram",
    "render_outputs",
    "report_html",
    "write_comparison",
]
