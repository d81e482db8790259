"""No command prints a line that is not its own.

MediaPipe, LiteRT, absl, TensorFlow Lite, OpenCV and FFmpeg write their log lines straight to
file descriptor 2, and NumPy's warnings go through Python's ``warnings``; the command line routes
both into the log (``-v`` shows them as ``sprintlens: ...``).  These tests run the real command,
as a user does, on the rendered sample clips, the real footage and damaged clips, and read every
line it prints.

A command's own lines:

- on stdout: its results (tables, summaries, ``wrote ...``, ``hint: ...``, ``note: ...``,
  ``verdict: ...``); whatever their wording, none looks like a library's log line (below);
- on stderr: ``error: ...``, ``hint: ...``, ``note: ...``, ``warning: ...``, ``interrupted: ...``;
  the session's progress (``analysing 2 clips for Sam on 2 processes ...``, ``analysed rep1.mp4: 5 steps,
  running``, ``(14.5 s)``); and SprintLens's log lines, ``sprintlens: ...`` (warnings only, unless
  ``-v``), which without ``-v`` never carry a library's line either.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_videos"

#: What a line of a native library or of Python itself looks like, wherever it appears in a line
#: (a library's line can be glued to the end of one of ours when neither ends in a newline).
FOREIGN = {
    "glog/absl": re.compile(r"(^|\s)[IWEF]\d{4} \d\d:\d\d:\d"),  # I1203 16:35:50.1 / W0000 00:00:17...
    "absl (W0000)": re.compile(r"\bW0000\b"),
    "LiteRT/TFLite level": re.compile(r"\b(INFO|WARNING|ERROR|VERBOSE): \["),
    "absl start-up": re.compile(r"InitGoogle|absl::|All log messages before"),
    "C++ source reference": re.compile(r"\b\w+\.(cc|cpp|cxx|h|hpp|mm):\d+\]?"),
    "OpenCV": re.compile(r"\[ERROR:\d+@|\[ WARN:\d*@?|\[ INFO:\d*@?"),
    "Python warning": re.compile(r"\b\w*Warning\b:|warnings\.warn"),
    "traceback": re.compile(r"Traceback \(most recent call last\)|Exception ignored in"),
    "FFmpeg": re.compile(r"\[[\w,]+ @ (0x)?[0-9a-fA-F]+\]|\[mov,mp4|\[h264 @|\[swscaler @"),
    "Objective-C runtime": re.compile(r"objc\["),
    "OpenGL": re.compile(r"GL version|gl_context|\bEGL\b"),
    "TensorFlow": re.compile(r"TensorFlow|tensorflow"),
    "XNNPACK": re.compile(r"XNNPACK"),
    "LiteRT": re.compile(r"LiteRT|litert", re.IGNORECASE),
    "accelerator": re.compile(r"accelerator", re.IGNORECASE),
    "MediaPipe internals": re.compile(r"mediapipe/|calculator|Sparsity tensors|delegate"),
}

#: The beginnings of SprintLens's own lines on stderr.
OWN_STDERR = re.compile(
    r"^(error|hint|note|warning|interrupted): \S"
    r"|^sprintlens: "
    r"|^analysing \d+ clips? for \S.* \.\.\.$"
    r"|^analysed \S.*: \d+ steps?, \w+"
    r"|^\(\d+\.\d s\)$"
)


def foreign(line: str) -> list[str]:
    """Names of the library log formats that ``line`` looks like (empty: it could be ours)."""
    return [name for name, pattern in FOREIGN.items() if pattern.search(line)]


def not_our_own(result: subprocess.CompletedProcess[str], verbose: bool = False) -> list[str]:
    """Every line of the command's output that is not SprintLens's own, with the reason.

    ``verbose`` (a ``-v`` run): the log may carry the libraries' lines, as ``sprintlens: ...``.
    """
    bad = []
    for line in result.stdout.splitlines():
        if line.startswith("sprintlens: "):
            bad.append(f"stdout: a log line on stdout: {line!r}")
        elif foreign(line):
            bad.append(f"stdout: {', '.join(foreign(line))}: {line!r}")
    for line in result.stderr.splitlines():
        if not line.strip():
            continue
        if not OWN_STDERR.match(line):
            bad.append(f"stderr: not one of SprintLens's messages: {line!r}")
        elif foreign(line) and not (verbose and line.startswith("sprintlens: ")):
            bad.append(f"stderr: {', '.join(foreign(line))}: {line!r}")
    return bad


def assert_own_lines_only(result: subprocess.CompletedProcess[str], verbose: bool = False) -> None:
    bad = not_our_own(result, verbose)
    assert not bad, ("lines that are not SprintLens's own:\n  " + "\n  ".join(bad)
                     + f"\n--- stdout ---\n{result.stdout}--- stderr ---\n{result.stderr}")


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"sample clip {name} not found in {SAMPLES}")
    return path


def damaged_copy(source: Path, target: Path) -> Path:
    """``source`` with twenty runs of random bytes written over its frames from a third of the way in."""
    data = bytearray(source.read_bytes())
    rng = np.random.default_rng(1)
    for k in range(20):
        at = int(len(data) * 0.3) + k * (len(data) // 60)
        data[at:at + 400] = rng.integers(0, 255, 400, dtype=np.uint8).tobytes()
    target.write_bytes(bytes(data))
    return target


@pytest.fixture
def truncated_clip(make_clip, clips) -> Path:
    rng = np.random.default_rng(5)
    path = make_clip("truncated.mp4", frames=[rng.integers(0, 255, (120, 160, 3), dtype=np.uint8) for _ in range(40)])
    return clips.truncate(path)


# -- the checker itself ----------------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "I0000 00:00:1796315773.090174    8691 gl_context.cc:357] GL version: 3.2 (OpenGL ES 3.2 Mesa)",
    "W0000 00:00:1796315773.090174    8691 inference_runner_litert.cc:1433] Input tensor memory is not aligned",
    "INFO: [accelerator_registry.cc:43] DestroyAccelerator: ptr=0x7f2a50003520, name=CpuAccelerator",
    "WARNING: [model_load.cc:402] Sparsity tensors may not yet be fully supported.",
    "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.",
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "[ERROR:0@0.012] global cap.cpp:164 open VIDEOIO(CV_IMAGES): raised OpenCV exception",
    "[ WARN:0@0.010] global cap_ffmpeg_impl.hpp:1541 grabFrame packet read max attempts exceeded",
    "travel.py:65: RuntimeWarning: All-NaN slice encountered",
    "  warnings.warn(  # UserWarning: SymbolDatabase.GetPrototype() is deprecated",
    "DeprecationWarning: datetime.datetime.utcnow() is deprecated",
    "Traceback (most recent call last):",
    "[h264 @ 0x55d4c1e0a300] error while decoding MB 12 3, bytestream -7",
    "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d4c1e07c40] stream 0, offset 0x30: partial file",
    "objc[4242]: Class CaptureDelegate is implemented in both libavdevice and cv2",
])
def test_the_checker_knows_a_librarys_line(line: str) -> None:
    assert foreign(line), line
    result = subprocess.CompletedProcess([], 0, stdout=line + "\n", stderr=line + "\n")
    assert len(not_our_own(result)) == 2
    routed = subprocess.CompletedProcess([], 0, stdout="", stderr=f"sprintlens: {line}\n")
    assert not_our_own(routed, verbose=True) == [] and len(not_our_own(routed)) == 1


def test_the_checker_accepts_our_own_lines() -> None:
    stdout = textwrap.dedent("""\
        wrote out/rep.pose.npz: 40 frames, athlete in 100.0% of them (1 people seen), 23.4 frames/s
        hint: only one person was seen; --max-people 1 is about twice as fast
        flying_240fps.mp4: running (flight between 100% of successive contacts); 4 steps; athlete seen in 100%
          note: below 100 fps contact and flight times are low confidence (+/-33 ms each)
          scale: no metric scale: distances in leg lengths (187 px); direction: right to left (facing)
          start: set 0.00 s, first movement 0.642 s, rear foot exit 0.775 s, front foot exit 0.611 s
          step foot  touchdown  contact  flight  freq  length  speed hip ext  trunk  knee   sep
             1 right     0.187      263     108  2.69    1.11   3.00     6.1    2.4    26    40
        [warn] frame rate: 30 fps: one frame is 33 ms, 33% of a 0.10 s top-speed contact
        [BAD ] file: truncated or damaged: only 20 of the 40 frames its header lists are in the file
        verdict: not suitable for sprint analysis
        stored in the logbook (s.db): new session 1 (2026-12-03, today), 2 rep(s) added, 0 updated
        wrote out/session_report.html and one folder per rep in out/
        """)
    stderr = textwrap.dedent("""\
        error: trunc.mp4: decoding stopped at frame 19 of 40 (the file is truncated or damaged)
        note: no height for Sam: distances in leg lengths (set it with: sprintlens athlete edit 'Sam' --height METRES)
        analysing 2 clips for Sam ...
        analysed session_rep2_120fps.mp4: 5 steps, running
        (14.5 s)
        sprintlens: athlete: person 0 of 1 (tracked through most of the clip), in 100% of frames
        """)
    assert not_our_own(subprocess.CompletedProcess([], 0, stdout=stdout, stderr=stderr)) == []


# -- the commands ------------------------------------------------------------------------------------

def test_pose_on_a_sample_clip(sprintlens, tmp_path: Path) -> None:
    target = tmp_path / "flying.pose.npz"
    result = sprintlens("pose", sample("flying_240fps.mp4"), "--max-people", 1, "--end", 40, "-o", target)
    assert result.returncode == 0, result.stderr
    assert_own_lines_only(result)
    assert result.stderr == ""
    assert result.stdout.startswith(f"wrote {target}: 40 frames")


def test_analyse_on_a_sample_clip(sprintlens, tmp_path: Path) -> None:
    # a block start: the set position and block exits are found too
    result = sprintlens("analyse", sample("block_start_120fps.mp4"), "--max-people", 1, "--end", 90,
                        "-o", tmp_path / "block")
    assert result.returncode == 0, result.stderr
    assert_own_lines_only(result)
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith("block_start_120fps.mp4: ") and any(line.startswith("  start: ") for line in lines)
    assert lines[-1].startswith(f"wrote {tmp_path / 'block'}/: ")


@pytest.mark.footage
@pytest.mark.slow
@pytest.mark.parametrize("command", ["pose", "analyse"])
@pytest.mark.parametrize("name", ["treadmill_run_side_portrait_30fps.mp4", "run_rear_view_30fps.mp4"])
def test_a_real_clip(sprintlens, footage, tmp_path: Path, command: str, name: str) -> None:
    out = tmp_path / ("clip.pose.npz" if command == "pose" else "clip.sprintlens")
    result = sprintlens(command, footage(name), "--max-people", 1, "--end", 30, "-o", out)
    assert result.returncode == 0, result.stderr
    assert_own_lines_only(result)
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1].startswith(f"wrote {out}")


@pytest.mark.slow
def test_session_on_two_sample_clips(sprintlens, tmp_path: Path) -> None:
    clips = [sample(f"session_rep{k}_120fps.mp4") for k in (1, 2)]
    db = tmp_path / "logbook.db"
    added = sprintlens("athlete", "add", "Sam", "--height", "1.80", "--db", db)
    assert added.returncode == 0, added.stderr
    assert_own_lines_only(added)
    # two workers: the clips are analysed in child processes, whose native lines are caught too
    result = sprintlens("session", *clips, "--athlete", "Sam", "--max-people", 1, "--workers", 2, "--db", db)
    assert result.returncode == 0, result.stderr
    assert_own_lines_only(result)
    assert result.stdout.startswith(f"stored in the logbook ({db}): new session 1 ")
    stderr = result.stderr.splitlines()
    assert stderr[0] == "analysing 2 clips for Sam on 2 processes ..."
    assert sorted(line.split(":")[0] for line in stderr[1:3]) == [f"analysed {c.name}" for c in clips]
    assert re.fullmatch(r"\(\d+\.\d s\)", stderr[3]) and len(stderr) == 4


@pytest.mark.parametrize("damage", ["bytes overwritten", "truncated"])
def test_info_on_a_damaged_clip(sprintlens, clips, tmp_path: Path, damage: str) -> None:
    source = sample("session_rep1_120fps.mp4")
    if damage == "truncated":
        path = tmp_path / "cut.mp4"
        path.write_bytes(source.read_bytes())
        clips.truncate(path, 0.6)
    else:
        path = damaged_copy(source, tmp_path / "damaged.mp4")
    result = sprintlens("info", path)
    assert result.returncode == 0, result.stderr
    assert_own_lines_only(result)
    assert result.stderr == ""
    assert result.stdout.startswith(f"file        {path}\n")
    assert re.search(r"^verdict: ", result.stdout, re.MULTILINE)


def test_pose_on_a_truncated_clip(sprintlens, one_line_error, truncated_clip: Path, tmp_path: Path) -> None:
    result = sprintlens("pose", truncated_clip, "-o", tmp_path / "t.npz")
    one_line_error(result, "truncated")
    assert_own_lines_only(result)
    assert result.stdout == ""


def test_pose_on_a_clip_with_bytes_overwritten(sprintlens, one_line_error, tmp_path: Path) -> None:
    # the decoder meets garbage in the frames: FFmpeg's complaints stay off the terminal
    path = damaged_copy(sample("session_rep1_120fps.mp4"), tmp_path / "damaged.mp4")
    result = sprintlens("pose", path, "--max-people", 1, "-o", tmp_path / "d.npz")
    one_line_error(result, "damaged")
    assert_own_lines_only(result)


# -- with -v the libraries' lines are in the log, not lost ---------------------------------------------

def test_verbose_shows_the_native_lines_as_log_lines(sprintlens, tmp_path: Path) -> None:
    target = tmp_path / "flying.pose.npz"
    result = sprintlens("-v", "pose", sample("flying_240fps.mp4"), "--max-people", 1, "--end", 20, "-o", target)
    assert result.returncode == 0, result.stderr
    assert_own_lines_only(result, verbose=True)
    routed = [line for line in result.stderr.splitlines() if foreign(line)]
    # MediaPipe's model load and close (LiteRT, XNNPACK, DestroyAccelerator ...), each a log line
    assert routed and all(line.startswith("sprintlens: ") for line in routed), result.stderr
    assert any("Accelerator" in line or "XNNPACK" in line or "W0000" in line for line in routed), result.stderr
    assert not [line for line in routed if "Warning" in line], result.stderr  # no Python warnings either
    assert result.stdout.startswith(f"wrote {target}: 20 frames")  # the results as without -v


@pytest.mark.footage
@pytest.mark.slow
def test_the_clip_whose_feet_are_never_seen_raises_no_python_warning(sprintlens, footage, tmp_path: Path) -> None:
    # looking for three people, this clip's first second once logged NumPy's "RuntimeWarning:
    # All-NaN slice encountered" (the direction of travel, from feet rated invisible throughout)
    result = sprintlens("-v", "analyse", footage("sprint_side_small_30fps.mp4"), "--end", 30, "-o", tmp_path / "small")
    assert result.returncode == 0, result.stderr
    assert_own_lines_only(result, verbose=True)
    warned = [line for line in result.stderr.splitlines() if FOREIGN["Python warning"].search(line)]
    assert warned == []


def test_native_writes_and_python_warnings_go_to_the_log(tmp_path: Path) -> None:
    """The routing itself: what a library writes to fd 2, and Python warnings, reach the log only."""
    code = textwrap.dedent("""\
        import logging, os, sys, warnings
        from sprintlens.core.native_output import route_native_output
        route_native_output()
        logging.basicConfig(level=int(sys.argv[1]), format="sprintlens: %(message)s", stream=sys.stderr)
        os.write(2, b"W0000 00:00:1.0  1 native.cc:1] a native line\\n")
        warnings.warn("a Python warning", RuntimeWarning)
        sys.stderr.write("error: our own line\\n")
        print("a result")
        import time; time.sleep(0.2)  # the log thread reads the pipe
        """)
    for level, expect_log in ((30, False), (20, True)):
        result = subprocess.run([sys.executable, "-c", code, str(level)], capture_output=True, text=True,
                                timeout=60, stdin=subprocess.DEVNULL, check=False)
        assert result.returncode == 0, result.stderr
        assert result.stdout == "a result\n"
        lines = result.stderr.splitlines()
        assert "error: our own line" in lines
        if expect_log:
            assert "sprintlens: W0000 00:00:1.0  1 native.cc:1] a native line" in lines, lines
            assert any(line.startswith("sprintlens: ") and "RuntimeWarning: a Python warning" in line
                       for line in lines), lines
            assert_own_lines_only(result, verbose=True)
        else:
            assert lines == ["error: our own line"]
