r"""The logbook commands a coach expects: athletes, sessions and reps listed; RPE and notes; deleting; export.

``sprintlens athlete add|edit|delete``, ``sprintlens athletes``, ``sprintlens sessions``,
``sprintlens reps``, ``sprintlens rpe``, ``sprintlens note``, ``sprintlens delete``,
``sprintlens export``, ``sprintlens logbook check|backup``.

The listing commands and ``export`` only read (the database is opened read-only, so they work
on read-only storage).  Everything printed from the logbook goes through
:func:`sprintlens.core.terminal.printable`: a name with terminal control codes, stored by an
older SprintLens, is shown escaped (``\x1b``), never obeyed.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TypeVar

import click

from sprintlens.cli.options import db_option, open_store
from sprintlens.core.errors import StoreError
from sprintlens.core.terminal import printable
from sprintlens.render.logbook_text import athlete_rows, rep_rows, session_rows

_Record = TypeVar("_Record")


def _echo(text: str) -> None:
    click.echo(printable(text))


def _shown(record: _Record) -> _Record:
    """Escape the control characters of the record's text fields (line breaks kept: the rows fold them)."""
    changes = {f.name: printable(getattr(record, f.name), keep="\n") for f in dataclasses.fields(record)  # type: ignore[arg-type]
               if isinstance(getattr(record, f.name), str)}
    return dataclasses.replace(record, **changes)  # type: ignore[type-var]


@click.group()
def athlete() -> None:
    """Add, change or delete an athlete."""


@athlete.command("add")
@click.argument("name")
@click.option("--height", "height_m", type=float, default=None, metavar="METRES",
              help="Standing height (sets metric distances for their reps).")
@click.option("--notes", default="", help="Notes.")
@db_option
def athlete_add(name: str, height_m: float | None, notes: str, db: str | None) -> None:
    """Add an athlete to the logbook (it is created if needed)."""
    with open_store(db, create=True) as store:
        who = store.add_athlete(name, height_m=height_m, notes=notes)
        _echo(f"added {who.name} (id {who.id}) to {store.path}")


@athlete.command("edit")
@click.argument("name")
@click.option("--name", "new_name", default=None, help="New name.")
@click.option("--height", "height_m", type=float, default=None, metavar="METRES", help="Standing height.")
@click.option("--notes", default=None, help="Replace the notes.")
@click.option("--reference", "reference", type=int, default=None, metavar="SESSION_ID",
              help="Use this session's first reps as the baseline of every later fatigue verdict.")
@click.option("--no-reference", is_flag=True, help="Back to each session's own first reps as the baseline.")
@db_option
def athlete_edit(name: str, new_name: str | None, height_m: float | None, notes: str | None, reference: int | None,
                 no_reference: bool, db: str | None) -> None:
    """Change an athlete's name, height, notes or reference session."""
    if reference is not None and no_reference:
        raise click.UsageError("give --reference or --no-reference, not both")
    kwargs: dict[str, object] = {}
    if height_m is not None:
        kwargs["height_m"] = height_m
    if reference is not None or no_reference:
        kwargs["reference_session_id"] = reference
    with open_store(db) as store:
        who = store.update_athlete(name, new_name=new_name, notes=notes, **kwargs)  # type: ignore[arg-type]
        height = f"{who.height_m:.2f} m" if who.height_m else "no height"
        ref = f", reference session {who.reference_session_id}" if who.reference_session_id else ""
        _echo(f"{who.name}: {height}{ref}")


@athlete.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@db_option
def athlete_delete(name: str, yes: bool, db: str | None) -> None:
    """Delete an athlete with all their sessions and reps."""
    with open_store(db) as store:
        who = store.athlete(name)
        sessions = store.sessions(who.id)
        what = f"{who.name} with {len(sessions)} session(s) and {sum(s.n_reps for s in sessions)} rep(s)"
        if not yes:
            click.confirm(printable(f"delete {what}?"), abort=True)
        store.delete_athlete(who.name)
        _echo(f"deleted {what}")


@click.command()
@db_option
def athletes(db: str | None) -> None:
    """List the athletes in the logbook."""
    with open_store(db, readonly=True) as store:
        everyone = store.athletes()
        by_athlete = {a.id: store.sessions(a.id) for a in everyone}
    for line in athlete_rows([_shown(a) for a in everyone], by_athlete):
        _echo(line)


@click.command()
@click.option("--athlete", "athlete_name", default=None, metavar="NAME", help="Only this athlete's sessions.")
@db_option
def sessions(athlete_name: str | None, db: str | None) -> None:
    """List sessions (id, athlete, date, phase, location, reps)."""
    with open_store(db, readonly=True) as store:
        found = store.sessions(store.athlete(athlete_name).id if athlete_name else None)
    for line in session_rows([_shown(s) for s in found]):
        _echo(line)


@click.command()
@click.argument("session_id", type=int)
@db_option
def reps(session_id: int, db: str | None) -> None:
    """List a session's reps (id, order, clip, frame rate, steps, contact time, speed, RPE, notes)."""
    with open_store(db, readonly=True) as store:
        found = store.session(session_id)
        listed = store.reps(session_id)
    _echo(f"{found.athlete}: {found.describe()}")
    for line in rep_rows([_shown(r) for r in listed]):
        _echo(line)


def _parse_rpe(text: str) -> int | None:
    if text.strip().lower() in ("none", "clear", "-"):
        return None
    try:
        value = float(text)
    except ValueError:
        raise click.BadParameter(f"{text!r}: give a whole number from 1 to 10, or 'none' to clear it") from None
    if value != int(value) or not 1 <= value <= 10:
        raise click.BadParameter(f"{text!r}: RPE is a whole number from 1 to 10")
    return int(value)


@click.command()
@click.argument("rep_id", type=int)
@click.argument("value")
@db_option
def rpe(rep_id: int, value: str, db: str | None) -> None:
    """Set a rep's rating of perceived exertion (1-10; 'none' clears it)."""
    rating = _parse_rpe(value)
    with open_store(db) as store:
        rep = store.set_rpe(rep_id, rating)
        _echo(f"rep {rep.order} ({rep.video_name}): RPE {rep.rpe if rep.rpe is not None else 'cleared'}")


@click.command()
@click.argument("text")
@click.option("--rep", "rep_id", type=int, default=None, metavar="REP_ID", help="Notes of this rep.")
@click.option("--session", "session_id", type=int, default=None, metavar="SESSION_ID", help="Notes of this session.")
@click.option("--append", is_flag=True, help="Add to the notes instead of replacing them.")
@db_option
def note(text: str, rep_id: int | None, session_id: int | None, append: bool, db: str | None) -> None:
    """Write notes on a rep or a session."""
    if (rep_id is None) == (session_id is None):
        raise click.UsageError("give --rep REP_ID or --session SESSION_ID")
    with open_store(db) as store:
        if rep_id is not None:
            old = store.rep(rep_id).notes
            new = f"{old}\n{text}" if append and old else text
            rep = store.set_rep_notes(rep_id, new)
            _echo(f"rep {rep.order} ({rep.video_name}): notes saved")
        else:
            old = store.session(session_id).notes  # type: ignore[arg-type]
            new = f"{old}\n{text}" if append and old else text
            found = store.update_session(session_id, notes=new)  # type: ignore[arg-type]
            _echo(f"{found.describe()}: notes saved")


@click.command()
@click.option("--rep", "rep_id", type=int, default=None, metavar="REP_ID", help="Delete this rep.")
@click.option("--session", "session_id", type=int, default=None, metavar="SESSION_ID",
              help="Delete this session and its reps.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@db_option
def delete(rep_id: int | None, session_id: int | None, yes: bool, db: str | None) -> None:
    """Delete a rep or a whole session (asks first unless --yes)."""
    if (rep_id is None) == (session_id is None):
        raise click.UsageError("give --rep REP_ID or --session SESSION_ID")
    with open_store(db) as store:
        if rep_id is not None:
            rep = store.rep(rep_id)
            found = store.session(rep.session_id)  # type: ignore[arg-type]
            what = f"rep {rep.order} ({rep.video_name}) of {found.athlete}'s {found.describe()}"
            if not yes:
                click.confirm(printable(f"delete {what}?"), abort=True)
            store.delete_rep(rep_id)
        else:
            found = store.session(session_id)  # type: ignore[arg-type]
            what = f"{found.athlete}'s {found.describe()} with its {found.n_reps} rep(s)"
            if not yes:
                click.confirm(printable(f"delete {what}?"), abort=True)
            store.delete_session(found.id)
        _echo(f"deleted {what}")


@click.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--athlete", "athlete_name", default=None, metavar="NAME", help="Only this athlete.")
@click.option("--baseline-reps", type=click.IntRange(1, 20), default=2, show_default=True,
              help="First reps that form each session's baseline (for the flags and progress exported).")
@db_option
def export(out: Path, athlete_name: str | None, baseline_reps: int, db: str | None) -> None:
    """Export the logbook to OUT (a folder): CSV tables and JSON.

    The CSV tables are athletes, sessions, reps, steps, changes, flags and progress;
    logbook.json has everything nested.  Text cells that a spreadsheet would run as a formula
    (starting with = + - @) start with a ' instead.
    """
    with open_store(db, readonly=True) as store:
        if athlete_name:
            store.athlete(athlete_name)
        from sprintlens.logbook.export import export_logbook
        from sprintlens.logbook.fatigue import FatigueConfig

        written = export_logbook(store, out, athlete_name, FatigueConfig(baseline_reps=baseline_reps))
    if not written:
        raise StoreError("nothing exported")
    _echo(f"wrote {out}/: {', '.join(p.name for p in written.values())}")


@click.group()
def logbook() -> None:
    """Check the logbook database, or back it up."""


@logbook.command("check")
@db_option
@click.pass_context
def logbook_check(ctx: click.Context, db: str | None) -> None:
    """Check the logbook for damage (SQLite's integrity and foreign-key checks).

    Prints ok, or the problems and which backup to restore, with exit status 1.  Nothing is
    written.
    """
    from sprintlens.logbook.database import (
        LogbookDamagedError,
        NotALogbookError,
        restore_hint,
    )

    try:
        store = open_store(db, readonly=True)
    except (LogbookDamagedError, NotALogbookError) as exc:
        if getattr(exc, "reason", None) is None:  # an SQLite file, but not a logbook: not damaged
            raise
        path = exc.path  # type: ignore[attr-defined]
        _echo(f"{path}: damaged: it cannot be opened ({exc.reason})")  # type: ignore[attr-defined]
        _echo(f"{restore_hint(path)}")
        ctx.exit(1)
    with store:
        problems = store.check()
        if problems:
            _echo(f"{store.path}: damaged: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
            for line in problems:
                _echo(f"  {line}")
            _echo(restore_hint(store.path))
            ctx.exit(1)
        counts = store.counts()
    _echo(f"{store.path}: ok (integrity and foreign keys checked; {counts['athletes']} athletes, "
          f"{counts['sessions']} sessions, {counts['reps']} reps)")


@logbook.command("backup")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@db_option
def logbook_backup(file: Path | None, db: str | None) -> None:
    """Copy the logbook to FILE, consistently and atomically.

    The copy is made with SQLite's backup API (consistent even while another process writes)
    into a temporary file, checked, then renamed into place.  Default FILE: beside the logbook,
    named by the time (sprintlens.db.20240501T120000Z.bak), where the message about a damaged
    logbook looks for it.
    """
    with open_store(db, readonly=True) as store:
        written = store.backup(file)
        counts = store.counts()
    _echo(f"backed up {store.path} to {written} ({counts['athletes']} athletes, {counts['sessions']} sessions, "
          f"{counts['reps']} reps)")
