"""Where many clips are analysed (``--workers``, ``--scheduler``, ``--send-bytes``), and one bar over them."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import click
from tqdm import tqdm

from sprintlens.analysis.executor import SCHEDULER_ENV


def executor_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--workers N``, ``--scheduler ADDRESS`` (or $SPRINTLENS_SCHEDULER) and ``--send-bytes/--no-send-bytes``."""
    f = click.option("--send-bytes/--no-send-bytes", "send_bytes", default=None,
                     help="With --scheduler: send the clips' bytes to the workers (needed when they cannot see "
                          "this machine's files), or only their paths (default: bytes unless every worker sees "
                          "the clips at the same paths).")(f)
    f = click.option("--scheduler", "scheduler", default=None, metavar="tcp://HOST:PORT", envvar=SCHEDULER_ENV,
                     help=f"Analyse on this Dask distributed cluster (default: ${SCHEDULER_ENV}, else this "
                          "machine's cores). Its workers need SprintLens installed.")(f)
    return click.option("--workers", type=click.IntRange(1, 64), default=None,
                        help="Clips analysed at once on this machine (default: one per available core).")(f)


def make_executor(workers: int | None, scheduler: str | None, send_bytes: bool | None, n_clips: int) -> Any:
    """Return the executor the options describe (local processes, at most one per clip, or a Dask cluster's).

    Parameters
    ----------
    workers : int or None
        ``--workers``.
    scheduler : str or None
        ``--scheduler`` (empty: none).
    send_bytes : bool or None
        ``--send-bytes`` / ``--no-send-bytes`` (None: detect).
    n_clips : int
        Clips to analyse.

    Returns
    -------
    ClipExecutor
        To use as a context manager.
    """
    from sprintlens.analysis.executor import clip_executor, default_workers

    if scheduler:
        return clip_executor(scheduler=scheduler, send_bytes=send_bytes)
    return clip_executor(min(workers or default_workers(), max(1, n_clips)))


@contextlib.contextmanager
def clip_progress(total: int, quiet: bool) -> Iterator[tqdm]:
    """Yield one bar over ``total`` clips on stderr (disabled with ``quiet`` or when stderr is not a terminal)."""
    bar = tqdm(total=total, unit="clip", dynamic_ncols=True, leave=False, disable=True if quiet else None)
    try:
        yield bar
    finally:
        bar.close()


def echo_over(bar: tqdm, message: str, *, err: bool = False) -> None:
    """Print a line without breaking the bar (it is drawn again below the line).

    Parameters
    ----------
    bar : tqdm
        The bar of :func:`clip_progress` (on or off).
    message : str
        The line.
    err : bool
        Print it on stderr rather than stdout.
    """
    if bar.disable:
        click.echo(message, err=err)
        return
    with tqdm.external_write_mode():
        click.echo(message, err=err)
