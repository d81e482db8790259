"""``sprintlens progress --athlete NAME``: key metrics over sessions and weeks, with the noise band."""

from __future__ import annotations

from pathlib import Path

import click

from sprintlens.cli.options import db_option, open_store
from sprintlens.core.errors import OutputError, StoreError
from sprintlens.core.files import check_output_file
from sprintlens.core.terminal import printable
from sprintlens.logbook.fatigue import FatigueConfig
from sprintlens.logbook.progress import (
    PROGRESS_BY_NAME,
    athlete_progress,
    progress_advice,
)
from sprintlens.logbook.session import athlete_sessions
from sprintlens.render.logbook_text import progress_lines

PLOT_FORMATS = (".png", ".svg")


@click.command()
@click.option("--athlete", "athlete", required=True, metavar="NAME", help="Whose progress.")
@click.option("--metric", "metrics", multiple=True, type=click.Choice(list(PROGRESS_BY_NAME)),
              help="A metric to show (repeat for several; default: all watched metrics).")
@click.option("--phase", "phases", multiple=True, metavar="PHASE",
              help="Only sessions of this training phase (repeat for several).")
@click.option("--baseline-reps", type=click.IntRange(1, 20), default=2, show_default=True,
              help="First (fresh) reps that make a session's value.")
@click.option("--plot", "plot", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="Also draw the trends: FILE.png or FILE.svg.")
@db_option
def progress(athlete: str, metrics: tuple[str, ...], phases: tuple[str, ...], baseline_reps: int, plot: Path | None,
             db: str | None) -> None:
    """Show trends of an athlete's key metrics across sessions and weeks, grouped by training phase.

    With the noise band (minimal detectable change): a change is called real only beyond it.
    """
    if plot is not None:
        if plot.suffix.lower() not in PLOT_FORMATS:
            raise OutputError(f"{plot}: the plot is written as .png or .svg")
        check_output_file(plot)
    with open_store(db, readonly=True) as store:
        who = store.athlete(athlete)
        sessions = athlete_sessions(store, who.id)
    wanted = {p.strip().lower() for p in phases}
    if wanted:
        sessions = [s for s in sessions if s.phase in wanted]
    if not any(s.reps for s in sessions):
        where = f" in phase {', '.join(sorted(wanted))}" if wanted else ""
        raise StoreError(f"{who.name} has no analysed reps{where} yet (sprintlens session ... --athlete {who.name!r})")
    results = athlete_progress(sessions, list(metrics) or None, FatigueConfig(baseline_reps=baseline_reps))
    for line in progress_lines(who, results, progress_advice(results)):
        click.echo(printable(line))
    if plot is not None:
        from sprintlens.render.logbook_plots import plot_progress_panels
        from sprintlens.render.plots import save_figure

        fig, _ = plot_progress_panels(results)
        written = save_figure(fig, plot.with_suffix(""), formats=(plot.suffix.lower().lstrip("."),))
        click.echo(f"\nwrote {next(iter(written.values()))}")
