"""Keep native libraries' log lines off the user's terminal and route them through :mod:`logging`.

MediaPipe, TensorFlow Lite, absl and FFmpeg write straight to file descriptor 2, below Python,
at moments SprintLens does not choose: when a model loads, on the first pose, when a model is
destroyed (``DestroyAccelerator``), when a damaged stream is decoded.  Two tools:

- :func:`native_stderr_silenced`: a context manager for library code (the Python API) that hides
  fd 2 while a native call runs and puts it back after;
- :func:`route_native_output`: for the command line, once per process.  Python's own
  ``sys.stderr`` (messages, progress bars) moves to a duplicate of the terminal's descriptor, fd 2
  becomes a pipe, and every line written to it is logged to the ``sprintlens.native`` logger at
  INFO level (shown with ``-v``).  Python warnings go to ``sprintlens.warnings`` the same way.
  Child processes (the session's workers) inherit the pipe, so their native lines are caught too.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
import threading
import warnings
from collections.abc import Iterator

native_log = logging.getLogger("sprintlens.native")
warnings_log = logging.getLogger("sprintlens.warnings")

_routed = False


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Hide what native code writes to file descriptor 2 while the block runs."""
    if _routed:  # the command line already catches fd 2 for the whole process
        yield
        return
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
            try:
                yield
            finally:
                os.dup2(saved, fd)
    finally:
        os.close(saved)


def _pump(read_fd: int) -> None:
    with open(read_fd, "rb", buffering=0) as pipe:
        pending = b""
        while True:
            try:
                chunk = pipe.read(65536)
            except OSError:
                return
            if not chunk:
                return
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                text = line.decode("utf-8", "replace").rstrip()
                if text:
                    native_log.info("%s", text)


def _log_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                 file: object = None, line: str | None = None) -> None:
    warnings_log.info("%s:%d: %s: %s", os.path.basename(filename), lineno, category.__name__, message)


def route_native_output() -> None:
    """Send fd 2 to the log and keep Python's ``sys.stderr`` on the terminal (idempotent).

    Does nothing when ``sys.stderr`` has no file descriptor (an embedding host, a test runner
    that captures it in memory).
    """
    global _routed
    warnings.showwarning = _log_warning
    if _routed:
        return
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return
    sys.stderr.flush()
    terminal = os.dup(fd)
    os.set_inheritable(terminal, False)
    read_fd, write_fd = os.pipe()
    os.dup2(write_fd, fd)
    os.close(write_fd)
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    sys.stderr = io.TextIOWrapper(io.FileIO(terminal, "w", closefd=True), encoding=encoding,
                                  errors="backslashreplace", line_buffering=True, write_through=True)
    threading.Thread(target=_pump, args=(read_fd,), name="sprintlens-native-log", daemon=True).start()
    _routed = True
