"""The ground truth agrees with the figure drawn and with its own geometry."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sprintlens.analysis.angles import sprint_angles
from sprintlens.core.errors import TrackFormatError
from sprintlens.core.landmarks import NAMES
from sprintlens.synth import (
    AccelerationSpec,
    CameraSpec,
    ClipSpec,
    FlyingSpec,
    RenderSpec,
    StartSpec,
    build_truth,
    load_truth,
    prepare,
    truth_track,
)
from sprintlens.synth.clip import athlete_coverage
from sprintlens.synth.truth import dumps_truth

SMALL = RenderSpec(fps=30, size=(640, 360))
CLIPS = {
    "flying_pan_ltr": ClipSpec(FlyingSpec(duration_s=0.6), camera=CameraSpec(pan=True), render=SMALL),
    "flying_still_rtl": ClipSpec(FlyingSpec(duration_s=0.5), render=SMALL, direction="right_to_left"),
    "blocks_rtl": ClipSpec(AccelerationSpec(n_steps=2), camera=CameraSpec(pan=True), render=SMALL,
                           direction="right_to_left"),
    "standing": ClipSpec(AccelerationSpec(start=StartSpec.standing(), n_steps=2), camera=CameraSpec(pan=True),
                         render=SMALL),
}


def _prepared(name: str):
    prep = prepare(CLIPS[name])
    return prep, json.loads(dumps_truth(build_truth(prep)))  # as written to the file


@pytest.fixture(scope="module", params=sorted(CLIPS))
def clip(request):
    return _prepared(request.param)


@pytest.fixture(scope="module", params=[name for name in sorted(CLIPS) if name.startswith("flying")])
def flying_clip(request):
    return _prepared(request.param)


def test_every_truth_landmark_lies_on_the_drawn_figure(clip):
    prep, truth = clip
    px = np.asarray(truth["frames"]["landmarks_px"])
    assert px.shape == (prep.n_frames, len(NAMES), 2)
    for i in range(prep.n_frames):
        coverage = athlete_coverage(prep, i)
        x, y = np.floor(px[i]).astype(int).T
        inside = (x >= 0) & (x < coverage.shape[1]) & (y >= 0) & (y < coverage.shape[0])
        assert inside.all() == truth["frames"]["in_frame"][i]
        on_figure = coverage[y[inside], x[inside]]
        assert on_figure.min() >= 0.5, [NAMES[k] for k in np.flatnonzero(inside)[on_figure < 0.5]]


def test_truth_angles_equal_angles_of_the_truth_landmarks(clip):
    _, truth = clip
    measured = sprint_angles(np.asarray(truth["frames"]["landmarks_px"]), truth["direction_sign"])
    for name, imposed in truth["frames"]["angles"].items():
        if name.startswith("knee_height"):
            atol = 1e-4
        elif name.startswith(("trunk", "hip_")):
            atol = 0.25  # perspective moves the near and far shoulders' and hips' midpoints a little
        else:
            atol = 0.01  # each limb moves in a plane parallel to the image: exact up to rounding
        np.testing.assert_allclose(measured[name], imposed, atol=atol, err_msg=name)


def test_flying_steps_and_frames(flying_clip):
    _, truth = flying_clip
    m = truth["mechanics"]
    complete = [s for s in truth["steps"] if s["complete"]]
    assert complete
    for s in complete:
        assert s["contact_s"] == pytest.approx(m["contact_s"], abs=1e-6)
        assert s["step_length_m"] == pytest.approx(m["step_length_m"], abs=1e-5)
        assert s["step_time_s"] == pytest.approx(m["step_length_m"] / m["speed_mps"], abs=1e-6)
        assert s["flight_s"] == pytest.approx(s["step_time_s"] - s["contact_s"], abs=1e-6)
        assert s["speed_mps"] == pytest.approx(m["speed_mps"], rel=1e-6)
        assert s["hip_extension_toe_off_deg"] == pytest.approx(m["hip_extension_deg"], abs=1e-3)
        assert s["trunk_lean_touchdown_deg"] == pytest.approx(m["trunk_lean_deg"], abs=1e-3)
        assert s["knee_drive_deg"] == pytest.approx(m["knee_drive_deg"], abs=0.1)
        assert s["touchdown_distance_m"] > 0  # the foot lands ahead of the hips at top speed
    frames = truth["frames"]
    t = np.asarray(frames["t_s"])
    np.testing.assert_allclose(np.diff(t), 1 / truth["video"]["fps"], atol=1e-9)
    hip_x = np.asarray(frames["hip_m"])[:, 0]
    np.testing.assert_allclose(np.diff(hip_x) / np.diff(t), m["speed_mps"], rtol=1e-5)
    # the planted toe is where the step record says, frame after frame
    toe = np.asarray(frames["landmarks_px"])[:, NAMES.index("left_foot_index")]
    depth = np.asarray(frames["landmark_depth_m"])[:, NAMES.index("left_foot_index")]
    contact = np.asarray(frames["contact"]["left"])
    offset = np.asarray(frames["camera_offset_px"]) * truth["camera"]["distance_m"] / depth  # at the toe's depth
    for s in (s for s in truth["steps"] if s["side"] == "left"):
        inside = contact & (t >= s["touchdown_s"]) & (t <= s["toe_off_s"])
        if inside.any():
            still = toe[inside, 0] - offset[inside]  # undo the camera's tracking
            assert np.ptp(still) < 0.01 and np.ptp(toe[inside, 1]) < 0.01


def test_start_events(clip):
    _, truth = clip
    ev = truth["events"]
    if truth["scenario"] == "flying":
        assert ev == {}
        return
    assert ev["set_position_s"] == 0 and ev["block_time_s"] == pytest.approx(
        ev["front_block_exit_s"] - ev["first_movement_s"])
    first_touchdown = truth["steps"][0]["touchdown_s"]
    assert ev["first_movement_s"] < ev["rear_block_exit_s"] < ev["front_block_exit_s"] < first_touchdown
    assert ("hands_off_s" in ev) == (truth["scenario"] == "blocks")
    assert truth["steps"][0]["index"] == 1


def test_truth_track_is_a_valid_pose_track(clip):
    _, truth = clip
    track = truth_track(truth)
    assert track.n_frames == truth["video"]["n_frames"] and track.coverage == 1.0
    np.testing.assert_array_equal(track.positions_px, np.asarray(truth["frames"]["landmarks_px"]))
    near = truth["near_side"]
    hip = NAMES.index(f"{near}_knee")
    assert np.all(track.depth_px[:, hip] < 0)  # the near side is nearer the camera


def test_load_truth_round_trip_and_refusals(tmp_path, clip):
    _, truth = clip
    path = tmp_path / "clip.truth.json"
    path.write_text(dumps_truth(truth))
    assert load_truth(path) == truth
    for broken in ({**truth, "schema": "something else"}, {**truth, "schema_version": 99},
                   {**truth, "landmark_names": truth["landmark_names"][::-1]}):
        path.write_text(json.dumps(broken))
        with pytest.raises(TrackFormatError):
            load_truth(path)
    path.write_text("{not json")
    with pytest.raises(TrackFormatError):
        load_truth(path)


def test_spec_record_rebuilds_the_spec(clip):
    prep, truth = clip
    assert ClipSpec.from_record(truth["spec"]) == prep.spec
