"""Kinogram: the athlete at the key positions of a step, cut out side by side, labelled with angles.

The sequence coaches build by hand in Kinovea: toe-off, maximum thigh separation (in flight),
touchdown of the other foot, and full support on it (in time order: at a low frame rate the
thighs can be furthest apart a frame before toe-off).  For step *n* the panels are step *n*'s
toe-off and max separation, then step *n + 1*'s touchdown and full support (the next foot
landing); a rep with a single step shows that step's own four positions in time order.

Each panel is a crop of the video frame around the athlete (the pose's bounding box), all panels
the same size and scale, with the ground line at the same height in every panel: the ground is
fitted through the contact points of the rep (a line, so a tilted camera is followed).  The
background can be dimmed outside a soft mask built from the pose (MediaPipe segmentation is not
run), which makes the athlete stand out as if cut out.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from sprintlens.analysis.result import Analysis
from sprintlens.analysis.steps import Step
from sprintlens.capture.video import FrameSpan, read_frames
from sprintlens.core.errors import AnalysisError, OutputError, VideoError
from sprintlens.core.files import atomic_path
from sprintlens.core.formatting import format_value
from sprintlens.core.landmarks import SKELETON
from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.series import nan_mean
from sprintlens.render import style
from sprintlens.render.annotate import draw_skeleton
from sprintlens.render.clip import source_info
from sprintlens.render.text import blend_patch, panel_patch


@dataclass(frozen=True)
class KinogramPanel:
    """One key position: its name, the step and foot, video frame, track row and labels."""

    key: str
    title: str
    step: int
    foot: str
    frame: int
    row: int
    labels: tuple[str, ...]


def _f(value: float, name: str = "", unit: str = "deg") -> str:
    """Format an angle series' value (whole degrees) or a catalogue metric, as on the frames."""
    return format_value(value, name or "angle", unit, degree_sign=True)


def _row_of(analysis: Analysis, frame: int) -> int:
    rows = np.flatnonzero(analysis.track.frame_index == frame)
    if rows.size == 0:
        raise AnalysisError(f"frame {frame} is not part of the analysis")
    return int(rows[0])


def _labels(analysis: Analysis, key: str, row: int, step: Step) -> tuple[str, ...]:
    a = {name: float(values[row]) for name, values in analysis.angles.items()}
    side, other = step.foot, ("right" if step.foot == "left" else "left")
    if key == "toeoff":
        return (f"hip ext {_f(a[f'hip_extension_{side}_deg'])}", f"knee {_f(a[f'knee_flexion_{side}_deg'])}",
                f"trunk {_f(a['trunk_lean_deg'])}")
    if key == "max_separation":
        return (f"separation {_f(a['thigh_separation_deg'])}",
                f"front thigh {_f(max(a['thigh_left_deg'], a['thigh_right_deg']))}",
                f"trunk {_f(a['trunk_lean_deg'])}")
    if key == "touchdown":
        return (f"shin {_f(a[f'shin_{side}_deg'])}", f"trunk {_f(a['trunk_lean_deg'])}",
                f"foot ahead {_f(step.touchdown_distance, 'touchdown_distance', analysis.scale.unit)}")
    return (f"knee {_f(a[f'knee_flexion_{side}_deg'])}", f"swing knee {_f(a[f'knee_flexion_{other}_deg'])}",
            f"trunk {_f(a['trunk_lean_deg'])}")


_TITLES = {"toeoff": "Toe-off", "max_separation": "Max separation", "touchdown": "Touchdown",
           "full_support": "Full support"}


def default_step(analysis: Analysis) -> int:
    """Return the step a kinogram shows by default: the fastest step that has a next step (1-based)."""
    steps = analysis.steps
    if not steps:
        raise AnalysisError("no complete steps in this rep, so there is no kinogram to draw")
    candidates = steps[:-1] if len(steps) > 1 else steps
    velocities = np.array([s.step_velocity for s in candidates], dtype=float)
    if np.isfinite(velocities).any():
        return candidates[int(np.nanargmax(velocities))].index
    return candidates[len(candidates) // 2].index


def kinogram_panels(analysis: Analysis, step: int | None = None) -> list[KinogramPanel]:
    """Return the four key positions shown for ``step`` (1-based; default :func:`default_step`).

    Raises
    ------
    AnalysisError
        If the rep has no steps, or ``step`` is not one of them.
    """
    steps = {s.index: s for s in analysis.steps}
    n = default_step(analysis) if step is None else int(step)
    if n not in steps:
        raise AnalysisError(f"step {n} does not exist; this rep has steps 1-{len(steps)}" if steps else
                            "no complete steps in this rep, so there is no kinogram to draw")
    this, nxt = steps[n], steps.get(n + 1)
    if nxt is not None and nxt.touchdown_frame >= this.max_separation_frame:
        plan = [("toeoff", this), ("max_separation", this), ("touchdown", nxt), ("full_support", nxt)]
    else:
        plan = sorted([("touchdown", this), ("full_support", this), ("toeoff", this), ("max_separation", this)],
                      key=lambda kv: getattr(kv[1], f"{kv[0]}_frame"))
    # time order: at low frame rates the thighs can be furthest apart a frame before toe-off
    plan.sort(key=lambda kv: getattr(kv[1], f"{kv[0]}_frame"))
    panels = []
    for key, s in plan:
        frame = int(getattr(s, f"{key}_frame"))
        row = _row_of(analysis, frame)
        panels.append(KinogramPanel(key=key, title=f"{_TITLES[key]} {s.foot[0].upper()}", step=s.index, foot=s.foot,
                                    frame=frame, row=row, labels=_labels(analysis, key, row, s)))
    return panels


def ground_line(analysis: Analysis) -> tuple[float, float]:
    """Image ground line ``y = slope * x + intercept`` (px) through the rep's contact points.

    A least-squares line when the contacts spread along x by more than a leg length; else flat
    at their median height.
    """
    pts = np.array([(c.x_px, c.y_px) for c in analysis.contacts if np.isfinite(c.x_px) and np.isfinite(c.y_px)])
    if pts.size == 0:
        feet = analysis.cleaned.smooth.positions_px[:, [L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX,
                                                       L.RIGHT_FOOT_INDEX], 1]
        return 0.0, float(np.nanpercentile(feet, 95)) if np.isfinite(feet).any() else 0.0
    if np.ptp(pts[:, 0]) > analysis.scale.leg_px:
        slope, intercept = np.polyfit(pts[:, 0], pts[:, 1], 1)
        return float(slope), float(intercept)
    return 0.0, float(np.median(pts[:, 1]))


def soft_mask(points_px: np.ndarray, shape: tuple[int, int], width_px: float) -> np.ndarray:
    """Draw a soft 0-1 mask (H x W, float32) around a pose: thick limbs, a filled torso, the head.

    Parameters
    ----------
    points_px : ndarray (33, 2)
        Landmarks in pixels of the image the mask is for.
    shape : (int, int)
        Image height and width.
    width_px : float
        Limb thickness (px); the edge is feathered over about half of it.

    Returns
    -------
    ndarray (H, W)
        The mask, float32: 1 on the pose, 0 away from it.
    """
    mask = np.zeros(shape, dtype=np.uint8)
    t = max(2, int(round(width_px)))
    for a, b in SKELETON:
        pa, pb = points_px[a], points_px[b]
        if np.all(np.isfinite(pa)) and np.all(np.isfinite(pb)):
            cv2.line(mask, tuple(int(v) for v in pa), tuple(int(v) for v in pb), 255, t, cv2.LINE_AA)
    torso = points_px[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.RIGHT_HIP, L.LEFT_HIP]]
    if np.all(np.isfinite(torso)):
        hull = cv2.convexHull(torso.astype(np.int32))
        cv2.fillConvexPoly(mask, hull, 255)
        cv2.polylines(mask, [hull], True, 255, t, cv2.LINE_AA)
    ears = (points_px[L.LEFT_EAR] + points_px[L.RIGHT_EAR]) / 2
    shoulders = (points_px[L.LEFT_SHOULDER] + points_px[L.RIGHT_SHOULDER]) / 2
    if np.all(np.isfinite(ears)) and np.all(np.isfinite(shoulders)):
        r = max(t, int(0.9 * np.linalg.norm(ears - shoulders)))
        cv2.circle(mask, tuple(int(v) for v in ears), r, 255, -1, cv2.LINE_AA)
        cv2.line(mask, tuple(int(v) for v in shoulders), tuple(int(v) for v in ears), 255, t, cv2.LINE_AA)
    k = max(3, int(t) | 1)
    return cv2.GaussianBlur(mask, (k, k), 0).astype(np.float32) / 255.0


@dataclass(frozen=True)
class KinogramOptions:
    """Look of a kinogram.

    Attributes
    ----------
    panel_height_px : int
        Height of each panel's picture (px); width follows the athlete's reach.
    background : {"dim", "keep", "white"}
        Outside the pose mask: dimmed, kept as filmed, or replaced by white.
    skeleton : bool
        Draw the skeleton over the athlete.
    """

    panel_height_px: int = 560
    background: str = "dim"
    skeleton: bool = True


def _read_frames(video: os.PathLike[str] | str, analysis: Analysis, frames: Sequence[int]) -> dict[int, np.ndarray]:
    info = source_info(analysis, video)
    wanted = set(frames)
    got: dict[int, np.ndarray] = {}
    span = FrameSpan(start_frame=min(wanted), end_frame=max(wanted) + 1)
    for frame in read_frames(info, span, prefetch=0):
        if frame.index in wanted:
            got[frame.index] = frame.rgb
    missing = wanted - set(got)
    if missing:
        raise VideoError(f"{info.path}: frames {sorted(missing)} could not be decoded")
    return got


def render_kinogram(analysis: Analysis, video: str | os.PathLike[str], step: int | None = None,
                    options: KinogramOptions = KinogramOptions()) -> np.ndarray:
    """Draw the kinogram of a step as one RGB image (H x W x 3, uint8).

    Parameters
    ----------
    analysis : Analysis
        The rep.
    video : path-like
        Its clip.
    step : int, optional
        1-based step (default: :func:`default_step`).
    options : KinogramOptions
        Panel size, background treatment, skeleton.

    Returns
    -------
    ndarray (H, W, 3)
        The kinogram, RGB uint8: the four key positions side by side, captioned.

    Raises
    ------
    AnalysisError
        No steps, or no such step.
    """
    if options.background not in ("dim", "keep", "white"):
        raise OutputError(f"kinogram background must be dim, keep or white, got {options.background!r}")
    panels = kinogram_panels(analysis, step)
    frames = _read_frames(video, analysis, [p.frame for p in panels])
    return compose_kinogram(analysis, panels, frames, options)


@dataclass(frozen=True)
class KinogramLayout:
    """Where each panel's picture comes from: ``panel = scale * (source - origin)``.

    Attributes
    ----------
    scale : float
        Panel pixels per source pixel (the same for every panel).
    size : (int, int)
        Width and height of every panel's picture (px).
    origins : tuple of (float, float)
        Source pixel at each panel's top-left corner.
    ground_row : int
        Row of the ground line in every panel's picture.
    """

    scale: float
    size: tuple[int, int]
    origins: tuple[tuple[float, float], ...]
    ground_row: int

    def to_panel(self, i: int, points_px: np.ndarray) -> np.ndarray:
        """Map source pixels to pixels of panel ``i``."""
        return (np.asarray(points_px, dtype=float) - self.origins[i]) * self.scale


def kinogram_layout(analysis: Analysis, panels: Sequence[KinogramPanel],
                    options: KinogramOptions = KinogramOptions()) -> KinogramLayout:
    """Crop every panel the same size and scale, centred on the hips, the ground line at the same row.

    The crop spans the widest reach of all panels plus a margin, and from above the highest head to
    a quarter leg below the ground line (:func:`ground_line`, taken under each panel's hips).

    Parameters
    ----------
    analysis : Analysis
        The rep.
    panels : sequence of KinogramPanel
        The key positions shown (:func:`kinogram_panels`).
    options : KinogramOptions
        Panel size (``panel_height_px``), background treatment, skeleton.

    Returns
    -------
    KinogramLayout
        The shared scale and size, each panel's source origin, and the ground line's row.

    Raises
    ------
    AnalysisError
        If the athlete is not seen in a panel's frame.
    """
    pts_all = analysis.cleaned.smooth.positions_px
    slope, intercept = ground_line(analysis)
    leg = float(analysis.scale.leg_px)
    boxes = []
    for p in panels:
        pts = pts_all[p.row]
        ok = np.all(np.isfinite(pts), axis=1)
        if not ok.any():
            raise AnalysisError(f"the athlete is not seen in frame {p.frame}")
        hip_x = float(nan_mean(pts[[L.LEFT_HIP, L.RIGHT_HIP], 0]))
        if not math.isfinite(hip_x):
            hip_x = float(np.mean(pts[ok, 0]))
        ground_y = slope * hip_x + intercept
        boxes.append((hip_x, ground_y, pts[ok]))
    margin = 0.18 * leg
    half_w = max(max(np.max(np.abs(q[:, 0] - hx)) for hx, _, q in boxes) + margin, 0.6 * leg)
    above = max(max(gy - np.min(q[:, 1]) for _, gy, q in boxes) + 1.3 * margin, leg)
    below = 0.25 * leg
    scale = options.panel_height_px / (above + below)
    size = (int(round(2 * half_w * scale)), int(round((above + below) * scale)))
    origins = tuple((hx - half_w, gy - above) for hx, gy, _ in boxes)
    return KinogramLayout(scale=float(scale), size=size, origins=origins, ground_row=int(round(above * scale)))


def compose_kinogram(analysis: Analysis, panels: Sequence[KinogramPanel], frames: dict[int, np.ndarray],
                     options: KinogramOptions = KinogramOptions()) -> np.ndarray:
    """Cut out and lay out the panels (frames by video frame index); pure (no file access).

    Parameters
    ----------
    analysis : Analysis
        The rep.
    panels : sequence of KinogramPanel
        The key positions shown (:func:`kinogram_panels`).
    frames : dict of int to ndarray
        RGB image (H x W x 3, uint8) of each panel's video frame, by video frame index.
    options : KinogramOptions
        Panel size, background treatment, skeleton.

    Returns
    -------
    ndarray (H, W, 3)
        The kinogram, RGB uint8: the panels side by side on white, each captioned.
    """
    layout = kinogram_layout(analysis, panels, options)
    pts_all = analysis.cleaned.smooth.positions_px
    leg = float(analysis.scale.leg_px)
    scale = layout.scale
    out_w, out_h = layout.size
    near = analysis.near_leg
    sizes = style.Sizes.for_frame(out_w * 2, out_w * 2)
    tiles = []
    for i, p in enumerate(panels):
        # affine map: source (x, y) -> panel ((x - x0) * scale, (y - y0) * scale)
        x0, y0 = layout.origins[i]
        m = np.array([[scale, 0.0, -x0 * scale], [0.0, scale, -y0 * scale]])
        src = frames[p.frame]
        tile = cv2.warpAffine(src, m, (out_w, out_h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_CONSTANT,
                              borderValue=(255, 255, 255))
        pts = (pts_all[p.row] - [x0, y0]) * scale
        if options.background != "keep":
            mask = soft_mask(pts, (out_h, out_w), 0.16 * leg * scale)[..., None]
            backdrop = np.full_like(tile, 255) if options.background == "white" else \
                (tile.astype(np.float32) * 0.35 + 255 * 0.65)
            tile = (tile.astype(np.float32) * mask + np.asarray(backdrop, np.float32) * (1 - mask)).astype(np.uint8)
        gy = layout.ground_row
        cv2.line(tile, (0, gy), (out_w - 1, gy), (90, 96, 110), max(1, sizes.line_px // 2), cv2.LINE_AA)
        if options.skeleton:
            tile = draw_skeleton(tile, pts, near=near, sizes=sizes, opacity=0.85)
        tiles.append(tile)

    # captions under each picture: title, then the angles
    title_px = max(16, int(out_w * 0.085))
    text_px = max(13, int(out_w * 0.066))
    gap = max(8, out_w // 30)
    captions = [panel_patch([(p.title, style.OUTLINE, title_px), *((line, (60, 66, 80), text_px) for line in p.labels)],
                            bg=(238, 241, 245), bg_alpha=1.0, pad_px=max(6, title_px // 2),
                            gap_px=max(2, text_px // 5), min_width_px=out_w)
                for p in panels]
    cap_h = max(c.shape[0] for c in captions)
    width = len(tiles) * out_w + (len(tiles) + 1) * gap
    height = out_h + cap_h + 3 * gap
    sheet = np.full((height, width, 3), 255, dtype=np.uint8)
    for i, (tile, cap) in enumerate(zip(tiles, captions)):
        x = gap + i * (out_w + gap)
        sheet[gap:gap + out_h, x:x + out_w] = tile
        blend_patch(sheet, np.ascontiguousarray(cap[:, :out_w]), x, 2 * gap + out_h)
    return sheet


def write_image(path: str | os.PathLike[str], rgb: np.ndarray) -> None:
    """Write an RGB image as PNG or JPEG (by suffix), atomically."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    ok, data = cv2.imencode(suffix if suffix in (".png", ".jpg", ".jpeg") else ".png",
                            cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    if not ok:
        raise OutputError(f"{path}: cannot encode the image")
    with atomic_path(path) as tmp:
        tmp.write_bytes(data.tobytes())


def encode_image(rgb: np.ndarray, fmt: str = "png", jpeg_quality: int = 88) -> bytes:
    """Encode an RGB image as PNG or JPEG bytes (for embedding in a page; JPEG is far smaller for photos).

    Parameters
    ----------
    rgb : numpy.ndarray
        The image (H x W x 3, uint8, RGB).
    fmt : str
        ``"png"``, ``"jpg"`` or ``"jpeg"`` (any format OpenCV encodes).
    jpeg_quality : int
        JPEG quality (0-100); unused for PNG.

    Returns
    -------
    bytes
        The encoded image.
    """
    params = [cv2.IMWRITE_JPEG_QUALITY, int(jpeg_quality)] if fmt in ("jpg", "jpeg") else []
    ok, data = cv2.imencode(f".{fmt}", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), params)
    if not ok:
        raise OutputError(f"cannot encode the image as {fmt}")
    return data.tobytes()
