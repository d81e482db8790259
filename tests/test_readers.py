"""Everything read back is checked where it enters: pose tracks, summary.json, --flags files.

Named cases for each reported crash, then Hypothesis: whatever the file holds, the reader
returns a valid value or raises the project's one-line error, never anything else.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from pathlib import Path

import numpy as np
import pytest

from sprintlens.analysis.folder import analysis_config_from_record, read_summary
from sprintlens.analysis.result import AnalysisConfig
from sprintlens.capture.trackfile import load_track, save_track
from sprintlens.core.errors import SprintLensError, TrackFormatError
from sprintlens.core.landmarks import NAMES
from sprintlens.core.track import PoseTrack
from sprintlens.render.outputs import flag_from_record, flags_from_records

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FPS = 120.0
N = 12


def make_track() -> PoseTrack:
    rng = np.random.default_rng(1)
    return PoseTrack(
        positions_px=rng.uniform(0, 1000, (N, 33, 2)), depth_px=rng.normal(0, 40, (N, 33)),
        visibility=np.ones((N, 33)), presence=np.ones((N, 33)), t_s=np.arange(N) / FPS,
        frame_index=np.arange(N), fps=FPS, frame_size=(1280, 720),
        provenance={"video": {"file": "clip.mp4", "path": "/clips/clip.mp4"}})


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    return save_track(make_track(), tmp_path_factory.mktemp("track") / "t.npz")


def _entries(path: Path) -> tuple[dict, dict[str, np.ndarray]]:
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files}
    return json.loads(str(arrays.pop("meta"))), arrays


def _save(path: Path, meta: object, arrays: dict[str, np.ndarray]) -> Path:
    with open(path, "wb") as fh:
        np.savez_compressed(fh, meta=np.array(json.dumps(meta)), **arrays)
    return path


# -- pose tracks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "fragment"), [
    (lambda m, a: m.update(fps=1e6), "meta.fps"),
    (lambda m, a: m.update(fps=12.0), "disagrees with the timestamps"),
    (lambda m, a: m.update(fps="120"), "meta.fps"),
    (lambda m, a: m.update(fps=True), "meta.fps"),
    (lambda m, a: m["provenance"].update(video="clip.mp4"), "meta.provenance.video must be an object"),
    (lambda m, a: m["provenance"]["video"].update(path=3), "meta.provenance.video.path must be a string"),
    (lambda m, a: m.update(frame_size=[1280, 720, 3]), "meta.frame_size"),
    (lambda m, a: a["positions_px"].__setitem__((2, 3, 0), 1e300), "positions_px holds values beyond"),
    (lambda m, a: a["depth_px"].__setitem__((2, 3), np.inf), "depth_px holds infinite"),
    (lambda m, a: a.update(positions_px=np.array(["x"] * 3)), "positions_px must hold numbers"),
    (lambda m, a: a.update(t_s=a["t_s"] * 1e7), "t_s spans more than a day"),
    (lambda m, a: a.update(format_version=np.array([1, 1])), "format_version"),
])
def test_a_tampered_track_is_one_line_naming_the_file_and_field(saved, tmp_path, change, fragment):
    meta, arrays = _entries(saved)
    change(meta, arrays)
    path = _save(tmp_path / "bad.npz", meta, arrays)
    with pytest.raises(TrackFormatError) as caught:
        load_track(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and fragment in message and "\n" not in message


def test_fps_within_a_few_percent_of_the_timestamps_is_accepted(saved, tmp_path):
    meta, arrays = _entries(saved)
    meta["fps"] = FPS * 1.03
    assert load_track(_save(tmp_path / "ok.npz", meta, arrays)).fps == pytest.approx(FPS * 1.03)


def test_a_track_whose_arrays_would_be_huge_is_refused_before_decompressing(saved, tmp_path, monkeypatch):
    from sprintlens.capture import trackfile

    monkeypatch.setattr(trackfile, "_MAX_FILE_BYTES", 32 << 20)  # the real bound (4 GiB) is slow to build
    buffer = io.BytesIO()
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        with dst.open("padding.npy", "w", force_zip64=True) as fh:
            block = bytes(1 << 24)
            for _ in range(4):  # 64 MiB of zeros, a few kB compressed
                fh.write(block)
    path = tmp_path / "bomb.npz"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(TrackFormatError, match="would take 0.1 GiB"):
        load_track(path)


# -- summary.json ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("record", "fragment"), [
    ({"height_m": "abc"}, "analysis_config.height_m"),
    ({"height_m": 1e9}, "analysis_config.height_m"),
    ({"calibration": [1, 2, 3]}, "analysis_config.calibration"),
    ({"calibration": [0, 0, 1, 1, -2]}, "analysis_config.calibration"),
    ({"direction": 0}, "analysis_config.direction"),
    ({"cleaning": "x"}, "analysis_config.cleaning must be an object"),
    ({"cleaning": {"min_visibility": 3}}, "analysis_config.cleaning.min_visibility"),
    ({"cleaning": {"repair_swaps": "yes"}}, "analysis_config.cleaning.repair_swaps"),
    ({"contacts": {"min_contact_s": "0.04"}}, "analysis_config.contacts.min_contact_s"),
    ([1, 2], "analysis_config must be an object"),
])
def test_a_bad_analysis_config_names_the_file_and_field(record, fragment):
    with pytest.raises(TrackFormatError, match=f"^rep/summary.json: {fragment}"):
        analysis_config_from_record(record, "rep/summary.json")


def test_unknown_keys_are_ignored_and_missing_ones_default():
    config = analysis_config_from_record({"height_m": 1.8, "future": 1, "cleaning": {"new": 2, "max_gap_s": 0.2}})
    assert config.height_m == 1.8 and config.cleaning.max_gap_s == 0.2
    assert analysis_config_from_record(None) == AnalysisConfig()


@pytest.mark.parametrize(("text", "fragment"), [
    ("[1, 2]", "must hold a JSON object, got list"),
    ("", "is not valid JSON"),
    ("[" * 100_000, "is not valid JSON"),
])
def test_summary_json_must_be_an_object(tmp_path, text, fragment):
    path = tmp_path / "summary.json"
    path.write_text(text)
    with pytest.raises(TrackFormatError, match=fragment):
        read_summary(path)


# -- flags files -----------------------------------------------------------------------------------

FLAG = {"metric": "contact_s", "label": "contact time", "scope": "rep", "rep": 2, "change": 0.01,
        "change_pct": 9.0, "unit": "s", "reference": "baseline", "noise": 0.003, "smallest_worthwhile": 0.004,
        "confidence": "likely", "severity": "warning", "message": "Contact longer."}


def test_a_good_flag_record_reads_back():
    flag = flag_from_record({**FLAG, "unknown": 1})
    assert flag.change == 0.01 and math.isnan(flag.probability)


@pytest.mark.parametrize(("records", "fragment"), [
    ([{**FLAG, "change": "lots"}], "flags.json: flag 1: change must be a number"),
    ([FLAG, {**FLAG, "rep": "x"}], "flags.json: flag 2: rep must be"),
    ([{k: v for k, v in FLAG.items() if k != "message"}], "flags.json: flag 1: lacks message"),
    (FLAG, "flags.json: must hold a JSON list"),
    (["flag"], "flags.json: flag 1: must be an object"),
])
def test_a_bad_flag_record_names_the_file_flag_and_field(records, fragment):
    with pytest.raises(SprintLensError, match=fragment):
        flags_from_records(records, "flags.json")


# -- whatever the files hold -------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)

CONFIG_KEYS = ["height_m", "calibration", "direction", "cleaning", "contacts", "other"]
OPTION_KEYS = ["min_visibility", "max_gap_s", "repair_swaps", "cutoff_hz", "min_contact_s", "height_band_legs"]
numbers = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10**9, 10**9)
configs = st.dictionaries(
    st.sampled_from(CONFIG_KEYS),
    json_values | numbers | st.lists(numbers, min_size=5, max_size=5)
    | st.dictionaries(st.sampled_from(OPTION_KEYS), json_values | numbers, max_size=4),
    max_size=5)


@settings(max_examples=300, deadline=None)
@given(configs | json_values)
def test_analysis_config_reader_never_crashes(record):
    try:
        config = analysis_config_from_record(record, "summary.json")
    except TrackFormatError as exc:
        assert str(exc).startswith("summary.json: ") and "\n" not in str(exc)
        return
    assert isinstance(config, AnalysisConfig)
    assert config.height_m is None or 1.0 <= config.height_m <= 2.5


flag_records = st.fixed_dictionaries(
    {}, optional={key: json_values | numbers for key in FLAG}).map(lambda d: {**FLAG, **d}) | json_values


@settings(max_examples=300, deadline=None)
@given(st.lists(flag_records, max_size=3) | json_values)
def test_flags_reader_never_crashes(records):
    try:
        flags = flags_from_records(records, "flags.json")
    except SprintLensError as exc:
        assert str(exc).startswith("flags.json: ") and "\n" not in str(exc)
        return
    for flag in flags:
        assert isinstance(flag.message, str) and math.isfinite(flag.change)


META_KEYS = ["fps", "frame_size", "video_sha256", "model_id", "model_version", "provenance", "landmark_names"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(st.sampled_from(META_KEYS), json_values | numbers, max_size=3),
       cell=st.tuples(st.integers(0, N - 1), st.integers(0, 32), st.integers(0, 1)),
       value=st.floats(allow_nan=True, allow_infinity=True),
       array=st.sampled_from(["positions_px", "depth_px", "visibility", "t_s", "frame_index", None]))
def test_track_reader_never_crashes(saved, tmp_path, changes, cell, value, array):
    meta, arrays = _entries(saved)
    meta.update(changes)
    if array == "positions_px":
        arrays[array][cell] = value
    elif array in ("depth_px", "visibility"):
        arrays[array][cell[:2]] = value
    elif array == "t_s":
        arrays[array][cell[0]] = value
    elif array == "frame_index" and math.isfinite(value):
        arrays[array][cell[0]] = int(max(-1e12, min(1e12, value)))
    path = _save(tmp_path / "t.npz", meta, arrays)
    try:
        track = load_track(path)
    except TrackFormatError as exc:
        assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc)
        return
    assert np.nanmax(np.abs(track.positions_px)) < 1e6 and 0 < track.fps <= 10_000
    assert list(meta["landmark_names"]) == list(NAMES)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_track_bytes_never_crash(saved, tmp_path, data):
    raw = bytearray(saved.read_bytes())
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    else:
        for _ in range(data.draw(st.integers(1, 20))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    path = tmp_path / "damaged.npz"
    path.write_bytes(bytes(raw))
    try:
        load_track(path)
    except TrackFormatError as exc:
        assert "\n" not in str(exc)
