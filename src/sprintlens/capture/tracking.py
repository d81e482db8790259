"""Video to pose track: read frames, find people, follow the athlete, keep real timestamps."""

from __future__ import annotations

import concurrent.futures
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from sprintlens.capture.finder import CropFinder
from sprintlens.capture.model import DEFAULT_MODEL
from sprintlens.capture.people import Person, athlete_arrays, choose_athlete, follow_people, listed_people
from sprintlens.capture.pose import Detections, MediaPipeEstimator, PoseEstimator
from sprintlens.capture.video import (
    FrameSpan,
    VideoInfo,
    file_sha256,
    probe,
    read_frames,
)
from sprintlens.core.errors import NoAthleteError, VideoError
from sprintlens.core.track import PoseTrack
from sprintlens.core.version import __version__

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
"""Called after each frame with (frames done, frames expected)."""


#: The ways of finding people (:attr:`PoseConfig.finder`).
FINDERS = ("crops", "frame")


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
    athlete_number : int, optional
        Pick this person of those found, numbered from 1 as ``sprintlens people`` draws them.
    max_people : int
        Most people MediaPipe looks for per frame (1 is fastest, for clips with one person).
    min_confidence : float
        MediaPipe's detection, presence and tracking thresholds (0-1).
    model : {"full", "heavy"}
        Which shipped pose model to use: ``"full"`` (the default: fast and steady) or ``"heavy"``
        (more accurate angles and distances on a runner in clear view, half the speed).
    model_path : path, optional
        Another ``.task`` bundle instead of a shipped model.
    finder : {"crops", "frame"}
        How people are found: ``"crops"`` (the default) searches the frame in tiles and follows
        each person in a crop in which they are large (:mod:`sprintlens.capture.finder`), which
        finds an athlete 100-200 px tall; ``"frame"`` gives MediaPipe the whole frame, as a
        plain landmarker loop does.
    prefetch : int
        Frames decoded ahead on a background thread (0: decode in line).
    """

    capture_fps: float | None = None
    span: FrameSpan = field(default_factory=FrameSpan)
    athlete_point: tuple[float, float] | None = None
    athlete_number: int | None = None
    max_people: int = 3
    min_confidence: float = 0.5
    model: str = DEFAULT_MODEL
    model_path: Path | None = None
    finder: str = "crops"
    prefetch: int = 4

    def __post_init__(self) -> None:
        if self.finder not in FINDERS:
            raise ValueError(f"finder must be one of {', '.join(FINDERS)}, got {self.finder!r}")

    def as_provenance(self) -> dict[str, object]:
        """Return the options as a JSON-compatible record for the track's provenance."""
        record = asdict(self)
        record["model_path"] = str(self.model_path) if self.model_path else None
        return record


def make_estimator(config: PoseConfig, fps: float) -> PoseEstimator:
    """Create the pose estimator ``config`` asks for.

    Parameters
    ----------
    config : PoseConfig
        Model, finder, most people and confidence.
    fps : float
        Real frame rate of the clip (frames/s).

    Returns
    -------
    PoseEstimator
        A :class:`~sprintlens.capture.finder.CropFinder` or a whole-frame
        :class:`~sprintlens.capture.pose.MediaPipeEstimator`; close it when done.
    """
    if config.finder == "crops":
        return CropFinder(fps, config.model_path, model=config.model, max_people=config.max_people,
                          min_confidence=config.min_confidence)
    return MediaPipeEstimator(
        config.model_path,
        model=config.model,
        max_people=config.max_people,
        min_detection_confidence=config.min_confidence,
        min_presence_confidence=config.min_confidence,
        min_tracking_confidence=config.min_confidence,
    )


def _expected_frames(info: VideoInfo, span: FrameSpan) -> int:
    end = info.n_frames if span.end_frame is None else min(span.end_frame, info.n_frames)
    start = span.start_frame or 0
    return max(end - start, 0)


@dataclass(frozen=True)
class Stream:
    """What the pose stage saw in a clip: everyone found in every frame read, before choosing the athlete.

    Attributes
    ----------
    info : VideoInfo
        The clip.
    detections : list of Detections
        The people found in each frame read.
    t_s : ndarray, shape (T,)
        Real time of each frame (s).
    frame_index : ndarray, shape (T,)
        Index of each frame in the file.
    video_sha256 : str
        The file's checksum.
    model_id, model_version : str
        The pose model and the library that ran it.
    """

    info: VideoInfo
    detections: list[Detections]
    t_s: np.ndarray
    frame_index: np.ndarray
    video_sha256: str
    model_id: str
    model_version: str

    def people(self) -> tuple[list[Person], list[Person]]:
        """Return everyone followed through the stream, and those of them a user can pick (numbered from 1)."""
        people = follow_people(self.detections, self.t_s)
        return people, listed_people(people, self.detections, self.t_s)


def read_stream(
    video: str | os.PathLike[str],
    config: PoseConfig | None = None,
    *,
    progress: ProgressCallback | None = None,
    estimator: PoseEstimator | None = None,
    info: VideoInfo | None = None,
) -> Stream:
    """Find everyone in every frame of a clip (the first half of :func:`track_video`).

    Parameters
    ----------
    video : path-like
        The clip.
    config : PoseConfig, optional
        Options (defaults suit a side-on phone clip).
    progress : callable, optional
        ``progress(done, expected)`` after each frame.
    estimator : PoseEstimator, optional
        Use this estimator (and leave it open) instead of creating one from ``config``.
    info : VideoInfo, optional
        Already probed metadata of ``video``.

    Returns
    -------
    Stream
        The detections of every frame, with times, frame indices, checksum and model.

    Raises
    ------
    VideoError, ModelError
        Bad clip, bad model, no frames in the chosen range.
    """
    config = config or PoseConfig()
    info = info or probe(video, capture_fps=config.capture_fps)
    own_estimator = estimator is None
    if estimator is None:
        estimator = make_estimator(config, info.capture_fps)
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
    return Stream(info, detections, np.asarray(times), np.asarray(indices, dtype=np.int64), video_sha256,
                  estimator.model_id, estimator.model_version)


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
        Use this estimator (and leave it open) instead of creating one from ``config``.
    info : VideoInfo, optional
        Already probed metadata of ``video``.

    Returns
    -------
    PoseTrack
        The athlete's landmarks in every frame read (NaN where they were not found), with real
        times, the capture frame rate, the video's checksum, the model, the crop the athlete was
        found in and the provenance.

    Raises
    ------
    VideoError, ModelError, NoAthleteError
        Bad clip, bad model, nobody in the clip.
    """
    config = config or PoseConfig()
    stream = read_stream(video, config, progress=progress, estimator=estimator, info=info)
    return athlete_track(stream, config)


def athlete_track(stream: Stream, config: PoseConfig) -> PoseTrack:
    """Choose the athlete among the people of a stream (:func:`read_stream`) and return their pose track.

    Parameters
    ----------
    stream : Stream
        What the pose stage saw.
    config : PoseConfig
        The options it ran with (the athlete's point or number, for the provenance too).

    Returns
    -------
    PoseTrack
        The athlete's track.

    Raises
    ------
    NoAthleteError
        If nobody (no person, as opposed to a fit on scenery) was found, or the point or number
        given picks nobody.
    """
    info, detections, t_s = stream.info, stream.detections, stream.t_s
    people = follow_people(detections, t_s)
    if not people:
        raise NoAthleteError(f"{info.path}: nobody was found in any of its {len(detections)} frames")
    try:
        choice = choose_athlete(people, detections, t_s, point=config.athlete_point, number=config.athlete_number)
    except NoAthleteError as exc:
        raise NoAthleteError(f"{info.path}: {exc}") from None
    arrays = athlete_arrays(choice.person, detections, (info.width, info.height))
    return PoseTrack(
        **arrays,
        t_s=t_s,
        frame_index=stream.frame_index,
        fps=info.capture_fps,
        frame_size=(info.width, info.height),
        video_sha256=stream.video_sha256,
        model_id=stream.model_id,
        model_version=stream.model_version,
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
