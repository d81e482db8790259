"""StepTable: the one shape of per-step data (analysis, logbook records, statistics)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from sprintlens.core.step_table import StepTable, step_field_unit


@dataclass(frozen=True)
class _Step:
    index: int
    foot: str
    foot_view: str
    contact_s: float
    step_length: float
    step_velocity: float
    touchdown_frame: int
    low_confidence_timing: bool


STEPS = [_Step(1, "left", "near", 0.101, 2.1, 9.5, 40, False),
         _Step(2, "right", "far", math.nan, 2.2, 9.6, 64, True)]


def test_an_analysis_table_keeps_each_fields_type_and_order() -> None:
    table = StepTable.from_steps(STEPS, _Step, "m")
    assert list(table) == ["index", "foot", "foot_view", "contact_s", "step_length", "step_velocity",
                           "touchdown_frame", "low_confidence_timing"]
    assert table.n_steps == 2 and table["index"].dtype == np.int64 and table["low_confidence_timing"].dtype == bool
    assert list(table.feet) == ["left", "right"]
    assert np.isnan(table["contact_s"][1]) and table["contact_s"][0] == 0.101
    with pytest.raises(ValueError):
        table["contact_s"][0] = 1.0  # read-only
    rows = table.rows()
    assert rows[0] == {"index": 1, "foot": "left", "foot_view": "near", "contact_s": 0.101, "step_length": 2.1,
                       "step_velocity": 9.5, "touchdown_frame": 40, "low_confidence_timing": False}
    assert type(rows[0]["index"]) is int and type(rows[0]["low_confidence_timing"]) is bool


def test_rows_read_back_give_the_same_numbers() -> None:
    table = StepTable.from_steps(STEPS, _Step, "m")
    back = StepTable.from_rows(table.rows(), "m")
    for name in ("contact_s", "step_length", "touchdown_frame"):
        np.testing.assert_array_equal(back.numbers(name), table.numbers(name))
    assert list(back.feet) == ["left", "right"]
    assert np.isnan(back.numbers("no_such_metric")).all() and back.numbers("no_such_metric").shape == (2,)


def test_units_come_from_the_catalogue_and_the_reps_distance_unit() -> None:
    table = StepTable.from_steps(STEPS, _Step, "legs")
    assert table.unit("contact_s") == "s"
    assert table.unit("step_length") == "legs" and table.unit("step_velocity") == "legs/s"
    assert table.unit("touchdown_frame") == "frame" and table.unit("foot") == ""
    assert step_field_unit("hip_extension_toeoff_deg") == "deg" and step_field_unit("step_frequency_hz") == "Hz"
    assert step_field_unit("knee_height_thighs") == "thighs" and step_field_unit("step_length_unc", "m") == "m"


def test_steps_left_out_read_as_missing_and_equality_sees_nan_as_equal() -> None:
    table = StepTable.from_steps(STEPS, _Step, "m")
    kept = table.without(np.array([True, False]))
    assert np.isnan(kept["step_length"][0]) and kept["step_length"][1] == 2.2
    assert list(kept.feet) == ["left", "right"] and list(kept["index"]) == [1, 2]
    assert StepTable.from_steps(STEPS, _Step, "m") == table  # NaN contact in both
    assert kept != table and StepTable.from_steps(STEPS, _Step, "legs") != table


def test_columns_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="different lengths"):
        StepTable({"a": np.zeros(2), "b": np.zeros(3)})


def test_stored_verdicts_read_back_and_tables_without_them_are_trusted() -> None:
    rows = [{"index": 1, "contact_s": "0.1", "trusted": "1", "quality_reasons": ""},
            {"index": 2, "contact_s": "0.04", "trusted": "0", "quality_reasons": "contact short (40 ms)"}]
    table = StepTable.from_rows(rows)
    assert table["trusted"].dtype == bool and list(table.trusted) == [True, False]
    assert list(table["quality_reasons"]) == ["", "contact short (40 ms)"]
    as_numbers = StepTable.from_rows([{"index": 1, "trusted": 1.0}, {"index": 2, "trusted": 0.0}])  # the logbook's
    assert list(as_numbers.trusted) == [True, False]
    old = StepTable.from_rows([{"index": 1, "contact_s": 0.1}, {"index": 2, "contact_s": 0.11}])
    assert list(old.trusted) == [True, True]
    assert list(StepTable({}).trusted) == []
