"""The pose-track file format and atomic writes."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from sprintlens.capture.trackfile import FORMAT, FORMAT_VERSION, load_track, save_track
from sprintlens.core.errors import OutputError, TrackFormatError
from sprintlens.core.files import atomic_path, check_output_file, write_json, write_text
from sprintlens.core.landmarks import NAMES
from sprintlens.core.track import PoseTrack


def make_track(n: int = 6) -> PoseTrack:
    rng = np.random.default_rng(42)
    positions = rng.uniform(0, 1000, (n, 33, 2))
    positions[1] = np.nan  # a frame without the athlete
    positions[3, 30:] = np.nan  # some landmarks missing
    visibility = rng.uniform(0, 1, (n, 33))
    visibility[1] = np.nan
    return PoseTrack(
        positions_px=positions,
        depth_px=rng.normal(0, 40, (n, 33)),
        visibility=visibility,
        presence=visibility * 0.5,
        # irregular, as a phone's variable frame rate, about the frame rate's spacing
        t_s=np.arange(10, 10 + 2 * n, 2) / 29.97002997002997 + rng.uniform(-5e-4, 5e-4, n),
        frame_index=np.arange(10, 10 + 2 * n, 2),
        fps=29.97002997002997,
        frame_size=(720, 1280),
        video_sha256="0123456789abcdef" * 4,
        model_id="pose_landmarker_full.task sha256:017a1869",
        model_version="mediapipe 1.2.2",
        provenance={"pose": {"max_people": 3, "span": None}, "note": "é ünïcödé"},
    )


def test_save_load_round_trip_is_exact(tmp_path: Path) -> None:
    track = make_track()
    path = save_track(track, tmp_path / "rep.pose.npz")
    loaded = load_track(path)
    assert loaded == track
    for name in ("positions_px", "depth_px", "visibility", "presence", "t_s"):
        original, again = getattr(track, name), getattr(loaded, name)
        assert again.dtype == np.float64
        assert np.array_equal(original, again, equal_nan=True)
        assert np.array_equal(np.isnan(original), np.isnan(again))
    assert loaded.fps == track.fps  # bit for bit, not approximately
    assert loaded.frame_index.dtype == np.int64
    assert loaded.frame_size == (720, 1280)
    assert loaded.provenance["note"] == "é ünïcödé"
    assert not loaded.positions_px.flags.writeable
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep.pose.npz"]


def test_the_file_is_a_documented_npz_without_pickles(tmp_path: Path) -> None:
    path = save_track(make_track(), tmp_path / "t.npz")
    with np.load(path, allow_pickle=False) as data:
        assert set(data.files) == {"format", "format_version", "meta", "positions_px", "depth_px", "visibility",
                                   "presence", "t_s", "frame_index", "crop_px"}
        assert str(data["format"]) == FORMAT and int(data["format_version"]) == FORMAT_VERSION
        meta = json.loads(str(data["meta"]))
    assert meta["landmark_names"] == list(NAMES)
    assert meta["frame_size"] == [720, 1280]


def test_saving_over_an_existing_track_replaces_it(tmp_path: Path) -> None:
    path = tmp_path / "t.npz"
    save_track(make_track(4), path)
    save_track(make_track(6), path)
    assert load_track(path).n_frames == 6


def _resave(path: Path, target: Path, **changes: object) -> Path:
    with np.load(path, allow_pickle=False) as data:
        entries = {name: data[name] for name in data.files}
    entries.update(changes)  # type: ignore[arg-type]
    entries = {k: v for k, v in entries.items() if v is not None}
    with open(target, "wb") as fh:
        np.savez(fh, **entries)
    return target


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return save_track(make_track(), tmp_path / "good.npz")


def test_loading_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TrackFormatError, match="no such pose-track file"):
        load_track(tmp_path / "none.npz")


def test_loading_a_folder(tmp_path: Path) -> None:
    with pytest.raises(TrackFormatError, match="no such pose-track file"):
        load_track(tmp_path)


def test_loading_a_file_that_is_not_a_track(tmp_path: Path) -> None:
    (tmp_path / "notes.npz").write_text("hello")
    with pytest.raises(TrackFormatError, match="not a SprintLens pose-track file"):
        load_track(tmp_path / "notes.npz")


def test_loading_another_npz(tmp_path: Path) -> None:
    np.savez(tmp_path / "other.npz", a=np.arange(3))
    with pytest.raises(TrackFormatError, match="not a SprintLens pose-track file"):
        load_track(tmp_path / "other.npz")


def test_loading_a_pickle_in_disguise_is_refused(tmp_path: Path) -> None:
    np.savez(tmp_path / "p.npz", format=np.array([{"x": 1}], dtype=object))
    with pytest.raises(TrackFormatError, match="not a SprintLens pose-track file"):
        load_track(tmp_path / "p.npz")


def test_loading_a_damaged_file(saved: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.npz"
    damaged.write_bytes(saved.read_bytes()[: saved.stat().st_size // 2])
    with pytest.raises(TrackFormatError, match="not a SprintLens pose-track file"):
        load_track(damaged)


def test_loading_a_file_with_corrupt_compressed_data(saved: Path, tmp_path: Path) -> None:
    data = bytearray(saved.read_bytes())
    with zipfile.ZipFile(saved) as zf:
        info = zf.getinfo("positions_px.npy")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 20
    data[start:start + 64] = bytes(64)  # zero out part of the deflated stream
    damaged = tmp_path / "flipped.npz"
    damaged.write_bytes(bytes(data))
    with pytest.raises(TrackFormatError):
        load_track(damaged)


def test_loading_a_future_format_version(saved: Path, tmp_path: Path) -> None:
    future = _resave(saved, tmp_path / "future.npz", format_version=np.array(FORMAT_VERSION + 1))
    with pytest.raises(TrackFormatError, match=f"format version {FORMAT_VERSION + 1}"):
        load_track(future)


def test_loading_a_file_lacking_an_array(saved: Path, tmp_path: Path) -> None:
    with pytest.raises(TrackFormatError, match="lacks presence"):
        load_track(_resave(saved, tmp_path / "lacking.npz", presence=None))


def test_loading_damaged_metadata(saved: Path, tmp_path: Path) -> None:
    with pytest.raises(TrackFormatError, match="damaged pose-track metadata"):
        load_track(_resave(saved, tmp_path / "meta.npz", meta=np.array("{not json")))
    with pytest.raises(TrackFormatError, match="damaged pose-track metadata"):
        load_track(_resave(saved, tmp_path / "meta2.npz", meta=np.array(json.dumps({"fps": 30}))))


def test_loading_a_file_with_another_landmark_order(saved: Path, tmp_path: Path) -> None:
    with np.load(saved) as data:
        meta = json.loads(str(data["meta"]))
    meta["landmark_names"] = list(reversed(meta["landmark_names"]))
    with pytest.raises(TrackFormatError, match="landmark order"):
        load_track(_resave(saved, tmp_path / "order.npz", meta=np.array(json.dumps(meta))))


def test_loading_a_file_whose_arrays_are_invalid(saved: Path, tmp_path: Path) -> None:
    with np.load(saved) as data:
        t_s = data["t_s"][::-1].copy()
    with pytest.raises(TrackFormatError, match="strictly increasing"):
        load_track(_resave(saved, tmp_path / "bad_t.npz", t_s=t_s))


# -- output paths and atomic writes ---------------------------------------------------------------


def test_check_output_file(tmp_path: Path) -> None:
    assert check_output_file(tmp_path / "a.npz") == tmp_path / "a.npz"
    with pytest.raises(OutputError, match="is a folder"):
        check_output_file(tmp_path)
    with pytest.raises(OutputError, match="does not exist"):
        check_output_file(tmp_path / "missing" / "a.npz")
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is not a folder"):
        check_output_file(tmp_path / "file" / "a.npz")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="running as root: file permissions do not stop root from writing")
def test_check_output_file_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="not writable"):
            check_output_file(folder / "a.npz")
    finally:
        folder.chmod(0o700)


def test_save_track_into_a_missing_folder_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        save_track(make_track(), tmp_path / "missing" / "t.npz")
    assert list(tmp_path.iterdir()) == []


def test_atomic_path_leaves_no_temp_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half-written")
            raise RuntimeError("crash while writing")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_atomic_path_on_interrupt(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(tmp_path / "out.txt") as tmp:
            tmp.write_text("x")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_save_track_failing_midway_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_savez(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez_compressed", failing_savez)
    with pytest.raises(OutputError, match="t.npz: cannot be written .disk full"):
        save_track(make_track(), tmp_path / "t.npz")
    assert list(tmp_path.iterdir()) == []


def test_write_text_and_json(tmp_path: Path) -> None:
    write_text(tmp_path / "a.txt", "héllo\n")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "héllo\n"
    write_json(tmp_path / "b.json", {"x": float("nan"), "y": np.float64(1.5), "n": np.int64(2),
                                     "arr": np.array([1.0, np.nan]), "t": (1, 2)})
    assert json.loads((tmp_path / "b.json").read_text()) == {"x": None, "y": 1.5, "n": 2, "arr": [1.0, None],
                                                             "t": [1, 2]}


def test_a_file_without_crops_loads_with_nan_crops(tmp_path: Path) -> None:
    track = make_track()
    path = save_track(track.replace(crop_px=np.tile([10.0, 20.0, 300.0, 300.0], (track.n_frames, 1))),
                      tmp_path / "t.npz")
    with np.load(path, allow_pickle=False) as data:
        np.testing.assert_array_equal(data["crop_px"][0], [10.0, 20.0, 300.0, 300.0])
        entries = {name: data[name] for name in data.files if name != "crop_px"}
    older = tmp_path / "older.npz"
    np.savez_compressed(older, **entries)
    loaded = load_track(older)
    assert np.isnan(loaded.crop_px).all()
    np.testing.assert_array_equal(loaded.positions_px, track.positions_px)
    assert load_track(path).crop_px[0].tolist() == [10.0, 20.0, 300.0, 300.0]
