"""``sprintlens info``: metadata and verdict of made clips and of the real footage."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest


def rows(stdout: str) -> dict[str, str]:
    """The ``key  value`` lines above the checks."""
    table = {}
    for line in stdout.split("\n\n")[0].splitlines():
        key, _, value = line.partition("  ")
        table[key.strip()] = value.strip()
    return table


def test_info_on_a_made_clip(sprintlens, make_clip) -> None:
    path = make_clip(n=45, fps=Fraction(30000, 1001), size=(96, 64))
    result = sprintlens("info", path)
    assert result.returncode == 0 and result.stderr == ""
    table = rows(result.stdout)
    assert table["size"] == "96 x 64 (landscape, upright)"
    assert table["frame rate"] == "29.97 fps playback"
    assert table["frames"] == "45"
    assert table["duration"] == "1.502 s playback"
    assert table["codec"] == "h264"
    assert "filmed" not in table  # the clip does not say when it was filmed
    assert "[BAD ] resolution: 96x64" in result.stdout
    assert result.stdout.rstrip().endswith("verdict: not suitable for sprint analysis")


def test_info_says_when_a_clip_was_filmed(sprintlens, make_clip) -> None:
    path = make_clip(n=4, metadata={"com.apple.quicktime.creationdate": "2024-05-06T18:30:05+0200"})
    result = sprintlens("info", path)
    assert result.returncode == 0, result.stderr
    assert rows(result.stdout)["filmed"] == "2024-05-06 18:30:05 +0200"


def test_info_on_a_rotated_slow_motion_clip(sprintlens, make_clip, clips) -> None:
    path = make_clip(n=24, fps=30, size=(96, 64))
    clips.set_rotation(path, 90)
    result = sprintlens("info", path, "--capture-fps", "240")
    assert result.returncode == 0, result.stderr
    table = rows(result.stdout)
    assert table["size"] == "64 x 96 (portrait, upright)"
    assert table["rotation"] == "90 deg (applied)"
    assert table["frame rate"] == "30 fps playback, 240 fps real (user)"
    assert table["duration"] == "0.800 s playback, 0.100 s real"
    assert "slow motion x8" in result.stdout


def test_info_on_a_variable_frame_rate_clip(sprintlens, make_clip) -> None:
    pts = [0, 33, 66, 110, 140, 150, 190, 230, 240, 300]
    result = sprintlens("info", make_clip(n=len(pts), pts=pts, time_base=Fraction(1, 1000)))
    assert result.returncode == 0, result.stderr
    assert "variable frame rate (frame intervals 10.0-60.0 ms)" in result.stdout


def test_info_on_a_truncated_clip_says_so(sprintlens, make_clip, clips) -> None:
    import numpy as np

    rng = np.random.default_rng(7)
    path = make_clip(frames=[rng.integers(0, 255, (64, 96, 3), dtype=np.uint8) for _ in range(40)])
    clips.truncate(path)
    result = sprintlens("info", path)
    assert result.returncode == 0 and result.stderr == ""
    assert rows(result.stdout)["frames"] == "40"
    assert "[BAD ] file: truncated or damaged: only " in result.stdout
    assert result.stdout.rstrip().endswith("verdict: not suitable for sprint analysis")


@pytest.mark.parametrize("kind", ["missing", "folder", "text", "empty"])
def test_info_on_bad_input_is_one_line(sprintlens, one_line_error, tmp_path: Path, kind: str) -> None:
    path = {"missing": tmp_path / "gone.mp4", "folder": tmp_path, "text": tmp_path / "t.mp4",
            "empty": tmp_path / "e.mp4"}[kind]
    if kind == "text":
        path.write_text("hello\n")
    if kind == "empty":
        path.touch()
    result = sprintlens("info", path)
    one_line_error(result)
    assert result.stdout == ""


EXPECTED = {
    # clip: (size row, frame rate row, frames, codec, verdict)
    "treadmill_run_side_portrait_30fps.mp4": ("720 x 1280 (portrait, upright)", "30 fps playback", "360", "h264",
                                              "usable for sprint analysis, with the limits above"),
    "jog_side_short_30fps.mp4": ("480 x 352 (landscape, upright)", "29.97 fps playback", "47", "h264",
                                 "usable for sprint analysis, with the limits above"),
    "walk_side_30fps.mp4": ("1280 x 720 (landscape, upright)", "30 fps playback", "401", "h264",
                            "usable for sprint analysis, with the limits above"),
    "multi_person_not_running_30fps.mp4": ("1768 x 994 (landscape, upright)", "30 fps playback", "230", "VP90",
                                           "usable for sprint analysis, with the limits above"),
}


@pytest.mark.footage
@pytest.mark.parametrize("name", list(EXPECTED))
def test_info_on_the_real_footage(sprintlens, footage, name: str) -> None:
    result = sprintlens("info", footage(name))
    assert result.returncode == 0 and result.stderr == ""
    size, rate, frames, codec, verdict = EXPECTED[name]
    table = rows(result.stdout)
    assert (table["size"], table["frame rate"], table["frames"], table["codec"]) == (size, rate, frames, codec)
    assert table["rotation"] == "0 deg (applied)"
    assert "[warn] frame rate: " in result.stdout  # 30 fps: contact times are low confidence
    assert "constant frame rate" in result.stdout
    assert f"[ok  ] file: all {frames} frames are in the file" in result.stdout
    assert result.stdout.rstrip().endswith(f"verdict: {verdict}")
