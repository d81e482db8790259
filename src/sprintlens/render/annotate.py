"""Annotators: frame in, frame out.

Each public ``draw_*`` function takes an RGB frame (H x W x 3, uint8) and what to draw, and returns
a new annotated frame; the input is never modified.  :func:`annotate_frame` stacks them all for
one :class:`~sprintlens.render.frame_state.FrameState`.

What is drawn (colours from :mod:`sprintlens.render.style`):

- the skeleton: near leg orange, far leg blue (drawn behind), trunk, arms and head white, all
  with a dark outline so they read on any background;
- angle arcs with live values at the hips (hip flexion: thigh against the trunk line continued
  down; "ext" when extended) and knees (knee flexion: 0 = straight);
- the trunk and the shin of the leg on the ground (or about to land) against the vertical;
- touchdown (green) and toe-off (pink) markers, fading over the hold, and a bar under each
  foot while it is on the ground;
- a panel: step counter, last contact time, last step frequency, live velocity; below it the
  values held after each event and any banner (freeze-frames).

Speed: text and panels are laid out once per distinct content into RGBA sprites (cached, with
their alpha and premultiplied colour ready as float32) and blended only over the pixels they
cover; lines, arcs and dots are OpenCV calls on the frame; :func:`annotate_frame` copies the
frame once and every layer draws into that copy.  A 720p frame takes a few milliseconds.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from sprintlens.core.landmarks import SKELETON
from sprintlens.core.landmarks import Landmark as L
from sprintlens.render import style
from sprintlens.render.frame_state import Callout, EventMarker, FrameState, PanelRow
from sprintlens.render.text import Box, label_patch, panel_patch

Point = tuple[float, float]

_FACE = {L.NOSE, L.LEFT_EAR, L.RIGHT_EAR}
_JOINTS = {
    side: tuple(L[f"{side.upper()}_{p}"] for p in ("SHOULDER", "ELBOW", "WRIST", "HIP", "KNEE", "ANKLE", "HEEL",
                                                   "FOOT_INDEX"))
    for side in ("left", "right")
}


def _side_of_edge(a: L, b: L) -> str | None:
    names = a.name + b.name
    if "LEFT" in names and "RIGHT" not in names:
        return "left"
    if "RIGHT" in names and "LEFT" not in names:
        return "right"
    return None


def _is_leg(a: L, b: L) -> bool:
    return all(any(p in lm.name for p in ("HIP", "KNEE", "ANKLE", "HEEL", "FOOT")) for lm in (a, b)) and \
        not (("HIP" in a.name) and ("HIP" in b.name))


def _ok(*points: np.ndarray) -> bool:
    return all(p is not None and bool(np.all(np.isfinite(p))) for p in points)


def _ipt(p: np.ndarray | Point) -> tuple[int, int]:
    return int(round(float(p[0]))), int(round(float(p[1])))


def _line(out: np.ndarray, a: np.ndarray, b: np.ndarray, colour: style.RGB, thickness: int, outline: int) -> None:
    pa, pb = _ipt(a), _ipt(b)
    if outline > 0:
        cv2.line(out, pa, pb, style.OUTLINE, thickness + 2 * outline, cv2.LINE_AA)
    cv2.line(out, pa, pb, colour, thickness, cv2.LINE_AA)


def _dashed(out: np.ndarray, a: np.ndarray, b: np.ndarray, colour: style.RGB, thickness: int, dash_px: float) -> None:
    """Draw a dashed, outlined line: every dash's outline in one OpenCV call, then every dash."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    length = float(np.linalg.norm(b - a))
    if not math.isfinite(length) or length < 1:
        return
    n = max(1, int(length // (2 * dash_px)))
    i = np.arange(n + 1, dtype=np.float64)
    s0 = np.minimum(1.0, (2 * i) * dash_px / length)
    s1 = np.minimum(1.0, (2 * i + 1) * dash_px / length)
    keep = s1 > s0
    if not keep.any():
        return
    ends = a + (b - a) * np.stack([s0[keep], s1[keep]], axis=1)[..., None]  # (dashes, 2 ends, xy)
    dashes = list(np.rint(ends).astype(np.int32))
    cv2.polylines(out, dashes, False, style.OUTLINE, thickness + 2, cv2.LINE_AA)
    cv2.polylines(out, dashes, False, colour, thickness, cv2.LINE_AA)


def _blend_draw(out: np.ndarray, centre: np.ndarray, radius: float, alpha: float, draw) -> None:  # noqa: ANN001
    """Draw translucently: ``draw(roi_copy, offset)`` on a copy of the region, blended back at ``alpha``."""
    r = int(math.ceil(radius)) + 4
    cx, cy = _ipt(centre)
    h, w = out.shape[:2]
    x0, y0, x1, y1 = max(0, cx - r), max(0, cy - r), min(w, cx + r + 1), min(h, cy + r + 1)
    if x1 <= x0 or y1 <= y0:
        return
    roi = out[y0:y1, x0:x1]
    layer = roi.copy()
    draw(layer, (x0, y0))
    cv2.addWeighted(layer, alpha, roi, 1.0 - alpha, 0.0, dst=roi)


def _arc(out: np.ndarray, centre: np.ndarray, v_from: np.ndarray, v_to: np.ndarray, radius: float,
         colour: style.RGB, thickness: int, fill_alpha: float = 0.35) -> np.ndarray:
    """Draw a filled translucent wedge and outline from direction ``v_from`` to ``v_to``; return the unit bisector."""
    a0 = math.degrees(math.atan2(v_from[1], v_from[0]))
    a1 = math.degrees(math.atan2(v_to[1], v_to[0]))
    d = (a1 - a0 + 540.0) % 360.0 - 180.0
    start, end = (a0, a0 + d) if d >= 0 else (a0 + d, a0)
    r = max(4, int(round(radius)))

    def wedge(layer: np.ndarray, offset: tuple[int, int]) -> None:
        c = (_ipt(centre)[0] - offset[0], _ipt(centre)[1] - offset[1])
        cv2.ellipse(layer, c, (r, r), 0.0, start, end, colour, -1, cv2.LINE_AA)

    _blend_draw(out, centre, r, fill_alpha, wedge)
    cv2.ellipse(out, _ipt(centre), (r, r), 0.0, start, end, style.OUTLINE, thickness + 2, cv2.LINE_AA)
    cv2.ellipse(out, _ipt(centre), (r, r), 0.0, start, end, colour, thickness, cv2.LINE_AA)
    mid = math.radians(a0 + d / 2)
    return np.array([math.cos(mid), math.sin(mid)])


@dataclass(frozen=True, eq=False)
class _Sprite:
    """An RGBA overlay made once, kept ready to blend: its alpha and its colour times alpha (float32)."""

    patch: np.ndarray  # (H, W, 4) uint8
    alpha: np.ndarray  # (H, W, 1) float32, 0-1
    premultiplied: np.ndarray  # (H, W, 3) float32, colour * alpha

    @classmethod
    def of(cls, patch: np.ndarray) -> _Sprite:
        # the same float32 arithmetic as text.blend_patch, so a sprite gives the same pixels
        alpha = patch[..., 3:4].astype(np.float32) * (1.0 / 255.0)
        return cls(patch=patch, alpha=alpha, premultiplied=patch[..., :3].astype(np.float32) * alpha)

    @property
    def size(self) -> tuple[int, int]:
        return int(self.patch.shape[1]), int(self.patch.shape[0])


# Sprites take 20 bytes a pixel: a few hundred labels (angles in whole degrees, per colour) and the
# last few panels (consecutive frames and freeze-frames share theirs) stay within some tens of MB.
@functools.lru_cache(maxsize=512)
def _label_sprite(text: str, size_px: int, fg: style.RGB, bg: style.RGB | None, bg_alpha: float = 0.72) -> _Sprite:
    return _Sprite.of(label_patch(text, size_px, fg, bg, bg_alpha))


@functools.lru_cache(maxsize=16)
def _panel_sprite(rows: tuple[tuple[str, style.RGB, int], ...], pad_px: int, gap_px: int) -> _Sprite:
    return _Sprite.of(panel_patch(rows, pad_px=pad_px, gap_px=gap_px))


def _blend(frame: np.ndarray, sprite: _Sprite, x: int, y: int, opacity: float = 1.0) -> Box:
    """Alpha-blend ``sprite`` into ``frame`` (in place) at top-left (x, y), clipped; the box covered.

    Gives the pixels :func:`sprintlens.render.text.blend_patch` gives, without converting the
    sprite each time.
    """
    w, h = sprite.size
    fh, fw = frame.shape[:2]
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(fw, x + w), min(fh, y + h)
    if x1 <= x0 or y1 <= y0 or opacity <= 0:
        return (x0, y0, x0, y0)
    sy, sx = slice(y0 - y, y1 - y), slice(x0 - x, x1 - x)
    roi = frame[y0:y1, x0:x1]
    if opacity >= 1.0:
        alpha, colour = sprite.alpha[sy, sx], sprite.premultiplied[sy, sx]
    else:
        sub = sprite.patch[sy, sx]
        alpha = sub[..., 3:4].astype(np.float32) * (float(opacity) / 255.0)
        colour = sub[..., :3].astype(np.float32) * alpha
    mixed = roi.astype(np.float32)
    mixed *= 1.0 - alpha
    mixed += colour
    mixed += 0.5
    roi[:] = mixed.astype(np.uint8)
    return (x0, y0, x1, y1)


def _overlaps(box: Box, boxes: Sequence[Box]) -> bool:
    return any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes)


def _place_label(out: np.ndarray, text: str, anchor_pt: np.ndarray, direction: np.ndarray, size_px: int,
                 fg: style.RGB, placed: list[Box]) -> None:
    """Put a label beyond ``anchor_pt`` along ``direction``, stepping outwards past labels already placed."""
    sprite = _label_sprite(text, size_px, fg, style.PANEL)
    w, h = sprite.size
    d = direction / (np.linalg.norm(direction) or 1.0)
    for step in range(6):
        c = anchor_pt + d * (step * 0.9 * h + 0.6 * max(w, h))
        x, y = int(round(c[0] - w / 2)), int(round(c[1] - h / 2))
        x = min(max(0, x), max(0, out.shape[1] - w))
        y = min(max(0, y), max(0, out.shape[0] - h))
        box = (x, y, x + w, y + h)
        if not _overlaps(box, placed):
            break
    placed.append(_blend(out, sprite, x, y))


@dataclass(frozen=True)
class Layers:
    """Which annotation layers :func:`annotate_frame` draws (all by default)."""

    skeleton: bool = True
    joint_angles: bool = True
    verticals: bool = True
    markers: bool = True
    panel: bool = True


# -- the annotators (frame in, frame out) ---------------------------------------------------------

_Plan = tuple[tuple[tuple[int, int, style.RGB], ...], tuple[tuple[int, style.RGB], ...]]


@functools.lru_cache(maxsize=8)
def _skeleton_plan(near: str | None) -> _Plan:
    """List the edges and joints of a skeleton whose near leg is ``near``, with their colours.

    Edges ``(a, b, colour)`` come in drawing order (far leg, body and arms, near leg), then the
    joints ``(landmark, colour)``.
    """
    legs = style.leg_colours(near)
    far = "right" if (near or "left") == "left" else "left"
    order = {far: 0, None: 1, (near or "left"): 2}
    edges = sorted(((a, b) for a, b in SKELETON if not ({a, b} & _FACE)),
                   key=lambda e: order.get(_side_of_edge(*e) if _is_leg(*e) else None, 1))
    plan = []
    for a, b in edges:
        side = _side_of_edge(a, b)
        if _is_leg(a, b) and side:
            c = legs[side]
        else:
            c = style.BODY if side in (None, near or "left") else style.MUTED
        plan.append((int(a), int(b), c))
    joints = []
    for side in (far, near or "left"):
        for lm in _JOINTS[side]:
            leg = lm.name.split("_", 1)[1] in ("HIP", "KNEE", "ANKLE", "HEEL", "FOOT_INDEX")
            joints.append((int(lm), legs[side] if leg else style.BODY))
    return tuple(plan), tuple(joints)


def _pixel_points(points_px: np.ndarray) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Round each landmark to whole pixels (as :func:`_ipt` rounds); also say which ones are finite."""
    finite = np.isfinite(points_px).all(axis=1)
    rounded = np.rint(np.where(finite[:, None], points_px, 0.0)).astype(np.int64)
    return [(x, y) for x, y in rounded.tolist()], finite


def _skeleton_into(out: np.ndarray, points_px: np.ndarray, near: str | None, sizes: style.Sizes,
                   colour: style.RGB | None = None, opacity: float = 1.0) -> None:
    """Draw the skeleton into ``out`` (in place); see :func:`draw_skeleton`."""
    p = points_px
    ip, finite = _pixel_points(p)
    plan, joints = _skeleton_plan(near)
    shoulders = (p[L.LEFT_SHOULDER] + p[L.RIGHT_SHOULDER]) / 2
    ears = (p[L.LEFT_EAR] + p[L.RIGHT_EAR]) / 2
    head = _ok(shoulders, ears)
    head_r = max(4, int(0.45 * float(np.linalg.norm(ears - shoulders)))) if head else 0
    target, x0, y0 = out, 0, 0
    if opacity < 1.0:
        # translucent: draw on a copy of the pose's box only and blend that box back
        if not finite.any():
            return
        reach = max(head_r, sizes.joint_px + sizes.outline_px) + sizes.line_px + 2 * sizes.outline_px + 4
        lo = np.floor(p[finite].min(axis=0)).astype(int) - reach
        hi = np.ceil(p[finite].max(axis=0)).astype(int) + reach + 1
        h, w = out.shape[:2]
        x0, y0 = max(0, int(lo[0])), max(0, int(lo[1]))
        x1, y1 = min(w, int(hi[0])), min(h, int(hi[1]))
        if x1 <= x0 or y1 <= y0:
            return
        target = out[y0:y1, x0:x1].copy()
        ip = [(x - x0, y - y0) for x, y in ip]
    line, ring = sizes.line_px, sizes.line_px + 2 * sizes.outline_px
    for a, b, c in plan:
        if finite[a] and finite[b]:
            cv2.line(target, ip[a], ip[b], style.OUTLINE, ring, cv2.LINE_AA)
            cv2.line(target, ip[a], ip[b], colour or c, line, cv2.LINE_AA)
    # head: neck from the shoulder midpoint towards the ears, and a ring round the ears' midpoint
    if head:
        shift = np.array([x0, y0], dtype=np.float64)
        neck_end = shoulders + (ears - shoulders) * 0.55
        _line(target, shoulders - shift, neck_end - shift, colour or style.BODY, line, sizes.outline_px)
        centre = _ipt(ears - shift)
        cv2.circle(target, centre, head_r, style.OUTLINE, ring, cv2.LINE_AA)
        cv2.circle(target, centre, head_r, colour or style.BODY, line, cv2.LINE_AA)
    dot, rim = sizes.joint_px, sizes.joint_px + sizes.outline_px
    for lm, c in joints:
        if finite[lm]:
            cv2.circle(target, ip[lm], rim, style.OUTLINE, -1, cv2.LINE_AA)
            cv2.circle(target, ip[lm], dot, colour or c, -1, cv2.LINE_AA)
    if target is not out:
        roi = out[y0:y0 + target.shape[0], x0:x0 + target.shape[1]]
        cv2.addWeighted(target, opacity, roi, 1.0 - opacity, 0.0, dst=roi)


def draw_skeleton(frame: np.ndarray, points_px: np.ndarray | None, *, near: str | None = None,
                  sizes: style.Sizes | None = None, colour: style.RGB | None = None,
                  opacity: float = 1.0) -> np.ndarray:
    """Draw the skeleton of one pose (33 landmarks, px): far leg behind, then body and arms, near leg on top.

    Parameters
    ----------
    frame : ndarray (H, W, 3) uint8
        RGB frame (not modified).
    points_px : ndarray (33, 2) or None
        Landmarks in pixels of this frame; NaN points and None are skipped.
    near : str, optional
        Leg nearer the camera (orange); the other is blue.
    sizes : Sizes, optional
        Line, dot and outline sizes (px); by default scaled to the frame.
    colour : RGB, optional
        Draw everything in one colour (a ghost skeleton).
    opacity : float
        Below 1 the skeleton is blended translucently.

    Returns
    -------
    ndarray (H, W, 3) uint8
        A new frame with the skeleton drawn on it.
    """
    out = frame.copy()
    if points_px is None:
        return out
    sizes = sizes or style.Sizes.for_frame(frame.shape[1], frame.shape[0])
    _skeleton_into(out, points_px, near, sizes, colour, opacity)
    return out


def _hip_label(value: float) -> str:
    if not math.isfinite(value):
        return "-"
    return f"{value:.0f}°" if value >= 0 else f"ext {-value:.0f}°"


def _joint_angles_into(out: np.ndarray, p: np.ndarray, angles: dict[str, float], near: str | None,
                       sides: Sequence[str], direction: int, sizes: style.Sizes, placed: list[Box]) -> None:
    """Draw the hip and knee arcs and labels into ``out`` (in place); see :func:`draw_joint_angles`."""
    legs = style.leg_colours(near)
    shoulders = (p[L.LEFT_SHOULDER] + p[L.RIGHT_SHOULDER]) / 2
    hips = (p[L.LEFT_HIP] + p[L.RIGHT_HIP]) / 2
    thin = max(2, sizes.line_px // 2)
    far = "right" if (near or "left") == "left" else "left"
    for side in sorted(sides, key=lambda s: 0 if s == far else 1):
        hip, knee, ankle = (p[L[f"{side.upper()}_{j}"]] for j in ("HIP", "KNEE", "ANKLE"))
        colour = legs[side]
        if _ok(hip, knee, shoulders, hips):
            trunk_down = hips - shoulders
            thigh = knee - hip
            r = 0.3 * float(np.linalg.norm(thigh))
            if r > 3 and np.linalg.norm(trunk_down) > 1:
                ref_end = hip + trunk_down / np.linalg.norm(trunk_down) * r * 1.5
                _dashed(out, hip, ref_end, colour, thin, max(3.0, r / 6))
                _arc(out, hip, trunk_down, thigh, r, colour, thin)
                back = np.array([-float(direction), 0.25])
                _place_label(out, _hip_label(angles.get(f"hip_flexion_{side}_deg", float("nan"))),
                             hip + back * r * 0.5, back, sizes.label_px, colour, placed)
        if _ok(hip, knee, ankle):
            thigh = knee - hip
            shin = ankle - knee
            r = 0.3 * float(np.linalg.norm(shin))
            if r > 3:
                ref_end = knee + thigh / (np.linalg.norm(thigh) or 1.0) * r * 1.5
                _dashed(out, knee, ref_end, colour, thin, max(3.0, r / 6))
                _arc(out, knee, thigh, shin, r, colour, thin)
                value = angles.get(f"knee_flexion_{side}_deg", float("nan"))
                front = np.array([float(direction), -0.15])
                _place_label(out, "-" if not math.isfinite(value) else f"{value:.0f}°", knee + front * r * 0.5, front,
                             sizes.label_px, colour, placed)


def draw_joint_angles(frame: np.ndarray, points_px: np.ndarray | None, angles: dict[str, float], *,
                      near: str | None = None, sides: Sequence[str] = ("left", "right"), direction: int = 1,
                      sizes: style.Sizes | None = None, occupied: list[Box] | None = None) -> np.ndarray:
    """Draw angle arcs with their values at the hip and knee of each leg.

    Hip: from the trunk line continued below the hip to the thigh, valued by
    ``hip_flexion_{side}_deg`` (written "ext 8°" when the hip is extended); the label sits behind
    the hip.  Knee: from the thigh continued below the knee to the shin, valued by
    ``knee_flexion_{side}_deg`` (0 = straight); the label sits in front of the knee.  Labels step
    outwards past each other and past the boxes in ``occupied``, to which theirs are added.

    Parameters
    ----------
    frame : ndarray (H, W, 3) uint8
        RGB frame (not modified).
    points_px : ndarray (33, 2) or None
        Landmarks in pixels of this frame; None draws nothing.
    angles : dict of str to float
        Angle values (deg) by column name; NaN or missing is written "-".
    near : str, optional
        Leg nearer the camera (orange); the other is blue.
    sides : sequence of str
        Legs to draw (``"left"``, ``"right"``).
    direction : int
        +1 running to the right, -1 to the left.
    sizes : Sizes, optional
        Line and font sizes (px); by default scaled to the frame.
    occupied : list of Box, optional
        Boxes (px) of labels already drawn; this call's labels are appended.

    Returns
    -------
    ndarray (H, W, 3) uint8
        A new frame with the arcs and labels drawn on it.
    """
    out = frame.copy()
    if points_px is None:
        return out
    sizes = sizes or style.Sizes.for_frame(frame.shape[1], frame.shape[0])
    _joint_angles_into(out, points_px, angles, near, sides, direction, sizes,
                       occupied if occupied is not None else [])
    return out


def _verticals_into(out: np.ndarray, p: np.ndarray, angles: dict[str, float], direction: int,
                    shin_side: str | None, sizes: style.Sizes, boxes: list[Box]) -> None:
    """Draw the trunk and shin against the vertical into ``out`` (in place); see :func:`draw_verticals`."""
    up = np.array([0.0, -1.0])
    thin = max(2, sizes.line_px // 2)
    behind = "r" if direction > 0 else "l"
    segments = [("trunk", (p[L.LEFT_HIP] + p[L.RIGHT_HIP]) / 2, (p[L.LEFT_SHOULDER] + p[L.RIGHT_SHOULDER]) / 2,
                 angles.get("trunk_lean_deg", float("nan")))]
    if shin_side in ("left", "right"):
        segments.append(("shin", p[L[f"{shin_side.upper()}_ANKLE"]], p[L[f"{shin_side.upper()}_KNEE"]],
                         angles.get(f"shin_{shin_side}_deg", float("nan"))))
    for name, base, tip, value in segments:
        if not _ok(base, tip):
            continue
        length = float(np.linalg.norm(tip - base))
        if length < 4:
            continue
        top = base + up * length
        _dashed(out, base, top, style.REFERENCE, thin, max(3.0, length / 16))
        _line(out, base, tip, style.REFERENCE, sizes.line_px, sizes.outline_px)
        _arc(out, base, up, tip - base, 0.4 * length, style.REFERENCE, thin, fill_alpha=0.25)
        text = f"{name} {value:.0f}°" if math.isfinite(value) else f"{name} -"
        gap = sizes.label_px * 0.4 * (1 if behind == "l" else -1)
        # trunk: beside the top of the vertical; shin: beside its middle (the knee label sits at its top)
        at = top if name == "trunk" else (base + top) / 2
        sprite = _label_sprite(text, sizes.label_px, style.REFERENCE, style.PANEL)
        pw, ph = sprite.size
        x = int(round(at[0] + gap - (pw if behind == "r" else 0)))
        y = int(round(at[1] - ph / 2))
        for _ in range(6):
            x = min(max(0, x), max(0, out.shape[1] - pw))
            y = min(max(0, y), max(0, out.shape[0] - ph))
            if not _overlaps((x, y, x + pw, y + ph), boxes):
                break
            y += int(ph * 1.1)  # step down (the shin label's top neighbour is the knee label)
        boxes.append(_blend(out, sprite, x, y))


def draw_verticals(frame: np.ndarray, points_px: np.ndarray | None, angles: dict[str, float], *,
                   direction: int, shin_side: str | None = None, sizes: style.Sizes | None = None,
                   occupied: list[Box] | None = None) -> np.ndarray:
    """Draw the trunk (hip midpoint to shoulder midpoint) and one shin (ankle to knee) against the vertical.

    A dashed vertical goes up from the hip midpoint and from the ankle; an arc joins it to the
    segment, labelled ``trunk 7°`` / ``shin 12°`` (``trunk_lean_deg``, ``shin_{side}_deg``; +
    forward).  Labels sit behind the vertical, moved down past any box in ``occupied``, to which
    theirs are added.

    Parameters
    ----------
    frame : ndarray (H, W, 3) uint8
        RGB frame (not modified).
    points_px : ndarray (33, 2) or None
        Landmarks in pixels of this frame; None draws nothing.
    angles : dict of str to float
        Angle values (deg) by column name; NaN or missing is written "-".
    direction : int
        +1 running to the right, -1 to the left.
    shin_side : str, optional
        Leg whose shin is drawn; None: the trunk only.
    sizes : Sizes, optional
        Line and font sizes (px); by default scaled to the frame.
    occupied : list of Box, optional
        Boxes (px) of labels already drawn; this call's labels are appended.

    Returns
    -------
    ndarray (H, W, 3) uint8
        A new frame with the verticals drawn on it.
    """
    out = frame.copy()
    if points_px is None:
        return out
    sizes = sizes or style.Sizes.for_frame(frame.shape[1], frame.shape[0])
    _verticals_into(out, points_px, angles, direction, shin_side, sizes, occupied if occupied is not None else [])
    return out


def _contacts_into(out: np.ndarray, points_px: np.ndarray, stance: Sequence[str], sizes: style.Sizes) -> None:
    for side in stance:
        heel, toe = points_px[L[f"{side.upper()}_HEEL"]], points_px[L[f"{side.upper()}_FOOT_INDEX"]]
        if not _ok(heel, toe):
            continue
        y = max(heel[1], toe[1]) + sizes.joint_px + sizes.line_px
        a, b = np.array([heel[0], y]), np.array([toe[0], y])
        _line(out, a, b, style.TOUCHDOWN, sizes.line_px + 2, sizes.outline_px)


def draw_contacts(frame: np.ndarray, points_px: np.ndarray | None, stance: Sequence[str], *,
                  near: str | None = None, sizes: style.Sizes | None = None) -> np.ndarray:
    """Draw a green bar under each foot that is on the ground (heel to toe, just below the lower one).

    Parameters
    ----------
    frame : ndarray (H, W, 3) uint8
        RGB frame (not modified).
    points_px : ndarray (33, 2) or None
        Landmarks in pixels of this frame; None draws nothing.
    stance : sequence of str
        Feet on the ground (``"left"``, ``"right"``).
    near : str, optional
        Leg nearer the camera (unused; kept for a uniform call).
    sizes : Sizes, optional
        Line sizes (px); by default scaled to the frame.

    Returns
    -------
    ndarray (H, W, 3) uint8
        A new frame with the bars drawn on it.
    """
    out = frame.copy()
    if points_px is None:
        return out
    _contacts_into(out, points_px, stance, sizes or style.Sizes.for_frame(frame.shape[1], frame.shape[0]))
    return out


def _event_markers_into(out: np.ndarray, markers: Sequence[EventMarker], sizes: style.Sizes) -> None:
    fh, fw = out.shape[:2]
    for m in markers:
        if not (math.isfinite(m.x_px) and math.isfinite(m.y_px)) or m.fade <= 0:
            continue
        colour = style.TOUCHDOWN if m.kind == "touchdown" else style.TOEOFF
        r = int(round(sizes.label_px * 0.7))
        centre = np.array([m.x_px, m.y_px])

        def ring(layer: np.ndarray, offset: tuple[int, int], colour: style.RGB = colour) -> None:
            c = (_ipt(centre)[0] - offset[0], _ipt(centre)[1] - offset[1])
            cv2.circle(layer, c, r, style.OUTLINE, sizes.line_px + 2 * sizes.outline_px, cv2.LINE_AA)
            cv2.circle(layer, c, r, colour, sizes.line_px, cv2.LINE_AA)

        _blend_draw(out, centre, r + sizes.line_px + 2, m.fade, ring)
        # the label's top centre just under the ring, kept inside the frame
        sprite = _label_sprite("TD" if m.kind == "touchdown" else "TO", int(sizes.label_px * 0.7), style.OUTLINE,
                               colour)
        w, h = sprite.size
        x = min(max(0, int(round(m.x_px - 0.5 * w))), max(0, fw - w))
        y = min(max(0, int(round(m.y_px + r + 2))), max(0, fh - h))
        _blend(out, sprite, x, y, m.fade)


def draw_event_markers(frame: np.ndarray, markers: Sequence[EventMarker], *,
                       sizes: style.Sizes | None = None) -> np.ndarray:
    """Draw touchdown (green ring, ``TD``) and toe-off (pink ring, ``TO``) markers, fading with age.

    Parameters
    ----------
    frame : ndarray (H, W, 3) uint8
        RGB frame (not modified).
    markers : sequence of EventMarker
        Markers on screen (position in px, fade).
    sizes : Sizes, optional
        Ring and font sizes (px); by default scaled to the frame.

    Returns
    -------
    ndarray (H, W, 3) uint8
        A new frame with the markers drawn on it.
    """
    out = frame.copy()
    _event_markers_into(out, markers, sizes or style.Sizes.for_frame(frame.shape[1], frame.shape[0]))
    return out


def _panel_into(out: np.ndarray, step: int, n_steps: int, rows: Sequence[PanelRow], note: str,
                callouts: Sequence[Callout], banner: str, corner: str, sizes: style.Sizes) -> None:
    big, small = sizes.panel_px, int(round(sizes.panel_px * 0.78))
    lines = [(f"Step {step if step else '-'} / {n_steps}", style.TEXT, big)]
    lines += [(f"{r.label:<10} {r.value}", style.TEXT, small) for r in rows]
    if note:
        lines.append((note, style.MUTED, int(round(sizes.panel_px * 0.55))))
    panel = _panel_sprite(tuple(lines), max(6, sizes.panel_px // 3), max(2, sizes.panel_px // 8))
    items: list[tuple[_Sprite, float]] = [(panel, 1.0)]
    if banner:
        items.append((_label_sprite(banner, sizes.panel_px, style.OUTLINE, style.REFERENCE, 0.95), 1.0))
    for c in callouts:
        items.append((_label_sprite(c.text, int(round(sizes.panel_px * 0.72)), c.colour, style.PANEL, 0.8), c.fade))
    m = sizes.margin_px
    h, w = out.shape[:2]
    gap = max(3, sizes.panel_px // 6)
    bottom = corner.startswith("b")
    right = corner.endswith("r")
    # portrait: everything stacked under (over) the panel; landscape: the banner and held values
    # in a column beside the panel, so they stay in the corner's band of the frame
    column_x = None
    if w > h and len(items) > 1:
        pw0 = items[0][0].size[0]
        column_x = (w - m - pw0 - gap) if right else (m + pw0 + gap)
    y = h - m if bottom else m
    for i, (sprite, opacity) in enumerate(items):
        pw, ph = sprite.size
        if column_x is not None and i == 1:
            y = h - m if bottom else m
        if column_x is not None and i >= 1:
            x = column_x - pw if right else column_x
        else:
            x = w - m - pw if right else m
        top = y - ph if bottom else y
        _blend(out, sprite, x, top, opacity)
        y = top - gap if bottom else top + ph + gap


def draw_panel(frame: np.ndarray, step: int, n_steps: int, rows: Sequence[PanelRow], *, note: str = "",
               callouts: Sequence[Callout] = (), banner: str = "", corner: str = "tl",
               sizes: style.Sizes | None = None) -> np.ndarray:
    """Draw the metrics panel in a corner, with the banner and held values beside or under it.

    The panel holds the step counter and live metrics; the banner and the values held after
    events are stacked below it (above it in a bottom corner) in a portrait frame, and in a
    column beside it in a landscape frame.  Each distinct panel is laid out once and cached.

    Parameters
    ----------
    frame : ndarray (H, W, 3) uint8
        RGB frame (not modified).
    step : int
        Steps started so far (0 is written "-").
    n_steps : int
        Steps in the rep.
    rows : sequence of PanelRow
        Live metrics (label, formatted value).
    note : str
        Small print under the metrics.
    callouts : sequence of Callout
        Values held after events, drawn at their fade.
    banner : str
        Banner text (freeze-frames); "" for none.
    corner : str
        ``"tl"``, ``"tr"``, ``"bl"`` or ``"br"``.
    sizes : Sizes, optional
        Font sizes and margin (px); by default scaled to the frame.

    Returns
    -------
    ndarray (H, W, 3) uint8
        A new frame with the panel drawn on it.
    """
    out = frame.copy()
    _panel_into(out, step, n_steps, rows, note, callouts, banner, corner,
                sizes or style.Sizes.for_frame(frame.shape[1], frame.shape[0]))
    return out


def annotate_frame(frame: np.ndarray, state: FrameState, *, direction: int, corner: str = "tl",
                   banner: str = "", layers: Layers = Layers(), sizes: style.Sizes | None = None) -> np.ndarray:
    """Draw every layer for one frame (see the module docstring) on a copy of it.

    Parameters
    ----------
    frame : ndarray (H, W, 3) uint8
        RGB frame (not modified).
    state : FrameState
        What to draw (:func:`sprintlens.render.frame_state.frame_states`).
    direction : int
        +1 running to the right, -1 to the left.
    corner : str
        Corner of the panel (``"tl"``, ``"tr"``, ``"bl"``, ``"br"``).
    banner : str
        Banner text (freeze-frames); "" for none.
    layers : Layers
        Which layers to draw.
    sizes : Sizes, optional
        Pixel sizes; by default scaled to the frame.

    Returns
    -------
    ndarray (H, W, 3) uint8
        A new annotated frame; the frame is copied once and every layer draws into the copy.
    """
    sizes = sizes or style.Sizes.for_frame(frame.shape[1], frame.shape[0])
    out = frame.copy()
    p = state.points_px
    labels: list[Box] = []  # joint-angle labels first, then the verticals' labels avoid them
    if p is not None:
        if layers.markers:
            _contacts_into(out, p, state.stance, sizes)
        if layers.skeleton:
            _skeleton_into(out, p, state.near, sizes)
        if layers.joint_angles:
            _joint_angles_into(out, p, state.angles, state.near, ("left", "right"), direction, sizes, labels)
        if layers.verticals:
            _verticals_into(out, p, state.angles, direction, state.shin_side, sizes, labels)
    if layers.markers:
        _event_markers_into(out, state.markers, sizes)
    if layers.panel:
        _panel_into(out, state.step, state.n_steps, state.panel, state.note, state.callouts, banner, corner, sizes)
    return out
