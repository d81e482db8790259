"""Rendering clips: playable H.264, truth beside it, byte-for-byte reproducible, options work."""

from __future__ import annotations

import hashlib

import av
import numpy as np
import pytest

from sprintlens.capture.video import probe, read_frames
from sprintlens.synth import (
    CameraSpec,
    ClipSpec,
    FlyingSpec,
    RenderSpec,
    SecondPerson,
    load_truth,
    prepare,
    render_clip,
    render_frames,
    truth_path_for,
)

TINY = RenderSpec(fps=60, size=(320, 180), crf=30)


def _spec(**changes) -> ClipSpec:
    base = dict(scenario=FlyingSpec(duration_s=0.2), camera=CameraSpec(pan=True), render=TINY)
    base.update(changes)
    return ClipSpec(**base)


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_render_clip_writes_playable_h264_with_its_truth(tmp_path):
    video = tmp_path / "tiny.mp4"
    truth = render_clip(_spec(), video)
    info = probe(video)
    assert (info.width, info.height, info.fps, info.n_frames) == (320, 180, 60.0, truth["video"]["n_frames"])
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
    assert truth_path_for(video) == tmp_path / "tiny.truth.json"
    written = load_truth(truth_path_for(video))
    assert written == truth
    assert written["video"] == {**written["video"], "file": "tiny.mp4", "sha256": _sha(video)}
    times = [f.t_s for f in read_frames(info)]
    np.testing.assert_allclose(times, written["frames"]["t_s"], atol=1e-6)


def test_rendering_is_byte_for_byte_reproducible(tmp_path):
    spec = _spec(render=RenderSpec(fps=60, size=(320, 180), crf=30, noise_sd=2.0))
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    render_clip(spec, a)
    render_clip(spec, b)
    assert _sha(a) == _sha(b)
    assert truth_path_for(a).read_text().replace("a.mp4", "b.mp4") == truth_path_for(b).read_text()


@pytest.mark.parametrize("render", [
    RenderSpec(fps=60, size=(320, 180), noise_sd=3.0),
    RenderSpec(fps=60, size=(320, 180), defocus_px=1.2),
    RenderSpec(fps=60, size=(320, 180), motion_blur_samples=5, shutter=0.5),
])
def test_camera_imperfections_change_pixels_not_truth(render):
    clean, rough = prepare(_spec()), prepare(_spec(render=render))
    a, b = next(render_frames(clean)), next(render_frames(rough))
    assert a.shape == b.shape and np.abs(a.astype(int) - b.astype(int)).max() > 0
    assert abs(float(a.mean()) - float(b.mean())) < 3  # the same picture, a little degraded
    np.testing.assert_array_equal(clean.times_s[clean.frame_samples], rough.times_s[rough.frame_samples])
    np.testing.assert_array_equal(clean.points_m["nose"][clean.frame_samples],
                                  rough.points_m["nose"][rough.frame_samples])


def test_second_person_is_drawn_smaller_and_further(tmp_path):
    spec = _spec(second_person=SecondPerson(lanes_further=3, x_m=0.0), camera=CameraSpec(pan=False, x_m=0.0),
                 scenario=FlyingSpec(duration_s=0.1))
    alone = prepare(_spec(camera=CameraSpec(pan=False, x_m=0.0), scenario=FlyingSpec(duration_s=0.1)))
    both = prepare(spec)
    a, b = next(render_frames(alone)), next(render_frames(both))
    assert np.abs(a.astype(int) - b.astype(int)).max() > 50  # someone else is there
    points, body, *_ = both.other
    athlete_scale = both.camera.scale(0.0)
    other_scale = both.camera.scale(float(points["mid_hip"][0, 2]))
    assert other_scale < athlete_scale


def test_bad_specs_are_refused():
    with pytest.raises(ValueError):
        ClipSpec(direction="upwards")
    with pytest.raises(ValueError):
        ClipSpec(style="purple")
    with pytest.raises(ValueError):
        RenderSpec(motion_blur_samples=2)
    with pytest.raises(ValueError):
        CameraSpec(distance_m=0.5)
