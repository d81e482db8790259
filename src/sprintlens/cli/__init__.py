"""The ``sprintlens`` command line.

Each command lives in its own module and calls the Python API; this module turns errors into
one-line messages and exit codes:

====  ==========================================================================================
0     done
1     bad input (the message says what and where)
2     bad command-line usage (click's own messages)
70    an internal error (a bug: rerun with --debug)
130   interrupted (Ctrl-C); nothing half-written is left
141   the output's reader went away (``| head``); files are written before the summary is printed
====  ==========================================================================================
"""

from __future__ import annotations

import logging
import os
import sys
from importlib import import_module

import click

from sprintlens.core.errors import SprintLensError
from sprintlens.core.native_output import route_native_output
from sprintlens.core.version import __version__

EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # as a shell reports a program ended by SIGPIPE


#: Every command: name -> (module in sprintlens.cli, attribute, one line for `sprintlens --help`).
#: A command's module is imported only when the command runs, so quick commands and --help stay
#: quick (the analysis stages, SciPy, MediaPipe and matplotlib load only where they are used).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "info": ("info", "info", "A clip's metadata and whether it suits sprint analysis."),
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
        try:
            return super().invoke(ctx)
        except SprintLensError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted: nothing was written", err=True)
            ctx.exit(EXIT_INTERRUPTED)
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
