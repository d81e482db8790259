"""The one number formatter."""

from __future__ import annotations

import math

import pytest

from sprintlens.core.catalogue import BY_NAME
from sprintlens.core.formatting import (
    display_unit,
    format_change,
    format_number,
    format_percent,
    format_value,
)


@pytest.mark.parametrize(("value", "name", "unit", "expected"), [
    (0.1004, "contact_s", "m", "100 ms"),
    (0.1006, "contact_s", "m", "101 ms"),
    (10.59, "step_velocity", "m", "10.6 m/s"),
    (10.59, "top_velocity", "m/s", "10.6 m/s"),
    (9.46, "step_velocity", "legs", "9.5 legs/s"),
    (-7.44, "knee_drive_deg", "m", "-7 deg"),
    (2.1349, "step_length", "m", "2.13 m"),
    (2.1349, "step_length", "legs", "2.13 legs"),
    (4.567, "step_frequency_hz", "m", "4.57 Hz"),
    (271.6, "cadence_spm", "m", "272 steps/min"),
    (0.4449, "duty_factor", "m", "44 %"),
    (0.412, "block_time_s", "m", "412 ms"),
    (14.0, "n_steps", "m", "14"),
    (-0.2, "hip_extension_toeoff_deg", "deg", "0 deg"),  # never "-0"
    (-0.0004, "contact_s", "s", "0 ms"),
])
def test_values(value, name, unit, expected):
    assert format_value(value, name, unit) == expected


@pytest.mark.parametrize("missing", [float("nan"), None, math.inf])
def test_missing(missing):
    assert format_value(missing, "contact_s") == "-"
    assert format_number(missing, "step_velocity") == "-"
    assert format_change(missing, "knee_drive_deg") == "-"
    assert format_percent(missing) == "-"


def test_frame_period_rule():
    # 100 fps and more (or unknown): whole ms; below: 10 ms steps
    assert format_value(0.1034, "contact_s", fps=240) == "103 ms"
    assert format_value(0.1034, "contact_s", fps=100) == "103 ms"
    assert format_value(0.1034, "contact_s") == "103 ms"
    assert format_value(0.1034, "contact_s", fps=60) == "100 ms"
    assert format_value(0.1066, "flight_s", fps=30) == "110 ms"
    assert format_change(-0.0134, "contact_s", fps=30) == "-10 ms"
    # only times: other metrics ignore the frame rate
    assert format_value(4.567, "step_frequency_hz", fps=30) == "4.57 Hz"
    # spreads and thresholds are not coarsened and get a decimal more
    assert format_value(0.0034, "contact_s", fps=30, spread=True) == "3.4 ms"
    assert format_value(0.8, "trunk_lean_touchdown_deg", spread=True) == "0.8 deg"


def test_changes():
    assert format_change(0.011, "contact_s", "s", 11.0) == "+11 %"
    assert format_change(0.001, "contact_s", "s", 1.04) == "+1.0 %"
    assert format_change(-6.0, "hip_extension_toeoff_deg") == "-6 deg"
    assert format_change(0.012, "contact_s") == "+12 ms"
    assert format_change(0.0, "knee_drive_deg") == "+0 deg"
    assert format_change(-0.31, "step_velocity", "m/s") == "-0.3 m/s"
    assert format_change(0.2, "step_velocity", "m", float("nan")) == "+0.2 m/s"
    assert format_number(-0.31, "step_velocity", sign=True) == "-0.3"
    assert format_percent(-9.6) == "-10 %" and format_percent(0.04) == "+0.0 %"


def test_units_and_html():
    assert display_unit("contact_s") == "ms"
    assert display_unit("step_velocity", "legs") == "legs/s"
    assert display_unit("step_velocity", "legs/s") == "legs/s"
    assert display_unit("knee_drive_deg", degree_sign=True) == "°"
    assert format_value(12.3, "knee_drive_deg", degree_sign=True) == "12°"
    assert format_value(0.45, BY_NAME["duty_factor"]) == "45 %"


def test_names_outside_the_catalogue_go_by_unit():
    assert format_value(0.0123, "custom", "s") == "12 ms"
    assert format_value(3.21, "custom", "deg") == "3 deg"
    assert format_value(9.87, "custom", "m/s") == "9.9 m/s"
    assert format_value(0.123, "custom", "m") == "0.12 m"
