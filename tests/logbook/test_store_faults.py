"""The logbook when storage fails: a damaged file, read-only storage, a full disk, a lock held too long;
checks and backups; text with terminal control codes; one height range with the analysis."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from logbook_data import synthetic_rep
from storage import fill, remount_readonly, tmpfs

from sprintlens.analysis.scale import scale_from_height
from sprintlens.core.errors import AnalysisError, StoreError
from sprintlens.core.limits import HEIGHT_RANGE_M, plausible_height
from sprintlens.logbook.database import (
    LogbookBusyError,
    LogbookDamagedError,
    LogbookFullError,
    LogbookReadOnlyError,
    NotALogbookError,
    latest_backup,
)
from sprintlens.logbook.session import store_session
from sprintlens.logbook.store import APPLICATION_ID, MIGRATIONS, Store

DAY = dt.date(2024, 5, 1)


def make_logbook(path: Path, reps: int = 3) -> Path:
    with Store(path) as store:
        store.add_athlete("Ann", height_m=1.70)
        store_session(store, "Ann", [synthetic_rep(f"rep{i}.mp4", seed=i) for i in range(1, reps + 1)], date=DAY)
    return path


def snapshot(path: Path) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type='table' ORDER BY name")]
        return [(t, sorted(map(repr, conn.execute(f"SELECT * FROM {t}").fetchall()))) for t in tables]


def damage(path: Path, offset: int = 20000, size: int = 4096) -> None:
    """Write garbage over part of the file (past the first page, so it still opens)."""
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(b"\xde\xad" * (size // 2))


@pytest.fixture
def db(tmp_path):
    return make_logbook(tmp_path / "logbook.db")


# -- a damaged file -----------------------------------------------------------------------


def test_a_damaged_file_is_a_one_line_error_naming_the_file_and_what_to_do(db):
    damage(db)
    with pytest.raises(LogbookDamagedError) as caught:
        with Store(db, readonly=True) as store:
            store.reps(1)
    message = str(caught.value)
    assert "\n" not in message
    assert f"the logbook {db} is damaged (database disk image is malformed)" in message
    assert "sprintlens logbook check" in message and "backup" in message
    with pytest.raises(LogbookDamagedError, match="nothing was changed|damaged"):
        with Store(db) as store:
            store.delete_rep(1)


def test_the_damage_message_names_the_newest_backup_beside_the_logbook(db):
    with Store(db) as store:
        old = store.backup(db.with_name("logbook.db.v1.bak"))
        os.utime(old, (time.time() - 3600, time.time() - 3600))
        newest = store.backup()
    assert newest.name.startswith("logbook.db.") and newest.suffix == ".bak"
    assert latest_backup(db) == newest
    damage(db)
    with pytest.raises(LogbookDamagedError, match=f"restore the backup made at .* UTC \\({newest}\\)"):
        with Store(db, readonly=True) as store:
            store.reps(1)


def test_check_finds_damage_and_passes_a_sound_logbook(db):
    with Store(db, readonly=True) as store:
        assert store.check() == [] and store.integrity_ok()
    damage(db)
    with Store(db, readonly=True) as store:
        problems = store.check()
        assert problems and not store.integrity_ok()
        assert any("malformed" in p for p in problems)


def test_check_reports_broken_foreign_keys(db):
    with sqlite3.connect(db) as conn:  # foreign keys are off in a plain connection
        conn.execute("DELETE FROM sessions")
    with Store(db, readonly=True) as store:
        problems = store.check()
    assert any(p.startswith("reps row") and "sessions" in p for p in problems)


def test_a_file_damaged_from_the_first_page_is_not_a_logbook_and_says_it_may_be_damaged(db):
    with open(db, "r+b") as fh:
        fh.write(b"\xde\xad" * 50)
    with pytest.raises(NotALogbookError, match="not a SprintLens database .*if it was your logbook, it is damaged"):
        Store(db, readonly=True)


# -- backups ------------------------------------------------------------------------------


def test_backup_is_a_consistent_self_contained_copy_written_atomically(db, tmp_path):
    target = tmp_path / "copies" / "logbook-backup.db"
    target.parent.mkdir()
    with Store(db, readonly=True) as store:
        assert store.backup(target) == target
    assert snapshot(target) == snapshot(db)
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert sorted(p.name for p in target.parent.iterdir()) == ["logbook-backup.db"]  # no temporary files left
    with Store(target, readonly=True) as copy:
        assert copy.check() == [] and [a.name for a in copy.athletes()] == ["Ann"]


def test_a_damaged_logbook_is_not_backed_up_over_a_good_backup(db, tmp_path):
    target = tmp_path / "good.bak"
    with Store(db) as store:
        store.backup(target)
    before = target.read_bytes()
    damage(db)
    with Store(db, readonly=True) as store, pytest.raises(LogbookDamagedError, match="no backup was written"):
        store.backup(target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_backup_refuses_the_logbook_itself(db):
    with Store(db) as store, pytest.raises(StoreError, match="is the logbook itself"):
        store.backup(db)


def test_a_migration_backup_is_written_atomically_through_the_backup_api(tmp_path):
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old, isolation_level=None)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("INSERT INTO athletes (name, height_m, notes, created_utc) VALUES ('Ann', 1.7, '', 'x')")
    conn.close()
    stale = tmp_path / "old.db.v1.bak"
    stale.write_bytes(b"a half-written copy from an interrupted run")
    with Store(old):
        pass
    with Store(stale, readonly=True) as backup:  # upgraded on open; the backup itself was version 1
        assert [a.name for a in backup.athletes()] == ["Ann"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# -- read-only storage --------------------------------------------------------------------


def test_a_readonly_store_refuses_changes_even_in_sql_and_leaves_no_files_behind(db):
    before = snapshot(db)
    with Store(db, readonly=True) as store:
        assert [a.name for a in store.athletes()] == ["Ann"]
        with pytest.raises(LogbookReadOnlyError, match="reading only"):
            store.set_rpe(1, 5)
        with pytest.raises(LogbookReadOnlyError):
            store._conn.execute("DELETE FROM athletes")  # even SQL past the store's methods
    assert snapshot(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["logbook.db"]  # SQLite removed its -wal and -shm


def test_read_only_storage_is_read_and_changes_say_why_they_cannot_be_made(db, tmp_path):
    with tmpfs(tmp_path / "ro") as folder:
        copy = folder / "logbook.db"
        shutil.copy(db, copy)
        remount_readonly(folder)
        with Store(copy, readonly=True) as store:  # WAL: the -shm cannot be made here, so it opens immutable
            assert [a.name for a in store.athletes()] == ["Ann"]
            assert len(store.reps(1)) == 3 and store.check() == []
        with pytest.raises(LogbookReadOnlyError, match="read-only storage") as caught:
            Store(copy)
        assert "not a SprintLens database" not in str(caught.value)
        assert "sprintlens logbook backup COPY" in str(caught.value)
        assert sorted(p.name for p in folder.iterdir()) == ["logbook.db"]


def test_an_immutable_file_in_a_writable_folder_is_read(db):
    if shutil.which("chattr") is None or os.geteuid() != 0:
        pytest.skip("needs chattr and root")
    if os.system(f"chattr +i {db} 2>/dev/null") != 0:
        pytest.skip("the file system does not support chattr +i")
    try:
        with Store(db, readonly=True) as store:
            assert [a.name for a in store.athletes()] == ["Ann"]
        with pytest.raises(LogbookReadOnlyError, match="read-only storage or not writable"):
            Store(db)
    finally:
        os.system(f"chattr -i {db}")


# -- a full disk --------------------------------------------------------------------------


def test_a_full_disk_still_reads_and_says_full_when_writing(db, tmp_path):
    with tmpfs(tmp_path / "full", size="256k") as folder:
        copy = folder / "logbook.db"
        shutil.copy(db, copy)
        before = snapshot(copy)
        fill(folder)
        with Store(copy, readonly=True) as store:
            assert [a.name for a in store.athletes()] == ["Ann"] and len(store.reps(1)) == 3
        with pytest.raises(LogbookFullError, match=f"the disk holding {copy} is full") as caught:
            with Store(copy) as store:
                store.add_athlete("Bob", notes="x" * 100_000)
        assert "disk I/O error" not in str(caught.value).split("(")[0]
        (folder / "filler").unlink()
        assert snapshot(copy) == before


def test_a_backup_onto_a_full_disk_says_so_and_leaves_nothing(db, tmp_path):
    with tmpfs(tmp_path / "full", size="64k") as folder:
        fill(folder)
        with Store(db, readonly=True) as store, pytest.raises(LogbookFullError, match="is full"):
            store.backup(folder / "backup.db")
        assert sorted(p.name for p in folder.iterdir()) == ["filler"]


def test_a_logbook_cannot_be_created_in_a_read_only_folder(tmp_path):
    with tmpfs(tmp_path / "ro") as folder:
        remount_readonly(folder)
        with pytest.raises(LogbookReadOnlyError, match="cannot create the logbook .*--db"):
            Store(folder / "new.db")


def test_a_disk_that_fills_during_a_write_rolls_back_and_says_so(db, tmp_path):
    with tmpfs(tmp_path / "full", size="512k") as folder:
        copy = folder / "logbook.db"
        shutil.copy(db, copy)
        before = snapshot(copy)
        with Store(copy) as store:
            store.athletes()
            fill(folder)
            with pytest.raises(LogbookFullError, match="is full .*nothing was changed"):
                store.add_athlete("Bob", notes="x" * 400_000)
        (folder / "filler").unlink()
        assert snapshot(copy) == before


# -- a lock held too long -----------------------------------------------------------------


def test_a_lock_held_too_long_is_busy_not_an_internal_error(db):
    with Store(db) as holder, holder.transaction():
        holder.add_athlete("Bob")
        with Store(db, timeout_s=0.1) as other:
            with pytest.raises(LogbookBusyError, match="busy: another SprintLens is using it.*nothing was changed"):
                other.add_athlete("Cy")


# -- control characters -------------------------------------------------------------------

TITLE = "Eve\x1b]0;pwned\x07"


@pytest.mark.parametrize("bad", [TITLE, "A\x1b[2J", "A\x00", "A\x7f", "A\x9b31m", "A\x1fB"])
def test_names_with_control_characters_are_refused_naming_the_field(tmp_path, bad):
    with Store(tmp_path / "l.db") as store:
        with pytest.raises(StoreError, match="^athlete name: contains a control character") as caught:
            store.add_athlete(bad)
        assert "\x1b" not in str(caught.value) and "\n" not in str(caught.value)
        assert store.athletes() == []


def test_locations_and_notes_with_control_characters_are_refused_each_by_name(store_with_session):
    store, session_id, rep_id = store_with_session
    with pytest.raises(StoreError, match="^session location:"):
        store.update_session(session_id, location="Track\x1b[2J")
    with pytest.raises(StoreError, match="^session notes:"):
        store.update_session(session_id, notes="windy\x1b]0;x\x07")
    with pytest.raises(StoreError, match="^session phase:"):
        store.update_session(session_id, phase="speed\x08\x08")
    with pytest.raises(StoreError, match="^rep notes:"):
        store.set_rep_notes(rep_id, "tight\rOK")
    with pytest.raises(StoreError, match="^athlete notes:"):
        store.update_athlete("Ann", notes="\x1b[31mred")
    with pytest.raises(StoreError, match="^session location:"):
        store.add_session(store.athlete("Ann").id, DAY, location="\x1b[1mA")
    # notes keep line breaks and tabs; Windows line ends become plain ones
    assert store.set_rep_notes(rep_id, "left hamstring\ttight\r\nstopped").notes == "left hamstring\ttight\nstopped"
    assert store.update_session(session_id, notes="windy\nwet").notes == "windy\nwet"
    assert store.add_athlete("Zoë Ōkubo-Núñez").name == "Zoë Ōkubo-Núñez"  # letters of every script are fine


@pytest.fixture
def store_with_session(db):
    with Store(db) as store:
        session = store.sessions()[0]
        yield store, session.id, store.reps(session.id)[0].id


def test_names_planted_by_an_older_sprintlens_are_escaped_in_messages(db):
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE athletes SET name = ?", (TITLE,))
    with Store(db, readonly=True) as store, pytest.raises(StoreError) as caught:
        store.athlete("Nobody")
    assert "\x1b" not in str(caught.value) and "Eve\\x1b]0;pwned\\x07" in str(caught.value)


# -- one height range ---------------------------------------------------------------------


def test_the_logbook_accepts_exactly_the_heights_the_analysis_accepts(tmp_path):
    low, high = HEIGHT_RANGE_M
    with Store(tmp_path / "l.db") as store:
        for i, height in enumerate([low, 1.78, high]):
            assert store.add_athlete(f"A{i}", height_m=height).height_m == height
            scale_from_height(400.0, height)
        for height in [0.9, low - 0.01, high + 0.01, 18.0, float("nan"), float("inf")]:
            assert not plausible_height(height)
            with pytest.raises(StoreError, match=r"not a plausible standing height \(1.0-2.5 m\)"):
                store.add_athlete("B", height_m=height)
            with pytest.raises(AnalysisError, match="1.0-2.5 m"):
                scale_from_height(400.0, height)
