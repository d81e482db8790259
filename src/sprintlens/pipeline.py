"""The one place that strings the stages together.

``video -> pose track -> cleaned track -> angles -> events -> metrics``.  Every stage called
here is a pure function (or, for the video and the model, an edge module).
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from . import __version__
from .analysis import Analysis, AnalysisConfig
from .athlete import athlete_arrays, choose_athlete, follow_people
from .errors import AnalysisError, NoAthleteError, VideoError
from .events import (
    Direction,
    Pass,
    classify_gait,
    direction_of_travel,
    find_contacts,
    find_start_events,
    foot_signals,
    ground_motion,
    height_band_px,
    leg_length_px,
    near_leg,
    passes_of_travel,
    travel_by_frame,
)
from .kinematics import sprint_angles
from .model import DEFAULT_MODEL
from .metrics import rep_summary, step_metrics, velocity_curve
from .scale import no_scale, scale_from_height, scale_from_points
from .signal import CleanedTrack, clean_track
from .pose import Detections, MediaPipeEstimator, PoseEstimator
from .track import PoseTrack
from .video import FrameSpan, VideoInfo, file_sha256, probe, read_frames

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PoseConfig:
    """How to turn a clip into a pose track.

    Attributes
    ----------
    capture_fps : float, optional
        Real frame rate of a slow-motion clip (frames/s), when the header gives the playback rate.
    span : FrameSpan
        Part of the clip to read (whole clip by default).
    athlete_point : (float, float), optional
        Pick the person nearest this pixel (x, y) of the upright frame.
    max_people : int
        Most people MediaPipe looks for per frame (1 is fastest, for clips with one person).
    min_confidence : float
        MediaPipe's detection, presence and tracking thresholds (0-1).
    model : {"full", "heavy"}
        Which shipped pose model to use: ``"full"`` (the default: fast and steady) or ``"heavy"``
        (more accurate angles and distances on a runner in clear view, half the speed).
    model_path : path, optional
        Another ``.task`` bundle instead of a shipped model.
    prefetch : int
        Frames decoded ahead on a background thread (0: decode in line).
    """

    capture_fps: float | None = None
    span: FrameSpan = field(default_factory=FrameSpan)
    athlete_point: tuple[float, float] | None = None
    max_people: int = 3
    min_confidence: float = 0.5
    model: str = DEFAULT_MODEL
    model_path: Path | None = None
    prefetch: int = 4

    def as_provenance(self) -> dict[str, object]:
        record = asdict(self)
        record["model_path"] = str(self.model_path) if self.model_path else None
        return record


ProgressCallback = Callable[[int, int], None]
"""Called after each frame with (frames done, frames expected)."""


def _expected_frames(info: VideoInfo, span: FrameSpan) -> int:
    end = info.n_frames if span.end_frame is None else min(span.end_frame, info.n_frames)
    start = span.start_frame or 0
    return max(end - start, 0)


def track_video(
    video: str | os.PathLike[str],
    config: PoseConfig | None = None,
    *,
    progress: ProgressCallback | None = None,
    estimator: PoseEstimator | None = None,
    info: VideoInfo | None = None,
) -> PoseTrack:
    """Find the athlete in every frame of a clip and return their pose track.

    Parameters
    ----------
    video : path-like
        The clip.
    config : PoseConfig, optional
        Options (defaults suit a side-on phone clip).
    progress : callable, optional
        ``progress(done, expected)`` after each frame.
    estimator : PoseEstimator, optional
        Use this estimator (and leave it open) instead of creating a MediaPipe one.
    info : VideoInfo, optional
        Already probed metadata of ``video``.

    Raises
    ------
    VideoError, ModelError, NoAthleteError
        Bad clip, bad model, nobody in the clip.
    """
    config = config or PoseConfig()
    info = info or probe(video, capture_fps=config.capture_fps)
    own_estimator = estimator is None
    if estimator is None:
        estimator = MediaPipeEstimator(
            config.model_path,
            model=config.model,
            max_people=config.max_people,
            min_detection_confidence=config.min_confidence,
            min_presence_confidence=config.min_confidence,
            min_tracking_confidence=config.min_confidence,
        )
    expected = _expected_frames(info, config.span)
    detections: list[Detections] = []
    times: list[float] = []
    indices: list[int] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sprintlens-hash") as pool:
        sha = pool.submit(file_sha256, info.path)
        try:
            for frame in read_frames(info, config.span, prefetch=config.prefetch):
                detections.append(estimator.estimate(frame.rgb, frame.index))
                times.append(frame.t_s)
                indices.append(frame.index)
                if progress is not None:
                    progress(len(detections), expected)
        finally:
            if own_estimator:
                estimator.close()
        video_sha256 = sha.result()

    if not detections:
        raise VideoError(f"{info.path}: no frames in the chosen range")
    t_s = np.asarray(times)
    people = follow_people(detections, t_s)
    if not people:
        raise NoAthleteError(f"{info.path}: nobody was found in any of its {len(detections)} frames")
    choice = choose_athlete(people, detections, t_s, point=config.athlete_point)
    arrays = athlete_arrays(choice.person, detections)
    return PoseTrack(
        **arrays,
        t_s=t_s,
        frame_index=np.asarray(indices, dtype=np.int64),
        fps=info.capture_fps,
        frame_size=(info.width, info.height),
        video_sha256=video_sha256,
        model_id=estimator.model_id,
        model_version=estimator.model_version,
        provenance={
            "sprintlens_version": __version__,
            "video": {
                "file": info.path.name,
                "path": str(info.path.resolve()),  # lets `sprintlens render` find the clip again
                "fps": info.fps,
                "capture_fps": info.capture_fps,
                "capture_fps_source": info.capture_fps_source,
                "rotation_deg": info.rotation_deg,
                "n_frames": info.n_frames,
                "codec": info.codec,
                "recorded_at": info.recorded_at.isoformat() if info.recorded_at else None,
            },
            "pose": config.as_provenance(),
            "athlete": choice.as_provenance(),
        },
    )


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
    cleaned = clean_track(track, config.cleaning)
    passes = tuple(passes_of_travel(cleaned.smooth.positions_px, track.t_s))
    if len({p.sign for p in passes}) < 2:
        return _analyse_pass(track, cleaned, config, passes)
    # passes go both ways here, so a given direction always has one
    wanted = [p for p in passes if config.direction not in (1, -1) or p.sign == config.direction]
    chosen = max(wanted, key=lambda p: p.speed_legs_s)
    part = track.rows(chosen.start, chosen.stop)
    log.info("the athlete turns: %d passes; analysing the fastest, %.2f-%.2f s", len(passes), chosen.start_s,
             chosen.end_s)
    _check_seen(part)
    analysis = _analyse_pass(part, clean_track(part, config.cleaning), config, passes)
    return replace(analysis, whole_track=track)


def _check_seen(track: PoseTrack) -> None:
    if int(track.detected.sum()) < MIN_FRAMES_FOR_ANALYSIS:
        raise AnalysisError(
            f"the athlete is seen in only {int(track.detected.sum())} frames; at least "
            f"{MIN_FRAMES_FOR_ANALYSIS} are needed")


def _analyse_pass(track: PoseTrack, cleaned: CleanedTrack, config: AnalysisConfig,
                  passes: tuple[Pass, ...]) -> Analysis:
    """Analyse one rep: a track in which the athlete travels one way (or stays put)."""
    smooth, timing = cleaned.smooth, cleaned.timing
    if config.direction in (1, -1):
        found = direction_of_travel(smooth.positions_px)
        direction = Direction(int(config.direction), "given", found.hip_travel_legs)
    else:
        direction = direction_of_travel(smooth.positions_px)
    angles = sprint_angles(smooth.positions_px, direction.sign)

    signals = foot_signals(timing, config.contacts, direction.sign)
    contacts = find_contacts(timing, config.contacts, signals=signals, direction=direction.sign)
    band = height_band_px(signals, config.contacts)
    motion = ground_motion(signals, band, track.t_s, config.contacts.slip_legs_per_s * signals.leg_px,
                           travel_by_frame(timing.positions_px, track.t_s, direction.sign))
    start = find_start_events(smooth, direction.sign)
    after = start.front_exit_s if start is not None and np.isfinite(start.front_exit_s) else -np.inf
    running_contacts = [c for c in contacts if c.toeoff_s > after]
    gait = classify_gait(running_contacts, track.duration_s)

    leg = leg_length_px(smooth.positions_px)
    if config.calibration is not None:
        scale = scale_from_points(leg, *config.calibration)
    elif config.height_m is not None:
        scale = scale_from_height(leg, config.height_m)
    else:
        scale = no_scale(leg)
    steps = step_metrics(contacts, angles, smooth.positions_px, track.t_s, track.frame_index, track.fps,
                         direction.sign, scale, gait, motion.true_speed_px_s, after_s=after, near=near_leg(track))
    velocity = velocity_curve(smooth.positions_px, track.t_s, track.fps, direction.sign, scale,
                              motion.true_speed_px_s)
    summary = rep_summary(steps, contacts, gait, scale, track.fps, start, velocity, track.t_s)
    return Analysis(track=track, cleaned=cleaned, direction=direction, angles=angles, contacts=contacts, gait=gait,
                    start=start, steps=steps, summary=summary, scale=scale, velocity=velocity,
                    ground_speed_px_s=motion.true_speed_px_s, config=config, passes=passes)


def analyse_video(
    video: str | os.PathLike[str],
    pose_config: PoseConfig | None = None,
    config: AnalysisConfig | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> Analysis:
    """Pose estimation and analysis of a clip in one call (see :func:`track_video`, :func:`analyse_track`)."""
    return analyse_track(track_video(video, pose_config, progress=progress), config)
