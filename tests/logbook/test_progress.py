"""Progress over weeks: session values, noise band (MDC) and verdicts against known answers."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from logbook_data import FRESH, fatigue_shift, synthetic_rep

from sprintlens.logbook.fatigue import FatigueConfig, RepSteps
from sprintlens.logbook.progress import (
    PROGRESS_METRICS,
    SessionData,
    athlete_progress,
    mdc_z,
    metric_progress,
    progress_advice,
    progress_table,
    slope_significant,
)

MONDAY = dt.date(2024, 5, 6)


def session(sid, date, phase="speed", shift=None, n=4, seed=0, sd_scale=1.0, fatigue_from=None):
    reps = []
    for i in range(1, n + 1):
        s = dict(shift or {})
        if fatigue_from is not None and i >= fatigue_from:
            for k, v in fatigue_shift(1.0).items():
                s[k] = s.get(k, 0.0) + v
        reps.append(RepSteps.from_rep(synthetic_rep(f"s{sid}r{i}", seed=seed * 50 + i, shift=s, sd_scale=sd_scale),
                                      number=i))
    return SessionData(sid, date, phase, reps)


def by_metric(results):
    return {r.metric: r for r in results}


def test_two_sessions_a_week_apart_with_known_gains():
    gain = {"step_velocity": 0.04 * FRESH["step_velocity"], "contact_s": -0.06 * FRESH["contact_s"]}
    results = by_metric(athlete_progress([session(1, MONDAY, seed=1), session(2, MONDAY + dt.timedelta(7), seed=2,
                                                                                 shift=gain)]))
    speed, contact = results["step_velocity"], results["contact_s"]
    assert speed.verdict == "improved" and speed.real
    assert speed.change_pct == pytest.approx(4.0, abs=1.0)
    assert contact.verdict == "improved" and contact.change_pct == pytest.approx(-6.0, abs=1.5)
    for name in ("hip_extension_toeoff_deg", "knee_drive_deg", "max_thigh_separation_deg", "touchdown_distance"):
        assert results[name].verdict == "no real change", name
    assert speed.weeks == pytest.approx(1.0)
    # nine metrics judged together: the band is widened so that noise alone rarely crosses any of them
    assert mdc_z(9) == pytest.approx(2.77, abs=0.005) and mdc_z(1) == pytest.approx(1.96, abs=0.005)
    assert speed.mdc == pytest.approx(mdc_z(9) * math.sqrt(2) * speed.typical_error)
    assert speed.notes and "fewer than three sessions" in speed.notes[0]
    advice = progress_advice(list(results.values()))
    assert advice[0].startswith("Over 1 week, contact time -6") and " and speed +" in advice[0]
    assert advice[0].endswith("nothing declined: the training transfers; progress the load.")


def test_session_value_uses_the_fresh_reps_only():
    fresh_only = metric_progress([session(1, MONDAY, n=2, seed=3)], PROGRESS_METRICS[0])
    with_fatigue = metric_progress([session(1, MONDAY, n=6, seed=3, fatigue_from=3)], PROGRESS_METRICS[0])
    assert with_fatigue.points[0].value == pytest.approx(fresh_only.points[0].value)
    assert with_fatigue.points[0].n_reps == 2
    assert with_fatigue.verdict == "one session"


def test_noise_free_values_give_the_floor_band_and_an_exact_weekly_slope():
    sessions = [session(i, MONDAY + dt.timedelta(7 * i), sd_scale=0.0, shift={"step_velocity": 0.1 * i})
                for i in range(4)]
    speed = metric_progress(sessions, next(m for m in PROGRESS_METRICS if m.name == "step_velocity"))
    assert speed.slope_per_week == pytest.approx(0.1)
    assert speed.slope_se == pytest.approx(0.0, abs=1e-9)
    # floor 0.3 % of the first value per rep, two reps per session value
    assert speed.typical_error == pytest.approx(0.003 * FRESH["step_velocity"] / math.sqrt(2))
    assert speed.mdc == pytest.approx(mdc_z(1) * math.sqrt(2) * speed.typical_error)
    assert speed.day_to_day_sd == pytest.approx(0.0)
    assert speed.verdict == "improved" and speed.change == pytest.approx(0.3)
    hip = metric_progress(sessions, next(m for m in PROGRESS_METRICS if m.name == "hip_extension_toeoff_deg"))
    assert hip.typical_error == pytest.approx(0.5 / math.sqrt(2)) and hip.verdict == "no real change"


def test_day_to_day_scatter_widens_the_band_from_three_sessions():
    wobble = [0.0, 0.3, -0.3, 0.3, -0.3]
    sessions = [session(i, MONDAY + dt.timedelta(7 * i), seed=i, shift={"step_velocity": w})
                for i, w in enumerate(wobble)]
    speed = metric_progress(sessions, next(m for m in PROGRESS_METRICS if m.name == "step_velocity"))
    assert speed.day_to_day_sd > 0.2  # the 0.3 m/s session-to-session wobble is seen
    assert speed.mdc > 0.6 and speed.verdict == "no real change"
    assert not slope_significant(speed)


def test_phases_grouped_in_order_of_appearance():
    phases = ["strength", "strength", "eccentric", "speed", "speed"]
    sessions = [session(i, MONDAY + dt.timedelta(7 * i), phase=p, seed=i) for i, p in enumerate(phases)]
    (contact,) = athlete_progress(sessions, ["contact_s"])
    assert [(p.phase, p.n_sessions) for p in contact.phases] == [("strength", 2), ("eccentric", 1), ("speed", 2)]
    assert contact.phases[0].first == MONDAY and contact.phases[0].last == MONDAY + dt.timedelta(7)
    rows = progress_table([contact])
    assert len(rows) == 5 and rows[0]["phase"] == "strength" and rows[0]["date"] == "2024-05-06"


def test_a_decline_says_hold_the_load():
    worse = {"hip_extension_toeoff_deg": -5.0, "knee_drive_deg": -6.0}
    results = athlete_progress([session(1, MONDAY, seed=1), session(2, MONDAY + dt.timedelta(14), seed=2, shift=worse)])
    verdicts = {r.metric: r.verdict for r in results}
    assert verdicts["hip_extension_toeoff_deg"] == verdicts["knee_drive_deg"] == "declined"
    advice = progress_advice(results)
    assert advice[0].startswith("Over 2 weeks, ") and "hold the load" in advice[0]


def test_unknown_metric_and_no_data():
    with pytest.raises(ValueError, match="unknown metric speed_kmh"):
        athlete_progress([session(1, MONDAY)], ["speed_kmh"])
    empty = metric_progress([SessionData(1, MONDAY, "speed", [])], PROGRESS_METRICS[0])
    assert empty.verdict == "no data" and empty.points == ()
    assert progress_advice([empty]) == ("One session so far: progress needs at least two.",)


def test_baseline_reps_setting_sets_the_reps_per_session_value():
    (contact,) = athlete_progress([session(1, MONDAY, n=5)], ["contact_s"], FatigueConfig(baseline_reps=3))
    assert contact.points[0].n_reps == 3
