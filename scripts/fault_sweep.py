#!/usr/bin/env python3
"""Fault sweep: run the command line on damaged inputs, full disks and interrupts, and check it copes.

Every case runs ``python -m sprintlens ...`` in a fresh process and checks three things:

* the exit code is a documented one (0, 1, 2, 130, 141, 143; never 70, an internal error);
* when it is not 0, standard error has no traceback and at most one line;
* the target (folder or file) is either unchanged or complete: a set of files is whole or
  absent, no staging folder or temporary file is left beside it or in it.

Categories:

``damaged clips``     truncated and byte-damaged copies of the sample clips (``info``, ``pose``)
``track files``       tampered ``track.npz`` files (``analyse TRACK``)
``results folders``   tampered ``summary.json`` files (``render FOLDER``)
``flags files``       tampered ``--flags`` files (``render FOLDER --flags``)
``full disk``         a small tmpfs as the target (``analyse``, ``render``, ``pose``); root only
``interrupts``        SIGINT or SIGTERM at a random moment of ``analyse TRACK --render``
``session workers``   SIGTERM to ``session --workers 2``: its workers must end with it

Usage::

    python scripts/fault_sweep.py --quick            # a few cases per category (minutes)
    python scripts/fault_sweep.py --seed 3 --count 20
    python scripts/fault_sweep.py --only "track files,flags files"

Prints, per category, the cases tried and how many were handled cleanly, then each failure.
Exits 1 if any case was not handled cleanly.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_videos"
#: A folder of saved analyses (one per sample clip) to start from instead of the clip's truth track.
BASELINE = Path(os.environ["SPRINTLENS_SWEEP_BASELINE"]) if os.environ.get("SPRINTLENS_SWEEP_BASELINE") else None
CLIP = "session_rep1_120fps"  # the smallest sample clip with a saved analysis

DOCUMENTED_EXITS = {0, 1, 2, 130, 141, 143}
ANALYSIS_FILES = {"angles.csv", "steps.csv", "summary.json", "track.npz"}
PICTURE_FILES = {"annotated.mp4", "kinogram.png", "plot_angles.png", "plot_angles.svg", "plot_steps.png",
                 "plot_steps.svg", "plot_velocity.png", "plot_velocity.svg", "report.html"}
CATEGORIES = ("damaged clips", "track files", "results folders", "flags files", "full disk", "interrupts",
              "session workers")


# -- running the command line ---------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])])
    env["SPRINTLENS_DB"] = env.get("SPRINTLENS_SWEEP_DB", str(Path(tempfile.gettempdir()) / "sweep-unused.db"))
    env.setdefault("MPLBACKEND", "Agg")
    return env


@dataclass
class Run:
    """One finished run of the command line."""

    args: list[str]
    code: int
    stdout: str
    stderr: str
    seconds: float


def sprintlens(args: list[str], cwd: Path, timeout: float = 600) -> Run:
    """Run ``python -m sprintlens ARGS`` and wait for it."""
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "sprintlens", *map(str, args)], cwd=cwd, env=_env(),
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return Run([str(a) for a in args], proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)


def sprintlens_stopped(args: list[str], cwd: Path, delay_s: float, signum: int,
                       watch: Callable[[int], None] | None = None, timeout: float = 600) -> Run:
    """Run the command line and send it ``signum`` after ``delay_s`` (``watch(pid)`` just before)."""
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "sprintlens", *map(str, args)], cwd=cwd, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        proc.wait(timeout=delay_s)
    except subprocess.TimeoutExpired:
        if watch is not None:
            watch(proc.pid)
        proc.send_signal(signum)
    out, err = proc.communicate(timeout=timeout)
    return Run([str(a) for a in args], proc.returncode, out, err, time.monotonic() - started)


def run_problems(run: Run) -> list[str]:
    """What is wrong with a run's exit code and standard error (empty: handled cleanly)."""
    problems = []
    if run.code not in DOCUMENTED_EXITS:
        problems.append(f"exit code {run.code}")
    if run.code != 0:
        if "Traceback" in run.stderr:
            problems.append("a traceback on stderr")
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        if len(lines) > 1:
            problems.append(f"{len(lines)} lines on stderr")
    return problems


# -- what a target looks like -------------------------------------------------------------------


def snapshot(path: Path) -> dict[str, str] | None:
    """SHA-256 of every file of a folder (or of one file), by name; None if absent."""
    if not path.exists():
        return None
    if path.is_file():
        return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()}
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "<folder>"
            for p in sorted(path.iterdir())}


def leftovers(target: Path) -> list[str]:
    """Staging folders and temporary files left beside or inside ``target``."""
    found = [p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}.")]
    if target.is_dir():
        found += [f"{target.name}/{p.name}" for p in target.iterdir() if p.name.startswith(".")]
    return found


def folder_problems(target: Path, before: dict[str, str] | None, run: Run) -> list[str]:
    """Is the folder unchanged, or are the sets in it complete?  Does the message tell the truth?"""
    problems = [f"left {name}" for name in leftovers(target)]
    after = snapshot(target)
    if after == before:
        if run.code == 0 and before is None:
            problems.append("exit 0 but nothing written")
        return problems
    if after is None:
        return problems + ["the folder was removed"]
    changed = {name for name in after if (before or {}).get(name) != after[name]}
    for label, members in (("analysis", ANALYSIS_FILES), ("pictures", PICTURE_FILES)):
        touched = changed & members
        expected = members if label == "analysis" else _expected_pictures(after, run)
        if touched and not expected <= set(after):
            problems.append(f"incomplete {label} set: lacks {sorted(expected - set(after))}")
        if touched and label == "analysis":
            problems += _loadable(target)
    if "nothing was written" in run.stderr:
        problems.append("says nothing was written, but the folder changed")
    if "no pictures were written" in run.stderr and changed & PICTURE_FILES:
        problems.append("says no pictures were written, but some were")
    return problems


def _expected_pictures(after: dict[str, str], run: Run) -> set[str]:
    expected = {"kinogram.png", "report.html"} | {n for n in PICTURE_FILES if n.startswith("plot_")}
    if "--no-clip" not in run.args:
        expected.add("annotated.mp4")
    if "kinogram.png" not in after:  # a rep without complete steps has no kinogram
        expected.discard("kinogram.png")
    return expected


def _loadable(folder: Path) -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from sprintlens.analysis.folder import read_summary
    from sprintlens.capture.trackfile import load_track

    try:
        load_track(folder / "track.npz")
        read_summary(folder / "summary.json")
    except Exception as exc:  # a complete set reads back
        return [f"the written set does not read back ({exc})"]
    return []


def file_problems(target: Path, before: dict[str, str] | None) -> list[str]:
    """A single output file: unchanged, or a pose track that loads; no temporary file beside it."""
    problems = [f"left {name}" for name in leftovers(target)]
    if snapshot(target) != before:
        sys.path.insert(0, str(ROOT / "src"))
        from sprintlens.capture.trackfile import load_track

        try:
            load_track(target)
        except Exception as exc:
            problems.append(f"the written track does not load ({exc})")
    return problems


# -- the sweep's bookkeeping -------------------------------------------------------------------------


@dataclass
class Outcome:
    """One case and how it went."""

    category: str
    name: str
    problems: list[str] = field(default_factory=list)
    code: int | None = None
    seconds: float = 0.0
    message: str = ""

    @property
    def clean(self) -> bool:
        """True when the case was handled cleanly."""
        return not self.problems


def case(category: str, name: str, run: Run, problems: list[str]) -> Outcome:
    """Record a finished case (the run's own problems and the target's)."""
    last = ([line for line in run.stderr.splitlines() if line.strip()] or [""])[-1]
    outcome = Outcome(category, name, run_problems(run) + problems, run.code, run.seconds, last[:160])
    if outcome.problems:
        outcome.problems.append(f"stderr: {run.stderr.strip()[-300:]!r}")
    return outcome


class Workspace:
    """Copies of the inputs in a scratch folder (the originals are never touched)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.counter = 0
        self.video = root / f"{CLIP}.mp4"
        shutil.copyfile(SAMPLES / f"{CLIP}.mp4", self.video)
        self.folder = root / "analysis"  # a saved analysis whose track records this copy of the clip
        if BASELINE is not None and (BASELINE / CLIP / "track.npz").is_file():
            shutil.copytree(BASELINE / CLIP, self.folder)
        else:  # made here from the clip's ground truth (a perfect pose model): no pose estimation
            made = sprintlens(["analyse", _truth_track(self.video, root / "truth.npz"), "-o", self.folder, "-q"],
                              root)
            if made.code != 0:
                raise RuntimeError(f"cannot analyse the truth of {self.video}: {made.stderr.strip()}")
        self.track = self.folder / "track.npz"
        _rewrite_track(self.track, lambda meta, arrays: meta["provenance"]["video"].update(path=str(self.video)))

    def fresh(self, stem: str) -> Path:
        """A new path in the scratch folder (not created)."""
        self.counter += 1
        return self.root / f"{stem}-{self.counter:03d}"

    def folder_copy(self) -> Path:
        """A copy of the saved analysis folder."""
        copy_ = self.fresh("folder")
        shutil.copytree(self.folder, copy_)
        return copy_


def _truth_track(video: Path, path: Path) -> Path:
    """Save the ground-truth pose track of a sample clip, recording the clip's path."""
    sys.path.insert(0, str(ROOT / "src"))
    from sprintlens.capture.trackfile import save_track
    from sprintlens.core.files import file_sha256
    from sprintlens.synth import truth_track

    truth = json.loads((SAMPLES / f"{CLIP}.truth.json").read_text(encoding="utf-8"))
    track = truth_track(truth)
    provenance = {**track.provenance, "video": {"file": video.name, "path": str(video)}}
    save_track(track.replace(video_sha256=file_sha256(video), provenance=provenance), path)
    return path


def _read_npz(path: Path) -> tuple[dict, dict[str, np.ndarray]]:
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    return json.loads(str(arrays.pop("meta"))), arrays


def _write_npz(path: Path, meta: object, arrays: dict[str, np.ndarray]) -> None:
    with open(path, "wb") as fh:
        np.savez_compressed(fh, meta=np.array(json.dumps(meta)), **arrays)


def _rewrite_track(path: Path, change: Callable[[dict, dict[str, np.ndarray]], object]) -> None:
    meta, arrays = _read_npz(path)
    change(meta, arrays)
    _write_npz(path, meta, arrays)


def _damage_bytes(data: bytes, rng: random.Random, n: int) -> bytes:
    out = bytearray(data)
    for _ in range(n):
        k = rng.randrange(len(out))
        out[k] = rng.randrange(256)
    return bytes(out)


# -- the categories --------------------------------------------------------------------------------


def damaged_clips(ws: Workspace, rng: random.Random, count: int) -> Iterator[Outcome]:
    """Truncated and byte-damaged copies of sample clips: ``info``, and ``pose`` on some."""
    clips = sorted(SAMPLES.glob("*.mp4"))
    for i in range(count):
        source = rng.choice(clips)
        data = source.read_bytes()
        if rng.random() < 0.5:
            cut = rng.choice([0, 1, 8, 32, 1024, rng.randrange(len(data))])
            damaged, how = data[:cut], f"truncated to {cut} bytes"
        else:
            n = rng.choice([1, 10, 200, 5000])
            damaged, how = _damage_bytes(data, rng, n), f"{n} bytes damaged"
        clip = ws.fresh("clip").with_suffix(".mp4")
        clip.write_bytes(damaged)
        name = f"{source.name} {how}"
        yield case("damaged clips", f"info: {name}", sprintlens(["info", clip], ws.root), [])
        if i % 3 == 0:  # pose estimation is slow: on every third
            out = ws.fresh("pose").with_suffix(".npz")
            run = sprintlens(["pose", clip, "-o", out, "-q", "--end", "40", "--max-people", "1"], ws.root)
            yield case("damaged clips", f"pose: {name}", run, file_problems(out, None))


#: Changes to a pose-track file: name -> change(meta, arrays).
TRACK_TAMPERING: dict[str, Callable[[dict, dict[str, np.ndarray]], object]] = {
    "fps 1e6 (timestamps say 120)": lambda m, a: m.update(fps=1e6),
    "fps 12 (timestamps say 120)": lambda m, a: m.update(fps=12.0),
    "fps a string": lambda m, a: m.update(fps="120"),
    "fps negative": lambda m, a: m.update(fps=-120.0),
    "fps NaN": lambda m, a: m.update(fps=float("nan")),
    "fps true": lambda m, a: m.update(fps=True),
    "frame_size 3 numbers": lambda m, a: m.update(frame_size=[1280, 720, 3]),
    "frame_size huge": lambda m, a: m.update(frame_size=[10**12, 720]),
    "provenance.video a string": lambda m, a: m["provenance"].update(video="clip.mp4"),
    "provenance.video.path a number": lambda m, a: m["provenance"]["video"].update(path=5),
    "provenance a list": lambda m, a: m.update(provenance=[1, 2]),
    "model_id a number": lambda m, a: m.update(model_id=3),
    "meta lacks fps": lambda m, a: m.pop("fps"),
    "landmark names shuffled": lambda m, a: m.update(landmark_names=m["landmark_names"][::-1]),
    "coordinates 1e300": lambda m, a: a["positions_px"].__setitem__((5, 3, 0), 1e300),
    "coordinates infinite": lambda m, a: a["positions_px"].__setitem__((5, 3, 1), np.inf),
    "coordinates 1e7": lambda m, a: a["positions_px"].__setitem__((0, 0, 0), 1e7),
    "x without y": lambda m, a: a["positions_px"].__setitem__((5, 3, 1), np.nan),
    "depth 1e300": lambda m, a: a["depth_px"].__setitem__((5, 3), 1e300),
    "visibility 7": lambda m, a: a["visibility"].__setitem__((5, 3), 7.0),
    "t_s reversed": lambda m, a: a.update(t_s=a["t_s"][::-1].copy()),
    "t_s NaN": lambda m, a: a["t_s"].__setitem__(4, np.nan),
    "t_s a day long": lambda m, a: a.update(t_s=a["t_s"] * 1e6),
    "frame_index floats": lambda m, a: a.update(frame_index=a["frame_index"] + 0.5),
    "positions one frame short": lambda m, a: a.update(positions_px=a["positions_px"][:-1]),
    "positions 3-D points": lambda m, a: a.update(positions_px=np.zeros((len(a["t_s"]), 33, 3))),
    "positions as text": lambda m, a: a.update(positions_px=np.array(["x"] * 4)),
    "positions a scalar": lambda m, a: a.update(positions_px=np.array(1.0)),
    "no t_s": lambda m, a: a.pop("t_s"),
    "format version 2": lambda m, a: a.update(format_version=np.array(2)),
    "format a list": lambda m, a: a.update(format=np.array(["sprintlens.pose_track"] * 2)),
    "one frame": lambda m, a: a.update({k: v[:1] for k, v in a.items() if v.ndim and len(v) == len(a["t_s"])}),
}


def _tampered_track(ws: Workspace, rng: random.Random) -> tuple[Path, str]:
    path = ws.fresh("track").with_suffix(".npz")
    roll = rng.random()
    if roll < 0.7:
        name = rng.choice(sorted(TRACK_TAMPERING))
        meta, arrays = _read_npz(ws.track)
        TRACK_TAMPERING[name](meta, arrays)
        _write_npz(path, meta, arrays)
        return path, name
    data = ws.track.read_bytes()
    if roll < 0.8:
        cut = rng.randrange(len(data))
        path.write_bytes(data[:cut])
        return path, f"truncated to {cut} bytes"
    if roll < 0.9:
        n = rng.choice([1, 4, 50])
        path.write_bytes(_damage_bytes(data, rng, n))
        return path, f"{n} bytes damaged"
    buffer = io.BytesIO()  # meta is not JSON, or JSON of another shape
    meta_text = rng.choice(["{not json", "[]", "null", '"text"', "[" * 100_000])
    with zipfile.ZipFile(ws.track) as src, zipfile.ZipFile(buffer, "w") as dst:
        for info in src.infolist():
            if info.filename != "meta.npy":
                dst.writestr(info, src.read(info))
        meta_buffer = io.BytesIO()
        np.save(meta_buffer, np.array(meta_text))
        dst.writestr("meta.npy", meta_buffer.getvalue())
    path.write_bytes(buffer.getvalue())
    return path, f"meta {meta_text[:12]!r}"


def track_files(ws: Workspace, rng: random.Random, count: int) -> Iterator[Outcome]:
    """Tampered pose-track files, analysed (``analyse TRACK -o NEW``)."""
    for _ in range(count):
        track, name = _tampered_track(ws, rng)
        out = ws.fresh("out")
        run = sprintlens(["analyse", track, "-o", out, "-q"], ws.root)
        yield case("track files", name, run, folder_problems(out, None, run))


#: Changes to a results folder's summary.json: name -> the new text, from the saved record.
SUMMARY_TAMPERING: dict[str, Callable[[dict], str]] = {
    "a list": lambda r: json.dumps([r]),
    "a string": lambda r: json.dumps("summary"),
    "null": lambda r: "null",
    "empty": lambda r: "",
    "not JSON": lambda r: "{\"format\": ",
    "deeply nested": lambda r: "[" * 100_000 + "]" * 100_000,
    "not UTF-8": lambda r: "\udcff",
    "analysis_config a list": lambda r: json.dumps({**r, "analysis_config": [1]}),
    "height_m 'abc'": lambda r: json.dumps(_config(r, height_m="abc")),
    "height_m 1e9": lambda r: json.dumps(_config(r, height_m=1e9)),
    "height_m true": lambda r: json.dumps(_config(r, height_m=True)),
    "calibration 3 numbers": lambda r: json.dumps(_config(r, calibration=[1, 2, 3])),
    "calibration strings": lambda r: json.dumps(_config(r, calibration=["a"] * 5)),
    "calibration 0 metres": lambda r: json.dumps(_config(r, calibration=[0, 0, 100, 0, 0])),
    "calibration a number": lambda r: json.dumps(_config(r, calibration=5)),
    "direction 5": lambda r: json.dumps(_config(r, direction=5)),
    "cleaning 'x'": lambda r: json.dumps(_config(r, cleaning="x")),
    "cleaning.min_visibility 'a'": lambda r: json.dumps(_config(r, cleaning={"min_visibility": "a"})),
    "cleaning.min_visibility 5": lambda r: json.dumps(_config(r, cleaning={"min_visibility": 5})),
    "cleaning.repair_swaps 'yes'": lambda r: json.dumps(_config(r, cleaning={"repair_swaps": "yes"})),
    "cleaning.cutoff_hz -3": lambda r: json.dumps(_config(r, cleaning={"cutoff_hz": -3})),
    "contacts [1]": lambda r: json.dumps(_config(r, contacts=[1])),
    "contacts.min_contact_s 1e300": lambda r: json.dumps(_config(r, contacts={"min_contact_s": 1e300})),
    "unknown keys (ignored)": lambda r: json.dumps({**_config(r, shoe="spikes"), "future": {"x": 1}}),
}


def _config(record: dict, **changes: object) -> dict:
    record = copy.deepcopy(record)
    record["analysis_config"] = {**(record.get("analysis_config") or {}), **changes}
    return record


def results_folders(ws: Workspace, rng: random.Random, count: int) -> Iterator[Outcome]:
    """Tampered summary.json files, drawn (``render FOLDER``, into the folder or a new one)."""
    record = json.loads((ws.folder / "summary.json").read_text(encoding="utf-8"))
    names = rng.sample(sorted(SUMMARY_TAMPERING), len(SUMMARY_TAMPERING))
    for i in range(count):
        folder = ws.folder_copy()
        if rng.random() < 0.8:
            name = names[i % len(names)] if i < len(names) else rng.choice(names)
            text = SUMMARY_TAMPERING[name](record)
            (folder / "summary.json").write_bytes(text.encode("utf-8", "surrogateescape"))
        else:
            n = rng.choice([1, 5, 40])
            name = f"summary.json: {n} bytes damaged"
            (folder / "summary.json").write_bytes(_damage_bytes((folder / "summary.json").read_bytes(), rng, n))
        in_place = rng.random() < 0.3
        target = folder if in_place else ws.fresh("pictures")
        before = snapshot(target)
        args = ["render", folder, "--no-clip", "-q"] + ([] if in_place else ["-o", target])
        run = sprintlens(args, ws.root)
        yield case("results folders", f"{name}{' (in place)' if in_place else ''}", run,
                   folder_problems(target, before, run))


FLAG = {"metric": "contact_s", "label": "contact time", "scope": "rep", "rep": 2, "change": 0.01,
        "change_pct": 9.0, "unit": "s", "reference": "baseline", "noise": 0.003, "smallest_worthwhile": 0.004,
        "confidence": "likely", "severity": "warning", "message": "Contact longer."}

FLAGS_TAMPERING: dict[str, str] = {
    "change 'lots'": json.dumps([{**FLAG, "change": "lots"}]),
    "an object, not a list": json.dumps(FLAG),
    "a list of strings": json.dumps(["flag"]),
    "lacks message": json.dumps([{k: v for k, v in FLAG.items() if k != "message"}]),
    "rep 'x'": json.dumps([{**FLAG, "rep": "x"}]),
    "rep true": json.dumps([{**FLAG, "rep": True}]),
    "change NaN": json.dumps([{**FLAG, "change": float("nan")}]),
    "message a number": json.dumps([{**FLAG, "message": 5}]),
    "change_pct a list": json.dumps([{**FLAG, "change_pct": [1]}]),
    "not JSON": "[{",
    "empty": "",
    "deeply nested": "[" * 100_000,
    "a folder": "<folder>",
    "missing": "<missing>",
    "unknown keys (ignored)": json.dumps([{**FLAG, "colour": "red"}]),
}


def flags_files(ws: Workspace, rng: random.Random, count: int) -> Iterator[Outcome]:
    """Tampered ``--flags`` files (``render FOLDER --flags FILE -o NEW``)."""
    names = rng.sample(sorted(FLAGS_TAMPERING), len(FLAGS_TAMPERING))
    for i in range(count):
        name = names[i % len(names)] if i < len(names) else rng.choice(names)
        flags = ws.fresh("flags").with_suffix(".json")
        text = FLAGS_TAMPERING[name]
        if text == "<folder>":
            flags.mkdir()
        elif text != "<missing>":
            flags.write_text(text, encoding="utf-8")
        target = ws.fresh("pictures")
        run = sprintlens(["render", ws.folder, "--no-clip", "-q", "--flags", flags, "-o", target], ws.root)
        yield case("flags files", name, run, folder_problems(target, None, run))


def _mount_tmpfs(folder: Path, size_kib: int) -> bool:
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(folder)],
                          capture_output=True)
    return done.returncode == 0


def full_disk(ws: Workspace, rng: random.Random, count: int) -> Iterator[Outcome]:
    """A small tmpfs as the target (root only): ``analyse``, ``render`` into it, new or existing folders."""
    if os.geteuid() != 0:
        return
    for i in range(count):
        disk = ws.fresh("disk")
        size = rng.choice([8, 32, 64, 128, 256, 512])
        if not _mount_tmpfs(disk, size):
            return
        try:
            kind = ["analyse", "analyse over", "render", "render over", "pose"][i % 5]
            if kind == "pose" and i % 10 != 4:
                kind = "analyse"  # pose estimation is slow: now and then
            target = disk / "out"
            if kind.endswith("over"):  # an existing folder with the previous results and a file of the user
                target.mkdir()
                (target / "notes.txt").write_text("mine\n")
                for name in sorted(ANALYSIS_FILES)[: rng.randrange(0, 5)]:
                    with open(target / name, "wb") as fh:
                        fh.write(b"old " * rng.randrange(1, 2000))
            filler = disk / "filler"  # leave a random amount of free space
            free = shutil.disk_usage(disk).free
            with open(filler, "wb") as fh:
                try:
                    fh.write(b"\0" * max(0, free - rng.randrange(0, 300_000)))
                except OSError:
                    pass
            if kind == "pose":
                target = disk / "clip.pose.npz"
                before = snapshot(target)
                run = sprintlens(["pose", ws.video, "-o", target, "-q", "--end", "30", "--max-people", "1"],
                                 ws.root)
                problems = file_problems(target, before)
            else:
                before = snapshot(target)
                if kind.startswith("analyse"):
                    run = sprintlens(["analyse", ws.track, "-o", target, "-q"], ws.root)
                else:
                    run = sprintlens(["render", ws.folder, "--no-clip", "-q", "-o", target], ws.root)
                problems = folder_problems(target, before, run)
            if run.code not in (0, 1):
                problems.append(f"exit {run.code} on a full disk")
            yield case("full disk", f"{kind} with {size} KiB", run, problems)
        finally:
            subprocess.run(["umount", str(disk)], capture_output=True)


def interrupts(ws: Workspace, rng: random.Random, count: int, longest_s: float | None = None) -> Iterator[Outcome]:
    """SIGINT or SIGTERM at a random moment of ``analyse TRACK --render`` (new or existing folder).

    The moments are spread over the length of one run without interrupt, timed first (the
    first case), unless ``longest_s`` is given.
    """
    if longest_s is None:
        target = ws.fresh("out")
        run = sprintlens(["analyse", ws.track, "--render", "-q", "-o", target], ws.root)
        yield case("interrupts", f"no interrupt ({run.seconds:.1f} s)", run, folder_problems(target, None, run))
        longest_s = max(1.0, run.seconds)
        count -= 1
    for _ in range(count):
        signum = rng.choice([signal.SIGINT, signal.SIGTERM])
        delay = round(rng.uniform(0.3, longest_s * 1.05), 1)
        existing = rng.random() < 0.3
        target = ws.folder_copy() if existing else ws.fresh("out")
        before = snapshot(target)
        run = sprintlens_stopped(["analyse", ws.track, "--render", "-q", "-o", target], ws.root, delay, signum)
        problems = folder_problems(target, before, run)
        if run.code not in (0, 128 + signum):
            problems.append(f"exit {run.code} after {signum.name}")
        yield case("interrupts", f"{signum.name} after {delay} s{' (existing folder)' if existing else ''}", run,
                   problems)


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def session_workers(ws: Workspace, rng: random.Random, count: int) -> Iterator[Outcome]:
    """SIGTERM to ``session --workers 2``: the parent and every worker must end, cleanly."""
    if not Path("/proc").is_dir():
        return
    clips = [SAMPLES / f"session_rep{k}_120fps.mp4" for k in (1, 2)]
    for _ in range(count):
        db = ws.fresh("logbook").with_suffix(".db")
        add = sprintlens(["athlete", "add", "Sweep", "--height", "1.8", "--db", db], ws.root)
        if add.code != 0:
            yield case("session workers", "athlete add", add, ["could not add the athlete"])
            continue
        out = ws.fresh("session")
        seen: set[int] = set()
        extra = round(rng.uniform(0.0, 10.0), 1)
        run = _session_stopped(["session", *clips, "--athlete", "Sweep", "--workers", "2", "--db", db,
                                "-o", out, "-q"], ws.root, extra, seen)
        delay = f"{extra} s after its workers started"
        time.sleep(0.5)
        alive = [pid for pid in seen if Path(f"/proc/{pid}").exists()
                 and "zombie" not in _state(pid)]
        problems = [f"{len(alive)} worker process(es) still running"] if alive else []
        if out.is_dir():
            problems += [f"left {p.parent.name}/{p.name}" for p in out.rglob(".*")]
        if run.code not in (0, 143):
            problems.append(f"exit {run.code} after SIGTERM")
        if len(seen) < 2:
            problems.append(f"only {len(seen)} child processes were seen: the case tested nothing")
        yield case("session workers", f"SIGTERM {delay} ({len(seen)} child processes)", run, problems)
        for pid in alive:  # do not leave them to the next case
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def _session_stopped(args: list[str], cwd: Path, extra_s: float, seen: set[int]) -> Run:
    """Run a session; once it has two child processes, wait ``extra_s`` more and send SIGTERM."""
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "sprintlens", *map(str, args)], cwd=cwd, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    deadline = started + 120
    while proc.poll() is None and len(_descendants(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    try:
        proc.wait(timeout=extra_s)
    except subprocess.TimeoutExpired:
        seen.update(_descendants(proc.pid))
        proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=600)
    return Run([str(a) for a in args], proc.returncode, out, err, time.monotonic() - started)


def _state(pid: int) -> str:
    try:
        code = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "dead"
    return {"Z": "zombie", "X": "dead"}.get(code, "alive")


SWEEPS: dict[str, Callable[[Workspace, random.Random, int], Iterator[Outcome]]] = {
    "damaged clips": damaged_clips,
    "track files": track_files,
    "results folders": results_folders,
    "flags files": flags_files,
    "full disk": full_disk,
    "interrupts": interrupts,
    "session workers": session_workers,
}

#: Cases per category: --quick, and the default.
QUICK_COUNTS = {"damaged clips": 4, "track files": 8, "results folders": 8, "flags files": 6, "full disk": 6,
                "interrupts": 4, "session workers": 1}
FULL_COUNTS = {"damaged clips": 15, "track files": 40, "results folders": 30, "flags files": 16, "full disk": 20,
               "interrupts": 12, "session workers": 2}


def sweep(categories: list[str] | None = None, counts: dict[str, int] | None = None, seed: int = 0,
          workdir: Path | None = None, report: Callable[[Outcome], None] | None = None,
          longest_interrupt_s: float | None = None) -> list[Outcome]:
    """Run the chosen categories (default: all) with ``counts`` cases each; return every outcome.

    ``longest_interrupt_s``: interrupts come at a random moment up to this long after the start
    (default: as long as one uninterrupted ``analyse --render``, timed first).
    """
    categories = list(categories or CATEGORIES)
    counts = {**QUICK_COUNTS, **(counts or {})}
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="sprintlens-sweep-", dir=workdir) as scratch:
        ws = Workspace(Path(scratch))
        for category in categories:
            rng = random.Random(f"{seed}:{category}")
            run_category = SWEEPS[category]
            if category == "interrupts":
                cases = interrupts(ws, rng, counts[category], longest_interrupt_s)
            else:
                cases = run_category(ws, rng, counts[category])
            for outcome in cases:
                outcomes.append(outcome)
                if report is not None:
                    report(outcome)
    return outcomes


def table(outcomes: list[Outcome]) -> str:
    """The sweep's figures: cases tried and handled cleanly, per category."""
    lines = [f"{'category':<18} {'tried':>5} {'clean':>5}"]
    for category in CATEGORIES:
        mine = [o for o in outcomes if o.category == category]
        if mine:
            lines.append(f"{category:<18} {len(mine):>5} {sum(o.clean for o in mine):>5}")
    lines.append(f"{'all':<18} {len(outcomes):>5} {sum(o.clean for o in outcomes):>5}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="Seed of the random choices (default 0).")
    parser.add_argument("--quick", action="store_true", help="A few cases per category.")
    parser.add_argument("--count", type=int, default=None, help="Cases per category (overrides --quick's).")
    parser.add_argument("--only", default=None, help="Comma-separated categories (default: all).")
    parser.add_argument("-v", "--verbose", action="store_true", help="Print each case as it ends.")
    args = parser.parse_args()
    categories = [c.strip() for c in args.only.split(",")] if args.only else list(CATEGORIES)
    unknown = [c for c in categories if c not in SWEEPS]
    if unknown:
        parser.error(f"unknown categories {unknown}; choose from {', '.join(CATEGORIES)}")
    counts = dict(QUICK_COUNTS if args.quick else FULL_COUNTS)
    if args.count is not None:
        counts = {c: args.count for c in counts}

    def report(o: Outcome) -> None:
        if args.verbose or not o.clean:
            print(f"[{'ok' if o.clean else 'FAIL'}] {o.category}: {o.name} -> exit {o.code} ({o.seconds:.1f} s)"
                  + (f"\n       {o.message}" if o.message and o.clean else "")
                  + "".join(f"\n       {p}" for p in o.problems), flush=True)

    started = time.monotonic()
    outcomes = sweep(categories, counts, args.seed, report=report)
    print(f"\nfault sweep, seed {args.seed}{', quick' if args.quick else ''} "
          f"({time.monotonic() - started:.0f} s){'' if os.geteuid() == 0 else ' (not root: no full-disk cases)'}")
    print(table(outcomes))
    return 0 if all(o.clean for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
