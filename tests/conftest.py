"""Shared test fixtures: small clips made on the fly, the real footage and its pose tracks, the command.

Clips are written with PyAV (H.264 in MP4) so a test controls every timestamp, tag and the
rotation matrix; nothing is read from outside the repository except the real footage, which
is skipped with a reason when ``../shared/footage`` is absent.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import types
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from sprintlens.core.track import PoseTrack

ROOT = Path(__file__).resolve().parents[1]
#: Real clips for tests live beside the project (../shared/footage); SPRINTLENS_FOOTAGE overrides.
FOOTAGE = Path(os.environ.get("SPRINTLENS_FOOTAGE", ROOT.parent / "shared" / "footage"))

#: 3x3 tkhd matrices (a, b, u, c, d, v, x, y, w; 16.16 and 2.30 fixed point) by clockwise rotation.
_TKHD_MATRIX = {
    0: (0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000),
    90: (0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000),
    180: (-0x10000, 0, 0, 0, -0x10000, 0, 0, 0, 0x40000000),
    270: (0, -0x10000, 0, 0x10000, 0, 0, 0, 0, 0x40000000),
}


def footage_path(name: str) -> Path:
    """Path of a real clip, skipping the test with a reason when it is absent."""
    path = FOOTAGE / name
    if not path.is_file():
        pytest.skip(f"real footage {name} not found in {FOOTAGE} (set SPRINTLENS_FOOTAGE to its folder)")
    return path


@pytest.fixture
def footage() -> Callable[[str], Path]:
    """``footage("walk_side_30fps.mp4")`` -> Path, or skip when the footage folder is absent."""
    return footage_path


# -- making clips --------------------------------------------------------------------------------

def gray_frames(n: int, width: int = 96, height: int = 64) -> list[np.ndarray]:
    """``n`` flat grey RGB frames whose level (``10 + 4 * i``) tells frame ``i`` apart after decoding."""
    if n > 60:
        raise ValueError("gray_frames tells at most 60 frames apart")
    return [np.full((height, width, 3), 10 + 4 * i, np.uint8) for i in range(n)]


def frame_number_of(rgb: np.ndarray) -> int:
    """Inverse of :func:`gray_frames`: which frame a decoded grey frame was."""
    return int(round((float(rgb.mean()) - 10) / 4))


def write_mp4(
    path: Path,
    frames: Sequence[np.ndarray],
    fps: float | Fraction = 30,
    *,
    pts: Sequence[int] | None = None,
    time_base: Fraction | None = None,
    metadata: dict[str, str] | None = None,
) -> Path:
    """Write RGB frames as H.264 MP4 (moov first, so a cut-off file keeps its index).

    ``pts`` (in ``time_base`` units) gives each frame its own timestamp (variable frame rate);
    ``metadata`` goes into the container's tags.
    """
    import av

    movflags = "+faststart" + ("+use_metadata_tags" if metadata else "")
    with av.open(str(path), "w", format="mp4", options={"movflags": movflags}) as container:
        stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(100_000))
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        stream.codec_context.options = {"preset": "ultrafast", "crf": "12"}
        if time_base is not None:
            stream.time_base = time_base
            stream.codec_context.time_base = time_base
        if metadata:
            container.metadata.update(metadata)
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            if pts is not None:
                frame.pts, frame.time_base = int(pts[i]), time_base
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def set_rotation(path: Path, degrees: int) -> None:
    """Make a player show ``path`` rotated clockwise by ``degrees``: patch the track header matrix."""
    data = bytearray(path.read_bytes())
    at = data.find(b"tkhd")
    assert at > 0 and data.find(b"tkhd", at + 4) < 0, "expected exactly one track header"
    version = data[at + 4]
    # box type, version+flags, times/track id/duration (20 or 32 bytes), reserved, layer..volume
    offset = at + 4 + 4 + (20 if version == 0 else 32) + 8 + 8
    data[offset:offset + 36] = struct.pack(">9i", *_TKHD_MATRIX[degrees])
    path.write_bytes(bytes(data))


def truncate(path: Path, fraction: float = 0.5) -> Path:
    """Cut a file to ``fraction`` of its bytes (a recording cut off mid-write)."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def zero_frame_mp4(path: Path) -> Path:
    """An MP4 with an H.264 video stream and not one frame in it."""
    import av

    container = av.open(str(path), "w", format="mp4")
    stream = container.add_stream("libx264", rate=30)
    stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
    container.start_encoding()
    container.close()
    return path


@pytest.fixture(scope="session")
def clips() -> types.SimpleNamespace:
    """The clip helpers above, for test modules (``clips.write_mp4(...)``, ``clips.set_rotation(...)``)."""
    return types.SimpleNamespace(gray_frames=gray_frames, frame_number_of=frame_number_of, write_mp4=write_mp4,
                                 set_rotation=set_rotation, truncate=truncate, zero_frame_mp4=zero_frame_mp4)


@pytest.fixture
def make_clip(tmp_path: Path) -> Callable[..., Path]:
    """``make_clip("a.mp4", n=30, fps=30, size=(96, 64), **write_mp4_options)`` -> path in tmp_path."""

    def make(name: str = "clip.mp4", n: int = 30, fps: float | Fraction = 30,
             size: tuple[int, int] = (96, 64), frames: Sequence[np.ndarray] | None = None,
             **options: object) -> Path:
        frames = frames if frames is not None else gray_frames(n, *size)
        return write_mp4(tmp_path / name, frames, fps, **options)  # type: ignore[arg-type]

    return make


# -- real footage, estimated once per session ---------------------------------------------------

class RecordingEstimator:
    """Wraps the default estimator (the crop finder) and keeps every frame's detections (to re-choose the athlete)."""

    def __init__(self, fps: float, **options: object) -> None:
        from sprintlens.capture.tracking import PoseConfig, make_estimator

        self._inner = make_estimator(PoseConfig(**options), fps)  # type: ignore[arg-type]
        self.model_id = self._inner.model_id
        self.model_version = self._inner.model_version
        self.detections: list = []

    def estimate(self, rgb: np.ndarray, frame_number: int):  # noqa: ANN201
        found = self._inner.estimate(rgb, frame_number)
        self.detections.append(found)
        return found

    def close(self) -> None:
        self._inner.close()


@pytest.fixture(scope="session")
def footage_track() -> Callable[[str], tuple]:
    """``footage_track(name)`` -> ``(track, detections)`` of a real clip, estimated once per session."""
    from sprintlens.capture.tracking import track_video
    from sprintlens.capture.video import probe

    cache: dict[str, tuple] = {}

    def get(name: str) -> tuple:
        path = footage_path(name)
        if name not in cache:
            estimator = RecordingEstimator(probe(path).capture_fps)
            try:
                cache[name] = (track_video(path, estimator=estimator), estimator.detections)
            finally:
                estimator.close()
        return cache[name]

    return get


# -- the sprintlens command as a real process (tests/cli) ------------------------------------------
def _command() -> list[str]:
    # absolute, so that a test may run the command in another folder (a relative PATH entry such as
    # venv/bin would otherwise make it relative)
    beside_python = Path(os.path.abspath(sys.executable)).with_name("sprintlens")
    if beside_python.is_file():
        return [str(beside_python)]
    found = shutil.which("sprintlens")
    if found:
        return [os.path.abspath(found)]
    return [sys.executable, "-c", "from sprintlens.cli import main; main()"]


@pytest.fixture(scope="session")
def sprintlens() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``sprintlens("pose", clip, "-o", out, env={...})`` -> the finished process (text output)."""
    command = _command()

    def run(*args: object, env: dict[str, str] | None = None, cwd: Path | None = None
            ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, **(env or {})}
        return subprocess.run([*command, *map(str, args)], capture_output=True, text=True, env=full_env,
                              cwd=cwd, timeout=300, stdin=subprocess.DEVNULL)

    return run


@pytest.fixture
def background_clip(make_clip) -> Path:
    """A plain coloured background: a clip with nobody in it."""
    frames = [np.full((240, 320, 3), (60, 140, 90), np.uint8) for _ in range(15)]
    return make_clip("background.mp4", frames=frames)


@pytest.fixture(scope="session")
def one_line_error() -> Callable[..., str]:
    """``one_line_error(result, "phrase", ...)``: see :func:`assert_one_line_error`."""
    return assert_one_line_error


def assert_one_line_error(result: subprocess.CompletedProcess[str], *phrases: str) -> str:
    """Non-zero exit, exactly one line on stderr naming the problem, no traceback; returns that line."""
    assert result.returncode != 0, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    line = lines[0]
    assert line.startswith("error: "), line
    for phrase in phrases:
        assert phrase in line, f"{phrase!r} not in {line!r}"
    return line


def out_and_back_track() -> tuple[PoseTrack, PoseTrack, PoseTrack]:
    """A rendered athlete sprints left to right at 9.5 m/s, is out of view for 0.5 s, then jogs
    back right to left at 6 m/s (static camera, 120 fps): (whole track, sprint alone, jog alone)."""
    from sprintlens.synth import (
        ClipSpec,
        FlyingSpec,
        RenderSpec,
        build_truth,
        prepare,
        truth_track,
    )
    from sprintlens.synth.scenarios import Mechanics

    def part(direction: str, mechanics: Mechanics) -> PoseTrack:
        spec = ClipSpec(FlyingSpec(mechanics=mechanics, duration_s=1.0), render=RenderSpec(fps=120),
                        direction=direction)
        return truth_track(build_truth(prepare(spec)))

    sprint = part("left_to_right", Mechanics())
    jog = part("right_to_left", Mechanics(speed_mps=6.0, step_length_m=1.6, contact_s=0.16))
    gap = 60  # frames out of view
    n_sprint, n_jog = sprint.n_frames, jog.n_frames
    missing = {name: np.full((gap, *getattr(sprint, name).shape[1:]), np.nan)
               for name in ("positions_px", "depth_px", "visibility", "presence")}
    joined = {name: np.concatenate([getattr(sprint, name), missing[name], getattr(jog, name)])
              for name in missing}
    frames = np.arange(n_sprint + gap + n_jog)
    whole = sprint.replace(**joined, t_s=frames / sprint.fps, frame_index=frames)
    return whole, whole.rows(0, n_sprint), whole.rows(n_sprint + gap, n_sprint + gap + n_jog)
