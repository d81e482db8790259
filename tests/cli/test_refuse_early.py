"""Bad arguments and files are refused before pose estimation and before the heavy modules load.

Each case runs the command in a fresh interpreter (the command's own entry point, in-process
there) that reports afterwards which of SciPy, MediaPipe and matplotlib it imported: none may
have been, which is what makes the refusal quick.  Each gives one line on stderr, a non-zero
exit code, writes nothing, and returns well within a generous wall-clock bound.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

#: Runs ``sprintlens ARGS`` in-process, then prints the exit code and the heavy modules it loaded.
_DRIVER = r"""
import json, sys
from sprintlens.cli import main
try:
    main(args=sys.argv[1:], prog_name="sprintlens")
    code = 0
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
heavy = sorted(m for m in ("scipy", "mediapipe", "matplotlib") if m in sys.modules)
print("REPORT " + json.dumps({"code": code, "heavy": heavy}))
"""

#: Generous: the refusal itself takes a fraction of a second; interpreter start-up and a loaded machine the rest.
WALL_BOUND_S = 3.0

HEAVY = ("scipy", "mediapipe", "matplotlib")


def _refuse(cwd: Path, *args: object) -> tuple[str, float]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _DRIVER, *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    report = next(line for line in proc.stdout.splitlines() if line.startswith("REPORT "))
    result = json.loads(report[len("REPORT "):])
    assert result["code"] not in (0, None), proc
    assert result["heavy"] == [], f"{args}: imported {result['heavy']} before refusing"
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{proc.stderr}"
    assert "Traceback" not in proc.stderr
    return lines[0], wall


@pytest.fixture
def place(tmp_path: Path, make_clip) -> Path:
    """A working folder with a one-second 96x64 clip, an analysis-like folder without a block start, a file."""
    make_clip("clip.mp4", n=30, fps=30, size=(96, 64))
    rep = tmp_path / "flying.sprintlens"
    rep.mkdir()
    (rep / "track.npz").write_bytes(b"")
    (rep / "summary.json").write_text(json.dumps({"start": None}))
    (tmp_path / "file.txt").write_text("x")
    return tmp_path


CASES = [
    (["analyse", "missing.mp4"], "no such file"),
    (["analyse", "clip.mp4", "--height", "180"], "1.0-2.5 m"),
    (["analyse", "clip.mp4", "--height", "nan"], "1.0-2.5 m"),
    (["analyse", "clip.mp4", "--start", "5s"], "lasts 1.00 s"),
    (["analyse", "clip.mp4", "--start", "30"], "has 30 frames"),
    (["analyse", "clip.mp4", "--end", "4s"], "lasts 1.00 s"),
    (["analyse", "clip.mp4", "--start", "0.5s", "--end", "0.5s"], "empty time range"),
    (["analyse", "clip.mp4", "--athlete", "500,10"], "outside the frame"),
    (["analyse", "clip.mp4", "--athlete", "nan,10"], "not a pixel position"),
    (["analyse", "clip.mp4", "--calib", "1,2,3,4,5"], "10 pixels apart"),
    (["analyse", "clip.mp4", "--calib", "0,0,500,0,5"], "outside the frame"),
    (["analyse", "clip.mp4", "--calib", "0,0,50,0,-1"], "positive metres"),
    (["analyse", "clip.mp4", "--calib", "1,2,3"], "X1,Y1,X2,Y2,METRES"),
    (["analyse", "clip.mp4", "-o", "file.txt"], "is not a folder"),
    (["analyse", "clip.mp4", "-o", "file.txt/results"], "is not a folder"),
    (["analyse", "clip.mp4", "--model", "no-such.task"], "pose model file not found"),
    (["analyse", "clip.mp4", "--render", "--flags", "missing.json"], "cannot read flags"),
    (["analyse", "clip.mp4", "--render", "--freeze-at", "landing"], "unknown key position"),
    (["analyse", "missing.pose.npz"], "no such file"),
    (["pose", "missing.mp4"], "no such file"),
    (["pose", "clip.mp4", "--start", "2s"], "lasts 1.00 s"),
    (["pose", "clip.mp4", "--athlete", "10,-5"], "outside the frame"),
    (["pose", "clip.mp4", "-o", "file.txt/t.npz"], "is not a folder"),
    (["pose", "clip.mp4", "-o", "."], "is a folder"),
    (["render", "no/such/folder"], "not an analysis folder"),
    (["render", "file.txt"], "not an analysis folder"),
    (["render", "flying.sprintlens", "--freeze-at", "landing"], "unknown key position"),
    (["compare", "clip.mp4", "missing.mp4"], "no such file"),
    (["compare", "clip.mp4", "clip.mp4", "--event", "landing"], "unknown sync event"),
    (["compare", "clip.mp4", "clip.mp4", "--event", "touchdown:0"], "counted from 1"),
    (["compare", "flying.sprintlens", "clip.mp4", "--event", "first-movement"], "no first movement"),
    (["compare", "clip.mp4", "clip.mp4", "-o", "file.txt"], "is not a folder"),
    (["compare", "clip.mp4", "clip.mp4", "--label", "one"], "one --label per rep"),
]


@pytest.mark.parametrize(("args", "phrase"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_input_is_refused_early(place: Path, args: list[str], phrase: str) -> None:
    before = sorted(p.relative_to(place) for p in place.rglob("*"))
    line, wall = _refuse(place, *args)
    assert line.startswith("error: ") and phrase in line, line
    assert sorted(p.relative_to(place) for p in place.rglob("*")) == before, "something was written"
    assert wall < WALL_BOUND_S, f"{args}: refused after {wall:.1f} s"


def test_a_missing_output_folder_is_made_with_its_parents(tmp_path: Path, sprintlens) -> None:
    from conftest import out_and_back_track

    from sprintlens.capture.trackfile import save_track

    whole, _, _ = out_and_back_track()
    track_file = save_track(whole, tmp_path / "run.pose.npz")
    target = tmp_path / "a" / "b" / "run.sprintlens"
    result = sprintlens("analyse", track_file, "-o", target, "-q")
    assert result.returncode == 0, result.stderr
    assert (target / "summary.json").is_file()
    assert np.isfinite(json.loads((target / "summary.json").read_text())["format_version"])
