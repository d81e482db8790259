"""SIGINT and SIGTERM take one path: exit 130 or 143, one line that says what was kept, nothing half-written."""

from __future__ import annotations

import os
import signal

import pytest
from click.testing import CliRunner

from sprintlens.capture.trackfile import save_track
from sprintlens.cli import main
from sprintlens.core.errors import OutputError
from sprintlens.synth import (
    ClipSpec,
    FlyingSpec,
    RenderSpec,
    build_truth,
    prepare,
    truth_track,
)

ANALYSIS_FILES = ["angles.csv", "steps.csv", "summary.json", "track.npz"]


@pytest.fixture(scope="module")
def track_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tracks")
    video = folder / "clip.mp4"
    video.write_bytes(b"not looked at: drawing is replaced in these tests")
    track = truth_track(build_truth(prepare(ClipSpec(FlyingSpec(duration_s=1.2), render=RenderSpec(fps=120)))))
    track = track.replace(video_sha256="", provenance={**track.provenance, "video": {"path": str(video)}})
    return save_track(track, folder / "rep.npz")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _signal_self(signum):
    def send(*args, **kwargs):
        os.kill(os.getpid(), signum)
        raise AssertionError("the signal did not stop the command")
    return send


def _listing(folder):
    return sorted(p.name for p in folder.iterdir())


def test_sigterm_while_writing_the_analysis_leaves_nothing(track_file, tmp_path, monkeypatch):
    monkeypatch.setattr("sprintlens.analysis.folder.save_track", _signal_self(signal.SIGTERM))
    out = tmp_path / "out"
    result = run("analyse", track_file, "-o", out, "-q")
    assert result.exit_code == 143, result.output
    assert result.stderr == "interrupted: nothing was written\n"
    assert _listing(tmp_path) == []  # no folder, no staging folder


def test_sigint_while_drawing_keeps_the_analysis_and_says_so(track_file, tmp_path, monkeypatch):
    monkeypatch.setattr("sprintlens.render.outputs._draw", _signal_self(signal.SIGINT))
    out = tmp_path / "out"
    result = run("analyse", track_file, "--render", "-o", out, "-q")
    assert result.exit_code == 130, result.output
    assert result.stderr == "interrupted: the analysis files were kept; no pictures were written\n"
    assert _listing(out) == ANALYSIS_FILES and _listing(tmp_path) == ["out"]


def test_an_output_error_while_drawing_says_what_was_kept(track_file, tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OutputError("out/annotated.mp4: cannot be written (no space left on the device)")

    monkeypatch.setattr("sprintlens.render.outputs._draw", full)
    out = tmp_path / "out"
    result = run("analyse", track_file, "--render", "-o", out, "-q")
    assert result.exit_code == 1
    assert result.stderr == ("error: out/annotated.mp4: cannot be written (no space left on the device); "
                             "the analysis files were kept; no pictures were written\n")
    assert _listing(out) == ANALYSIS_FILES


def test_the_handlers_are_restored_after_a_command(track_file, tmp_path):
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    assert run("analyse", track_file, "-o", tmp_path / "out", "-q").exit_code == 0
    assert {s: signal.getsignal(s) for s in before} == before


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
def test_a_full_disk_is_one_line_and_leaves_the_folder_as_it_was(track_file, tmp_path):
    import subprocess

    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        old = disk / "out"
        old.mkdir()
        (old / "angles.csv").write_text("old\n")
        result = run("analyse", track_file, "-o", old, "-q")
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1 and "cannot be written (no space left on the device)" in result.stderr
        assert _listing(disk) == ["out"] and _listing(old) == ["angles.csv"]
        assert (old / "angles.csv").read_text() == "old\n"
    finally:
        subprocess.run(["umount", str(disk)])
