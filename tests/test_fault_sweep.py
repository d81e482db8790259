"""A fast, seeded subset of scripts/fault_sweep.py: every case handled cleanly."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "fault_sweep.py"


@pytest.fixture(scope="module")
def fault_sweep():
    spec = importlib.util.spec_from_file_location("fault_sweep", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["fault_sweep"] = module
    spec.loader.exec_module(module)
    return module


def _failures(outcomes):
    return [f"{o.category}: {o.name}: {'; '.join(o.problems)}" for o in outcomes if not o.clean]


def test_tampered_inputs_are_handled_cleanly(fault_sweep, tmp_path):
    counts = {"damaged clips": 1, "track files": 2, "results folders": 2, "flags files": 1}
    outcomes = fault_sweep.sweep(list(counts), counts, seed=7, workdir=tmp_path)
    assert len(outcomes) >= sum(counts.values())
    assert _failures(outcomes) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="the full-disk cases mount a small tmpfs (root only)")
def test_full_disks_are_handled_cleanly(fault_sweep, tmp_path):
    outcomes = fault_sweep.sweep(["full disk"], {"full disk": 2}, seed=7, workdir=tmp_path)
    assert len(outcomes) == 2 and _failures(outcomes) == []


def test_an_early_interrupt_is_handled_cleanly(fault_sweep, tmp_path):
    outcomes = fault_sweep.sweep(["interrupts"], {"interrupts": 1}, seed=7, workdir=tmp_path,
                                 longest_interrupt_s=6.0)
    assert len(outcomes) == 1 and _failures(outcomes) == []


def test_the_table_counts_cases_per_category(fault_sweep):
    outcomes = [fault_sweep.Outcome("track files", "a"), fault_sweep.Outcome("track files", "b", ["exit code 70"])]
    assert fault_sweep.table(outcomes).splitlines()[1].split() == ["track", "files", "2", "1"]
