"""Acceptance on real footage: the treadmill run and the walk (issue 4 accuracy targets)."""

from __future__ import annotations

import numpy as np
import pytest

from sprintlens.analysis.pipeline import analyse_track
from sprintlens.capture.tracking import track_video

pytestmark = pytest.mark.footage


@pytest.fixture(scope="module")
def treadmill(request):
    from conftest import footage_path

    return analyse_track(track_video(footage_path("treadmill_run_side_portrait_30fps.mp4")))


@pytest.fixture(scope="module")
def walk():
    from conftest import footage_path

    return analyse_track(track_video(footage_path("walk_side_30fps.mp4")))


def test_treadmill_cadence_within_one_percent(treadmill):
    assert treadmill.summary.gait == "running"
    assert treadmill.summary.cadence_spm == pytest.approx(168.9, rel=0.01)


def test_treadmill_contact_times_and_duty_factor(treadmill):
    contacts = np.array([s.contact_s for s in treadmill.steps])
    assert len(contacts) >= 25  # about 34 steps in 12 s
    assert np.all((contacts >= 0.180) & (contacts <= 0.320)), np.round(contacts * 1000)
    assert treadmill.summary.duty_factor < 0.5


def test_treadmill_on_the_spot_is_found_facing_left(treadmill):
    assert treadmill.direction.sign == -1 and treadmill.direction.method == "facing"
    assert np.median(treadmill.ground_speed_px_s) > 0  # the belt carries the planted foot backwards (+x)


def test_treadmill_timing_is_marked_low_confidence_at_30_fps(treadmill):
    assert treadmill.summary.low_confidence_timing
    assert all(s.low_confidence_timing and s.timing_unc_s == pytest.approx(1 / 30) for s in treadmill.steps)


def test_walk_is_reported_as_walking_without_flight_times(walk):
    assert walk.summary.gait == "walking"
    assert all(np.isnan(s.flight_s) for s in walk.steps)
    assert "no flight" in walk.gait.reason


def test_the_walk_out_and_back_is_two_passes_and_the_rep_is_the_first(walk):
    # she walks in from the right, turns at the left edge and goes back (backwards) to the right
    assert [p.sign for p in walk.passes] == [-1, 1]
    assert walk.chosen_pass == walk.passes[0] and walk.whole_track.n_frames == 401
    assert walk.direction.sign == -1 and walk.direction.method == "hip travel"
    lengths = np.array([s.step_length for s in walk.steps])
    assert np.all(lengths > 0.2), lengths  # leg lengths; one pass, so no step reads backwards
    assert walk.summary.gait == "walking"
