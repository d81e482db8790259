"""The logbook commands on a database filled with synthetic reps of known fatigue (no video needed)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3

import pytest
from click.testing import CliRunner
from logbook_data import FRESH, fatigue_shift, synthetic_rep

from sprintlens.cli import main
from sprintlens.logbook.database import ENV_VAR
from sprintlens.logbook.session import store_session
from sprintlens.logbook.store import Store

WEEK1 = dt.date(2024, 5, 6)
WEEK2 = WEEK1 + dt.timedelta(days=7)


def snapshot(path):
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type='table' ORDER BY name")]
        return [(t, sorted(map(repr, conn.execute(f"SELECT * FROM {t}").fetchall()))) for t in tables]


@pytest.fixture
def logbook(tmp_path, monkeypatch):
    """Ann: session 1 (week 1) fresh for reps 1-4, fully fatigued reps 5-6; session 2 (week 2) fresh and faster."""
    db = tmp_path / "logbook.db"
    monkeypatch.setenv(ENV_VAR, str(db))
    with Store(db) as store:
        store.add_athlete("Ann", height_m=1.70, notes="400 m runner")
        week1 = [synthetic_rep(f"w1_rep{i}.mp4", seed=i, shift=fatigue_shift(1.0 if i >= 5 else 0.0))
                 for i in range(1, 7)]
        store_session(store, "Ann", week1, date=WEEK1, phase="speed", location="Track A")
        faster = {"step_velocity": 0.05 * FRESH["step_velocity"], "contact_s": -0.06 * FRESH["contact_s"]}
        week2 = [synthetic_rep(f"w2_rep{i}.mp4", seed=20 + i, shift=faster) for i in range(1, 5)]
        store_session(store, "Ann", week2, date=WEEK2, phase="speed", location="Track A")
    return db


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_lists(logbook):
    out = run("athletes").output
    assert "Ann" in out and "1.70" in out and "400 m runner" in out
    lines = run("athletes").output.splitlines()
    assert lines[1].split()[2:4] == ["2", "10"]  # sessions, reps
    out = run("sessions", "--athlete", "ann").output.splitlines()
    assert len(out) == 3 and "2024-05-06" in out[1] and "speed" in out[1] and "Track A" in out[1]
    out = run("reps", "1").output.splitlines()
    assert out[0] == "Ann: session 1, 2024-05-06, speed, Track A"
    assert len(out) == 2 + 6 and "w1_rep5.mp4" in out[6]


def test_rpe_and_notes(logbook):
    assert run("rpe", "5", "8").output.strip() == "rep 5 (w1_rep5.mp4): RPE 8"
    assert run("rpe", "5", "11").exit_code == 2
    result = run("rpe", "999", "5")
    assert result.exit_code == 1 and "no rep with id 999" in result.output
    run("note", "--rep", "5", "hamstring tight")
    run("note", "--rep", "5", "--append", "stopped after rep 6")
    run("note", "--session", "1", "headwind")
    with Store(logbook) as store:
        assert store.rep(5).rpe == 8
        assert store.rep(5).notes == "hamstring tight\nstopped after rep 6"
        assert store.session(1).notes == "headwind"
    assert run("rpe", "5", "none").output.strip() == "rep 5 (w1_rep5.mp4): RPE cleared"
    assert run("note", "text").exit_code == 2  # neither --rep nor --session


def test_delete_asks_first(logbook):
    before = snapshot(logbook)
    result = run("delete", "--rep", "2", input="n\n")
    assert result.exit_code == 1 and "delete rep 2 (w1_rep2.mp4) of Ann's session 1" in result.output
    assert snapshot(logbook) == before
    assert run("delete", "--rep", "2", "--yes").exit_code == 0
    result = run("delete", "--session", "2", input="y\n")
    assert result.exit_code == 0 and "with its 4 rep(s)" in result.output
    with Store(logbook) as store:
        assert [r.order for r in store.reps(1)] == [1, 3, 4, 5, 6]
        assert [s.id for s in store.sessions()] == [1]


def test_review_shows_flags_from_rep_5_and_writes_the_report(logbook, tmp_path):
    result = run("review", "1", "--html", str(tmp_path / "s1.html"))
    out = result.output
    assert result.exit_code == 0, out
    assert "baseline: reps 1-2 of this session" in out
    assert "From rep 5, " in out and "stop the speed work here or switch to technique-focused reps" in out
    flag_lines = [line for line in out.splitlines() if line.startswith("  [!]")]
    assert flag_lines and all(line.startswith(("  [!] rep 5", "  [!] rep 6")) for line in flag_lines)
    page = (tmp_path / "s1.html").read_text()
    for section in ("summary", "advice", "flags", "reps", "trends", "notes", "about"):
        assert f'id="{section}"' in page
    assert "From rep 5" in page and "data:image/png;base64," in page


def test_names_and_notes_are_escaped_in_the_report(logbook, tmp_path):
    run("athlete", "edit", "Ann", "--name", "<script>alert('x')</script>")
    run("note", "--session", "1", "<b>windy</b> & cold")
    run("review", "1", "--html", str(tmp_path / "s.html"))
    page = (tmp_path / "s.html").read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;b&gt;windy&lt;/b&gt; &amp; cold" in page


def test_progress_table_and_plot(logbook, tmp_path):
    result = run("progress", "--athlete", "Ann", "--plot", str(tmp_path / "p.png"))
    out = result.output
    assert result.exit_code == 0, out
    assert "Ann: progress over 2 sessions" in out
    speed = out[out.index("\nspeed ("):].split("\n\n")[0]
    assert "verdict: improved" in speed and "noise band (MDC95, 9 metrics together)" in speed
    contact = out[out.index("\ncontact time ("):].split("\n\n")[0]
    assert "verdict: improved" in contact
    hip = out[out.index("\nhip extension at toe-off ("):].split("\n\n")[0]
    assert "verdict: no real change" in hip  # session values use the fresh reps: rep 5-6 fatigue does not count
    assert "progress the load" in out
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    one = run("progress", "--athlete", "Ann", "--metric", "contact_s").output
    assert "speed (" not in one and "contact time (" in one
    assert run("progress", "--athlete", "Ann", "--plot", str(tmp_path / "p.gif")).exit_code == 1


def test_export_csv_and_json(logbook, tmp_path):
    result = run("export", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    with open(out / "flags.csv") as fh:
        flags = list(csv.DictReader(fh))
    warned = {(f["session_id"], f["rep"]) for f in flags if f["severity"] == "warning"}
    assert warned == {("1", "5"), ("1", "6")}
    assert {f["metric"] for f in flags if f["rep"] == "5"} >= {"contact_s", "hip_extension_toeoff_deg",
                                                                "knee_drive_deg"}
    with open(out / "reps.csv") as fh:
        reps = list(csv.DictReader(fh))
    assert len(reps) == 10 and reps[0]["athlete"] == "Ann" and float(reps[0]["contact_s_mean"]) > 0.09
    with open(out / "steps.csv") as fh:
        assert len(list(csv.DictReader(fh))) == 10 * 12
    with open(out / "progress.csv") as fh:
        progress = list(csv.DictReader(fh))
    assert {r["date"] for r in progress} == {"2024-05-06", "2024-05-13"}
    data = json.loads((out / "logbook.json").read_text())
    ann = data["athletes"][0]
    assert ann["name"] == "Ann" and len(ann["sessions"]) == 2
    assert ann["sessions"][0]["onset_rep"] == 5 and ann["sessions"][1]["flags"] == []
    assert ann["sessions"][0]["reps"][0]["steps"][0]["foot"] == "left"
    speed = next(m for m in ann["progress"]["metrics"] if m["metric"] == "step_velocity")
    assert speed["verdict"] == "improved" and len(speed["points"]) == 2


def test_unknown_athlete_is_a_clear_error_and_changes_nothing(logbook, tmp_path):
    before = snapshot(logbook)
    for args in (["progress", "--athlete", "Bob"], ["export", str(tmp_path / "x"), "--athlete", "Bob"],
                 ["sessions", "--athlete", "Bob"], ["session", str(tmp_path), "--athlete", "Bob"]):
        result = run(*args)
        assert result.exit_code == 1, args
        assert result.output.startswith("error: unknown athlete 'Bob' (known: Ann)"), result.output
    assert snapshot(logbook) == before
    assert not (tmp_path / "x").exists()


def test_athlete_add_edit_reference_and_delete(logbook):
    assert run("athlete", "add", "Bob", "--height", "1.85").exit_code == 0
    assert run("athlete", "add", "bob").output.startswith("error: athlete 'bob' already exists")
    out = run("athlete", "edit", "Ann", "--reference", "2").output
    assert out.strip() == "Ann: 1.70 m, reference session 2"
    review = run("review", "1").output
    assert "baseline: reps 1-2 of reference session 2, 2024-05-13, speed, Track A" in review
    assert "From rep 1," in review  # against the faster week-2 reps, all of week 1 is slower
    assert run("athlete", "edit", "Ann", "--reference", "1", "--no-reference").exit_code == 2
    result = run("athlete", "delete", "Ann", input="y\n")
    assert "delete Ann with 2 session(s) and 10 rep(s)?" in result.output
    assert run("athletes").output.splitlines()[1].startswith("Bob")


def test_missing_database_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "none.db"))
    result = run("athletes")
    assert result.exit_code == 1 and "no logbook database yet" in result.output
    assert not (tmp_path / "none.db").exists()
    assert run("--help").exit_code == 0
    assert run("athletes", "--db", str(tmp_path / "other.db")).exit_code == 1
