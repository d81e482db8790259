"""The logbook database: round trips, updates instead of duplicates, transactions, concurrency, migrations."""

from __future__ import annotations

import datetime as dt
import math
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest
from logbook_data import run_at_once, synthetic_rep

from sprintlens.core.errors import StoreError
from sprintlens.logbook.database import ENV_VAR, default_db_path, resolve_db_path
from sprintlens.logbook.store import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, Store

DAY = dt.date(2024, 5, 1)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "logbook.db"


@pytest.fixture
def store(db):
    with Store(db) as s:
        yield s


def snapshot(path: Path) -> list[tuple]:
    """Every row of every table, to compare a database before and after."""
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type='table' ORDER BY name")]
        return [(t, sorted(map(repr, conn.execute(f"SELECT * FROM {t}").fetchall()))) for t in tables]


def test_new_database_has_the_current_schema_and_is_marked_as_a_logbook(db):
    with Store(db) as s:
        assert s.schema_version == SCHEMA_VERSION == 2
        assert s.counts() == {t: 0 for t in s.counts()}
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_rep_round_trip_keeps_every_value_and_missing_ones(store):
    ann = store.add_athlete("Ann", height_m=1.70, notes="400 m")
    session = store.add_session(ann.id, DAY, location="Track A", phase="Speed", notes="windy")
    rep = synthetic_rep("rep1.mp4", seed=1)
    steps = rep.steps.rows()
    steps[3] = {**steps[3], "knee_drive_deg": math.nan}
    rep = replace(rep, steps=tuple(steps))
    saved = store.save_rep(session.id, rep)
    assert saved.order == 1 and saved.session_id == session.id
    back = store.rep(saved.id)
    assert back.video_sha256 == rep.video_sha256 and back.capture == rep.capture
    assert back.steps.n_steps == 12
    for got, want in zip(back.steps.rows(), rep.steps.rows()):
        for key, value in want.items():
            if isinstance(value, float) and math.isnan(value):
                assert math.isnan(got[key]), key
            else:
                assert got[key] == pytest.approx(value), key
    assert back.trends["contact_s"]["mean"] == pytest.approx(rep.trends["contact_s"]["mean"])
    assert math.isnan(back.values["block_time_s"])
    assert store.session(session.id).phase == "speed"  # phases are stored lower-case
    assert store.session(session.id).n_reps == 1


def test_a_clip_analysed_twice_is_updated_not_duplicated_and_keeps_rpe_and_notes(store):
    ann = store.add_athlete("Ann")
    session = store.add_session(ann.id, DAY)
    first = store.save_rep(session.id, synthetic_rep("rep1.mp4", seed=1, sha="a" * 64))
    store.save_rep(session.id, synthetic_rep("rep2.mp4", seed=2, sha="b" * 64))
    store.set_rpe(first.id, 7)
    store.set_rep_notes(first.id, "felt tight")
    again = synthetic_rep("rep1-renamed.mp4", seed=5, sha="a" * 64, shift={"contact_s": 0.01})
    updated = store.save_rep(session.id, again)
    assert updated.id == first.id and updated.order == 1
    assert updated.rpe == 7 and updated.notes == "felt tight"
    assert updated.video_name == "rep1-renamed.mp4"
    assert updated.trends["contact_s"]["mean"] == pytest.approx(again.trends["contact_s"]["mean"])
    assert store.counts()["reps"] == 2
    assert store.counts()["steps"] == 24  # the old steps were replaced, not added to


def test_a_clip_stored_in_another_session_is_refused_and_nothing_changes(store, db):
    ann = store.add_athlete("Ann")
    s1 = store.add_session(ann.id, DAY)
    s2 = store.add_session(ann.id, DAY + dt.timedelta(days=7))
    store.save_rep(s1.id, synthetic_rep("rep1.mp4", sha="a" * 64))
    before = snapshot(db)
    with pytest.raises(StoreError, match="already rep 1 of Ann's session"):
        store.save_rep(s2.id, synthetic_rep("rep1.mp4", sha="a" * 64))
    assert snapshot(db) == before


def test_athletes_unique_case_insensitive_and_unknown_names_the_known(store):
    store.add_athlete("Ann Smith")
    with pytest.raises(StoreError, match="already exists"):
        store.add_athlete("ann  smith")
    with pytest.raises(StoreError, match=r"unknown athlete 'Bob' \(known: Ann Smith\)"):
        store.athlete("Bob")
    assert store.athlete("ANN SMITH").name == "Ann Smith"


def test_names_and_notes_are_stored_verbatim_never_run_as_sql(store):
    name = "O'Brien\"; DROP TABLE athletes; --"
    athlete = store.add_athlete(name, notes="'); DELETE FROM reps; --")
    assert store.athlete(name).id == athlete.id
    assert store.athlete(name).notes == "'); DELETE FROM reps; --"
    assert [a.name for a in store.athletes()] == [name]


@pytest.mark.parametrize("rpe", [0, 11, 5.5, -1])
def test_rpe_must_be_1_to_10(store, rpe):
    ann = store.add_athlete("Ann")
    rep = store.save_rep(store.add_session(ann.id, DAY).id, synthetic_rep())
    with pytest.raises(StoreError, match="RPE"):
        store.set_rpe(rep.id, rpe)
    assert store.set_rpe(rep.id, 10).rpe == 10
    assert store.set_rpe(rep.id, None).rpe is None


def test_bad_heights_and_empty_names_are_refused(store):
    with pytest.raises(StoreError, match="height"):
        store.add_athlete("Ann", height_m=18.0)
    with pytest.raises(StoreError, match="name"):
        store.add_athlete("   ")


def test_deleting_cascades_and_leaves_other_reps_numbered(store):
    ann = store.add_athlete("Ann")
    s1 = store.add_session(ann.id, DAY)
    reps = [store.save_rep(s1.id, synthetic_rep(f"rep{i}.mp4", seed=i)) for i in (1, 2, 3)]
    store.delete_rep(reps[1].id)
    assert [r.order for r in store.reps(s1.id)] == [1, 3]
    assert store.counts()["steps"] == 24 and store.counts()["step_values"] > 0
    store.update_athlete("Ann", reference_session_id=s1.id)
    assert store.delete_session(s1.id) == 2
    assert store.athlete("Ann").reference_session_id is None  # ON DELETE SET NULL
    assert {k: v for k, v in store.counts().items() if k != "athletes"} == {
        "sessions": 0, "reps": 0, "rep_values": 0, "rep_trends": 0, "steps": 0, "step_values": 0}
    s2 = store.add_session(ann.id, DAY)
    store.save_rep(s2.id, synthetic_rep())
    assert store.delete_athlete("Ann") == (1, 1)
    assert sum(store.counts().values()) == 0
    assert store.integrity_ok()


def test_reference_session_must_be_the_athletes_own(store):
    ann, bob = store.add_athlete("Ann"), store.add_athlete("Bob")
    theirs = store.add_session(bob.id, DAY)
    with pytest.raises(StoreError, match="Bob's, not Ann's"):
        store.update_athlete("Ann", reference_session_id=theirs.id)
    assert store.athlete_by_id(ann.id).reference_session_id is None


def test_ctrl_c_in_the_middle_of_a_write_leaves_the_database_as_it_was(store, db, monkeypatch):
    ann = store.add_athlete("Ann")
    session = store.add_session(ann.id, DAY)
    store.save_rep(session.id, synthetic_rep("rep1.mp4", seed=1, sha="a" * 64))
    before = snapshot(db)
    original = Store._write_metrics

    def interrupted(self, rep_id, rep):
        original(self, rep_id, rep)  # rows are written inside the transaction ...
        raise KeyboardInterrupt  # ... then Ctrl-C

    monkeypatch.setattr(Store, "_write_metrics", interrupted)
    with pytest.raises(KeyboardInterrupt):  # an update of the stored rep
        store.save_rep(session.id, synthetic_rep("rep1.mp4", seed=9, sha="a" * 64))
    with pytest.raises(KeyboardInterrupt):  # and a new one
        store.save_rep(session.id, synthetic_rep("rep2.mp4", seed=2))
    assert snapshot(db) == before
    monkeypatch.setattr(Store, "_write_metrics", original)
    assert store.save_rep(session.id, synthetic_rep("rep2.mp4", seed=2)).order == 2  # the store still works


KILLED_WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {tests!r})
    from logbook_data import synthetic_rep
    from sprintlens.logbook.store import Store
    store = Store({db!r})
    with store.transaction():
        ann = store.athlete("Ann")
        s = store.add_session(ann.id, __import__("datetime").date(2024, 5, 8))
        for i in range(3):
            store.save_rep(s.id, synthetic_rep(f"late{{i}}.mp4", seed=100 + i))
        print("written", flush=True)
        time.sleep(60)  # killed here, before the commit
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_process_killed_mid_write_leaves_the_database_as_it_was(db):
    with Store(db) as s:
        ann = s.add_athlete("Ann")
        s.save_rep(s.add_session(ann.id, DAY).id, synthetic_rep())
    before = snapshot(db)
    script = KILLED_WRITER.format(tests=str(Path(__file__).parents[1]), db=str(db))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "written"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert snapshot(db) == before
    with Store(db) as s:
        assert s.integrity_ok() and s.counts()["reps"] == 1


def _add_reps(db: str, athlete: str, tag: str, n: int, barrier) -> None:
    from logbook_data import synthetic_rep as make

    from sprintlens.logbook.store import Store as S

    barrier.wait()
    with S(db) as s:
        for i in range(n):
            with s.transaction():
                who = s.athlete(athlete)
                found = s.find_sessions(who.id, dt.date(2024, 5, 1))
                session = found[-1] if found else s.add_session(who.id, dt.date(2024, 5, 1))
                s.save_rep(session.id, make(f"{tag}{i}.mp4", seed=i))


def test_two_writers_at_once_both_land_in_full(db):
    with Store(db) as s:
        s.add_athlete("Ann")
        s.add_athlete("Bob")
    assert run_at_once(_add_reps, [(str(db), who, who, 12) for who in ("Ann", "Bob")]) == [0, 0]
    with Store(db) as s:
        assert s.integrity_ok()
        for who in ("Ann", "Bob"):
            sessions = s.sessions(s.athlete(who).id)
            assert len(sessions) == 1
            assert [r.order for r in s.reps(sessions[0].id)] == list(range(1, 13))


def make_v1_database(path: Path) -> None:
    """A logbook as SprintLens wrote it at schema version 1, with data in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("INSERT INTO athletes (name, height_m, notes, created_utc) VALUES ('Ann', 1.7, 'old', 'x')")
    conn.execute("INSERT INTO sessions (athlete_id, date, phase, created_utc) VALUES (1, '2024-04-01', 'speed', 'x')")
    conn.execute("INSERT INTO reps (session_id, rep_order, video_sha256, video_name, rpe) "
                 "VALUES (1, 1, 'abc', 'old.mp4', 6)")
    conn.close()


def test_a_version_1_database_is_migrated_with_its_data_and_a_backup(tmp_path):
    db = tmp_path / "old.db"
    make_v1_database(db)
    with Store(db) as s:
        assert s.schema_version == SCHEMA_VERSION
        ann = s.athlete("Ann")
        assert ann.height_m == 1.7 and ann.notes == "old" and ann.reference_session_id is None
        assert [r.rpe for r in s.reps(1)] == [6]
        s.update_athlete("Ann", reference_session_id=1)  # the v2 column works
        assert s.integrity_ok()
    backup = tmp_path / "old.db.v1.bak"
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1


def test_a_database_from_a_newer_sprintlens_is_refused_untouched(tmp_path):
    db = tmp_path / "new.db"
    make_v1_database(db)
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = db.read_bytes()
    with pytest.raises(StoreError, match="newer SprintLens"):
        Store(db)
    assert db.read_bytes() == before


def test_files_that_are_not_logbooks_are_refused(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("not a database\n" * 100)
    with pytest.raises(StoreError, match="not a SprintLens database"):
        Store(text)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE x (y)")
    with pytest.raises(StoreError, match="not a SprintLens logbook"):
        Store(other)
    with pytest.raises(StoreError, match="no logbook database yet"):
        Store(tmp_path / "missing.db", create=False)
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "no" / "such" / "folder.db")


def test_database_location_explicit_then_environment_then_user_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert resolve_db_path() == default_db_path()
    assert default_db_path().name == "sprintlens.db" and "sprintlens" in str(default_db_path().parent)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env.db"))
    assert resolve_db_path() == tmp_path / "env.db"
    assert resolve_db_path(tmp_path / "given.db") == tmp_path / "given.db"
    with Store() as s:
        assert s.path == tmp_path / "env.db"
    assert (tmp_path / "env.db").exists()


def test_a_second_writer_waits_for_the_first_instead_of_failing(db):
    import threading

    with Store(db) as s:
        s.add_athlete("Ann")
    done = []

    def second_writer():
        with Store(db, timeout_s=10) as waiter:
            done.append(waiter.add_athlete("Cy"))

    with Store(db) as holder, holder.transaction():
        holder.add_athlete("Bob")
        thread = threading.Thread(target=second_writer)
        thread.start()
        time.sleep(0.5)
        assert not done  # blocked by the open transaction, not failed
    thread.join(timeout=10)
    assert done
    with Store(db) as s:
        assert [a.name for a in s.athletes()] == ["Ann", "Bob", "Cy"]
