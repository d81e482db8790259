"""The view check: side on, oblique, frontal or rear, from known geometry, rendered views and a real rear view."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sprintlens import PoseConfig, track_video
from sprintlens.analysis.view import SHOULDER_BREADTH_TORSO, SIDE_ON_SHOULDER_TORSO, judge_view, yaw_from_shoulders
from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.track import PoseTrack, empty_landmarks


def figure_track(n: int = 60, *, yaw_deg: float = 0.0, travel_px: float = 600.0, grow: float = 1.0) -> PoseTrack:
    """A runner whose torso is 100 px (times ``grow`` by the end), shoulders set apart as a yaw gives."""
    arrays = empty_landmarks(n)
    scale = np.geomspace(1.0, grow, n)
    x = 200 + np.linspace(0, travel_px, n)
    torso = 100 * scale
    spread = torso * math.hypot(SIDE_ON_SHOULDER_TORSO, SHOULDER_BREADTH_TORSO * math.sin(math.radians(yaw_deg)))
    p = arrays["positions_px"]
    p[:, L.LEFT_SHOULDER] = np.c_[x - spread / 2, 300 - torso]
    p[:, L.RIGHT_SHOULDER] = np.c_[x + spread / 2, 300 - torso]
    p[:, L.LEFT_HIP] = np.c_[x - spread / 4, 300 + 0 * torso]
    p[:, L.RIGHT_HIP] = np.c_[x + spread / 4, 300 + 0 * torso]
    return PoseTrack(**arrays, t_s=np.arange(n) / 30, frame_index=np.arange(n), fps=30.0, frame_size=(1280, 720))


def test_the_yaw_is_read_back_from_the_shoulders() -> None:
    for yaw in (0.0, 20.0, 40.0, 70.0):
        s = math.hypot(SIDE_ON_SHOULDER_TORSO, SHOULDER_BREADTH_TORSO * math.sin(math.radians(yaw)))
        assert yaw_from_shoulders(s) == pytest.approx(yaw, abs=0.01)
    assert yaw_from_shoulders(0.05) == 0.0  # narrower than MediaPipe ever reads side on


@pytest.mark.parametrize(("yaw", "travel", "grow", "view"), [
    (5.0, 600.0, 1.0, "side on"),
    (35.0, 600.0, 1.0, "oblique"),
    (80.0, 0.0, 1.0, "end on"),  # a treadmill filmed from the front: no size change to say which
    (20.0, 30.0, 2.0, "frontal"),  # narrow shoulders, but growing while staying put: coming at the camera
    (20.0, 30.0, 0.4, "rear"),
])
def test_each_view_is_told(yaw, travel, grow, view) -> None:
    verdict = judge_view(figure_track(yaw_deg=yaw, travel_px=travel, grow=grow))
    assert verdict.view == view
    assert verdict.side_on == (view == "side on")
    assert ("not valid" in verdict.message) == (view != "side on")


@pytest.mark.slow
@pytest.mark.parametrize(("case", "view"), [("oblique", "oblique"), ("frontal", "frontal"), ("rear", "rear")])
def test_rendered_views_are_told_from_their_pose_tracks(tmp_path, case, view) -> None:
    from sprintlens.synth import render_clip, view_cases

    video = tmp_path / f"{case}.mp4"
    truth = render_clip(view_cases()[case], video)
    verdict = judge_view(track_video(video, PoseConfig()))
    assert verdict.view == view
    if case == "oblique":  # rendered 40 deg off side on
        assert abs(verdict.yaw_deg - abs(truth["camera"]["yaw_deg"])) < 10


@pytest.mark.footage
@pytest.mark.slow
def test_the_real_rear_view_is_not_side_on_and_real_side_views_are(footage_track) -> None:
    track, _ = footage_track("run_rear_view_30fps.mp4")
    verdict = judge_view(track)
    assert verdict.view == "rear" and not verdict.side_on
    for clip in ("treadmill_run_side_portrait_30fps.mp4", "sprint_side_small_30fps.mp4",
                 "block_start_side_a_30fps.mp4", "walk_side_30fps.mp4"):
        assert judge_view(footage_track(clip)[0]).side_on, clip
