"""Writing files safely: atomic writes (temporary file, then rename), CSV and JSON text, checksums."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io as _io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
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
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    ensure_writable_folder(folder)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private; give them the usual mode
        os.replace(tmp, path)
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
