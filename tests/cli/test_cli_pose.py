"""``sprintlens pose``: every bad input is one line on stderr, a non-zero exit and no file left behind."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from sprintlens.capture.trackfile import load_track


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _left_behind(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_missing_video(sprintlens, one_line_error, tmp_path: Path, out_dir: Path) -> None:
    result = sprintlens("pose", tmp_path / "nope.mp4", "-o", out_dir / "t.npz")
    one_line_error(result, "nope.mp4", "no such file")
    assert _left_behind(out_dir) == []


def test_a_folder_as_video(sprintlens, one_line_error, tmp_path: Path, out_dir: Path) -> None:
    one_line_error(sprintlens("pose", tmp_path, "-o", out_dir / "t.npz"), "is a folder")
    assert _left_behind(out_dir) == []


def test_a_text_file_named_mp4(sprintlens, one_line_error, tmp_path: Path, out_dir: Path) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("shopping list\n" * 50)
    one_line_error(sprintlens("pose", text, "-o", out_dir / "t.npz"), "notes.mp4", "cannot be read as a video")
    assert _left_behind(out_dir) == []


def test_an_empty_file(sprintlens, one_line_error, tmp_path: Path, out_dir: Path) -> None:
    (tmp_path / "empty.mp4").touch()
    one_line_error(sprintlens("pose", tmp_path / "empty.mp4", "-o", out_dir / "t.npz"), "empty file")


def test_a_truncated_video(sprintlens, one_line_error, make_clip, clips, out_dir: Path) -> None:
    rng = np.random.default_rng(5)
    path = make_clip(frames=[rng.integers(0, 255, (120, 160, 3), dtype=np.uint8) for _ in range(40)])
    clips.truncate(path)
    one_line_error(sprintlens("pose", path, "-o", out_dir / "t.npz"), "truncated")
    assert _left_behind(out_dir) == []


def test_a_video_cut_off_before_its_index(sprintlens, one_line_error, tmp_path: Path, out_dir: Path) -> None:
    # a phone recording cut off mid-write: media data first, no index (moov) at the end
    import av

    path = tmp_path / "cut.mp4"
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        rng = np.random.default_rng(6)
        for _ in range(30):
            frame = av.VideoFrame.from_ndarray(rng.integers(0, 255, (120, 160, 3), dtype=np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    one_line_error(sprintlens("pose", path, "-o", out_dir / "t.npz"), "cut.mp4", "cannot be read as a video")
    assert _left_behind(out_dir) == []


def test_a_video_with_zero_frames(sprintlens, one_line_error, clips, tmp_path: Path, out_dir: Path) -> None:
    path = clips.zero_frame_mp4(tmp_path / "zero.mp4")
    one_line_error(sprintlens("pose", path, "-o", out_dir / "t.npz"), "zero.mp4", "no video")
    assert _left_behind(out_dir) == []


def test_a_clip_with_nobody_in_it(sprintlens, one_line_error, background_clip: Path, out_dir: Path) -> None:
    result = sprintlens("pose", background_clip, "-o", out_dir / "t.npz")
    one_line_error(result, "background.mp4", "nobody was found in any of its 15 frames")
    assert _left_behind(out_dir) == []


def test_a_failed_run_leaves_an_existing_output_untouched(sprintlens, background_clip: Path, out_dir: Path) -> None:
    old = out_dir / "t.npz"
    old.write_bytes(b"yesterday's track")
    assert sprintlens("pose", background_clip, "-o", old).returncode != 0
    assert old.read_bytes() == b"yesterday's track"
    assert _left_behind(out_dir) == ["t.npz"]


def test_a_missing_output_folder_is_made_only_for_a_track(sprintlens, one_line_error, background_clip: Path,
                                                          tmp_path: Path) -> None:
    # a missing folder is not an error (it is made, parents too, when the track is saved); a clip
    # with nobody in it fails before that, so nothing is made
    target = tmp_path / "no" / "such" / "folder" / "t.npz"
    one_line_error(sprintlens("pose", background_clip, "-o", target), "nobody was found")
    assert not (tmp_path / "no").exists()


def test_an_output_path_under_a_file(sprintlens, one_line_error, background_clip: Path, tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    one_line_error(sprintlens("pose", background_clip, "-o", tmp_path / "file.txt" / "t.npz"), "is not a folder")
    assert (tmp_path / "file.txt").read_text() == "x"


def test_an_output_path_that_is_a_folder(sprintlens, one_line_error, background_clip: Path, out_dir: Path) -> None:
    one_line_error(sprintlens("pose", background_clip, "-o", out_dir), "is a folder; give a file name")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="running as root: file permissions do not stop root from writing")
def test_a_read_only_output_folder(sprintlens, one_line_error, background_clip: Path, out_dir: Path) -> None:
    out_dir.chmod(0o500)
    try:
        one_line_error(sprintlens("pose", background_clip, "-o", out_dir / "t.npz"), "not writable")
        assert _left_behind(out_dir) == []
    finally:
        out_dir.chmod(0o700)


def test_a_missing_model(sprintlens, one_line_error, background_clip: Path, tmp_path: Path, out_dir: Path) -> None:
    env = {"SPRINTLENS_POSE_MODEL": str(tmp_path / "gone.task")}
    one_line_error(sprintlens("pose", background_clip, "-o", out_dir / "t.npz", env=env),
                   "gone.task", "pose model file not found")
    assert _left_behind(out_dir) == []


def test_a_missing_model_given_with_the_option(sprintlens, one_line_error, background_clip: Path,
                                               tmp_path: Path, out_dir: Path) -> None:
    one_line_error(sprintlens("pose", background_clip, "-o", out_dir / "t.npz", "--model", tmp_path / "x.task"),
                   "pose model file not found")


def test_a_model_that_is_neither_shipped_nor_a_file(sprintlens, one_line_error, background_clip: Path,
                                                    out_dir: Path) -> None:
    one_line_error(sprintlens("pose", background_clip, "-o", out_dir / "t.npz", "--model", "lite"),
                   "lite: pose model file not found", "give full, heavy or the path of a .task bundle")


def test_an_unloadable_model(sprintlens, one_line_error, background_clip: Path, tmp_path: Path,
                             out_dir: Path) -> None:
    bogus = tmp_path / "bogus.task"
    bogus.write_text("not a model")
    one_line_error(sprintlens("pose", background_clip, "-o", out_dir / "t.npz", "--model", bogus),
                   "bogus.task", "cannot load this pose model")
    assert _left_behind(out_dir) == []


@pytest.mark.parametrize(("args", "phrase"), [(("--start", "abc"), "bad start"),
                                              (("--start", "10", "--end", "5"), "empty frame range")])
def test_a_bad_range(sprintlens, one_line_error, background_clip: Path, out_dir: Path, args, phrase: str) -> None:
    one_line_error(sprintlens("pose", background_clip, "-o", out_dir / "t.npz", *args), phrase)


def test_a_bad_athlete_point_is_a_usage_error(sprintlens, background_clip: Path, out_dir: Path) -> None:
    result = sprintlens("pose", background_clip, "-o", out_dir / "t.npz", "--athlete", "middle")
    assert result.returncode == 2
    assert "their position as X,Y" in result.stderr and "Traceback" not in result.stderr


# -- real footage through the real process ---------------------------------------------------------


@pytest.mark.footage
@pytest.mark.slow
def test_pose_on_a_real_clip_writes_a_track_and_nothing_on_stderr(sprintlens, footage, out_dir: Path) -> None:
    clip = footage("jog_side_short_30fps.mp4")
    target = out_dir / "jog.pose.npz"
    result = sprintlens("pose", clip, "-o", target)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no native library noise, no progress bar when stderr is not a terminal
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"wrote {target}: 47 frames") and "(1 people seen)" in lines[0]
    assert lines[1:] == ["hint: only one person was seen; --max-people 1 is about twice as fast"]
    track = load_track(target)
    assert track.n_frames == 47 and track.frame_size == (480, 352)
    assert track.model_id.startswith("pose_landmarker_full.task sha256:")  # the default model
    assert _left_behind(out_dir) == ["jog.pose.npz"]


@pytest.mark.footage
@pytest.mark.slow
def test_start_and_end_select_frames_and_quiet_prints_nothing(sprintlens, footage, out_dir: Path) -> None:
    clip = footage("jog_side_short_30fps.mp4")
    target = out_dir / "part.npz"
    result = sprintlens("pose", clip, "-o", target, "--start", "5", "--end", "0.6s", "-q", "--model", "heavy")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    track = load_track(target)
    assert track.model_id.startswith("pose_landmarker_heavy.task sha256:")
    # 0.6 s of playback at 29.97 fps ends before frame 18 (17.98 frames)
    np.testing.assert_array_equal(track.frame_index, np.arange(5, 18))
    np.testing.assert_allclose(track.t_s, track.frame_index * 1001 / 30000, atol=1e-6)
    assert track.detected.all()


@pytest.mark.footage
@pytest.mark.slow
def test_the_default_output_name_is_made_from_the_video_name(sprintlens, footage, out_dir: Path) -> None:
    result = sprintlens("pose", footage("jog_side_short_30fps.mp4"), "-q", "--end", "3", cwd=out_dir)
    assert result.returncode == 0, result.stderr
    assert _left_behind(out_dir) == ["jog_side_short_30fps.pose.npz"]


def test_an_athlete_point_with_nobody_near_it(sprintlens, one_line_error, out_dir: Path) -> None:
    """A point inside the frame but far from everyone is refused, with nothing written (not a silent pick)."""
    clip = Path(__file__).resolve().parents[2] / "sample_videos" / "flying_240fps.mp4"
    target = out_dir / "t.npz"
    line = one_line_error(sprintlens("pose", clip, "-o", target, "--athlete", "5,5", "--end", "12",
                                     "--max-people", "1"), "nobody is near (5, 5)")
    assert "px away" in line and not target.exists()



@pytest.fixture
def real_scenery_clip(footage, tmp_path: Path) -> Path:
    """The first frames of the wide sprint clip, before the sprinter runs in: a track, trees, a cone, a cart.

    A whole-frame landmarker puts a "person" in the trees of these frames.
    """
    import cv2
    from conftest import write_mp4

    capture = cv2.VideoCapture(str(footage("sprint_side_small_30fps.mp4")))
    frames = []
    for _ in range(3):  # the sprinter's foot enters at the left edge in frame 4
        ok, bgr = capture.read()
        assert ok
        frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    capture.release()
    return write_mp4(tmp_path / "scenery.mp4", [frames[k % 3] for k in range(24)])


@pytest.mark.footage
def test_real_scenery_gives_nobody_found_not_a_phantom(sprintlens, one_line_error, real_scenery_clip: Path,
                                                       out_dir: Path) -> None:
    result = sprintlens("analyse", real_scenery_clip, "-o", out_dir / "rep")
    one_line_error(result, "scenery.mp4", "nobody was found")
    assert _left_behind(out_dir) == []
