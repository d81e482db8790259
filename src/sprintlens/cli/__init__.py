"""The ``sprintlens`` command line.

Each command lives in its own module and calls the Python API; this module turns errors into
one-line messages and exit codes:

====  ==================================================
0     done
1     bad input (the message says what and where)
2     bad command-line usage (click's own messages)
70    an internal error (a bug: rerun with --debug)
130   interrupted (Ctrl-C); nothing half-written is left
====  ==================================================
"""

from __future__ import annotations

import logging
import sys

import click

from .. import __version__
from ..errors import SprintLensError

EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


class _Group(click.Group):
    """A click group whose commands report errors in one line, never with a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except SprintLensError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted: nothing was written", err=True)
            ctx.exit(EXIT_INTERRUPTED)
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
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="sprintlens: %(message)s", stream=sys.stderr)


from . import analyse as _analyse  # noqa: E402
from . import athlete_progress as _progress  # noqa: E402
from . import compare as _compare  # noqa: E402
from . import info as _info  # noqa: E402
from . import logbook as _logbook  # noqa: E402
from . import pose as _pose  # noqa: E402
from . import render as _render  # noqa: E402
from . import session as _session  # noqa: E402

main.add_command(_analyse.analyse)
main.add_command(_compare.compare)
main.add_command(_info.info)
main.add_command(_pose.pose)
main.add_command(_render.render)
main.add_command(_session.session)
main.add_command(_session.review)
main.add_command(_progress.progress)
for _command in (_logbook.athlete, _logbook.athletes, _logbook.sessions, _logbook.reps, _logbook.rpe, _logbook.note,
                 _logbook.delete, _logbook.export):
    main.add_command(_command)
