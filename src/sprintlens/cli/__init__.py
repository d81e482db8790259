"""The ``sprintlens`` command line.

Each command lives in its own module and calls the Python API; this module turns errors into
one-line messages and exit codes:

====  ==========================================================================================
0     done
1     bad input (the message says what and where)
2     bad command-line usage (click's own messages)
70    an internal error (a bug: rerun with --debug)
130   interrupted (Ctrl-C, SIGINT); nothing half-written is left, and the message says what was kept
141   the output's reader went away (``| head``); files are written before the summary is printed
143   stopped by SIGTERM: the same clean-up and message as Ctrl-C
====  ==========================================================================================
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from importlib import import_module

import click

from sprintlens.core.errors import SprintLensError
from sprintlens.core.files import interrupt, outcome, outputs_kept, reset_interrupts
from sprintlens.core.native_output import route_native_output
from sprintlens.core.terminal import printable
from sprintlens.core.version import __version__

EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # as a shell reports a program ended by SIGPIPE
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a program ended by it

#: Signals that stop a command cleanly: each raises :class:`sprintlens.core.files.Interrupted`
#: (a KeyboardInterrupt), so SIGTERM takes the same path as Ctrl-C.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


#: Every command: name -> (module in sprintlens.cli, attribute, one line for `sprintlens --help`).
#: A command's module is imported only when the command runs, so quick commands and --help stay
#: quick (the analysis stages, SciPy, MediaPipe and matplotlib load only where they are used).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "info": ("info", "info", "A clip's metadata and whether it suits sprint analysis."),
    "people": ("people", "people", "Everyone found in a clip, numbered and boxed, for --athlete N."),
    "pose": ("pose", "pose", "Track the athlete's joints in every frame and save the pose track."),
    "analyse": ("analyse", "analyse", "Analyse a sprint: angles, contacts, steps, metrics (and pictures)."),
    "render": ("render", "render", "Draw an analysed rep: annotated clip, plots, kinogram, report."),
    "compare": ("compare", "compare", "Compare two to four reps side by side, synchronised on an event."),
    "batch": ("batch", "batch", "Analyse many clips at once, on this machine's cores or a Dask cluster."),
    "session": ("session", "session", "Analyse a session's reps, store them, flag fatigue, give advice."),
    "review": ("session", "review", "Show a stored session again, with its flags and advice."),
    "progress": ("progress", "progress", "An athlete's key metrics over sessions and weeks."),
    "athlete": ("logbook", "athlete", "Add, change or delete an athlete."),
    "athletes": ("logbook", "athletes", "List the athletes in the logbook."),
    "sessions": ("logbook", "sessions", "List sessions."),
    "reps": ("logbook", "reps", "List a session's reps."),
    "rpe": ("logbook", "rpe", "Set a rep's rating of perceived exertion (1-10)."),
    "note": ("logbook", "note", "Write notes on a rep or a session."),
    "delete": ("logbook", "delete", "Delete a rep or a whole session."),
    "export": ("logbook", "export", "Export the logbook to CSV and JSON."),
    "logbook": ("logbook", "logbook", "Check the logbook database for damage, or back it up."),
}


class _Group(click.Group):
    """The command group: commands loaded on use; errors reported in one line, never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        entry = COMMANDS.get(name)
        if entry is None:
            return None
        module, attribute, summary = entry
        command = getattr(import_module(f"{__name__}.{module}"), attribute)
        command.short_help = summary
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, summary) for name, (_, _, summary) in COMMANDS.items()])

    def invoke(self, ctx: click.Context) -> object:
        reset_interrupts()
        previous = _catch_stop_signals()
        try:
            return self._invoke(ctx)
        finally:
            for signum, handler in previous.items():
                if handler is not None:
                    signal.signal(signum, handler)

    def _invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except SprintLensError as exc:
            kept = f"; {outcome()}" if outputs_kept() else ""
            click.echo(f"error: {printable(str(exc))}{kept}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt as exc:
            _end_children()  # done by the signal handler already, unless Python raised it itself
            signum = getattr(exc, "signum", signal.SIGINT)
            n = _children_ended
            if n:  # a session's workers: each removed its unfinished folder; the logbook is written after them
                said = (f"{n} worker process{'es' if n > 1 else ''} ended; rep folders already complete were kept, "
                        "unfinished ones removed; nothing was stored in the logbook")
            else:
                said = outcome()
            click.echo(f"interrupted: {said}", err=True)
            ctx.exit(EXIT_TERMINATED if signum == signal.SIGTERM else EXIT_INTERRUPTED)
        except BrokenPipeError:  # the reader went away (`sprintlens analyse clip.mp4 | head`): stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's last flush cannot fail again
            ctx.exit(EXIT_BROKEN_PIPE)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # a bug: say so in one line unless asked for the traceback
            if ctx.obj and ctx.obj.get("debug"):
                raise
            first = str(exc).splitlines()[0] if str(exc) else ""
            click.echo(f"internal error: {exc.__class__.__name__}: {first} (rerun with --debug for details)",
                       err=True)
            ctx.exit(EXIT_INTERNAL)
        return None


_children_ended = 0  # worker processes ended by the signal handler


def _end_children(grace_s: float = 3.0) -> int:
    """End this process's worker processes (a session's): SIGTERM, then SIGKILL after ``grace_s``.

    A worker writing a set of files removes its staging folder before it ends
    (:func:`sprintlens.core.files.staged_folder`).  Returns how many were ended.
    """
    global _children_ended
    if "multiprocessing" not in sys.modules:
        return 0
    import multiprocessing
    import time

    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    deadline = time.monotonic() + grace_s
    for child in children:
        child.join(max(0.0, deadline - time.monotonic()))
    for child in children:
        if child.is_alive():
            child.kill()
            child.join(1.0)
    _children_ended += len(children)
    return len(children)


def _on_stop_signal(signum: int, frame: object) -> None:
    _end_children()  # first, so a process pool waiting on its workers lets the interrupt through
    interrupt(signum)


def _catch_stop_signals() -> dict[int, object]:
    """Install the handler of SIGINT and SIGTERM (main thread only); return the handlers it replaced."""
    global _children_ended
    _children_ended = 0
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous = {}
    for signum in STOP_SIGNALS:
        previous[signum] = signal.getsignal(signum)
        signal.signal(signum, _on_stop_signal)
    return previous


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sprintlens")
@click.option("-v", "--verbose", count=True, help="Say more (-v: steps, -vv: details).")
@click.option("--debug", is_flag=True, help="Show the full traceback of internal errors.")
@click.pass_context
def main(ctx: click.Context, verbose: int, debug: bool) -> None:
    """SprintLens: sprint analysis from a phone video, offline."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    route_native_output()  # native libraries' log lines go to the log (-v), never over our output
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="sprintlens: %(message)s", stream=sys.stderr)
