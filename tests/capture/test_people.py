"""Following people and choosing the athlete, on synthetic detections with known answers (no model)."""

from __future__ import annotations

import numpy as np
import pytest

from sprintlens.capture.people import (
    DUPLICATE_TORSO,
    athlete_arrays,
    choose_athlete,
    distinct_detections,
    follow_people,
    torso_centre_and_length,
)
from sprintlens.capture.pose import Detections
from sprintlens.core.errors import NoAthleteError
from sprintlens.core.landmarks import Landmark as L

FPS = 30.0
TORSO_PX = 100.0


def figure(x: float, y: float, torso: float = TORSO_PX, stride: float = 0.0) -> np.ndarray:
    """A standing side-on figure (33, 2) whose torso centre is at (x, y); ``stride`` spreads the feet."""
    pose = np.zeros((33, 2))
    pose[:11] = (x, y - 1.1 * torso)  # head
    pose[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER]] = (x, y - torso / 2)
    pose[[L.LEFT_ELBOW, L.RIGHT_ELBOW]] = (x, y)
    pose[[L.LEFT_WRIST, L.RIGHT_WRIST, L.LEFT_PINKY, L.RIGHT_PINKY, L.LEFT_INDEX, L.RIGHT_INDEX,
          L.LEFT_THUMB, L.RIGHT_THUMB]] = (x, y + torso / 2)
    pose[[L.LEFT_HIP, L.RIGHT_HIP]] = (x, y + torso / 2)
    pose[[L.LEFT_KNEE, L.RIGHT_KNEE]] = (x, y + 1.4 * torso)
    for side, sign in ((("LEFT",), 1), (("RIGHT",), -1)):
        for part in ("ANKLE", "HEEL", "FOOT_INDEX"):
            pose[L[f"{side[0]}_{part}"]] = (x + sign * stride, y + 2.3 * torso)
    return pose


def frame(*poses: np.ndarray, visibility: tuple[float, ...] | None = None) -> Detections:
    """Detections of one frame holding ``poses`` (in that order)."""
    if not poses:
        return Detections.empty()
    positions = np.stack(poses)
    vis = np.ones((len(poses), 33)) * 0.9 if visibility is None else np.repeat(
        np.asarray(visibility, dtype=float)[:, None], 33, axis=1)
    return Detections(positions, np.zeros((len(poses), 33)), vis, vis.copy())


def times(n: int) -> np.ndarray:
    return np.arange(n) / FPS


def centre_x(person, detections) -> np.ndarray:
    return np.array([torso_centre_and_length(detections[f].positions_px[s])[0][0]
                     for f, s in zip(person.frames, person.slots)])


def test_figure_helper_has_the_stated_torso() -> None:
    centre, length = torso_centre_and_length(figure(300, 400, torso=80))
    np.testing.assert_allclose(centre, (300, 400))
    assert length == pytest.approx(80)


def test_two_people_keep_their_identity_when_detection_order_swaps() -> None:
    n = 40
    runner = [figure(100 + 10 * k, 500) for k in range(n)]
    bystander = [figure(900, 500) for _ in range(n)]
    detections = [frame(runner[k], bystander[k]) if k % 2 else frame(bystander[k], runner[k]) for k in range(n)]
    people = follow_people(detections, times(n))
    assert len(people) == 2
    by_start = sorted(people, key=lambda p: centre_x(p, detections)[0])
    np.testing.assert_allclose(centre_x(by_start[0], detections), 100 + 10 * np.arange(n))
    np.testing.assert_allclose(centre_x(by_start[1], detections), 900)
    assert all(p.frames == list(range(n)) for p in people)


def test_a_runner_crossing_the_frame_is_chosen_over_a_still_bystander_present_throughout() -> None:
    n = 60
    detections = []
    for k in range(n):
        poses = [figure(1500, 500, stride=5)]
        if 10 <= k < 50:  # the runner is in view for 40 of 60 frames
            poses.insert(0, figure(30 * (k - 10), 520, stride=40 * np.sin(k)))
        detections.append(frame(*poses))
    people = follow_people(detections, times(n))
    assert len(people) == 2
    choice = choose_athlete(people, detections, times(n))
    assert choice.person.frames == list(range(10, 50))
    np.testing.assert_allclose(centre_x(choice.person, detections), 30 * np.arange(40))
    assert choice.coverage == pytest.approx(40 / 60)
    assert choice.n_people == 2
    # hips and ankles move 30 px a frame on average: 30 * 30 fps / 100 px torso = 9 torso lengths/s
    assert choice.speed_torso_per_s == pytest.approx(9.0, rel=0.05)


def test_a_brief_passer_by_is_not_chosen_over_the_athlete_in_view_throughout() -> None:
    n = 60
    detections = []
    for k in range(n):
        poses = [figure(500 + 3 * np.sin(k / 3), 500, stride=60 * np.sin(k / 2))]  # treadmill runner
        if 20 <= k < 30:  # someone walks fast through 10 frames
            poses.append(figure(200 + 60 * (k - 20), 300))
        detections.append(frame(*poses))
    choice = choose_athlete(follow_people(detections, times(n)), detections, times(n))
    assert choice.person.frames == list(range(n))


def test_a_person_missing_for_less_than_max_gap_keeps_one_identity() -> None:
    n = 60
    missing = range(20, 35)  # 0.5 s at 30 fps
    detections = [frame() if k in missing else frame(figure(300 + 2 * k, 500)) for k in range(n)]
    people = follow_people(detections, times(n), max_gap_s=1.0)
    assert len(people) == 1
    assert people[0].frames == [k for k in range(n) if k not in missing]


def test_a_person_missing_for_longer_than_max_gap_becomes_a_new_person() -> None:
    n = 60
    missing = range(10, 50)  # 1.33 s
    detections = [frame() if k in missing else frame(figure(300, 500)) for k in range(n)]
    people = follow_people(detections, times(n), max_gap_s=1.0)
    assert [p.frames for p in people] == [list(range(10)), list(range(50, 60))]


def test_point_picks_the_nearest_person_on_the_first_frame_with_someone() -> None:
    n = 30
    detections = [frame() for _ in range(5)]
    detections += [frame(figure(200, 500), figure(700 - 5 * k, 500)) for k in range(n - 5)]
    people = follow_people(detections, times(n))
    near_right = choose_athlete(people, detections, times(n), point=(690.0, 480.0))
    assert near_right.person.frames[0] == 5
    np.testing.assert_allclose(centre_x(near_right.person, detections), 700 - 5 * np.arange(n - 5))
    assert "frame 5" in near_right.rule
    near_left = choose_athlete(people, detections, times(n), point=(150.0, 480.0))
    np.testing.assert_allclose(centre_x(near_left.person, detections), 200)


def test_a_point_with_nobody_near_it_is_an_error() -> None:
    detections = [frame(figure(200, 500, torso=60))]
    people = follow_people(detections, times(1))
    body = float(np.ptp(detections[0].positions_px[0][:, 1]))
    with pytest.raises(NoAthleteError, match="nobody is near"):
        choose_athlete(people, detections, times(1), point=(200.0 + 3 * body, 500.0))
    assert choose_athlete(people, detections, times(1), point=(200.0 + 0.5 * body, 500.0)).person is people[0]


def test_point_inside_a_persons_box_beats_a_nearer_centre() -> None:
    # the point lies inside the tall figure's box though the other figure's centre is nearer
    detections = [frame(figure(200, 500, torso=200), figure(420, 520, torso=40))]
    people = follow_people(detections, times(1))
    choice = choose_athlete(people, detections, times(1), point=(290.0, 520.0))
    assert centre_x(choice.person, detections)[0] == pytest.approx(200)


def test_nobody_raises_no_athlete_error() -> None:
    detections = [frame() for _ in range(10)]
    people = follow_people(detections, times(10))
    assert people == []
    with pytest.raises(NoAthleteError, match="nobody"):
        choose_athlete(people, detections, times(10))


def test_a_person_found_twice_in_a_frame_counts_once_and_keeps_the_more_visible_fit() -> None:
    n = 20
    offset = 0.3 * DUPLICATE_TORSO * TORSO_PX
    detections = [frame(figure(400 + offset, 500), figure(400, 500), visibility=(0.6, 0.95)) for _ in range(n)]
    assert distinct_detections(detections[0]) == [1]
    people = follow_people(detections, times(n))
    assert len(people) == 1
    assert people[0].slots == [1] * n


def test_two_people_side_by_side_are_not_duplicates() -> None:
    found = frame(figure(400, 500), figure(400 + 2 * DUPLICATE_TORSO * TORSO_PX, 500))
    assert distinct_detections(found) == [0, 1]


def test_a_fresh_chain_keeps_its_person_against_a_stale_chain_lying_closer() -> None:
    # A ghost fit at x=400 in frames 0-1 lies where the walker (2 px a frame from x=300) arrives at
    # frame 50; the walker's own chain, seen one frame ago, must keep the walker.
    n = 60
    detections = []
    for k in range(n):
        poses = [figure(300 + 2 * k, 500)]
        if k < 2:
            poses.append(figure(400, 500))
        detections.append(frame(*poses))
    people = follow_people(detections, times(n), max_gap_s=10.0)
    walker = max(people, key=lambda p: p.n_frames)
    assert walker.frames == list(range(n))


def test_a_much_smaller_fit_near_a_person_is_not_linked_to_them() -> None:
    n = 10
    detections = [frame(figure(400, 500)) for _ in range(n)]
    detections[5] = frame(figure(420, 520, torso=25))  # a stray part-body fit
    people = follow_people(detections, times(n))
    main = max(people, key=lambda p: p.n_frames)
    assert 5 not in main.frames
    assert main.frames == [k for k in range(n) if k != 5]


def test_athlete_arrays_put_the_persons_landmarks_in_their_frames_and_nan_elsewhere() -> None:
    detections = [frame(), frame(figure(100, 200)), frame(), frame(figure(104, 200))]
    people = follow_people(detections, times(4))
    arrays = athlete_arrays(people[0], detections)
    assert arrays["positions_px"].shape == (4, 33, 2)
    np.testing.assert_array_equal(arrays["positions_px"][1], figure(100, 200))
    np.testing.assert_array_equal(arrays["positions_px"][3], figure(104, 200))
    assert np.isnan(arrays["positions_px"][[0, 2]]).all()
    assert np.isnan(arrays["visibility"][0]).all() and (arrays["visibility"][1] == 0.9).all()
