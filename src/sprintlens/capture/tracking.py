"""Video to pose track: read frames, find people, follow the athlete, keep real timestamps."""

from __future__ import annotations

import concurrent.futures
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from sprintlens.capture.model import DEFAULT_MODEL
from sprintlens.capture.people import athlete_arrays, choose_athlete, follow_people
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
        """Return the options as a JSON-compatible record for the track's provenance."""
        record = asdict(self)
        record["model_path"] = str(self.model_path) if self.model_path else None
        return record


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

    Returns
    -------
    PoseTrack
        The athlete's landmarks in every frame read (NaN where they were not found), with real
        times, the capture frame rate, the video's checksum, the model and the provenance.

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
