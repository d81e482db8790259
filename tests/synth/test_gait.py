"""The sprint model's physical invariants: planted feet, flight, rigid segments, the spec obeyed."""

from __future__ import annotations

import numpy as np
import pytest

from sprintlens.synth import FlyingSpec, Mechanics, build_run
from sprintlens.synth.skeleton import SIDES, forward_kinematics

from .conftest import sample

RUNS = ["flying", "blocks", "standing20", "crouched20"]


def _feet_low(points) -> np.ndarray:
    """(T, 2) height of each foot's lowest point (heel or toe), m."""
    return np.stack([np.minimum(points[f"{s}_heel"][:, 1], points[f"{s}_foot_index"][:, 1]) for s in SIDES], axis=1)


@pytest.mark.parametrize("name", RUNS)
def test_stance_toe_is_planted_on_the_track(name, request):
    run = request.getfixturevalue(name)
    motion = run.motion
    checked = 0
    for c in motion.contacts:
        lo, hi = max(c.touchdown_s, run.start_s), min(c.toe_off_s, run.end_s)
        if hi <= lo:
            continue
        t = np.linspace(lo, hi, 50)
        toe = forward_kinematics(motion.pose(t), motion.body)[f"{SIDES[c.side]}_foot_index"]
        np.testing.assert_allclose(toe[:, 0], c.toe_m[0], atol=1e-9)  # no sliding
        np.testing.assert_allclose(toe[:, 1], 0.0, atol=1e-9)  # on the track
        checked += 1
    assert checked >= 4


@pytest.mark.parametrize("name", RUNS)
def test_feet_never_go_below_the_track(name, request):
    _, _, points = sample(request.getfixturevalue(name))
    assert _feet_low(points).min() > -1e-9


@pytest.mark.parametrize("name", ["flying", "blocks"])
def test_flight_has_both_feet_off_the_ground(name, request):
    run = request.getfixturevalue(name)
    steps = [c for c in run.motion.contacts if c.kind == "step"]
    flights = 0
    for a, b in zip(steps, steps[1:]):
        if a.toe_off_s < run.start_s or b.touchdown_s > run.end_s:
            continue
        assert b.touchdown_s > a.toe_off_s  # running: a flight between contacts
        t = np.linspace(a.toe_off_s + 0.001, b.touchdown_s - 0.001, 40)
        low = _feet_low(forward_kinematics(run.motion.pose(t), run.motion.body))
        assert low.min() > 0.0
        flights += 1
    assert flights >= 3


@pytest.mark.parametrize("name", RUNS)
def test_segments_keep_their_lengths(name, request, body):
    _, _, p = sample(request.getfixturevalue(name), dt=0.004)
    for s in SIDES:
        for a, b, length in ((f"{s}_hip", f"{s}_knee", body.thigh_m), (f"{s}_knee", f"{s}_ankle", body.shank_m),
                             (f"{s}_shoulder", f"{s}_elbow", body.upper_arm_m),
                             (f"{s}_elbow", f"{s}_wrist", body.forearm_m),
                             (f"{s}_heel", f"{s}_foot_index", body.foot_m)):
            np.testing.assert_allclose(np.linalg.norm(p[a] - p[b], axis=1), length, rtol=1e-9)
    np.testing.assert_allclose(np.linalg.norm(p["mid_shoulder"] - p["mid_hip"], axis=1), body.trunk_m, rtol=1e-9)


@pytest.mark.parametrize("name", RUNS)
def test_joint_angles_stay_human(name, request):
    _, pose, _ = sample(request.getfixturevalue(name), dt=0.002)
    assert pose.knee_deg.min() > -0.5 and pose.knee_deg.max() < 140  # no hyperextension
    assert pose.elbow_deg.min() > 0 and pose.elbow_deg.max() < 140
    assert -50 < pose.ankle_deg.min() and pose.ankle_deg.max() < 60
    assert -80 < pose.thigh_deg.min() and pose.thigh_deg.max() < 125


def test_flying_sprint_obeys_its_mechanics(flying):
    m = FlyingSpec().mechanics
    steps = [c for c in flying.motion.contacts if c.kind == "step"]
    td = np.array([c.touchdown_s for c in steps])
    toe_x = np.array([c.toe_m[0] for c in steps])
    np.testing.assert_allclose([c.toe_off_s - c.touchdown_s for c in steps], m.contact_s, atol=1e-12)
    np.testing.assert_allclose(np.diff(td), m.step_time_s, atol=1e-12)
    np.testing.assert_allclose(np.diff(toe_x), m.step_length_m, atol=1e-9)  # step length = speed x step time
    assert [c.side for c in steps[:4]] in ([0, 1, 0, 1], [1, 0, 1, 0])
    t, pose, _ = sample(flying)
    np.testing.assert_allclose(np.gradient(pose.hip_m[:, 0], t), m.speed_mps, rtol=1e-6)
    inner = [c for c in steps if c.touchdown_s > 0.05 and c.toe_off_s < flying.end_s - 0.05]
    at_td = flying.motion.pose(np.array([c.touchdown_s for c in inner]))
    np.testing.assert_allclose(at_td.trunk_deg, m.trunk_lean_deg, atol=1e-9)
    at_to = flying.motion.pose(np.array([c.toe_off_s for c in inner]))
    sides = np.array([c.side for c in inner])
    hip_ext = -(at_to.thigh_deg[np.arange(len(inner)), sides] + at_to.trunk_deg)
    np.testing.assert_allclose(hip_ext, m.hip_extension_deg, atol=1e-6)
    assert pose.thigh_deg.max() == pytest.approx(m.knee_drive_deg, abs=0.1)
    assert 4.3 <= m.step_frequency_hz <= 4.8 and 0.09 <= m.contact_s <= 0.11


def test_flying_hip_sinks_in_stance_and_rises_in_flight(flying):
    t, pose, _ = sample(flying)
    steps = [c for c in flying.motion.contacts if c.kind == "step" and 0.05 < c.touchdown_s < flying.end_s - 0.3]
    c, nxt = steps[0], steps[1]
    stance = (t >= c.touchdown_s) & (t <= c.toe_off_s)
    flight = (t > c.toe_off_s) & (t < nxt.touchdown_s)
    y = pose.hip_m[:, 1]
    assert y[stance].min() < y[flight].max() - 0.02  # a few centimetres of vertical oscillation
    assert y.max() - y.min() < 0.10


def test_a_step_too_long_for_the_leg_is_refused(body):
    with pytest.raises(ValueError, match="reach"):
        build_run(FlyingSpec(mechanics=Mechanics(speed_mps=12.0, contact_s=0.14, step_length_m=2.6)), body)


def test_block_start_set_position_and_events(blocks):
    ev = blocks.events
    motion = blocks.motion
    set_pose = motion.pose(np.array([0.0]))
    front = next(c.side for c in motion.contacts if c.kind == "front_block")
    rear = 1 - front
    assert set_pose.knee_deg[0, front] == pytest.approx(90.0, abs=1e-6)  # interior 90 deg
    assert set_pose.knee_deg[0, rear] == pytest.approx(55.0, abs=1e-6)  # interior 125 deg
    points = forward_kinematics(set_pose, motion.body)
    assert points["mid_hip"][0, 1] > points["mid_shoulder"][0, 1]  # hips above the shoulders
    # still until the first movement, then the hips go
    hold = np.linspace(0.0, ev["first_movement_s"], 30)
    still = forward_kinematics(motion.pose(hold), motion.body)
    assert max(np.ptp(v, axis=0).max() for v in still.values()) < 1e-12
    after = motion.pose(np.array([ev["first_movement_s"] + 0.05]))
    assert after.hip_m[0, 0] > set_pose.hip_m[0, 0] + 1e-3
    assert ev["set_position_s"] < ev["first_movement_s"] < ev["hands_off_s"] < ev["rear_block_exit_s"] \
        < ev["front_block_exit_s"]
    assert 0.3 <= ev["front_block_exit_s"] - ev["first_movement_s"] <= 0.45  # block time
    # hands on the track until they lift
    t = np.linspace(0.0, ev["hands_off_s"], 20)
    wrist = forward_kinematics(motion.pose(t), motion.body)["left_wrist"]
    assert np.ptp(wrist, axis=0).max() < 1e-9


def test_block_start_steps_accelerate_and_rise(blocks):
    steps = [blocks.motion.contacts[i] for i in blocks.step_contacts]
    assert len(steps) == 7
    assert steps[0].side != next(c.side for c in blocks.motion.contacts if c.kind == "front_block")  # rear leg first
    contact = np.array([c.toe_off_s - c.touchdown_s for c in steps])
    flight = np.array([b.touchdown_s - a.toe_off_s for a, b in zip(steps, steps[1:])])
    assert 0.17 <= contact[0] <= 0.22 and 0.05 <= flight[0] <= 0.07
    assert np.all(np.diff(contact) < 0) and np.all(np.diff(flight) > 0)
    lean = blocks.motion.pose(np.array([c.touchdown_s for c in steps])).trunk_deg
    assert 40 <= lean[0] <= 50 and np.all(np.diff(lean) < 0)
    step_length = np.diff([c.toe_m[0] for c in steps])
    assert np.all(np.diff(step_length) > 0)


@pytest.mark.parametrize("name", ["blocks20", "standing20", "crouched20"])
def test_accelerations_reach_their_distance(name, request):
    start = request.getfixturevalue(name)
    x_end = start.motion.hip(np.array([start.end_s]))[0, 0]
    assert x_end >= 20.0 - 3.0
    speeds = start.motion.plan.progression.speed(np.array([c.touchdown_s for c in start.motion.contacts
                                                           if c.kind == "step"]))
    assert np.all(np.diff(speeds) > 0)
