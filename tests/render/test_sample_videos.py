"""Known answers from the rendered sample clips (``sample_videos/``, with ground truth).

The analysis here runs on the truth's landmarks (a perfect pose model), so what is checked is the
drawing: the skeleton lands on the rendered figure in the right frame, and a comparison lines the
reps up on the touchdown the truth says.
"""

from __future__ import annotations

import math
from pathlib import Path

import av
import pytest

from sprintlens.analysis.pipeline import analyse_track
from sprintlens.analysis.result import AnalysisConfig
from sprintlens.render.annotate import Layers
from sprintlens.render.clip import ClipOptions, render_clip
from sprintlens.render.compare import CompareOptions, SyncEvent, compare_plan, event_row

from .synthetic import dilated, drawn_legs

synth = pytest.importorskip("sprintlens.synth")

SAMPLES = Path(__file__).resolve().parents[2] / "sample_videos"


def _sample(name: str):
    clip = SAMPLES / f"{name}.mp4"
    if not clip.is_file():
        pytest.skip(f"sample clip {clip.name} not in {SAMPLES}")
    truth = synth.load_truth(SAMPLES / f"{name}.truth.json")
    analysis = analyse_track(synth.truth_track(truth), AnalysisConfig(height_m=truth["athlete"]["height_m"]))
    return clip, truth, analysis


def test_skeleton_lands_on_the_rendered_sprinter(tmp_path):
    clip, truth, analysis = _sample("flying_240fps")
    out = tmp_path / "flying.mp4"
    skeleton_only = Layers(joint_angles=False, verticals=False, markers=False, panel=False)
    result = render_clip(analysis, clip, out, ClipOptions(slow_motion=1, layers=skeleton_only))
    assert result.fps == 60.0 and result.n_frames == math.ceil(truth["video"]["n_frames"] / 4)
    with av.open(str(out)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == result.n_frames
    prep = synth.prepare(synth.ClipSpec.from_record(truth["spec"]))
    for j in (5, len(frames) // 2, len(frames) - 5):
        row = int(result.plan.rows[j])
        figure = synth.athlete_coverage(prep, row) > 0.5
        grown = dilated(figure, 5)
        legs = drawn_legs(frames[j], tolerance=40)
        assert legs.sum() > 500, j
        assert (legs & grown).sum() / legs.sum() > 0.95, (j, (legs & grown).sum() / legs.sum())


def test_reps_line_up_on_the_touchdown_the_truth_gives():
    _, truth1, rep1 = _sample("session_rep1_120fps")
    _, truth6, rep6 = _sample("session_rep6_120fps")
    event = SyncEvent("touchdown", 2)
    rows = [event_row(a, event) for a in (rep1, rep6)]
    for row, truth in zip(rows, (truth1, truth6)):
        filmed = [s for s in truth["steps"] if s["touchdown_s"] >= 0]  # a step may start before the clip
        touchdown_frame = filmed[1]["touchdown_frame"]  # fractional frame of the 2nd filmed touchdown
        assert abs(row - math.ceil(touchdown_frame)) <= 1, (row, touchdown_frame)
    plan = compare_plan([rep1, rep6], rows, 120.0, CompareOptions(event=event))
    assert plan.rows[plan.event_out].tolist() == rows
    assert plan.fps == 30.0  # 120 fps shown frame by frame at 30 fps (auto slow motion)


def test_block_start_touchdowns_count_after_the_blocks():
    _, truth, analysis = _sample("block_start_120fps")
    row = event_row(analysis, SyncEvent("touchdown", 1))
    assert abs(row - math.ceil(truth["steps"][0]["touchdown_frame"])) <= 1
    first = event_row(analysis, SyncEvent("first_movement"))
    assert analysis.t_s[first] >= analysis.start.first_movement_s > analysis.t_s[first - 1]
