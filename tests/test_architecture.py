"""The house rules, checked by the test command: layers one way (import-linter) and ruff clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: install the test extras (pip install '.[test]')")
    return found


def test_layers_are_kept() -> None:
    """core < capture < analysis < logbook < render < cli, and synth apart (pyproject's contracts)."""
    result = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "BROKEN" not in result.stdout


def test_ruff_is_clean() -> None:
    """Style, imports and numpy docstrings (pyproject's [tool.ruff])."""
    result = subprocess.run([_tool("ruff"), "check", "--no-cache", "src", "tests", "scripts"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
