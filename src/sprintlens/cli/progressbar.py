"""A frames-per-second progress bar for long commands (on stderr; silent when asked)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from tqdm import tqdm


@contextlib.contextmanager
def frame_progress(quiet: bool, what: str = "frame") -> Iterator[Callable[[int, int], None]]:
    """Yield a ``progress(done, expected)`` callback that drives a tqdm bar (frames/s shown)."""
    bar: tqdm | None = None

    def update(done: int, expected: int) -> None:
        nonlocal bar
        if quiet:
            return
        if bar is None:
            # disable=None: no bar when stderr is not a terminal (logs, CI)
            bar = tqdm(total=expected or None, unit=what, dynamic_ncols=True, leave=False, disable=None)
        if expected and expected > (bar.total or 0):
            bar.total = expected
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()
