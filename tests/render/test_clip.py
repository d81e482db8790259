"""The annotated clip: schedule (known frame counts), decoding (codec, size, frames), skeleton on the
athlete, and no file left behind when encoding fails."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from sprintlens.core.errors import OutputError
from sprintlens.core.video_writer import VideoWriter
from sprintlens.render.annotate import Layers
from sprintlens.render.clip import (
    ClipOptions,
    key_rows,
    output_fps,
    playback_plan,
    render_clip,
    resolve_slow_motion,
)

from .synthetic import dilated, drawn_legs, puppet_mask


def decode(path: Path) -> tuple[list[np.ndarray], dict[str, object]]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        meta = {"codec": stream.codec_context.name, "pix_fmt": stream.codec_context.pix_fmt,
                "size": (stream.width, stream.height), "rate": float(stream.average_rate)}
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    return frames, meta


@pytest.mark.parametrize(("rate", "slow", "expected"), [
    (30.0, 1, (30.0, 1, 1)),
    (30.0, 2, (30.0, 2, 1)),     # half speed: every frame twice
    (30.0, 4, (30.0, 4, 1)),
    (240.0, 1, (60.0, 1, 4)),    # real time: every fourth frame
    (240.0, 4, (60.0, 1, 1)),
    (120.0, 4, (30.0, 1, 1)),
    (29.97, 1, (29.97, 1, 1)),
])
def test_output_rate(rate, slow, expected):
    fps, repeat, stride = output_fps(rate / slow)
    assert (fps, repeat, stride) == pytest.approx(expected)


def test_plan_repeats_frames_in_slow_motion():
    t = np.arange(10) / 30.0
    plan = playback_plan(t, 30.0, 30.0, ClipOptions(slow_motion=2))
    assert plan.fps == 30.0
    assert plan.rows.tolist() == [k for k in range(10) for _ in range(2)]
    assert set(plan.banners) == {""}


def test_plan_drops_frames_of_a_fast_clip_and_still_freezes_a_dropped_key_frame():
    t = np.arange(16) / 240.0
    plan = playback_plan(t, 240.0, 240.0, ClipOptions(slow_motion=1, freeze_s=0.5), freeze_rows={5: "TOUCHDOWN L"})
    assert plan.fps == 60.0
    frozen = [r for r, b in zip(plan.rows, plan.banners) if b]
    assert frozen == [5] * 30
    assert [r for r, b in zip(plan.rows, plan.banners) if not b] == [0, 4, 8, 12]
    first_freeze = plan.banners.index("FREEZE · TOUCHDOWN L")
    assert plan.rows[first_freeze - 1] == 4 and plan.rows[first_freeze + 30] == 8


@pytest.mark.parametrize(("fps", "factor"), [(240.0, 8.0), (120.0, 4.0), (30.0, 1.0), (25.0, 1.0), (59.94, 1.998)])
def test_auto_slow_motion_shows_every_frame_of_a_high_speed_clip(fps, factor):
    assert resolve_slow_motion(None, fps) == pytest.approx(factor)
    assert resolve_slow_motion(2.0, fps) == 2.0
    t = np.arange(48) / fps
    plan = playback_plan(t, fps, fps, ClipOptions())
    assert plan.rows.tolist() == list(range(48))
    assert plan.fps == pytest.approx(fps / factor)  # 30 frames/s, or the clip's own 25


def test_plan_follows_real_timestamps_of_a_slow_motion_file():
    # 240 fps filmed, stored at 30 fps playback (a phone's slow motion): as stored, 30 fps, every frame
    t = np.arange(24) / 240.0
    plan = playback_plan(t, 30.0, 240.0, ClipOptions())
    assert plan.fps == 30.0 and plan.rows.tolist() == list(range(24))


@pytest.mark.footage
def test_key_rows_map_video_frames_to_rows(treadmill):
    a = treadmill.analysis
    rows = key_rows(a.steps, a.track.frame_index)
    step = a.steps[1]
    row = int(np.flatnonzero(a.track.frame_index == step.touchdown_frame)[0])
    assert f"TOUCHDOWN {step.foot[0].upper()}" in rows[row]


def test_skeleton_pixels_land_on_the_athlete_in_the_right_frame(puppet, tmp_path):
    """The puppet clip's figure sits at known positions; the drawn skeleton must lie on it in every
    output frame (a wrong frame offset, scale or orientation puts it beside the moving figure)."""
    out = tmp_path / "puppet_annotated.mp4"
    options = ClipOptions(slow_motion=2, layers=Layers(joint_angles=False, verticals=False, markers=False, panel=False))
    result = render_clip(puppet["analysis"], puppet["clip"], out, options)
    frames, meta = decode(out)
    n_rows = puppet["analysis"].track.n_frames
    assert result.n_frames == len(frames) == n_rows  # 60 fps at half speed: 30 fps, each frame once
    assert meta["size"] == puppet["size"] and meta["codec"] == "h264" and meta["pix_fmt"] == "yuv420p"
    source, _ = decode(puppet["clip"])
    for j in (0, n_rows // 2, n_rows - 1):
        video_frame = 5 + j  # the analysis starts at video frame 5
        figure = puppet_mask(source[video_frame])
        grown = dilated(figure, 4)  # anti-aliased edges and joint dots
        legs = drawn_legs(frames[j], tolerance=45)
        assert legs.sum() > 300, j
        assert (legs & grown).sum() / legs.sum() > 0.97, j
        # and against the figure of another frame it does not fit as well (the figure moves)
        other = puppet_mask(source[video_frame + 20 if video_frame + 20 < len(source) else video_frame - 20])
        assert (legs & other).sum() < (legs & figure).sum()


@pytest.mark.footage
def test_treadmill_clip_decodes_with_expected_frames_size_and_codec(treadmill, tmp_path):
    a = treadmill.analysis
    out = tmp_path / "annotated.mp4"
    options = ClipOptions(slow_motion=2, freeze_s=0.2)
    result = render_clip(a, treadmill.video, out, options)
    frames, meta = decode(out)
    n_freeze = len(key_rows(a.steps, a.track.frame_index))
    assert len(frames) == result.n_frames == 2 * a.track.n_frames + n_freeze * round(0.2 * 30)
    assert meta == {"codec": "h264", "pix_fmt": "yuv420p", "size": (720, 1280), "rate": 30.0}  # portrait kept
    assert frames[0].shape == (1280, 720, 3)


def test_a_failed_encoding_leaves_no_file(puppet, tmp_path, monkeypatch):
    out = tmp_path / "broken.mp4"
    calls = {"n": 0}
    original = VideoWriter.write

    def failing(self, rgb):
        calls["n"] += 1
        if calls["n"] > 5:
            raise OutputError(f"{self.path}: H.264 encoding failed (disk full)")
        original(self, rgb)

    monkeypatch.setattr(VideoWriter, "write", failing)
    with pytest.raises(OutputError, match="encoding failed"):
        render_clip(puppet["analysis"], puppet["clip"], out)
    assert list(tmp_path.iterdir()) == []


def test_bad_options_are_refused():
    with pytest.raises(OutputError):
        ClipOptions(slow_motion=0.5)
    with pytest.raises(OutputError):
        ClipOptions(freeze_at=("landing",))


@pytest.mark.footage
def test_poster_is_the_annotated_touchdown_of_the_fastest_step(treadmill, tmp_path):
    a = treadmill.analysis
    result = render_clip(a, treadmill.video, tmp_path / "c.mp4", ClipOptions(slow_motion=1))
    fastest = max(a.steps, key=lambda s: s.step_velocity)
    row = int(np.flatnonzero(a.track.frame_index == fastest.touchdown_frame)[0])
    frames, _ = decode(tmp_path / "c.mp4")
    assert result.poster is not None and result.poster.shape == frames[row].shape
    assert np.abs(result.poster.astype(int) - frames[row].astype(int)).mean() < 4  # the same frame, after H.264
    assert np.abs(result.poster.astype(int) - frames[row - 3].astype(int)).mean() > \
        np.abs(result.poster.astype(int) - frames[row].astype(int)).mean()
