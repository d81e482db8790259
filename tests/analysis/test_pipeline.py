"""track_video strung together with a scripted estimator (no model): what goes in comes out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sprintlens.capture.pose import Detections
from sprintlens.capture.tracking import PoseConfig, track_video
from sprintlens.capture.video import FrameSpan, file_sha256
from sprintlens.core.errors import NoAthleteError, VideoError
from sprintlens.core.landmarks import Landmark as L


def stick(x: float, y: float, torso: float = 20.0) -> np.ndarray:
    """A (33, 2) pose whose torso centre is at (x, y)."""
    pose = np.tile([x, y], (33, 1)).astype(float)
    pose[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER], 1] = y - torso / 2
    pose[[L.LEFT_HIP, L.RIGHT_HIP], 1] = y + torso / 2
    pose[[L.LEFT_ANKLE, L.RIGHT_ANKLE], 1] = y + 2 * torso
    return pose


class ScriptedEstimator:
    """Finds whoever ``people(frame_number)`` says is there; records the frames it was shown."""

    model_id = "scripted"
    model_version = "test"

    def __init__(self, people) -> None:  # noqa: ANN001
        self.people = people
        self.seen: list[tuple[int, tuple[int, ...]]] = []

    def estimate(self, rgb: np.ndarray, frame_number: int) -> Detections:
        self.seen.append((frame_number, rgb.shape))
        poses = self.people(frame_number)
        if not poses:
            return Detections.empty()
        n = len(poses)
        return Detections(np.stack(poses), np.zeros((n, 33)), np.full((n, 33), 0.8), np.full((n, 33), 0.9))

    def close(self) -> None:
        raise AssertionError("track_video must leave an estimator it was given open")


def test_the_track_holds_the_athletes_landmarks_times_and_provenance(make_clip) -> None:
    path = make_clip(n=20, fps=25, size=(96, 64))
    estimator = ScriptedEstimator(lambda k: [stick(2 * k, 30)] if k != 4 else [])
    progress: list[tuple[int, int]] = []
    track = track_video(path, estimator=estimator, progress=lambda done, expected: progress.append((done, expected)))
    assert track.n_frames == 20
    assert [k for k, _ in estimator.seen] == list(range(20))
    assert all(shape == (64, 96, 3) for _, shape in estimator.seen)  # RGB frames of the upright size
    np.testing.assert_array_equal(track.positions_px[7], stick(14, 30))
    assert track.detected.tolist() == [k != 4 for k in range(20)]
    np.testing.assert_allclose(track.t_s, np.arange(20) / 25, atol=1e-9)
    np.testing.assert_array_equal(track.frame_index, np.arange(20))
    assert (track.fps, track.frame_size) == (25.0, (96, 64))
    assert track.video_sha256 == file_sha256(path)
    assert (track.model_id, track.model_version) == ("scripted", "test")
    assert track.provenance["video"]["file"] == path.name
    assert track.provenance["athlete"]["people_seen"] == 1
    assert track.provenance["pose"]["max_people"] == 3
    assert progress == [(k, 20) for k in range(1, 21)]


def test_a_span_and_a_capture_rate(make_clip) -> None:
    path = make_clip(n=30, fps=30)
    config = PoseConfig(capture_fps=240.0, span=FrameSpan(start_frame=10, end_frame=16))
    track = track_video(path, config, estimator=ScriptedEstimator(lambda k: [stick(40, 30)]))
    np.testing.assert_array_equal(track.frame_index, np.arange(10, 16))
    np.testing.assert_allclose(track.t_s, np.arange(10, 16) / 240, atol=1e-9)
    assert track.fps == 240.0
    assert track.provenance["video"]["capture_fps_source"] == "user"


def test_the_athlete_point_chooses_between_two_people(make_clip) -> None:
    path = make_clip(n=10)
    people = ScriptedEstimator(lambda k: [stick(15, 30), stick(80, 30)])
    left = track_video(path, PoseConfig(athlete_point=(10.0, 30.0)), estimator=people)
    right = track_video(path, PoseConfig(athlete_point=(90.0, 30.0)), estimator=people)
    assert np.allclose(left.positions_px[:, 0, 0], 15) and np.allclose(right.positions_px[:, 0, 0], 80)


def test_nobody_in_the_clip(make_clip) -> None:
    with pytest.raises(NoAthleteError, match="nobody was found in any of its 12 frames"):
        track_video(make_clip(n=12), estimator=ScriptedEstimator(lambda k: []))


def test_a_span_past_the_end(make_clip) -> None:
    with pytest.raises(VideoError, match="no frames in the chosen range"):
        track_video(make_clip(n=12), PoseConfig(span=FrameSpan(start_frame=40)),
                    estimator=ScriptedEstimator(lambda k: [stick(40, 30)]))


def test_a_truncated_clip_fails_before_any_track_is_made(make_clip, clips, tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    path = make_clip(frames=[rng.integers(0, 255, (64, 96, 3), dtype=np.uint8) for _ in range(30)])
    clips.truncate(path)
    with pytest.raises(VideoError, match="truncated"):
        track_video(path, estimator=ScriptedEstimator(lambda k: [stick(40, 30)]))


# -- analyse_track: a clip with passes both ways -------------------------------------------------

@pytest.fixture(scope="module")
def out_and_back():
    from conftest import out_and_back_track

    return out_and_back_track()


def test_when_the_athlete_turns_the_rep_is_the_fastest_pass(out_and_back):
    from sprintlens.analysis.pipeline import analyse_track
    from sprintlens.analysis.result import AnalysisConfig

    whole, sprint, _ = out_and_back
    config = AnalysisConfig(height_m=1.8)
    both, alone = analyse_track(whole, config), analyse_track(sprint, config)
    assert [p.sign for p in both.passes] == [1, -1] and both.chosen_pass == both.passes[0]
    assert both.whole_track is whole and both.track.frame_index[0] == 0
    assert both.direction.sign == 1
    assert len(both.steps) == len(alone.steps) >= 3
    for mine, theirs in zip(both.steps, alone.steps):
        assert mine.foot == theirs.foot
        assert mine.touchdown_s == pytest.approx(theirs.touchdown_s, abs=1e-3)
        assert mine.contact_s == pytest.approx(theirs.contact_s, abs=2e-3)
        assert mine.step_length == pytest.approx(theirs.step_length, rel=0.02)
    # a single sprint across is one pass: nothing chosen, the whole track analysed
    assert alone.chosen_pass is None and alone.whole_track is None and len(alone.passes) == 1


def test_a_given_direction_picks_the_pass_that_way(out_and_back):
    from sprintlens.analysis.pipeline import analyse_track
    from sprintlens.analysis.result import AnalysisConfig

    whole, _, jog = out_and_back
    back = analyse_track(whole, AnalysisConfig(height_m=1.8, direction=-1))
    assert back.chosen_pass == back.passes[1] and back.direction.sign == -1
    assert back.track.frame_index[-1] == whole.frame_index[-1]
    alone = analyse_track(jog, AnalysisConfig(height_m=1.8))
    assert len(back.steps) == len(alone.steps) >= 2
    assert [s.contact_s for s in back.steps] == pytest.approx([s.contact_s for s in alone.steps], abs=2e-3)
    assert np.mean([s.contact_s for s in back.steps]) > 0.15  # the jog's contacts, not the sprint's 0.10 s
