"""The crop finder on real phone footage of small athletes (skipped with a reason when the clips are absent).

Targets: the athlete found in at least 95 % of the frames from the set position to the fourth
toe-off (hand marks), in every frame of the set hold, and a small sprinter crossing a wide frame
followed across it, never a "person" in the scenery.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from sprintlens.core.landmarks import Landmark as L

pytestmark = [pytest.mark.footage, pytest.mark.slow]


def marks(footage, name: str) -> dict:
    return json.loads(footage(name.replace(".mp4", ".marks.json")).read_text())


def hips(track) -> np.ndarray:
    return (track.positions_px[:, L.LEFT_HIP] + track.positions_px[:, L.RIGHT_HIP]) / 2


@pytest.mark.parametrize("clip", ["block_start_side_a_30fps.mp4", "block_start_side_b_30fps.mp4"])
def test_a_small_athlete_in_the_blocks_is_found_from_the_set_to_the_fourth_toe_off(footage_track, footage,
                                                                                   clip) -> None:
    track, _ = footage_track(clip)
    events = marks(footage, clip)["events"]
    first, last = events["set_reached"]["frame"], events["toe_offs"][3]["frame"]
    rows = np.searchsorted(track.frame_index, np.arange(first, last + 1))
    assert track.detected[rows].mean() >= 0.95
    hold = np.searchsorted(track.frame_index, np.arange(first, events["set_held_until"]["frame"] + 1))
    assert track.detected[hold].all()
    # on the athlete: the near hip of the marked set-position keypoints, within a torso length
    for point in marks(footage, clip)["keypoints"]:
        row = int(np.searchsorted(track.frame_index, point["frame"]))
        if track.detected[row]:
            assert np.hypot(*(hips(track)[row] - point["points"]["hip"])) < 40
    assert track.provenance["athlete"]["people_seen"] <= 2
    # found in a crop where the athlete is large, recorded in the track
    crops = track.crop_px[rows][track.detected[rows]]
    assert np.median(crops[:, 2]) < 0.6 * track.frame_size[1]


def test_the_third_block_start_is_found_through_the_set_hold(footage_track) -> None:
    track, _ = footage_track("block_start_side_c_30fps.mp4")
    # the athlete holds the set position in the first second of the clip, then runs out at the right
    assert track.detected[:30].all()
    assert track.coverage >= 0.9


def test_a_small_sprinter_crossing_a_wide_frame_is_followed_across_it(footage_track) -> None:
    track, _ = footage_track("sprint_side_small_30fps.mp4")
    # fully in view from frame 8 to the end (checked by eye on the frames)
    assert track.detected[8:].mean() >= 0.95
    x = hips(track)[track.detected, 0]
    assert x[0] < 200 and x[-1] > 1550  # the hips travel across the 1680 px frame: no phantom in the trees
    assert np.all(np.diff(x[np.isfinite(x)][::5]) > 0)
    height = np.nanmedian(np.ptp(track.positions_px[track.detected][:, :, 1], axis=1))
    assert 120 < height < 200


def test_only_real_people_are_listed_in_the_multi_person_clip(footage_track) -> None:
    track, detections = footage_track("multi_person_not_running_30fps.mp4")
    from sprintlens.capture.people import follow_people, listed_people

    listed = listed_people(follow_people(detections, track.t_s), detections, track.t_s)
    assert 2 <= len(listed) <= 3
    for person in listed:
        heights = [np.ptp(detections[f].positions_px[s][:, 1]) for f, s in zip(person.frames, person.slots)]
        assert np.median(heights) > 150  # people, not fits on the trees
