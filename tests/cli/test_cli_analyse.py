"""`sprintlens analyse` on saved tracks (no pose model): summary, files, bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sprintlens.cli import main
from sprintlens.io import save_track
from sprintlens.synth import ClipSpec, FlyingSpec, RenderSpec, build_truth, prepare, truth_track


@pytest.fixture(scope="module")
def track_file(tmp_path_factory):
    truth = build_truth(prepare(ClipSpec(FlyingSpec(duration_s=1.2), render=RenderSpec(fps=120))))
    path = tmp_path_factory.mktemp("tracks") / "rep.npz"
    save_track(truth_track(truth), path)
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_analyse_a_track_prints_the_summary_and_writes_the_files(track_file, tmp_path):
    out = tmp_path / "out"
    result = run("analyse", track_file, "--height", "1.80", "-o", out)
    assert result.exit_code == 0, result.output
    assert "running" in result.output and "steps" in result.output and "cadence" in result.output
    assert "step foot" in result.output  # the table of steps
    assert sorted(p.name for p in out.iterdir()) == ["angles.csv", "steps.csv", "summary.json", "track.npz"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scale"]["unit"] == "m" and summary["rep"]["gait"] == "running"


def test_without_a_scale_distances_are_in_leg_lengths(track_file, tmp_path):
    result = run("analyse", track_file, "-o", tmp_path / "out", "-q")
    assert result.exit_code == 0
    assert "step_length_legs" in (tmp_path / "out" / "steps.csv").read_text().splitlines()[0]


def test_calibration_and_direction_options(track_file, tmp_path):
    result = run("analyse", track_file, "--calib", "0,500,1000,500,5", "--direction", "rtl", "-o", tmp_path / "out", "-q")
    assert result.exit_code == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["scale"]["source"] == "calibration" and summary["scale"]["px_per_m"] == pytest.approx(200.0)
    assert summary["direction"]["sign"] == -1 and summary["direction"]["method"] == "given"


@pytest.mark.parametrize(("args", "message"), [
    (["--height", "7"], "athlete height must be in metres"),
    (["--calib", "1,2,3"], "calibration '1,2,3'"),
])
def test_bad_scale_is_one_line_and_writes_nothing(track_file, tmp_path, args, message):
    out = tmp_path / "out"
    result = run("analyse", track_file, *args, "-o", out)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())


def test_a_file_that_is_not_a_track_is_refused(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_text("not a track")
    result = run("analyse", bad, "-o", tmp_path / "out")
    assert result.exit_code == 1 and "not a SprintLens pose-track file" in result.output
