"""PoseTrack: validated once on construction, immutable, exact equality."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sprintlens.core.errors import TrackFormatError
from sprintlens.core.landmarks import Landmark
from sprintlens.core.track import PoseTrack, empty_landmarks

T = 5


def fields(**changes: Any) -> dict[str, Any]:
    """Valid constructor arguments for a 5-frame track (frame 2 missing), with ``changes`` applied."""
    rng = np.random.default_rng(0)
    base: dict[str, Any] = {
        "positions_px": rng.uniform(0, 500, (T, 33, 2)),
        "depth_px": rng.normal(0, 50, (T, 33)),
        "visibility": rng.uniform(0, 1, (T, 33)),
        "presence": rng.uniform(0, 1, (T, 33)),
        "t_s": np.arange(T) / 30.0,
        "frame_index": np.arange(T),
        "fps": 30.0,
        "frame_size": (640, 480),
        "video_sha256": "a" * 64,
        "model_id": "pose_landmarker_full.task sha256:x",
        "model_version": "mediapipe 1.2.2",
        "provenance": {"athlete": {"rule": "test"}},
    }
    for name in ("positions_px", "depth_px", "visibility", "presence"):
        base[name][2] = np.nan
    base.update(changes)
    return base


def test_a_valid_track_and_its_views() -> None:
    track = PoseTrack(**fields())
    assert track.n_frames == T
    assert track.detected.tolist() == [True, True, False, True, True]
    assert track.coverage == pytest.approx(0.8)
    assert track.duration_s == pytest.approx(4 / 30 + 1 / 30)
    np.testing.assert_array_equal(track.point(Landmark.LEFT_KNEE), track.positions_px[:, 25])
    assert "5 frames" in repr(track) and "80.0%" in repr(track)


def test_arrays_are_read_only_copies() -> None:
    source = fields()
    track = PoseTrack(**source)
    source["positions_px"][0, 0, 0] = -1.0  # the caller's array changing does not change the track
    assert track.positions_px[0, 0, 0] != -1.0
    for name in ("positions_px", "depth_px", "visibility", "presence", "t_s", "frame_index"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(track, name)[0] = 0
    with pytest.raises(AttributeError):
        track.fps = 60.0  # type: ignore[misc]


def test_replace_validates_again() -> None:
    track = PoseTrack(**fields())
    moved = track.replace(positions_px=track.positions_px + 1.0)
    assert moved != track and moved.positions_px[0, 0, 0] == track.positions_px[0, 0, 0] + 1
    with pytest.raises(TrackFormatError):
        track.replace(t_s=track.t_s[::-1])



def test_rows_is_a_validated_piece_of_the_track() -> None:
    track = PoseTrack(**fields())
    piece = track.rows(1, 4)
    assert piece.n_frames == 3 and piece.frame_index.tolist() == [1, 2, 3]
    np.testing.assert_array_equal(piece.t_s, track.t_s[1:4])
    np.testing.assert_array_equal(piece.positions_px, track.positions_px[1:4])
    assert piece.detected.tolist() == [True, False, True]
    assert (piece.fps, piece.video_sha256, piece.provenance) == (track.fps, track.video_sha256, track.provenance)
    for start, stop in ((2, 2), (-1, 3), (0, T + 1)):
        with pytest.raises(ValueError, match="not within"):
            track.rows(start, stop)

def test_equality_is_exact_and_nan_equals_nan() -> None:
    assert PoseTrack(**fields()) == PoseTrack(**fields())
    nudged = fields()
    nudged["positions_px"][0, 0, 0] += 1e-12
    assert PoseTrack(**nudged) != PoseTrack(**fields())
    assert PoseTrack(**fields(provenance={"a": 1})) != PoseTrack(**fields())


def test_empty_landmarks_are_nan() -> None:
    arrays = empty_landmarks(3)
    assert arrays["positions_px"].shape == (3, 33, 2)
    assert all(np.isnan(a).all() for a in arrays.values())
    track = PoseTrack(**arrays, t_s=[0.0, 0.1, 0.2], frame_index=[0, 1, 2], fps=10.0, frame_size=(10, 10))
    assert track.coverage == 0.0


def _bad(**changes: Any) -> dict[str, Any]:
    return fields(**changes)


def _x_without_y() -> dict[str, Any]:
    f = fields()
    f["positions_px"][1, 4, 1] = np.nan
    return f


def _with(name: str, index: tuple, value: float) -> dict[str, Any]:
    f = fields()
    f[name][index] = value
    return f


BAD_TRACKS = {
    "positions not T x 33 x 2": (_bad(positions_px=np.zeros((T, 17, 2))), "positions_px must have shape"),
    "positions 2-D": (_bad(positions_px=np.zeros((T, 66))), "positions_px must have shape"),
    "no frames": (_bad(positions_px=np.zeros((0, 33, 2)), depth_px=np.zeros((0, 33)),
                       visibility=np.zeros((0, 33)), presence=np.zeros((0, 33)), t_s=[], frame_index=[]),
                  "no frames"),
    "positions not numbers": (_bad(positions_px=[["a"] * 2] * 33), "not a numeric array"),
    "visibility wrong length": (_bad(visibility=np.zeros((T + 1, 33))), "visibility must have shape"),
    "depth wrong shape": (_bad(depth_px=np.zeros((T, 32))), "depth_px must have shape"),
    "t_s wrong length": (_bad(t_s=np.arange(T + 1) / 30), "t_s must have shape"),
    "frame_index 2-D": (_bad(frame_index=np.zeros((T, 1))), "frame_index must have shape"),
    "x without y": (_x_without_y(), "x without y"),
    "inf position": (_with("positions_px", (0, 0, 0), np.inf), "infinite"),
    "inf depth": (_with("depth_px", (0, 0), -np.inf), "depth_px holds infinite"),
    "visibility above 1": (_with("visibility", (0, 0), 1.01), "visibility must lie in 0..1"),
    "presence below 0": (_with("presence", (3, 3), -0.01), "presence must lie in 0..1"),
    "t_s not increasing": (_bad(t_s=[0.0, 0.1, 0.1, 0.2, 0.3]), "strictly increasing"),
    "t_s decreasing": (_bad(t_s=[0.0, 0.2, 0.1, 0.3, 0.4]), "strictly increasing"),
    "t_s nan": (_bad(t_s=[0.0, np.nan, 0.2, 0.3, 0.4]), "t_s must be finite"),
    "frame_index repeats": (_bad(frame_index=[0, 1, 1, 2, 3]), "frame_index must be"),
    "frame_index negative": (_bad(frame_index=[-1, 0, 1, 2, 3]), "frame_index must be"),
    "frame_index fractional": (_bad(frame_index=[0, 1.5, 2, 3, 4]), "whole numbers"),
    "fps zero": (_bad(fps=0.0), "fps must be positive"),
    "fps nan": (_bad(fps=float("nan")), "fps must be positive"),
    "fps text": (_bad(fps="thirty"), "fps must be a number"),
    "frame size negative": (_bad(frame_size=(640, -1)), "frame_size must be positive"),
    "frame size not a pair": (_bad(frame_size=640), "frame_size must be"),
    "sha not hex": (_bad(video_sha256="g" * 64), "video_sha256"),
    "sha upper case": (_bad(video_sha256="A" * 64), "video_sha256"),
    "sha short": (_bad(video_sha256="a" * 63), "video_sha256"),
    "model id not text": (_bad(model_id=3), "model_id must be a string"),
    "provenance not JSON": (_bad(provenance={"when": object()}), "JSON-compatible"),
    "provenance with NaN": (_bad(provenance={"x": float("nan")}), "JSON-compatible"),
}


@pytest.mark.parametrize("case", list(BAD_TRACKS))
def test_invalid_tracks_are_refused(case: str) -> None:
    arguments, message = BAD_TRACKS[case]
    with pytest.raises(TrackFormatError, match=message):
        PoseTrack(**arguments)


def test_an_empty_sha_is_allowed_for_tracks_not_made_from_a_file() -> None:
    assert PoseTrack(**fields(video_sha256="")).video_sha256 == ""


def test_provenance_is_stored_as_plain_json_data() -> None:
    track = PoseTrack(**fields(provenance={"span": (1, 2), "n": np.int64(3).item()}))
    assert track.provenance == {"span": [1, 2], "n": 3}
