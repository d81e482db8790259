"""``sprintlens session``, ``progress``, ``review`` and ``export`` end to end on two sessions a week apart.

The reps are the generator's ground-truth pose tracks (the real analysis, a perfect pose model), so
the known answers are the injected fatigue levels: week 1 goes evenly from fresh to fully fatigued
(levels 0, 0.2 ... 1.0), week 2 is faster with four fresh reps, then levels 0.6 and 1.0.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner
from truth_sessions import WEEK1_LEVELS, WEEK2_LEVELS, write_week

from sprintlens.cli import main
from sprintlens.logbook.database import ENV_VAR
from sprintlens.logbook.store import Store

#: What full fatigue changes beyond the noise on these tracks, at least.
FATIGUE_SIGNS = {"step_velocity", "hip_extension_toeoff_deg", "knee_drive_deg", "trunk_lean_touchdown_deg"}


@pytest.fixture(scope="module")
def weeks(tmp_path_factory):
    root = tmp_path_factory.mktemp("weeks")
    write_week(root / "week1", 1)
    write_week(root / "week2", 2)
    return root


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "logbook.db"
    monkeypatch.setenv(ENV_VAR, str(path))
    assert CliRunner().invoke(main, ["athlete", "add", "Sam", "--height", "1.80"]).exit_code == 0
    return path


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result


def snapshot(path):
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type='table' ORDER BY name")]
        return [(t, sorted(map(repr, conn.execute(f"SELECT * FROM {t}").fetchall()))) for t in tables]


def warnings_by_rep(db_path, session_id, use_history=True):
    from sprintlens.logbook.session import assess_stored_session

    with Store(db_path) as store:
        a = assess_stored_session(store, session_id, use_history=use_history)
    return a, {r: {c.metric for c in a.warnings(r)} for r in a.compared}


@pytest.fixture(scope="module")
def two_weeks(weeks, tmp_path_factory):
    """Sam's two weeks in a logbook shared by the tests that only read it."""
    db = tmp_path_factory.mktemp("two_weeks") / "logbook.db"
    assert run("athlete", "add", "Sam", "--height", "1.80", "--db", db).exit_code == 0
    first = run("session", weeks / "week1", "--athlete", "Sam", "--date", "2024-05-06", "--phase", "speed",
                "--workers", "2", "--db", db)
    second = run("session", weeks / "week2", "--athlete", "Sam", "--date", "2024-05-13", "--phase", "speed",
                 "--workers", "1", "-o", db.parent / "out", "--db", db)
    return first, second, db


def test_week1_flags_grow_with_the_injected_fatigue(two_weeks):
    first, _, db = two_weeks
    assert first.exit_code == 0, first.output + first.stderr
    assert "new session 1 (2024-05-06), 6 rep(s) added, 0 updated" in first.output
    assert "baseline: reps 1-2 of this session" in first.output
    a, flagged = warnings_by_rep(db, 1, use_history=False)  # as judged when it was stored (no history yet)
    assert a.compared == (3, 4, 5, 6)
    assert FATIGUE_SIGNS <= flagged[6], flagged[6]  # full fatigue: speed, hip extension, knee drive, trunk lean
    onset = a.onset_rep
    assert onset in (3, 4, 5)
    assert all(flagged[r] for r in range(onset, 7))  # once it starts, it stays
    assert all(WEEK1_LEVELS[r - 1] >= 0.4 for r in flagged if flagged[r])
    assert f"From rep {onset}, " in first.output and "stop the speed work here" in first.output


def test_week2_fresh_reps_get_no_flags_and_the_fatigued_ones_do(two_weeks):
    _, second, db = two_weeks
    assert second.exit_code == 0, second.output + second.stderr
    a, flagged = warnings_by_rep(db, 2)
    assert [WEEK2_LEVELS[r - 1] for r in a.compared] == [0.0, 0.0, 0.6, 1.0]
    assert flagged[3] == flagged[4] == set()  # fresh
    assert FATIGUE_SIGNS <= flagged[6]
    assert a.onset_rep == 5
    report = (db.parent / "out" / "session_report.html").read_text()
    assert "From rep 5, " in report and 'id="trends"' in report and 'id="reps"' in report
    assert len(list((db.parent / "out").glob("rep0*_rep*/summary.json"))) == 6


def test_progress_and_export_show_the_faster_week(two_weeks, tmp_path):
    db = two_weeks[2]
    out = run("progress", "--athlete", "Sam", "--plot", tmp_path / "progress.svg", "--db", db)
    assert out.exit_code == 0, out.output
    speed = out.output[out.output.index("\nspeed ("):].split("\n\n")[0]
    assert "verdict: improved" in speed  # 9.5 -> 9.8 m/s injected
    for metric in ("hip extension at toe-off", "knee drive", "thigh separation"):
        block = out.output[out.output.index(f"\n{metric} ("):].split("\n\n")[0]
        assert "verdict: no real change" in block, block
    assert (tmp_path / "progress.svg").read_text().lstrip().startswith("<?xml")
    assert run("export", tmp_path / "export", "--db", db).exit_code == 0
    with open(tmp_path / "export" / "flags.csv") as fh:
        flags = [r for r in csv.DictReader(fh) if r["severity"] == "warning"]
    week2 = {int(r["rep"]) for r in flags if r["session_id"] == "2"}
    assert week2 == {5, 6}
    with open(tmp_path / "export" / "progress.csv") as fh:
        rows = [r for r in csv.DictReader(fh) if r["metric"] == "step_velocity"]
    assert [r["date"] for r in rows] == ["2024-05-06", "2024-05-13"]
    assert float(rows[1]["value"]) > float(rows[0]["value"])


def test_a_session_analysed_again_is_updated_not_duplicated(weeks, db):
    first = run("session", weeks / "week1", "--athlete", "Sam", "--date", "2024-05-06", "--workers", "1")
    assert first.exit_code == 0 and "new session 1 (2024-05-06), 6 rep(s) added" in first.output
    with Store(db) as store:
        store.set_rpe(store.reps(1)[2].id, 7)
    again = run("session", weeks / "week1", "--athlete", "Sam", "--workers", "1")
    assert "existing session 1 (2024-05-06), 0 rep(s) added, 6 updated" in again.output
    with Store(db) as store:
        assert store.counts()["reps"] == 6 and len(store.sessions()) == 1
        assert store.reps(1)[2].rpe == 7


def test_bad_input_is_a_clear_error_and_leaves_the_database_intact(weeks, db, tmp_path):
    undated = run("session", weeks / "week1", "--athlete", "Sam", "--workers", "1")
    assert undated.exit_code == 0
    assert f"({dt.date.today().isoformat()}, today (the clips do not say when they were filmed))" in undated.output
    before = snapshot(db)
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    shutil.copy(weeks / "week2" / "rep1.npz", mixed / "rep1.npz")
    (mixed / "rep2.mp4").write_text("not a video")
    empty = tmp_path / "empty"
    empty.mkdir()
    cases = {
        ("session", mixed / "rep1.npz", mixed / "rep2.mp4"): "rep2.mp4: cannot be read as a video",
        ("session", mixed): "rep2.mp4: cannot be read as a video",
        ("session", empty): "no video files in this folder",
        ("session", tmp_path / "nope"): "no such file or folder",
    }
    for args, message in cases.items():
        result = run(*args, "--athlete", "Sam")
        assert result.exit_code == 1 and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    result = run("session", weeks / "week2", "--athlete", "Nobody")
    assert result.exit_code == 1 and result.stderr.startswith("error: unknown athlete 'Nobody' (known: Sam)")
    assert snapshot(db) == before


def test_a_clip_failing_in_a_worker_process_stores_nothing(weeks, db, tmp_path):
    from sprintlens.capture.trackfile import load_track, save_track
    from sprintlens.core.track import PoseTrack

    folder = tmp_path / "clips"
    folder.mkdir()
    shutil.copy(weeks / "week1" / "rep1.npz", folder / "rep1.npz")
    whole = load_track(weeks / "week1" / "rep2.npz")
    fields = {name: getattr(whole, name)[:5] for name in ("positions_px", "depth_px", "visibility", "presence",
                                                          "t_s", "frame_index")}
    save_track(PoseTrack(**fields, fps=whole.fps, frame_size=whole.frame_size, video_sha256="f" * 64),
               folder / "rep2.npz")  # loads fine, but 5 frames cannot be analysed
    before = snapshot(db)
    result = run("session", folder, "--athlete", "Sam", "--workers", "2")
    assert result.exit_code == 1 and "rep2.npz: the athlete is seen in only 5 frames" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(db) == before


def test_ctrl_c_during_the_analysis_stores_nothing(weeks, db, monkeypatch):
    import sprintlens.logbook.session as command  # the command imports analyse_reps from here when it runs

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    before = snapshot(db)
    monkeypatch.setattr(command, "analyse_reps", interrupted)
    result = run("session", weeks / "week1", "--athlete", "Sam")
    assert result.exit_code == 130 and "interrupted: nothing was written" in result.stderr
    assert snapshot(db) == before


def test_two_session_commands_writing_at_once(weeks, db):
    run("athlete", "add", "Kim", "--height", "1.75")
    code = "import sys; from sprintlens.cli import main; sys.exit(main())"
    procs = [subprocess.Popen([sys.executable, "-c", code, "session", str(weeks / week), "--athlete", who, "--date",
                               "2024-05-06", "--workers", "1", "-q", "--db", str(db)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for week, who in (("week1", "Sam"), ("week2", "Kim"))]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    with Store(db) as store:
        assert store.integrity_ok()
        for who in ("Sam", "Kim"):
            (only,) = store.sessions(store.athlete(who).id)
            assert [r.order for r in store.reps(only.id)] == [1, 2, 3, 4, 5, 6]
