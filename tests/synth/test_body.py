"""Anthropometry, keyframe curves and the skeleton's forward and inverse kinematics."""

from __future__ import annotations

import numpy as np
import pytest

from sprintlens.analysis.angles import sprint_angles
from sprintlens.core.landmarks import NAMES
from sprintlens.synth import Body
from sprintlens.synth.curves import Keys, smoothstep
from sprintlens.synth.gait import toe_off_geometry
from sprintlens.synth.skeleton import (
    Pose,
    ankle_from_toe,
    arm_ik,
    forward_kinematics,
    leg_ik,
    leg_reach,
)
from sprintlens.synth.truth import truth_angles


def test_segments_are_winter_fractions_of_height():
    b = Body.from_height(2.0)
    lengths = (b.thigh_m, b.shank_m, b.trunk_m, b.upper_arm_m, b.forearm_m)
    assert lengths == pytest.approx((0.49, 0.492, 0.576, 0.372, 0.292))
    assert b.foot_m == pytest.approx(0.304) and b.hip_height_m == pytest.approx(1.06)
    with pytest.raises(ValueError):
        Body.from_height(0.5)


def test_keys_pass_through_keyframes_with_their_slopes():
    k = Keys.of((0.0, 1.0, 0.0), (1.0, 3.0), (2.0, 2.0, -1.0))
    np.testing.assert_allclose(k(np.array([0.0, 1.0, 2.0])), [1.0, 3.0, 2.0])
    np.testing.assert_allclose(k.derivative(np.array([0.0, 2.0])), [0.0, -1.0], atol=1e-12)
    assert k.derivative(1.0) == pytest.approx(0.5)  # mean of the secants 2 and -1
    assert k(-5.0) == 1.0 and k(9.0) == 2.0 and k.derivative(9.0) == 0.0  # held outside
    line = Keys.of((0, 0), (2, 4))
    np.testing.assert_allclose(line(np.linspace(0, 2, 5)), np.linspace(0, 4, 5))
    np.testing.assert_allclose(smoothstep(np.array([-1, 0, 0.5, 1, 2])), [0, 0, 0.5, 1, 1])
    with pytest.raises(ValueError):
        Keys.of((0, 0), (0, 1))


def _pose(n=5, seed=3):
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=float)
    two = lambda lo, hi: rng.uniform(lo, hi, (n, 2))  # noqa: E731
    return Pose(t_s=t, hip_m=np.c_[rng.uniform(-2, 2, n), rng.uniform(0.8, 1.0, n)], trunk_deg=rng.uniform(-5, 60, n),
                head_deg=rng.uniform(-10, 40, n), thigh_deg=two(-40, 80), knee_deg=two(5, 120), ankle_deg=two(-30, 20),
                upper_arm_deg=two(-70, 60), elbow_deg=two(40, 110))


def test_leg_and_arm_inverse_kinematics_invert_forward_kinematics():
    b = Body.from_height(1.8)
    pose = _pose()
    p = forward_kinematics(pose, b)
    for i, side in enumerate(("left", "right")):
        thigh, knee = leg_ik(b, p[f"{side}_hip"][:, :2], p[f"{side}_ankle"][:, :2])
        np.testing.assert_allclose(thigh, pose.thigh_deg[:, i], atol=1e-9)
        np.testing.assert_allclose(knee, pose.knee_deg[:, i], atol=1e-9)
        upper, elbow = arm_ik(b, p[f"{side}_shoulder"][:, :2], p[f"{side}_wrist"][:, :2])
        np.testing.assert_allclose(upper, pose.upper_arm_deg[:, i], atol=1e-9)
        np.testing.assert_allclose(elbow, pose.elbow_deg[:, i], atol=1e-9)
        np.testing.assert_allclose(np.linalg.norm(p[f"{side}_hip"] - p[f"{side}_ankle"], axis=1),
                                   leg_reach(b, pose.knee_deg[:, i]))
    with pytest.raises(ValueError, match="reach"):
        leg_ik(b, np.zeros(2), np.array([0.0, -2.0]))


def test_foot_pitch_and_toe_geometry_agree_with_forward_kinematics():
    b = Body.from_height(1.8)
    pose = _pose()
    p = forward_kinematics(pose, b)
    toe = p["left_foot_index"][:, :2]
    np.testing.assert_allclose(ankle_from_toe(b, toe, pose.foot_pitch_deg[:, 0]), p["left_ankle"][:, :2], atol=1e-12)
    x, y = toe_off_geometry(b, pose.thigh_deg[0, 0], pose.knee_deg[0, 0], pose.foot_pitch_deg[0, 0])
    np.testing.assert_allclose([x, y], toe[0] - pose.hip_m[0], atol=1e-12)


def test_every_landmark_is_defined_and_angles_read_back_from_geometry():
    """The truth angles (imposed) equal sprintlens.analysis.angles on the geometry (measured)."""
    b = Body.from_height(1.75)
    pose = _pose(n=20)
    p = forward_kinematics(pose, b)
    assert set(NAMES) <= set(p)
    xy = np.stack([p[name][:, :2] for name in NAMES], axis=1)
    image = xy * [100.0, -100.0] + [500.0, 600.0]  # a camera looking straight at the plane, y down
    measured = sprint_angles(image, 1)
    for name, imposed in truth_angles(pose).items():
        np.testing.assert_allclose(measured[name], imposed, atol=1e-6, err_msg=name)
