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

from importlib.metadata import PackageNotFoundError, version

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
from .analysis import Analysis, AnalysisConfig  # noqa: E402
from .export import write_analysis  # noqa: E402
from .io import load_track, save_track  # noqa: E402
from .landmarks import Landmark  # noqa: E402
from .pipeline import PoseConfig, analyse_track, analyse_video, track_video  # noqa: E402
from .track import PoseTrack  # noqa: E402
from .video import FrameSpan, VideoInfo, probe, read_frames  # noqa: E402

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
