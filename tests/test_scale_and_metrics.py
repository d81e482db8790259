"""Scale conversions, trends and cadence against known answers."""

from __future__ import annotations

import numpy as np
import pytest

from sprintlens.errors import AnalysisError
from sprintlens.events import Contact
from sprintlens.metrics import cadence_spm, trend, value_at
from sprintlens.scale import LEG_FRACTION_OF_HEIGHT, no_scale, parse_calibration, scale_from_height, scale_from_points


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
