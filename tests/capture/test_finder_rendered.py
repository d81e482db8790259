"""The crop finder on rendered phone-on-tripod clips whose truth is known: athletes 120-160 px tall.

A whole-frame landmarker finds nobody in these clips (``scripts/finder_accuracy.py``); the finder
must find the athlete in at least 98 % of the frames in view, on the athlete (not the sprinter in
the next lane), with landmarks within a few per cent of body height.
"""

from __future__ import annotations

import pytest

from sprintlens import PoseConfig, track_video
from sprintlens.synth import render_clip, small_athlete_cases
from sprintlens.synth.accuracy import finder_accuracy

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("case", ["small_blocks_pair", "small_running"])
def test_a_small_athlete_is_found_in_every_frame_in_view(tmp_path, case) -> None:
    video = tmp_path / f"{case}.mp4"
    truth = render_clip(small_athlete_cases()[case], video)
    track = track_video(video, PoseConfig())
    score = finder_accuracy(truth, track.positions_px)
    assert 110 <= score.body_height_px <= 140
    assert score.found_fraction >= 0.98
    # on the athlete, not on the second sprinter: landmarks within a few per cent of body height
    assert score.error_height_median < 0.04
    assert score.error_height_p90 < 0.12
    # the crops that found them are recorded, and far smaller than the frame
    found = track.detected
    assert (track.crop_px[found, 2] < 0.6 * track.frame_size[1]).mean() > 0.9
