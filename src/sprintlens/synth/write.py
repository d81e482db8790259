"""Write a rendered clip and its ground truth: ``clip.mp4`` and ``clip.truth.json`` beside it.

:mod:`sprintlens.synth.clip` draws the frames and :mod:`sprintlens.synth.truth` describes them;
this module puts the two on disk, so neither of those imports the other.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

from sprintlens.core.files import file_sha256, write_text
from sprintlens.core.video_writer import VideoWriter
from sprintlens.synth.clip import ClipSpec, prepare, render_frames
from sprintlens.synth.truth import build_truth, dumps_truth

log = logging.getLogger(__name__)


def truth_path_for(video: str | os.PathLike[str]) -> Path:
    """Return where the truth of ``video`` goes: ``clip.mp4`` -> ``clip.truth.json``."""
    video = Path(video)
    return video.with_name(video.stem + ".truth.json")


def render_clip(spec: ClipSpec, video: str | os.PathLike[str], truth: str | os.PathLike[str] | None = None,
                progress: Callable[[int, int], None] | None = None) -> dict:
    """Render ``spec`` to an H.264 MP4 and write its ground truth beside it.

    Parameters
    ----------
    spec : ClipSpec
        The clip.
    video : path-like
        Output ``.mp4``.
    truth : path-like, optional
        Output truth JSON (default: :func:`truth_path_for` ``(video)``).
    progress : callable, optional
        ``progress(done, total)`` after each frame.

    Returns
    -------
    dict
        The truth, as written (and as :func:`~sprintlens.synth.truth.load_truth` reads it).
    """
    prep = prepare(spec)
    video = Path(video)
    r = spec.render
    with VideoWriter(video, r.fps, r.size, crf=r.crf, preset=r.preset, threads=2) as writer:
        for i, frame in enumerate(render_frames(prep)):
            writer.write(frame)
            if progress is not None:
                progress(i + 1, prep.n_frames)
    text = dumps_truth(build_truth(prep, video_name=video.name, video_sha256=file_sha256(video)))
    write_text(truth if truth is not None else truth_path_for(video), text)
    log.info("rendered %s: %d frames", video, prep.n_frames)
    return json.loads(text)
