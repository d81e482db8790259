"""Writing H.264 MP4 files (yuv420p, plays on phones and in browsers), atomically.

Used by the annotated clip, the comparisons and the clip generator.
"""

from __future__ import annotations

import logging
import math
import os
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import numpy as np

from sprintlens.core.errors import OutputError
from sprintlens.core.files import ensure_writable_folder

log = logging.getLogger(__name__)


class VideoWriter:
    """Write RGB frames to an H.264 MP4 (yuv420p) that plays on phones and in browsers.

    Frames go to a temporary file beside the target, renamed into place only when the
    ``with`` block ends without error; on error nothing is left behind.

    Parameters
    ----------
    path : path-like
        Target ``.mp4`` file.
    fps : float
        Playback frame rate (frames/s).
    size : (int, int)
        Frame ``(width, height)`` in pixels; odd sizes are padded by one pixel (yuv420p needs even).
    crf : int
        x264 quality (lower is better; 18-23 is visually good).
    preset : str
        x264 speed/size trade-off.
    threads : int
        Encoder threads; fixed (and x264's macroblock tree off) so that the same frames give
        the same bytes.
    tune : str, optional
        x264 tuning option; none by default.
    rgb_to_yuv : {"ffmpeg", "opencv"}
        Who turns RGB frames into yuv420p: FFmpeg's scaler (the default), or OpenCV, which gives
        the same BT.601 limited-range picture (luma within 1 level, chroma averaged over each
        2x2 block) about seven times faster.  Either way the same frames give the same bytes.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        fps: float,
        size: tuple[int, int],
        *,
        crf: int = 20,
        preset: str = "medium",
        threads: int = 2,
        tune: str | None = None,
        rgb_to_yuv: str = "ffmpeg",
    ) -> None:
        self.path = Path(path)
        if not (math.isfinite(fps) and fps > 0):
            raise OutputError(f"cannot write a video at {fps} frames/s")
        self.fps = float(fps)
        self.width, self.height = int(size[0]), int(size[1])
        if self.width <= 0 or self.height <= 0:
            raise OutputError(f"cannot write a video of size {size}")
        self.crf, self.preset, self.threads, self.tune = crf, preset, threads, tune
        if rgb_to_yuv not in ("ffmpeg", "opencv"):
            raise OutputError(f"unknown RGB to YUV conversion {rgb_to_yuv!r}")
        self.rgb_to_yuv = rgb_to_yuv
        self._tmp: Path | None = None
        self._container = None
        self._stream = None
        self.frames_written = 0

    def __enter__(self) -> VideoWriter:
        import av

        folder = self.path.parent
        ensure_writable_folder(folder)
        self._tmp = folder / f".{self.path.name}.{os.getpid()}.tmp.mp4"
        try:
            # bitexact (container and codec): no encoder version strings, so output is reproducible.
            # Set through FFmpeg options, which mean the same in every PyAV version.
            self._container = av.open(str(self._tmp), mode="w", format="mp4",
                                      options={"movflags": "+faststart", "fflags": "+bitexact"})
            rate = Fraction(self.fps).limit_denominator(100_000)
            stream = self._container.add_stream("libx264", rate=rate)
            stream.width = self.width + (self.width % 2)
            stream.height = self.height + (self.height % 2)
            stream.pix_fmt = "yuv420p"
            # mbtree=0: x264's macroblock-tree rate control gives different bytes from run to run
            # on the same frames (measured: 27 distinct outputs in 30 encodes of one 320x180 clip,
            # with 1 thread as with 2); without it the output is reproducible.
            opts = {"crf": str(self.crf), "preset": self.preset, "threads": str(self.threads),
                    "flags": "+bitexact", "x264-params": "mbtree=0"}
            if self.tune:
                opts["tune"] = self.tune
            stream.codec_context.options = opts
            self._stream = stream
        except Exception as exc:
            self._discard()
            raise OutputError(f"{self.path}: cannot start H.264 encoding ({exc})") from None
        return self

    def write(self, rgb: np.ndarray) -> None:
        """Append one RGB frame (``height x width x 3``, uint8)."""
        import av

        if rgb.shape[:2] != (self.height, self.width) or rgb.ndim != 3:
            raise OutputError(
                f"frame of shape {rgb.shape} does not fit a {self.width}x{self.height} video"
            )
        if rgb.dtype != np.uint8:
            raise OutputError(f"frames must be uint8, got {rgb.dtype}")
        if self.width % 2 or self.height % 2:
            rgb = np.pad(rgb, ((0, self.height % 2), (0, self.width % 2), (0, 0)), mode="edge")
        if self.rgb_to_yuv == "opencv":
            import cv2

            frame = av.VideoFrame.from_ndarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420), format="yuv420p")
        else:
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        try:
            for packet in self._stream.encode(frame):  # type: ignore[union-attr]
                self._container.mux(packet)  # type: ignore[union-attr]
        except Exception as exc:
            raise OutputError(f"{self.path}: H.264 encoding failed ({exc})") from None
        self.frames_written += 1

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is not None:
            self._discard()
            return
        if self.frames_written == 0:
            self._discard()
            raise OutputError(f"{self.path}: no frames to write")
        try:
            for packet in self._stream.encode():  # type: ignore[union-attr]
                self._container.mux(packet)  # type: ignore[union-attr]
            self._container.close()  # type: ignore[union-attr]
            self._container = None
            os.replace(self._tmp, self.path)  # type: ignore[arg-type]
        except Exception as exc:
            self._discard()
            raise OutputError(f"{self.path}: H.264 encoding failed ({exc})") from None

    def _discard(self) -> None:
        if self._container is not None:
            try:
                self._container.close()
            except Exception:  # the file is being thrown away; its close error does not matter
                log.debug("closing a discarded video failed", exc_info=True)
            self._container = None
        if self._tmp is not None and self._tmp.exists():
            self._tmp.unlink()
