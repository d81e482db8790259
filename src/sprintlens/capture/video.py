"""Video input at the edge of the program: probing, upright frames with real timestamps.

Reading uses OpenCV (FFmpeg backend): frames come out upright (the container's rotation is
applied), one at a time, with the container's own timestamps, so a phone's variable frame rate
is kept.  A slow-motion clip whose header says 30 fps but was filmed at 240 fps is read on its
real time axis once the capture rate is known (``capture_fps``, or Android's
``com.android.capture.fps`` tag).

Writing video is :mod:`sprintlens.core.video_writer` (PyAV: H.264 in MP4, yuv420p).

Times: ``t_s`` is always *real* (scene) time in seconds.  Playback time, the time a video player
shows, is ``t_s * slow_motion_factor``.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import cv2  # quiet: the package's __init__ sets OpenCV's log level first
import numpy as np

from sprintlens.core.errors import VideoError
from sprintlens.core.files import ensure_writable_folder, file_sha256  # noqa: F401  (file_sha256 re-exported)

log = logging.getLogger(__name__)

#: Tags phones write with the capture rate of a slow-motion clip stored at a lower playback rate.
_CAPTURE_FPS_TAGS = ("com.android.capture.fps",)

#: A decoded clip may end this many frames short of its header's count before it counts as truncated.
TRUNCATION_SLACK_FRAMES = 2


@dataclass(frozen=True)
class VideoInfo:
    """What a clip is, as far as analysis cares.

    Attributes
    ----------
    path : Path
        The file.
    width, height : int
        Size of the upright frame in pixels (after the container's rotation is applied).
    fps : float
        Container (playback) frame rate in frames per second.
    capture_fps : float
        Real frames per second of the filmed scene (``fps`` unless the clip is slow motion).
    capture_fps_source : str
        Where ``capture_fps`` came from: ``"header"``, a metadata tag name, or ``"user"``.
    n_frames : int
        Number of frames according to the container.
    duration_s : float
        Playback duration in seconds (``n_frames / fps``).
    rotation_deg : int
        Clockwise rotation the container asks for (0, 90, 180, 270); already applied to frames.
    codec : str
        Codec four-character code as OpenCV reports it (``"h264"``, ``"hevc"``, ``"VP90"`` ...).
    recorded_at : datetime, optional
        When the clip was filmed, from the container's tags (timezone-aware), or None when
        it does not say (see :func:`recorded_at`).
    """

    path: Path
    width: int
    height: int
    fps: float
    capture_fps: float
    capture_fps_source: str
    n_frames: int
    duration_s: float
    rotation_deg: int
    codec: str
    recorded_at: dt.datetime | None = None

    @property
    def slow_motion_factor(self) -> float:
        """How many times slower than real time the clip plays (1.0 for a normal clip)."""
        return self.capture_fps / self.fps

    @property
    def real_duration_s(self) -> float:
        """Duration of the filmed scene in seconds."""
        return self.duration_s / self.slow_motion_factor

    @property
    def frame_period_s(self) -> float:
        """Real time between frames in seconds (the floor of any timing uncertainty)."""
        return 1.0 / self.capture_fps

    @property
    def orientation(self) -> str:
        """``"portrait"``, ``"landscape"`` or ``"square"`` (of the upright frame)."""
        if self.height > self.width:
            return "portrait"
        return "landscape" if self.width > self.height else "square"


class Frame(NamedTuple):
    """One decoded frame: its index in the file, its real time in seconds, RGB pixels (H x W x 3)."""

    index: int
    t_s: float
    rgb: np.ndarray


@dataclass(frozen=True)
class FrameSpan:
    """A part of a clip, by frame index and/or playback time (what a video player shows).

    ``start``/``end`` bounds are inclusive/exclusive; ``None`` means open.
    """

    start_frame: int | None = None
    end_frame: int | None = None
    start_s: float | None = None
    end_s: float | None = None

    @classmethod
    def parse(cls, start: str | None, end: str | None) -> FrameSpan:
        """Parse bounds written as a frame number (``"120"``) or playback seconds (``"4.5s"``)."""
        values: dict[str, float | int | None] = {}
        for name, text in (("start", start), ("end", end)):
            if text is None or str(text).strip() == "":
                continue
            text = str(text).strip().lower()
            try:
                if text.endswith("s"):
                    seconds = float(text[:-1])
                    if not math.isfinite(seconds) or seconds < 0:
                        raise ValueError
                    values[f"{name}_s"] = seconds
                else:
                    frame = int(text)
                    if frame < 0:
                        raise ValueError
                    values[f"{name}_frame"] = frame
            except ValueError:
                raise VideoError(
                    f"bad {name} {text!r}: give a frame number (120) or a time in seconds (4.5s)"
                ) from None
        span = cls(**values)  # type: ignore[arg-type]
        span._check()
        return span

    def _check(self) -> None:
        if self.start_frame is not None and self.end_frame is not None and self.end_frame <= self.start_frame:
            raise VideoError(f"empty frame range {self.start_frame}..{self.end_frame}")
        if self.start_s is not None and self.end_s is not None and self.end_s <= self.start_s:
            raise VideoError(f"empty time range {self.start_s}s..{self.end_s}s")

    def before(self, index: int, playback_s: float) -> bool:
        """Return True while a frame (file index, playback time in s) lies before the span's start."""
        return (self.start_frame is not None and index < self.start_frame) or (
            self.start_s is not None and playback_s < self.start_s - 1e-9
        )

    def after(self, index: int, playback_s: float) -> bool:
        """Return True once a frame (file index, playback time in s) lies at or after the span's end."""
        return (self.end_frame is not None and index >= self.end_frame) or (
            self.end_s is not None and playback_s >= self.end_s - 1e-9
        )

    @property
    def is_whole(self) -> bool:
        """True when the span is the whole clip."""
        return all(v is None for v in (self.start_frame, self.end_frame, self.start_s, self.end_s))


def _check_input_path(path: Path) -> None:
    if not path.exists():
        raise VideoError(f"{path}: no such file")
    if path.is_dir():
        raise VideoError(f"{path}: is a folder, not a video file")
    if not os.access(path, os.R_OK):
        raise VideoError(f"{path}: not readable (permission denied)")
    if path.stat().st_size == 0:
        raise VideoError(f"{path}: is an empty file")


def _container_tags(path: Path) -> dict[str, str]:
    """Read the container and video-stream metadata tags (empty when PyAV cannot read them)."""
    try:
        import av

        with av.open(str(path)) as container:
            tags = dict(container.metadata)
            for stream in container.streams.video[:1]:
                tags.update(stream.metadata)
            return tags
    except Exception as exc:  # metadata is optional: a clip OpenCV reads is still usable
        log.debug("no container tags for %s: %s", path, exc)
        return {}


def _tagged_capture_fps(tags: dict[str, str], fps: float) -> tuple[float, str] | None:
    for tag in _CAPTURE_FPS_TAGS:
        if tag in tags:
            try:
                value = float(tags[tag])
            except ValueError:
                continue
            if math.isfinite(value) and value > fps * 1.05:
                return value, tag
    return None


#: Tags with the time a clip was filmed, most telling first: iPhones write the local time with its
#: UTC offset; every MP4/MOV writer may write ``creation_time`` (UTC).
_RECORDED_TAGS = ("com.apple.quicktime.creationdate", "creation_time")

#: Before this year a creation time is an encoder's placeholder (MP4's epoch is 1904, Unix's 1970).
_FIRST_PLAUSIBLE_YEAR = 2000


def recorded_at(tags: dict[str, str]) -> dt.datetime | None:
    """Return when a clip was filmed, from its container tags (timezone-aware), or None.

    ``com.apple.quicktime.creationdate`` (``2024-05-06T10:12:33+0200``) keeps the local time of
    filming; ``creation_time`` (``2024-05-06T08:12:33.000000Z``) is UTC.  Placeholder dates of
    encoders (1904, 1970) and unparsable values are ignored.
    """
    for tag in _RECORDED_TAGS:
        when = parse_recording_time(tags.get(tag))
        if when is not None:
            return when
    return None


def parse_recording_time(text: object) -> dt.datetime | None:
    """Parse an ISO 8601 recording time (``Z`` or an offset; none means UTC, as in MP4), timezone-aware.

    Returns None for anything else, and for an encoder's placeholder date.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when if when.year >= _FIRST_PLAUSIBLE_YEAR else None


def filming_day(when: dt.datetime) -> dt.date:
    """Return the calendar day a clip was filmed.

    The day is the one in the time zone its tag gives, or (for a UTC time, which is what most
    phones write) in this computer's time zone.
    """
    if when.utcoffset() in (None, dt.timedelta(0)):
        return when.astimezone().date()
    return when.date()


def _why_unreadable(path: Path) -> str:
    """Name what is wrong with a file OpenCV cannot open (PyAV looks at the container)."""
    try:
        import av

        with av.open(str(path)) as container:
            video = container.streams.video
            if not video:
                return "contains no video frames" if not container.streams else "contains no video stream"
            if video[0].frames == 0:
                return "has no video frames"
            return f"cannot be decoded (codec {video[0].codec_context.name})"
    except Exception:  # any container error means: not a readable video
        return ("cannot be read as a video (not a video file, or damaged: "
                "a phone recording cut off mid-write has no index)")


def _open(path: Path) -> cv2.VideoCapture:
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    if not cap.isOpened():
        cap.release()
        raise VideoError(f"{path}: {_why_unreadable(path)}")
    return cap


def probe(path: str | os.PathLike[str], capture_fps: float | None = None) -> VideoInfo:
    """Read a clip's metadata and check that its first frame decodes.

    Parameters
    ----------
    path : path-like
        The video file.
    capture_fps : float, optional
        Real frame rate of a slow-motion clip (frames/s).  Overrides the header and any
        capture-rate tag.

    Raises
    ------
    VideoError
        If the file is missing, not a video, damaged, has no frames or no usable frame rate.
    """
    path = Path(path)
    _check_input_path(path)
    if capture_fps is not None and not (math.isfinite(capture_fps) and 0 < capture_fps <= 100_000):
        raise VideoError(f"capture fps must be a positive number of frames per second, got {capture_fps}")
    cap = _open(path)
    try:
        fps = float(cap.get(cv2.CAP_PROP_FPS))
        n_frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        rotation = int(round(cap.get(cv2.CAP_PROP_ORIENTATION_META))) % 360
        fourcc = int(cap.get(cv2.CAP_PROP_FOURCC))
        codec = fourcc.to_bytes(4, "little").decode("ascii", "replace").strip("\x00 ") if fourcc > 0 else "?"
        ok, first = cap.read()
    finally:
        cap.release()
    if not ok or first is None:
        raise VideoError(f"{path}: has no frames that can be decoded")
    if n_frames <= 0:
        raise VideoError(f"{path}: the container does not say how many frames it has")
    height, width = first.shape[:2]

    fps_valid = math.isfinite(fps) and 0 < fps <= 100_000
    source = "header"
    if capture_fps is not None:
        real_fps, source = float(capture_fps), "user"
        if not fps_valid:
            fps = real_fps  # no playback rate to scale from: the user's rate is the time axis
    elif not fps_valid:
        raise VideoError(f"{path}: the header gives no frame rate ({fps}); pass --capture-fps")
    tags = _container_tags(path)
    if capture_fps is None and fps_valid:
        tagged = _tagged_capture_fps(tags, fps)
        real_fps, source = tagged if tagged else (fps, "header")

    return VideoInfo(
        path=path,
        width=int(width),
        height=int(height),
        fps=float(fps),
        capture_fps=float(real_fps),
        capture_fps_source=source,
        n_frames=n_frames,
        duration_s=n_frames / fps,
        rotation_deg=rotation,
        codec=codec,
        recorded_at=recorded_at(tags),
    )


class _Reader:
    """Decodes frames on a background thread into a small bounded queue (decode overlaps analysis)."""

    _END = object()

    def __init__(self, info: VideoInfo, span: FrameSpan, prefetch: int) -> None:
        self.info = info
        self.span = span
        self.queue: queue.Queue[object] = queue.Queue(maxsize=max(1, prefetch))
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="sprintlens-decode", daemon=True)

    def _put(self, item: object) -> bool:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            for frame in _decode(self.info, self.span):
                if not self._put(frame):
                    return
            self._put(self._END)
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(exc)

    def __iter__(self) -> Iterator[Frame]:
        self.thread.start()
        try:
            while True:
                item = self.queue.get()
                if item is self._END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item  # type: ignore[misc]
        finally:
            self.stop.set()
            self.thread.join(timeout=5)


def _decode(info: VideoInfo, span: FrameSpan) -> Iterator[Frame]:
    cap = _open(info.path)
    try:
        factor = info.slow_motion_factor
        period_play_s = 1.0 / info.fps
        index = -1
        last_play_s = -math.inf
        repaired = 0
        while True:
            if not cap.grab():
                break
            index += 1
            play_s = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
            if not (math.isfinite(play_s) and play_s > last_play_s):
                play_s = (last_play_s + period_play_s) if math.isfinite(last_play_s) else 0.0
                repaired += 1
            last_play_s = play_s
            if span.after(index, play_s):
                break
            if span.before(index, play_s):
                continue
            ok, bgr = cap.retrieve()
            if not ok or bgr is None:
                break
            yield Frame(index, play_s / factor, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        if repaired:
            log.warning("%s: %d frames had no usable timestamp; spaced them one frame period apart",
                        info.path, repaired)
        decoded = index + 1
        if span.end_frame is None and span.end_s is None:
            expected = info.n_frames
        elif span.end_frame is not None:
            expected = min(info.n_frames, span.end_frame)
        else:
            expected = decoded  # a time-bounded span stops where the times say
        if decoded < expected - TRUNCATION_SLACK_FRAMES:
            raise VideoError(
                f"{info.path}: decoding stopped at frame {decoded} of {info.n_frames} "
                "(the file is truncated or damaged)"
            )
    finally:
        cap.release()


def read_frames(info: VideoInfo, span: FrameSpan | None = None, prefetch: int = 4) -> Iterator[Frame]:
    """Stream a clip's frames, upright, in RGB, with real timestamps.

    Memory stays flat: at most ``prefetch`` frames are held ahead of the consumer.

    Parameters
    ----------
    info : VideoInfo
        From :func:`probe` (carries the capture rate used for the time axis).
    span : FrameSpan, optional
        Part of the clip to read; the whole clip by default.
    prefetch : int
        Frames decoded ahead on a background thread; 0 decodes on the calling thread.

    Returns
    -------
    iterator of Frame
        The frames of the span in file order: index in the file, real time (s), RGB pixels.

    Raises
    ------
    VideoError
        If decoding stops well before the container's frame count (a truncated file).
    """
    span = span or FrameSpan()
    if prefetch <= 0:
        return _decode(info, span)
    return iter(_Reader(info, span, prefetch))


def frames_at(info: VideoInfo, indices: list[int]) -> dict[int, np.ndarray]:
    """Decode only some frames of a clip, in one pass (the others are grabbed, not converted).

    Parameters
    ----------
    info : VideoInfo
        The probed clip.
    indices : list of int
        Frame indices wanted.

    Returns
    -------
    dict of int to ndarray
        RGB pixels (H x W x 3) of each wanted frame the file holds.
    """
    wanted = set(int(i) for i in indices)
    out: dict[int, np.ndarray] = {}
    cap = _open(info.path)
    try:
        index = -1
        while wanted - out.keys() and cap.grab():
            index += 1
            if index in wanted:
                ok, bgr = cap.retrieve()
                if ok and bgr is not None:
                    out[index] = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    finally:
        cap.release()
    return out


def frame_intervals_s(path: str | os.PathLike[str], max_frames: int = 100_000) -> np.ndarray:
    """Measure the playback intervals between successive frames (s) from the container's packet timestamps.

    Reads packets without decoding, so it is fast even for long clips.  Empty when the
    container gives no timestamps.
    """
    import av

    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            base = float(stream.time_base)
            pts = [p.pts for p, _ in zip(container.demux(stream), range(max_frames)) if p.pts is not None]
    except Exception as exc:  # the timing check is advisory; OpenCV already read the clip
        log.debug("no packet timestamps for %s: %s", path, exc)
        return np.empty(0)
    if len(pts) < 2:
        return np.empty(0)
    return np.diff(np.sort(np.asarray(pts, dtype=np.float64))) * base


def frames_in_file(path: str | os.PathLike[str], max_frames: int = 1_000_000) -> int | None:
    """Count the video frames actually stored in the file (packets counted, not decoded).

    A recording cut off mid-write keeps a header that lists every frame but holds only some of
    them; comparing this count with :attr:`VideoInfo.n_frames` tells so before any decoding.
    ``None`` when the container cannot be read.
    """
    import av

    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            return sum(1 for packet, _ in zip(container.demux(stream), range(max_frames)) if packet.size)
    except Exception as exc:  # advisory, like frame_intervals_s
        log.debug("cannot count the frames of %s: %s", path, exc)
        return None
