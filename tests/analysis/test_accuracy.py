"""End-to-end accuracy on the shipped sample clips: MediaPipe pose, then the analysis, against the truth.

Issue 4's targets, on the rendered clips with ground truth (``sample_videos/``): each angle's
RMSE <= 4 deg over stance and swing; touchdowns and toe-offs within one frame period in >= 95 %
of events; mean contact-time error <= 1 frame period; step length within 5 % with the height
scale.  Block-start events are held to the tolerances stated below.

Each target is asserted wherever it is met today.  Where the pose model keeps it out of reach
(the ``MISSED_*`` tables hold the figures measured when this was written; the issue note and
scripts/analysis_accuracy.py give them all), a regression guard asserts today's level instead:
today's worst figure plus 25 %, so that a change that makes things worse fails.  No test here is
an expected failure: a test that cannot fail checks nothing.  Both shipped pose models are
checked: ``full`` (the default) and ``heavy``, each against its own figures.  Measured with
MediaPipe 1.2.3 on x86-64; the pose model's landmarks can differ slightly on other machines.

The pose tracks are computed once per session and model (about 1900 frames: 20-40 s with
``full``, 40-70 s with ``heavy``).  The same targets
are also checked with the truth's own landmarks (a perfect pose model) and with 2 px of noise on
them: there the analysis meets every one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from sprintlens import AnalysisConfig, PoseConfig, analyse_track, track_video
from sprintlens.synth import load_truth, truth_path_for, truth_track
from sprintlens.synth.accuracy import (
    ANGLE_RMSE_TARGET_DEG,
    CONTACT_ERROR_TARGET_FRAMES,
    EVENTS_WITHIN_FRAME_TARGET,
    STEP_LENGTH_TARGET_PCT,
    ClipAccuracy,
    evaluate_analysis,
)

SAMPLES = Path(__file__).resolve().parents[2] / "sample_videos"
CLIPS = sorted(p.stem for p in SAMPLES.glob("*.mp4") if truth_path_for(p).exists())

#: (angle, limb) pairs of DESIGN section 4 that the analysis reports per frame.
ANGLES = [("trunk_lean", None), ("thigh", "near"), ("thigh", "far"), ("hip_extension", "near"),
          ("hip_extension", "far"), ("knee_flexion", "near"), ("knee_flexion", "far"), ("shin", "near"),
          ("shin", "far"), ("ankle", "near"), ("ankle", "far"), ("thigh_separation", None),
          ("upper_arm", "near"), ("upper_arm", "far"), ("elbow_flexion", "near"), ("elbow_flexion", "far")]

#: The shipped pose models.
MODELS = ("full", "heavy")

#: Worst RMSE over the sample clips (deg) measured when this was written (the crop finder, the
#: default pose stage), for the angles that miss the target, per pose model: what MediaPipe makes
#: of the figure.  With ``full``, mostly biases (hip extension +3..+4, knee flexion -2..-4 deg; the
#: far limbs worst).  With ``heavy`` the worst is the crouched block start, whose knees the model
#: swaps through the set position (thigh, hip and knee 9-11 deg there; 2-5 deg on the running
#: clips).
MISSED_ANGLES_DEG = {
    "full": {
        ("thigh", "far"): 4.5, ("hip_extension", "near"): 5.1, ("hip_extension", "far"): 5.6,
        ("knee_flexion", "near"): 5.3, ("knee_flexion", "far"): 8.3, ("shin", "far"): 6.9, ("ankle", "near"): 13.1,
        ("ankle", "far"): 18.0, ("thigh_separation", None): 4.7, ("upper_arm", "far"): 10.9,
        ("elbow_flexion", "near"): 6.2, ("elbow_flexion", "far"): 18.8,
    },
    "heavy": {
        ("thigh", "near"): 9.0, ("thigh", "far"): 9.2, ("hip_extension", "near"): 9.1, ("hip_extension", "far"): 9.8,
        ("knee_flexion", "near"): 10.6, ("knee_flexion", "far"): 8.8, ("shin", "far"): 5.0, ("ankle", "near"): 7.0,
        ("ankle", "far"): 15.0, ("thigh_separation", None): 6.4, ("upper_arm", "far"): 7.8,
        ("elbow_flexion", "far"): 20.2,
    },
}
#: Clips whose mean contact-time error (frame periods) or step-length error (%) missed the target.
MISSED_CONTACT_FRAMES = {
    "full": {"block_start_120fps": -2.75, "flying_240fps": 2.51, "session_rep1_120fps": -1.05},
    "heavy": {"block_start_120fps": 1.19, "flying_240fps": 1.74, "session_rep1_120fps": -1.11},
}
MISSED_STEP_LENGTH_PCT: dict[str, dict[str, float]] = {
    "full": {"block_start_120fps": 11.8},
    "heavy": {},
}
#: Share of all touchdowns and toe-offs within one frame period when this was written ...
EVENTS_WITHIN_FRAME_MEASURED = {"full": 0.46, "heavy": 0.71}
#: ... and the worst clip's mean absolute event error (ms).
WORST_EVENT_MAE_MS = {"full": 14.6, "heavy": 8.2}
#: Regression guards are today's figures with this much room.
GUARD = 1.25

#: Block-start events: first movement within this of the truth (ms; with perfect landmarks the
#: movement reads +46 ms: the torso's first 40 ms of movement are below a pixel) ...
FIRST_MOVEMENT_TOLERANCE_MS = 60.0
#: ... and each foot's block exit within this (ms; 3 frame periods at 120 fps).
BLOCK_EXIT_TOLERANCE_MS = 25.0


def _jittered(track, sd_px: float):
    rng = np.random.default_rng(0)
    return track.replace(positions_px=track.positions_px + rng.normal(0.0, sd_px, track.positions_px.shape))


@pytest.fixture(scope="module", params=[0.0, 2.0], ids=["exact", "2px-noise"])
def truth_accuracy(request) -> dict[str, ClipAccuracy]:
    """Every sample clip analysed from the truth's own landmarks (with noise of the given SD, px)."""
    out = {}
    for name in CLIPS:
        truth = load_truth(SAMPLES / f"{name}.truth.json")
        track = truth_track(truth)
        if request.param:
            track = _jittered(track, request.param)
        out[name] = evaluate_analysis(
            analyse_track(track, AnalysisConfig(height_m=float(truth["athlete"]["height_m"]))), truth)
    return out


def test_with_the_truths_landmarks_the_analysis_meets_every_target(truth_accuracy):
    for name, r in truth_accuracy.items():
        assert max(r.angles_rmse_deg.values()) <= ANGLE_RMSE_TARGET_DEG, name
        assert r.n_matched_events == r.n_true_events, name
        assert abs(r.contact_error_frames) <= CONTACT_ERROR_TARGET_FRAMES, name
        assert r.step_length_error_pct <= STEP_LENGTH_TARGET_PCT, name
    events = sum(r.n_true_events for r in truth_accuracy.values())
    within = sum(r.events_within_frame * r.n_true_events for r in truth_accuracy.values()) / events
    assert within >= EVENTS_WITHIN_FRAME_TARGET



def test_the_signed_event_errors_agree_with_the_summary(truth_accuracy):
    for name, r in truth_accuracy.items():
        td, to = np.array(r.touchdown_errors_frames), np.array(r.toeoff_errors_frames)
        assert len(td) == len(to) == r.n_matched_events // 2, name
        assert np.mean(td) * 1000.0 / r.fps == pytest.approx(r.touchdown_bias_ms), name
        assert np.mean(to) * 1000.0 / r.fps == pytest.approx(r.toeoff_bias_ms), name
        within = np.sum(np.abs(np.concatenate([td, to])) <= 1.0 + 1e-6) / r.n_true_events
        assert within == pytest.approx(r.events_within_frame), name


@pytest.mark.parametrize("noise_px", [0.0, 3.0])
def test_the_foot_error_reads_the_noise_on_the_foot_points(noise_px):
    truth = load_truth(SAMPLES / "session_rep3_120fps.truth.json")
    track = _jittered(truth_track(truth), noise_px)
    r = evaluate_analysis(analyse_track(track, AnalysisConfig(height_m=1.8)), truth)
    if noise_px == 0:
        assert r.foot_error_px < 0.3
    else:  # the timing track's light low-pass filter takes some of white noise away, not most
        assert 0.4 * noise_px < r.foot_error_px < noise_px

@pytest.fixture(scope="session")
def accuracy_of() -> Callable[[str], dict[str, ClipAccuracy]]:
    """``accuracy_of(model)``: every sample clip through MediaPipe with that shipped pose model and
    the analysis (height scale), against its truth; computed once per model."""
    cache: dict[str, dict[str, ClipAccuracy]] = {}

    def get(model: str) -> dict[str, ClipAccuracy]:
        if model not in cache:
            out = {}
            for name in CLIPS:
                video = SAMPLES / f"{name}.mp4"
                truth = load_truth(truth_path_for(video))
                analysis = analyse_track(track_video(video, PoseConfig(model=model)),
                                         AnalysisConfig(height_m=float(truth["athlete"]["height_m"])))
                out[name] = evaluate_analysis(analysis, truth)
            cache[model] = out
        return cache[model]

    return get


def _worst_angle(accuracy: dict[str, ClipAccuracy], angle: str, view: str | None) -> tuple[float, str]:
    values = {name: r.angles_rmse_deg[r.angle_column(angle, view)] for name, r in accuracy.items()}
    worst = max(values, key=values.get)
    return values[worst], worst


def _angle_id(angle: str, view: str | None) -> str:
    return f"{angle}-{view}" if view else angle


def test_the_sample_clips_are_all_there():
    assert len(CLIPS) == 8 and "block_start_120fps" in CLIPS and "flying_240fps" in CLIPS


@pytest.mark.slow
@pytest.mark.parametrize(("model", "angle", "view"), [
    pytest.param(m, a, v, id=f"{m}-{_angle_id(a, v)}") for m in MODELS for a, v in ANGLES
    if (a, v) not in MISSED_ANGLES_DEG[m]])
def test_angle_rmse_meets_the_target(accuracy_of, model, angle, view):
    worst, clip = _worst_angle(accuracy_of(model), angle, view)
    assert worst <= ANGLE_RMSE_TARGET_DEG, f"{_angle_id(angle, view)}: RMSE {worst:.1f} deg on {clip}"


@pytest.mark.slow
@pytest.mark.parametrize(("model", "angle", "view"), [
    pytest.param(m, a, v, id=f"{m}-{_angle_id(a, v)}") for m in MODELS for a, v in ANGLES
    if (a, v) in MISSED_ANGLES_DEG[m]])
def test_angle_rmse_does_not_regress(accuracy_of, model, angle, view):
    worst, clip = _worst_angle(accuracy_of(model), angle, view)
    assert worst <= GUARD * MISSED_ANGLES_DEG[model][(angle, view)], f"RMSE {worst:.1f} deg on {clip}"


@pytest.mark.slow
def test_the_heavy_model_reads_angles_and_step_lengths_closer_than_the_full_one(accuracy_of):
    # what models/README.md and the --model help say: the reason to offer it, on a runner in clear
    # view (the running clips; in the crouched set position heavy swaps the knees)
    running = [name for name in CLIPS if name != "block_start_120fps"]
    full = {name: accuracy_of("full")[name] for name in running}
    heavy = {name: accuracy_of("heavy")[name] for name in running}
    def mean_rmse(accuracy: dict[str, ClipAccuracy], angle: str, view: str | None) -> float:
        return float(np.mean([r.angles_rmse_deg[r.angle_column(angle, view)] for r in accuracy.values()]))

    for angle, view in [("hip_extension", "near"), ("knee_flexion", "near"), ("thigh", "near")]:
        assert mean_rmse(heavy, angle, view) < mean_rmse(full, angle, view), angle
    full, heavy = accuracy_of("full"), accuracy_of("heavy")
    assert max(r.step_length_error_pct for r in heavy.values()) < max(r.step_length_error_pct for r in full.values())


@pytest.mark.slow
@pytest.mark.parametrize("model", MODELS)
def test_every_true_contact_is_found(accuracy_of, model):
    missing = {name: r.n_true_events - r.n_matched_events for name, r in accuracy_of(model).items()
               if r.n_matched_events < r.n_true_events}
    assert not missing, f"touchdowns/toe-offs not found: {missing}"


@pytest.mark.slow
@pytest.mark.parametrize("model", MODELS)
def test_events_within_one_frame_do_not_regress(accuracy_of, model):
    accuracy = accuracy_of(model)
    events = sum(r.n_true_events for r in accuracy.values())
    within = sum(r.events_within_frame * r.n_true_events for r in accuracy.values()) / events
    assert within >= EVENTS_WITHIN_FRAME_MEASURED[model] / GUARD
    assert all(r.event_mae_ms <= GUARD * WORST_EVENT_MAE_MS[model] for r in accuracy.values())


@pytest.mark.slow
@pytest.mark.parametrize(("model", "clip"), [
    pytest.param(m, c, id=f"{m}-{c}") for m in MODELS for c in CLIPS if c not in MISSED_CONTACT_FRAMES[m]])
def test_mean_contact_time_error_is_within_one_frame(accuracy_of, model, clip):
    assert abs(accuracy_of(model)[clip].contact_error_frames) <= CONTACT_ERROR_TARGET_FRAMES


@pytest.mark.slow
@pytest.mark.parametrize(("model", "clip"), [
    pytest.param(m, c, id=f"{m}-{c}") for m in MODELS for c in CLIPS if c not in MISSED_STEP_LENGTH_PCT[m]])
def test_step_length_is_within_five_percent_with_the_height_scale(accuracy_of, model, clip):
    assert accuracy_of(model)[clip].step_length_error_pct <= STEP_LENGTH_TARGET_PCT


@pytest.mark.slow
@pytest.mark.parametrize("model", MODELS)
def test_contact_times_and_step_lengths_do_not_regress(accuracy_of, model):
    for name, r in accuracy_of(model).items():
        contact_limit = GUARD * max(abs(MISSED_CONTACT_FRAMES[model].get(name, 0.0)), CONTACT_ERROR_TARGET_FRAMES)
        assert abs(r.contact_error_frames) <= contact_limit, name
        assert r.step_length_error_pct <= GUARD * MISSED_STEP_LENGTH_PCT[model].get(name, STEP_LENGTH_TARGET_PCT), name


@pytest.mark.slow
@pytest.mark.parametrize("model", MODELS)
def test_block_start_events_are_found_within_the_stated_tolerance(accuracy_of, model):
    errors = accuracy_of(model)["block_start_120fps"].start_errors_ms
    assert abs(errors["first_movement"]) <= FIRST_MOVEMENT_TOLERANCE_MS, errors
    assert abs(errors["rear_block_exit"]) <= BLOCK_EXIT_TOLERANCE_MS, errors
    assert abs(errors["front_block_exit"]) <= BLOCK_EXIT_TOLERANCE_MS, errors
    assert np.isfinite(errors["block_time"])
