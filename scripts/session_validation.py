"""Two rendered sessions a week apart through the logbook: flags per rep against the injected fatigue.

Renders (or reuses) with :mod:`sprintlens.synth`:

- week 1: the sample session (``scripts/make_sample_videos.py``): 6 flying reps at 120 fps going
  evenly from fresh to fully fatigued (levels 0, 0.2 ... 1.0; at full fatigue contact time
  +12 %, speed -6 %, step length -5 %, hip extension at toe-off -6 deg, trunk lean +5 deg,
  knee drive -8 deg);
- week 2, seven days later: the same athlete faster and with shorter contacts (speed 9.5 ->
  9.8 m/s, contact 100 -> 96 ms, step length 2.10 -> 2.14 m), four fresh reps then fatigue
  levels 0.6 and 1.0;
- repeats: week 1's fresh rep rendered again with five other seeds (other crowd, same motion).

Then runs the command line as a coach would (``athlete add``, ``session`` for each week with a
session report, ``progress`` with a plot, ``review``, ``export``) on a fresh database in the work
folder, and prints a table of the flags per rep against each rep's injected fatigue level.

Usage: ``python scripts/session_validation.py --work DIR [--workers 2]``
(about 4 minutes of rendering the first time, then only the analysis).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import time
from pathlib import Path

from sprintlens.cli import main as cli
from sprintlens.synth import ClipSpec, render_clip
from sprintlens.synth.samples import WEEK1_LEVELS, WEEK2_LEVELS, session_rep_spec

ROOT = Path(__file__).resolve().parents[1]


def render(spec: ClipSpec, path: Path, sample: Path | None = None) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if sample is not None and sample.exists():
        shutil.copyfile(sample, path)
        shutil.copyfile(sample.with_suffix(".truth.json"), path.with_suffix(".truth.json"))
        print(f"copied {sample.name}", flush=True)
        return
    started = time.perf_counter()
    render_clip(spec, path)
    print(f"rendered {path.relative_to(path.parents[1])} in {time.perf_counter() - started:.0f} s", flush=True)


def run(*args: str) -> None:
    print(f"\n$ sprintlens {' '.join(args)}", flush=True)
    code = cli.main(list(args), prog_name="sprintlens", standalone_mode=False)
    if code:  # the error was printed by the command
        raise SystemExit(code)


def flags_per_rep(export: Path, session_id: int) -> dict[int, list[str]]:
    with open(export / "flags.csv") as fh:
        rows = [r for r in csv.DictReader(fh) if int(r["session_id"]) == session_id and r["severity"] == "warning"]
    out: dict[int, list[str]] = {}
    for r in rows:
        out.setdefault(int(r["rep"]), []).append(f"{r['label']} {float(r['change_pct']):+.1f} %" if r["change_pct"]
                                                 else f"{r['label']} {float(r['change']):+.1f} {r['unit']}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="folder for clips, database and outputs")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    work = args.work.resolve()
    samples = ROOT / "sample_videos"
    levels1 = list(WEEK1_LEVELS)
    for rep, level in enumerate(levels1, start=1):
        render(session_rep_spec(1, rep, level), work / "week1" / f"rep{rep}.mp4",
               samples / f"session_rep{rep}_120fps.mp4")
    for rep, level in enumerate(WEEK2_LEVELS, start=1):
        render(session_rep_spec(2, rep, level), work / "week2" / f"rep{rep}.mp4")
    for seed in (101, 102, 103, 104, 105):
        render(session_rep_spec(1, 1, 0.0, seed=seed), work / "repeats" / f"fresh_seed{seed}.mp4")

    db = work / "logbook.db"
    for path in work.glob("logbook.db*"):
        path.unlink()
    shutil.rmtree(work / "export", ignore_errors=True)
    workers = ["--workers", str(args.workers)] if args.workers else []
    run("athlete", "add", "Sam", "--height", "1.80", "--db", str(db))
    run("session", str(work / "week1"), "--athlete", "Sam", "--date", "2024-05-06", "--phase", "speed",
        "--location", "Track A", "-o", str(work / "out_week1"), "--db", str(db), "-q", *workers)
    run("session", str(work / "week2"), "--athlete", "Sam", "--date", "2024-05-13", "--phase", "speed",
        "--location", "Track A", "-o", str(work / "out_week2"), "--db", str(db), "-q", *workers)
    run("progress", "--athlete", "Sam", "--plot", str(work / "progress.png"), "--db", str(db))
    run("athlete", "add", "Repeat", "--height", "1.80", "--db", str(db))
    run("session", str(work / "repeats"), "--athlete", "Repeat", "--date",
        "2024-05-06", "--db", str(db), "-q", *workers)
    run("export", str(work / "export"), "--db", str(db))

    print("\nflags per rep against the injected fatigue level")
    for session_id, levels, label in ((1, levels1, "week 1"), (2, list(WEEK2_LEVELS), "week 2"), (3, [0.0] * 5,
                                                                                                  "repeats")):
        flags = flags_per_rep(work / "export", session_id)
        print(f"{label}:")
        for rep, level in enumerate(levels, start=1):
            shown = "; ".join(flags.get(rep, [])) or "-"
            print(f"  rep {rep}  fatigue {level:.1f}  {shown}")
    data = json.loads((work / "export" / "logbook.json").read_text())
    for athlete in data["athletes"]:
        for s in athlete["sessions"]:
            print(f"{athlete['name']} session {s['id']} advice: {' | '.join(s['advice'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
