"""Events on constructed signals with known answers (no pose model)."""

from __future__ import annotations

import numpy as np
import pytest

from sprintlens.analysis.cleaning import clean_track
from sprintlens.analysis.contacts import (
    Contact,
    Gait,
    _crossing,
    classify_gait,
    merge_fragments,
)
from sprintlens.analysis.ground import fit_ground_line
from sprintlens.analysis.travel import direction_of_travel, passes_of_travel
from sprintlens.core.landmarks import Landmark as L


def contact(foot, td, to, complete=True):
    return Contact(foot=foot, touchdown_s=td, toeoff_s=to, first_frame=int(td * 100), last_frame=int(to * 100),
                   uncertainty_s=0.01, x_px=0.0, y_px=0.0, starts_in_clip=complete, ends_in_clip=complete)


def alternating(n, step=0.25, contact_time=0.12, start=0.1):
    return [contact("left" if i % 2 == 0 else "right", start + i * step, start + i * step + contact_time)
            for i in range(n)]


def test_crossing_interpolates_between_frames():
    assert _crossing(0.0, 3.0, 1.0, -1.0, 1.0) == pytest.approx(0.5)
    assert _crossing(0.0, 3.0, 1.0, 2.0, 1.0) == pytest.approx(1.0)  # clipped to the interval


def test_running_has_flight_walking_has_double_support():
    running = classify_gait(alternating(8, step=0.25, contact_time=0.12), 2.5)
    assert running.gait is Gait.RUNNING and running.flight_fraction == 1.0
    assert running.duty_factor == pytest.approx(0.12 / 0.5)
    walking = classify_gait(alternating(8, step=0.5, contact_time=0.65), 4.5)
    assert walking.gait is Gait.WALKING
    assert "double support" in walking.reason


def test_too_few_contacts_is_unknown_and_one_long_contact_each_is_standing():
    assert classify_gait(alternating(2), 1.0).gait is Gait.UNKNOWN
    standing = [contact("left", 0.0, 2.9, complete=False), contact("right", 0.0, 2.95, complete=False)]
    assert classify_gait(standing, 3.0).gait is Gait.STANDING


def test_fragments_of_one_contact_are_merged_but_steps_are_not():
    contacts = alternating(6)
    broken = contacts[:2] + [contact("left", 0.6, 0.64), contact("left", 0.66, 0.72)] + contacts[3:]
    merged = merge_fragments(broken)
    assert len(merged) == 6
    assert merged[2].touchdown_s == pytest.approx(0.6) and merged[2].toeoff_s == pytest.approx(0.72)
    assert merge_fragments(contacts) == contacts


def test_ground_line_follows_the_lower_envelope_and_its_tilt():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1000, 2000)
    ground = 0.05 * x + 600
    lift = np.where(rng.random(2000) < 0.4, 0.0, rng.uniform(0, 150, 2000))  # 40 % of samples planted
    line = fit_ground_line(x, ground - lift + rng.normal(0, 1.0, 2000), leg_px=200)
    assert line.slope == pytest.approx(0.05, abs=0.01)
    assert line.y_at(np.array([500.0]))[0] == pytest.approx(625.0, abs=4.0)


def test_narrow_range_gives_a_level_line_and_too_few_points_none():
    x = np.full(100, 300.0) + np.arange(100) * 0.1
    y = np.r_[np.full(50, 700.0), np.full(50, 650.0)]
    line = fit_ground_line(x, y, leg_px=200)
    assert line.slope == 0.0 and line.intercept == pytest.approx(700.0)
    assert fit_ground_line(x[:5], y[:5], leg_px=200) is None


def _body(n, hip_x, nose_dx=0.0, toe_dx=0.0):
    xy = np.full((n, 33, 2), np.nan)
    for side in ("LEFT", "RIGHT"):
        xy[:, L[f"{side}_HIP"]] = np.stack([hip_x, np.full(n, 500.0)], 1)
        xy[:, L[f"{side}_KNEE"]] = np.stack([hip_x, np.full(n, 600.0)], 1)
        xy[:, L[f"{side}_ANKLE"]] = np.stack([hip_x, np.full(n, 700.0)], 1)
        xy[:, L[f"{side}_HEEL"]] = np.stack([hip_x - 10, np.full(n, 710.0)], 1)
        xy[:, L[f"{side}_FOOT_INDEX"]] = np.stack([hip_x + toe_dx, np.full(n, 712.0)], 1)
        xy[:, L[f"{side}_EAR"]] = np.stack([hip_x, np.full(n, 300.0)], 1)
    xy[:, L.NOSE] = np.stack([hip_x + nose_dx, np.full(n, 305.0)], 1)
    return xy


@pytest.mark.parametrize("sign", [1, -1])
def test_direction_from_hip_travel(sign):
    hip = 500 + sign * np.linspace(0, 800, 50)
    d = direction_of_travel(_body(50, hip))
    assert d.sign == sign and d.method == "hip travel"


@pytest.mark.parametrize("sign", [1, -1])
def test_direction_from_facing_when_hips_stay_put(sign):
    d = direction_of_travel(_body(50, np.full(50, 500.0), nose_dx=sign * 20, toe_dx=sign * 30))
    assert d.sign == sign and d.method == "facing"


def test_parallax_factor_reads_the_near_foots_faster_ground():
    from sprintlens.analysis.ground import parallax_factor

    ground = np.linspace(-2100.0, -1900.0, 200)  # a panning camera, px/s
    near = 1.05 * ground
    near[:20] = np.nan  # frames without planted samples of this foot
    assert parallax_factor(near, ground, 300.0) == pytest.approx(1.05)
    assert parallax_factor(0.5 * ground, ground, 300.0) == pytest.approx(0.85)  # bounded
    still = np.random.default_rng(0).normal(0, 30, 200)
    assert parallax_factor(still, still + 5.0, 300.0) == 1.0  # a still ground: no ratio
    assert parallax_factor(np.array([]), np.array([]), 300.0) == 1.0



def test_passes_of_travel_finds_the_sprint_and_the_jog_back():
    from conftest import out_and_back_track

    whole, sprint, jog = out_and_back_track()
    found = passes_of_travel(clean_track(whole).smooth.positions_px, whole.t_s)
    assert [p.sign for p in found] == [1, -1]
    assert found[0].start == 0 and sprint.n_frames <= found[0].stop < found[1].start
    assert found[1].stop == whole.n_frames and found[1].start <= whole.n_frames - jog.n_frames
    # 9.5 and 6 m/s over a 0.96 m leg (1.80 m athlete): about 10 and 6 legs/s
    assert found[0].speed_legs_s == pytest.approx(9.5 / 0.96, rel=0.15)
    assert found[1].speed_legs_s == pytest.approx(6.0 / 0.96, rel=0.15)
    alone = passes_of_travel(clean_track(sprint).smooth.positions_px, sprint.t_s)
    assert len(alone) == 1 and alone[0].sign == 1 and (alone[0].start, alone[0].stop) == (0, sprint.n_frames)


def test_no_pass_where_the_hips_stay_put():
    t = np.arange(240) / 120.0
    positions = np.zeros((240, 33, 2))
    positions[..., 0] = 600 + 3 * np.sin(2 * np.pi * 3 * t)[:, None]  # bobbing on the spot (treadmill)
    positions[..., 1] = 300.0
    positions[:, [L.LEFT_KNEE, L.RIGHT_KNEE], 1] = 400.0
    positions[:, [L.LEFT_ANKLE, L.RIGHT_ANKLE], 1] = 500.0
    assert passes_of_travel(positions, t) == []
