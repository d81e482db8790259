"""Small athletes on a still phone: their size in the image, the second sprinter, the finder score."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sprintlens.synth import (
    SMALL_HEIGHTS_PX,
    ClipSpec,
    body_height_px,
    distance_for_height,
    prepare,
    render_frame,
    small_athlete_cases,
)
from sprintlens.synth.accuracy import finder_accuracy, standing_height_px
from sprintlens.synth.clip import athlete_coverage
from sprintlens.synth.truth import build_truth, truth_track

CASES = small_athlete_cases()


@pytest.fixture(scope="module")
def truths():
    return {name: build_truth(prepare(spec)) for name, spec in CASES.items()}


def test_height_formula_round_trip():
    # 1.80 m at 19 m with a 50 deg lens on a 1280 px wide image: 1.8 * 640 / tan(25 deg) / 19
    assert body_height_px(1.8, 19.0, 50.0, 1280) == pytest.approx(1.8 * 640 / np.tan(np.radians(25)) / 19)
    assert body_height_px(1.8, distance_for_height(130.0, 50.0, 1280), 50.0, 1280) == pytest.approx(130.0)


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_size_and_framing(name, truths):
    truth, spec = truths[name], CASES[name]
    nominal = SMALL_HEIGHTS_PX[name]
    assert 120.0 <= nominal <= 200.0
    assert spec.render.size in ((1280, 720), (1920, 1080)) and spec.render.fps in (60.0, 120.0)
    assert not spec.camera.pan and spec.camera.yaw_deg == 0.0
    assert 1.5 <= truth["video"]["duration_s"] <= 3.0
    # the whole rep in view
    assert all(truth["frames"]["in_frame"])
    # the standing height measured from the truth landmarks (legs and trunk), in range every frame
    height = standing_height_px(truth)
    assert np.all((height > 0.97 * nominal) & (height < 1.03 * nominal))
    assert np.median(height) == pytest.approx(nominal, rel=0.01)
    # and the scale at the running line gives it exactly
    np.testing.assert_allclose(np.asarray(truth["frames"]["px_per_m"]) * truth["athlete"]["height_m"], nominal,
                               rtol=1e-5)


def test_block_starts_are_starts(truths):
    for name in ("small_blocks", "small_blocks_pair"):
        truth = truths[name]
        assert truth["scenario"] == "blocks" and truth["events"]["front_block_exit_s"] > 0
        assert sum(s["complete"] for s in truth["steps"]) >= 4


def test_second_sprinter_starts_in_the_next_lane():
    spec = CASES["small_blocks_pair"]
    prep = prepare(spec)
    points = prep.other[0]
    lane = spec.scene.lane_width_m
    hip = points["mid_hip"]
    # one lane further from the camera (z > 0 running left to right), on the same start line
    assert hip[0, 2] == pytest.approx(lane, abs=0.02)
    assert abs(hip[0, 0] - prep.points_m["mid_hip"][0, 0]) < 0.05
    # crouched in the set position at first, then sprinting: more than 6 m covered, rising to run
    assert hip[0, 1] < 0.8 and hip[-1, 1] > hip[0, 1] + 0.05
    assert hip[-1, 0] - hip[0, 0] > 6.0
    # their own blocks are on the track in their lane, and the athlete's figure is the same as alone
    assert sum(abs(p.points_m[:, 2].mean() - lane) < 0.3 for p in prep.scene.props) >= 2
    alone = prepare(replace(spec, second_person=None))
    last = prep.n_frames - 1
    np.testing.assert_array_equal(athlete_coverage(prep, last), athlete_coverage(alone, last))
    # they are drawn: the pictures differ where the second sprinter is, beyond the athlete
    diff = np.any(render_frame(prep, last) != render_frame(alone, last), axis=-1)
    assert diff.sum() > 500


def test_second_sprinter_record_round_trip():
    spec = CASES["small_blocks_pair"]
    assert ClipSpec.from_record(spec.as_record()) == spec


def test_finder_accuracy_known_answers(truths):
    truth = truths["small_running"]
    perfect = truth_track(truth).positions_px
    n = perfect.shape[0]
    score = finder_accuracy(truth, perfect)
    assert score.found_fraction == 1.0 and score.n_frames_in_view == n
    assert score.error_px_median == 0.0 and score.error_px_p90 == 0.0
    assert score.body_height_px == pytest.approx(120.0, rel=1e-4)
    # every landmark 3 px right and 4 px down (5 px off), every other frame missing
    shifted = perfect + np.array([3.0, 4.0])
    shifted[1::2] = np.nan
    score = finder_accuracy(truth, shifted)
    assert score.found_fraction == pytest.approx(np.ceil(n / 2) / n)
    assert score.error_px_median == pytest.approx(5.0) and score.error_px_p90 == pytest.approx(5.0)
    assert score.error_height_median == pytest.approx(5.0 / 120.0, rel=1e-4)
    # a frame with too few landmarks is not found; a short track misses its tail
    sparse = perfect.copy()
    sparse[:, 5:] = np.nan
    assert finder_accuracy(truth, sparse, min_landmarks=10).found_fraction == 0.0
    assert finder_accuracy(truth, perfect[: n // 4]).found_fraction == pytest.approx((n // 4) / n)
    with pytest.raises(ValueError):
        finder_accuracy(truth, perfect[:, :10])
