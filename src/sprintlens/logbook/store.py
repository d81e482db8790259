r"""The coach's logbook on SQLite: athletes, sessions, reps and their metrics.

This is the only module that knows SQL; every query is parameterised.  Everything else works
on the records of :mod:`sprintlens.logbook.records`.

Where the database lives
------------------------
``--db PATH`` on the command line (``Store(path)`` here), else the environment variable
``SPRINTLENS_DB``, else ``sprintlens.db`` in the user's data directory (``platformdirs``:
``~/.local/share/sprintlens`` on Linux, ``~/Library/Application Support/sprintlens`` on macOS,
``%LOCALAPPDATA%\sprintlens`` on Windows).

Schema (version 2)
------------------
==============  ==============================================================================
table           rows
==============  ==============================================================================
``athletes``    name (unique, case-insensitive), height_m, notes, reference_session_id (v2)
``sessions``    athlete, date (ISO ``YYYY-MM-DD``), location, phase, notes
``reps``        session, rep_order (1, 2 ... unique in the session), video_sha256 (unique),
                video_name, capture_json (frame rates, size, pose model and options), gait,
                unit, scale, n_steps, fps, RPE 1-10, notes, analysed_utc, sprintlens_version
``rep_values``  (rep, name) -> value: rep-level metrics (cadence, top velocity, block time ...)
``rep_trends``  (rep, metric) -> mean, sd, n, slope per step, last-third minus first-third
``steps``       (rep, step_index) -> foot, foot_view, low_confidence_timing
``step_values`` (rep, step_index, name) -> value: every numeric step metric
==============  ==============================================================================

Metric values are stored one per row (``name``, ``value``), so a metric added to
:class:`sprintlens.analysis.steps.Step` is stored without a schema change.  NaN is stored as NULL.
Deleting an athlete deletes their sessions, a session its reps, a rep its steps (foreign keys,
``ON DELETE CASCADE``).

Versions and migrations
-----------------------
The schema version is SQLite's ``PRAGMA user_version``; ``PRAGMA application_id`` marks the file
as a SprintLens logbook.  :data:`MIGRATIONS` holds, for each version, the statements that lead
to it from the one before; opening an older database applies the missing ones in one
transaction, after copying the old file to ``<name>.v<N>.bak`` (with SQLite's backup API, into a
temporary file renamed into place).  A database from a newer SprintLens is refused, not touched.

Reading only
------------
``Store(path, readonly=True)`` (the listing, review, progress and export commands) refuses
every change (SQLite's ``query_only``).  On read-only storage it opens the file with SQLite's
``mode=ro``; WAL mode needs the ``-wal`` and ``-shm`` files beside the database, and where they
cannot be made (read-only storage, a full disk) the file is opened ``immutable``, as of its
last checkpoint.

When SQLite fails
-----------------
Every SQLite error becomes a one-line :class:`StoreError` that says what happened and what to
do: :class:`LogbookDamagedError` (the file is malformed: restore a backup, or run ``sprintlens
logbook check``), :class:`LogbookReadOnlyError`, :class:`LogbookFullError` (no space left),
:class:`LogbookBusyError` (another process holds the lock for longer than ``timeout_s``) and
:class:`NotALogbookError`.  :meth:`Store.check` runs SQLite's integrity and foreign-key
checks; :meth:`Store.backup` makes a consistent copy.

Text
----
Names, locations, phases and notes are refused if they hold control characters (C0, DEL, C1;
notes may hold tabs and line breaks), which could rewrite a terminal that prints them;
:func:`sprintlens.core.terminal.printable` escapes any that an older SprintLens stored.

Transactions and concurrency
----------------------------
Every write runs in one ``BEGIN IMMEDIATE`` transaction (:meth:`Store.transaction`, which the
writing methods join when one is open): it commits whole or, on any exception, Ctrl-C included,
rolls back; a crash or a killed process leaves SQLite's journal to undo it.  The database is
in WAL mode, so readers do not block the writer, and a second writer waits (up to
``timeout_s``) for the first to finish rather than failing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import math
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sprintlens.core.errors import OutputError, StoreError
from sprintlens.core.files import atomic_path, check_output_file
from sprintlens.core.limits import height_range_text, plausible_height
from sprintlens.core.step_table import StepTable
from sprintlens.core.terminal import control_characters, escape_character, printable
from sprintlens.logbook.database import (
    ENV_VAR,
    SQLITE_CORRUPT,
    SQLITE_NOTADB,
    SQLITE_READONLY,
    Connection,
    LogbookDamagedError,
    LogbookFullError,
    LogbookReadOnlyError,
    NotALogbookError,
    command_text,
    default_backup_path,
    disk_full,
    resolve_db_path,
    restore_hint,
    result_code,
    sqlite_error,
    sqlite_uri,
    storage_writable,
    wal_has_changes,
)
from sprintlens.logbook.records import (
    STEP_FLAG_FIELDS,
    STEP_TEXT_FIELDS,
    TREND_FIELDS,
    Athlete,
    Rep,
    TrainingSession,
)

log = logging.getLogger(__name__)
#: ``PRAGMA application_id`` of a SprintLens logbook ("SPLN").
APPLICATION_ID = 0x53504C4E

#: ``MIGRATIONS[v - 1]`` turns a version ``v - 1`` database into version ``v``.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: athletes, sessions, reps, their metrics and steps
    (
        """CREATE TABLE athletes (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
            height_m REAL CHECK (height_m IS NULL OR (height_m > 0.5 AND height_m < 2.6)),
            notes TEXT NOT NULL DEFAULT '',
            created_utc TEXT NOT NULL
        )""",
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL REFERENCES athletes(id) ON DELETE CASCADE,
            date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            location TEXT NOT NULL DEFAULT '',
            phase TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            created_utc TEXT NOT NULL
        )""",
        "CREATE INDEX sessions_by_athlete ON sessions (athlete_id, date)",
        """CREATE TABLE reps (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            rep_order INTEGER NOT NULL CHECK (rep_order >= 1),
            video_sha256 TEXT NOT NULL UNIQUE CHECK (length(video_sha256) > 0),
            video_name TEXT NOT NULL DEFAULT '',
            capture_json TEXT NOT NULL DEFAULT '{}',
            gait TEXT NOT NULL DEFAULT '',
            gait_reason TEXT NOT NULL DEFAULT '',
            unit TEXT NOT NULL DEFAULT '',
            scale_source TEXT NOT NULL DEFAULT '',
            n_steps INTEGER NOT NULL DEFAULT 0,
            fps REAL,
            low_confidence_timing INTEGER NOT NULL DEFAULT 0,
            rpe INTEGER CHECK (rpe IS NULL OR (rpe BETWEEN 1 AND 10)),
            notes TEXT NOT NULL DEFAULT '',
            analysed_utc TEXT NOT NULL DEFAULT '',
            sprintlens_version TEXT NOT NULL DEFAULT '',
            UNIQUE (session_id, rep_order)
        )""",
        """CREATE TABLE rep_values (
            rep_id INTEGER NOT NULL REFERENCES reps(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            value REAL,
            PRIMARY KEY (rep_id, name)
        ) WITHOUT ROWID""",
        """CREATE TABLE rep_trends (
            rep_id INTEGER NOT NULL REFERENCES reps(id) ON DELETE CASCADE,
            metric TEXT NOT NULL,
            mean REAL, sd REAL, n INTEGER, slope_per_step REAL, first_last_change REAL,
            PRIMARY KEY (rep_id, metric)
        ) WITHOUT ROWID""",
        """CREATE TABLE steps (
            rep_id INTEGER NOT NULL REFERENCES reps(id) ON DELETE CASCADE,
            step_index INTEGER NOT NULL,
            foot TEXT NOT NULL DEFAULT '',
            foot_view TEXT NOT NULL DEFAULT '',
            low_confidence_timing INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (rep_id, step_index)
        ) WITHOUT ROWID""",
        """CREATE TABLE step_values (
            rep_id INTEGER NOT NULL,
            step_index INTEGER NOT NULL,
            name TEXT NOT NULL,
            value REAL,
            PRIMARY KEY (rep_id, step_index, name),
            FOREIGN KEY (rep_id, step_index) REFERENCES steps(rep_id, step_index) ON DELETE CASCADE
        ) WITHOUT ROWID""",
    ),
    # 2: a chosen reference session per athlete (the baseline for fatigue flags)
    (
        "ALTER TABLE athletes ADD COLUMN reference_session_id INTEGER "
        "REFERENCES sessions(id) ON DELETE SET NULL",
    ),
)

#: The schema version this SprintLens writes.
SCHEMA_VERSION = len(MIGRATIONS)

_UNSET: Any = object()




def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _real(value: object) -> float | None:
    """Convert a value to a float for SQLite: NaN and None become NULL."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None


def _float(value: object) -> float:
    return float("nan") if value is None else float(value)  # type: ignore[arg-type]


def _check_text(field: str, text: str, *, multiline: bool = False) -> str:
    """Refuse control characters in text to be stored (notes: tabs and line breaks are fine)."""
    text = str(text)
    if multiline:
        text = text.replace("\r\n", "\n")
    bad = control_characters(text, "\t\n" if multiline else "")
    if bad:
        position, char = bad[0]
        raise StoreError(f"{field}: contains a control character ({escape_character(char)} at character "
                         f"{position + 1}), which could rewrite the terminal that shows it; type it without one")
    return text


def _clean_name(name: str) -> str:
    _check_text("athlete name", str(name).replace("\t", " ").replace("\n", " ").replace("\r", " "))
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise StoreError("an athlete needs a name")
    if len(cleaned) > 100:
        raise StoreError(f"athlete name too long ({len(cleaned)} characters; at most 100)")
    return cleaned


def _check_height(height_m: float | None) -> float | None:
    if height_m is None:
        return None
    if not plausible_height(height_m):
        raise StoreError(f"height {height_m} m is not a plausible standing height ({height_range_text()}): give it "
                         "in metres, e.g. 1.78")
    return float(height_m)


def _check_rpe(rpe: int | None) -> int | None:
    if rpe is None:
        return None
    if isinstance(rpe, bool) or int(rpe) != rpe or not 1 <= int(rpe) <= 10:
        raise StoreError(f"RPE must be a whole number from 1 to 10, got {rpe}")
    return int(rpe)


class Store:
    """An open logbook database.

    Parameters
    ----------
    path : path-like, optional
        Database file (see :func:`resolve_db_path` for the default).
    create : bool
        Create the file (and, for the default location, its folder) if it does not exist.
        With False, a missing database raises :class:`StoreError`.
    timeout_s : float
        How long a writer waits for another writer to finish (s).
    readonly : bool
        Only read: refuse every change (``query_only``), and on read-only storage open the file
        with SQLite's ``mode=ro`` (``immutable`` where the ``-wal`` and ``-shm`` files cannot be
        made).  A database from an older SprintLens is upgraded first if its storage is
        writable.

    Raises
    ------
    StoreError
        The file is missing (with ``create=False`` or ``readonly``), not a SprintLens database
        (:class:`NotALogbookError`), damaged (:class:`LogbookDamagedError`), from a newer
        SprintLens, on read-only storage for a store that writes (:class:`LogbookReadOnlyError`),
        on a full disk (:class:`LogbookFullError`), locked (:class:`LogbookBusyError`), or cannot
        be opened or migrated.

    Examples
    --------
    >>> with Store("logbook.db") as store:  # doctest: +SKIP
    ...     ann = store.add_athlete("Ann", height_m=1.70)
    ...     session = store.add_session(ann.id, dt.date(2024, 5, 1), phase="speed")
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, create: bool = True,
                 timeout_s: float = 30.0, readonly: bool = False) -> None:
        self.path = resolve_db_path(path)
        self.readonly = readonly
        self._depth = 0
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder, not a database file")
        if not self.path.exists():
            if readonly or not create:
                raise StoreError(f"{self.path}: no logbook database yet (add an athlete or analyse a session "
                                 f"first, or give --db / ${ENV_VAR})")
            if path is None and not os.environ.get(ENV_VAR, "").strip():
                self.path.parent.mkdir(parents=True, exist_ok=True)
            elif not self.path.parent.is_dir():
                raise StoreError(f"{self.path}: folder {self.path.parent} does not exist")
        if readonly:
            self._conn = self._open_readonly(timeout_s)
        else:
            if not storage_writable(self.path):
                raise sqlite_error(self.path, sqlite3.OperationalError("attempt to write a readonly database"))
            self._conn = self._connect(timeout_s, mode="rwc")
        try:
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._check_identity()
            if readonly:
                self._upgrade_if_old(timeout_s)
            else:
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._migrate()
        except BaseException:
            self._conn.close()
            raise

    # -- opening, versions, transactions ---------------------------------------------------

    def _connect(self, timeout_s: float, **options: str) -> Connection:
        try:
            raw = sqlite3.connect(sqlite_uri(self.path, **options), uri=True, timeout=timeout_s, isolation_level=None)
        except sqlite3.Error as exc:
            raise sqlite_error(self.path, exc) from None
        conn = Connection(raw, self._sqlite_errors)
        try:
            conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()  # reads the file (and the WAL) now
        except BaseException:
            raw.close()
            raise
        return conn

    def _open_readonly(self, timeout_s: float) -> Connection:
        try:
            if storage_writable(self.path):
                # opened as a writer opens it, so SQLite tidies the -wal and -shm files away on
                # close, but refusing every change
                conn = self._connect(timeout_s, mode="rw")
                conn.execute("PRAGMA query_only = ON")
                return conn
            return self._connect(timeout_s, mode="ro")
        except (LogbookReadOnlyError, LogbookFullError) as exc:
            # WAL mode needs the -shm (and -wal) files, which read-only storage or a full disk cannot
            # hold; with nobody able to write, reading the file as it stands is consistent
            if wal_has_changes(self.path):
                log.warning("%s-wal holds changes not yet merged into the logbook, which cannot be read here (%s); "
                            "showing the logbook without them", self.path, exc)
            return self._connect(timeout_s, mode="ro", immutable="1")

    def _upgrade_if_old(self, timeout_s: float) -> None:
        version = self.schema_version
        if version == SCHEMA_VERSION:
            return
        if not storage_writable(self.path):
            raise StoreError(f"{self.path}: a logbook of an older SprintLens (schema version {version}) on read-only "
                             f"storage, so it cannot be upgraded: copy it somewhere writable "
                             f"({command_text('sprintlens', 'logbook', 'backup', 'COPY', '--db', str(self.path))}) "
                             "and use --db COPY")
        self._conn.close()
        with Store(self.path, create=False, timeout_s=timeout_s):  # migrates, after a backup
            pass
        self._conn = self._open_readonly(timeout_s)

    @contextlib.contextmanager
    def _sqlite_errors(self) -> Iterator[None]:
        try:
            yield
        except (sqlite3.ProgrammingError, sqlite3.InterfaceError):  # misuse (a closed connection, bad types): a bug
            raise
        except sqlite3.Error as exc:
            if self.readonly and result_code(exc) == SQLITE_READONLY and storage_writable(self.path):
                raise LogbookReadOnlyError(f"{self.path}: opened for reading only; nothing was changed") from None
            raise sqlite_error(self.path, exc, writing=self._depth > 0) from None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (uncommitted work is rolled back)."""
        self._conn.close()

    @property
    def schema_version(self) -> int:
        """The database's schema version (``PRAGMA user_version``)."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _check_identity(self) -> None:
        app_id = int(self._conn.execute("PRAGMA application_id").fetchone()[0])
        version = self.schema_version
        tables = self._conn.execute("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").fetchone()[0]
        if app_id == APPLICATION_ID:
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.path}: made by a newer SprintLens (logbook schema version {version}; "
                                 f"this SprintLens reads up to {SCHEMA_VERSION}): upgrade SprintLens")
            return
        if app_id != 0 or tables:
            raise NotALogbookError(f"{self.path}: an SQLite database, but not a SprintLens logbook")
        if self.readonly:
            raise StoreError(f"{self.path}: an empty database, not a logbook yet (add an athlete first)")

    def _migrate(self) -> None:
        if self.schema_version == SCHEMA_VERSION:
            return
        old = self.schema_version
        if old > 0:
            backup = self.backup(self.path.with_name(f"{self.path.name}.v{old}.bak"))
            log.info("logbook schema v%d -> v%d; the old database is kept as %s", old, SCHEMA_VERSION, backup)
        with self.transaction():
            current = self.schema_version  # another process may have migrated meanwhile
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version - 1]:
                    self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {int(version)}")
            self._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """Run the block as one write transaction: all of it is stored, or none of it.

        Nested uses join the outermost transaction.  Any exception (Ctrl-C included) rolls
        back; SQLite errors become :class:`StoreError`.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        if self.readonly:
            raise LogbookReadOnlyError(f"{self.path}: opened for reading only; nothing was changed")
        self._depth = 1
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            yield self
            self._conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        finally:
            self._depth = 0

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already (I/O error, full disk)
                self._conn.raw.execute("ROLLBACK")

    # -- checks and backups ----------------------------------------------------------------

    def check(self) -> list[str]:
        """Run SQLite's integrity and foreign-key checks.

        Returns
        -------
        list of str
            The problems found, one per line; empty when the logbook is sound.
        """
        problems: list[str] = []
        raw = self._conn.raw
        try:
            problems.extend(self._integrity_problems("PRAGMA integrity_check"))
        except sqlite3.DatabaseError as exc:  # it stops at the first page it cannot read: check table by table
            problems.append(f"integrity check stopped: {exc}")
            try:
                tables = [r[0] for r in raw.execute("SELECT name FROM sqlite_schema WHERE type = 'table' "
                                                    "ORDER BY name").fetchall()]
            except sqlite3.DatabaseError:
                tables = []
            for table in tables:
                quoted = '"' + table.replace('"', '""') + '"'
                try:
                    problems.extend(f"table {table}: {p}" for p in
                                    self._integrity_problems(f"PRAGMA integrity_check({quoted})"))
                except sqlite3.DatabaseError as table_exc:
                    problems.append(f"table {table}: {table_exc}")
        try:
            for table, rowid, parent, _ in raw.execute("PRAGMA foreign_key_check").fetchall():
                problems.append(f"{table} row {rowid} refers to a {parent} row that does not exist")
        except sqlite3.DatabaseError as exc:
            problems.append(f"foreign-key check stopped: {exc}")
        return problems

    def _integrity_problems(self, pragma: str) -> list[str]:
        lines = [str(r[0]) for r in self._conn.raw.execute(pragma).fetchall()]
        return [part for line in lines if line != "ok" for part in line.splitlines() if part.strip()]

    def integrity_ok(self) -> bool:
        """Tell whether SQLite's integrity and foreign-key checks both pass."""
        return not self.check()

    def backup(self, target: str | os.PathLike[str] | None = None) -> Path:
        """Copy the logbook, consistently even while another process writes, to ``target``.

        The copy is made with SQLite's backup API into a temporary file beside ``target``,
        checked, and renamed into place: ``target`` is never left half-written.  The copy is
        one self-contained file (rollback journal, not WAL).

        Parameters
        ----------
        target : path-like, optional
            The backup file (default: :func:`default_backup_path`, beside the database).

        Returns
        -------
        Path
            The backup written.

        Raises
        ------
        StoreError, OutputError
            ``target`` is the database itself or cannot be written; the logbook is damaged (no
            backup is written then); the disk is full.
        """
        target = Path(target) if target is not None else default_backup_path(self.path)
        if target.exists() and target.resolve() == self.path.resolve():
            raise StoreError(f"{target}: is the logbook itself; give another file for the backup")
        check_output_file(target)
        try:
            with atomic_path(target) as tmp:
                try:
                    with contextlib.closing(sqlite3.connect(tmp, isolation_level=None)) as copy:
                        self._conn.raw.backup(copy)
                        copy.execute("PRAGMA journal_mode = DELETE")
                        problems = [r[0] for r in copy.execute("PRAGMA quick_check").fetchall() if r[0] != "ok"]
                finally:
                    for suffix in ("-journal", "-wal", "-shm"):
                        tmp.with_name(tmp.name + suffix).unlink(missing_ok=True)
                if problems:
                    raise sqlite3.DatabaseError(f"database disk image is malformed: {problems[0]}")
        except sqlite3.Error as exc:
            if result_code(exc) in (SQLITE_CORRUPT, SQLITE_NOTADB):
                damaged = sqlite_error(self.path, sqlite3.DatabaseError("database disk image is malformed"))
                raise LogbookDamagedError(f"{damaged}; no backup was written") from None
            raise sqlite_error(target, exc) from None
        except OSError as exc:
            if disk_full(target):
                raise LogbookFullError(f"the disk holding {target} is full ({exc.strerror}): free some space and "
                                       "try again") from None
            raise OutputError(f"{target}: cannot write the backup ({exc.strerror})") from None
        return target

    def _one(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Row | tuple | None:
        return self._conn.execute(sql, params).fetchone()

    def _all(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        return self._conn.execute(sql, params).fetchall()

    # -- athletes --------------------------------------------------------------------------

    _ATHLETE_COLUMNS = "id, name, height_m, notes, reference_session_id, created_utc"

    @staticmethod
    def _athlete(row: tuple) -> Athlete:
        return Athlete(id=row[0], name=row[1], height_m=row[2], notes=row[3], reference_session_id=row[4],
                       created_utc=row[5])

    def add_athlete(self, name: str, height_m: float | None = None, notes: str = "") -> Athlete:
        """Add an athlete.

        Parameters
        ----------
        name : str
            Unique (case-insensitive); runs of whitespace become one space.  No control
            characters.
        height_m : float, optional
            Standing height (m), within :data:`sprintlens.core.limits.HEIGHT_RANGE_M`.
        notes : str
            Free text; tabs and line breaks allowed, other control characters not.

        Returns
        -------
        Athlete
            As stored.

        Raises
        ------
        StoreError
            The name is taken or empty, the height implausible, or the text holds control
            characters.
        """
        name = _clean_name(name)
        height_m = _check_height(height_m)
        notes = _check_text("athlete notes", notes, multiline=True)
        with self.transaction():
            if self.find_athlete(name) is not None:
                raise StoreError(f"athlete {name!r} already exists")
            cur = self._conn.execute("INSERT INTO athletes (name, height_m, notes, created_utc) VALUES (?, ?, ?, ?)",
                                     (name, height_m, notes, _utc_now()))
            athlete_id = int(cur.lastrowid)  # type: ignore[arg-type]
        return self.athlete_by_id(athlete_id)

    def find_athlete(self, name: str) -> Athlete | None:
        """Return the athlete of that name (case-insensitive), or None."""
        row = self._one(f"SELECT {self._ATHLETE_COLUMNS} FROM athletes WHERE name = ?", (" ".join(name.split()),))
        return None if row is None else self._athlete(row)

    def athlete(self, name: str) -> Athlete:
        """Find the athlete of that name; :class:`StoreError` naming the known athletes if there is none."""
        found = self.find_athlete(name)
        if found is None:
            known = [printable(a.name) for a in self.athletes()]
            hint = f"known: {', '.join(known)}" if known else "no athletes yet"
            raise StoreError(f"unknown athlete {name!r} ({hint}); add them with: sprintlens athlete add {name!r}")
        return found

    def athlete_by_id(self, athlete_id: int) -> Athlete:
        """Return the athlete with this id (:class:`StoreError` if there is none)."""
        row = self._one(f"SELECT {self._ATHLETE_COLUMNS} FROM athletes WHERE id = ?", (athlete_id,))
        if row is None:
            raise StoreError(f"no athlete with id {athlete_id}")
        return self._athlete(row)

    def athletes(self) -> list[Athlete]:
        """All athletes, by name."""
        return [self._athlete(r) for r in self._all(f"SELECT {self._ATHLETE_COLUMNS} FROM athletes ORDER BY name")]

    def update_athlete(self, name: str, *, new_name: str | None = None, height_m: float | None = _UNSET,
                       notes: str | None = None, reference_session_id: int | None = _UNSET) -> Athlete:
        """Change an athlete's name, height, notes or reference session (only what is given).

        Parameters
        ----------
        name : str
            The athlete.
        new_name : str, optional
            A new, unique name.
        height_m : float or None, optional
            Standing height (m); None clears it.
        notes : str, optional
            Replacement notes.
        reference_session_id : int or None, optional
            One of the athlete's sessions as the baseline of later verdicts; None clears it.

        Returns
        -------
        Athlete
            As stored.
        """
        with self.transaction():
            athlete = self.athlete(name)
            if new_name is not None:
                new_name = _clean_name(new_name)
                other = self.find_athlete(new_name)
                if other is not None and other.id != athlete.id:
                    raise StoreError(f"athlete {new_name!r} already exists")
                self._conn.execute("UPDATE athletes SET name = ? WHERE id = ?", (new_name, athlete.id))
            if height_m is not _UNSET:
                self._conn.execute("UPDATE athletes SET height_m = ? WHERE id = ?",
                                   (_check_height(height_m), athlete.id))
            if notes is not None:
                self._conn.execute("UPDATE athletes SET notes = ? WHERE id = ?",
                                   (_check_text("athlete notes", notes, multiline=True), athlete.id))
            if reference_session_id is not _UNSET:
                if reference_session_id is not None:
                    session = self.session(reference_session_id)
                    if session.athlete_id != athlete.id:
                        raise StoreError(f"session {reference_session_id} is {printable(session.athlete)}'s, "
                                         f"not {printable(athlete.name)}'s")
                self._conn.execute("UPDATE athletes SET reference_session_id = ? WHERE id = ?",
                                   (reference_session_id, athlete.id))
        return self.athlete_by_id(athlete.id)

    def delete_athlete(self, name: str) -> tuple[int, int]:
        """Delete an athlete with their sessions and reps; returns (sessions, reps) deleted."""
        with self.transaction():
            athlete = self.athlete(name)
            n_sessions, n_reps = self._one(
                "SELECT count(DISTINCT s.id), count(r.id) FROM sessions s LEFT JOIN reps r ON r.session_id = s.id "
                "WHERE s.athlete_id = ?", (athlete.id,))  # type: ignore[misc]
            self._conn.execute("DELETE FROM athletes WHERE id = ?", (athlete.id,))
        return int(n_sessions), int(n_reps)

    # -- sessions --------------------------------------------------------------------------

    _SESSION_SELECT = (
        "SELECT s.id, s.athlete_id, a.name, s.date, s.location, s.phase, s.notes, "
        "(SELECT count(*) FROM reps r WHERE r.session_id = s.id), s.created_utc "
        "FROM sessions s JOIN athletes a ON a.id = s.athlete_id"
    )

    def _session(self, row: tuple) -> TrainingSession:
        try:
            day = dt.date.fromisoformat(row[3])
        except (TypeError, ValueError):
            raise self._unreadable(f"session {row[0]}'s date {row[3]!r}") from None
        return TrainingSession(id=row[0], athlete_id=row[1], athlete=row[2], date=day,
                               location=row[4], phase=row[5], notes=row[6], n_reps=row[7], created_utc=row[8])

    def _unreadable(self, what: str) -> LogbookDamagedError:
        error = LogbookDamagedError(f"the logbook {self.path} is damaged ({what} cannot be read): "
                                   f"{restore_hint(self.path)}, or run "
                                   f"{command_text('sprintlens', 'logbook', 'check', '--db', str(self.path))}")
        error.path, error.reason = self.path, f"{what} cannot be read"  # type: ignore[attr-defined]
        return error

    def add_session(self, athlete_id: int, date: dt.date, *, location: str = "", phase: str = "",
                    notes: str = "") -> TrainingSession:
        """Add a session for an athlete.

        Parameters
        ----------
        athlete_id : int
            The athlete.
        date : datetime.date
            The day of the session.
        location : str
            Where (one line, no control characters).
        phase : str
            Training phase (stored lower-case).
        notes : str
            Free text; tabs and line breaks allowed, other control characters not.

        Returns
        -------
        TrainingSession
            As stored.
        """
        location = _check_text("session location", location.strip())
        phase = _check_text("session phase", phase.strip().lower())
        notes = _check_text("session notes", notes, multiline=True)
        with self.transaction():
            self.athlete_by_id(athlete_id)
            cur = self._conn.execute(
                "INSERT INTO sessions (athlete_id, date, location, phase, notes, created_utc) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (athlete_id, date.isoformat(), location, phase, notes, _utc_now()))
            session_id = int(cur.lastrowid)  # type: ignore[arg-type]
        return self.session(session_id)

    def session(self, session_id: int) -> TrainingSession:
        """Return a session by id (:class:`StoreError` if there is none)."""
        row = self._one(f"{self._SESSION_SELECT} WHERE s.id = ?", (session_id,))
        if row is None:
            raise StoreError(f"no session with id {session_id} (list them with: sprintlens sessions)")
        return self._session(row)

    def sessions(self, athlete_id: int | None = None) -> list[TrainingSession]:
        """Sessions (of one athlete, or all), oldest first."""
        if athlete_id is None:
            rows = self._all(f"{self._SESSION_SELECT} ORDER BY a.name, s.date, s.id")
        else:
            rows = self._all(f"{self._SESSION_SELECT} WHERE s.athlete_id = ? ORDER BY s.date, s.id", (athlete_id,))
        return [self._session(r) for r in rows]

    def find_sessions(self, athlete_id: int, date: dt.date, location: str = "") -> list[TrainingSession]:
        """Return the athlete's sessions on ``date`` at ``location``.

        Parameters
        ----------
        athlete_id : int
            The athlete.
        date : datetime.date
            The day.
        location : str
            The location (surrounding white space ignored); "" for none.

        Returns
        -------
        list of TrainingSession
            The matching sessions, oldest first (by id).
        """
        rows = self._all(f"{self._SESSION_SELECT} WHERE s.athlete_id = ? AND s.date = ? AND s.location = ? "
                         "ORDER BY s.id", (athlete_id, date.isoformat(), location.strip()))
        return [self._session(r) for r in rows]

    def update_session(self, session_id: int, *, date: dt.date | None = None, location: str | None = None,
                       phase: str | None = None, notes: str | None = None) -> TrainingSession:
        """Change a session's date, location, phase or notes (only what is given).

        Parameters
        ----------
        session_id : int
            The session.
        date : datetime.date, optional
            A new day.
        location : str, optional
            A new location.
        phase : str, optional
            A new training phase.
        notes : str, optional
            Replacement notes.

        Returns
        -------
        TrainingSession
            As stored.
        """
        if location is not None:
            location = _check_text("session location", location.strip())
        if phase is not None:
            phase = _check_text("session phase", phase.strip().lower())
        if notes is not None:
            notes = _check_text("session notes", notes, multiline=True)
        with self.transaction():
            self.session(session_id)
            for column, value in (("date", date.isoformat() if date else None), ("location", location),
                                  ("phase", phase), ("notes", notes)):
                if value is not None:
                    # column names come from the fixed list above, never from input
                    self._conn.execute(f"UPDATE sessions SET {column} = ? WHERE id = ?", (value, session_id))
        return self.session(session_id)

    def delete_session(self, session_id: int) -> int:
        """Delete a session and its reps; returns the number of reps deleted."""
        with self.transaction():
            n_reps = self.session(session_id).n_reps
            self._conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        return n_reps

    # -- reps ------------------------------------------------------------------------------

    _REP_COLUMNS = ("id, session_id, rep_order, video_sha256, video_name, capture_json, gait, gait_reason, unit, "
                    "scale_source, n_steps, fps, low_confidence_timing, rpe, notes, analysed_utc, sprintlens_version")

    def _rep(self, row: tuple) -> Rep:
        rep_id = row[0]
        values = {name: _float(value) for name, value in
                  self._all("SELECT name, value FROM rep_values WHERE rep_id = ?", (rep_id,))}
        trends = {r[0]: {f: _float(v) for f, v in zip(TREND_FIELDS, r[1:])} for r in self._all(
            f"SELECT metric, {', '.join(TREND_FIELDS)} FROM rep_trends WHERE rep_id = ? ORDER BY metric", (rep_id,))}
        steps: dict[int, dict[str, Any]] = {}
        for index, foot, view, low in self._all(
                "SELECT step_index, foot, foot_view, low_confidence_timing FROM steps WHERE rep_id = ? "
                "ORDER BY step_index", (rep_id,)):
            steps[index] = {"index": index, "foot": foot, "foot_view": view, "low_confidence_timing": bool(low)}
        for index, name, value in self._all("SELECT step_index, name, value FROM step_values WHERE rep_id = ?",
                                            (rep_id,)):
            if index not in steps:
                raise self._unreadable(f"rep {rep_id}'s step {index}")
            steps[index][name] = _float(value)
        try:
            capture = json.loads(row[5])
        except (TypeError, ValueError):
            raise self._unreadable(f"rep {rep_id}'s capture record") from None
        return Rep(
            id=rep_id, session_id=row[1], order=row[2], video_sha256=row[3], video_name=row[4],
            capture=capture, gait=row[6], gait_reason=row[7], unit=row[8], scale_source=row[9],
            n_steps=row[10], fps=_float(row[11]), low_confidence_timing=bool(row[12]), rpe=row[13], notes=row[14],
            analysed_utc=row[15], sprintlens_version=row[16], values=values, trends=trends,
            steps=StepTable.from_rows([steps[k] for k in sorted(steps)], row[8]),
        )

    def rep(self, rep_id: int) -> Rep:
        """Return a rep by id, with all its metrics (:class:`StoreError` if there is none)."""
        row = self._one(f"SELECT {self._REP_COLUMNS} FROM reps WHERE id = ?", (rep_id,))
        if row is None:
            raise StoreError(f"no rep with id {rep_id} (list them with: sprintlens reps)")
        return self._rep(row)

    def rep_by_video(self, video_sha256: str) -> Rep | None:
        """Return the rep made from the clip with this SHA-256, or None."""
        row = self._one(f"SELECT {self._REP_COLUMNS} FROM reps WHERE video_sha256 = ?", (video_sha256,))
        return None if row is None else self._rep(row)

    def reps(self, session_id: int) -> list[Rep]:
        """Return a session's reps in order."""
        self.session(session_id)
        rows = self._all(f"SELECT {self._REP_COLUMNS} FROM reps WHERE session_id = ? ORDER BY rep_order",
                         (session_id,))
        return [self._rep(r) for r in rows]

    def save_rep(self, session_id: int, rep: Rep, order: int | None = None) -> Rep:
        """Store an analysed rep in a session; a clip already stored there is updated, not duplicated.

        Parameters
        ----------
        session_id : int
            The session.
        rep : Rep
            The rep (:func:`sprintlens.logbook.records.rep_record`).
        order : int, optional
            Its place in the session (default: after the last rep; an updated rep keeps its
            place unless one is given).

        Returns
        -------
        Rep
            As stored.  Re-analysing a clip keeps the RPE and notes entered for it.

        Raises
        ------
        StoreError
            The clip is stored in another session, or ``order`` is taken by another rep.
        """
        if not rep.video_sha256:
            raise StoreError(f"{printable(rep.video_name)}: a rep needs its video's SHA-256")
        notes = _check_text("rep notes", rep.notes, multiline=True)
        with self.transaction():
            session = self.session(session_id)
            existing = self._one("SELECT id, session_id, rep_order FROM reps WHERE video_sha256 = ?",
                                 (rep.video_sha256,))
            if existing is not None and existing[1] != session_id:
                other = self.session(existing[1])
                raise StoreError(
                    f"{printable(rep.video_name)}: this clip is already rep {existing[2]} of "
                    f"{printable(other.athlete)}'s {printable(other.describe())}; "
                    f"delete it there first (sprintlens delete --rep {existing[0]})")
            if order is None:
                order = existing[2] if existing is not None else int(self._one(
                    "SELECT coalesce(max(rep_order), 0) + 1 FROM reps WHERE session_id = ?", (session.id,))[0])
            if order < 1:
                raise StoreError(f"rep order must be 1 or more, got {order}")
            clash = self._one("SELECT id FROM reps WHERE session_id = ? AND rep_order = ?", (session.id, order))
            if clash is not None and (existing is None or clash[0] != existing[0]):
                raise StoreError(f"{printable(session.describe())} already has a rep {order}")
            fields = (rep.video_name, json.dumps(dict(rep.capture), allow_nan=False, default=str), rep.gait,
                      rep.gait_reason, rep.unit, rep.scale_source, int(rep.n_steps), _real(rep.fps),
                      int(bool(rep.low_confidence_timing)), rep.analysed_utc, rep.sprintlens_version)
            if existing is None:
                cur = self._conn.execute(
                    "INSERT INTO reps (session_id, rep_order, video_sha256, video_name, capture_json, gait, "
                    "gait_reason, unit, scale_source, n_steps, fps, low_confidence_timing, analysed_utc, "
                    "sprintlens_version, rpe, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (session.id, order, rep.video_sha256, *fields, _check_rpe(rep.rpe), notes))
                rep_id = int(cur.lastrowid)  # type: ignore[arg-type]
            else:
                rep_id = int(existing[0])
                self._conn.execute(
                    "UPDATE reps SET rep_order = ?, video_name = ?, capture_json = ?, gait = ?, gait_reason = ?, "
                    "unit = ?, scale_source = ?, n_steps = ?, fps = ?, low_confidence_timing = ?, analysed_utc = ?, "
                    "sprintlens_version = ? WHERE id = ?", (order, *fields, rep_id))
                for table in ("rep_values", "rep_trends", "step_values", "steps"):
                    # table names come from the fixed tuple above, never from input
                    self._conn.execute(f"DELETE FROM {table} WHERE rep_id = ?", (rep_id,))
            self._write_metrics(rep_id, rep)
        return self.rep(rep_id)

    def _write_metrics(self, rep_id: int, rep: Rep) -> None:
        self._conn.executemany("INSERT INTO rep_values (rep_id, name, value) VALUES (?, ?, ?)",
                               [(rep_id, name, _real(value)) for name, value in rep.values.items()])
        self._conn.executemany(
            f"INSERT INTO rep_trends (rep_id, metric, {', '.join(TREND_FIELDS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(rep_id, metric, *(_real(t.get(f)) for f in TREND_FIELDS)) for metric, t in rep.trends.items()])
        step_rows, value_rows = [], []
        for position, step in enumerate(rep.steps.rows(), start=1):
            index = int(step.get("index", position))
            step_rows.append((rep_id, index, str(step.get("foot", "")), str(step.get("foot_view", "")),
                              int(bool(step.get("low_confidence_timing", False)))))
            for name, value in step.items():
                if name in ("index", *STEP_TEXT_FIELDS, *STEP_FLAG_FIELDS):
                    continue
                value_rows.append((rep_id, index, name, _real(value)))
        self._conn.executemany("INSERT INTO steps (rep_id, step_index, foot, foot_view, low_confidence_timing) "
                               "VALUES (?, ?, ?, ?, ?)", step_rows)
        self._conn.executemany("INSERT INTO step_values (rep_id, step_index, name, value) VALUES (?, ?, ?, ?)",
                               value_rows)

    def set_rpe(self, rep_id: int, rpe: int | None) -> Rep:
        """Set (or with None clear) a rep's RPE, 1-10."""
        rpe = _check_rpe(rpe)
        with self.transaction():
            self.rep(rep_id)
            self._conn.execute("UPDATE reps SET rpe = ? WHERE id = ?", (rpe, rep_id))
        return self.rep(rep_id)

    def set_rep_notes(self, rep_id: int, notes: str) -> Rep:
        """Replace a rep's notes."""
        notes = _check_text("rep notes", notes, multiline=True)
        with self.transaction():
            self.rep(rep_id)
            self._conn.execute("UPDATE reps SET notes = ? WHERE id = ?", (notes, rep_id))
        return self.rep(rep_id)

    def delete_rep(self, rep_id: int) -> Rep:
        """Delete a rep (the others keep their order numbers); returns what was deleted."""
        with self.transaction():
            rep = self.rep(rep_id)
            self._conn.execute("DELETE FROM reps WHERE id = ?", (rep_id,))
        return rep

    # -- summaries -------------------------------------------------------------------------

    def counts(self) -> Mapping[str, int]:
        """Rows per table (for checks and the ``info`` line of the commands)."""
        tables = ("athletes", "sessions", "reps", "rep_values", "rep_trends", "steps", "step_values")
        # table names come from the fixed tuple above, never from input
        return {t: int(self._one(f"SELECT count(*) FROM {t}")[0]) for t in tables}  # type: ignore[index]
