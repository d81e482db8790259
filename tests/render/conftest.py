"""Fixtures of the render tests: analysed reps of real footage (tracked once per session), the
synthetic puppet clip, and headless Chromium for looking at pages."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from sprintlens.analysis.folder import AnalysedClip
from sprintlens.analysis.pipeline import analyse_track
from sprintlens.capture.tracking import PoseConfig, track_video
from sprintlens.capture.video import FrameSpan

from .synthetic import puppet_track, write_puppet_clip

ROOT = Path(__file__).resolve().parents[2]
FOOTAGE = Path(os.environ.get("SPRINTLENS_FOOTAGE", ROOT.parent / "shared" / "footage"))

#: The first four seconds of the treadmill clip: about eleven steps, enough for every picture.
TREADMILL_FRAMES = 120


def _footage(name: str) -> Path:
    path = FOOTAGE / name
    if not path.is_file():
        pytest.skip(f"real footage {name} not found in {FOOTAGE} (set SPRINTLENS_FOOTAGE to its folder)")
    return path


@pytest.fixture(scope="session")
def treadmill() -> AnalysedClip:
    """The treadmill run (portrait 720x1280, 30 fps, runner facing left), first 120 frames, analysed.

    The whole-frame landmarker makes this track (the runner fills the frame): these tests are of the
    pictures, and its feet are the ones the kinogram's ground line was checked on.  (With the crop
    finder the near foot reads up to 40 px higher than the far one at touchdown on this clip.)
    """
    video = _footage("treadmill_run_side_portrait_30fps.mp4")
    track = track_video(video, PoseConfig(span=FrameSpan(end_frame=TREADMILL_FRAMES), max_people=1,
                                          finder="frame"))
    return AnalysedClip(analysis=analyse_track(track), video=video, name=video.stem)


@pytest.fixture(scope="session")
def jog() -> AnalysedClip:
    """The short jog (480x352, 29.97 fps, left to right, about three steps), analysed."""
    video = _footage("jog_side_short_30fps.mp4")
    return AnalysedClip(analysis=analyse_track(track_video(video, PoseConfig(max_people=1))), video=video,
                        name=video.stem)


@pytest.fixture(scope="session")
def puppet(tmp_path_factory):
    """A synthetic clip (640x480, 60 fps, 40 frames) of a figure at known landmark positions, and
    the analysis of its track from video frame 5 on (so track rows and video frames differ)."""
    folder = tmp_path_factory.mktemp("puppet")
    clip = folder / "puppet.mp4"
    points = write_puppet_clip(clip, n_frames=40, size=(640, 480), fps=60.0)
    track = puppet_track(points[5:], 60.0, (640, 480), first_frame=5)
    return {"clip": clip, "points": points, "analysis": analyse_track(track), "fps": 60.0, "size": (640, 480)}


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's headless Chromium: installed with apt-get when missing and we are root, else skip."""
    found = shutil.which("chromium") or (str(CHROMIUM) if CHROMIUM.exists() else None)
    if found is None and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        try:
            subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], env=env, capture_output=True, timeout=900,
                           check=False)
            if not CHROMIUM.exists():
                subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=300, check=False)
                subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], env=env, capture_output=True,
                               timeout=900, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            pytest.skip(f"chromium could not be installed ({exc})")
        found = str(CHROMIUM) if CHROMIUM.exists() else None
    if found is None:
        pytest.skip("headless chromium is not installed and cannot be installed here (needs root and apt-get)")
    return Path(found)


def run_chromium(chromium: Path, url: str, *, screenshot: Path | None = None, dump_dom: bool = False,
                 window: tuple[int, int] = (412, 2400)) -> str:
    """Run headless Chromium on ``url``: write a screenshot or return the DOM after rendering."""
    with tempfile.TemporaryDirectory(prefix="sprintlens-chromium-") as profile:
        args = [str(chromium), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", f"--user-data-dir={profile}", f"--window-size={window[0]},{window[1]}"]
        if screenshot is not None:
            args.append(f"--screenshot={screenshot}")
        if dump_dom:
            args.append("--dump-dom")
        try:
            done = subprocess.run([*args, url], capture_output=True, text=True, timeout=120, check=False)
        except subprocess.TimeoutExpired:
            pytest.fail("headless chromium did not finish within 120 s")
    return done.stdout
