"""The shipped pose models: found, checked, and clear errors when one is missing, corrupt or unloadable."""

from __future__ import annotations

from pathlib import Path

import pytest

import sprintlens.capture.model as model
from sprintlens.capture.model import (
    DEFAULT_MODEL,
    MODEL_ENV,
    SHIPPED_MODELS,
    model_sha256,
    resolve_model,
)
from sprintlens.core.errors import ModelError


@pytest.fixture(autouse=True)
def no_model_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODEL_ENV, raising=False)


@pytest.mark.parametrize("name", ["heavy", "full"])
def test_each_shipped_model_is_found_and_intact(name: str) -> None:
    path, checksum = resolve_model(name=name)
    assert path.name == f"pose_landmarker_{name}.task" and path.is_file()
    assert checksum == SHIPPED_MODELS[name].sha256


def test_the_full_model_is_the_default() -> None:
    assert DEFAULT_MODEL == "full"
    assert resolve_model()[0].name == "pose_landmarker_full.task"


def test_an_unknown_model_name() -> None:
    with pytest.raises(ModelError, match="unknown pose model 'lite': choose full or heavy"):
        resolve_model(name="lite")


def test_model_sha256_known_answer(tmp_path: Path) -> None:
    (tmp_path / "m").write_bytes(b"")
    assert model_sha256(tmp_path / "m") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_a_missing_explicit_model(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="pose model file not found"):
        resolve_model(tmp_path / "missing.task")


def test_a_missing_model_named_by_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "missing.task"))
    with pytest.raises(ModelError, match="missing.task: pose model file not found"):
        resolve_model()


def test_a_folder_as_model(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not a file"):
        resolve_model(tmp_path)


def test_a_model_missing_from_the_installation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model, "_packaged", lambda file_name: None)
    monkeypatch.setattr(model, "_source_tree", lambda file_name: None)
    with pytest.raises(ModelError, match="pose_landmarker_full.task is missing from the installation; reinstall"):
        resolve_model(name="full")


@pytest.mark.parametrize("name", ["heavy", "full"])
def test_a_corrupt_model_at_the_shipped_place(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped, _ = resolve_model(name=name)
    corrupt = tmp_path / shipped.name
    data = bytearray(shipped.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte
    corrupt.write_bytes(bytes(data))
    monkeypatch.setattr(model, "_packaged", lambda file_name: corrupt if file_name == shipped.name else None)
    with pytest.raises(ModelError, match=f"{shipped.name}: pose model is corrupt.*reinstall"):
        resolve_model(name=name)


def test_an_explicit_model_is_not_held_to_the_shipped_checksum(tmp_path: Path) -> None:
    other = tmp_path / "other.task"
    other.write_bytes(b"some other bundle")
    path, checksum = resolve_model(other)
    assert path == other and checksum == model_sha256(other)
