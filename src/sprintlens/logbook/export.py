"""Export the logbook: CSV tables for spreadsheets and one JSON file with everything nested.

Files written into the export folder (each atomically):

=================  ============================================================================
``athletes.csv``   one row per athlete
``sessions.csv``   one row per session, with its baseline and advice
``reps.csv``       one row per rep: capture, RPE, notes, rep-level metrics, mean of each step metric
``steps.csv``      one row per step of every rep, every step metric
``changes.csv``    every watched metric of every rep against its baseline (and within long reps):
                   value, reference, change, noise, SE, smallest worthwhile change, threshold,
                   probability, verdict
``flags.csv``      the flags (:class:`sprintlens.logbook.flags.Flag` fields)
``progress.csv``   per athlete, metric and session: the session value, its noise, MDC95, SWC
``logbook.json``   all of the above nested: athletes > sessions > reps > steps, with flags,
                   advice and progress
=================  ============================================================================

Missing values are empty CSV cells and JSON ``null``.  Times in s, angles in deg, distances in
each rep's ``unit``.
"""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from sprintlens.core.errors import StoreError
from sprintlens.core.files import (
    csv_text,
    ensure_writable_folder,
    staged_folder,
    write_json,
    write_text,
)
from sprintlens.core.version import __version__
from sprintlens.logbook.fatigue import FatigueConfig, SessionAssessment
from sprintlens.logbook.flags import Flag
from sprintlens.logbook.progress import (
    athlete_progress,
    progress_advice,
    progress_summary,
    progress_table,
)
from sprintlens.logbook.records import REP_VALUES, Athlete, Rep, TrainingSession
from sprintlens.logbook.session import assess_stored_session, athlete_sessions
from sprintlens.logbook.store import Store

FILES = ("athletes.csv", "sessions.csv", "reps.csv", "steps.csv", "changes.csv", "flags.csv", "progress.csv",
         "logbook.json")

_CHANGE_FIELDS = ("scope", "metric", "label", "unit", "value", "reference", "change", "change_pct", "noise", "se",
                  "df", "swc", "threshold", "probability", "verdict", "reference_label")


def _athlete_record(a: Athlete) -> dict[str, object]:
    return dataclasses.asdict(a)


def _session_record(s: TrainingSession) -> dict[str, object]:
    return {**dataclasses.asdict(s), "date": s.date.isoformat()}


def _rep_record(r: Rep) -> dict[str, object]:
    record = dataclasses.asdict(r)
    record["capture"] = dict(r.capture)
    record["steps"] = r.steps.rows()
    return record


def _change_record(change: object) -> dict[str, object]:
    return {f: getattr(change, f) for f in _CHANGE_FIELDS}


def logbook_data(store: Store, athlete: str | None = None,
                 config: FatigueConfig = FatigueConfig()) -> dict[str, object]:
    """Collect everything in the logbook (or one athlete's part) as JSON-ready data, with flags and progress.

    Parameters
    ----------
    store : Store
        The logbook.
    athlete : str, optional
        Only this athlete (by name); every athlete when None.
    config : FatigueConfig
        Options of the fatigue statistics behind each session's flags and the progress.

    Returns
    -------
    dict of str to object
        Format, version, export time, database and schema, and per athlete its sessions (with
        reps, baseline, flags, changes and advice) and progress.

    Raises
    ------
    StoreError
        Unknown athlete.
    """
    athletes = [store.athlete(athlete)] if athlete else store.athletes()
    out_athletes = []
    for a in athletes:
        sessions = []
        for s in store.sessions(a.id):
            reps = store.reps(s.id)
            assessment: SessionAssessment | None = assess_stored_session(store, s.id, config) if reps else None
            sessions.append({
                **_session_record(s),
                "baseline": None if assessment is None else {
                    "label": assessment.baseline.label, "reps": list(assessment.baseline.reps),
                    "values": dict(assessment.baseline.values), "noise_source": assessment.baseline.noise_source,
                    "notes": list(assessment.baseline.notes)},
                "advice": [] if assessment is None else list(assessment.advice),
                "onset_rep": None if assessment is None else assessment.onset_rep,
                "flags": [] if assessment is None else [f.as_dict() for f in assessment.flags],
                "changes": [] if assessment is None else [
                    {"rep": c.rep, **_change_record(c)}
                    for per_rep in (*assessment.changes.values(), *assessment.within.values()) for c in per_rep],
                "reps": [_rep_record(r) for r in reps],
            })
        results = athlete_progress(athlete_sessions(store, a.id), config=config) if sessions else ()
        out_athletes.append({
            **_athlete_record(a),
            "sessions": sessions,
            "progress": {"metrics": [{**progress_summary(r), "points": [
                {"session_id": p.session_id, "date": p.date.isoformat(), "phase": p.phase, "value": p.value,
                 "typical_error": p.typical_error, "n_reps": p.n_reps} for p in r.points]} for r in results],
                "advice": list(progress_advice(results)) if results else []},
            "_progress_rows": progress_table(results),
        })
    return {"format": "sprintlens.logbook", "format_version": 1,
            "exported_utc": datetime.now(UTC).isoformat(timespec="seconds"), "sprintlens_version": __version__,
            "database": str(store.path), "schema_version": store.schema_version, "athletes": out_athletes}


def export_logbook(store: Store, out_dir: str | os.PathLike[str], athlete: str | None = None,
                   config: FatigueConfig = FatigueConfig()) -> dict[str, Path]:
    """Write the logbook (or one athlete's part) as CSV tables and JSON into ``out_dir``.

    The folder is created if its parent exists.  Returns the paths written, by file name.

    Parameters
    ----------
    store : Store
        The logbook.
    out_dir : str or os.PathLike
        The folder to write into.
    athlete : str, optional
        Only this athlete (by name); every athlete when None.
    config : FatigueConfig
        Options of the fatigue statistics behind the flags and the progress.

    Returns
    -------
    dict of str to Path
        The paths written, by file name.

    Raises
    ------
    StoreError, OutputError
        Unknown athlete; folder not writable.
    """
    data = logbook_data(store, athlete, config)
    if not data["athletes"]:
        raise StoreError("nothing to export: the logbook has no athletes")
    out = Path(out_dir)
    ensure_writable_folder(out if out.exists() else (out.parent if str(out.parent) else Path(".")))
    athletes = data["athletes"]  # type: ignore[assignment]
    tables: dict[str, tuple[list[str], list[list[object]]]] = {}

    a_fields = [f.name for f in dataclasses.fields(Athlete)]
    tables["athletes.csv"] = (a_fields, [[a[f] for f in a_fields] for a in athletes])

    s_fields = [f.name for f in dataclasses.fields(TrainingSession)]
    tables["sessions.csv"] = ([*s_fields, "baseline", "onset_rep", "advice"], [
        [*(s[f] for f in s_fields), s["baseline"]["label"] if s["baseline"] else "", s["onset_rep"],
         " | ".join(s["advice"])] for a in athletes for s in a["sessions"]])

    reps = [(a, s, r) for a in athletes for s in a["sessions"] for r in s["reps"]]
    metrics = sorted({m for _, _, r in reps for m in r["trends"]})
    r_fields = ["id", "session_id", "order", "video_name", "video_sha256", "fps", "unit", "scale_source", "gait",
                "n_steps", "low_confidence_timing", "rpe", "notes", "analysed_utc", "sprintlens_version"]
    tables["reps.csv"] = (
        ["athlete", "date", "phase", *r_fields, *REP_VALUES, *(f"{m}_mean" for m in metrics), "capture_json"],
        [[a["name"], s["date"], s["phase"], *(r[f] for f in r_fields), *(r["values"].get(v) for v in REP_VALUES),
          *(r["trends"].get(m, {}).get("mean") for m in metrics),
          json.dumps(r["capture"], default=str)] for a, s, r in reps])

    step_names = sorted({k for _, _, r in reps for st in r["steps"] for k in st if k != "index"})
    tables["steps.csv"] = (["athlete", "session_id", "rep_id", "rep", "step", *step_names], [
        [a["name"], s["id"], r["id"], r["order"], st.get("index"), *(st.get(k) for k in step_names)]
        for a, s, r in reps for st in r["steps"]])

    tables["changes.csv"] = (["athlete", "session_id", "date", "rep", *_CHANGE_FIELDS], [
        [a["name"], s["id"], s["date"], c["rep"], *(c[f] for f in _CHANGE_FIELDS)]
        for a in athletes for s in a["sessions"] for c in s["changes"]])

    flag_fields = [f.name for f in dataclasses.fields(Flag)]
    tables["flags.csv"] = (["athlete", "session_id", "date", *flag_fields], [
        [a["name"], s["id"], s["date"], *(f[k] for k in flag_fields)]
        for a in athletes for s in a["sessions"] for f in s["flags"]])

    p_fields = ["metric", "label", "unit", "session_id", "date", "phase", "value", "typical_error", "n_reps", "mdc95",
                "swc"]
    tables["progress.csv"] = (["athlete", *p_fields], [[a["name"], *(row[f] for f in p_fields)]
                                                       for a in athletes for row in a["_progress_rows"]])

    for a in athletes:
        del a["_progress_rows"]
    # the set is staged and moved into place whole: after a failure or an interrupt the folder is as it was
    with staged_folder(out, "the export", "no export files") as staging:
        for name, (header, rows) in tables.items():
            write_text(staging / name, csv_text(header, rows))
        write_json(staging / "logbook.json", data)
    return {name: out / name for name in [*tables, "logbook.json"]}
