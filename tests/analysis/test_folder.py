"""The analysis files: per-frame angles, per-step table, summary with provenance."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from sprintlens import AnalysisConfig, analyse_track, write_analysis
from sprintlens.analysis.angles import ANGLE_COLUMNS
from sprintlens.analysis.folder import (
    OUTPUT_FILES,
    angles_table,
    steps_table,
    summary_record,
)
from sprintlens.synth import (
    ClipSpec,
    FlyingSpec,
    RenderSpec,
    build_truth,
    prepare,
    truth_track,
)


@pytest.fixture(scope="module")
def analysis():
    truth = build_truth(prepare(ClipSpec(FlyingSpec(duration_s=1.2), render=RenderSpec(fps=120))))
    track = truth_track(truth)
    positions = track.positions_px.copy()
    positions[:3] = np.nan  # the athlete not found in the first frames, as a pose model may
    return analyse_track(track.replace(positions_px=positions), AnalysisConfig(height_m=1.8))


def test_angle_table_has_every_frame_and_angle(analysis):
    header, rows = angles_table(analysis)
    assert header[:3] == ["frame", "t_s", "athlete_seen"]
    assert all(name in header for name in ANGLE_COLUMNS)
    assert header[-3:] == ["hip_velocity_m_s", "contact_left", "contact_right"]
    assert len(rows) == analysis.track.n_frames
    k = header.index("thigh_left_deg")
    for row, frame in zip(rows, range(analysis.track.n_frames)):
        value = analysis.angles["thigh_left_deg"][frame]
        assert (np.isnan(value) and np.isnan(row[k])) or row[k] == pytest.approx(value)


def test_contact_columns_mark_exactly_the_contacts(analysis):
    header, rows = angles_table(analysis)
    left = np.array([row[header.index("contact_left")] for row in rows])
    expected = np.zeros(len(rows), dtype=int)
    for c in analysis.contacts:
        if c.foot == "left":
            expected[c.first_frame:c.last_frame + 1] = 1
    assert np.array_equal(left, expected)


def test_step_table_units_follow_the_scale(analysis):
    header, rows = steps_table(analysis)
    assert "step_length_m" in header and "step_velocity_m_s" in header and "touchdown_distance_m" in header
    assert len(rows) == len(analysis.steps) > 0


def test_written_files_read_back(analysis, tmp_path):
    out = tmp_path / "rep.sprintlens"
    written = write_analysis(analysis, out)
    assert set(written) == set(OUTPUT_FILES)
    with open(out / "steps.csv", newline="") as fh:
        steps = list(csv.DictReader(fh))
    assert len(steps) == len(analysis.steps)
    assert float(steps[0]["contact_s"]) == pytest.approx(analysis.steps[0].contact_s, abs=1e-6)
    with open(out / "angles.csv", newline="") as fh:
        frames = list(csv.DictReader(fh))
    missing = [r for r in frames if r["athlete_seen"] == "0"]
    assert missing and all(r["thigh_left_deg"] == "" for r in missing)  # NaN is an empty cell, never 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["format"] == "sprintlens.analysis"
    assert summary["rep"]["n_steps"] == len(analysis.steps)
    assert summary["analysis_config"]["height_m"] == 1.8
    assert {"sprintlens", "numpy", "scipy", "opencv"} <= set(summary["versions"])
    assert len(summary["steps"]) == len(analysis.steps)
    assert not list(tmp_path.rglob("*.tmp"))


def test_summary_record_is_json_without_nan(analysis):
    text = json.dumps(summary_record(analysis), allow_nan=True)
    assert "NaN" not in json.dumps(json.loads(text.replace("NaN", "null")))
