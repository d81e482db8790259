"""A camera that is not side on: the rotation, the truth it gives and the figure it draws."""

from __future__ import annotations

import hashlib
import math
from dataclasses import replace

import numpy as np
import pytest

from sprintlens.core.landmarks import Landmark
from sprintlens.synth import (
    AccelerationSpec,
    Camera,
    CameraSpec,
    ClipSpec,
    FlyingSpec,
    RenderSpec,
    SecondPerson,
    prepare,
    render_frame,
    view_cases,
)
from sprintlens.synth.clip import athlete_coverage
from sprintlens.synth.truth import build_truth

VIEWS = view_cases()
L_HIP, R_HIP = int(Landmark.LEFT_HIP), int(Landmark.RIGHT_HIP)


def _camera(yaw_deg, direction=1):
    spec = CameraSpec(distance_m=10.0, hfov_deg=60.0, height_m=1.0, horizon=0.5, yaw_deg=yaw_deg)
    return Camera.from_spec(spec, (1000, 600), direction, np.array([2.0]))


def _digest(spec):
    prep = prepare(spec)
    h = hashlib.sha256()
    for k in (0, prep.n_frames // 2, prep.n_frames - 1):
        h.update(render_frame(prep, k).tobytes())
    return h.hexdigest()


def test_yaw_zero_renders_what_the_side_on_camera_rendered():
    """Digests of frames rendered by the generator before the camera had a yaw (same spec, same build)."""
    flying = ClipSpec(FlyingSpec(duration_s=0.2), render=RenderSpec(size=(320, 180), fps=30))
    blocks = ClipSpec(AccelerationSpec(n_steps=2), camera=CameraSpec(distance_m=12.0),
                      render=RenderSpec(size=(320, 180), fps=30), second_person=SecondPerson(lanes_further=1),
                      direction="right_to_left")
    assert _digest(flying) == "4ff943d92feea940c84751abfccbd28b67829ff562f8bdf249d33be0554700a9"
    assert _digest(replace(flying, camera=CameraSpec(yaw_deg=0.0))) == _digest(flying)
    assert _digest(blocks) == "a204413cfa3eb44fd3fc7781048dd7a99fba16103f0b45b73f41b4701883ce23"


@pytest.mark.parametrize("direction", [1, -1])
def test_rotation_about_the_running_line(direction):
    side, rear, oblique = _camera(0.0, direction), _camera(90.0, direction), _camera(30.0, direction)
    pivot = np.array([2.0, 1.0, 0.0])  # on the running line, on the optical axis, at camera height
    for cam in (side, rear, oblique):
        np.testing.assert_allclose(cam.project(pivot, 0), [500.0, 300.0], atol=1e-9)
    ahead = np.array([3.0, 1.0, 0.0])  # 1 m further along the run
    # side on it moves across the image; from behind (yaw +90) it goes 1 m deeper, on the axis
    assert np.sign(side.project(ahead, 0)[0] - 500) == direction
    np.testing.assert_allclose(rear.project(ahead, 0), [500.0, 300.0], atol=1e-9)
    assert rear.point_depth(ahead, 0) == pytest.approx(11.0)
    assert _camera(-90.0, direction).point_depth(ahead, 0) == pytest.approx(9.0)
    # 30 deg: across by cos 30, deeper by sin 30
    assert oblique.point_depth(ahead, 0) == pytest.approx(10.5)
    assert oblique.project(ahead, 0)[0] - 500 == pytest.approx(direction * rear.focal_px * math.cos(math.radians(30))
                                                               / 10.5)
    # a point beside the athlete (z) at yaw 90 moves across the image, and points behind the camera are NaN
    beside = np.array([2.0, 1.0, 1.0])
    assert rear.point_depth(beside, 0) == pytest.approx(10.0)
    assert abs(rear.project(beside, 0)[0] - 500) == pytest.approx(rear.focal_px / 10.0)
    assert np.all(np.isnan(rear.project(np.array([-9.0, 1.0, 0.0]), 0)))


def test_yaw_needs_a_still_camera():
    with pytest.raises(ValueError):
        CameraSpec(pan=True, yaw_deg=30.0)
    with pytest.raises(ValueError):
        CameraSpec(yaw_deg=120.0)


@pytest.fixture(scope="module")
def truths():
    return {name: build_truth(prepare(spec)) for name, spec in VIEWS.items()}


def test_cases(truths):
    assert VIEWS["frontal"].camera.yaw_deg == pytest.approx(-85.0)
    assert VIEWS["rear"].camera.yaw_deg == pytest.approx(85.0)
    assert VIEWS["oblique"].camera.yaw_deg == pytest.approx(40.0)
    for name, truth in truths.items():
        assert all(truth["frames"]["in_frame"]), name
        assert truth["camera"]["yaw_deg"] == VIEWS[name].camera.yaw_deg
        assert ClipSpec.from_record(truth["spec"]) == VIEWS[name]


def test_hips_side_on_and_end_on():
    run = FlyingSpec(duration_s=0.5)
    side = build_truth(prepare(ClipSpec(run, camera=CameraSpec(distance_m=14.0, x_m=0.0))))
    end_on = build_truth(prepare(ClipSpec(run, camera=CameraSpec(distance_m=14.0, yaw_deg=90.0, x_m=-8.0))))
    px = np.asarray(side["frames"]["landmarks_px"])
    # side on the two hips are one behind the other: the same column near the image centre, apart
    # off it only by perspective (their depths differ by the hip width)
    apart = np.abs(px[:, L_HIP, 0] - px[:, R_HIP, 0])
    off_axis = np.abs(0.5 * (px[:, L_HIP, 0] + px[:, R_HIP, 0]) - 640.0)
    half_hip = prepare(ClipSpec(run)).body.half_hip_m
    assert np.max(apart[off_axis < 40]) < 1.0
    np.testing.assert_allclose(apart, off_axis * 2 * half_hip / 14.0, atol=0.3)
    px = np.asarray(end_on["frames"]["landmarks_px"])
    depth = np.asarray(end_on["frames"]["landmark_depth_m"])
    # end on they are side by side, the same row, apart by the hip width at their depth ...
    assert np.max(np.abs(px[:, L_HIP, 1] - px[:, R_HIP, 1])) < 0.5
    width = 2 * half_hip * end_on["camera"]["focal_px"] / depth[:, L_HIP]
    np.testing.assert_allclose(np.abs(px[:, L_HIP, 0] - px[:, R_HIP, 0]), width, rtol=1e-3)
    # ... and the athlete runs along the optical axis: the hip midpoint stays in the image's centre column
    mid = 0.5 * (px[:, L_HIP, 0] + px[:, R_HIP, 0])
    assert np.max(np.abs(mid - 640.0)) < 0.5


def test_frontal_runner_grows_and_rear_runner_shrinks(truths):
    for name, sign in (("frontal", 1), ("rear", -1)):
        frames = truths[name]["frames"]
        scale = np.asarray(frames["px_per_m"])
        assert np.all(sign * np.diff(scale) > 0), name
        px = np.asarray(frames["landmarks_px"])
        tall = np.ptp(px[:, :, 1], axis=1)  # nose/eyes to heels, image rows
        first, last = (tall[0], tall[-1]) if sign > 0 else (tall[-1], tall[0])
        assert last > 1.5 * first, name  # about 150 -> 290 px: the run halves the distance
        height = scale * truths[name]["athlete"]["height_m"]
        assert 120 < height.min() and height.max() < 320, name
    # depth of the hips matches the image scale
    frames = truths["frontal"]["frames"]
    depth = np.asarray(frames["landmark_depth_m"])[:, [L_HIP, R_HIP]].mean(axis=1)
    focal = truths["frontal"]["camera"]["focal_px"]
    np.testing.assert_allclose(np.asarray(frames["px_per_m"]), focal / depth, rtol=0.02)


@pytest.mark.parametrize("name", ["oblique", "frontal", "rear"])
def test_figure_fills_its_truth_outline(name, truths):
    """The drawn figure is about as tall as the truth landmarks say and covers the trunk and the hips."""
    prep = prepare(VIEWS[name])
    k = prep.n_frames // 2
    cover = athlete_coverage(prep, k) > 0.5
    rows, cols = np.nonzero(cover)
    px = np.asarray(truths[name]["frames"]["landmarks_px"][k])
    top, bottom = px[:, 1].min(), px[:, 1].max()
    assert rows.min() < top and rows.max() > bottom - 2  # hair above the eyes, the shoe round the sole
    assert rows.max() - rows.min() < 1.25 * (bottom - top)
    # solid, not a stick figure: the torso between the hips and the shoulders is covered
    centre = px[[int(Landmark.LEFT_HIP), int(Landmark.RIGHT_HIP), int(Landmark.LEFT_SHOULDER),
                 int(Landmark.RIGHT_SHOULDER)]].mean(axis=0)
    x, y = int(centre[0]), int(centre[1])
    assert cover[y - 2:y + 3, x - 2:x + 3].all()
    # end on the figure is as broad as its shoulders at least
    if name != "oblique":
        shoulders = abs(px[int(Landmark.LEFT_SHOULDER), 0] - px[int(Landmark.RIGHT_SHOULDER), 0])
        row = cover[int(px[int(Landmark.LEFT_SHOULDER), 1]) + 3]
        assert row.sum() > shoulders
