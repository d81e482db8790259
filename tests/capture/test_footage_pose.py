"""Pose tracks of the real clips in ../shared/footage (skipped with a reason when absent).

Each clip is estimated once per session (``footage_track`` in conftest.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from sprintlens.capture.people import choose_athlete, follow_people
from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.track import PoseTrack

pytestmark = [pytest.mark.footage, pytest.mark.slow]

TREADMILL = "treadmill_run_side_portrait_30fps.mp4"
MULTI = "multi_person_not_running_30fps.mp4"
JOG = "jog_side_short_30fps.mp4"
WALK = "walk_side_30fps.mp4"


def midpoint(track: PoseTrack, left: L, right: L) -> np.ndarray:
    return (track.positions_px[:, left] + track.positions_px[:, right]) / 2


def torso(track: PoseTrack) -> tuple[np.ndarray, np.ndarray]:
    """Torso centre (T, 2) and shoulder-to-hip length (T,) in px."""
    shoulders = midpoint(track, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    hips = midpoint(track, L.LEFT_HIP, L.RIGHT_HIP)
    return (shoulders + hips) / 2, np.linalg.norm(shoulders - hips, axis=1)


def segment_cv(track: PoseTrack, a: L, b: L) -> float:
    """Coefficient of variation of the length of segment a-b over the frames with the athlete."""
    length = np.linalg.norm(track.positions_px[:, a] - track.positions_px[:, b], axis=1)[track.detected]
    return float(np.std(length) / np.mean(length))


def consecutive_pairs(track: PoseTrack) -> np.ndarray:
    """Indices k of frames where the athlete is found in both k-1 and k."""
    found = np.flatnonzero(track.detected)
    return found[1:][np.diff(found) == 1]


def upright_share(track: PoseTrack) -> float:
    """Share of frames with the athlete where nose is above hips and hips are above ankles (y down)."""
    nose = track.positions_px[:, L.NOSE, 1]
    hips = midpoint(track, L.LEFT_HIP, L.RIGHT_HIP)[:, 1]
    ankles = midpoint(track, L.LEFT_ANKLE, L.RIGHT_ANKLE)[:, 1]
    return float(((nose < hips) & (hips < ankles))[track.detected].mean())


def test_treadmill_runner_is_found_upright_with_stable_segments(footage_track) -> None:
    track, _ = footage_track(TREADMILL)
    assert (track.n_frames, track.frame_size, track.fps) == (360, (720, 1280), 30.0)
    assert track.coverage >= 0.95
    assert upright_share(track) >= 0.98
    # the runner faces left: the left leg is the near one, the right leg is partly behind the console
    assert segment_cv(track, L.LEFT_HIP, L.LEFT_KNEE) < 0.10
    assert segment_cv(track, L.LEFT_KNEE, L.LEFT_ANKLE) < 0.10
    assert segment_cv(track, L.RIGHT_HIP, L.RIGHT_KNEE) < 0.15
    assert segment_cv(track, L.RIGHT_KNEE, L.RIGHT_ANKLE) < 0.15
    centre, length = torso(track)
    assert np.nanstd(length) / np.nanmean(length) < 0.08
    # landmarks lie inside the portrait frame
    xy = track.positions_px[track.detected][:, :, :]
    assert np.nanmin(xy) > -50 and np.nanmax(xy[..., 0]) < 720 + 50 and np.nanmax(xy[..., 1]) < 1280 + 50
    np.testing.assert_allclose(track.t_s, np.arange(360) / 30, atol=1e-6)
    assert track.provenance["athlete"]["people_seen"] == 1


def test_multi_person_clip_follows_one_consistent_person(footage_track) -> None:
    track, _ = footage_track(MULTI)
    assert track.n_frames == 230
    centre, length = torso(track)
    pairs = consecutive_pairs(track)
    scale = np.nanmedian(length)
    jumps = np.linalg.norm(centre[pairs] - centre[pairs - 1], axis=1) / scale
    assert jumps.max() < 2.0, f"torso centre jumped {jumps.max():.1f} torso lengths between frames"
    # across short gaps too: no teleporting (1.5 torso lengths, plus 0.2 per missing frame: 6 per second)
    found = np.flatnonzero(track.detected)
    steps = np.linalg.norm(np.diff(centre[found], axis=0), axis=1) / scale
    assert np.all(steps <= 1.5 + 0.2 * (np.diff(found) - 1))
    ratio = length[pairs] / length[pairs - 1]
    assert 0.67 < ratio.min() and ratio.max() < 1.5
    assert np.nanstd(length[track.detected]) / scale < 0.15
    assert track.coverage >= 0.45


def test_multi_person_clip_chooses_the_woman_walking_across(footage_track) -> None:
    # Three people: a man jumping on a cabinet (torso centre y ~ 200 px) who later jumps down and
    # crawls, and a woman walking across the lawn from right to left (torso centre y ~ 650 px).
    # The default rule picks who moves most along the direction of travel: the walker.
    track, _ = footage_track(MULTI)
    centre, _ = torso(track)
    found = track.detected
    assert np.all(centre[found, 1] > 500), "the chosen person was on the cabinet in some frame"
    xs = centre[found, 0]
    assert xs[0] > 1200 and xs[-1] < 300  # right to left
    assert track.provenance["athlete"]["people_seen"] >= 2


def test_athlete_point_picks_the_jumper_on_the_cabinet(footage_track) -> None:
    track, detections = footage_track(MULTI)
    people = follow_people(detections, track.t_s)
    first = min(p.frames[0] for p in people)
    choice = choose_athlete(people, detections, track.t_s, point=(650.0, 250.0))
    assert choice.person.frames[0] == first
    centres = np.array(choice.person.centres)
    early = np.array(choice.person.frames) < 150  # before he jumps down
    assert early.sum() > 100
    assert np.all(centres[early, 1] < 400)  # up on the cabinet


def test_jogger_entering_and_leaving_is_followed_left_to_right(footage_track) -> None:
    track, _ = footage_track(JOG)
    assert (track.n_frames, track.frame_size) == (47, (480, 352))
    assert track.fps == pytest.approx(30000 / 1001)
    found = np.flatnonzero(track.detected)
    assert found[0] == 0 and np.all(np.diff(found) == 1)  # one unbroken stretch ...
    assert 28 <= found.size <= 40  # ... until the runner leaves the frame (about frame 33)
    centre, _ = torso(track)
    assert np.all(np.diff(centre[found, 0]) > -5)  # runs left to right
    assert upright_share(track) >= 0.9


def test_walker_is_found_while_in_view(footage_track) -> None:
    track, _ = footage_track(WALK)
    assert (track.n_frames, track.frame_size) == (401, (1280, 720))
    assert 0.7 <= track.coverage <= 0.85  # she walks in after ~1 s and out before the end
    assert upright_share(track) >= 0.98
    pairs = consecutive_pairs(track)
    centre, length = torso(track)
    assert (np.linalg.norm(centre[pairs] - centre[pairs - 1], axis=1) / np.nanmedian(length)).max() < 0.5
