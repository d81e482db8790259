"""Fatigue statistics on synthetic metric values with known injected changes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from logbook_data import STEP_SD, fatigue_shift, synthetic_rep

from sprintlens.core.formatting import format_change
from sprintlens.logbook.fatigue import (
    FATIGUE_METRICS,
    FatigueConfig,
    MetricSpec,
    RepSteps,
    assess_session,
    compare_rep,
    confidence_words,
    estimate_noise,
    fit_step_trend,
    implausible_steps,
    make_baseline,
    rep_value,
)

L, R = "left", "right"

#: What the generator's full fatigue changes beyond noise and the SWC (step frequency moves by
#: -1.05 %, about the SWC, thigh separation and touchdown distance not at all).
FATIGUED = {"contact_s", "step_velocity", "hip_extension_toeoff_deg", "knee_drive_deg", "trunk_lean_touchdown_deg"}


def steps_of(reps_levels, seed=0, n_steps=12, **kwargs):
    return [RepSteps.from_rep(synthetic_rep(f"rep{i}.mp4", seed=seed * 100 + i, n_steps=n_steps,
                                            shift=fatigue_shift(level), **kwargs), number=i)
            for i, level in enumerate(reps_levels, start=1)]


def flagged(assessment, rep):
    return {c.metric for c in assessment.warnings(rep)}


def test_rep_value_is_the_mean_of_the_two_legs_means():
    value, c, ss, df = rep_value(np.array([1.0, 2.0, 3.0]), np.array([L, R, L]))
    assert value == pytest.approx(2.0)  # left mean 2, right mean 2 (the plain mean would also be 2)
    assert c == pytest.approx((1 / 2 + 1 / 1) / 4)
    assert (ss, df) == (pytest.approx(2.0), 1)
    value, *_ = rep_value(np.array([100.0, 110.0, 100.0]), np.array([L, R, L]))
    assert value == pytest.approx(105.0)  # not 103.3: an odd step count does not tilt towards the left leg
    assert math.isnan(rep_value(np.array([np.nan]), np.array([L]))[0])


def test_noise_components_known_answers():
    feet = np.array([L, L, R, R])
    rep_a = (np.array([1.0, 3.0, 3.0, 5.0]), feet)  # value 3, within SS 4 (2 df)
    rep_b = (np.array([2.0, 4.0, 4.0, 6.0]), feet)  # value 4, within SS 4 (2 df)
    noise = estimate_noise([[rep_a, rep_b]])
    assert noise.within_sd == pytest.approx(math.sqrt(2.0)) and noise.within_df == 4
    assert noise.mean_c == pytest.approx(0.25)
    # var of rep values 0.5 equals the sampling variance 2 x 0.25: no true rep-to-rep variation
    assert noise.var_rep_values == pytest.approx(0.5) and noise.between_sd == 0.0 and noise.between_df == 1
    rep_c = (np.array([3.0, 5.0, 5.0, 7.0]), feet)  # value 5
    noise = estimate_noise([[rep_a, rep_c]])
    assert noise.between_sd == pytest.approx(math.sqrt(2.0 - 0.5))
    # pooling two sessions' baselines: between df add up
    assert estimate_noise([[rep_a, rep_b], [rep_a, rep_c]]).between_df == 2


def test_change_standard_error_follows_the_model():
    spec = MetricSpec("m", "m", "deg", "down", swc={"deg": 1.0})  # no floor
    feet = np.array([L, R] * 4)
    rng = np.random.default_rng(3)
    base = [RepSteps(i, {"m": 10 + rng.normal(0, 2, 8)}, feet, "m", 240.0) for i in (1, 2)]
    late = RepSteps(3, {"m": 5 + rng.normal(0, 2, 8)}, feet, "m", 240.0)
    config = FatigueConfig(metrics=(spec,))
    baseline = make_baseline(base, config)
    noise = baseline.noise["m"]
    (change,) = compare_rep(late, baseline, config)
    c = (1 / 4 + 1 / 4) / 4
    te2 = noise.between_sd**2 + noise.within_sd**2 * c
    assert change.se == pytest.approx(math.sqrt(te2 + te2 / 2))
    assert change.df == noise.within_df == 12
    assert change.change == pytest.approx(rep_value(late.values["m"], feet)[0] - baseline.values["m"])
    assert change.verdict == "worse" and change.flagged


def test_injected_fatigue_is_flagged_on_the_fatigued_reps_only():
    # reps 1-2 baseline, 3-4 still fresh, 5-6 at the generator's full fatigue
    false_on_fresh = 0
    for seed in range(20):
        a = assess_session(steps_of([0, 0, 0, 0, 1, 1], seed=seed))
        assert a.compared == (3, 4, 5, 6)
        for rep in (5, 6):
            assert FATIGUED <= flagged(a, rep) <= FATIGUED | {"step_frequency_hz"}, (seed, rep, flagged(a, rep))
        false_on_fresh += len(flagged(a, 3)) + len(flagged(a, 4))
        assert a.onset_rep in (3, 4, 5)
    assert false_on_fresh <= 2  # 40 fresh reps x 8 metrics; alpha = 5 % per rep


def test_known_session_flags_sizes_and_advice():
    a = assess_session(steps_of([0, 0, 0, 0, 1, 1], seed=1))
    assert flagged(a, 3) == flagged(a, 4) == set()
    contact = next(c for c in a.changes[5] if c.metric == "contact_s")
    assert contact.change_pct == pytest.approx(12.0, abs=2.5)  # injected +12 %
    hip = next(c for c in a.changes[5] if c.metric == "hip_extension_toeoff_deg")
    assert hip.change == pytest.approx(-6.0, abs=1.0)  # injected -6 deg
    assert hip.noise > 0 and hip.swc == pytest.approx(1.0) and hip.threshold >= hip.swc
    assert a.onset_rep == 5
    assert a.advice[0].startswith("From rep 5, ")
    assert "beyond your noise" in a.advice[0]
    assert a.advice[0].endswith("stop the speed work here or switch to technique-focused reps.")
    flag = next(f for f in a.flags if f.rep == 5 and f.metric == "contact_s")
    assert flag.severity == "warning" and flag.scope == "rep" and flag.reference == "reps 1-2 of this session"
    assert flag.confidence.startswith("most likely") and flag.probability > 0.995
    assert "noise" in flag.message and "smallest worthwhile change" in flag.message


def test_a_gradual_session_flags_from_where_the_change_exceeds_the_noise():
    # the rendered session's levels: 0, 0.2, 0.4, 0.6, 0.8, 1.0
    a = assess_session(steps_of(np.linspace(0, 1, 6), seed=2))
    contact = {r: next(c for c in a.changes[r] if c.metric == "contact_s") for r in a.compared}
    for change in contact.values():  # flagged exactly where the change exceeds its threshold
        assert change.flagged == (change.change > change.threshold)
    assert contact[6].flagged and contact[5].flagged
    assert a.onset_rep is not None and a.onset_rep <= 5


def test_the_same_clip_analysed_again_and_again_raises_no_flags():
    same = synthetic_rep("rep.mp4", seed=7)
    reps = [RepSteps.from_rep(same, number=i) for i in range(1, 7)]
    a = assess_session(reps)
    assert a.flags == ()
    assert all(c.verdict == "within noise" and c.change == 0 for cs in a.changes.values() for c in cs)
    assert a.advice[0].startswith("All 4 reps after the baseline held within your noise")


def test_floor_keeps_noise_free_values_from_flagging_trivial_changes():
    def rep(i, hip):
        return RepSteps.from_rep(synthetic_rep(f"r{i}", seed=i, sd_scale=0.0, shift={"hip_extension_toeoff_deg": hip}),
                                 number=i)

    a = assess_session([rep(1, 0.0), rep(2, 0.0), rep(3, -0.4), rep(4, -3.0)])
    hip3 = next(c for c in a.changes[3] if c.metric == "hip_extension_toeoff_deg")
    hip4 = next(c for c in a.changes[4] if c.metric == "hip_extension_toeoff_deg")
    assert hip3.se == pytest.approx(0.5 * math.sqrt(1.5))  # the 0.5 deg floor, for rep and baseline
    assert not hip3.flagged and hip3.verdict in ("within noise", "trivial")
    assert hip4.flagged
    contact = next(c for c in a.changes[3] if c.metric == "contact_s")
    assert contact.se == pytest.approx(1 / 240 / math.sqrt(6 * 12) * math.sqrt(1.5))  # frame-period floor


def test_either_direction_and_improvements():
    reps = steps_of([0, 0, 0, 0])
    leaning_back = RepSteps.from_rep(synthetic_rep("r5", seed=5, shift={"trunk_lean_touchdown_deg": -5.0}), number=5)
    faster = RepSteps.from_rep(synthetic_rep("r6", seed=6, shift={"step_velocity": 0.5}), number=6)
    a = assess_session([*reps, leaning_back, faster])
    trunk = next(c for c in a.changes[5] if c.metric == "trunk_lean_touchdown_deg")
    assert trunk.verdict == "changed" and trunk.flagged
    speed = next(c for c in a.changes[6] if c.metric == "step_velocity")
    assert speed.verdict == "better" and not speed.flagged
    info = [f for f in a.flags if f.severity == "info"]
    assert [(f.rep, f.metric) for f in info] == [(6, "step_velocity")]


def test_false_flag_rate_on_fresh_reps_is_about_alpha():
    rng_seeds = range(150)
    reps_with_flags = 0
    for seed in rng_seeds:
        a = assess_session(steps_of([0, 0, 0, 0, 0, 0], seed=1000 + seed))
        reps_with_flags += sum(1 for r in a.compared if a.warnings(r))
    rate = reps_with_flags / (4 * len(rng_seeds))
    assert rate <= 0.05  # alpha per rep, shared by the 8 metrics


def test_within_rep_trend_known_slope():
    fit = fit_step_trend(np.arange(10, dtype=float) * 0.5 + 100 + np.tile([1.0, -1.0], 5), np.array([L, R] * 5))
    assert fit.change == pytest.approx(4.5)  # 0.5 per step over 9 steps; the leg offset is removed
    assert fit.residual_sd == pytest.approx(0.0, abs=1e-9)
    assert fit_step_trend(np.arange(4.0), np.array([L, R] * 2)) is None  # too short


def test_contact_time_rising_over_a_long_rep_is_flagged_within_the_rep():
    fading = synthetic_rep("long.mp4", seed=3, n_steps=14, slope={"contact_s": 0.002})  # +26 ms over 13 steps
    steady = synthetic_rep("steady.mp4", seed=4, n_steps=14)
    a = assess_session([RepSteps.from_rep(steady, 1), RepSteps.from_rep(fading, 2)])
    assert {c.metric for c in a.warnings(2, "within rep")} == {"contact_s"}
    assert a.warnings(1, "within rep") == []
    within = next(f for f in a.flags if f.scope == "within rep")
    assert within.rep == 2 and within.change == pytest.approx(0.026, abs=0.008)
    assert any(line.startswith("Within rep 2, contact time") for line in a.advice)


def test_block_start_reps_trend_from_the_fastest_step_on():
    rep = synthetic_rep("block.mp4", seed=1, n_steps=16, block=True)
    steps = rep.steps.rows()
    for i, s in enumerate(steps):  # accelerating over the first 6 steps, trunk rising from 40 deg
        s["step_velocity"] = min(6.0 + 0.7 * i, 9.5) + 0.01 * (i == 5)
        s["trunk_lean_touchdown_deg"] = max(40.0 - 6.0 * i, 6.0)
    from dataclasses import replace

    data = RepSteps.from_rep(replace(rep, steps=tuple(steps)), number=1)
    assert data.trend_from == 5
    a = assess_session([data])
    assert a.warnings(1, "within rep") == []


def test_output_only_and_one_off_advice():
    reps = steps_of([0, 0, 0])
    slow = [RepSteps.from_rep(synthetic_rep(f"s{i}", seed=i, shift={"step_velocity": -0.6}), number=i) for i in (4, 5)]
    a = assess_session([*reps, *slow])
    assert a.onset_rep == 4 and "while technique held" in a.advice[0]
    one_off = RepSteps.from_rep(synthetic_rep("k", seed=9, shift={"knee_drive_deg": -8.0}), number=4)
    fine = [RepSteps.from_rep(synthetic_rep(f"f{i}", seed=20 + i), number=i) for i in (5, 6)]
    a = assess_session([*reps, one_off, *fine])
    assert a.onset_rep is None
    assert a.advice[0].startswith("Rep 4: knee drive -") and "one-off" in a.advice[0]


def test_reference_session_and_history():
    reference = steps_of([0, 0, 0], seed=5)
    today = steps_of([1, 1, 1], seed=6)
    a = assess_session(today, reference=reference, reference_label="reps 1-2 of reference session 1")
    assert a.compared == (1, 2, 3)  # every rep of the session is compared
    assert FATIGUED <= flagged(a, 1)
    history = [steps_of([0, 0], seed=s) for s in (7, 8, 9)]
    base = make_baseline(steps_of([0, 0], seed=10), history=history)
    assert base.noise["contact_s"].between_df == 4
    assert base.noise_source == "baseline reps of 4 sessions (8 reps, 96 steps)"
    single = make_baseline(steps_of([0], seed=11))
    assert any("one baseline rep" in n for n in single.notes)


def test_distance_metrics_in_leg_lengths_use_their_own_swc():
    a = assess_session(steps_of([0, 0, 0], unit="legs"))
    td = next(c for c in a.changes[3] if c.metric == "touchdown_distance")
    assert td.unit == "legs" and td.swc == pytest.approx(0.012)
    speed = next(c for c in a.changes[3] if c.metric == "step_velocity")
    assert speed.unit == "legs/s"


def test_degrees_of_freedom_count_taus_uncertainty_only_once_it_is_pooled_over_sessions():
    feet = np.array([L, R] * 4)
    spec = MetricSpec("m", "m", "deg", "down")
    config = FatigueConfig(metrics=(spec,))

    def group(a, b):
        return [RepSteps(1, {"m": a + np.tile([1.0, -1.0, -1.0, 1.0], 2)}, feet), RepSteps(2, {"m": b + np.tile(
            [1.0, -1.0, -1.0, 1.0], 2)}, feet)]

    # two baseline reps far apart: tau > 0 on 1 df -> treated as known, df of sigma_w (8 - 2) x 2 = 12
    (alone,) = compare_rep(RepSteps(3, {"m": np.full(8, 10.0)}, feet), make_baseline(group(10, 14), config), config)
    assert alone.df == 12
    # with three earlier sessions tau rests on 4 df: Welch-Satterthwaite, close to those 4 df
    history = [group(10, 14), group(12, 8), group(9, 13)]
    base = make_baseline(group(10, 14), config, history=history)
    (pooled,) = compare_rep(RepSteps(3, {"m": np.full(8, 10.0)}, feet), base, config)
    assert base.noise["m"].between_df == 4
    assert pooled.df == pytest.approx(4.0)  # equal step counts: sigma_w adds nothing to SE(d) beyond V


def test_steps_from_a_missed_or_extra_contact_are_left_out():
    times = np.array([0.22, 0.22, 0.088, 0.22, 0.23, 0.44, np.nan])
    assert implausible_steps(times).tolist() == [False, False, True, False, False, True, False]
    assert not implausible_steps(np.array([0.2, 0.5])).any()  # too few steps to judge
    rep = synthetic_rep("r.mp4", seed=1)
    steps = rep.steps.rows()
    steps[0].update(step_time_s=0.088, contact_s=0.037, step_velocity=14.4)  # an extra contact
    from dataclasses import replace

    data = RepSteps.from_rep(replace(rep, steps=tuple(steps)), number=1)
    assert data.dropped == (1,)
    assert np.isnan(data.values["step_velocity"][0]) and np.isnan(data.values["contact_s"][0])
    assert np.isfinite(data.values["step_velocity"][1:]).all()
    kept = RepSteps.from_rep(replace(rep, steps=tuple(steps)), number=1, drop_implausible=False)
    assert kept.dropped == () and kept.values["step_velocity"][0] == 14.4


def test_a_rep_value_from_too_few_steps_is_neither_baseline_nor_judged():
    def with_two_contacts(rep: RepSteps, number: int) -> RepSteps:
        values = {k: v.copy() for k, v in rep.values.items()}
        values["contact_s"][2:] = np.nan  # two contact times left (the default minimum is 3)
        return RepSteps(number, values, rep.feet, rep.unit, rep.fps)

    fresh = steps_of([0, 0], seed=4)
    tired = steps_of([1], seed=5)[0]
    reps = [with_two_contacts(fresh[0], 1), fresh[1], with_two_contacts(tired, 3)]
    a = assess_session(reps)
    only_rep_2 = rep_value(fresh[1].values["contact_s"], fresh[1].feet)[0]
    assert a.baseline.values["contact_s"] == pytest.approx(only_rep_2)
    contact = next(c for c in a.changes[3] if c.metric == "contact_s")
    assert contact.verdict == "too few steps" and not contact.flagged
    looser = assess_session(reps, FatigueConfig(min_steps=2))
    assert looser.baseline.values["contact_s"] != pytest.approx(only_rep_2)


def test_words_and_formats():
    assert confidence_words(0.999) == "most likely"
    assert confidence_words(0.96) == "very likely"
    assert confidence_words(0.80) == "likely"
    assert confidence_words(0.5) == "possibly"
    assert format_change(0.011, "contact_s", "s", 11.0) == "+11 %"
    assert format_change(-6.0, "hip_extension_toeoff_deg", "deg") == "-6 deg"
    assert format_change(0.012, "contact_s", "s") == "+12 ms"
    assert {m.name for m in FATIGUE_METRICS} == set(STEP_SD) - {"step_length"}


def test_config_is_checked():
    with pytest.raises(ValueError):
        FatigueConfig(baseline_reps=0)
    with pytest.raises(ValueError):
        FatigueConfig(alpha=1.5)
