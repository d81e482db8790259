"""Fatigue variants: known changes in, the same changes found in the run's construction."""

from __future__ import annotations

import numpy as np
import pytest

from sprintlens.synth import (
    Body,
    ClipSpec,
    Fatigue,
    FlyingSpec,
    Mechanics,
    build_run,
    session_levels,
)


def test_apply_scales_with_level():
    fresh = Mechanics()
    half = Fatigue().apply(fresh, 0.5)
    assert half.contact_s == pytest.approx(fresh.contact_s * 1.06)
    assert half.step_length_m == pytest.approx(fresh.step_length_m * 0.975)
    assert half.speed_mps == pytest.approx(fresh.speed_mps * 0.97)
    assert half.hip_extension_deg == pytest.approx(fresh.hip_extension_deg - 3)
    assert half.trunk_lean_deg == pytest.approx(fresh.trunk_lean_deg + 2.5)
    assert half.knee_drive_deg == pytest.approx(fresh.knee_drive_deg - 4)
    assert Fatigue().apply(fresh, 0.0) == fresh
    assert Fatigue().at(0.5)["contact_time_pct"] == pytest.approx(6.0)
    with pytest.raises(ValueError):
        Fatigue().apply(fresh, -1)
    np.testing.assert_allclose(session_levels(6), [0, 0.2, 0.4, 0.6, 0.8, 1.0])


def _step_values(run):
    motion = run.motion
    steps = [c for c in motion.contacts if c.kind == "step" and 0.1 < c.touchdown_s < run.end_s - 0.3]
    c = steps[1]
    at_td, at_to = motion.pose(np.array([c.touchdown_s])), motion.pose(np.array([c.toe_off_s]))
    t = np.linspace(run.start_s, run.end_s, 4000)
    return {
        "contact_s": c.toe_off_s - c.touchdown_s,
        "step_length_m": steps[2].toe_m[0] - c.toe_m[0],
        "trunk_td": float(at_td.trunk_deg[0]),
        "hip_ext_to": float(-(at_to.thigh_deg[0, c.side] + at_to.trunk_deg[0])),
        "knee_drive": float(motion.pose(t).thigh_deg.max()),
    }


def test_fatigued_run_shows_the_changes():
    body = Body.from_height(1.8)
    spec = ClipSpec(FlyingSpec(duration_s=1.2), fatigue=Fatigue(), fatigue_level=1.0)
    fresh = _step_values(build_run(spec.scenario, body))
    tired = _step_values(build_run(spec.fatigued_scenario(), body))
    assert tired["contact_s"] / fresh["contact_s"] == pytest.approx(1.12)
    assert tired["step_length_m"] / fresh["step_length_m"] == pytest.approx(0.95)
    assert tired["trunk_td"] - fresh["trunk_td"] == pytest.approx(5.0, abs=1e-6)
    assert tired["hip_ext_to"] - fresh["hip_ext_to"] == pytest.approx(-6.0, abs=1e-6)
    assert tired["knee_drive"] - fresh["knee_drive"] == pytest.approx(-8.0, abs=0.1)
