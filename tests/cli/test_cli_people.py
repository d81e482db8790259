"""``sprintlens people``: everyone in a clip numbered and boxed; ``--athlete N`` picks one of them."""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from sprintlens.capture.trackfile import load_track

pytestmark = [pytest.mark.footage, pytest.mark.slow]

MULTI = "multi_person_not_running_30fps.mp4"


def test_people_are_numbered_and_drawn_and_n_picks_one(sprintlens, footage, tmp_path: Path) -> None:
    clip = footage(MULTI)
    picture = tmp_path / "people.png"
    result = sprintlens("people", clip, "-o", picture, "-q")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line[:4].strip().lstrip("*").strip().isdigit()]
    assert 2 <= len(rows) <= 3
    default = [row for row in rows if row.startswith("*")]
    assert len(default) == 1  # the one picked without --athlete is marked
    image = cv2.imread(str(picture))
    assert image.shape[:2] == (994, 1768)
    # the boxes are drawn in the picture: it differs from the clip's frame along their edges
    assert np.count_nonzero(image.max(axis=2) > 0) > 0

    # --athlete N follows that person: each number gives a different person, the default one among them
    hips = {}
    for number in range(1, len(rows) + 1):
        out = tmp_path / f"p{number}.npz"
        done = sprintlens("pose", clip, "--athlete", str(number), "-o", out, "-q")
        assert done.returncode == 0, done.stderr
        track = load_track(out)
        assert track.provenance["athlete"]["number"] == number
        first = int(np.flatnonzero(track.detected)[0])
        hips[number] = np.nanmean(track.positions_px[first, 23:25], axis=0)
    assert min(np.hypot(*(hips[a] - hips[b])) for a in hips for b in hips if a < b) > 100


def test_a_number_beyond_the_people_found_is_refused(sprintlens, one_line_error, footage, tmp_path: Path) -> None:
    result = sprintlens("pose", footage("jog_side_short_30fps.mp4"), "--athlete", "7", "-o", tmp_path / "t.npz")
    one_line_error(result, "there is no person 7", "sprintlens people")
    assert not (tmp_path / "t.npz").exists()


def test_a_person_number_zero_is_refused_before_any_work(sprintlens, one_line_error, footage, tmp_path: Path) -> None:
    result = sprintlens("pose", footage("jog_side_short_30fps.mp4"), "--athlete", "0", "-o", tmp_path / "t.npz")
    one_line_error(result, "numbered from 1")


def test_info_says_how_large_the_athlete_is(sprintlens, footage) -> None:
    result = sprintlens("info", footage("sprint_side_small_30fps.mp4"))
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if "] athlete:" in line)
    height = int(re.search(r"athlete (\d+) px tall", line).group(1))
    assert 130 <= height <= 175  # the sprinter, about 150 px tall in the 720 px frame
    assert "contact timing +/-1 frame (+/-33 ms)" in line
    quick = sprintlens("info", footage("sprint_side_small_30fps.mp4"), "--no-people")
    assert "athlete:" not in quick.stdout
