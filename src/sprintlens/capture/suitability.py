"""Is a clip fit for sprint analysis?  A verdict from its metadata and the athlete's size (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from sprintlens.capture.video import TRUNCATION_SLACK_FRAMES, VideoInfo

#: A good sprinter's ground contact at top speed lasts about this long (s).
TOP_SPEED_CONTACT_S = 0.10
#: Below this real frame rate, contact and flight times are reported as low confidence.
CONTACT_TIMING_MIN_FPS = 100.0
#: Pose estimation speed assumed for the processing-time estimate (frames/s, 2 laptop cores).
ASSUMED_POSE_FPS = 40.0


class Status(Enum):
    """How a check rates the clip: ``ok``, ``warn`` (usable, with limits) or ``bad`` (not suitable)."""

    OK = "ok"
    WARN = "warn"
    BAD = "bad"


@dataclass(frozen=True)
class Check:
    """One aspect of the clip, how it rates and why."""

    name: str
    status: Status
    message: str


@dataclass(frozen=True)
class Suitability:
    """All checks and the overall verdict."""

    checks: tuple[Check, ...]

    @property
    def status(self) -> Status:
        """The worst status of the checks (``BAD`` over ``WARN`` over ``OK``)."""
        statuses = {c.status for c in self.checks}
        return Status.BAD if Status.BAD in statuses else Status.WARN if Status.WARN in statuses else Status.OK

    @property
    def verdict(self) -> str:
        """The overall verdict in words, from :attr:`status`."""
        return {
            Status.OK: "suitable for sprint analysis",
            Status.WARN: "usable for sprint analysis, with the limits above",
            Status.BAD: "not suitable for sprint analysis",
        }[self.status]


def _frame_rate(info: VideoInfo) -> Check:
    fps = info.capture_fps
    period_ms = 1000.0 / fps
    frames_per_contact = TOP_SPEED_CONTACT_S * fps
    share = 100.0 * (1.0 / fps) / TOP_SPEED_CONTACT_S
    if fps >= CONTACT_TIMING_MIN_FPS:
        return Check("frame rate", Status.OK,
                     f"{fps:.6g} fps: one frame is {period_ms:.1f} ms; a 0.10 s top-speed contact spans "
                     f"{frames_per_contact:.0f} frames, so contact and flight times are timed to +/-{period_ms:.1f} ms")
    if fps >= 15:
        return Check("frame rate", Status.WARN,
                     f"{fps:.6g} fps: one frame is {period_ms:.0f} ms, {share:.0f}% of a 0.10 s top-speed contact; "
                     "contact and flight times will be low confidence (angles, step frequency and speed are fine); "
                     "film at 120 or 240 fps for contact times")
    return Check("frame rate", Status.BAD,
                 f"{fps:.6g} fps is too slow to follow a sprinter's legs (a frame is {period_ms:.0f} ms)")


def _resolution(info: VideoInfo) -> Check:
    short = min(info.width, info.height)
    size = f"{info.width}x{info.height}"
    if short >= 720:
        return Check("resolution", Status.OK, f"{size}: enough detail for the pose model")
    if short >= 240:
        return Check("resolution", Status.WARN,
                     f"{size}: low; joints will be less precise, keep the athlete large in the frame")
    return Check("resolution", Status.BAD, f"{size}: too small for reliable joint positions")


def _orientation(info: VideoInfo) -> Check:
    rotated = f" (stored rotated {info.rotation_deg} deg, read upright)" if info.rotation_deg else ""
    if info.orientation == "portrait":
        return Check("orientation", Status.WARN,
                     f"portrait{rotated}: an athlete running across a portrait frame is in view for few steps; "
                     "fine for a treadmill or a fixed spot, hold the phone sideways for sprints")
    return Check("orientation", Status.OK, f"{info.orientation}{rotated}: suits a side-on sprint")


def _duration(info: VideoInfo) -> Check:
    real = info.real_duration_s
    minutes = info.n_frames / ASSUMED_POSE_FPS / 60.0
    if real < 0.5:
        return Check("duration", Status.BAD, f"{real:.2f} s of action: too short for a full step")
    if real < 1.5:
        return Check("duration", Status.WARN, f"{real:.2f} s of action: only a few steps")
    if minutes > 10:
        return Check("duration", Status.WARN,
                     f"{real:.0f} s of action, {info.n_frames} frames: pose estimation will take about "
                     f"{minutes:.0f} min; trim to the rep with --start/--end")
    return Check("duration", Status.OK, f"{real:.1f} s of action ({info.n_frames} frames)")


def _timing(info: VideoInfo, intervals_s: np.ndarray | None) -> Check:
    parts = []
    if info.slow_motion_factor > 1.05:
        parts.append(f"slow motion x{info.slow_motion_factor:.3g}: filmed at {info.capture_fps:.6g} fps "
                     f"({info.capture_fps_source}), plays at {info.fps:.6g} fps; times are real time")
    elif info.fps <= 60:
        parts.append("if this was filmed in slow motion, give the real rate with --capture-fps")
    if intervals_s is not None and intervals_s.size >= 2:
        median = float(np.median(intervals_s))
        spread = (float(intervals_s.max()) - float(intervals_s.min())) / median if median > 0 else 0.0
        if spread > 0.1:
            factor = info.slow_motion_factor
            parts.append(f"variable frame rate (frame intervals {1000 * intervals_s.min() / factor:.1f}-"
                         f"{1000 * intervals_s.max() / factor:.1f} ms): each frame's own timestamp is used")
        else:
            parts.append("constant frame rate")
    return Check("timing", Status.OK, "; ".join(parts) if parts else "container timestamps")


def _completeness(info: VideoInfo, stored: int) -> Check:
    if stored < info.n_frames - TRUNCATION_SLACK_FRAMES:
        return Check("file", Status.BAD,
                     f"truncated or damaged: only {stored} of the {info.n_frames} frames its header lists are in "
                     "the file (a recording cut off mid-write?)")
    return Check("file", Status.OK, f"all {info.n_frames} frames are in the file")


#: A foot is about this share of standing height (Winter, *Biomechanics and Motor Control of Human
#: Movement*: foot length 0.152 H).
FOOT_SHARE_OF_HEIGHT = 0.152
#: Below this height (px) the pose model cannot place joints reliably (its landmark input is 256 px
#: for the whole body; at 60 px a knee is a few pixels of it).
MIN_ATHLETE_PX = 60.0
#: Below this height (px) joints are placed, but angles carry several degrees of noise per frame
#: (landmark error about 2 px, so 1.5-2 % of body height at 100-150 px).
SMALL_ATHLETE_PX = 100.0
#: A foot shorter than this (px) is too small for the keypoints to time contacts to one frame.
MIN_FOOT_PX = 15.0


def athlete_size(height_px: float, frame_height_px: int, fps: float) -> Check:
    """Rate how large the athlete is in the picture, and what that allows.

    Parameters
    ----------
    height_px : float
        The athlete's height in the image (px; NaN if nobody was found).
    frame_height_px : int
        Height of the upright frame (px).
    fps : float
        Real frame rate (frames/s): one frame is the finest contact timing.

    Returns
    -------
    Check
        ``athlete`` rated ok, warn or bad, e.g. "athlete 170 px tall (24 % of the frame height):
        fine for angles; feet are 26 px: contact timing +/-1 frame (+/-33 ms)".
    """
    if not np.isfinite(height_px):
        return Check("athlete", Status.BAD, "nobody found in the frames looked at (scenery only, or someone too "
                                            "small or hidden to measure)")
    frame_ms = 1000.0 / fps
    foot = FOOT_SHARE_OF_HEIGHT * height_px
    size = f"athlete {height_px:.0f} px tall ({100 * height_px / frame_height_px:.0f} % of the frame height)"
    if height_px < MIN_ATHLETE_PX:
        return Check("athlete", Status.BAD, f"{size}: too small to place the joints; film closer or zoom in")
    angles = ("fine for angles" if height_px >= SMALL_ATHLETE_PX
              else "small: angles carry several degrees of noise")
    frames = 1 if foot >= MIN_FOOT_PX else 2
    timing = f"feet are {foot:.0f} px: contact timing +/-{frames} frame{'s' if frames > 1 else ''} " \
             f"(+/-{frames * frame_ms:.0f} ms)"
    status = Status.OK if height_px >= SMALL_ATHLETE_PX and frames == 1 else Status.WARN
    return Check("athlete", status, f"{size}: {angles}; {timing}")


def assess(info: VideoInfo, intervals_s: np.ndarray | None = None, frames_in_file: int | None = None,
           athlete_px: float | None = None) -> Suitability:
    """Rate a clip for sprint analysis.

    Parameters
    ----------
    info : VideoInfo
        The clip's metadata.
    intervals_s : ndarray, optional
        Playback intervals between frames (s), to report a variable frame rate.
    frames_in_file : int, optional
        Frames actually stored in the file (:func:`sprintlens.capture.video.frames_in_file`), to report a
        truncated file; no such check without it.
    athlete_px : float, optional
        The athlete's height in the image (px, NaN: nobody found), to rate their size
        (:func:`athlete_size`); no such check without it.

    Returns
    -------
    Suitability
        The checks of frame rate, resolution, orientation, duration, timing (and the file's
        completeness, with ``frames_in_file``), and their verdict.
    """
    checks = [_frame_rate(info), _resolution(info), _orientation(info), _duration(info), _timing(info, intervals_s)]
    if frames_in_file is not None:
        checks.append(_completeness(info, frames_in_file))
    if athlete_px is not None:
        checks.append(athlete_size(athlete_px, info.height, info.capture_fps))
    return Suitability(tuple(checks))
