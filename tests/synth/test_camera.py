"""The pinhole camera: scale, direction, near and far sides, tracking offsets."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sprintlens.synth import Camera, CameraSpec


def _camera(direction=1, x=(0.0, 0.0, 2.0)):
    return Camera.from_spec(CameraSpec(distance_m=8.0, hfov_deg=60.0, height_m=1.0, horizon=0.5), (1000, 600),
                            direction, np.asarray(x))


def test_scale_and_principal_point():
    cam = _camera()
    assert cam.focal_px == pytest.approx(500 / math.tan(math.radians(30)))
    assert cam.px_per_m == pytest.approx(cam.focal_px / 8.0)
    # a point on the optical axis at camera height lands in the image centre
    np.testing.assert_allclose(cam.project(np.array([0.0, 1.0, 0.0]), 0), [500.0, 300.0])
    # one metre along the run and one metre down, in the athlete's plane
    np.testing.assert_allclose(cam.project(np.array([1.0, 0.0, 0.0]), 0), [500 + cam.px_per_m, 300 + cam.px_per_m])
    assert cam.ground_row(8.0) == pytest.approx(300 + cam.px_per_m)


@pytest.mark.parametrize("direction", [1, -1])
def test_direction_and_near_side(direction):
    cam = _camera(direction)
    forward = cam.project(np.array([1.0, 1.0, 0.0]), 0)[0] - 500
    assert np.sign(forward) == direction
    # the athlete's right (z < 0) is nearer when running left to right, the left otherwise
    right, left = cam.scale(-0.1), cam.scale(0.1)
    assert (right > left) == (direction == 1)


def test_tracking_camera_offsets():
    cam = _camera(x=(0.0, 1.0, 2.0))
    np.testing.assert_allclose(cam.offset_px(), [0.0, -cam.px_per_m, -2 * cam.px_per_m])
    p = np.array([2.0, 1.0, 0.0])
    assert cam.project(p, 2)[0] == pytest.approx(500.0)  # the camera has moved to x = 2
    frames = np.array([0, 1, 2])
    np.testing.assert_allclose(cam.project(np.tile(p, (3, 1)), frames)[:, 0], 500 + cam.px_per_m * (2 - frames))
