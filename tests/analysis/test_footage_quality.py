"""Step verdicts on real footage: the treadmill run trusted and on cadence, no trusted step beyond the limits.

The pose tracks come from ``footage_track`` (conftest.py: each clip estimated once per session).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sprintlens.analysis.pipeline import analyse_track
from sprintlens.analysis.quality import contact_limits_s
from sprintlens.core.catalogue import METRICS, NEGATIVE_FLIGHT_FRAMES
from sprintlens.core.landmarks import Landmark as L

pytestmark = pytest.mark.footage

TREADMILL = "treadmill_run_side_portrait_30fps.mp4"
#: Hand-counted cadence of the treadmill run (its .truth.json: 168.9 +/- 0.5 steps/min).
TREADMILL_SPM = 168.9

#: Every shared real clip the analysis can make steps of (or none, which the sweep allows).
CLIPS = ["treadmill_run_side_portrait_30fps.mp4", "block_start_side_a_30fps.mp4", "block_start_side_b_30fps.mp4",
         "block_start_side_c_30fps.mp4", "sprint_side_small_30fps.mp4", "acceleration_backlit_30fps.mp4",
         "run_rear_view_30fps.mp4", "jog_side_short_30fps.mp4", "walk_side_30fps.mp4",
         "multi_person_not_running_30fps.mp4"]


@pytest.fixture(scope="module")
def treadmill(footage_track):
    track, _ = footage_track(TREADMILL)
    return track, analyse_track(track)


def test_the_treadmill_run_is_on_cadence_and_every_real_step_and_contact_is_trusted(treadmill) -> None:
    _, analysis = treadmill
    assert analysis.summary.cadence_spm == pytest.approx(TREADMILL_SPM, rel=0.005)
    assert len(analysis.steps) >= 30
    assert [s.quality_reasons for s in analysis.steps if not s.trusted] == []
    assert analysis.summary.trusted_text == f"{len(analysis.steps)} of {len(analysis.steps)} steps trusted"
    complete = [v for c, v in zip(analysis.contacts, analysis.contact_verdicts) if c.complete]
    assert len(complete) >= 30 and all(v.trusted for v in complete), [v.text for v in complete if not v.trusted]


def test_a_two_frame_label_flip_of_the_feet_on_the_treadmill_adds_no_step(treadmill) -> None:
    track, clean = treadmill
    for c in clean.contacts[2:-2:5]:
        middle = (c.first_frame + c.last_frame) // 2
        positions = track.positions_px.copy()
        for part in ("ANKLE", "HEEL", "FOOT_INDEX"):
            left, right = L[f"LEFT_{part}"], L[f"RIGHT_{part}"]
            positions[middle:middle + 2, [left, right]] = track.positions_px[middle:middle + 2, [right, left]]
        flipped = analyse_track(track.replace(positions_px=positions))
        assert len(flipped.steps) == len(clean.steps), f"flip at frame {middle}"
        assert flipped.summary.cadence_spm == pytest.approx(TREADMILL_SPM, rel=0.005), f"flip at frame {middle}"


@pytest.mark.parametrize("clip", CLIPS)
def test_no_trusted_step_of_a_real_clip_is_beyond_the_catalogues_limits(footage_track, clip: str) -> None:
    track, _ = footage_track(clip)
    try:
        analysis = analyse_track(track)
    except Exception as exc:  # noqa: BLE001 - a clip the analysis refuses has no steps to judge
        pytest.skip(f"{clip}: not analysed ({exc})")
    gait, unit, fps = analysis.summary.gait, analysis.scale.unit, analysis.track.fps
    low_contact, high_contact = contact_limits_s(fps, gait)
    for step in (s for s in analysis.steps if s.trusted):
        assert low_contact <= step.contact_s <= high_contact, (clip, step.index, step.contact_s)
        for metric in (m for m in METRICS if m.scope == "step"):
            value = getattr(step, metric.name)
            if not (isinstance(value, float) and math.isfinite(value)):
                continue
            low, high = metric.plausible_range(unit, gait)
            if metric.name == "flight_s" and gait == "running":
                low = -NEGATIVE_FLIGHT_FRAMES / fps
            assert low <= value <= high, (clip, step.index, metric.name, value)
    assert np.isfinite(analysis.summary.n_trusted_steps)
