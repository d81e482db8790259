"""Benchmark ``sprintlens batch`` on the six session clips: one process, a pool of two, Dask with two workers.

Usage::

    python scripts/bench_batch.py [--repeat N] [--clips DIR] [--model full|heavy]

Each run is a fresh ``sprintlens batch`` command (so the pool's start-up and imports count, as
they do for a user); the Dask cluster (``distributed.LocalCluster``, two worker processes of one
thread) is started once and timed cold (its workers import SprintLens and MediaPipe on their
first clip), then warm, with paths and with the clips' bytes.  The kinds run interleaved
--repeat times.  Prints each run's wall and CPU seconds (the command's and its workers'), the
best of each, the ratios (targets: pool >= 1.8x one process; Dask within 10 % of the pool),
whether every run wrote the same steps.csv, and the machine's load as it goes (the figures mean
little on a busy machine: compare the CPU seconds).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def command() -> list[str]:
    beside = Path(os.path.abspath(sys.executable)).with_name("sprintlens")
    return [str(beside)] if beside.is_file() else [sys.executable, "-m", "sprintlens"]


def children_cpu_s() -> float:
    """CPU seconds of the finished child processes (the batch command and its pool's workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cluster_cpu_s() -> float:
    """CPU seconds so far of this process's live descendants (the Dask cluster's worker processes)."""
    import psutil

    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def batch(clips: Path, out: Path, *options: str) -> tuple[float, float]:
    """Run one ``sprintlens batch``: (wall seconds, CPU seconds of the command and its workers)."""
    if out.exists():
        shutil.rmtree(out)
    cpu = children_cpu_s() + cluster_cpu_s()
    started = time.perf_counter()
    result = subprocess.run([*command(), "batch", str(clips), "--out", str(out), "-q", *options],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    cpu = children_cpu_s() + cluster_cpu_s() - cpu
    if result.returncode != 0:
        sys.exit(f"sprintlens batch {' '.join(options)} failed:\n{result.stdout}{result.stderr}")
    return elapsed, cpu


def steps_of(out: Path) -> dict[str, str]:
    return {p.parent.name: p.read_text() for p in sorted(out.glob("*/steps.csv"))}


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each kind (the best is kept)")
    parser.add_argument("--clips", type=Path, default=None, help="folder of clips (default: the six session reps)")
    parser.add_argument("--model", default="full")
    args = parser.parse_args()

    from distributed import LocalCluster

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp_name:
        tmp = Path(tmp_name)
        clips = args.clips
        if clips is None:
            clips = tmp / "clips"
            clips.mkdir()
            for rep in range(1, 7):
                shutil.copy(ROOT / "sample_videos" / f"session_rep{rep}_120fps.mp4", clips)
        n = len([p for p in clips.iterdir() if p.is_file()])
        common = ["--model", args.model]
        print(f"{n} clips in {clips}; before: {load()}", flush=True)
        times: dict[str, float] = {}
        cpus: dict[str, float] = {}
        outputs: dict[str, dict[str, str]] = {}

        def timed(name: str, *options: str) -> None:
            elapsed, cpu = batch(clips, tmp / name, *common, *options)
            if elapsed < times.get(name, float("inf")):
                times[name], cpus[name] = elapsed, cpu
            outputs[name] = steps_of(tmp / name)
            print(f"  {name:<18} {elapsed:7.1f} s  cpu {cpu:6.1f} s   ({load()})", flush=True)

        started = time.perf_counter()
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                          host="127.0.0.1") as cluster:
            print(f"  (Dask LocalCluster of 2 workers started in {time.perf_counter() - started:.1f} s)", flush=True)
            address = cluster.scheduler_address
            timed("dask (cold)", "--scheduler", address)  # its workers import SprintLens and MediaPipe
            runs = [("one process", ("--workers", "1")), ("pool of 2", ("--workers", "2")),
                    ("dask (warm)", ("--scheduler", address)),
                    ("dask bytes (warm)", ("--scheduler", address, "--send-bytes"))]
            for r in range(args.repeat):  # interleaved, so a change in the machine's load hits every kind
                for name, options in runs[r % len(runs):] + runs[:r % len(runs)]:
                    timed(name, *options)

        one, pool = times["one process"], times["pool of 2"]
        print()
        print("best of each:")
        for name in times:
            print(f"  {name:<18} {times[name]:7.1f} s  cpu {cpus[name]:6.1f} s")
        print(f"pool of 2 vs one process: {one / pool:.2f}x faster (target >= 1.8x)")
        for name in ("dask (cold)", "dask (warm)", "dask bytes (warm)"):
            print(f"{name} vs pool of 2: {times[name] / pool:.2f}x the pool's time "
                  f"({(times[name] / pool - 1) * 100:+.0f} %; target within 10 %)")
        same = all(o == outputs["one process"] for o in outputs.values())
        print(f"steps.csv of every clip identical across runs: {same} ({len(outputs['one process'])} clips)")
        print(f"after: {load()}")


if __name__ == "__main__":
    main()
