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
from importlib.metadata import PackageNotFoundError, version

# FFmpeg's and OpenCV's own log lines are not for users.  Set here, before any module of the
# package (video, render, synth ...) first imports cv2: OpenCV reads them once, on import.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

try:
    __version__ = version("sprintlens")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+source"

from .errors import (  # noqa: E402
    AnalysisError,
    ModelError,
    NoAthleteError,
    OutputError,
    SprintLensError,
    StoreError,
    TrackFormatError,
    VideoError,
)

# The rest of the API is imported on first use (PEP 562): `import sprintlens` and light commands
# such as `sprintlens info` need not load SciPy, MediaPipe and the analysis stages.
_LAZY = {
    "Analysis": "analysis",
    "AnalysisConfig": "analysis",
    "write_analysis": "export",
    "load_track": "io",
    "save_track": "io",
    "Landmark": "landmarks",
    "PoseConfig": "pipeline",
    "analyse_track": "pipeline",
    "analyse_video": "pipeline",
    "track_video": "pipeline",
    "PoseTrack": "track",
    "FrameSpan": "video",
    "VideoInfo": "video",
    "probe": "video",
    "read_frames": "video",
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
