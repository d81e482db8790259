"""The crop finder's parts with known answers: regions, the mapping back to the frame, the human check."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sprintlens.capture.finder import (
    MIN_INPUT_PX,
    Region,
    looks_human,
    search_regions,
)
from sprintlens.capture.pose import Detections, poses_in_frame
from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.landmarks import landmark_box


def figure(x: float, y: float, torso: float, stride: float) -> np.ndarray:
    """A standing side-on figure (33, 2), torso centre at (x, y), 3.4 torsos tall; ``stride`` spreads the feet."""
    pose = np.zeros((33, 2))
    pose[:11] = (x, y - 1.1 * torso)  # head
    pose[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_ELBOW, L.RIGHT_ELBOW]] = (x, y - torso / 2)
    pose[[L.LEFT_WRIST, L.RIGHT_WRIST, L.LEFT_PINKY, L.RIGHT_PINKY, L.LEFT_INDEX, L.RIGHT_INDEX,
          L.LEFT_THUMB, L.RIGHT_THUMB, L.LEFT_HIP, L.RIGHT_HIP]] = (x, y + torso / 2)
    pose[[L.LEFT_KNEE, L.RIGHT_KNEE]] = (x, y + 1.4 * torso)
    for side, sign in (("LEFT", 1), ("RIGHT", -1)):
        for part in ("ANKLE", "HEEL", "FOOT_INDEX"):
            pose[L[f"{side}_{part}"]] = (x + sign * stride, y + 2.3 * torso)
    return pose


def test_a_region_inside_the_frame_is_its_pixels_upscaled_when_small() -> None:
    rgb = np.arange(100 * 200 * 3, dtype=np.uint32).reshape(100, 200, 3).astype(np.uint8)
    region = Region(50.0, 20.0, 64.0, 64.0)
    image = region.cut(rgb)
    assert image.shape == (MIN_INPUT_PX, MIN_INPUT_PX, 3)
    big = Region(10.0, 10.0, 300.0, 300.0)
    frame = np.zeros((400, 400, 3), np.uint8)
    frame[10:310, 10:310] = 7
    np.testing.assert_array_equal(big.cut(frame), np.full((300, 300, 3), 7, np.uint8))


def test_a_region_reaching_outside_the_frame_is_black_there() -> None:
    rgb = np.full((300, 300, 3), 200, np.uint8)
    image = Region(-100.0, 200.0, 300.0, 300.0).cut(rgb)
    assert image.shape == (300, 300, 3)
    assert (image[:, :100] == 0).all() and (image[100:] == 0).all()  # left of and below the frame
    assert (image[:100, 100:] == 200).all()


def test_landmarks_of_a_crop_map_back_to_frame_pixels() -> None:
    def landmark(x: float, y: float) -> SimpleNamespace:
        return SimpleNamespace(x=x, y=y, z=-0.1, visibility=0.9, presence=0.8)

    pose = [landmark(0.5, 0.25)] * 33
    found = poses_in_frame([pose], (100.0, 50.0, 200.0, 200.0))
    np.testing.assert_allclose(found.positions_px[0, 0], (200.0, 100.0))
    np.testing.assert_allclose(found.depth_px[0, 0], -20.0)
    np.testing.assert_array_equal(found.crop_px[0], (100.0, 50.0, 200.0, 200.0))
    whole = poses_in_frame([pose], (0.0, 0.0, 1280.0, 720.0))  # the whole frame: x by width, y by height
    np.testing.assert_allclose(whole.positions_px[0, 0], (640.0, 180.0))
    assert Detections.stack([found, whole]).n_people == 2


def test_the_sweep_covers_a_720p_frame_with_squares_a_small_athlete_fills() -> None:
    regions = search_regions(1280, 720)
    assert regions[0].as_tuple == (0.0, 0.0, 1280.0, 720.0)
    small = [r for r in regions if r.width == 360]
    assert len([r for r in regions if r.width == 720]) == 3 and len(small) == 7 * 3
    # squares overlap by half: a body up to half a square tall standing anywhere is wholly inside one,
    # so an athlete up to 180 px tall is in a 360 px square (40-50 % of it), a taller one in a 720 px one
    for side, body in ((360, 180), (720, 360)):
        squares = [r for r in regions if r.width == side]
        for x in range(0, 1280 - body // 2, 37):
            for y in range(0, 720 - body, 29):
                assert any(r.x0 <= x and x + body // 2 <= r.x0 + r.width and r.y0 <= y
                           and y + body <= r.y0 + r.height for r in squares)
    portrait = search_regions(720, 1280)
    assert max(r.y0 + r.height for r in portrait) == 1280 and all(r.width <= 720 for r in portrait)


def test_a_person_looks_human() -> None:
    pose = figure(400, 400, torso=50, stride=30)  # 170 px tall
    assert looks_human(pose, np.full(33, 0.9)) is None
    assert landmark_box(pose)[3] - landmark_box(pose)[1] == pytest.approx(3.4 * 50)


@pytest.mark.parametrize(("change", "reason"), [
    ("scenery", "barely visible"),
    ("tiny", "too small"),
    ("flat", "flat"),
    ("stretched", "not a human proportion"),
])
def test_what_is_not_a_person_is_told_why(change: str, reason: str) -> None:
    pose = figure(400, 400, torso=50, stride=30)
    visibility = np.full(33, 0.9)
    if change == "scenery":
        visibility[:] = 0.05  # what the model gives a fit on trees
    elif change == "tiny":
        pose = figure(400, 400, torso=8, stride=5)
    elif change == "flat":
        pose[:, 1] = 400 + (pose[:, 1] - 400) * 0.05
        pose[:, 0] += np.linspace(0, 170, 33)
    elif change == "stretched":
        pose[L.LEFT_ANKLE] = pose[L.LEFT_KNEE] + (200, 0)  # a shin four torsos long
    assert reason in (looks_human(pose, visibility) or "")
