"""Comparison of reps: the sync event lines up in every panel, ghosts sit on the hips, the table's
differences are from the first rep."""

from __future__ import annotations

from types import SimpleNamespace

import av
import numpy as np
import pytest

from sprintlens.core.errors import AnalysisError
from sprintlens.render import style
from sprintlens.render.compare import (
    CompareOptions,
    SyncEvent,
    compare_plan,
    event_row,
    ghost_points,
    grid_shape,
    metric_rows,
    render_side_by_side,
    write_comparison,
)


def _stub(n_frames: int, fps: float, t0: float = 0.0):
    return SimpleNamespace(t_s=t0 + np.arange(n_frames) / fps, track=SimpleNamespace(fps=fps))


@pytest.mark.parametrize(("text", "expected"), [
    ("first-movement", SyncEvent("first_movement", 1)), ("touchdown", SyncEvent("touchdown", 1)),
    ("touchdown:3", SyncEvent("touchdown", 3)), ("TD2", SyncEvent("touchdown", 2)),
])
def test_sync_event_parsing(text, expected):
    assert SyncEvent.parse(text) == expected


def test_bad_sync_event():
    with pytest.raises(AnalysisError):
        SyncEvent.parse("landing")


def test_plan_shows_every_event_frame_at_the_same_output_frame():
    a, b, c = _stub(100, 30.0), _stub(60, 30.0, t0=5.0), _stub(400, 120.0)
    rows = (40, 10, 300)
    plan = compare_plan([a, b, c], rows, 30.0, CompareOptions())
    assert plan.rows[plan.event_out].tolist() == list(rows)
    assert plan.tau_s[plan.event_out] == 0.0
    # before a rep's clip starts it shows "not started" (-1); rows never go back
    assert plan.rows[0, 0] == -1 and plan.rows[0, 1] == -1 and plan.rows[0, 2] == 0
    assert np.all(np.diff(plan.rows, axis=0) >= 0)
    # the 120 fps rep advances four frames per 30 fps output frame
    j = plan.event_out
    assert plan.rows[j + 1].tolist() == [41, 11, 304]
    # from the earliest start (c: 300 frames of 120 fps = 2.5 s = 75 output frames before its event)
    # to the latest end (a: 59 frames of 30 fps after its event)
    assert plan.event_out == 75 and plan.n_frames == 75 + 1 + 59


def test_slow_motion_plan_repeats_frames():
    a, b = _stub(30, 30.0), _stub(30, 30.0)
    plan = compare_plan([a, b], (10, 20), 30.0, CompareOptions(slow_motion=2))
    assert plan.fps == 30.0
    j = plan.event_out
    assert plan.rows[j:j + 4, 0].tolist() == [10, 10, 11, 11]


def _ghost_stub(points, leg, sign):
    return SimpleNamespace(cleaned=SimpleNamespace(smooth=SimpleNamespace(positions_px=points[None])),
                           scale=SimpleNamespace(leg_px=leg), direction=SimpleNamespace(sign=sign))


def test_ghost_is_scaled_mirrored_and_put_on_the_hips():
    rng = np.random.default_rng(1)
    base = rng.uniform(100, 300, (33, 2))
    # the other rep: same posture, twice the size, running the other way, elsewhere in its frame
    hip = (base[23] + base[24]) / 2
    other = (base - hip) * 2.0
    other[:, 0] *= -1
    other += [900.0, 50.0]
    ghost = ghost_points(_ghost_stub(base, 100.0, 1), 0, _ghost_stub(other, 200.0, -1), 0)
    np.testing.assert_allclose(ghost, base, atol=1e-9)


@pytest.mark.footage
def test_metric_differences_are_from_the_first_rep(treadmill, jog):
    rows = metric_rows([treadmill.analysis, jog.analysis])
    contact = next(r for r in rows if r.label == "contact time")
    expected = [a.summary.trends["contact_s"].mean for a in (treadmill.analysis, jog.analysis)]  # s
    assert contact.values == pytest.approx(expected)
    assert contact.diffs == pytest.approx([0.0, expected[1] - expected[0]])
    assert contact.unit == "ms" and "(" in contact.cells()[1]
    assert contact.cells()[0] == f"{1000 * expected[0]:.0f} ms" or treadmill.analysis.summary.fps < 100


def test_grid():
    assert grid_shape(2) == (2, 1) and grid_shape(3) == (3, 1) and grid_shape(4) == (2, 2)


@pytest.mark.footage
def test_side_by_side_video_is_aligned_on_the_event(treadmill, jog, tmp_path):
    reps = [treadmill.analysis, jog.analysis]
    options = CompareOptions(event=SyncEvent("touchdown", 2), panel_height_px=320)
    rows = [event_row(a, options.event) for a in reps]
    for a, row in zip(reps, rows):  # the event row shows the second filmed touchdown
        second = sorted((c for c in a.contacts if c.starts_in_clip), key=lambda c: c.touchdown_s)[1]
        assert row == second.first_frame
    out = tmp_path / "compare.mp4"
    result = render_side_by_side(reps, [treadmill.video, jog.video], ["A", "B"], out, options)
    assert result.plan.rows[result.plan.event_out].tolist() == rows
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    assert len(frames) == result.n_frames
    w, h = result.size
    assert frames[0].shape == (h, w, 3) and w == 2 * (w // 2)
    # the event frame, and only it, has the yellow event border round every panel
    pw = w // 2

    def bordered(frame):
        return [bool(np.abs(frame[h // 2, x + 1].astype(int) - style.REFERENCE).max() < 60) for x in (0, pw)]

    assert bordered(frames[result.plan.event_out]) == [True, True]
    assert bordered(frames[result.plan.event_out - 3]) == [False, False]


@pytest.mark.footage
def test_comparison_writes_page_plots_and_videos(treadmill, jog, tmp_path):
    written = write_comparison([treadmill.analysis, jog.analysis], [treadmill.video, jog.video], ["A", "B"],
                               tmp_path / "cmp", CompareOptions(panel_height_px=240), names=["t", "j"])
    for key in ("side_by_side", "ghost", "angles.png", "angles.svg", "page"):
        assert written[key].is_file(), key
    page = written["page"].read_text()
    for section in ("reps", "metrics", "videos", "angles"):
        assert f'<section id="{section}">' in page
    assert 'src="compare.mp4"' in page and 'src="ghost.mp4"' in page
    with av.open(str(written["ghost"])) as container:
        assert (container.streams.video[0].width, container.streams.video[0].height) == (720, 1280)


@pytest.mark.footage
def test_missing_event_is_a_clear_error_and_writes_nothing(treadmill, jog, tmp_path):
    with pytest.raises(AnalysisError, match="rep 1: .*first movement"):
        write_comparison([treadmill.analysis, jog.analysis], [treadmill.video, jog.video], ["A", "B"],
                         tmp_path / "none", CompareOptions(event=SyncEvent("first_movement")))
    assert not (tmp_path / "none").exists()


def _contact(foot, td, to, first, starts=True):
    return SimpleNamespace(foot=foot, touchdown_s=td, toeoff_s=to, first_frame=first, starts_in_clip=starts)


def test_event_rows_of_a_block_start():
    t = np.arange(200) / 100.0
    start = SimpleNamespace(first_movement_s=0.503, front_exit_s=0.90)
    contacts = [_contact("left", 0.10, 0.95, 10),  # the front foot in the blocks: not a step
                _contact("right", 1.004, 1.15, 101),
                _contact("right", 1.16, 1.20, 116),  # a fragment of the same foot's contact: not counted
                _contact("left", 1.31, 1.45, 131),
                _contact("right", 1.60, 1.74, 160, starts=False)]
    a = SimpleNamespace(t_s=t, start=start, contacts=contacts)
    assert event_row(a, SyncEvent("first_movement")) == 51  # first frame at or after 0.503 s
    assert event_row(a, SyncEvent("touchdown", 1)) == 101
    assert event_row(a, SyncEvent("touchdown", 2)) == 131
    with pytest.raises(AnalysisError, match="2 filmed touchdowns"):
        event_row(a, SyncEvent("touchdown", 3))
    with pytest.raises(AnalysisError, match="no block start"):
        event_row(SimpleNamespace(t_s=t, start=None, contacts=contacts), SyncEvent("first_movement"))
