"""Scale conversions, trends and cadence against known answers."""

from __future__ import annotations

import numpy as np
import pytest

from sprintlens.analysis.contacts import Contact
from sprintlens.analysis.scale import (
    LEG_FRACTION_OF_HEIGHT,
    no_scale,
    parse_calibration,
    scale_from_height,
    scale_from_points,
)
from sprintlens.analysis.steps import cadence_spm, trend, value_at
from sprintlens.core.errors import AnalysisError


def test_height_scale():
    scale = scale_from_height(leg_px=491.0, height_m=2.0)
    assert scale.px_per_m == pytest.approx(491.0 / (LEG_FRACTION_OF_HEIGHT * 2.0))
    assert scale.unit == "m"
    assert scale.distance(scale.px_per_m * 1.5) == pytest.approx(1.5)


def test_two_point_scale_and_leg_length_fallback():
    scale = scale_from_points(300.0, 100, 500, 700, 500, 5.0)
    assert scale.px_per_m == pytest.approx(120.0) and scale.source == "calibration"
    legs = no_scale(300.0)
    assert legs.unit == "legs" and legs.distance(600.0) == pytest.approx(2.0)


@pytest.mark.parametrize("height", [0.5, 3.0, float("nan")])
def test_bad_height_is_refused(height):
    with pytest.raises(AnalysisError):
        scale_from_height(300.0, height)


def test_bad_calibration_is_refused():
    with pytest.raises(AnalysisError):
        parse_calibration("1,2,3")
    with pytest.raises(AnalysisError):
        scale_from_points(300.0, 1, 1, 2, 2, 5.0)  # points too close
    assert parse_calibration("1,2,3,4,5.5") == (1.0, 2.0, 3.0, 4.0, 5.5)


def test_trend_of_a_straight_line():
    tr = trend([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    assert tr.slope_per_step == pytest.approx(1.0)
    assert tr.mean == pytest.approx(3.5)
    assert tr.first_last_change == pytest.approx(4.0)
    assert trend([float("nan")]).n == 0


def test_cadence_from_touchdowns_ignores_jitter_in_a_few_events():
    rng = np.random.default_rng(0)
    touchdowns = 0.3 + 0.355 * np.arange(30) + rng.normal(0, 0.01, 30)
    contacts = [Contact("left", td, td + 0.2, 0, 1, 0.03, 0.0, 0.0) for td in touchdowns]
    assert cadence_spm(contacts) == pytest.approx(60 / 0.355, rel=0.005)


def test_value_at_interpolates_and_refuses_outside():
    t = np.array([0.0, 1.0, 2.0])
    v = np.array([0.0, 10.0, 30.0])
    assert value_at(t, v, 1.5) == pytest.approx(20.0)
    assert np.isnan(value_at(t, v, 3.0))


def _step(index, touchdown, step_time, length):
    from sprintlens.analysis.steps import Step

    return Step(index=index, foot="left", foot_view="", touchdown_s=touchdown, toeoff_s=touchdown + 0.1,
                next_touchdown_s=touchdown + step_time, contact_s=0.1, flight_s=step_time - 0.1,
                step_time_s=step_time, step_frequency_hz=1 / step_time, timing_unc_s=0.01,
                step_frequency_unc_hz=0.1, step_length=length, step_length_unc=0.05,
                step_velocity=length / step_time, touchdown_distance=0.3, hip_extension_toeoff_deg=20.0,
                thigh_toeoff_deg=-20.0, shin_touchdown_deg=0.0, trunk_lean_touchdown_deg=5.0, knee_drive_deg=70.0,
                knee_height_thighs=-0.2, max_thigh_separation_deg=100.0, touchdown_frame=0, full_support_frame=0,
                toeoff_frame=0, max_separation_frame=0, low_confidence_timing=False)


def test_top_speed_is_a_stride_average_of_the_hips_not_a_single_step():
    from sprintlens.analysis.steps import top_speed

    fps = 200.0
    t, steps = 0.0, []
    for i, (step_time, length) in enumerate([(0.22, 2.1), (0.22, 2.1), (0.16, 2.1), (0.28, 2.1), (0.22, 2.1)]):
        steps.append(_step(i + 1, t, step_time, length))
        t += step_time
    times = np.arange(int(t * fps)) / fps
    velocity = 9.5 + 0.3 * np.sin(2 * np.pi * times / 0.22)  # steady 9.5 m/s with a bounce each step
    velocity[times > 0.9] += 0.5  # a tenth of a second faster towards the end ...
    speed, step = top_speed(velocity, times, fps, steps)
    assert max(s.step_velocity for s in steps) == pytest.approx(2.1 / 0.16)  # a short step alone: 13.1 m/s
    assert 9.5 < speed < 10.1 and step in (4, 5)
    velocity[:] = np.nan
    assert np.isnan(top_speed(velocity, times, fps, steps)[0])
