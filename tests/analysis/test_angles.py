"""Angles drawn at known values read back as those values (both running directions)."""

from __future__ import annotations

import numpy as np
import pytest

from sprintlens.analysis.angles import ANGLE_COLUMNS, sagittal, sprint_angles
from sprintlens.core.landmarks import Landmark as L


def _unit(angle_deg: float, reference: str) -> np.ndarray:
    """Unit vector at ``angle_deg`` from the down/up vertical towards +x (sagittal, y up)."""
    a = np.radians(angle_deg)
    return np.array([np.sin(a), -np.cos(a)]) if reference == "down" else np.array([np.sin(a), np.cos(a)])


def pose(trunk=10.0, thigh=(37.0, -20.0), shin=(50.0, -5.0), ankle=(12.0, -8.0), upper_arm=(-30.0, 40.0),
         elbow=(90.0, 70.0), direction=1, origin=(600.0, 400.0), scale=100.0) -> np.ndarray:
    """A (1, 33, 2) image-pixel pose with the given sagittal angles (degrees)."""
    xy = np.full((33, 2), np.nan)
    hip = np.zeros(2)
    shoulder = hip + 2.0 * _unit(trunk, "up")
    for i, side in enumerate(("LEFT", "RIGHT")):
        xy[L[f"{side}_HIP"]] = hip
        xy[L[f"{side}_SHOULDER"]] = shoulder
        knee = hip + 1.6 * _unit(thigh[i], "down")
        ankle_pt = knee - 1.5 * _unit(shin[i], "up")  # shin points ankle -> knee, so go back down
        xy[L[f"{side}_KNEE"]], xy[L[f"{side}_ANKLE"]] = knee, ankle_pt
        shank_up = (knee - ankle_pt) / np.linalg.norm(knee - ankle_pt)
        forward = np.array([shank_up[1], -shank_up[0]])
        a = np.radians(ankle[i])
        foot_dir = np.array([np.cos(a) * forward[0] - np.sin(a) * forward[1],
                             np.sin(a) * forward[0] + np.cos(a) * forward[1]])
        heel = ankle_pt - 0.1 * forward
        xy[L[f"{side}_HEEL"]], xy[L[f"{side}_FOOT_INDEX"]] = heel, heel + 0.8 * foot_dir
        elbow_pt = shoulder + 1.0 * _unit(upper_arm[i], "down")
        xy[L[f"{side}_ELBOW"]] = elbow_pt
        # the forearm turns forward (flexes) by `elbow` degrees from the upper-arm line
        ua = np.radians(upper_arm[i] + elbow[i])
        xy[L[f"{side}_WRIST"]] = elbow_pt + 0.9 * np.array([np.sin(ua), -np.cos(ua)])
    image = xy * scale
    image[:, 0] *= direction
    image[:, 1] *= -1
    return (image + np.asarray(origin))[None]


@pytest.mark.parametrize("direction", [1, -1])
def test_angles_drawn_read_back(direction):
    got = {k: float(v[0]) for k, v in sprint_angles(pose(direction=direction), direction).items()}
    assert got["trunk_lean_deg"] == pytest.approx(10.0)
    assert got["thigh_left_deg"] == pytest.approx(37.0)
    assert got["thigh_right_deg"] == pytest.approx(-20.0)
    assert got["shin_left_deg"] == pytest.approx(50.0)
    assert got["shin_right_deg"] == pytest.approx(-5.0)
    # knee -> ankle points -shin from the downward vertical, so flexion = thigh + shin
    assert got["knee_flexion_left_deg"] == pytest.approx(87.0)
    assert got["knee_flexion_right_deg"] == pytest.approx(25.0)
    assert got["ankle_left_deg"] == pytest.approx(12.0)
    assert got["ankle_right_deg"] == pytest.approx(-8.0)
    assert got["upper_arm_left_deg"] == pytest.approx(-30.0)
    assert got["upper_arm_right_deg"] == pytest.approx(40.0)
    assert got["elbow_flexion_left_deg"] == pytest.approx(90.0)
    assert got["elbow_flexion_right_deg"] == pytest.approx(70.0)
    assert got["hip_flexion_left_deg"] == pytest.approx(47.0)
    assert got["hip_extension_right_deg"] == pytest.approx(10.0)
    assert got["hip_interior_left_deg"] == pytest.approx(133.0)
    assert got["thigh_separation_deg"] == pytest.approx(57.0)


def test_knee_flexion_known_values():
    # straight leg: thigh and shin in line
    straight = sprint_angles(pose(thigh=(20.0, 0.0), shin=(-20.0, 0.0)), 1)  # knee 20 deg behind the ankle
    assert straight["knee_flexion_left_deg"][0] == pytest.approx(0.0, abs=1e-6)
    # thigh 30 deg forward, knee 60 deg ahead of the ankle: knee bent 90
    bent = sprint_angles(pose(thigh=(30.0, 0.0), shin=(60.0, 0.0)), 1)
    assert bent["knee_flexion_left_deg"][0] == pytest.approx(90.0)


def test_knee_height_in_thigh_lengths():
    horizontal = sprint_angles(pose(thigh=(90.0, 0.0)), 1)
    assert horizontal["knee_height_left"][0] == pytest.approx(0.0, abs=1e-9)
    hanging = sprint_angles(pose(thigh=(0.0, 60.0)), 1)
    assert hanging["knee_height_left"][0] == pytest.approx(-1.0)
    assert hanging["knee_height_right"][0] == pytest.approx(-0.5)


def test_angles_do_not_depend_on_image_position_or_scale():
    a = sprint_angles(pose(origin=(0.0, 0.0), scale=50.0), 1)
    b = sprint_angles(pose(origin=(1234.0, 567.0), scale=320.0), 1)
    for name in ANGLE_COLUMNS:
        assert a[name][0] == pytest.approx(b[name][0]), name


def test_missing_landmark_gives_nan_not_zero():
    xy = pose()
    xy[0, L.LEFT_KNEE] = np.nan
    got = sprint_angles(xy, 1)
    assert np.isnan(got["thigh_left_deg"][0]) and np.isnan(got["knee_flexion_left_deg"][0])
    assert np.isfinite(got["thigh_right_deg"][0]) and np.isfinite(got["trunk_lean_deg"][0])


def test_wrong_direction_mirrors_signs():
    got = sprint_angles(pose(direction=1), -1)
    assert got["trunk_lean_deg"][0] == pytest.approx(-10.0)
    assert got["thigh_left_deg"][0] == pytest.approx(-37.0)


def test_sagittal_flips_y_and_mirrors_x():
    out = sagittal(np.array([[10.0, 20.0]]), -1)
    assert out.tolist() == [[-10.0, -20.0]]
    with pytest.raises(ValueError):
        sagittal(np.zeros((1, 2)), 0)
