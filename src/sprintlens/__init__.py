"""SprintLens: sprint analysis from a phone video.

Python API (the command line ``sprintlens`` uses the same functions)::

    import sprintlens as sl

    info = sl.probe("rep1.mp4")                 # metadata, upright size, real frame rate
    track = sl.track_video("rep1.mp4")          # the athlete's 33 landmarks per frame
    sl.save_track(track, "rep1.pose.npz")
    track = sl.load_track("rep1.pose.npz")

    rep = sl.analyse_track(track, sl.AnalysisConfig(height_m=1.80))
    rep.summary.cadence_spm, rep.steps[0].contact_s, rep.angles["thigh_left_deg"]
    sl.write_analysis(rep, "rep1.sprintlens")  # angles.csv, steps.csv, summary.json, track.npz
"""

from __future__ import annotations

import os

# FFmpeg's and OpenCV's own log lines are not for users.  Set here, before any module of the
# package (video, render, synth ...) first imports cv2: OpenCV reads them once, on import.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

from sprintlens.core.errors import (  # noqa: E402
    AnalysisError,
    ModelError,
    NoAthleteError,
    OutputError,
    SprintLensError,
    StoreError,
    TrackFormatError,
    VideoError,
)
from sprintlens.core.version import __version__  # noqa: E402

# The rest of the API is imported on first use (PEP 562): `import sprintlens` and light commands
# such as `sprintlens info` need not load SciPy, MediaPipe and the analysis stages.
_LAZY = {
    "Analysis": "analysis.result",
    "AnalysisConfig": "analysis.result",
    "write_analysis": "analysis.folder",
    "load_track": "capture.trackfile",
    "save_track": "capture.trackfile",
    "Landmark": "core.landmarks",
    "PoseConfig": "capture.tracking",
    "track_video": "capture.tracking",
    "analyse_track": "analysis.pipeline",
    "analyse_video": "analysis.pipeline",
    "PoseTrack": "core.track",
    "FrameSpan": "capture.video",
    "VideoInfo": "capture.video",
    "probe": "capture.video",
    "read_frames": "capture.video",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sprintlens' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "Analysis",
    "AnalysisConfig",
    "AnalysisError",
    "FrameSpan",
    "Landmark",
    "ModelError",
    "NoAthleteError",
    "OutputError",
    "PoseConfig",
    "PoseTrack",
    "SprintLensError",
    "StoreError",
    "TrackFormatError",
    "VideoError",
    "VideoInfo",
    "__version__",
    "analyse_track",
    "analyse_video",
    "load_track",
    "probe",
    "read_frames",
    "save_track",
    "track_video",
    "write_analysis",
]
