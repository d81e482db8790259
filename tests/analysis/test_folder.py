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
    read_step_table,
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


def test_the_files_carry_each_steps_verdict_and_the_summary_says_what_was_left_out(analysis, tmp_path):
    import dataclasses

    from sprintlens.analysis.steps import rep_summary

    # judge the third step untrusted, as a misread one would be
    steps = list(analysis.steps)
    why = "step length (15.00 m outside 0.25 to 3.00)"
    steps[2] = dataclasses.replace(steps[2], trusted=False, quality_reasons=why)
    summary = rep_summary(steps, analysis.contacts, analysis.gait, analysis.scale, analysis.track.fps, analysis.start)
    bad = dataclasses.replace(analysis, steps=steps, summary=summary)
    out = tmp_path / "rep.sprintlens"
    write_analysis(bad, out, include_track=False)
    with open(out / "steps.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["trusted"] for r in rows[:4]] == ["1", "1", "0", "1"]
    assert rows[2]["quality_reasons"] == why and rows[0]["quality_reasons"] == ""
    record = json.loads((out / "summary.json").read_text())
    n = len(steps)
    assert record["rep"]["trusted"] == f"{n - 1} of {n} steps trusted" and record["rep"]["n_trusted_steps"] == n - 1
    assert record["rep"]["left_out"] == [{"step": 3, "reasons": why}]
    assert [s["trusted"] for s in record["steps"]][:3] == [True, True, False]
    assert all(c["trusted"] and c["quality_reasons"] == "" for c in record["contacts"] if c["starts_in_clip"]
               and c["ends_in_clip"])

    table = read_step_table(out / "steps.csv")
    assert table.distance_unit == "m" and table.n_steps == n
    assert list(table.trusted) == [k != 2 for k in range(n)]
    assert table["quality_reasons"][2].startswith("step length")
    np.testing.assert_allclose(table.numbers("step_length"), [s.step_length for s in steps], atol=1e-6)


def test_a_steps_csv_written_before_steps_were_judged_reads_as_trusted(analysis, tmp_path):
    header, rows = steps_table(analysis)
    keep = [k for k, name in enumerate(header) if name not in ("trusted", "quality_reasons")]
    from sprintlens.core.files import csv_text

    old = tmp_path / "steps.csv"
    old.write_text(csv_text([header[k] for k in keep], [[row[k] for k in keep] for row in rows]))
    table = read_step_table(old)
    assert "trusted" not in table and table.trusted.all() and table.n_steps == len(analysis.steps)
    assert table.numbers("contact_s")[0] == pytest.approx(analysis.steps[0].contact_s, abs=1e-6)
