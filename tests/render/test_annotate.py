"""Annotators: frame in, frame out; pixels land where the pose says, in the colours promised."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from sprintlens.core.landmarks import Landmark as L
from sprintlens.render import style
from sprintlens.render.annotate import (
    _arc,
    _blend,
    _Sprite,
    annotate_frame,
    draw_contacts,
    draw_event_markers,
    draw_joint_angles,
    draw_panel,
    draw_skeleton,
    draw_verticals,
)
from sprintlens.render.frame_state import (
    Callout,
    EventMarker,
    FrameState,
    PanelRow,
    panel_corner,
)
from sprintlens.render.text import blend_patch, label_patch, panel_patch

from .synthetic import puppet_positions

SIZE = (640, 480)


def _pose() -> np.ndarray:
    return puppet_positions(10, SIZE)[9]  # legs apart (a quarter stride in)


def _close(pixel: np.ndarray, colour: tuple[int, int, int], tol: int = 12) -> bool:
    return bool(np.all(np.abs(pixel.astype(int) - np.array(colour)) <= tol))


def _blank() -> np.ndarray:
    return np.zeros((SIZE[1], SIZE[0], 3), dtype=np.uint8)


def test_skeleton_colours_each_leg_at_its_segments_and_leaves_the_input_alone():
    frame = _blank()
    pose = _pose()
    out = draw_skeleton(frame, pose, near="left")
    assert out is not frame and out.shape == frame.shape and not frame.any()  # pure
    for side, colour in (("LEFT", style.NEAR_LEG), ("RIGHT", style.FAR_LEG)):
        for a, b in (("HIP", "KNEE"), ("KNEE", "ANKLE")):
            # a point 40 % along the segment (clear of the joint dots)
            p = pose[L[f"{side}_{a}"]] * 0.6 + pose[L[f"{side}_{b}"]] * 0.4
            x, y = int(round(p[0])), int(round(p[1]))
            near_pixels = out[y - 1:y + 2, x - 1:x + 2].reshape(-1, 3)
            assert any(_close(px, colour) for px in near_pixels), (side, a, b, near_pixels)


def test_skeleton_draws_nothing_far_from_the_pose():
    pose = _pose()
    out = draw_skeleton(_blank(), pose, near="left")
    ys, xs = np.nonzero(out.any(axis=2))
    ok = np.isfinite(pose).all(axis=1)
    lo, hi = pose[ok].min(axis=0), pose[ok].max(axis=0)
    reach = 40  # head ring, joint dots and line thickness
    assert xs.min() >= lo[0] - reach and xs.max() <= hi[0] + reach
    assert ys.min() >= lo[1] - reach and ys.max() <= hi[1] + reach


def test_missing_pose_draws_nothing():
    frame = np.full((100, 120, 3), 77, dtype=np.uint8)
    assert np.array_equal(draw_skeleton(frame, None), frame)
    assert np.array_equal(draw_joint_angles(frame, None, {}), frame)
    nan_pose = np.full((33, 2), np.nan)
    assert np.array_equal(draw_skeleton(frame, nan_pose), frame)


def test_arc_fills_the_wedge_between_the_two_directions():
    out = _blank()
    centre = np.array([320.0, 240.0])
    # from straight down (image +y) to straight right (+x): a 90 degree wedge in the lower right
    bisector = _arc(out, centre, np.array([0.0, 1.0]), np.array([1.0, 0.0]), 60, style.NEAR_LEG, 2)
    assert bisector == pytest.approx([math.sqrt(0.5), math.sqrt(0.5)])
    inside = (centre + 30 * bisector).astype(int)
    outside = (centre - 30 * bisector).astype(int)
    assert out[inside[1], inside[0]].any()
    assert not out[outside[1], outside[0]].any()


def test_trunk_reference_is_vertical_from_the_hip_midpoint():
    pose = _pose()
    out = draw_verticals(_blank(), pose, {"trunk_lean_deg": 10.0}, direction=1)
    hips = (pose[L.LEFT_HIP] + pose[L.RIGHT_HIP]) / 2
    shoulders = (pose[L.LEFT_SHOULDER] + pose[L.RIGHT_SHOULDER]) / 2
    length = np.linalg.norm(shoulders - hips)
    x = int(round(hips[0]))
    column = out[int(hips[1] - 0.9 * length):int(hips[1] - 0.5 * length), x]
    assert sum(_close(px, style.REFERENCE, 30) for px in column) >= 3  # dashes of the vertical


def test_panel_goes_in_the_chosen_corner():
    rows = (PanelRow("contact", "104 ms"), PanelRow("step freq", "4.50 Hz"), PanelRow("velocity", "9.8 m/s"))
    for corner, (ys, xs) in {"tl": (slice(0, 60), slice(0, 100)), "br": (slice(-60, None), slice(-100, None))}.items():
        out = draw_panel(_blank(), 3, 20, rows, corner=corner)
        assert out[ys, xs].any(), corner
        other = draw_panel(_blank(), 3, 20, rows, corner="tl" if corner == "br" else "br")
        assert not other[ys, xs].any(), corner


def test_panel_corner_avoids_the_athlete():
    points = np.full((10, 33, 2), np.nan)
    points[:, :, 0] = 50.0  # the athlete stands at the left edge, top to bottom
    points[:, :, 1] = np.linspace(10, 470, 33)
    assert panel_corner(points, SIZE) in ("tr", "br")


def test_annotate_frame_is_pure_and_keeps_size():
    frame = np.full((SIZE[1], SIZE[0], 3), 30, dtype=np.uint8)
    state = FrameState(row=0, index=0, t_s=0.0, points_px=_pose(), angles={"trunk_lean_deg": 5.0}, near="left",
                       stance=("left",), shin_side="left", step=1, n_steps=4,
                       panel=(PanelRow("contact", "-"),))
    out = annotate_frame(frame, state, direction=1)
    assert out.shape == frame.shape and out.dtype == np.uint8
    assert np.all(frame == 30) and (out != 30).any()


# -- cached overlays give the pixels drawing directly gives ---------------------------------------

def _textured(seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (SIZE[1], SIZE[0], 3), dtype=np.uint8)


@pytest.mark.parametrize("opacity", [1.0, 0.55])
@pytest.mark.parametrize("xy", [(40, 30), (-12, -7), (SIZE[0] - 30, SIZE[1] - 10)])  # inside, and clipped
def test_a_cached_text_sprite_blends_exactly_like_its_patch(opacity, xy):
    patch = label_patch("knee 47°", 24, style.NEAR_LEG, style.PANEL)
    expected = _textured()
    box = blend_patch(expected, patch, *xy, opacity)
    out = _textured()
    assert _blend(out, _Sprite.of(patch), *xy, opacity) == box
    assert np.array_equal(out, expected)


def test_the_cached_panel_matches_the_panel_laid_out_directly():
    rows = (PanelRow("contact", "104 ms"), PanelRow("step freq", "4.50 Hz"), PanelRow("velocity", "9.8 m/s"))
    sizes = style.Sizes.for_frame(*SIZE)
    frame = _textured()
    out = draw_panel(frame, 3, 20, rows, sizes=sizes)
    again = draw_panel(frame, 3, 20, rows, sizes=sizes)  # from the cache
    small = int(round(sizes.panel_px * 0.78))
    lines = [("Step 3 / 20", style.TEXT, sizes.panel_px)] + [(f"{r.label:<10} {r.value}", style.TEXT, small)
                                                            for r in rows]
    expected = frame.copy()
    blend_patch(expected, panel_patch(lines, pad_px=max(6, sizes.panel_px // 3), gap_px=max(2, sizes.panel_px // 8)),
                sizes.margin_px, sizes.margin_px)
    assert np.array_equal(out, expected) and np.array_equal(again, expected)


def test_a_translucent_skeleton_blends_like_the_whole_frame_blended():
    frame = _textured()
    pose = _pose()
    opaque = draw_skeleton(frame, pose, near="left", colour=style.GHOST)
    expected = frame.copy()
    cv2.addWeighted(opaque, 0.6, frame, 0.4, 0.0, dst=expected)
    out = draw_skeleton(frame, pose, near="left", colour=style.GHOST, opacity=0.6)
    assert np.abs(out.astype(int) - expected.astype(int)).max() <= 1


def test_annotate_frame_stacks_the_same_pixels_as_the_layers_drawn_one_by_one():
    frame = _textured()
    pose = _pose()
    angles = {"hip_flexion_left_deg": 40.0, "hip_flexion_right_deg": -10.0, "knee_flexion_left_deg": 70.0,
              "knee_flexion_right_deg": 20.0, "trunk_lean_deg": 5.0, "shin_left_deg": 8.0}
    marker = EventMarker("touchdown", "left", float(pose[L.LEFT_HEEL][0]), float(pose[L.LEFT_HEEL][1]), 0.01, 0.7)
    callout = Callout("Touchdown L  trunk 5°", style.TOUCHDOWN, 0.01, 0.7)
    rows = (PanelRow("contact", "104 ms"),)
    state = FrameState(row=0, index=0, t_s=0.0, points_px=pose, angles=angles, near="left", stance=("left",),
                       shin_side="left", markers=(marker,), callouts=(callout,), step=2, n_steps=9, panel=rows)
    sizes = style.Sizes.for_frame(*SIZE)
    out = annotate_frame(frame, state, direction=1, corner="tr", banner="FREEZE · TOUCHDOWN L", sizes=sizes)
    labels: list = []
    expected = draw_contacts(frame, pose, ("left",), sizes=sizes)
    expected = draw_skeleton(expected, pose, near="left", sizes=sizes)
    expected = draw_joint_angles(expected, pose, angles, near="left", direction=1, sizes=sizes, occupied=labels)
    expected = draw_verticals(expected, pose, angles, direction=1, shin_side="left", sizes=sizes, occupied=labels)
    expected = draw_event_markers(expected, (marker,), sizes=sizes)
    expected = draw_panel(expected, 2, 9, rows, callouts=(callout,), banner="FREEZE · TOUCHDOWN L", corner="tr",
                          sizes=sizes)
    assert np.array_equal(out, expected)
