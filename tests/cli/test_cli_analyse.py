"""`sprintlens analyse` on saved tracks (no pose model): summary, files, bad input."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from click.testing import CliRunner
from conftest import _command

from sprintlens.capture.trackfile import save_track
from sprintlens.cli import main
from sprintlens.synth import (
    ClipSpec,
    FlyingSpec,
    RenderSpec,
    build_truth,
    prepare,
    truth_track,
)


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
    result = run("analyse", track_file, "--calib", "0,500,1000,500,5", "--direction", "rtl",
                 "-o", tmp_path / "out", "-q")
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


@pytest.mark.parametrize("command", [["info"], ["pose"], ["analyse"], ["render", "--video"], ["compare", "GOOD"]])
def test_a_text_file_named_mp4_is_one_line_on_stderr_for_every_command(one_line_error, tmp_path, track_file,
                                                                        command):
    """In a fresh process (without the log levels this test process has set): no OpenCV or FFmpeg
    log line may come before the error, whichever module of the package imports OpenCV first."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCV_")}

    def sprintlens(*args):
        return subprocess.run([*_command(), *map(str, args)], capture_output=True, text=True, env=env,
                              timeout=300, stdin=subprocess.DEVNULL)

    bad = tmp_path / "rep.mp4"
    bad.write_text("not a video")
    if command[0] == "render":
        folder = tmp_path / "rep.sprintlens"
        assert run("analyse", track_file, "-o", folder).exit_code == 0
        args = ["render", folder, "--video", bad, "-o", tmp_path / "out"]
    elif command[0] == "compare":
        args = ["compare", bad, bad, "-o", tmp_path / "out"]
    else:
        args = [command[0], bad]
    line = one_line_error(sprintlens(*args), "rep.mp4")
    assert "cannot be read as a video" in line or "SHA-256" in line
    assert not (tmp_path / "out").exists()


def test_a_reader_that_goes_away_ends_the_command_quietly_after_the_files_are_written(track_file, tmp_path):
    out = tmp_path / "out"
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: the first line printed meets a broken pipe
    try:
        result = subprocess.run([*_command(), "analyse", str(track_file), "-o", str(out)], stdout=write_end,
                                stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert result.returncode == 141
    assert result.stderr == ""  # no "internal error", no traceback
    assert (out / "summary.json").is_file() and (out / "steps.csv").is_file()


def test_an_out_and_back_track_says_which_pass_it_analysed_and_keeps_the_whole_track(tmp_path):
    from conftest import out_and_back_track

    from sprintlens.capture.trackfile import load_track

    whole, _, _ = out_and_back_track()
    source = tmp_path / "out_and_back.npz"
    save_track(whole, source)
    result = run("analyse", source, "--height", "1.80", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "the athlete turns (2 passes: left to right 0.00-" in result.output
    assert "this is the fastest pass, 0.00-" in result.output and "direction: left to right" in result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert [p["sign"] for p in summary["passes"]] == [1, -1] and summary["analysed_pass"]["sign"] == 1
    assert load_track(tmp_path / "out" / "track.npz") == whole  # rerunnable on either pass
    back = run("analyse", tmp_path / "out" / "track.npz", "--direction", "rtl", "-o", tmp_path / "back")
    assert back.exit_code == 0, back.output
    assert "this is the right to left pass" in back.output and "direction: right to left (given)" in back.output
