"""``sprintlens analyse --render``, ``sprintlens render`` and ``sprintlens compare`` end to end."""

from __future__ import annotations

import json
import shutil

import av
import pytest
from click.testing import CliRunner

from sprintlens.cli import main

pytestmark = pytest.mark.footage


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    text = result.output.strip()
    assert text.startswith("error:") and "Traceback" not in text and len(text.splitlines()) == 1, text
    for fragment in fragments:
        assert fragment in text, text


@pytest.fixture(scope="module")
def jog_dir(tmp_path_factory):
    """``analyse --render`` on the short jog clip (the whole clip: about two seconds of pose estimation)."""
    from conftest import footage_path

    video = footage_path("jog_side_short_30fps.mp4")
    out = tmp_path_factory.mktemp("cli") / "jog.sprintlens"
    result = run("analyse", video, "-o", out, "--render", "--freeze", "0.2", "--athlete-name", "Sam", "-q")
    assert result.exit_code == 0, result.output
    return out, video


@pytest.fixture(scope="module")
def treadmill_dir(tmp_path_factory):
    from conftest import footage_path

    video = footage_path("treadmill_run_side_portrait_30fps.mp4")
    out = tmp_path_factory.mktemp("cli") / "treadmill.sprintlens"
    result = run("analyse", video, "-o", out, "--end", "75", "--max-people", "1", "-q")
    assert result.exit_code == 0, result.output
    return out, video


def test_analyse_render_writes_every_output(jog_dir):
    out, video = jog_dir
    names = {p.name for p in out.iterdir()}
    assert {"summary.json", "track.npz", "annotated.mp4", "report.html", "kinogram.png", "plot_angles.png",
            "plot_angles.svg", "plot_steps.png", "plot_velocity.svg"} <= names
    summary = json.loads((out / "summary.json").read_text())
    assert summary["video"]["path"] == str(video.resolve())
    with av.open(str(out / "annotated.mp4")) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.pix_fmt) == ("h264", "yuv420p")
        assert (stream.width, stream.height) == (480, 352)
    page = (out / "report.html").read_text()
    assert "Sprint analysis · Sam" in page
    assert 'src="annotated.mp4" poster="data:image/jpeg;base64,' in page


def test_render_portrait_slow_motion_with_flags(treadmill_dir, tmp_path):
    folder, _ = treadmill_dir
    flags = tmp_path / "flags.json"
    flags.write_text(json.dumps([{
        "metric": "contact_s", "label": "contact time", "scope": "rep", "rep": 2, "change": 0.01, "change_pct": 9.0,
        "unit": "s", "reference": "baseline", "noise": 0.003, "smallest_worthwhile": 0.004, "confidence": "likely",
        "severity": "warning", "message": "Contact <longer>."}]))
    out = tmp_path / "pictures"
    result = run("render", folder, "-o", out, "--slow-motion", "1/2", "--freeze", "0.1", "--athlete-name", "<Al>",
                 "--flags", flags, "-q")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out}/")
    with av.open(str(out / "annotated.mp4")) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (720, 1280)
        n = sum(1 for _ in container.decode(stream))
    assert n >= 2 * 75  # half speed: every frame twice, plus freeze-frames
    page = (out / "report.html").read_text()
    assert "&lt;Al&gt;" in page and "Contact &lt;longer&gt;." in page and "<Al>" not in page


def test_render_refuses_the_wrong_video(treadmill_dir, tmp_path):
    from conftest import footage_path

    folder, _ = treadmill_dir
    out = tmp_path / "nothing"
    result = run("render", folder, "--video", footage_path("jog_side_short_30fps.mp4"), "-o", out, "-q")
    assert_one_line_error(result, "SHA-256")
    assert not out.exists()


def test_render_a_folder_whose_video_moved(tmp_path):
    from conftest import footage_path

    original = footage_path("jog_side_short_30fps.mp4")
    moved = tmp_path / "clip.mp4"
    shutil.copy(original, moved)
    folder = tmp_path / "clip.sprintlens"
    assert run("analyse", moved, "-o", folder, "-q").exit_code == 0
    moved.unlink()
    assert_one_line_error(run("render", folder, "--no-clip", "-q"), "no longer there", "--video")
    result = run("render", folder, "--video", original, "--no-clip", "-q")
    assert result.exit_code == 0, result.output
    assert (folder / "report.html").is_file() and not (folder / "annotated.mp4").exists()


@pytest.mark.parametrize(("args", "fragment"), [
    (["render", "no/such/folder"], "not an analysis folder"),
])
def test_render_bad_input_is_one_line(args, fragment):
    assert_one_line_error(run(*args), fragment)


def test_render_a_step_that_does_not_exist_writes_nothing(treadmill_dir, tmp_path):
    folder, _ = treadmill_dir
    out = tmp_path / "out"
    assert_one_line_error(run("render", folder, "-o", out, "--step", "999", "-q"), "step 999 does not exist")
    assert not out.exists()


def test_bad_slow_motion_is_a_usage_error(treadmill_dir):
    folder, _ = treadmill_dir
    result = run("render", folder, "--slow-motion", "fast")
    assert result.exit_code == 2 and "--slow-motion" in result.output


def test_compare_two_folders(jog_dir, treadmill_dir, tmp_path):
    out = tmp_path / "cmp"
    result = run("compare", treadmill_dir[0], jog_dir[0], "-o", out, "--event", "touchdown:1", "--mode", "side", "-q")
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"compare.mp4", "compare_angles.png", "compare_angles.svg",
                                              "compare.html"}


def test_compare_needs_two_reps(jog_dir, tmp_path):
    assert_one_line_error(run("compare", jog_dir[0], "-o", tmp_path / "c"), "two to four reps")
    assert_one_line_error(run("compare", jog_dir[0], jog_dir[0], "--event", "first-movement", "-o", tmp_path / "c"),
                          "first movement")
    assert not (tmp_path / "c").exists()
