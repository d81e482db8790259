"""Reps side by side: synchronised video, ghost overlay, aligned angle curves and a metric table.

Synchronisation: every rep is put on a common clock ``tau`` (real seconds) that is 0 at the
frame showing its sync event: first movement of a block start, or the n-th touchdown
(``touchdown:3``).  The output frame at ``tau = 0`` shows each rep's event frame
(:attr:`ComparePlan.event_out`), so the reps line up exactly there and drift apart only as
their timing differs.

Scale: each rep is shown at the same body scale, its leg length (hip-knee-ankle) mapped to the
same number of pixels, in a window that follows the hips along the ground line (the ground
stays level; the athlete stays in view even when crossing the frame).

Ghost: rep B's skeleton is laid over rep A's frames, scaled to A's leg length and moved so its
hip midpoint sits on A's hip midpoint at every moment (mirrored when B runs the other way), so
what differs is posture, not position.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sprintlens.analysis.result import Analysis
from sprintlens.analysis.sync import SyncEvent
from sprintlens.capture.video import Frame, FrameSpan, read_frames
from sprintlens.core.catalogue import BY_NAME
from sprintlens.core.errors import AnalysisError
from sprintlens.core.formatting import (
    display_unit,
    format_change,
    format_percent,
    format_value,
)
from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.series import nan_mean
from sprintlens.core.video_writer import VideoWriter
from sprintlens.render import html, plots, style
from sprintlens.render.annotate import draw_skeleton
from sprintlens.render.clip import (
    BackgroundWriter,
    check_slow_motion,
    output_fps,
    resolve_slow_motion,
    source_info,
)
from sprintlens.render.html import Markup, Section
from sprintlens.render.kinogram import ground_line
from sprintlens.render.text import put_label

log = logging.getLogger(__name__)


def event_row(analysis: Analysis, event: SyncEvent) -> int:
    """Return the track row of the frame that shows the sync event.

    First movement: the first frame at or after its time.  n-th touchdown: the first frame with
    the foot down, counting filmed touchdowns after the front foot left the blocks (for a block
    start), feet alternating (a second contact of the same foot in a row is not counted).

    Raises
    ------
    AnalysisError
        If the rep has no such event.
    """
    t = analysis.t_s
    if event.kind == "first_movement":
        st = analysis.start
        if st is None or not math.isfinite(st.first_movement_s):
            raise AnalysisError("no block start was found in this rep, so it has no first movement; "
                                "sync on a touchdown instead")
        return int(min(np.searchsorted(t, st.first_movement_s - 1e-9), t.size - 1))
    after = -math.inf  # touchdowns after the feet left the blocks (the blocks' own contacts start before)
    if analysis.start is not None:
        for time_s in (analysis.start.front_exit_s, analysis.start.first_movement_s):
            if math.isfinite(time_s):
                after = time_s
                break
    contacts = []
    for c in sorted((c for c in analysis.contacts if c.starts_in_clip and c.touchdown_s > after),
                    key=lambda c: c.touchdown_s):
        # feet alternate: a second contact of the same foot is a fragment of the last one (or the
        # other foot's contact was missed); counting it would shift every later touchdown
        if contacts and contacts[-1].foot == c.foot:
            continue
        contacts.append(c)
    if len(contacts) < event.n:
        raise AnalysisError(f"this rep has {len(contacts)} filmed touchdowns, not {event.n}")
    return int(contacts[event.n - 1].first_frame)


@dataclass(frozen=True)
class CompareOptions:
    """How reps are compared.

    Attributes
    ----------
    event : SyncEvent
        What the reps are aligned on.
    slow_motion : float or None
        Play this many times slower than the first rep's clip plays (at least 1); None: auto
        (:func:`~sprintlens.render.clip.resolve_slow_motion`).
    panel_height_px : int
        Height of each rep's panel in the side-by-side video (px).
    window_legs : (float, float)
        Width and height of each panel's view in leg lengths.
    min_fps, max_fps : float
        Bounds of the output frame rate.
    crf, preset : int, str
        x264 quality and speed.
    """

    event: SyncEvent = field(default_factory=SyncEvent)
    slow_motion: float | None = None
    panel_height_px: int = 640
    window_legs: tuple[float, float] = (2.6, 3.2)
    min_fps: float = 24.0
    max_fps: float = 60.0
    crf: int = 21
    preset: str = "veryfast"

    def __post_init__(self) -> None:
        check_slow_motion(self.slow_motion)


@dataclass(frozen=True)
class ComparePlan:
    """Which frame of each rep every output frame shows.

    Attributes
    ----------
    fps : float
        Output frame rate (frames/s).
    tau_s : ndarray (N,)
        Time from the sync event of every output frame (real seconds).
    rows : ndarray (N, R) int
        Track row of each rep shown by each output frame; -1 before that rep's clip starts
        (its first frame is shown, dimmed) and its last row after it ends.
    event_out : int
        The output frame at ``tau = 0``, showing every rep's event row.
    event_rows : tuple of int
        Each rep's event row.
    """

    fps: float
    tau_s: np.ndarray
    rows: np.ndarray
    event_out: int
    event_rows: tuple[int, ...]

    @property
    def n_frames(self) -> int:
        """Number of output frames."""
        return int(self.tau_s.size)


def compare_plan(analyses: Sequence[Analysis], event_rows: Sequence[int], input_fps: float,
                 options: CompareOptions = CompareOptions()) -> ComparePlan:
    """Schedule a synchronised comparison (pure).

    Parameters
    ----------
    analyses : sequence of Analysis
        The reps (two to four).
    event_rows : sequence of int
        Each rep's event row (:func:`event_row`).
    input_fps : float
        Playback frame rate of the first rep's clip in frames/s (its capture rate over it sets the
        speed).
    options : CompareOptions
        Slow motion and the bounds of the output frame rate.

    Returns
    -------
    ComparePlan
        The output frame rate, and which track row of each rep every output frame shows, from
        the earliest start of any rep to the latest end.
    """
    first = analyses[0].track
    slow = resolve_slow_motion(options.slow_motion, input_fps)
    stretch = (first.fps / input_fps) * slow  # playback seconds per real second
    fps, _, _ = output_fps(input_fps / slow, options.min_fps, options.max_fps)
    rel = [a.t_s - a.t_s[row] for a, row in zip(analyses, event_rows)]
    start = min(float(r[0]) for r in rel)
    end = max(float(r[-1]) for r in rel)
    step = 1.0 / (fps * stretch)  # real seconds per output frame
    j0 = int(math.ceil(-start / step - 1e-9))
    n = j0 + int(math.floor(end / step + 1e-9)) + 1
    tau = (np.arange(n) - j0) * step
    tau[j0] = 0.0
    rows = np.empty((n, len(analyses)), dtype=np.int64)
    for i, r in enumerate(rel):
        eps = min(1e-6, 0.01 * step)
        shown = np.searchsorted(r, tau + eps, side="right") - 1
        rows[:, i] = np.minimum(shown, r.size - 1)
    return ComparePlan(fps=float(fps), tau_s=tau, rows=rows, event_out=j0, event_rows=tuple(int(r) for r in event_rows))


# -- geometry: the window that follows each rep's hips -------------------------------------------

def _fill(values: np.ndarray) -> np.ndarray:
    ok = np.isfinite(values)
    if not ok.any():
        return np.zeros_like(values)
    idx = np.arange(values.size)
    return np.interp(idx, idx[ok], values[ok])


@dataclass(frozen=True)
class View:
    """Affine maps (one per track row) from a rep's frame to its panel: ``panel = scale * (p - origin)``."""

    scale: float
    origin_x: np.ndarray  # (T,) px
    origin_y: float
    size: tuple[int, int]  # panel (w, h)

    def matrix(self, row: int) -> np.ndarray:
        """Return the 2 x 3 affine matrix from the frame at track ``row`` to the panel (for ``cv2.warpAffine``)."""
        s = self.scale
        return np.array([[s, 0.0, -s * self.origin_x[row]], [0.0, s, -s * self.origin_y]])

    def points(self, points_px: np.ndarray, row: int) -> np.ndarray:
        """Return frame points (px, ``(..., 2)``) at track ``row`` mapped into the panel (px)."""
        return (points_px - [self.origin_x[row], self.origin_y]) * self.scale


def rep_view(analysis: Analysis, options: CompareOptions) -> View:
    """Return the panel window of a rep: ``window_legs`` leg lengths, hips centred, the ground line low in it.

    Raises
    ------
    AnalysisError
        If the athlete's leg length cannot be measured.
    """
    leg = float(analysis.scale.leg_px)
    if not (math.isfinite(leg) and leg > 0):
        raise AnalysisError("cannot measure the athlete's legs, so reps cannot be put on one scale")
    w_legs, h_legs = options.window_legs
    ph = int(options.panel_height_px) // 2 * 2
    pw = int(round(ph * w_legs / h_legs)) // 2 * 2
    scale = ph / (h_legs * leg)
    pts = analysis.cleaned.smooth.positions_px
    hip_x = _fill(nan_mean(pts[:, [L.LEFT_HIP, L.RIGHT_HIP], 0].T))
    slope, intercept = ground_line(analysis)
    ground_y = slope * float(np.median(hip_x)) + intercept
    origin_y = ground_y - 0.85 * h_legs * leg  # ground at 85 % of the panel height
    return View(scale=scale, origin_x=hip_x - 0.5 * w_legs * leg, origin_y=float(origin_y), size=(pw, ph))


# -- frames of every rep, streamed in step with the plan --------------------------------------------

class _Frames:
    """Hands out a rep's frame for a track row, decoding forward only (rows never go back)."""

    def __init__(self, analysis: Analysis, video: str | os.PathLike[str]) -> None:
        info = source_info(analysis, video)
        fi = analysis.track.frame_index
        self.frame_index = fi
        self.iter: Iterator[Frame] = read_frames(info, FrameSpan(start_frame=int(fi[0]), end_frame=int(fi[-1]) + 1))
        self.current: Frame | None = None

    def get(self, row: int) -> np.ndarray:
        want = int(self.frame_index[max(row, 0)])
        while self.current is None or self.current.index < want:
            try:
                self.current = next(self.iter)
            except StopIteration:
                break
        if self.current is None:
            raise AnalysisError("the clip has no frames in the analysed range")
        return self.current.rgb


def _fmt_tau(tau: float) -> str:
    return f"t = {tau:+.3f} s"


def _panel(analysis: Analysis, view: View, rgb: np.ndarray, row: int, label: str, colour: style.RGB,
           tau: float, at_event: bool, waiting: bool, event_name: str, ended: bool = False) -> np.ndarray:
    pw, ph = view.size
    r = max(row, 0)
    tile = cv2.warpAffine(rgb, view.matrix(r), (pw, ph), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=(40, 42, 48))
    sizes = style.Sizes.for_frame(pw, ph)
    if waiting or ended:
        tile = (tile * 0.45).astype(np.uint8)
    else:
        pts = analysis.cleaned.smooth.positions_px[r]
        if np.isfinite(pts).any():
            tile = draw_skeleton(tile, view.points(pts, r), near=analysis.near_leg, sizes=sizes)
    put_label(tile, label, (sizes.margin_px, sizes.margin_px), sizes.panel_px, fg=colour)
    put_label(tile, "not started" if waiting else "clip ended" if ended else _fmt_tau(tau),
              (sizes.margin_px, ph - sizes.margin_px),
              sizes.label_px, fg=style.TEXT, anchor="lb")
    if at_event:  # bottom right, level with the time: clear of the athlete
        put_label(tile, event_name.upper(), (pw - sizes.margin_px, ph - sizes.margin_px), sizes.label_px,
                  fg=style.OUTLINE, bg=style.REFERENCE, anchor="rb")
        cv2.rectangle(tile, (1, 1), (pw - 2, ph - 2), style.REFERENCE, max(3, sizes.line_px), cv2.LINE_AA)
    return tile


def grid_shape(n: int) -> tuple[int, int]:
    """Return (columns, rows) of the side-by-side layout: one row for 2-3 reps, 2 x 2 for 4."""
    return (n, 1) if n <= 3 else (2, 2)


@dataclass(frozen=True)
class CompareResult:
    """A comparison video written: path, frame count, frame rate, size (w, h), the plan."""

    path: Path
    n_frames: int
    fps: float
    size: tuple[int, int]
    plan: ComparePlan


def _prepare(analyses: Sequence[Analysis], options: CompareOptions) -> tuple[list[int], list[View]]:
    if not 2 <= len(analyses) <= 4:
        raise AnalysisError(f"compare two to four reps, not {len(analyses)}")
    rows = []
    for i, a in enumerate(analyses):
        try:
            rows.append(event_row(a, options.event))
        except AnalysisError as exc:
            raise AnalysisError(f"rep {i + 1}: {exc}") from None
    return rows, [rep_view(a, options) for a in analyses]


def render_side_by_side(analyses: Sequence[Analysis], videos: Sequence[str | os.PathLike[str]],
                        labels: Sequence[str], out_path: str | os.PathLike[str],
                        options: CompareOptions = CompareOptions(),
                        progress: Callable[[int, int], None] | None = None) -> CompareResult:
    """Write the side-by-side video of two to four reps, synchronised on ``options.event``.

    Each rep gets a panel at the same body scale that follows its hips; a rep not yet started or
    already ended is shown dimmed.

    Parameters
    ----------
    analyses : sequence of Analysis
        The reps (two to four); the first is the reference.
    videos : sequence of path-like
        Each rep's clip, in the same order.
    labels : sequence of str
        Each rep's label, drawn on its panel.
    out_path : path-like
        The video to write (H.264).
    options : CompareOptions
        Sync event, slow motion, panel size and encoding.
    progress : callable or None
        Called as ``progress(done, total)`` after each output frame is written.

    Returns
    -------
    CompareResult
        The video written: path, frame count, frame rate, size and the plan.

    Raises
    ------
    AnalysisError
        Fewer than two or more than four reps, or a rep without the sync event.
    VideoError, OutputError
        A clip that does not match its analysis; a failed encoding (no file is left).
    """
    event_rows, views = _prepare(analyses, options)
    first_info = source_info(analyses[0], videos[0])
    plan = compare_plan(analyses, event_rows, first_info.fps, options)
    cols, nrows = grid_shape(len(analyses))
    pw, ph = views[0].size
    width, height = cols * pw, nrows * ph
    sources = [_Frames(a, v) for a, v in zip(analyses, videos)]
    ends = [float(a.t_s[-1] - a.t_s[r]) for a, r in zip(analyses, event_rows)]
    canvas = np.zeros((height, width, 3), dtype=np.uint8)
    with VideoWriter(out_path, plan.fps, (width, height), crf=options.crf, preset=options.preset) as video, \
            BackgroundWriter(video) as writer:
        for j in range(plan.n_frames):
            for i, (a, view, src) in enumerate(zip(analyses, views, sources)):
                row = int(plan.rows[j, i])
                tile = _panel(a, view, src.get(row), row, labels[i], style.REPS[i % len(style.REPS)],
                              float(plan.tau_s[j]), j == plan.event_out, row < 0, options.event.describe(),
                              ended=float(plan.tau_s[j]) > ends[i] + 0.5 / (plan.fps or 1.0))
                x, y = (i % cols) * pw, (i // cols) * ph
                canvas[y:y + ph, x:x + pw] = tile
            writer.write(canvas.copy())  # the canvas is reused; the encoder thread gets its own frame
            if progress is not None:
                progress(j + 1, plan.n_frames)
    return CompareResult(Path(out_path), plan.n_frames, plan.fps, (width, height), plan)


def ghost_points(base: Analysis, base_row: int, other: Analysis, other_row: int) -> np.ndarray | None:
    """Return ``other``'s pose at ``other_row`` moved onto ``base``'s frame at ``base_row`` (33 x 2 px).

    Scaled by the ratio of leg lengths, mirrored when the two run in opposite directions, and
    shifted so the hip midpoints coincide.

    Parameters
    ----------
    base : Analysis
        The rep whose frame the pose is drawn on.
    base_row : int
        Track row of ``base``.
    other : Analysis
        The rep whose pose is moved.
    other_row : int
        Track row of ``other``.

    Returns
    -------
    numpy.ndarray or None
        The moved landmarks (33 x 2, px in ``base``'s frame); None when either hip midpoint is
        unknown.
    """
    p_other = other.cleaned.smooth.positions_px[other_row]
    p_base = base.cleaned.smooth.positions_px[base_row]
    hip_o = nan_mean(p_other[[L.LEFT_HIP, L.RIGHT_HIP]])
    hip_b = nan_mean(p_base[[L.LEFT_HIP, L.RIGHT_HIP]])
    if not (np.all(np.isfinite(hip_o)) and np.all(np.isfinite(hip_b))):
        return None
    k = float(base.scale.leg_px) / float(other.scale.leg_px)
    rel = (p_other - hip_o) * k
    if base.direction.sign != other.direction.sign:
        rel[:, 0] *= -1
    return hip_b + rel


def render_ghost(analyses: Sequence[Analysis], videos: Sequence[str | os.PathLike[str]], labels: Sequence[str],
                 out_path: str | os.PathLike[str], options: CompareOptions = CompareOptions(),
                 progress: Callable[[int, int], None] | None = None) -> CompareResult:
    """Write the ghost video: rep 1's frames with its skeleton, every other rep's skeleton laid over it.

    Only the part of the timeline where rep 1 is filmed is written.

    Parameters
    ----------
    analyses : sequence of Analysis
        The reps (two to four); the first one's frames are shown.
    videos : sequence of path-like
        Each rep's clip, in the same order (only the first one's is read).
    labels : sequence of str
        Each rep's label, drawn in the corner.
    out_path : path-like
        The video to write (H.264).
    options : CompareOptions
        Sync event, slow motion and encoding.
    progress : callable or None
        Called as ``progress(done, total)`` after each output frame is written.

    Returns
    -------
    CompareResult
        The video written: path, frame count, frame rate, size (rep 1's frame size) and the plan
        of the frames written.

    Raises
    ------
    AnalysisError
        Fewer than two or more than four reps, or a rep without the sync event.
    """
    event_rows, _ = _prepare(analyses, options)
    base = analyses[0]
    info = source_info(base, videos[0])
    plan = compare_plan(analyses, event_rows, info.fps, options)
    base_end = float(base.t_s[-1] - base.t_s[event_rows[0]])
    keep = (plan.rows[:, 0] >= 0) & (plan.tau_s <= base_end + 1e-9)
    sel = np.flatnonzero(keep)
    sub = ComparePlan(fps=plan.fps, tau_s=plan.tau_s[sel], rows=plan.rows[sel],
                      event_out=int(np.searchsorted(sel, plan.event_out)), event_rows=plan.event_rows)
    src = _Frames(base, videos[0])
    sizes = style.Sizes.for_frame(info.width, info.height)
    near = base.near_leg  # (one colour per rep here; near/far only matters for the ordering)
    with VideoWriter(out_path, sub.fps, (info.width, info.height), crf=options.crf, preset=options.preset) as video, \
            BackgroundWriter(video) as writer:
        for j in range(sub.n_frames):
            row = int(sub.rows[j, 0])
            frame = src.get(row)
            frame = draw_skeleton(frame, base.cleaned.smooth.positions_px[row], near=near, sizes=sizes,
                                  colour=style.REPS[0])
            for i in range(1, len(analyses)):
                other_row = int(sub.rows[j, i])
                if other_row < 0:
                    continue
                pts = ghost_points(base, row, analyses[i], other_row)
                if pts is not None:
                    frame = draw_skeleton(frame, pts, sizes=sizes, colour=style.REPS[i % len(style.REPS)], opacity=0.8)
            y = sizes.margin_px
            for i, label in enumerate(labels):
                box = put_label(frame, f"{label}{' (video)' if i == 0 else ' (ghost)'}", (sizes.margin_px, y),
                                sizes.label_px, fg=style.REPS[i % len(style.REPS)])
                y = box[3] + 4
            put_label(frame, _fmt_tau(float(sub.tau_s[j])), (sizes.margin_px, y + 4), sizes.label_px)
            if j == sub.event_out:
                put_label(frame, options.event.describe().upper(), (sizes.margin_px, y + sizes.label_px * 2),
                          sizes.label_px, fg=style.OUTLINE, bg=style.REFERENCE, anchor="lt")
            writer.write(frame)
            if progress is not None:
                progress(j + 1, sub.n_frames)
    return CompareResult(Path(out_path), sub.n_frames, sub.fps, (info.width, info.height), sub)


# -- curves and numbers --------------------------------------------------------------------------------

#: Angle plots of a comparison: title and column pattern (``{near}``: each rep's near leg).
COMPARE_ANGLES: tuple[tuple[str, str], ...] = (
    ("hip", "hip_flexion_{near}_deg"),
    ("knee", "knee_flexion_{near}_deg"),
    ("trunk", "trunk_lean_deg"),
    ("shin", "shin_{near}_deg"),
)


def plot_compare_angles(analyses: Sequence[Analysis], labels: Sequence[str], event_rows: Sequence[int],
                        window_s: tuple[float, float] | None = None) -> tuple[Figure, list[Axes]]:
    """Plot hip, knee, trunk and shin curves of every rep on shared axes, time 0 at the sync event.

    Per-leg angles are each rep's near leg (the better measured one).

    Parameters
    ----------
    analyses : sequence of Analysis
        The reps.
    labels : sequence of str
        Each rep's label (legend).
    event_rows : sequence of int
        Each rep's event row (:func:`event_row`), its time 0.
    window_s : (float, float) or None
        Time window (s, from the sync event) shown; None: from the first to the last moment any
        rep's athlete is seen.

    Returns
    -------
    (Figure, list of Axes)
        The figure and its axes, one per angle (:data:`COMPARE_ANGLES`), top to bottom.
    """
    times = [float(a.t_s[r]) for a, r in zip(analyses, event_rows)]
    if window_s is None:  # from the first to the last moment any rep's athlete is seen
        spans = [plots.seen_span_s(a) for a in analyses]
        window_s = (min(lo - t for (lo, _), t in zip(spans, times)), max(hi - t for (_, hi), t in zip(spans, times)))
    with matplotlib.rc_context(plots.RC):
        fig = plots.new_figure(7.0, 2.3 * len(COMPARE_ANGLES) + 0.5)
        axes = fig.subplots(len(COMPARE_ANGLES), 1, sharex=True, squeeze=False)[:, 0].tolist()
        for ax, (_, pattern) in zip(axes, COMPARE_ANGLES):
            columns = [pattern.format(near=a.near_leg or "left") for a in analyses]
            plots.plot_angle_comparison(analyses, labels, columns, times, ax=ax, window_s=window_s)
            if ax is not axes[-1]:
                ax.set_xlabel("")
    return fig, axes


def _trend(name: str) -> Callable[[Analysis], float]:
    return lambda a: a.summary.trends[name].mean if name in a.summary.trends else float("nan")


#: Metrics of the comparison table (catalogue names) and how to read each from an analysis.
COMPARE_METRICS: tuple[tuple[str, Callable[[Analysis], float]], ...] = (
    ("n_steps", lambda a: float(a.summary.n_steps)),
    ("cadence_spm", lambda a: a.summary.cadence_spm),
    *((name, _trend(name)) for name in ("contact_s", "flight_s", "step_frequency_hz", "step_length")),
    ("top_velocity", lambda a: a.summary.top_velocity),
    ("duty_factor", lambda a: a.summary.duty_factor),
    *((name, _trend(name)) for name in ("touchdown_distance", "hip_extension_toeoff_deg", "trunk_lean_touchdown_deg",
                                        "shin_touchdown_deg", "knee_drive_deg", "max_thigh_separation_deg")),
    ("block_time_s", lambda a: a.summary.block_time_s),
)


@dataclass(frozen=True)
class MetricRow:
    """One metric across reps: values and differences from the first rep.

    Values are in the metric's base unit (s, deg, the reps' distance unit...); ``unit`` is the unit
    they are shown in.
    """

    name: str
    label: str
    unit: str
    values: tuple[float, ...]
    diffs: tuple[float, ...]
    distance_unit: str = "m"
    fps: tuple[float, ...] = ()

    def cells(self) -> list[str]:
        """Return the first rep's value, then each other rep's value with its difference from the first."""
        fps = self.fps or (None,) * len(self.values)
        metric = BY_NAME[self.name]

        def shown(v: float, rate: float | None) -> str:
            return format_value(v, metric, self.distance_unit, rate, degree_sign=True)

        base = self.values[0]
        out = [shown(base, fps[0])]
        for v, d, rate in zip(self.values[1:], self.diffs[1:], fps[1:]):
            # a difference is as coarse as its coarser rep
            coarser = None if rate is None or fps[0] is None else min(fps[0], rate)
            pct = f", {format_percent(100 * d / abs(base))}" if math.isfinite(d) and math.isfinite(base) \
                and abs(base) > 1e-9 and metric.kind not in ("angle", "ratio", "count") else ""
            diff = format_change(d, metric, self.distance_unit, fps=coarser, degree_sign=True)
            out.append(shown(v, rate) + (f" ({diff}{pct})" if math.isfinite(d) else ""))
        return out


def metric_rows(analyses: Sequence[Analysis]) -> list[MetricRow]:
    """Return each metric of :data:`COMPARE_METRICS` per rep with its difference from the first rep.

    Distances use the first rep's unit; when the reps' units differ (metres vs leg lengths),
    distances are not compared (NaN differences).  Metrics missing in every rep are left out.
    """
    units = {a.scale.unit for a in analyses}
    unit = analyses[0].scale.unit
    fps = tuple(float(a.summary.fps) for a in analyses)
    rows = []
    for name, get in COMPARE_METRICS:
        metric = BY_NAME[name]
        values = tuple(float(get(a)) for a in analyses)
        if not any(math.isfinite(v) for v in values):
            continue
        comparable = metric.kind not in ("distance", "speed") or len(units) == 1
        diffs = tuple((v - values[0]) if comparable else float("nan") for v in values)
        rows.append(MetricRow(name, metric.label, display_unit(metric, unit, degree_sign=True), values, diffs, unit,
                              fps))
    return rows


def compare_html(analyses: Sequence[Analysis], labels: Sequence[str], options: CompareOptions,
                 event_rows: Sequence[int], *, angles_png: bytes | None, videos: dict[str, str],
                 names: Sequence[str] = ()) -> str:
    """Return the comparison page: reps and their sync frames, the metric table, videos, angle curves.

    Parameters
    ----------
    analyses : sequence of Analysis
        The reps; the first is the reference of the differences.
    labels : sequence of str
        Each rep's label (column heads, title).
    options : CompareOptions
        The comparison's options (the sync event is named on the page).
    event_rows : sequence of int
        Each rep's event row (:func:`event_row`).
    angles_png : bytes or None
        The angle curves (:func:`plot_compare_angles`) as PNG; None: no angles section.
    videos : dict of str to str
        Caption -> file name (relative to the page) of each comparison video; empty: no videos
        section.
    names : sequence of str
        Each rep's clip name; missing ones are shown as ``-``.

    Returns
    -------
    str
        The self-contained HTML page.
    """
    header = ["metric", *labels]
    table = html.table(header, [[r.label, *r.cells()] for r in metric_rows(analyses)],
                       caption=f"Means over each rep's steps; in brackets the difference from {labels[0]}.")
    reps = html.table(["rep", "clip", "steps", "sync frame", "sync time (s)"], [
        [label, name or "-", a.summary.n_steps, int(a.track.frame_index[r]), f"{float(a.t_s[r]):.3f}"]
        for label, name, a, r in zip(labels, list(names) + [""] * len(labels), analyses, event_rows)])
    sections = [Section("reps", "Reps", Markup(reps + html.paragraphs(
        f"Aligned on {options.event.describe()}: t = 0 is the frame that shows it in every rep.")))]
    sections.append(Section("metrics", "Metrics", table))
    if videos:
        sections.append(Section("videos", "Videos", Markup("".join(html.video(src, caption)
                                                                    for caption, src in videos.items()))))
    if angles_png:
        sections.append(Section("angles", "Angles", html.figure(
            angles_png, f"Near-leg angles of every rep, time from {options.event.describe()}", min_width_px=560)))
    title = "Reps compared: " + " vs ".join(labels)
    return html.page(title, sections, subtitle=f"synchronised on {options.event.describe()}")


#: File names written by :func:`write_comparison`.
COMPARE_FILES = {"side_by_side": "compare.mp4", "ghost": "ghost.mp4", "angles": "compare_angles",
                 "page": "compare.html"}


def write_comparison(analyses: Sequence[Analysis], videos: Sequence[str | os.PathLike[str]],
                     labels: Sequence[str], out_dir: str | os.PathLike[str],
                     options: CompareOptions = CompareOptions(), *, side_by_side: bool = True, ghost: bool = True,
                     names: Sequence[str] = (),
                     progress: Callable[[int, int], None] | None = None) -> dict[str, Path]:
    """Write the comparison outputs into ``out_dir``: videos, angle plots (PNG, SVG), the HTML page.

    Parameters
    ----------
    analyses : sequence of Analysis
        The reps (two to four); the first is the reference.
    videos : sequence of path-like
        Each rep's clip, in the same order.
    labels : sequence of str
        Each rep's label.
    out_dir : path-like
        The folder to write into (made if missing; its parent must exist and be writable).
    options : CompareOptions
        Sync event, slow motion, panel size and encoding.
    side_by_side : bool
        Write the side-by-side video (:func:`render_side_by_side`).
    ghost : bool
        Write the ghost video (:func:`render_ghost`).
    names : sequence of str
        Each rep's clip name, shown on the page.
    progress : callable or None
        Called as ``progress(done, total)`` after each frame of each video is written (it starts
        again from 1 for the second video).

    Returns
    -------
    dict of str to Path
        The files written: ``"angles.<format>"`` per plot format, ``"side_by_side"`` and
        ``"ghost"`` when written, and ``"page"``; names as in :data:`COMPARE_FILES`.

    Raises
    ------
    AnalysisError
        Fewer than two or more than four reps, or a rep without the sync event (before any file
        is made).
    """
    from sprintlens.core.files import ensure_writable_folder

    event_rows, _ = _prepare(analyses, options)  # fail on a missing event before making anything
    out = Path(out_dir)
    if not out.exists():
        ensure_writable_folder(out.parent if str(out.parent) else Path("."))
        out.mkdir()
    written: dict[str, Path] = {}
    fig, _ = plot_compare_angles(analyses, labels, event_rows)
    for fmt, path in plots.save_figure(fig, out / COMPARE_FILES["angles"]).items():
        written[f"angles.{fmt}"] = path
    angles_png = plots.figure_bytes(fig, "png", dpi=110)
    videos_html: dict[str, str] = {}
    if side_by_side:
        res = render_side_by_side(analyses, videos, labels, out / COMPARE_FILES["side_by_side"], options, progress)
        written["side_by_side"] = res.path
        videos_html["Side by side, same scale"] = COMPARE_FILES["side_by_side"]
    if ghost:
        res = render_ghost(analyses, videos, labels, out / COMPARE_FILES["ghost"], options, progress)
        written["ghost"] = res.path
        videos_html[f"Ghost: {', '.join(labels[1:])} over {labels[0]}, hips aligned"] = COMPARE_FILES["ghost"]
    page = compare_html(analyses, labels, options, event_rows, angles_png=angles_png, videos=videos_html, names=names)
    written["page"] = html.write_page(out / COMPARE_FILES["page"], page)
    return written
