"""The suitability verdict of `sprintlens info`, from metadata alone (known thresholds)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sprintlens.capture.suitability import Status, assess
from sprintlens.capture.video import VideoInfo

GOOD = VideoInfo(path=Path("rep.mp4"), width=1920, height=1080, fps=30.0, capture_fps=240.0,
                 capture_fps_source="com.android.capture.fps", n_frames=480, duration_s=16.0, rotation_deg=0,
                 codec="h264")


def check(info: VideoInfo, name: str, intervals_s: np.ndarray | None = None):  # noqa: ANN201
    return {c.name: c for c in assess(info, intervals_s).checks}[name]


def test_a_240_fps_landscape_clip_is_suitable() -> None:
    verdict = assess(GOOD)
    assert verdict.status is Status.OK
    assert verdict.verdict == "suitable for sprint analysis"
    assert [c.name for c in verdict.checks] == ["frame rate", "resolution", "orientation", "duration", "timing"]


@pytest.mark.parametrize(("fps", "status"), [(240.0, Status.OK), (120.0, Status.OK), (100.0, Status.OK),
                                             (59.94, Status.WARN), (30.0, Status.WARN), (15.0, Status.WARN),
                                             (12.0, Status.BAD)])
def test_frame_rate_thresholds(fps: float, status: Status) -> None:
    assert check(replace(GOOD, capture_fps=fps, fps=min(fps, 30.0)), "frame rate").status is status


def test_frame_rate_message_gives_the_timing_resolution() -> None:
    message = check(GOOD, "frame rate").message
    assert "4.2 ms" in message and "24 frames" in message  # 1/240 s; 0.10 s * 240
    assert "33 ms" in check(replace(GOOD, capture_fps=30.0), "frame rate").message


@pytest.mark.parametrize(("size", "status"), [((1280, 720), Status.OK), ((720, 1280), Status.OK),
                                              ((640, 480), Status.WARN), ((480, 352), Status.WARN),
                                              ((320, 200), Status.BAD)])
def test_resolution_thresholds(size: tuple[int, int], status: Status) -> None:
    assert check(replace(GOOD, width=size[0], height=size[1]), "resolution").status is status


def test_portrait_is_a_warning_and_says_why() -> None:
    result = check(replace(GOOD, width=1080, height=1920, rotation_deg=90), "orientation")
    assert result.status is Status.WARN
    assert "portrait" in result.message and "rotated 90 deg" in result.message


@pytest.mark.parametrize(("n_frames", "fps", "capture", "status"), [
    (480, 30.0, 240.0, Status.OK),      # 2 s of real time
    (72, 30.0, 240.0, Status.BAD),      # 0.3 s real
    (30, 30.0, 30.0, Status.WARN),      # 1 s
    (40 * 60 * 11, 30.0, 30.0, Status.WARN),  # 26,400 frames: more than 10 min of pose estimation
])
def test_duration_is_judged_on_real_time(n_frames: int, fps: float, capture: float, status: Status) -> None:
    info = replace(GOOD, n_frames=n_frames, fps=fps, capture_fps=capture, duration_s=n_frames / fps)
    assert check(info, "duration").status is status


def test_timing_reports_slow_motion_and_variable_frame_rate() -> None:
    message = check(GOOD, "timing", np.array([1 / 30, 1 / 30, 1 / 20])).message
    assert "slow motion x8" in message and "real time" in message
    assert "variable frame rate" in message
    # intervals are reported in real time: 1/30 s of playback is 4.2 ms of an 8x slow-motion clip
    assert "4.2-6.2 ms" in message


def test_timing_of_a_constant_rate_normal_clip() -> None:
    info = replace(GOOD, capture_fps=30.0, capture_fps_source="header")
    message = check(info, "timing", np.full(10, 1 / 30)).message
    assert "constant frame rate" in message and "--capture-fps" in message


def test_overall_status_is_the_worst_check() -> None:
    assert assess(replace(GOOD, capture_fps=30.0)).status is Status.WARN
    assert assess(replace(GOOD, width=200, height=150)).status is Status.BAD
    assert assess(replace(GOOD, width=200, height=150)).verdict == "not suitable for sprint analysis"


def test_a_file_holding_fewer_frames_than_its_header_lists_is_bad() -> None:
    truncated = check_with_count(GOOD, 200)
    assert truncated.status is Status.BAD
    assert "only 200 of the 480 frames" in truncated.message
    assert check_with_count(GOOD, 480).status is Status.OK
    assert check_with_count(GOOD, 478).status is Status.OK  # the decoder's slack of two frames
    assert "file" not in {c.name for c in assess(GOOD).checks}  # no count, no check


def check_with_count(info: VideoInfo, frames_in_file: int):  # noqa: ANN201
    return {c.name: c for c in assess(info, None, frames_in_file).checks}["file"]


def test_the_athletes_size_says_what_it_allows() -> None:
    from sprintlens.capture.suitability import athlete_size

    ok = athlete_size(170.0, 720, 30.0)
    assert ok.status is Status.OK
    assert ok.message == ("athlete 170 px tall (24 % of the frame height): fine for angles; feet are 26 px: "
                          "contact timing +/-1 frame (+/-33 ms)")
    small = athlete_size(90.0, 1080, 240.0)  # feet of 14 px: two frames, at 240 fps 8 ms
    assert small.status is Status.WARN
    assert "several degrees" in small.message and "+/-2 frames (+/-8 ms)" in small.message
    assert athlete_size(50.0, 720, 30.0).status is Status.BAD
    nobody = athlete_size(float("nan"), 720, 30.0)
    assert nobody.status is Status.BAD and "nobody found" in nobody.message
