"""The shipped sample clips: playable, small, checksummed, and their truth matches what is drawn.

Each clip's truth file carries the generator spec that made it; re-rendering a few of its frames
from that spec must give the decoded frames back (up to compression), and every truth landmark
must lie on the figure drawn in them.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import pytest

from sprintlens.capture.video import probe, read_frames
from sprintlens.core.landmarks import NAMES
from sprintlens.synth import (
    ClipSpec,
    RenderSpec,
    athlete_coverage,
    load_truth,
    prepare,
    render_frame,
    truth_path_for,
)
from sprintlens.synth.samples import WEEK1_LEVELS, session_rep_spec

SAMPLES = Path(__file__).resolve().parents[2] / "sample_videos"
CLIPS = sorted(SAMPLES.glob("*.mp4"))
MB = 1_000_000


def _sums() -> dict[str, str]:
    lines = (SAMPLES / "SHA256SUMS").read_text().splitlines()
    return {name: digest for digest, name in (line.split() for line in lines)}


def test_the_sample_set_is_complete_and_small():
    names = {p.stem for p in CLIPS}
    assert {"block_start_120fps", "flying_240fps"} <= names
    assert sum(name.startswith("session_rep") for name in names) == 6
    assert all(p.stat().st_size <= 3 * MB for p in CLIPS)
    assert sum(p.stat().st_size for p in CLIPS) <= 15 * MB
    assert (SAMPLES / "README.md").is_file()


def test_the_shipped_session_is_the_one_the_tests_and_the_validation_use():
    """tests/truth_sessions.py and scripts/session_validation.py stand in for these clips."""
    for rep, level in enumerate(WEEK1_LEVELS, start=1):
        shipped = ClipSpec.from_record(load_truth(SAMPLES / f"session_rep{rep}_120fps.truth.json")["spec"])
        assert shipped.render.fps == 120.0
        assert replace(shipped, render=RenderSpec(fps=120.0)) == session_rep_spec(1, rep, level)


@pytest.mark.parametrize("video", CLIPS, ids=[p.stem for p in CLIPS])
def test_sample_clip_matches_its_truth(video):
    truth = load_truth(truth_path_for(video))
    digest = hashlib.sha256(video.read_bytes()).hexdigest()
    sums = _sums()
    assert truth["video"]["sha256"] == digest == sums[video.name]
    assert hashlib.sha256(truth_path_for(video).read_bytes()).hexdigest() == sums[truth_path_for(video).name]
    info = probe(video)
    assert (info.width, info.height, info.n_frames) == (truth["video"]["width_px"], truth["video"]["height_px"],
                                                          truth["video"]["n_frames"])
    assert info.capture_fps == truth["video"]["fps"]
    with av.open(str(video)) as container:  # what an ordinary player needs
        ctx = container.streams.video[0].codec_context
        assert (ctx.name, ctx.pix_fmt) == ("h264", "yuv420p")
    assert all(truth["frames"]["in_frame"])

    # re-render a few frames from the spec in the truth file: the same pictures, the truth on the figure
    prep = prepare(ClipSpec.from_record(truth["spec"]))
    assert prep.n_frames == info.n_frames
    wanted = {0, info.n_frames // 2, info.n_frames - 1}
    px = np.asarray(truth["frames"]["landmarks_px"])
    checked = 0
    for frame in read_frames(info):
        if frame.index not in wanted:
            continue
        drawn = render_frame(prep, frame.index)
        assert np.abs(frame.rgb.astype(float) - drawn).mean() < 2.0  # only compression differs
        coverage = athlete_coverage(prep, frame.index)
        x, y = np.floor(px[frame.index]).astype(int).T
        on_figure = coverage[y, x]
        assert on_figure.min() >= 0.5, [NAMES[k] for k in np.flatnonzero(on_figure < 0.5)]
        checked += 1
    assert checked == len(wanted)
