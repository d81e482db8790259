"""The annotated clip: the original footage with the analysis drawn on it, as H.264 MP4.

Playback: the clip plays ``slow_motion`` times slower than the input plays (1: as the input; 2:
half speed; 4: quarter speed).  By default (``None``, "auto") a clip stored at a high frame rate
that plays in real time (a 240 fps file playing at 240 fps) is slowed down until every frame
shows at about 30 frames/s (8x for 240 fps); a normal 25-30 fps clip, or a phone's slow-motion
file that already plays slowed, plays as it is.  The output frame rate is the rate at which source frames then
arrive, kept between ``min_fps`` and ``max_fps`` by showing each frame a whole number of times
(30 fps at half speed: every frame twice at 30 fps) or by dropping a whole number of frames
(240 fps real time: every fourth frame at 60 fps).  Freeze-frames hold each key position of
every step (toe-off, max thigh separation, touchdown, full support) for ``freeze_s`` seconds,
with a banner naming it.  The schedule is pure data (:func:`playback_plan`), so the frame count of
a clip is known before it is drawn.

Writing goes through :class:`sprintlens.core.video_writer.VideoWriter` (PyAV, libx264, yuv420p), frames upright
as the input shows them; the file appears only when complete.
"""

from __future__ import annotations

import logging
import math
import os
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import numpy as np

from sprintlens.analysis.result import Analysis
from sprintlens.analysis.steps import Step
from sprintlens.capture.video import (
    FrameSpan,
    VideoInfo,
    probe,
    read_frames,
)
from sprintlens.core.errors import OutputError, VideoError
from sprintlens.core.video_writer import VideoWriter
from sprintlens.render import style
from sprintlens.render.annotate import Layers, annotate_frame
from sprintlens.render.frame_state import FrameState, frame_states, panel_corner

log = logging.getLogger(__name__)

#: Key positions of a step, in the order a kinogram shows them, with their names on screen.
KEY_POSITIONS: dict[str, str] = {
    "toeoff": "TOE-OFF",
    "max_separation": "MAX THIGH SEPARATION",
    "touchdown": "TOUCHDOWN",
    "full_support": "FULL SUPPORT",
}


@dataclass(frozen=True)
class ClipOptions:
    """How the annotated clip plays.

    Attributes
    ----------
    slow_motion : float or None
        Play this many times slower than the input plays (1, 2, 4 ...; at least 1); None: auto
        (see :func:`resolve_slow_motion`).
    freeze_s : float
        Seconds of playback to hold each key position (0: no freeze-frames).
    freeze_at : tuple of str
        Which key positions to freeze (keys of :data:`KEY_POSITIONS`).
    hold_s : float
        Seconds of playback a touchdown/toe-off marker and its value stay on screen.
    min_fps, max_fps : float
        Bounds of the output frame rate (frames/s).
    crf : int
        x264 quality (lower is better).
    preset : str
        x264 speed preset.  ``"superfast"`` by default: on the flying sample at 720p it encodes
        about 27 % faster than ``"veryfast"`` at a slightly higher PSNR (43.4 against 42.2 dB
        against a near-lossless encode) for a 41 % larger file (4.4 MB against 3.1 MB).
    layers : Layers
        Which annotation layers to draw.
    """

    slow_motion: float | None = None
    freeze_s: float = 0.0
    freeze_at: tuple[str, ...] = tuple(KEY_POSITIONS)
    hold_s: float = 0.6
    min_fps: float = 24.0
    max_fps: float = 60.0
    crf: int = 21
    preset: str = "superfast"
    layers: Layers = field(default_factory=Layers)

    def __post_init__(self) -> None:
        check_slow_motion(self.slow_motion)
        if not (math.isfinite(self.freeze_s) and 0.0 <= self.freeze_s <= 10.0):
            raise OutputError(f"freeze-frames must last 0-10 s, got {self.freeze_s}")
        unknown = set(self.freeze_at) - set(KEY_POSITIONS)
        if unknown:
            raise OutputError(f"unknown key position(s) {', '.join(sorted(unknown))}; "
                              f"choose from {', '.join(KEY_POSITIONS)}")
        if not (0 < self.min_fps <= self.max_fps):
            raise OutputError(f"bad frame-rate bounds {self.min_fps}..{self.max_fps}")


#: Frame rate (frames/s) at which "auto" slow motion shows every frame of a high-speed clip.
AUTO_SLOW_MOTION_FPS = 30.0


def check_slow_motion(slow_motion: float | None) -> None:
    """Raise :class:`OutputError` unless ``slow_motion`` is None (auto) or between 1 and 64."""
    if slow_motion is not None and not (math.isfinite(slow_motion) and 1.0 <= slow_motion <= 64.0):
        raise OutputError(f"slow motion must be between 1 (as filmed) and 64, got {slow_motion}")


def resolve_slow_motion(slow_motion: float | None, input_fps: float) -> float:
    """Return the slow-motion factor to use.

    As given, or for None (auto) ``input_fps / 30`` when the input plays faster than 30 frames/s
    (every frame then shows at 30 frames/s), else 1.
    """
    if slow_motion is not None:
        return float(slow_motion)
    return max(1.0, input_fps / AUTO_SLOW_MOTION_FPS)


@dataclass(frozen=True)
class PlaybackPlan:
    """Which source frame each output frame shows.

    Attributes
    ----------
    fps : float
        Output frame rate (frames/s).
    rows : ndarray (N,) int
        Track row shown by each output frame.
    banners : tuple of str
        Banner of each output frame ("" for none; freeze-frames name their key position).
    """

    fps: float
    rows: np.ndarray
    banners: tuple[str, ...]

    @property
    def n_frames(self) -> int:
        """Return the number of output frames."""
        return int(self.rows.size)

    def segments(self) -> list[tuple[int, str, int]]:
        """Return the runs of identical output frames: ``(row, banner, count)`` in playback order."""
        out: list[tuple[int, str, int]] = []
        for row, banner in zip(self.rows.tolist(), self.banners):
            if out and out[-1][0] == row and out[-1][1] == banner:
                out[-1] = (row, banner, out[-1][2] + 1)
            else:
                out.append((row, banner, 1))
        return out


def output_fps(source_rate: float, min_fps: float = 24.0, max_fps: float = 60.0) -> tuple[float, int, int]:
    """Choose the output frame rate for source frames arriving at ``source_rate`` per playback second.

    Parameters
    ----------
    source_rate : float
        Source frames per second of playback (frames/s).
    min_fps, max_fps : float
        Bounds of the output frame rate (frames/s): slower sources repeat frames, faster ones
        skip frames.

    Returns
    -------
    (fps, repeat, stride)
        The output frame rate (frames/s); each source frame is shown ``repeat`` times, or every
        ``stride``-th one is shown.
    """
    if source_rate > max_fps:
        stride = math.ceil(source_rate / max_fps - 1e-9)
        return source_rate / stride, 1, stride
    if source_rate < min_fps:
        repeat = math.ceil(min_fps / source_rate - 1e-9)
        return source_rate * repeat, repeat, 1
    return source_rate, 1, 1


def key_rows(steps: Sequence[Step], frame_index: np.ndarray, which: Sequence[str] = tuple(KEY_POSITIONS),
             ) -> dict[int, str]:
    """Find the track rows of the steps' key positions, with banner text (``"TOUCHDOWN L · step 3"``).

    Parameters
    ----------
    steps : sequence of Step
        The steps whose key positions are wanted.
    frame_index : numpy.ndarray
        Video frame index of each track row (T,).
    which : sequence of str
        Keys of :data:`KEY_POSITIONS` to include.

    Returns
    -------
    dict of int to str
        Banner text by track row, in row order; positions falling on one row are joined by " + ".
    """
    rows: dict[int, list[str]] = {}
    lookup = {int(f): k for k, f in enumerate(frame_index)}
    for step in steps:
        for key in which:
            frame = int(getattr(step, f"{key}_frame"))
            if frame in lookup:
                rows.setdefault(lookup[frame], []).append(f"{KEY_POSITIONS[key]} {step.foot[0].upper()}")
    return {row: " + ".join(names) for row, names in sorted(rows.items())}


def playback_plan(t_s: np.ndarray, input_fps: float, capture_fps: float, options: ClipOptions = ClipOptions(),
                  freeze_rows: dict[int, str] | None = None) -> PlaybackPlan:
    """Schedule the output frames of an annotated clip.

    Parameters
    ----------
    t_s : ndarray (T,)
        Real time of each source frame (s), increasing.
    input_fps, capture_fps : float
        The input's playback and real (capture) frame rates (frames/s).
    options : ClipOptions
        Slow motion, freeze length and frame-rate bounds.
    freeze_rows : dict of int to str, optional
        Rows to freeze on, with their banner (:func:`key_rows`).

    Returns
    -------
    PlaybackPlan
        For a constant-rate input of T frames with no freezes: ``T * repeat`` or
        ``ceil(T / stride)`` frames.  Each freeze adds ``round(freeze_s * fps)`` frames just
        before the frozen frame plays.
    """
    t = np.asarray(t_s, dtype=np.float64)
    if t.size == 0:
        raise OutputError("no frames to draw")
    slow = resolve_slow_motion(options.slow_motion, input_fps)
    stretch = (capture_fps / input_fps) * slow  # playback seconds per real second
    play = (t - t[0]) * stretch
    source_rate = input_fps / slow
    fps, _, _ = output_fps(source_rate, options.min_fps, options.max_fps)
    duration = float(play[-1]) + 1.0 / source_rate
    n_out = max(1, math.ceil(duration * fps - 1e-6))  # every output instant within the clip shows a frame
    eps = 1e-6 / fps
    shown = np.searchsorted(play, np.arange(n_out) / fps + eps, side="right") - 1
    shown = np.clip(shown, 0, t.size - 1)
    n_freeze = int(round(options.freeze_s * fps)) if freeze_rows else 0
    pending = sorted((freeze_rows or {}).items()) if n_freeze else []
    rows: list[int] = []
    banners: list[str] = []
    for row in shown.tolist():
        while pending and pending[0][0] <= row:
            key_row, text = pending.pop(0)
            rows.extend([key_row] * n_freeze)
            banners.extend([f"FREEZE · {text}"] * n_freeze)
        rows.append(row)
        banners.append("")
    return PlaybackPlan(fps=float(fps), rows=np.asarray(rows, dtype=np.int64), banners=tuple(banners))


class BackgroundWriter:
    """Feed a :class:`~sprintlens.core.video_writer.VideoWriter` from a worker thread.

    Drawing the next frame then overlaps H.264 encoding of the last (about a third faster on two
    cores).

    Use inside the writer's ``with`` block; an encoding error is raised on the next :meth:`write`
    or on leaving the block, and the writer then discards its file as usual.
    """

    def __init__(self, writer: VideoWriter, depth: int = 8) -> None:
        self.writer = writer
        self.queue: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=max(1, depth))
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="sprintlens-encode", daemon=True)

    def __enter__(self) -> BackgroundWriter:
        self.thread.start()
        return self

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is None:
                try:
                    self.writer.write(item)
                except BaseException as exc:  # handed to the drawing thread, raised there
                    self.error = exc

    def write(self, rgb: np.ndarray) -> None:
        """Queue one frame (the array must not be changed afterwards)."""
        while True:
            if self.error is not None:
                raise self.error
            try:
                self.queue.put(rgb, timeout=0.1)
                return
            except queue.Full:
                continue

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.queue.put(None)  # the worker keeps taking frames (dropping them after an error), so this returns
        self.thread.join()
        if exc_type is None and self.error is not None:
            raise self.error


@dataclass(frozen=True)
class ClipResult:
    """What :func:`render_clip` wrote: path, frames, rate (frames/s), size (w, h), the plan.

    And one annotated frame to show before the clip plays (``poster``, RGB; a touchdown if any).
    """

    path: Path
    n_frames: int
    fps: float
    size: tuple[int, int]
    plan: PlaybackPlan
    poster: np.ndarray | None = None


def poster_row(analysis: Analysis) -> int:
    """Track row of a telling frame: touchdown of the fastest step, else the middle of the clip."""
    steps = [s for s in analysis.steps if np.isfinite(s.step_velocity)] or list(analysis.steps)
    if steps:
        best = max(steps, key=lambda s: s.step_velocity if np.isfinite(s.step_velocity) else -np.inf)
        rows = np.flatnonzero(analysis.track.frame_index == best.touchdown_frame)
        if rows.size:
            return int(rows[0])
    seen = np.flatnonzero(analysis.track.detected)
    return int(seen[seen.size // 2]) if seen.size else analysis.track.n_frames // 2


def source_info(analysis: Analysis, video: str | os.PathLike[str]) -> VideoInfo:
    """Probe ``video`` on the analysis's time axis (its capture rate) and check it fits the track."""
    info = probe(video, capture_fps=analysis.track.fps)
    if (info.width, info.height) != tuple(analysis.track.frame_size):
        raise VideoError(f"{info.path}: frames are {info.width}x{info.height} but the analysis was made on "
                         f"{analysis.track.frame_size[0]}x{analysis.track.frame_size[1]} frames")
    return info


def render_clip(analysis: Analysis, video: str | os.PathLike[str], out_path: str | os.PathLike[str],
                options: ClipOptions = ClipOptions(),
                progress: Callable[[int, int], None] | None = None) -> ClipResult:
    """Draw the analysis on its clip and write an H.264 MP4.

    Parameters
    ----------
    analysis : Analysis
        The rep (from :func:`sprintlens.analysis.pipeline.analyse_track`).
    video : path-like
        The clip the analysis was made from.
    out_path : path-like
        The ``.mp4`` to write (atomically: nothing is left if drawing or encoding fails).
    options : ClipOptions
        Slow motion, freeze-frames, holds, quality.
    progress : callable, optional
        ``progress(done, total)`` after each source frame.

    Returns
    -------
    ClipResult
        The file, its frame count, rate and size, the playback plan and a poster frame.

    Raises
    ------
    VideoError
        If the clip does not match the analysis or cannot be decoded.
    OutputError
        If the file cannot be written or encoding fails.

    Notes
    -----
    Three stages overlap: frames are decoded ahead on a worker thread, drawn on the calling
    thread (cached text sprites, OpenCV lines; a few ms a 720p frame), and converted to yuv420p
    (OpenCV) and H.264-encoded (x264 ``preset``, two threads) on another.
    """
    info = source_info(analysis, video)
    track = analysis.track
    hold_real_s = options.hold_s / ((info.capture_fps / info.fps) * resolve_slow_motion(options.slow_motion, info.fps))
    states = frame_states(analysis, hold_s=hold_real_s)
    corner = panel_corner(analysis.cleaned.smooth.positions_px, track.frame_size)
    freezes = key_rows(analysis.steps, track.frame_index, options.freeze_at) if options.freeze_s > 0 else {}
    plan = playback_plan(track.t_s, info.fps, info.capture_fps, options, freezes)
    # rows never decrease along the plan (a freeze-frame comes just before its own row plays), so
    # each decoded row is drawn once per banner it needs and its runs written straight away
    segments = plan.segments()
    banners_of: dict[int, list[str]] = {}
    for row, banner, _ in segments:
        banners_of.setdefault(row, []).append(banner)
    sizes = style.Sizes.for_frame(info.width, info.height)
    span = FrameSpan(start_frame=int(track.frame_index[0]), end_frame=int(track.frame_index[-1]) + 1)
    row_of = {int(f): k for k, f in enumerate(track.frame_index)}
    total = track.n_frames
    written_rows = 0
    cursor = 0  # next segment to write
    poster_at = poster_row(analysis)
    poster: np.ndarray | None = None

    def draw(state: FrameState, rgb: np.ndarray, banner: str) -> np.ndarray:
        return annotate_frame(rgb, state, direction=analysis.direction.sign, corner=corner, banner=banner,
                              layers=options.layers, sizes=sizes)

    with VideoWriter(out_path, plan.fps, (info.width, info.height), crf=options.crf, preset=options.preset,
                     rgb_to_yuv="opencv") as video, \
            BackgroundWriter(video) as writer:
        for frame in read_frames(info, span):
            row = row_of.get(frame.index)
            if row is None:
                continue
            if frame.rgb.shape[:2] != (info.height, info.width):
                raise VideoError(f"{info.path}: frame {frame.index} is {frame.rgb.shape[1]}x{frame.rgb.shape[0]}, "
                                 f"not {info.width}x{info.height}")
            drawn = {banner: draw(states[row], frame.rgb, banner) for banner in banners_of.get(row, [])}
            if row == poster_at:
                poster = drawn.get("") if "" in drawn else draw(states[row], frame.rgb, "")
            while cursor < len(segments) and segments[cursor][0] == row:
                _, banner, count = segments[cursor]
                for _ in range(count):
                    writer.write(drawn[banner])
                cursor += 1
            written_rows += 1
            if progress is not None:
                progress(written_rows, total)
        if cursor < len(segments):
            raise VideoError(f"{info.path}: decoding ended before frame {int(track.frame_index[segments[cursor][0]])} "
                             "of the analysis (is this the analysed clip?)")
    n_written = video.frames_written
    log.info("annotated clip %s: %d frames at %.3g fps (%d source frames)", out_path, n_written, plan.fps, total)
    return ClipResult(path=Path(out_path), n_frames=n_written, fps=plan.fps, size=(info.width, info.height), plan=plan,
                      poster=poster)
