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
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from sprintlens.core.landmarks import SKELETON
from sprintlens.core.landmarks import Landmark as L
from sprintlens.render import style
from sprintlens.render.frame_state import Callout, EventMarker, FrameState, PanelRow
from sprintlens.render.text import Box, blend_patch, label_patch, panel_patch, put_label

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
    if outline > 0:
        cv2.line(out, _ipt(a), _ipt(b), style.OUTLINE, thickness + 2 * outline, cv2.LINE_AA)
    cv2.line(out, _ipt(a), _ipt(b), colour, thickness, cv2.LINE_AA)


def _dashed(out: np.ndarray, a: np.ndarray, b: np.ndarray, colour: style.RGB, thickness: int, dash_px: float) -> None:
    a, b = np.asarray(a, float), np.asarray(b, float)
    length = float(np.linalg.norm(b - a))
    if not math.isfinite(length) or length < 1:
        return
    n = max(1, int(length // (2 * dash_px)))
    for i in range(n + 1):
        s0 = min(1.0, (2 * i) * dash_px / length)
        s1 = min(1.0, (2 * i + 1) * dash_px / length)
        if s1 > s0:
            p0, p1 = a + (b - a) * s0, a + (b - a) * s1
            cv2.line(out, _ipt(p0), _ipt(p1), style.OUTLINE, thickness + 2, cv2.LINE_AA)
            cv2.line(out, _ipt(p0), _ipt(p1), colour, thickness, cv2.LINE_AA)


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
    """Filled translucent wedge and outline from direction ``v_from`` to ``v_to``; returns the unit bisector."""
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


def _overlaps(box: Box, boxes: Sequence[Box]) -> bool:
    return any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes)


def _place_label(out: np.ndarray, text: str, anchor_pt: np.ndarray, direction: np.ndarray, size_px: int,
                 fg: style.RGB, placed: list[Box]) -> None:
    """Put a label beyond ``anchor_pt`` along ``direction``, stepping outwards past labels already placed."""
    patch = label_patch(text, size_px, fg, style.PANEL)
    h, w = patch.shape[:2]
    d = direction / (np.linalg.norm(direction) or 1.0)
    for step in range(6):
        c = anchor_pt + d * (step * 0.9 * h + 0.6 * max(w, h))
        x, y = int(round(c[0] - w / 2)), int(round(c[1] - h / 2))
        x = min(max(0, x), max(0, out.shape[1] - w))
        y = min(max(0, y), max(0, out.shape[0] - h))
        box = (x, y, x + w, y + h)
        if not _overlaps(box, placed):
            break
    placed.append(blend_patch(out, patch, x, y))


@dataclass(frozen=True)
class Layers:
    """Which annotation layers :func:`annotate_frame` draws (all by default)."""

    skeleton: bool = True
    joint_angles: bool = True
    verticals: bool = True
    markers: bool = True
    panel: bool = True


# -- the annotators (frame in, frame out) ---------------------------------------------------------

def draw_skeleton(frame: np.ndarray, points_px: np.ndarray | None, *, near: str | None = None,
                  sizes: style.Sizes | None = None, colour: style.RGB | None = None,
                  opacity: float = 1.0) -> np.ndarray:
    """The skeleton of one pose (33 landmarks, px): far leg behind, then body and arms, near leg on top.

    Parameters
    ----------
    frame : ndarray (H, W, 3) uint8
        RGB frame (not modified).
    points_px : ndarray (33, 2) or None
        Landmarks in pixels of this frame; NaN points and None are skipped.
    near : str, optional
        Leg nearer the camera (orange); the other is blue.
    colour : RGB, optional
        Draw everything in one colour (a ghost skeleton).
    opacity : float
        Below 1 the skeleton is blended translucently.
    """
    out = frame.copy()
    if points_px is None:
        return out
    sizes = sizes or style.Sizes.for_frame(frame.shape[1], frame.shape[0])
    target = out if opacity >= 1.0 else out.copy()
    legs = style.leg_colours(near)
    far = "right" if (near or "left") == "left" else "left"
    order = {far: 0, None: 1, (near or "left"): 2}
    edges = sorted(((a, b) for a, b in SKELETON if not ({a, b} & _FACE)),
                   key=lambda e: order.get(_side_of_edge(*e) if _is_leg(*e) else None, 1))
    p = points_px
    for a, b in edges:
        if not _ok(p[a], p[b]):
            continue
        side = _side_of_edge(a, b)
        if colour is not None:
            c = colour
        elif _is_leg(a, b) and side:
            c = legs[side]
        else:
            c = style.BODY if side in (None, near or "left") else style.MUTED
        _line(target, p[a], p[b], c, sizes.line_px, sizes.outline_px)
    # head: neck from the shoulder midpoint towards the ears, and a ring round the ears' midpoint
    shoulders = (p[L.LEFT_SHOULDER] + p[L.RIGHT_SHOULDER]) / 2
    ears = (p[L.LEFT_EAR] + p[L.RIGHT_EAR]) / 2
    if _ok(shoulders, ears):
        head_r = max(4, int(0.45 * float(np.linalg.norm(ears - shoulders))))
        neck_end = shoulders + (ears - shoulders) * 0.55
        _line(target, shoulders, neck_end, colour or style.BODY, sizes.line_px, sizes.outline_px)
        cv2.circle(target, _ipt(ears), head_r, style.OUTLINE, sizes.line_px + 2 * sizes.outline_px, cv2.LINE_AA)
        cv2.circle(target, _ipt(ears), head_r, colour or style.BODY, sizes.line_px, cv2.LINE_AA)
    for side in (far, near or "left"):
        for lm in _JOINTS[side]:
            if _ok(p[lm]):
                c = colour or (legs[side] if lm.name.split("_", 1)[1] in ("HIP", "KNEE", "ANKLE", "HEEL", "FOOT_INDEX")
                               else style.BODY)
                cv2.circle(target, _ipt(p[lm]), sizes.joint_px + sizes.outline_px, style.OUTLINE, -1, cv2.LINE_AA)
                cv2.circle(target, _ipt(p[lm]), sizes.joint_px, c, -1, cv2.LINE_AA)
    if target is not out:
        cv2.addWeighted(target, opacity, out, 1.0 - opacity, 0.0, dst=out)
    return out


def _hip_label(value: float) -> str:
    if not math.isfinite(value):
        return "-"
    return f"{value:.0f}°" if value >= 0 else f"ext {-value:.0f}°"


def draw_joint_angles(frame: np.ndarray, points_px: np.ndarray | None, angles: dict[str, float], *,
                      near: str | None = None, sides: Sequence[str] = ("left", "right"), direction: int = 1,
                      sizes: style.Sizes | None = None, occupied: list[Box] | None = None) -> np.ndarray:
    """Angle arcs with their values at the hip and knee of each leg.

    Hip: from the trunk line continued below the hip to the thigh, valued by
    ``hip_flexion_{side}_deg`` (written "ext 8°" when the hip is extended); the label sits behind
    the hip.  Knee: from the thigh continued below the knee to the shin, valued by
    ``knee_flexion_{side}_deg`` (0 = straight); the label sits in front of the knee
    (``direction``: +1 running to the right, -1 to the left).  Labels step outwards past each
    other and past the boxes in ``occupied`` (labels already drawn), to which theirs are added.
    """
    out = frame.copy()
    if points_px is None:
        return out
    sizes = sizes or style.Sizes.for_frame(frame.shape[1], frame.shape[0])
    p = points_px
    legs = style.leg_colours(near)
    shoulders = (p[L.LEFT_SHOULDER] + p[L.RIGHT_SHOULDER]) / 2
    hips = (p[L.LEFT_HIP] + p[L.RIGHT_HIP]) / 2
    placed: list[Box] = occupied if occupied is not None else []
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
    return out


def draw_verticals(frame: np.ndarray, points_px: np.ndarray | None, angles: dict[str, float], *,
                   direction: int, shin_side: str | None = None, sizes: style.Sizes | None = None,
                   occupied: list[Box] | None = None) -> np.ndarray:
    """Trunk (hip midpoint to shoulder midpoint) and one shin (ankle to knee) against the vertical.

    A dashed vertical goes up from the hip midpoint and from the ankle; an arc joins it to the
    segment, labelled ``trunk 7°`` / ``shin 12°`` (``trunk_lean_deg``, ``shin_{side}_deg``; +
    forward).  Labels sit behind the vertical (``direction``: +1 running to the right), moved
    down past any box in ``occupied`` (labels already drawn), to which theirs are added.
    """
    out = frame.copy()
    if points_px is None:
        return out
    sizes = sizes or style.Sizes.for_frame(frame.shape[1], frame.shape[0])
    p = points_px
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
        patch = label_patch(text, sizes.label_px, style.REFERENCE, style.PANEL)
        ph, pw = patch.shape[:2]
        x = int(round(at[0] + gap - (pw if behind == "r" else 0)))
        y = int(round(at[1] - ph / 2))
        boxes = occupied if occupied is not None else []
        for _ in range(6):
            x = min(max(0, x), max(0, out.shape[1] - pw))
            y = min(max(0, y), max(0, out.shape[0] - ph))
            if not _overlaps((x, y, x + pw, y + ph), boxes):
                break
            y += int(ph * 1.1)  # step down (the shin label's top neighbour is the knee label)
        boxes.append(blend_patch(out, patch, x, y))
    return out


def draw_contacts(frame: np.ndarray, points_px: np.ndarray | None, stance: Sequence[str], *,
                  near: str | None = None, sizes: style.Sizes | None = None) -> np.ndarray:
    """A green bar under each foot that is on the ground (heel to toe, just below the lower one)."""
    out = frame.copy()
    if points_px is None:
        return out
    sizes = sizes or style.Sizes.for_frame(frame.shape[1], frame.shape[0])
    for side in stance:
        heel, toe = points_px[L[f"{side.upper()}_HEEL"]], points_px[L[f"{side.upper()}_FOOT_INDEX"]]
        if not _ok(heel, toe):
            continue
        y = max(heel[1], toe[1]) + sizes.joint_px + sizes.line_px
        a, b = np.array([heel[0], y]), np.array([toe[0], y])
        _line(out, a, b, style.TOUCHDOWN, sizes.line_px + 2, sizes.outline_px)
    return out


def draw_event_markers(frame: np.ndarray, markers: Sequence[EventMarker], *,
                       sizes: style.Sizes | None = None) -> np.ndarray:
    """Touchdown (green ring, ``TD``) and toe-off (pink ring, ``TO``) markers, fading with age."""
    out = frame.copy()
    sizes = sizes or style.Sizes.for_frame(frame.shape[1], frame.shape[0])
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
        put_label(out, "TD" if m.kind == "touchdown" else "TO", (m.x_px, m.y_px + r + 2), int(sizes.label_px * 0.7),
                  fg=style.OUTLINE, bg=colour, anchor="ct", opacity=m.fade)
    return out


def draw_panel(frame: np.ndarray, step: int, n_steps: int, rows: Sequence[PanelRow], *, note: str = "",
               callouts: Sequence[Callout] = (), banner: str = "", corner: str = "tl",
               sizes: style.Sizes | None = None) -> np.ndarray:
    """The metrics panel in a corner: step counter and live metrics; then the banner and the
    values held after events, stacked below it (above it in a bottom corner) in a portrait frame,
    in a column beside it in a landscape frame."""
    out = frame.copy()
    sizes = sizes or style.Sizes.for_frame(frame.shape[1], frame.shape[0])
    big, small = sizes.panel_px, int(round(sizes.panel_px * 0.78))
    lines = [(f"Step {step if step else '-'} / {n_steps}", style.TEXT, big)]
    lines += [(f"{r.label:<10} {r.value}", style.TEXT, small) for r in rows]
    if note:
        lines.append((note, style.MUTED, int(round(sizes.panel_px * 0.55))))
    patch = panel_patch(lines, pad_px=max(6, sizes.panel_px // 3), gap_px=max(2, sizes.panel_px // 8))
    items: list[tuple[np.ndarray, float]] = [(patch, 1.0)]
    if banner:
        items.append((label_patch(banner, sizes.panel_px, style.OUTLINE, style.REFERENCE, 0.95), 1.0))
    for c in callouts:
        items.append((label_patch(c.text, int(round(sizes.panel_px * 0.72)), c.colour, style.PANEL, 0.8), c.fade))
    m = sizes.margin_px
    h, w = out.shape[:2]
    gap = max(3, sizes.panel_px // 6)
    bottom = corner.startswith("b")
    right = corner.endswith("r")
    # portrait: everything stacked under (over) the panel; landscape: the banner and held values
    # in a column beside the panel, so they stay in the corner's band of the frame
    column_x = None
    if w > h and len(items) > 1:
        pw0 = items[0][0].shape[1]
        column_x = (w - m - pw0 - gap) if right else (m + pw0 + gap)
    y = h - m if bottom else m
    for i, (patch_i, opacity) in enumerate(items):
        ph, pw = patch_i.shape[:2]
        if column_x is not None and i == 1:
            y = h - m if bottom else m
        if column_x is not None and i >= 1:
            x = column_x - pw if right else column_x
        else:
            x = w - m - pw if right else m
        top = y - ph if bottom else y
        blend_patch(out, patch_i, x, top, opacity)
        y = top - gap if bottom else top + ph + gap
    return out


def annotate_frame(frame: np.ndarray, state: FrameState, *, direction: int, corner: str = "tl",
                   banner: str = "", layers: Layers = Layers(), sizes: style.Sizes | None = None) -> np.ndarray:
    """Every layer for one frame (see the module docstring); returns a new frame."""
    sizes = sizes or style.Sizes.for_frame(frame.shape[1], frame.shape[0])
    out = frame
    labels: list[Box] = []  # joint-angle labels first, then the verticals' labels avoid them
    if layers.markers:
        out = draw_contacts(out, state.points_px, state.stance, near=state.near, sizes=sizes)
    if layers.skeleton:
        out = draw_skeleton(out, state.points_px, near=state.near, sizes=sizes)
    if layers.joint_angles:
        out = draw_joint_angles(out, state.points_px, state.angles, near=state.near, direction=direction, sizes=sizes,
                                occupied=labels)
    if layers.verticals:
        out = draw_verticals(out, state.points_px, state.angles, direction=direction, shin_side=state.shin_side,
                             sizes=sizes, occupied=labels)
    if layers.markers:
        out = draw_event_markers(out, state.markers, sizes=sizes)
    if layers.panel:
        out = draw_panel(out, state.step, state.n_steps, state.panel, note=state.note, callouts=state.callouts,
                         banner=banner, corner=corner, sizes=sizes)
    return out if out is not frame else frame.copy()
