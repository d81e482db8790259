"""The metric catalogue: every metric once, with sane ranges and the fatigue tables' figures."""

from __future__ import annotations

import dataclasses
import math

import pytest

from sprintlens.analysis.steps import STEP_METRICS, RepSummary, Step
from sprintlens.core.catalogue import (
    BY_NAME,
    DIRECTIONS,
    KINDS,
    METRICS,
    SCOPES,
    STEP_METRIC_NAMES,
    Metric,
)
from sprintlens.logbook.fatigue import ALL_METRICS, FATIGUE_METRICS, STEP_LENGTH
from sprintlens.logbook.records import REP_VALUES

#: Step fields that are not metrics: identity, event times, uncertainties, frames, flags.
NOT_METRICS = {"index", "foot", "foot_view", "touchdown_s", "toeoff_s", "next_touchdown_s", "timing_unc_s",
               "step_frequency_unc_hz", "step_length_unc", "touchdown_frame", "full_support_frame", "toeoff_frame",
               "max_separation_frame", "low_confidence_timing", "trusted", "quality_reasons"}


def test_every_metric_once():
    names = [m.name for m in METRICS]
    assert len(names) == len(set(names))
    assert BY_NAME == {m.name: m for m in METRICS}
    labels = [m.label for m in METRICS]
    assert len(labels) == len(set(labels))


def test_every_step_field_that_is_a_metric_is_catalogued():
    fields = {f.name for f in dataclasses.fields(Step)} - NOT_METRICS
    assert fields <= set(BY_NAME)
    assert all(BY_NAME[f].scope == "step" for f in fields)


def test_rep_metrics_are_catalogued():
    numeric = {f.name for f in dataclasses.fields(RepSummary) if f.type in ("float", "int")} - {"fps"}
    assert {"cadence_spm", "n_steps", "block_time_s"} <= numeric <= set(BY_NAME)
    assert set(REP_VALUES) <= set(BY_NAME)
    assert all(BY_NAME[name].scope == "rep" for name in REP_VALUES)


def test_step_metrics_summarised_per_rep_unchanged():
    # the rep's JSON holds a trend per summarised step metric: this list must not change
    assert list(STEP_METRICS) == list(STEP_METRIC_NAMES) == [
        "contact_s", "flight_s", "step_time_s", "step_frequency_hz", "step_length", "step_velocity",
        "touchdown_distance", "hip_extension_toeoff_deg", "thigh_toeoff_deg", "shin_touchdown_deg",
        "trunk_lean_touchdown_deg", "knee_drive_deg", "max_thigh_separation_deg"]
    assert STEP_METRICS["contact_s"] == "up" and STEP_METRICS["flight_s"] == "either"


def test_every_fatigue_metric_reads_the_catalogue():
    assert set(ALL_METRICS) <= set(BY_NAME)
    for spec in ALL_METRICS.values():
        m = BY_NAME[spec.name]
        assert (spec.label, spec.worse, dict(spec.swc), spec.swc_rel) == (m.label, m.worse, dict(m.swc), m.swc_rel)
        assert spec.percent == m.relative and spec.technique == m.technique
        assert m.swc_source


def test_fatigue_figures_as_before():
    # the values the fatigue tables declared before the catalogue
    by = {s.name: s for s in FATIGUE_METRICS}
    assert by["contact_s"].unit == "s" and by["contact_s"].swc == {"s": 0.002} and by["contact_s"].timing == "time"
    assert by["step_frequency_hz"].swc == {"Hz": 0.05} and by["step_frequency_hz"].timing == "frequency"
    assert by["step_velocity"].unit == "speed" and by["step_velocity"].swc_rel == 0.01
    assert by["step_velocity"].floor_rel == 0.003
    assert {n: by[n].swc for n in ("hip_extension_toeoff_deg", "knee_drive_deg", "max_thigh_separation_deg",
                                   "trunk_lean_touchdown_deg")} == {
        "hip_extension_toeoff_deg": {"deg": 1.0}, "knee_drive_deg": {"deg": 1.2},
        "max_thigh_separation_deg": {"deg": 1.6}, "trunk_lean_touchdown_deg": {"deg": 0.8}}
    assert by["touchdown_distance"].unit == "dist" and by["touchdown_distance"].swc == {"m": 0.01, "legs": 0.012}
    assert by["touchdown_distance"].floor == {"m": 0.003, "legs": 0.0035} and by["touchdown_distance"].percent
    assert [s.technique for s in FATIGUE_METRICS] == [False, False, False, True, True, True, True, True]
    assert STEP_LENGTH.unit == "dist" and STEP_LENGTH.swc_rel == 0.01 and not STEP_LENGTH.technique


@pytest.mark.parametrize("m", METRICS, ids=lambda m: m.name)
def test_fields_are_sane(m: Metric):
    assert m.kind in KINDS and m.worse in DIRECTIONS and m.scope in SCOPES
    assert m.label and m.short and len(m.short) <= 12
    assert 0 <= m.decimals <= 3
    assert m.plausible, "every metric declares its plausible range"
    for unit, (low, high) in m.plausible.items():
        assert math.isfinite(low) and math.isfinite(high) and low < high, unit
    assert all(v > 0 for v in m.swc.values()) and 0 <= m.swc_rel < 0.1


def test_ranges():
    assert BY_NAME["contact_s"].plausible_range() == (0.06, 0.40)
    assert BY_NAME["flight_s"].plausible_range() == (0.0, 0.25)
    assert BY_NAME["step_frequency_hz"].plausible_range() == (1.5, 6.0)
    assert BY_NAME["step_length"].plausible_range("legs") == (0.3, 3.2)
    assert BY_NAME["step_velocity"].plausible_range("m")[1] == 12.5
    assert BY_NAME["step_velocity"].unit_for("legs") == "legs/s"
    assert BY_NAME["knee_drive_deg"].plausible_range("legs") == BY_NAME["knee_drive_deg"].plausible_range()
    # time ranges agree with the frequency range
    low, high = BY_NAME["step_time_s"].plausible_range()
    assert (1 / high, 1 / low) == pytest.approx(BY_NAME["step_frequency_hz"].plausible_range())


def test_swc_for():
    assert BY_NAME["contact_s"].swc_for("s", 0.1) == 0.002
    assert BY_NAME["step_velocity"].swc_for("m/s", 10.0) == pytest.approx(0.1)
    assert BY_NAME["step_velocity"].swc_for("m/s", float("nan")) == 0.0


def test_bad_declarations_are_refused():
    with pytest.raises(ValueError):
        Metric("x", "x", "x", "furlongs", 0, "up")
    with pytest.raises(ValueError):
        Metric("x", "x", "x", "time", 0, "sideways")
