"""The logbook's SQLite file: where it lives, how it is opened, and what its errors mean.

:mod:`sprintlens.logbook.store` holds every SQL statement; this module holds what is around
them: the database's path (``--db``, ``$SPRINTLENS_DB``, the user's data directory), the
connection wrappers that turn every :class:`sqlite3.Error` into a one-line
:class:`~sprintlens.core.errors.StoreError` that says what to do (damaged, read-only, full, busy,
not a logbook), the URIs of read-only and immutable opens, and where backups go.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shlex
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import platformdirs

from sprintlens.core.errors import StoreError

log = logging.getLogger(__name__)

# SQLite's primary result codes (the low byte of an extended code)
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26

#: Environment variable naming the database file.
ENV_VAR = "SPRINTLENS_DB"
#: File name of the default database in the user's data directory.
DEFAULT_NAME = "sprintlens.db"


def default_db_path() -> Path:
    """``sprintlens.db`` in the user's data directory (not created here)."""
    return platformdirs.user_data_path("sprintlens", appauthor=False) / DEFAULT_NAME


def resolve_db_path(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the database to use: ``path`` if given, else ``$SPRINTLENS_DB``, else :func:`default_db_path`."""
    if path is not None and str(path):
        return Path(path).expanduser()
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env).expanduser() if env else default_db_path()


class LogbookDamagedError(StoreError):
    """The database file is damaged (SQLite: malformed, corrupt)."""


class NotALogbookError(StoreError):
    """The file is not an SQLite database, or not a SprintLens logbook."""


class LogbookReadOnlyError(StoreError):
    """The logbook cannot be changed: read-only storage, or a file or folder that is not writable."""


class LogbookFullError(StoreError):
    """The disk holding the logbook (or its backup) is full."""


class LogbookBusyError(StoreError):
    """Another process held the logbook's lock for longer than the store waits."""
#: Free space (bytes) below which an I/O error is taken for a full disk.
_FULL_BELOW = 1 << 20


def result_code(exc: sqlite3.Error) -> int:
    """Give SQLite's primary result code of an error (from its message on an older Python; -1 if unknown)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return int(code) & 0xFF
    text = str(exc).lower()
    for words, value in (("malformed", SQLITE_CORRUPT), ("not a database", SQLITE_NOTADB),
                         ("readonly", SQLITE_READONLY), ("locked", SQLITE_BUSY), ("is full", SQLITE_FULL),
                         ("unable to open", SQLITE_CANTOPEN), ("i/o", SQLITE_IOERR)):
        if words in text:
            return value
    return -1


def storage_writable(path: Path) -> bool:
    """Tell whether ``path`` and the files SQLite keeps beside it (``-wal``, ``-shm``) can be written."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return False
    except (AttributeError, OSError):  # no statvfs (Windows), or the folder is gone
        pass
    return os.access(folder, os.W_OK | os.X_OK) and (not path.exists() or os.access(path, os.W_OK))


def disk_full(path: Path) -> bool:
    """Tell whether the disk holding ``path`` has less than 1 MiB free."""
    try:
        return shutil.disk_usage(path.parent if str(path.parent) else Path(".")).free < _FULL_BELOW
    except OSError:
        return False


def command_text(*words: str) -> str:
    """Quote a command for a message, in backticks: ``command_text("sprintlens", "logbook", "check")``."""
    return "`" + " ".join(shlex.quote(w) for w in words) + "`"


def latest_backup(path: str | os.PathLike[str]) -> Path | None:
    """Find the newest backup ``<name>.*.bak`` beside the database (migrations' and ``logbook backup``'s)."""
    path = Path(path)
    pattern = "".join(f"[{c}]" if c in "*?[" else c for c in path.name) + ".*.bak"
    try:
        found = [(p.stat().st_mtime, p) for p in path.parent.glob(pattern) if p.is_file()]
    except OSError:
        return None
    return max(found)[1] if found else None


def default_backup_path(path: str | os.PathLike[str]) -> Path:
    """Name a backup ``<name>.<UTC time>.bak`` beside the database (where :func:`latest_backup` finds it)."""
    path = Path(path)
    return path.with_name(f"{path.name}.{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.bak")


def restore_hint(path: Path) -> str:
    """Say which backup to restore over a damaged logbook ``path`` (the newest beside it), or how to make one."""
    backup = latest_backup(path)
    if backup is None:
        return f"restore your latest backup of it (none beside it; {command_text('sprintlens', 'logbook', 'backup')} " \
               "makes them)"
    made = dt.datetime.fromtimestamp(backup.stat().st_mtime, dt.UTC)
    return f"restore the backup made at {made:%Y-%m-%d %H:%M} UTC ({backup})"


def sqlite_error(path: Path, exc: sqlite3.Error, *, writing: bool = False) -> StoreError:
    """Turn an SQLite error on the logbook ``path`` into a one-line :class:`StoreError` saying what to do.

    Parameters
    ----------
    path : Path
        The database (or, for a backup, the file being written).
    exc : sqlite3.Error
        What SQLite raised.
    writing : bool
        The error ended a write transaction (which SQLite rolled back: the message says so).

    Returns
    -------
    StoreError
        One of :class:`LogbookDamagedError`, :class:`NotALogbookError`,
        :class:`LogbookReadOnlyError`, :class:`LogbookFullError`, :class:`LogbookBusyError`, or a
        plain :class:`StoreError` for the rest (a rule of the logbook broken, another failure).
    """
    error = _classify(path, exc, writing)
    error.path, error.reason = path, str(exc)  # type: ignore[attr-defined]
    return error


def _classify(path: Path, exc: sqlite3.Error, writing: bool) -> StoreError:
    code = result_code(exc)
    unchanged = "; nothing was changed" if writing else ""
    check = command_text("sprintlens", "logbook", "check", "--db", str(path))
    if code == SQLITE_CORRUPT:
        return LogbookDamagedError(f"the logbook {path} is damaged ({exc}): {restore_hint(path)}, or run {check} "
                                   "to see what is wrong")
    if code == SQLITE_NOTADB:
        return NotALogbookError(f"{path}: not a SprintLens database ({exc}); if it was your logbook, it is damaged: "
                                f"{restore_hint(path)}")
    if code == SQLITE_FULL:
        return LogbookFullError(f"the disk holding {path} is full ({exc}): free some space and try again{unchanged}")
    if code in (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_IOERR) and not storage_writable(path):
        if not path.exists():
            return LogbookReadOnlyError(f"cannot create the logbook {path}: its folder is on read-only storage or "
                                        f"not writable ({exc}); give another place with --db or ${ENV_VAR}")
        return LogbookReadOnlyError(
            f"cannot change the logbook {path}: it is on read-only storage or not writable ({exc}){unchanged}; "
            f"listing, review, progress and export still work; to change it, copy it somewhere writable "
            f"({command_text('sprintlens', 'logbook', 'backup', 'COPY', '--db', str(path))}) and use --db COPY")
    if code in (SQLITE_IOERR, SQLITE_CANTOPEN) and disk_full(path):  # SQLite cannot make its -shm file, for one
        return LogbookFullError(f"the disk holding {path} is full ({exc}): free some space and try again{unchanged}")
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return LogbookBusyError(f"the logbook {path} is busy: another SprintLens is using it ({exc}); try again "
                                f"when it has finished{unchanged}")
    if code == SQLITE_READONLY:
        return LogbookReadOnlyError(f"cannot change the logbook {path} ({exc}){unchanged}: check that the file and "
                                    "its folder are writable")
    if code == SQLITE_CANTOPEN:
        return StoreError(f"{path}: cannot open the database ({exc}): check that the file and its folder exist and "
                          "can be read")
    if code == SQLITE_IOERR:
        return StoreError(f"{path}: the disk reported an error ({exc}){unchanged}: check the disk (is it still "
                          f"connected?), then run {check}")
    if isinstance(exc, sqlite3.IntegrityError):
        return StoreError(f"{path}: refused, it would break the logbook's rules ({exc}); nothing was changed")
    return StoreError(f"{path}: database error ({exc}){unchanged}")


class Cursor:
    """A cursor whose SQLite errors become :class:`StoreError` (rows are read lazily, so errors come late)."""

    def __init__(self, cursor: sqlite3.Cursor, errors: Callable[[], contextlib.AbstractContextManager[None]]):
        self._cursor = cursor
        self._errors = errors

    @property
    def lastrowid(self) -> int | None:
        """Give the row id of the last row inserted."""
        return self._cursor.lastrowid

    def fetchone(self) -> Any:
        """Give the next row, or None."""
        with self._errors():
            return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        """Give every remaining row."""
        with self._errors():
            return self._cursor.fetchall()

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class Connection:
    """The store's connection: every SQLite error it raises is a :class:`StoreError` saying what to do."""

    def __init__(self, raw: sqlite3.Connection, errors: Callable[[], contextlib.AbstractContextManager[None]]):
        self.raw = raw
        self._errors = errors

    @property
    def in_transaction(self) -> bool:
        """Tell whether a transaction is open."""
        return self.raw.in_transaction

    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        """Run one parameterised statement."""
        with self._errors():
            return Cursor(self.raw.execute(sql, params), self._errors)

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> Cursor:
        """Run one parameterised statement for each row."""
        with self._errors():
            return Cursor(self.raw.executemany(sql, rows), self._errors)

    def close(self) -> None:
        """Close the connection."""
        self.raw.close()


def sqlite_uri(path: Path, **options: str) -> str:
    """Give SQLite's ``file:`` URI of ``path`` with ``options`` (``mode="ro"``, ``immutable="1"``)."""
    query = "&".join(f"{k}={v}" for k, v in options.items())
    return f"{path.absolute().as_uri()}?{query}"


def wal_has_changes(path: Path) -> bool:
    """Tell whether the database's write-ahead log holds changes not yet in the file itself."""
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False
