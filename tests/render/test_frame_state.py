"""What each frame of the annotated clip shows, checked against the analysis it comes from."""

from __future__ import annotations

import numpy as np
import pytest

from sprintlens.render.frame_state import frame_states

pytestmark = pytest.mark.footage


def test_step_counter_and_last_contact_follow_the_steps(treadmill):
    a = treadmill.analysis
    states = frame_states(a, hold_s=0.3)
    assert len(states) == a.track.n_frames
    assert [s.index for s in states] == a.track.frame_index.tolist()
    steps = a.steps
    assert len(steps) >= 5
    t = a.t_s
    toeoff_frame_time = {step.index: t[np.searchsorted(t, step.toeoff_s, side="right") - 1] for step in steps}
    for s in states:
        # a step starts on the first frame at or after its touchdown; its contact time shows from
        # the last frame with the foot down (toe-off's key frame) on
        started = sum(step.touchdown_s <= s.t_s + 1e-9 for step in steps)
        assert s.step == started and s.n_steps == len(steps)
        finished = [step for step in steps if toeoff_frame_time[step.index] <= s.t_s + 1e-9]
        # whole ms from 100 fps, else 10 ms steps (the frame-period rule of the formatter)
        grain = 1 if a.track.fps >= 100 else 10
        expected = f"{grain * round(1000 * finished[-1].contact_s / grain):.0f} ms" if finished else "-"
        assert s.panel[0].value == expected


def test_markers_and_held_values_last_for_the_hold_only(treadmill):
    a = treadmill.analysis
    hold = 0.3
    states = frame_states(a, hold_s=hold)
    step = a.steps[2]
    key_row = int(np.flatnonzero(a.track.frame_index == step.toeoff_frame)[0])
    shown = float(a.t_s[key_row])
    assert shown <= step.toeoff_s < shown + 1.5 / a.track.fps
    for s in states:
        held = [c for c in s.callouts if c.text.startswith("Toe-off") and "hip ext" in c.text
                and f"{step.hip_extension_toeoff_deg:.0f}°" in c.text]
        on = shown <= s.t_s + 1e-9 and s.t_s < shown + hold - 1e-9
        if s.row == key_row:
            assert on and held  # the toe-off freeze-frame carries its hip extension
        if on:
            assert held, s.t_s
            assert any(m.kind == "toeoff" and m.foot == step.foot for m in s.markers)
    # nothing is held long after the last event
    assert all(c.age_s <= hold + 1e-9 for s in states for c in s.callouts)


def test_stance_matches_the_contacts(treadmill):
    a = treadmill.analysis
    states = frame_states(a)
    for c in a.contacts:
        for k in range(c.first_frame, c.last_frame + 1):
            assert c.foot in states[k].stance
            assert c.foot in states[k].contact_points
    swing_only = [s for s in states if not s.stance]
    assert swing_only, "a run has flight phases"
    assert all(np.isfinite(s.points_px).any() for s in states if s.points_px is not None)


def test_markers_move_with_the_ground(treadmill):
    """On the treadmill the belt carries the touchdown spot backwards: the marker follows it."""
    a = treadmill.analysis
    states = frame_states(a, hold_s=0.3)
    c = next(c for c in a.contacts if c.starts_in_clip and c.first_frame + 5 < c.last_frame)
    marks = [(s.row, m) for s in states for m in s.markers if m.kind == "touchdown" and m.foot == c.foot
             and c.first_frame <= s.row <= c.first_frame + 5]
    (row0, first), (row1, later) = marks[0], marks[-1]
    t = a.t_s
    speed = np.nan_to_num(a.ground_speed_px_s[row0:row1 + 1])
    expected = float(np.sum(0.5 * (speed[1:] + speed[:-1]) * np.diff(t[row0:row1 + 1])))
    assert later.x_px - first.x_px == pytest.approx(expected, abs=1e-6)
    assert later.y_px == first.y_px
    assert abs(expected) > 5  # the belt moved the spot by several pixels
