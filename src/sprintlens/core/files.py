"""Writing files safely: atomic files and folders, interrupts, CSV and JSON text, checksums.

One file is written atomically by :func:`atomic_path` (a temporary file beside it, then a
rename).  A *set* of files that belong together (the analysis folder, the pictures of a rep) is
written by :func:`staged_folder`: into a staging folder beside the target
(``.TARGET.staging-<pid>``; inside an existing target, ``TARGET/.staging-<pid>``, when only the
target is writable), then moved into place once every file of the set is complete.

The guarantee of :func:`staged_folder`, when SprintLens fails or is interrupted (SIGINT, SIGTERM):

* a target folder that did not exist still does not exist: the complete set appears in one
  rename of the staging folder;
* a target folder that existed is as it was: files of the set replace their old versions only
  once the whole set is complete, each by one rename from the staging folder; other files of
  the folder are never touched.  If one of those renames fails, the ones already done are
  undone (the old versions are kept as hard links until the set is in place);
* the staging folder and every temporary file are removed.

Interrupts are deferred while the renames run (:func:`interrupt`), so a set is never half
moved.  Only a hard kill (SIGKILL, a power cut) in that instant of renames can leave an existing
folder with some files of the new set and some of the old; a staging folder left by a killed
process is removed by the next write of the same target.  Each set written is remembered
(:func:`outcome`), so the command line can say exactly what was kept.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import hashlib
import io as _io
import json
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from sprintlens.core.errors import OutputError


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Compute the SHA-256 of a file's bytes, as hex (identifies a clip however it is renamed)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ensure_writable_folder(folder: Path) -> None:
    """Raise :class:`OutputError` unless ``folder`` exists and files can be created in it."""
    if not folder.exists():
        raise OutputError(f"{folder}: output folder does not exist")
    if not folder.is_dir():
        raise OutputError(f"{folder}: is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{folder}: output folder is not writable")


def check_output_file(path: str | os.PathLike[str]) -> Path:
    """Check, before any long work, that ``path`` can be written; return it as a Path."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name")
    ensure_writable_folder(path.parent if str(path.parent) else Path("."))
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"{path}: exists and is not writable")
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place only if the block succeeds.

    A crash or Ctrl-C inside the block leaves ``path`` as it was (absent or its old content).
    An :class:`OSError` (no space left, a read-only file system ...) becomes an
    :class:`OutputError` naming ``path`` and the cause.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    ensure_writable_folder(folder)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
    except OSError as exc:
        raise output_error(path, exc) from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private; give them the usual mode
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise output_error(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return "" if not np.isfinite(value) else round(float(value), 6)
    if isinstance(value, (int, np.integer)):
        return int(value)
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS) and not _NUMBER.fullmatch(text):
        text = "'" + text  # shown as text, never run as a formula
    # line breaks as "\n": the writer quotes a cell holding one, but a bare "\r" would end the row
    return text.replace("\r\n", "\n").replace("\r", "\n")


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Format rows as CSV text with a header row.

    Missing values (None, NaN) are written as empty cells, booleans as 0/1, floats rounded to
    6 decimals.  A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a leading ``'`` so that a spreadsheet shows it instead of running it as a
    formula; numbers (``-0.5``, also given as text) are written as they are.
    """
    buffer = _io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue()


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write a text file atomically (UTF-8)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(path: str | os.PathLike[str], data: object) -> None:
    """Write JSON atomically (UTF-8, indented, NaN written as null)."""
    write_text(path, json.dumps(_nan_to_none(data), indent=2, allow_nan=False) + "\n")


def _nan_to_none(value: object) -> object:
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, np.floating):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.ndarray):
        return _nan_to_none(value.tolist())
    if isinstance(value, dict):
        return {str(k): _nan_to_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nan_to_none(v) for v in value]
    return value


# -- what went wrong when writing -----------------------------------------------------------------

_CAUSES = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "no such file or folder",
    errno.EISDIR: "a folder is in the way",
    errno.ENOTDIR: "a file is in the way",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EFBIG: "the file is too large",
    errno.EIO: "input/output error",
}


def os_error_cause(exc: OSError) -> str:
    """Say in a few words why a file operation failed (``"no space left on the device"`` ...)."""
    if exc.errno in _CAUSES:
        return _CAUSES[exc.errno]
    return (exc.strerror or str(exc) or exc.__class__.__name__).lower()


def output_error(path: str | os.PathLike[str], exc: OSError) -> OutputError:
    """Return the one-line :class:`OutputError` for an :class:`OSError` met while writing ``path``."""
    return OutputError(f"{os.fspath(path)}: cannot be written ({os_error_cause(exc)})")


# -- interrupts -------------------------------------------------------------------------------------

class Interrupted(KeyboardInterrupt):
    """The process was asked to stop by a signal (SIGINT or SIGTERM); raised like Ctrl-C.

    Parameters
    ----------
    signum : int
        The signal received.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_critical = 0  # depth of sections in which an interrupt waits (the renames of a commit)
_pending: int | None = None  # a signal received inside such a section
_stopping = False  # an interrupt was raised already: later signals are ignored while cleaning up


def interrupt(signum: int) -> None:
    """Raise :class:`Interrupted` for ``signum``: now, or at the end of a commit in progress.

    This is what a signal handler calls.  Only the first signal raises; later ones are ignored,
    so the clean-up that the first one started (removing staging folders and temporary files)
    is not cut short.
    """
    global _pending, _stopping
    if _stopping:
        return
    if _critical:
        _pending = signum
        return
    _stopping = True
    raise Interrupted(signum)


def reset_interrupts() -> None:
    """Forget earlier interrupts and written sets (the command line calls it before each command)."""
    global _pending, _stopping
    _pending, _stopping = None, False
    _kept.clear()
    _abandoned.clear()


@contextlib.contextmanager
def _uninterruptible() -> Iterator[None]:
    global _critical, _pending
    _critical += 1
    try:
        yield
    finally:
        _critical -= 1
    if not _critical and _pending is not None:
        signum, _pending = _pending, None
        interrupt(signum)


@contextlib.contextmanager
def _stop_cleanly_on_sigterm() -> Iterator[list[bool]]:
    """In a process with no SIGTERM handler (a worker), let SIGTERM unwind the block, then end it.

    Yields a one-item list set to True when the block was ended that way; the caller then
    cleans up and calls :func:`_die_of_sigterm`.
    """
    installed: list[bool] = [False]
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield installed
        return

    def handler(signum: int, frame: object) -> None:
        installed[0] = True
        interrupt(signum)

    signal.signal(signal.SIGTERM, handler)
    try:
        yield installed
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _die_of_sigterm() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


# -- sets of files written together -----------------------------------------------------------------

_kept: list[str] = []  # what this process has put in place, in order ("the analysis files")
_abandoned: list[str] = []  # sets begun and thrown away ("no pictures")


def outcome() -> str:
    """Say what this process has written so far, for a message after a failure or an interrupt.

    ``"nothing was written"``, ``"the analysis files were kept; no pictures were written"``, ...
    """
    if not _kept:
        return "nothing was written"
    parts = [f"{' and '.join(dict.fromkeys(_kept))} were kept"]  # sets are named in the plural
    parts += [f"{lost} were written" for lost in dict.fromkeys(_abandoned)]
    return "; ".join(parts)


def outputs_kept() -> tuple[str, ...]:
    """Return the sets of files this process has put in place, by name (``"the analysis files"``)."""
    return tuple(_kept)


def staging_folder(target: str | os.PathLike[str], pid: int | None = None) -> Path:
    """Return the staging folder of ``target``: ``.NAME.staging-<pid>`` beside it."""
    target = Path(target)
    parent = target.parent if str(target.parent) else Path(".")
    return parent / f".{target.name}.staging-{os.getpid() if pid is None else pid}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(target: str | os.PathLike[str]) -> list[Path]:
    """Remove the staging folders of ``target`` left by processes that no longer run; return them."""
    target = Path(target)
    parent = target.parent if str(target.parent) else Path(".")
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.staging-(\d+)$")
    removed = []
    try:
        entries = list(parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = pattern.match(entry.name)
        if match and int(match.group(1)) != os.getpid() and not _pid_alive(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _shown(exc: OSError, staging: Path, target: Path) -> Path:
    """Return the file an OSError names, the staging folder replaced by the target (what the user knows)."""
    name = exc.filename
    if not name:
        return target
    text = os.fspath(name)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    return Path(text.replace(str(staging), str(target)))


@contextlib.contextmanager
def staged_folder(target: str | os.PathLike[str], kept: str, lost: str) -> Iterator[Path]:
    """Yield a staging folder to write a set of files into; move the set into ``target`` when complete.

    See the module's docstring for the guarantee.  Files are written into the yielded folder
    under their final names; subfolders are not supported.

    Parameters
    ----------
    target : path-like
        The folder the set belongs in (created if absent; its parent must exist).
    kept : str
        The set's name once kept, for messages (``"the analysis files"``).
    lost : str
        What is said when the set is thrown away (``"no pictures"``).

    Returns
    -------
    Iterator of Path
        The staging folder (a context manager's single value).

    Raises
    ------
    OutputError
        If the set cannot be written (the cause in words); ``target`` is then as it was.
    """
    target = Path(target)
    parent = target.parent if str(target.parent) else Path(".")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: is not a folder")
    ensure_writable_folder(target if target.exists() else parent)
    remove_stale_staging(target)
    staging = staging_folder(target)
    if target.is_dir() and not os.access(parent, os.W_OK | os.X_OK):  # a writable folder in a read-only one
        staging = target / f".staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)  # this process's own, from an earlier failed attempt
    try:
        staging.mkdir()
    except OSError as exc:
        raise output_error(target, exc) from None
    with _stop_cleanly_on_sigterm() as terminated:
        try:
            try:
                yield staging
            except OSError as exc:
                raise output_error(_shown(exc, staging, target), exc) from None
            except OutputError as exc:
                raise OutputError(str(exc).replace(str(staging), str(target))) from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            _abandoned.append(lost)
            if terminated[0]:
                _die_of_sigterm()
            raise
        try:
            with _uninterruptible():
                _commit(staging, target)
                _kept.append(kept)
        except BaseException:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
            if kept not in _kept:
                _abandoned.append(lost)
            if terminated[0]:
                _die_of_sigterm()
            raise


def _commit(staging: Path, target: Path) -> None:
    """Move the complete set from ``staging`` into ``target`` (see the module's docstring)."""
    if not target.exists():
        try:
            os.rename(staging, target)  # the whole set appears at once
        except OSError as exc:
            raise output_error(target, exc) from None
        return
    names = sorted(p.name for p in staging.iterdir() if p.name != ".previous")
    backup = staging / ".previous"
    backup.mkdir()
    done: list[str] = []
    try:
        for name in names:
            old = target / name
            if old.is_file():
                with contextlib.suppress(OSError):  # no hard links here: that file cannot be restored
                    os.link(old, backup / name)
            os.replace(staging / name, old)
            done.append(name)
    except OSError as exc:
        failed = target / name
        for moved in reversed(done):  # undo: the target is as it was
            with contextlib.suppress(OSError):
                if (backup / moved).exists():
                    os.replace(backup / moved, target / moved)
                else:
                    (target / moved).unlink()
        raise output_error(failed, exc) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def run_staged(target: str | os.PathLike[str], kept: str, lost: str,
               write: Callable[[Path], dict[str, Path]]) -> dict[str, Path]:
    """Call ``write(staging)`` inside :func:`staged_folder`; return its paths moved to ``target``.

    Parameters
    ----------
    target : path-like
        The folder the set belongs in.
    kept, lost : str
        The set's names for messages (see :func:`staged_folder`).
    write : callable
        Writes the set into the folder it is given and returns the paths written, by kind.

    Returns
    -------
    dict of str to Path
        The same kinds, with the paths in ``target``.
    """
    target = Path(target)
    with staged_folder(target, kept, lost) as staging:
        written = write(staging)
    return {kind: target / Path(path).name for kind, path in written.items()}
