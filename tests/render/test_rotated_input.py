"""A phone clip stored rotated (rotation tag) is analysed and drawn the way a player shows it."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import set_rotation

from sprintlens import analyse_video, probe, read_frames
from sprintlens.core.video_writer import VideoWriter
from sprintlens.render import RenderOptions, render_outputs
from sprintlens.synth import ClipSpec, FlyingSpec, RenderSpec, render_clip

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rotated_clip(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rotated")
    upright = folder / "upright.mp4"
    truth = render_clip(ClipSpec(FlyingSpec(duration_s=0.8), render=RenderSpec(size=(640, 360), fps=60)), upright)
    stored = folder / "stored_rotated.mp4"
    info = probe(upright)
    with VideoWriter(stored, info.fps, (info.height, info.width)) as writer:
        for frame in read_frames(info):
            writer.write(np.ascontiguousarray(np.rot90(frame.rgb)))  # stored a quarter turn anticlockwise
    set_rotation(stored, 90)  # ... and tagged to be shown a quarter turn clockwise: upright again
    return stored, truth


def test_rotated_clip_is_read_upright(rotated_clip):
    stored, _ = rotated_clip
    info = probe(stored)
    assert info.rotation_deg == 90 and (info.width, info.height) == (640, 360)


def test_analysis_and_annotated_clip_follow_the_upright_picture(rotated_clip, tmp_path):
    stored, truth = rotated_clip
    analysis = analyse_video(stored)
    assert analysis.track.frame_size == (640, 360)
    true_px = np.asarray(truth["frames"]["landmarks_px"])
    seen = analysis.track.detected & np.asarray(truth["frames"]["in_frame"])
    error = np.linalg.norm(analysis.track.positions_px[seen] - true_px[seen], axis=-1)
    assert np.nanmedian(error) < 10.0  # the landmarks land on the figure, not on a turned picture
    written = render_outputs(analysis, stored, tmp_path, RenderOptions(plots=False, kinogram=False, report=False))
    out = probe(written["clip"])
    assert (out.width, out.height) == (640, 360) and out.rotation_deg == 0 and out.codec == "h264"
