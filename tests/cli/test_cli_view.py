"""The view verdict in words: `info` and `analyse` on the real rear-view clip and a side-on one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = [pytest.mark.footage, pytest.mark.slow]


def test_analyse_warns_that_a_rear_view_is_not_side_on(sprintlens, footage, tmp_path: Path) -> None:
    result = sprintlens("analyse", footage("run_rear_view_30fps.mp4"), "-o", tmp_path / "rep", "-q")
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "rep" / "summary.json").read_text())
    assert summary["view"]["view"] == "rear" and summary["view"]["side_on"] is False
    shown = sprintlens("analyse", tmp_path / "rep" / "track.npz", "-o", tmp_path / "again")
    warning = [line for line in shown.stdout.splitlines() if "WARNING view" in line]
    assert warning and "not valid" in warning[0]
    # the steps a rear view makes (lengths near zero) are left out, and the table says so
    assert "steps trusted" in shown.stdout and "(left out)" in shown.stdout


def test_info_says_the_view(sprintlens, footage) -> None:
    side = sprintlens("info", footage("treadmill_run_side_portrait_30fps.mp4"))
    assert "[ok  ] view: side on" in side.stdout
    rear = sprintlens("info", footage("run_rear_view_30fps.mp4"))
    line = next(line for line in rear.stdout.splitlines() if "] view:" in line)
    assert not line.startswith("[ok") and "not" in line
