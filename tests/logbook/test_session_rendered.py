"""The sample session (6 rendered reps, fresh to fatigued) through MediaPipe, the analysis and the
fatigue statistics: flags only where the injected degradation exceeds the noise.

Known answers (``sample_videos/README.md``): rep k has fatigue level (k - 1) / 5; at full fatigue
contact time +12 %, speed -6 %, hip extension at toe-off -6 deg, trunk lean +5 deg, knee drive
-8 deg.  The pose tracks are cached in pytest's cache folder by the clips' SHA-256, so MediaPipe
runs once per machine (about half a minute on 2 cores); the analysis runs every time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sprintlens.analysis.result import AnalysisConfig
from sprintlens.capture.trackfile import save_track
from sprintlens.capture.tracking import PoseConfig, track_video
from sprintlens.capture.video import file_sha256
from sprintlens.logbook.fatigue import RepSteps, assess_session
from sprintlens.logbook.session import analyse_reps

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parents[2] / "sample_videos"
LEVELS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def _track_of(clip: Path, cache: Path) -> Path:
    path = cache / f"{file_sha256(clip)}.npz"
    if not path.is_file():
        save_track(track_video(clip, PoseConfig(max_people=1)), path)
    return path


@pytest.fixture(scope="module")
def tracks(request, tmp_path_factory):
    clips = [SAMPLES / f"session_rep{k}_120fps.mp4" for k in range(1, 7)]
    if not all(c.is_file() for c in clips):
        pytest.skip("sample_videos/session_rep*_120fps.mp4 not found")
    cache = request.config.cache.mkdir("sprintlens-pose-tracks") if getattr(request.config, "cache", None) else \
        tmp_path_factory.mktemp("tracks")
    return [_track_of(c, Path(cache)) for c in clips]


@pytest.fixture(scope="module")
def reps(tracks):
    return analyse_reps(tracks, config=AnalysisConfig(height_m=1.80), workers=1)


def test_flags_only_on_fatigued_reps_and_the_technique_signs_at_full_fatigue(reps):
    a = assess_session([RepSteps.from_rep(r, k) for k, r in enumerate(reps, start=1)])
    flagged = {r: {c.metric for c in a.warnings(r)} for r in a.compared}
    assert all(LEVELS[r - 1] >= 0.6 for r, metrics in flagged.items() if metrics), flagged
    assert {"knee_drive_deg", "max_thigh_separation_deg"} <= flagged[6], flagged[6]
    knee = next(c for c in a.changes[6] if c.metric == "knee_drive_deg")
    assert knee.change == pytest.approx(-8.0 + 0.8, abs=2.5)  # -8 deg at rep 6 against the mean of levels 0 and 0.2
    assert a.onset_rep is not None and a.onset_rep >= 4
    assert a.advice[0].startswith(f"From rep {a.onset_rep}, ")


def test_the_same_clip_analysed_again_gives_the_same_values_and_no_flags(reps, tracks):
    again = analyse_reps(tracks[:1], config=AnalysisConfig(height_m=1.80), workers=1)[0]
    assert again.video_sha256 == reps[0].video_sha256
    assert again.steps == reps[0].steps
    a = assess_session([RepSteps.from_rep(r, k) for k, r in enumerate([reps[0], again] * 3, start=1)])
    assert a.flags == ()
