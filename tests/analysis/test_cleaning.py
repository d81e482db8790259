"""Cleaning functions against known answers: injected glitches, swaps, gaps, noise."""

from __future__ import annotations

import numpy as np
import pytest

from sprintlens.analysis.cleaning import (
    CleaningConfig,
    butter_lowpass,
    clean_track,
    fill_gaps,
    find_leg_swaps,
    leave_one_out_residual,
    local_quadratic_residuals,
    mask_low_confidence,
    reject_outliers,
    reject_path_outliers,
    remove_spikes,
    residual_cutoff,
    stride_frequency_hz,
    swap_legs,
)
from sprintlens.core.landmarks import LEG
from sprintlens.core.landmarks import Landmark as L
from sprintlens.core.series import nan_runs
from sprintlens.core.track import PoseTrack

TORSO_PX = 200.0


def running_legs(fps: float, seconds: float = 10.0, stride_hz: float = 1.4, noise_torso: float = 0.02,
                 seed: int = 0) -> np.ndarray:
    """(T, 33, 2) pixels: a still torso and two legs swinging in anti-phase (like a treadmill runner)."""
    rng = np.random.default_rng(seed)
    n = int(round(seconds * fps))
    t = np.arange(n) / fps
    xy = np.full((n, 33, 2), np.nan)
    hip = np.tile([500.0, 500.0], (n, 1))
    xy[:, L.LEFT_SHOULDER] = xy[:, L.RIGHT_SHOULDER] = hip + [0.0, -TORSO_PX]
    for side, phase in (("left", 0.0), ("right", np.pi)):
        a = 2 * np.pi * stride_hz * t + phase
        knee = hip + np.stack([0.4 * TORSO_PX * np.sin(a), 0.8 * TORSO_PX + 0.1 * TORSO_PX * np.cos(a)], 1)
        ankle = knee + np.stack([0.5 * TORSO_PX * np.sin(a - 0.8), 0.8 * TORSO_PX + 0.1 * TORSO_PX * np.sin(a)], 1)
        for j, point in zip(LEG[side], (hip, knee, ankle, ankle + [-10.0, 10.0], ankle + [40.0, 15.0])):
            xy[:, j] = point
    xy[:, L.NOSE] = hip + [30.0, -1.4 * TORSO_PX]
    return xy + rng.normal(0.0, noise_torso * TORSO_PX, xy.shape)


def make_track(xy: np.ndarray, fps: float) -> PoseTrack:
    n = xy.shape[0]
    return PoseTrack(positions_px=xy, depth_px=np.zeros((n, 33)), visibility=np.full((n, 33), 0.9),
                     presence=np.full((n, 33), 0.9), t_s=np.arange(n) / fps, frame_index=np.arange(n),
                     fps=fps, frame_size=(1000, 1000))


def _short_swaps(fps: float, n: int) -> np.ndarray:
    """Swaps like the pose model's on the rendered clips: 1-3 frames at 30-120 fps, up to 25 ms
    at 240 fps, at moments when the feet are apart (the legs swing in anti-phase, so they are
    furthest apart a quarter stride after they cross)."""
    truth = np.zeros(n, dtype=bool)
    length = max(1, min(3, int(round(0.025 * fps))))
    stride = fps / 1.4
    for k in range(2, int(n / stride) - 1, 2):
        start = int(round((k + 0.25) * stride / 2))
        truth[start:start + length] = True
    return truth


@pytest.mark.parametrize(("fps", "noise"), [(60, 0.02), (120, 0.05), (240, 0.02), (240, 0.05)])
def test_short_swaps_like_the_pose_models_are_found_exactly(fps, noise):
    xy = running_legs(fps, noise_torso=noise)
    truth = _short_swaps(fps, len(xy))
    assert truth.sum() >= 5
    found = find_leg_swaps(swap_legs(xy, truth), fps=fps)
    assert np.array_equal(found, truth)


def test_one_frame_swaps_at_30_fps_are_repaired_by_the_cleaning():
    # a 5-frame median is a coarse path at 30 fps, so some one-frame swaps are not relabelled;
    # they are spikes in both legs then, removed and filled in again: the cleaned legs are right
    fps = 30
    clean = running_legs(fps, noise_torso=0.0)
    truth = _short_swaps(fps, len(clean))
    track = make_track(swap_legs(running_legs(fps, noise_torso=0.02), truth), fps)
    cleaned = clean_track(track).timing.positions_px
    for frame in np.flatnonzero(truth):
        for ankle in (L.LEFT_ANKLE, L.RIGHT_ANKLE):
            assert np.linalg.norm(cleaned[frame, ankle] - clean[frame, ankle]) < 0.1 * TORSO_PX


@pytest.mark.parametrize("fps", [30, 240])
def test_no_swaps_are_invented(fps):
    assert not find_leg_swaps(running_legs(fps, noise_torso=0.1), fps=fps).any()


def test_a_long_swap_is_beyond_reach_and_left_alone():
    # half a second relabelled moves the running median itself: documented limit, no damage elsewhere
    xy = running_legs(120)
    truth = np.zeros(len(xy), dtype=bool)
    truth[300:360] = True
    found = find_leg_swaps(swap_legs(xy, truth), fps=120)
    assert not found[:280].any() and not found[380:].any()


def test_swap_legs_exchanges_only_legs():
    xy = running_legs(30, seconds=1)
    frames = np.zeros(len(xy), dtype=bool)
    frames[3] = True
    out = swap_legs(xy, frames)
    assert np.array_equal(out[3, L.LEFT_ANKLE], xy[3, L.RIGHT_ANKLE])
    assert np.array_equal(out[3, L.RIGHT_KNEE], xy[3, L.LEFT_KNEE])
    assert np.array_equal(out[3, L.NOSE], xy[3, L.NOSE])
    assert np.array_equal(out[4], xy[4], equal_nan=True)


def test_spikes_removed_but_lasting_jumps_kept():
    xy = running_legs(30, noise_torso=0.01)
    xy[100, L.LEFT_ANKLE] += [120.0, -40.0]
    truth = np.zeros(len(xy), dtype=bool)
    truth[150:200] = True
    out, n = remove_spikes(swap_legs(xy, truth))
    assert n == 1 and np.isnan(out[100, L.LEFT_ANKLE]).all()
    assert np.isfinite(out[148:152]).sum() == np.isfinite(xy[148:152]).sum()


def test_single_frame_glitches_are_rejected_and_nothing_else():
    xy = running_legs(30, noise_torso=0.01)
    glitched = xy.copy()
    glitched[100, L.LEFT_ANKLE] += [120.0, -40.0]
    glitched[200, L.RIGHT_FOOT_INDEX] += [-90.0, 0.0]
    out, n = reject_outliers(glitched)
    assert n == 2
    assert np.isnan(out[100, L.LEFT_ANKLE]).all() and np.isnan(out[200, L.RIGHT_FOOT_INDEX]).all()
    assert np.isfinite(out[99:102, L.LEFT_KNEE]).all()


def test_glitches_of_a_few_frames_are_rejected_and_nothing_else():
    fps = 120
    xy = running_legs(fps, seconds=3.0, noise_torso=0.01)
    glitched = xy.copy()
    glitched[100:103, L.LEFT_ANKLE] += [0.0, -90.0]  # three frames of a foot pulled up to the knee
    glitched[200:204, [L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]] -= [70.0, 40.0]  # four frames of a foot elsewhere
    out, n = reject_path_outliers(glitched, fps)
    assert n == 3 + 4 * 2
    assert np.isnan(out[100:103, L.LEFT_ANKLE]).all()
    assert np.isnan(out[200:204, [L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]]).all()
    kept = np.delete(out, [100, 101, 102, 200, 201, 202, 203], axis=0)
    assert np.array_equal(kept, np.delete(xy, [100, 101, 102, 200, 201, 202, 203], axis=0), equal_nan=True)


def test_a_foot_that_lands_is_not_an_outlier():
    # a foot swinging back at 15 torso lengths a second that stops dead on the ground at 120 fps
    fps, n = 120, 60
    t = np.arange(n) / fps
    xy = running_legs(fps, seconds=n / fps, noise_torso=0.0)
    landing = 0.25
    x = np.where(t < landing, -15 * TORSO_PX * (t - landing), 0.0) + 300.0
    y = np.where(t < landing, 700.0 - 8 * TORSO_PX * (t - landing) ** 2 * 10, 700.0)
    xy[:, L.LEFT_FOOT_INDEX] = np.stack([x, y], 1)
    out, n_out = reject_path_outliers(xy, fps)
    assert n_out == 0


def test_local_quadratic_predicts_a_parabola_exactly():
    x = 3.0 + 2.0 * np.arange(20) - 0.5 * np.arange(20) ** 2
    r = local_quadratic_residuals(x, np.ones(20), 4)
    assert np.isnan(r[0]) and np.isnan(r[-1])  # fewer than 5 neighbours at the very ends
    assert np.allclose(r[1:-1], 0.0, atol=1e-6)


def test_leave_one_out_residual_of_a_smooth_curve_is_small():
    t = np.arange(60) / 30.0
    x = 100.0 * np.sin(2 * np.pi * 1.4 * t)
    r = leave_one_out_residual(x)
    assert np.nanmax(np.abs(r[2:-2])) < 1.0


def test_low_confidence_points_become_nan():
    xy = np.zeros((2, 33, 2))
    vis = np.full((2, 33), 0.9)
    vis[1, 5] = 0.1
    out = mask_low_confidence(xy, vis, 0.2)
    assert np.isnan(out[1, 5]).all() and np.isfinite(out[0, 5]).all() and np.isfinite(out[1, 6]).all()


def test_short_gaps_filled_long_gaps_and_ends_left():
    t = np.arange(30) / 30.0
    x = 2.0 * t + 1.0
    y = x.copy()
    y[[0, 5, 6, 15, 16, 17, 18, 19, 20]] = np.nan  # edge, 2-frame gap, 6-frame gap
    out, filled = fill_gaps(y, t, max_gap_s=0.1)
    assert filled == 2
    assert out[5:7] == pytest.approx(x[5:7])
    assert np.isnan(out[0]) and np.isnan(out[15:21]).all()


def test_nan_runs():
    assert nan_runs(np.array([True, False, False, True, False])) == [(1, 3), (4, 5)]


def test_lowpass_is_zero_lag_and_removes_noise():
    fs = 240.0
    t = np.arange(int(2 * fs)) / fs
    clean = np.sin(2 * np.pi * 2.0 * t)
    noisy = clean + np.random.default_rng(0).normal(0, 0.05, t.size)
    out = butter_lowpass(noisy, fs, 10.0)
    inner = slice(20, -20)
    assert np.sqrt(np.mean((out[inner] - clean[inner]) ** 2)) < 0.02
    # no lag: the filtered peak is where the clean peak is
    assert abs(np.argmax(out[:120]) - np.argmax(clean[:120])) <= 1


def test_lowpass_keeps_nan_runs_and_filters_around_them():
    x = np.sin(np.arange(100) / 5.0)
    x[40:45] = np.nan
    out = butter_lowpass(x, 100.0, 10.0)
    assert np.isnan(out[40:45]).all() and np.isfinite(out[:40]).all() and np.isfinite(out[45:]).all()


def test_residual_analysis_finds_the_signal_band():
    fs = 200.0
    t = np.arange(int(5 * fs)) / fs
    signal = 50 * np.sin(2 * np.pi * 1.5 * t) + 20 * np.sin(2 * np.pi * 4.5 * t)
    noisy = signal + np.random.default_rng(1).normal(0, 1.0, t.size)
    cutoff = residual_cutoff(noisy, fs)
    assert 4.5 < cutoff < 20.0


def test_stride_frequency_from_the_feet():
    xy = running_legs(30, seconds=10, stride_hz=1.4)
    assert stride_frequency_hz(xy, 30.0) == pytest.approx(1.4, abs=0.03)


def test_clean_track_keeps_raw_and_gives_timing_and_smooth_versions():
    xy = running_legs(60, seconds=4, noise_torso=0.03)
    truth = _short_swaps(60, len(xy))
    xy[130, L.LEFT_KNEE] += [150.0, 0.0]
    track = make_track(swap_legs(xy, truth), 60.0)
    cleaned = clean_track(track)
    assert cleaned.raw is track
    assert np.array_equal(cleaned.swapped, truth)
    assert cleaned.report["frames_legs_swapped"] == truth.sum()
    assert cleaned.report["points_outliers"] >= 1
    assert np.isfinite(cleaned.timing.positions_px[130, L.LEFT_KNEE]).all()  # filled again
    # the smooth version is closer to the noise-free legs than the timing version
    reference = running_legs(60, seconds=4, noise_torso=0.0)
    ankle = L.RIGHT_ANKLE
    err_timing = np.nanmean(np.abs(cleaned.timing.positions_px[:, ankle] - reference[:, ankle]))
    err_smooth = np.nanmean(np.abs(cleaned.smooth.positions_px[:, ankle] - reference[:, ankle]))
    assert err_smooth < err_timing
    assert np.all(cleaned.cutoffs_hz >= 6 * 1.4 - 0.3)


def test_given_cutoff_is_used():
    track = make_track(running_legs(60, seconds=2), 60.0)
    cleaned = clean_track(track, CleaningConfig(cutoff_hz=7.0))
    assert np.all(cleaned.cutoffs_hz == 7.0)
