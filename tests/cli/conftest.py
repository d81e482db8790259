"""Running the installed ``sprintlens`` command as a user would (a real process, real stderr)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest


def _command() -> list[str]:
    beside_python = Path(sys.executable).with_name("sprintlens")
    if beside_python.is_file():
        return [str(beside_python)]
    found = shutil.which("sprintlens")
    if found:
        return [found]
    return [sys.executable, "-c", "from sprintlens.cli import main; main()"]


@pytest.fixture(scope="session")
def sprintlens() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``sprintlens("pose", clip, "-o", out, env={...})`` -> the finished process (text output)."""
    command = _command()

    def run(*args: object, env: dict[str, str] | None = None, cwd: Path | None = None
            ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, **(env or {})}
        return subprocess.run([*command, *map(str, args)], capture_output=True, text=True, env=full_env,
                              cwd=cwd, timeout=300, stdin=subprocess.DEVNULL)

    return run


@pytest.fixture
def background_clip(make_clip) -> Path:
    """A plain coloured background: a clip with nobody in it."""
    frames = [np.full((240, 320, 3), (60, 140, 90), np.uint8) for _ in range(15)]
    return make_clip("background.mp4", frames=frames)


@pytest.fixture(scope="session")
def one_line_error() -> Callable[..., str]:
    """``one_line_error(result, "phrase", ...)``: see :func:`assert_one_line_error`."""
    return assert_one_line_error


def assert_one_line_error(result: subprocess.CompletedProcess[str], *phrases: str) -> str:
    """Non-zero exit, exactly one line on stderr naming the problem, no traceback; returns that line."""
    assert result.returncode != 0, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    line = lines[0]
    assert line.startswith("error: "), line
    for phrase in phrases:
        assert phrase in line, f"{phrase!r} not in {line!r}"
    return line
