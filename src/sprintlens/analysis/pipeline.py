"""The one place that strings the stages together.

``video -> pose track -> cleaned track -> angles -> events -> metrics``.  Every stage called
here is a pure function (or, for the video and the model, an edge module).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import numpy as np

from sprintlens.analysis.angles import sprint_angles
from sprintlens.analysis.cleaning import CleanedTrack, clean_track
from sprintlens.analysis.contacts import classify_gait, find_contacts
from sprintlens.analysis.ground import foot_signals, ground_motion, height_band_px
from sprintlens.analysis.quality import judge_contacts, judge_steps
from sprintlens.analysis.result import Analysis, AnalysisConfig
from sprintlens.analysis.scale import no_scale, scale_from_height, scale_from_points
from sprintlens.analysis.start import find_start_events
from sprintlens.analysis.steps import rep_summary, step_metrics, velocity_curve
from sprintlens.analysis.travel import (
    Direction,
    Pass,
    direction_of_travel,
    leg_length_px,
    near_leg,
    passes_of_travel,
    travel_by_frame,
)
from sprintlens.analysis.view import judge_view
from sprintlens.capture.tracking import PoseConfig, ProgressCallback, track_video
from sprintlens.core.errors import AnalysisError
from sprintlens.core.track import PoseTrack

log = logging.getLogger(__name__)


@contextmanager
def _stage(name: str, n_frames: int) -> Iterator[None]:
    """Log (INFO) how long the stage inside the ``with`` took: ``sprintlens -v`` shows it."""
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    log.info("analysis stage %s: %.1f ms (%d frames)", name, 1000 * elapsed, n_frames)


#: An athlete seen in fewer frames than this cannot be analysed.
MIN_FRAMES_FOR_ANALYSIS = 10


def analyse_track(track: PoseTrack, config: AnalysisConfig | None = None) -> Analysis:
    """Analyse a pose track: clean it, measure angles, find events, compute metrics.

    Raises
    ------
    AnalysisError
        If the athlete is seen in too few frames to analyse, or a scale option is invalid.
    """
    config = config or AnalysisConfig()
    _check_seen(track)
    loading = time.perf_counter()
    _load_scipy()
    started = time.perf_counter()
    if started - loading > 0.01:
        log.info("analysis: SciPy loaded in %.2f s", started - loading)
    with _stage("cleaning", track.n_frames):
        cleaned = clean_track(track, config.cleaning)
    with _stage("passes", track.n_frames):
        passes = tuple(passes_of_travel(cleaned.smooth.positions_px, track.t_s))
    if len({p.sign for p in passes}) < 2:
        analysis = _analyse_pass(track, cleaned, config, passes)
    else:
        # passes go both ways here, so a given direction always has one
        wanted = [p for p in passes if config.direction not in (1, -1) or p.sign == config.direction]
        chosen = max(wanted, key=lambda p: p.speed_legs_s)
        part = track.rows(chosen.start, chosen.stop)
        log.info("the athlete turns: %d passes; analysing the fastest, %.2f-%.2f s", len(passes), chosen.start_s,
                 chosen.end_s)
        _check_seen(part)
        with _stage("cleaning of the fastest pass", part.n_frames):
            cleaned_part = clean_track(part, config.cleaning)
        analysis = replace(_analyse_pass(part, cleaned_part, config, passes), whole_track=track)
    elapsed = time.perf_counter() - started
    log.info("analysis: %.2f s for %d frames (%.2f s per 1000 frames)", elapsed, track.n_frames,
             1000 * elapsed / max(track.n_frames, 1))
    return analysis


def _load_scipy() -> None:
    """Import the SciPy modules the stages use (they do so where they use them), so stage times exclude it."""
    import scipy.interpolate  # noqa: F401
    import scipy.ndimage  # noqa: F401
    import scipy.signal  # noqa: F401


def _check_seen(track: PoseTrack) -> None:
    if int(track.detected.sum()) < MIN_FRAMES_FOR_ANALYSIS:
        raise AnalysisError(
            f"the athlete is seen in only {int(track.detected.sum())} frames; at least "
            f"{MIN_FRAMES_FOR_ANALYSIS} are needed")


def _analyse_pass(track: PoseTrack, cleaned: CleanedTrack, config: AnalysisConfig,
                  passes: tuple[Pass, ...]) -> Analysis:
    """Analyse one rep: a track in which the athlete travels one way (or stays put)."""
    smooth, timing = cleaned.smooth, cleaned.timing
    n = track.n_frames
    with _stage("direction and angles", n):
        if config.direction in (1, -1):
            found = direction_of_travel(smooth.positions_px)
            direction = Direction(int(config.direction), "given", found.hip_travel_legs)
        else:
            direction = direction_of_travel(smooth.positions_px)
        angles = sprint_angles(smooth.positions_px, direction.sign)

    # each of these once per rep; the stages below take them instead of computing them again
    with _stage("travel", n):
        travel = travel_by_frame(timing.positions_px, track.t_s, direction.sign)
    with _stage("foot signals", n):
        signals = foot_signals(timing, config.contacts, direction.sign, travel=travel)
        band = height_band_px(signals, config.contacts)
    with _stage("ground motion", n):
        motion = ground_motion(signals, band, track.t_s, config.contacts.slip_legs_per_s * signals.leg_px, travel)
    with _stage("contacts", n):
        near = near_leg(track)
        contacts = find_contacts(timing, config.contacts, signals=signals, direction=direction.sign, band_px=band,
                                 motion=motion)
    with _stage("start events", n):
        start = find_start_events(smooth, direction.sign, angles=angles)
    after = start.front_exit_s if start is not None and np.isfinite(start.front_exit_s) else -np.inf
    running_contacts = [c for c in contacts if c.toeoff_s > after]
    gait = classify_gait(running_contacts, track.duration_s)

    with _stage("steps and summary", n):
        leg = leg_length_px(smooth.positions_px)
        if config.calibration is not None:
            scale = scale_from_points(leg, *config.calibration)
        elif config.height_m is not None:
            scale = scale_from_height(leg, config.height_m)
        else:
            scale = no_scale(leg)
        steps = step_metrics(contacts, angles, smooth.positions_px, track.t_s, track.frame_index, track.fps,
                             direction.sign, scale, gait, motion.true_speed_px_s, after_s=after, near=near)
        verdicts = judge_contacts(contacts, track.fps, gait, track.visibility, after_s=after)
        steps = judge_steps(steps, contacts, verdicts, track.fps, gait, scale)
        velocity = velocity_curve(smooth.positions_px, track.t_s, track.fps, direction.sign, scale,
                                  motion.true_speed_px_s)
        summary = rep_summary(steps, contacts, gait, scale, track.fps, start, velocity, track.t_s)
    return Analysis(track=track, cleaned=cleaned, direction=direction, angles=angles, contacts=contacts, gait=gait,
                    start=start, steps=steps, summary=summary, scale=scale, velocity=velocity, near_leg=near,
                    travel=travel, foot=signals, ground=motion, height_band_px=band, config=config, passes=passes,
                    contact_verdicts=tuple(verdicts), view=judge_view(track))


def analyse_video(
    video: str | os.PathLike[str],
    pose_config: PoseConfig | None = None,
    config: AnalysisConfig | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> Analysis:
    """Estimate the pose in a clip and analyse it in one call (see :func:`track_video`, :func:`analyse_track`).

    Parameters
    ----------
    video : str or os.PathLike
        Path of the clip.
    pose_config : PoseConfig or None
        Pose estimation options; the defaults when None.
    config : AnalysisConfig or None
        Analysis options; the defaults when None.
    progress : ProgressCallback or None
        Called as pose estimation goes through the frames; none when None.

    Returns
    -------
    Analysis
        The clip's analysis: the track, cleaned landmarks, contacts, steps and summary.
    """
    return analyse_track(track_video(video, pose_config, progress=progress), config)
