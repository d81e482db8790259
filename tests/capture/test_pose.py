"""The MediaPipe estimator: landmarks to pixels, empty frames, unloadable models."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from sprintlens.capture.model import SHIPPED_MODELS
from sprintlens.capture.pose import MEDIAPIPE_STEP_MS, Detections, MediaPipeEstimator
from sprintlens.core.errors import ModelError


@pytest.fixture(scope="module")
def estimator():
    with MediaPipeEstimator(max_people=2) as est:
        yield est


class _FakeLandmarker:
    """Stands in for MediaPipe's landmarker: returns fixed normalised landmarks, records timestamps."""

    def __init__(self, poses: list[list[SimpleNamespace]]) -> None:
        self.poses = poses
        self.timestamps_ms: list[int] = []

    def detect_for_video(self, image, timestamp_ms: int) -> SimpleNamespace:  # noqa: ANN001
        self.timestamps_ms.append(timestamp_ms)
        return SimpleNamespace(pose_landmarks=self.poses)

    def close(self) -> None:
        pass


def _landmark(x: float, y: float, z: float, visibility: float | None, presence: float | None) -> SimpleNamespace:
    return SimpleNamespace(x=x, y=y, z=z, visibility=visibility, presence=presence)


def test_landmarks_are_converted_to_pixels_of_the_frame() -> None:
    rng = np.random.default_rng(3)
    norm = rng.uniform(0, 1, (2, 33, 3))
    visibility = rng.uniform(0, 1, (2, 33))
    poses = [[_landmark(*norm[p, i], visibility[p, i], 0.5) for i in range(33)] for p in range(2)]
    poses[1][7].visibility = None  # the model gave no value
    poses[1][8].presence = 1.0000001  # float noise above 1
    fake = _FakeLandmarker(poses)
    with MediaPipeEstimator(max_people=2) as est:
        est._landmarker.close()
        est._landmarker = fake
        found = est.estimate(np.zeros((480, 640, 3), np.uint8), frame_number=7)
        est.estimate(np.zeros((480, 640, 3), np.uint8), frame_number=8)
    assert found.n_people == 2
    np.testing.assert_allclose(found.positions_px[..., 0], norm[..., 0] * 640)
    np.testing.assert_allclose(found.positions_px[..., 1], norm[..., 1] * 480)
    np.testing.assert_allclose(found.depth_px, norm[..., 2] * 640)  # depth is scaled like x
    assert np.isnan(found.visibility[1, 7])
    expected = visibility.copy()
    expected[1, 7] = np.nan
    np.testing.assert_allclose(found.visibility, expected)
    assert found.presence[1, 8] == 1.0
    # synthetic timestamps: frame numbers spaced MEDIAPIPE_STEP_MS apart (see pose.py)
    assert fake.timestamps_ms == [7 * MEDIAPIPE_STEP_MS, 8 * MEDIAPIPE_STEP_MS]


def test_a_frame_without_people_gives_no_detections(estimator: MediaPipeEstimator) -> None:
    found = estimator.estimate(np.full((240, 320, 3), 90, np.uint8), frame_number=0)
    assert found.n_people == 0
    assert found.positions_px.shape == (0, 33, 2)
    assert found.visibility.shape == found.presence.shape == found.depth_px.shape == (0, 33)


def test_estimator_identity(estimator: MediaPipeEstimator) -> None:
    assert estimator.model_id == f"pose_landmarker_full.task sha256:{SHIPPED_MODELS['full'].sha256}"
    assert estimator.model_version.startswith("mediapipe ")
    assert estimator.max_people == 2


def test_detections_empty() -> None:
    empty = Detections.empty()
    assert empty.n_people == 0 and empty.positions_px.shape == (0, 33, 2)


def test_max_people_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_people"):
        MediaPipeEstimator(max_people=0)


def test_close_twice_is_harmless() -> None:
    est = MediaPipeEstimator(max_people=1)
    est.close()
    est.close()


def test_an_unloadable_model_is_a_model_error_without_native_noise(tmp_path: Path, capfd) -> None:
    bogus = tmp_path / "bogus.task"
    bogus.write_bytes(b"PK\x03\x04 this is not a model bundle")
    with pytest.raises(ModelError, match="bogus.task: MediaPipe cannot load this pose model") as caught:
        MediaPipeEstimator(bogus)
    assert "\n" not in str(caught.value)
    out, err = capfd.readouterr()
    assert err == "" and out == ""
