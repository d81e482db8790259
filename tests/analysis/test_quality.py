"""Every step judged: constructed bad steps and contacts, label flips, rendered truths, the rep summary."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from sprintlens import AnalysisConfig, analyse_track
from sprintlens.analysis.contacts import (
    Contact,
    Gait,
    GaitVerdict,
    drop_contacts_inside,
    merge_fragments,
    merge_label_flips,
)
from sprintlens.analysis.quality import REASONS, Verdict, contact_limits_s, judge_contacts, judge_steps
from sprintlens.analysis.scale import Scale, no_scale
from sprintlens.analysis.steps import Step, cadence_of_steps, cadence_spm, rep_summary
from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.landmarks import hip_centre_x
from sprintlens.synth import ClipSpec, FlyingSpec, RenderSpec, build_truth, load_truth, prepare, truth_track
from sprintlens.synth.scenarios import Mechanics

SAMPLES = Path(__file__).resolve().parents[2] / "sample_videos"
RUNNING = GaitVerdict(Gait.RUNNING, "flight", 1.0, 0.3)
WALKING = GaitVerdict(Gait.WALKING, "no flight", 0.0, 0.6)
LEGS = no_scale(100.0)


def step(index: int = 1, touchdown: float = 0.0, step_time: float = 0.22, contact: float = 0.10,
         length: float = 2.3, **changes: object) -> Step:
    """A plausible top-speed step in leg lengths (flight = step time - contact)."""
    values: dict[str, object] = {f.name: 0.0 for f in dataclasses.fields(Step)}
    values.update(index=index, foot="left" if index % 2 else "right", foot_view="", touchdown_s=touchdown,
                  toeoff_s=touchdown + contact, next_touchdown_s=touchdown + step_time, contact_s=contact,
                  flight_s=step_time - contact, step_time_s=step_time, step_frequency_hz=1 / step_time,
                  step_length=length, step_velocity=length / step_time, touchdown_distance=0.4,
                  hip_extension_toeoff_deg=20.0, knee_drive_deg=70.0, max_thigh_separation_deg=90.0,
                  touchdown_frame=0, full_support_frame=0, toeoff_frame=0, max_separation_frame=0,
                  low_confidence_timing=False, trusted=True, quality_reasons="")
    values.update(changes)
    return Step(**values)  # type: ignore[arg-type]


def judged(steps: list[Step], fps: float = 240.0, gait: GaitVerdict = RUNNING, scale: Scale = LEGS) -> list[Step]:
    return judge_steps(steps, [], [], fps, gait, scale)


def run_of(n: int, step_time: float = 0.22) -> list[Step]:
    return [step(i + 1, touchdown=i * step_time, step_time=step_time) for i in range(n)]


# -- constructed steps: each bad one untrusted, with the right reason -----------------------------

def test_a_plausible_run_is_trusted() -> None:
    steps = judged(run_of(6))
    assert all(s.trusted and s.quality_reasons == "" for s in steps)


@pytest.mark.parametrize(("changes", "key"), [
    ({"flight_s": -0.05}, "flight negative"),
    ({"flight_s": 0.31}, "flight long"),
    ({"step_frequency_hz": 250.0, "step_time_s": 0.004}, "step frequency"),
    ({"step_length": 15.0}, "step length"),
    ({"step_velocity": 40.0}, "speed"),
    ({"hip_extension_toeoff_deg": -85.0}, "hip extension at toe-off implausible"),
], ids=["negative-flight", "long-flight", "250-Hz", "15-legs", "40-legs-per-s", "hip-extension"])
def test_a_bad_step_is_untrusted_for_the_right_reason(changes: dict[str, float], key: str) -> None:
    steps = run_of(5)
    steps[2] = dataclasses.replace(steps[2], **changes)
    out = judged(steps)
    assert [s.trusted for s in out] == [True, True, False, True, True]
    reasons = out[2].quality_reasons.split("; ")
    assert reasons[0].startswith(key), reasons
    assert key in REASONS or (key.endswith(" implausible") and "implausible" in REASONS)


def test_a_flight_below_zero_by_less_than_a_frame_is_timing_not_an_error() -> None:
    # -20 ms: impossible at 240 fps (4 ms frames), within one frame at 30 fps
    bad = [dataclasses.replace(s, flight_s=-0.02) for s in run_of(3, 0.35)]
    assert not any(s.trusted for s in judged(bad, fps=240.0))
    assert all(s.trusted for s in judged(bad, fps=30.0))


def test_with_a_metric_scale_the_step_length_is_judged_in_the_athletes_leg_lengths() -> None:
    # 2.9 m is within the metric range (0.25-3 m); over a 0.8 m leg it is 3.6 leg lengths
    short_legs = Scale(px_per_m=100.0, leg_px=80.0, source="athlete height", relative_uncertainty=0.04)
    long_legs = Scale(px_per_m=100.0, leg_px=95.0, source="athlete height", relative_uncertainty=0.04)
    steps = [dataclasses.replace(s, step_length=2.9, step_velocity=2.9 / 0.25) for s in run_of(3, 0.25)]
    assert all(s.quality_reasons.startswith("step length (3.62 leg lengths") for s in judged(steps, scale=short_legs))
    assert all(s.trusted for s in judged(steps, scale=long_legs))
    too_fast = [dataclasses.replace(s, step_velocity=13.0) for s in steps]
    assert all(s.quality_reasons.startswith("speed") for s in judged(too_fast, scale=long_legs))


def test_the_gait_sets_the_ranges_a_walk_is_not_judged_as_a_sprint() -> None:
    walk = [step(i + 1, touchdown=0.55 * i, step_time=0.55, contact=0.70, length=0.9, flight_s=float("nan"))
            for i in range(4)]
    assert all(s.trusted for s in judged(walk, gait=WALKING))
    assert all(s.quality_reasons.startswith("contact long") for s in judged(walk, gait=RUNNING))
    assert contact_limits_s(30.0, RUNNING) == pytest.approx((2 / 30, 0.40))
    assert contact_limits_s(240.0, RUNNING) == pytest.approx((0.06, 0.40))
    assert contact_limits_s(30.0, WALKING) == pytest.approx((0.2, 1.5))


def test_a_step_far_from_its_neighbours_is_untrusted_and_they_are_not() -> None:
    # a 0.30 s rhythm with one step read 0.18 s (5.6 Hz, within 1.5-6 Hz): a touchdown read late
    steps = run_of(7, 0.30)
    steps[3] = dataclasses.replace(steps[3], step_time_s=0.18, step_frequency_hz=1 / 0.18, flight_s=0.08,
                                   step_velocity=2.3 / 0.18)
    out = judged(steps, fps=240.0)
    assert [s.trusted for s in out] == [True, True, True, False, True, True, True]
    assert out[3].quality_reasons.startswith("off neighbours (step time 180 ms, median around it 300 ms)")
    # at 30 fps two frame periods (67 ms) of timing error are allowed on top of the 25 %
    assert all(s.trusted for s in judged(steps, fps=30.0))


# -- constructed contacts ------------------------------------------------------------------------

def contact(foot: str, td: float, to: float, fps: float = 60.0, complete: bool = True) -> Contact:
    return Contact(foot=foot, touchdown_s=td, toeoff_s=to, first_frame=int(round(td * fps)),
                   last_frame=int(round(to * fps)) - 1, uncertainty_s=1 / fps, x_px=0.0, y_px=0.0,
                   starts_in_clip=complete, ends_in_clip=complete)


def test_contacts_too_short_for_the_frame_rate_or_repeated_are_untrusted() -> None:
    contacts = [contact("left", 0.0, 0.1), contact("right", 0.25, 0.29),  # 40 ms at 60 fps
                contact("left", 0.5, 0.6), contact("left", 0.9, 1.0), contact("right", 1.2, 1.3)]
    verdicts = judge_contacts(contacts, 60.0, RUNNING)
    assert [v.trusted for v in verdicts] == [True, False, False, False, True]
    assert verdicts[1].reasons[0].startswith("contact short (40 ms, 2 frames; at least 60 ms)")
    twice = ("foot down twice (the left foot, the other foot not between)",)
    assert verdicts[2].reasons == verdicts[3].reasons == twice


def test_a_contact_in_the_blocks_and_one_the_pose_model_cannot_see_are_untrusted() -> None:
    contacts = [contact("left", 0.0, 0.6), contact("right", 0.8, 0.9), contact("left", 1.0, 1.1)]
    visibility = np.ones((80, 33))
    visibility[59:62, [L.LEFT_HEEL, L.LEFT_FOOT_INDEX]] = 0.3  # around the last touchdown (frame 60)
    verdicts = judge_contacts(contacts, 60.0, RUNNING, visibility, after_s=0.7)
    assert verdicts[0].reasons == ("in the blocks",)
    assert verdicts[1].trusted
    assert verdicts[2].reasons == ("low confidence at touchdown (left foot visibility 0.30)",)


def test_a_step_takes_its_contacts_verdict() -> None:
    steps = run_of(2)
    contacts = [contact("left", 0.0, 0.1), contact("right", 0.22, 0.32)]
    verdicts = [Verdict(("foot down twice (the left foot, the other foot not between)",)), Verdict()]
    out = judge_steps(steps, contacts, verdicts, 240.0, RUNNING, LEGS)
    assert not out[0].trusted and out[0].quality_reasons.startswith("foot down twice") and out[1].trusted


def test_a_contact_broken_by_a_label_flip_is_joined_and_the_ghost_dropped() -> None:
    # the left foot planted 1.00-1.25 s; for two frames (60 fps) the labels swap: the left foot
    # seems to lift, the right (in swing) seems to land where the left is planted
    left = [contact("left", 0.30, 0.55), contact("left", 1.00, 1.10), contact("left", 1.1334, 1.25)]
    right = [contact("right", 0.65, 0.90), contact("right", 1.10, 1.1334), contact("right", 1.35, 1.60)]
    out = merge_label_flips({"left": left, "right": right})
    assert [(c.touchdown_s, c.toeoff_s) for c in out["left"]] == [(0.30, 0.55), (1.00, 1.25)]
    assert [(c.touchdown_s, c.toeoff_s) for c in out["right"]] == [(0.65, 0.90), (1.35, 1.60)]
    # without the flip's signature (a gap shorter than a swing with the other foot inside) nothing changes
    plain = {"left": [contact("left", 0.3, 0.55), contact("left", 1.0, 1.25)], "right": right[::2]}
    assert merge_label_flips(plain) == plain


def test_a_contact_wholly_inside_the_other_foots_is_dropped_but_double_support_is_kept() -> None:
    ghost = [contact("left", 0.0, 0.25), contact("right", 0.10, 0.13), contact("right", 0.40, 0.65)]
    assert drop_contacts_inside(ghost) == [ghost[0], ghost[2]]
    walk = [contact("left", 0.0, 0.7), contact("right", 0.55, 1.25), contact("left", 1.10, 1.80)]
    assert drop_contacts_inside(walk) == walk
    assert merge_fragments(walk) == walk


# -- the rep summary rests on trusted steps --------------------------------------------------------

def test_cadence_of_trusted_steps_skips_a_step_left_out_instead_of_counting_it() -> None:
    steps = run_of(8, 0.25)
    assert cadence_of_steps(steps) == pytest.approx(240.0)
    assert cadence_of_steps(steps[:3] + steps[4:]) == pytest.approx(240.0)  # step 4 left out
    assert np.isnan(cadence_of_steps(steps[:1]))


def test_rep_summary_uses_trusted_steps_only_and_says_how_many() -> None:
    steps = run_of(6)
    steps[2] = dataclasses.replace(steps[2], step_length=15.0, step_velocity=15.0 / 0.22)
    out = judged(steps)
    contacts = [contact("left" if i % 2 == 0 else "right", 0.22 * i, 0.22 * i + 0.1) for i in range(7)]
    summary = rep_summary(out, contacts, RUNNING, LEGS, 240.0, None)
    assert summary.n_steps == 6 and summary.n_trusted_steps == 5
    assert summary.trusted_text == "5 of 6 steps trusted"
    assert summary.trends["step_length"].mean == pytest.approx(2.3) and summary.trends["step_length"].n == 5
    assert list(summary.left_out) == [3] and summary.left_out[3].startswith("step length (15.00 legs")
    assert summary.cadence_spm == pytest.approx(60 / 0.22)
    record = summary.as_dict()
    assert record["trusted"] == "5 of 6 steps trusted" and record["left_out"][0]["step"] == 3
    assert cadence_spm(contacts) == pytest.approx(60 / 0.22)


# -- rendered runs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(p.name.removesuffix(".truth.json") for p in SAMPLES.glob("*.truth.json")))
@pytest.mark.parametrize("noise_px", [0.0, 2.0], ids=["exact", "2px-noise"])
def test_every_step_of_the_rendered_sample_clips_is_trusted(name: str, noise_px: float) -> None:
    truth = load_truth(SAMPLES / f"{name}.truth.json")
    track = truth_track(truth)
    if noise_px:
        rng = np.random.default_rng(0)
        track = track.replace(positions_px=track.positions_px + rng.normal(0.0, noise_px, track.positions_px.shape))
    analysis = analyse_track(track, AnalysisConfig(height_m=float(truth["athlete"]["height_m"])))
    assert analysis.steps
    assert [s.quality_reasons for s in analysis.steps if not s.trusted] == []
    assert analysis.summary.trusted_text == f"{len(analysis.steps)} of {len(analysis.steps)} steps trusted"


JOG = Mechanics(speed_mps=3.5, contact_s=0.22, step_length_m=1.2, trunk_lean_deg=5.0, hip_extension_deg=15.0,
                knee_drive_deg=50.0)


def treadmill_jog(fps: float) -> object:
    """A rendered jog at 175 steps/min held in place (a treadmill), its truth's landmarks."""
    track = truth_track(build_truth(prepare(ClipSpec(FlyingSpec(mechanics=JOG, duration_s=3.0),
                                                     render=RenderSpec(fps=fps)))))
    hips = hip_centre_x(track.positions_px)
    positions = track.positions_px.copy()
    positions[..., 0] -= (hips - hips[0])[:, None]
    return track.replace(positions_px=positions)


def flip_feet(positions_px: np.ndarray, first: int, n: int = 2) -> np.ndarray:
    """Swap the left and right foot landmarks (ankle, heel, toe) for ``n`` frames from ``first``."""
    out = positions_px.copy()
    for part in ("ANKLE", "HEEL", "FOOT_INDEX"):
        left, right = L[f"LEFT_{part}"], L[f"RIGHT_{part}"]
        out[first:first + n, [left, right]] = positions_px[first:first + n, [right, left]]
    return out


@pytest.mark.parametrize("fps", [60.0, 120.0])
def test_a_two_frame_label_flip_of_the_feet_makes_no_extra_step(fps: float) -> None:
    track = treadmill_jog(fps)
    truth_spm = 60.0 / JOG.step_time_s
    clean = analyse_track(track)
    assert clean.summary.cadence_spm == pytest.approx(truth_spm, rel=0.005)
    for c in clean.contacts[1:-1]:
        middle = (c.first_frame + c.last_frame) // 2
        flipped = analyse_track(track.replace(positions_px=flip_feet(track.positions_px, middle)))
        assert len(flipped.steps) == len(clean.steps), f"flip at frame {middle}"
        assert len(flipped.contacts) == len(clean.contacts), f"flip at frame {middle}"
        assert flipped.summary.cadence_spm == pytest.approx(truth_spm, rel=0.005), f"flip at frame {middle}"
