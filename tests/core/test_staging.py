"""Sets of files written together: complete or absent, whatever fails, and interrupts wait for the move."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
from pathlib import Path

import pytest

from sprintlens.core import files
from sprintlens.core.errors import OutputError
from sprintlens.core.files import (
    Interrupted,
    interrupt,
    os_error_cause,
    outcome,
    output_error,
    remove_stale_staging,
    reset_interrupts,
    run_staged,
    staged_folder,
    staging_folder,
    write_text,
)


@pytest.fixture(autouse=True)
def fresh_state():
    reset_interrupts()
    yield
    reset_interrupts()


def _write_set(staging: Path) -> dict[str, Path]:
    write_text(staging / "a.txt", "new a\n")
    write_text(staging / "b.txt", "new b\n")
    return {"a": staging / "a.txt", "b": staging / "b.txt"}


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_new_folder_appears_complete(tmp_path):
    written = run_staged(tmp_path / "out", "the files", "no files", _write_set)
    assert written == {"a": tmp_path / "out" / "a.txt", "b": tmp_path / "out" / "b.txt"}
    assert _names(tmp_path) == ["out"] and _names(tmp_path / "out") == ["a.txt", "b.txt"]
    assert outcome() == "the files were kept"


def test_a_failure_leaves_no_folder_and_no_staging(tmp_path):
    def failing(staging: Path) -> dict[str, Path]:
        write_text(staging / "a.txt", "half\n")
        raise RuntimeError("drawing failed")

    with pytest.raises(RuntimeError):
        run_staged(tmp_path / "out", "the files", "no files", failing)
    assert _names(tmp_path) == []
    assert outcome() == "nothing was written"


def test_an_existing_folder_keeps_other_files_and_gets_the_whole_set(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("old a\n")
    (out / "notes.txt").write_text("mine\n")
    run_staged(out, "the files", "no files", _write_set)
    assert _names(out) == ["a.txt", "b.txt", "notes.txt"]
    assert (out / "a.txt").read_text() == "new a\n" and (out / "notes.txt").read_text() == "mine\n"
    assert _names(tmp_path) == ["out"]


def test_an_existing_folder_is_unchanged_when_the_set_fails(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("old a\n")

    def failing(staging: Path) -> dict[str, Path]:
        _write_set(staging)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_staged(out, "the files", "no files", failing)
    assert _names(out) == ["a.txt"] and (out / "a.txt").read_text() == "old a\n"
    assert _names(tmp_path) == ["out"]


def test_a_failed_rename_is_undone(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("old a\n")
    (out / "b.txt").write_text("old b\n")
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst) == out / "b.txt":
            raise OSError(errno.EIO, "Input/output error", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", replace)
    with pytest.raises(OutputError, match=r"out/b.txt: cannot be written \(input/output error\)"):
        run_staged(out, "the files", "no files", _write_set)
    monkeypatch.undo()
    assert (out / "a.txt").read_text() == "old a\n" and (out / "b.txt").read_text() == "old b\n"
    assert _names(tmp_path) == ["out"]


def test_an_os_error_names_the_target_file_and_the_cause(tmp_path):
    def full(staging: Path) -> dict[str, Path]:
        raise OSError(errno.ENOSPC, "No space left on device", str(staging / "big.bin"))

    with pytest.raises(OutputError) as caught:
        run_staged(tmp_path / "out", "the files", "no files", full)
    assert str(caught.value) == f"{tmp_path / 'out' / 'big.bin'}: cannot be written (no space left on the device)"
    assert _names(tmp_path) == []


@pytest.mark.parametrize(("code", "words"), [(errno.ENOSPC, "no space left on the device"),
                                              (errno.EROFS, "read-only file system"),
                                              (errno.EACCES, "permission denied")])
def test_causes_in_words(code, words):
    assert os_error_cause(OSError(code, os.strerror(code))) == words
    assert str(output_error("x/y.csv", OSError(code, os.strerror(code)))) == f"x/y.csv: cannot be written ({words})"


def test_an_interrupt_during_the_move_waits_until_the_set_is_in_place(tmp_path, monkeypatch):
    real_commit = files._commit

    def commit(staging: Path, target: Path) -> None:
        interrupt(signal.SIGTERM)  # as the signal handler would, mid-move
        real_commit(staging, target)

    monkeypatch.setattr(files, "_commit", commit)
    with pytest.raises(Interrupted) as caught:
        run_staged(tmp_path / "out", "the analysis files", "no analysis files", _write_set)
    assert caught.value.signum == signal.SIGTERM
    assert _names(tmp_path / "out") == ["a.txt", "b.txt"]
    assert outcome() == "the analysis files were kept"


def test_the_message_says_what_was_kept(tmp_path):
    run_staged(tmp_path / "out", "the analysis files", "no analysis files", _write_set)
    with pytest.raises(KeyboardInterrupt):
        with staged_folder(tmp_path / "out", "the pictures", "no pictures"):
            raise KeyboardInterrupt
    assert outcome() == "the analysis files were kept; no pictures were written"


def test_only_the_first_signal_raises(tmp_path):
    with pytest.raises(Interrupted):
        interrupt(signal.SIGINT)
    interrupt(signal.SIGINT)  # ignored: the clean-up the first one started goes on


def test_staging_left_by_a_dead_process_is_removed(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = staging_folder(tmp_path / "out", dead.pid)
    stale.mkdir()
    (stale / "a.txt").write_text("half")
    mine = staging_folder(tmp_path / "other", dead.pid)
    mine.mkdir()
    assert remove_stale_staging(tmp_path / "out") == [stale]
    assert not stale.exists() and mine.exists()


def test_a_target_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "out").write_text("x")
    with pytest.raises(OutputError, match="is not a folder"):
        run_staged(tmp_path / "out", "the files", "no files", _write_set)


def test_a_worker_ended_by_sigterm_removes_its_staging(tmp_path):
    """A process with no SIGTERM handler of its own (a session's worker) cleans up, then ends by SIGTERM."""
    script = f"""
import os, signal, sys, time
sys.path.insert(0, {str(Path(files.__file__).parents[2])!r})
from sprintlens.core.files import staged_folder
with staged_folder({str(tmp_path / 'out')!r}, "the files", "no files") as staging:
    (staging / "a.txt").write_text("half")
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(5)
print("not reached")
"""
    done = subprocess.run([os.sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == -signal.SIGTERM, done.stderr
    assert "not reached" not in done.stdout
    assert _names(tmp_path) == []


def test_a_writable_folder_in_a_read_only_one_is_staged_inside_it(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("old a\n")
    real_access = os.access
    monkeypatch.setattr(files.os, "access", lambda p, mode: Path(p) != tmp_path and real_access(p, mode))
    run_staged(out, "the files", "no files", _write_set)
    monkeypatch.undo()
    assert _names(out) == ["a.txt", "b.txt"] and (out / "a.txt").read_text() == "new a\n"
    assert _names(tmp_path) == ["out"]
