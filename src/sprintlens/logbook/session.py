"""A training session: its clips analysed in parallel, stored in the logbook, judged for fatigue.

The steps, each usable alone::

    sources = collect_sources([Path("2024-05-01")])           # the clips, in rep order
    check_sources(sources)                                     # every one a readable video (fast)
    reps = analyse_reps(sources, PoseConfig(), AnalysisConfig(height_m=1.80))   # one process per core
    with Store() as store:
        stored = store_session(store, "Ann", reps, date=dt.date(2024, 5, 1), phase="speed")
        verdict = assess_stored_session(store, stored.session.id)

Analysis (MediaPipe and numpy) runs in worker processes, local or a Dask cluster's
(:mod:`sprintlens.analysis.executor`); the workers return their results and only this process
writes files: each rep's folder as its result arrives, and the database in one transaction per
session, after every clip has been analysed: a bad clip or Ctrl-C during the analysis leaves the
logbook as it was.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sprintlens.analysis.executor import (
    ClipAnalysis,
    ClipExecutor,
    LocalExecutor,
    run_clip,
)
from sprintlens.analysis.executor import default_workers as _default_workers
from sprintlens.analysis.result import Analysis, AnalysisConfig
from sprintlens.capture.trackfile import load_track
from sprintlens.capture.tracking import PoseConfig
from sprintlens.capture.video import (
    file_sha256,
    filming_day,
    parse_recording_time,
    probe,
)
from sprintlens.core.errors import StoreError, VideoError
from sprintlens.logbook.fatigue import (
    FatigueConfig,
    RepSteps,
    SessionAssessment,
    assess_session,
)
from sprintlens.logbook.progress import SessionData
from sprintlens.logbook.records import Rep, TrainingSession, rep_record
from sprintlens.logbook.store import Store

log = logging.getLogger(__name__)

#: File endings taken as clips when a folder is given.
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".3gp")
#: Pose tracks saved by ``sprintlens pose`` (accepted when named explicitly).
TRACK_SUFFIXES = (".npz",)


def natural_key(path: Path) -> tuple[object, ...]:
    """Sort key that puts ``rep2`` before ``rep10``."""
    return tuple(int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name))


def collect_sources(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Return the clips of a session, in rep order.

    A folder contributes its video files (:data:`VIDEO_SUFFIXES`) in natural name order
    (``rep2`` before ``rep10``), or, when it holds no video, its pose tracks (``.npz``); files
    are taken as given, in the order given.

    Raises
    ------
    VideoError
        A path does not exist, a folder holds no video, nothing was given, or a clip is named twice.
    """
    if not paths:
        raise VideoError("no clips given: name a folder of clips or the clips themselves")
    sources: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            files = [p for p in item.iterdir() if p.is_file() and not p.name.startswith(".")]
            found = sorted((p for p in files if p.suffix.lower() in VIDEO_SUFFIXES), key=natural_key)
            if not found:  # a folder of pose tracks saved by `sprintlens pose`
                found = sorted((p for p in files if p.suffix.lower() in TRACK_SUFFIXES), key=natural_key)
            if not found:
                raise VideoError(f"{item}: no video files in this folder (looked for "
                                 f"{', '.join(VIDEO_SUFFIXES)}, or pose tracks {', '.join(TRACK_SUFFIXES)})")
            sources.extend(found)
        elif item.exists():
            sources.append(item)
        else:
            raise VideoError(f"{item}: no such file or folder")
    seen: set[Path] = set()
    for source in sources:
        resolved = source.resolve()
        if resolved in seen:
            raise VideoError(f"{source}: named twice; each clip is one rep")
        seen.add(resolved)
    return sources


def check_sources(sources: Sequence[Path], capture_fps: float | None = None) -> dt.date | None:
    """Check that every clip can be read before any long analysis (pose tracks: that they load).

    Returns the day the clips were filmed (the earliest recording time their containers give,
    :func:`sprintlens.capture.video.filming_day`), or None when none says.

    Raises
    ------
    VideoError, TrackFormatError
        Naming the first clip that is not a readable video (or track).
    """
    filmed: list[dt.datetime] = []
    for source in sources:
        if source.suffix.lower() in TRACK_SUFFIXES:
            when = parse_recording_time((load_track(source).provenance.get("video") or {}).get("recorded_at"))
        else:
            when = probe(source, capture_fps=capture_fps).recorded_at
        if when is not None:
            filmed.append(when)
    return filming_day(min(filmed)) if filmed else None


def default_workers() -> int:
    """Cores this process may use."""
    return _default_workers()


def rep_of(analysis: Analysis, source: Path) -> Rep:
    """Return the storable rep of a clip's analysis.

    A track not made from a video file is its own identity (its checksum stands for the video's).
    """
    rep = rep_record(analysis, video_name=source.name)
    if not rep.video_sha256:
        rep = replace(rep, video_sha256=f"track:{file_sha256(source)}")
    if rep.n_steps == 0:
        log.warning("%s: no complete steps found (%s)", source.name, rep.gait_reason)
    return rep


def _write_rep_folder(clip: ClipAnalysis, out_dir: Path) -> None:
    """Write a rep's analysis files, and the files its ``after`` hook made, into its folder."""
    from sprintlens.analysis.folder import write_analysis
    from sprintlens.core.files import atomic_path

    write_analysis(clip.analysis, out_dir)
    for name, data in clip.files.items():
        with atomic_path(out_dir / name) as tmp:
            tmp.write_bytes(data)


def analyse_rep(source: str | os.PathLike[str], pose_config: PoseConfig | None = None,
                config: AnalysisConfig | None = None, out_dir: str | os.PathLike[str] | None = None,
                after: AfterRep | None = None) -> Rep:
    """Analyse one clip (or saved pose track) in this process into a storable :class:`~sprintlens.logbook.records.Rep`.

    Parameters
    ----------
    source : path-like
        A video, or a pose track (``.npz``) saved by ``sprintlens pose``.
    pose_config : PoseConfig, optional
        Options of the pose stage.
    config : AnalysisConfig, optional
        Options of the analysis stage.
    out_dir : path-like, optional
        Also write the rep's analysis files there (:func:`sprintlens.analysis.folder.write_analysis`).
    after : callable, optional
        With ``out_dir``, called as ``after(analysis, source, folder)`` once the rep is analysed
        (the command line draws the rep's kinogram); the files it writes go into ``out_dir``.

    Returns
    -------
    Rep
        The rep, ready to store.

    Raises
    ------
    SprintLensError
        The clip cannot be read or analysed; the message names it.
    """
    source = Path(source)
    clip = run_clip(source, source, pose_config, config, after if out_dir is not None else None)
    if out_dir is not None:
        _write_rep_folder(clip, Path(out_dir))
    return rep_of(clip.analysis, source)


AfterRep = Callable[[Analysis, Path, Path], None]
"""Called in the worker after a rep is analysed: (analysis, clip, temporary folder); the files it
writes in that folder are written into the rep's folder by the calling process."""

RepDone = Callable[[int, Path, Rep], None]
"""Called as each clip finishes: (position in the list, clip, rep)."""


def analyse_reps(sources: Sequence[Path], pose_config: PoseConfig | None = None,
                 config: AnalysisConfig | None = None, *, workers: int | None = None,
                 executor: ClipExecutor | None = None, out_dirs: Sequence[Path] | None = None,
                 after: AfterRep | None = None, on_done: RepDone | None = None) -> list[Rep]:
    """Analyse a session's clips in parallel, one process per core; results in the clips' order.

    The workers (local processes or a Dask cluster's) only analyse; this process writes each
    rep's folder as its result comes back.

    Parameters
    ----------
    sources : sequence of Path
        Clips (or pose tracks), in rep order.
    pose_config : PoseConfig, optional
        Options of the pose stage.
    config : AnalysisConfig, optional
        Options of the analysis stage.
    workers : int, optional
        Local processes (default: the cores available, at most one per clip; 1 runs in this
        process); ignored with ``executor``.
    executor : ClipExecutor, optional
        Where to analyse (:func:`sprintlens.analysis.executor.clip_executor`, e.g. a Dask cluster's);
        default: local processes, closed on return.
    out_dirs : sequence of Path, optional
        Per clip, a folder for its analysis files.
    after : callable, optional
        With ``out_dirs``, run in the worker for each rep (see :func:`analyse_rep`).
    on_done : callable, optional
        Progress callback.

    Returns
    -------
    list of Rep
        In the order of ``sources``.

    Raises
    ------
    SprintLensError
        The first clip that fails (clips not yet analysed are cancelled); no partial result is
        returned.  :class:`~sprintlens.analysis.executor.WorkerDiedError` when a worker died.
    """
    own = executor is None
    if executor is None:
        executor = LocalExecutor(min(workers or _default_workers(), max(1, len(sources))))
    outs = list(out_dirs) if out_dirs is not None else [None] * len(sources)
    results: dict[int, Rep] = {}
    try:
        outcomes = executor.map(run_clip, sources, pose_config, config, after if out_dirs is not None else None)
        try:
            for outcome in outcomes:
                if outcome.failure is not None:
                    raise outcome.failure.exception()
                clip: ClipAnalysis = outcome.value
                source = Path(sources[outcome.index])
                if outs[outcome.index] is not None:
                    _write_rep_folder(clip, Path(outs[outcome.index]))
                results[outcome.index] = rep_of(clip.analysis, source)
                if on_done:
                    on_done(outcome.index, source, results[outcome.index])
        finally:
            outcomes.close()  # cancels the clips not yet analysed when one failed
    finally:
        if own:
            executor.close()
    return [results[i] for i in range(len(sources))]


@dataclass(frozen=True)
class StoredSession:
    """What :func:`store_session` did.

    Attributes
    ----------
    session : TrainingSession
        The session (new or existing).
    reps : tuple of Rep
        All its reps, in order, as stored.
    added, updated : tuple of int
        Rep ids added and updated by this call.
    created : bool
        The session is new.
    """

    session: TrainingSession
    reps: tuple[Rep, ...]
    added: tuple[int, ...]
    updated: tuple[int, ...]
    created: bool


def store_session(store: Store, athlete: str, reps: Sequence[Rep], *, date: dt.date | None = None,
                  phase: str | None = None, location: str | None = None, notes: str | None = None,
                  new_session: bool = False, filmed: dt.date | None = None) -> StoredSession:
    """Store a session's analysed reps in one transaction.

    Which session: the one already holding any of these clips (they are re-analysed and updated,
    keeping their order, RPE and notes); else, unless ``new_session``, the athlete's session on
    ``date`` at ``location``; else a new one.  New clips go after the session's last rep, in
    the order given.  Options given (date, phase, location, notes) update an existing session.
    A new session's day is ``date``, else ``filmed`` (the day the clips were filmed:
    :func:`check_sources`), else today.

    Parameters
    ----------
    store : Store
        The logbook.
    athlete : str
        Name of an athlete in the logbook.
    reps : sequence of Rep
        The analysed reps, in the order to store new ones.
    date : datetime.date, optional
        The session's day (updates an existing session's).
    phase : str, optional
        Training phase (updates an existing session's).
    location : str, optional
        Where the session took place (updates an existing session's).
    notes : str, optional
        Notes on the session (update an existing session's).
    new_session : bool
        Start a new session even if the athlete has one on that day at that location.
    filmed : datetime.date, optional
        The day the clips were filmed: a new session's day when ``date`` is not given.

    Returns
    -------
    StoredSession
        The session, all its reps, the rep ids added and updated, and whether it is new.

    Raises
    ------
    StoreError
        Unknown athlete; clips already stored for another athlete or spread over two sessions.
    """
    if not reps:
        raise StoreError("no reps to store")
    with store.transaction():
        who = store.athlete(athlete)
        holding = {}
        for rep in reps:
            found = store.rep_by_video(rep.video_sha256)
            if found is not None:
                holding[rep.video_sha256] = found
        session_ids = sorted({r.session_id for r in holding.values()})
        session: TrainingSession | None = None
        if session_ids:
            sessions = [store.session(i) for i in session_ids]  # type: ignore[arg-type]
            others = [s for s in sessions if s.athlete_id != who.id]
            if others:
                raise StoreError(f"clips of these reps are already stored as {others[0].athlete}'s "
                                 f"{others[0].describe()}; delete them there first")
            if len(sessions) > 1:
                raise StoreError("these clips are already stored in different sessions ("
                                 + "; ".join(s.describe() for s in sessions) + "); give them separately")
            session = sessions[0]
            if new_session:
                raise StoreError(f"these clips are already stored in {session.describe()}; delete them there "
                                 "first to start a new session with them")
        day = date or filmed or dt.date.today()
        created = False
        if session is None and not new_session:
            same_day = store.find_sessions(who.id, day, location or "")
            session = same_day[-1] if same_day else None
        if session is None:
            session = store.add_session(who.id, day, location=location or "", phase=phase or "", notes=notes or "")
            created = True
        elif any(v is not None for v in (date, phase, location, notes)):
            session = store.update_session(session.id, date=date, phase=phase, location=location, notes=notes)
        added, updated = [], []
        for rep in reps:
            previous = holding.get(rep.video_sha256)
            saved = store.save_rep(session.id, rep, order=previous.order if previous else None)
            (updated if previous else added).append(int(saved.id))  # type: ignore[arg-type]
        stored_reps = tuple(store.reps(session.id))
        session = store.session(session.id)
    return StoredSession(session, stored_reps, tuple(added), tuple(updated), created)


def rep_steps(reps: Sequence[Rep]) -> list[RepSteps]:
    """Return stored reps as the fatigue statistics' input (numbered by their order in the session)."""
    return [RepSteps.from_rep(rep) for rep in reps]


def athlete_sessions(store: Store, athlete_id: int) -> list[SessionData]:
    """Return all of an athlete's sessions with their reps, oldest first (progress input)."""
    return [SessionData(s.id, s.date, s.phase, rep_steps(store.reps(s.id))) for s in store.sessions(athlete_id)]


def assess_stored_session(store: Store, session_id: int, config: FatigueConfig = FatigueConfig(), *,
                          reference_session_id: int | None = None, use_reference: bool = True,
                          use_history: bool = True) -> SessionAssessment:
    """Assess fatigue in a stored session.

    Parameters
    ----------
    store : Store
        The logbook.
    session_id : int
        The session.
    config : FatigueConfig
        Baseline size, thresholds and other options of the fatigue statistics.
    reference_session_id : int, optional
        Baseline from this session's first reps (default: the athlete's chosen reference
        session if ``use_reference`` and one is set, else this session's first reps).
    use_reference : bool
        Use the athlete's chosen reference session when ``reference_session_id`` is not given.
    use_history : bool
        Pool the first reps of the athlete's other sessions into the noise estimate.

    Returns
    -------
    SessionAssessment
        The verdict: baseline, per-rep changes, flags, onset rep and advice.

    Raises
    ------
    StoreError
        No such session, no reps, or a reference session of another athlete.
    """
    session = store.session(session_id)
    reps = store.reps(session_id)
    if not reps:
        raise StoreError(f"{session.describe()} has no reps")
    athlete = store.athlete_by_id(session.athlete_id)
    if reference_session_id is None and use_reference:
        reference_session_id = athlete.reference_session_id
    reference, label = None, ""
    if reference_session_id is not None and reference_session_id != session_id:
        ref = store.session(reference_session_id)
        if ref.athlete_id != athlete.id:
            raise StoreError(f"session {ref.id} is {ref.athlete}'s, not {athlete.name}'s")
        reference = rep_steps(store.reps(ref.id))
        if not reference:
            raise StoreError(f"reference {ref.describe()} has no reps")
        numbers = [r.rep for r in reference[: config.baseline_reps]]
        span = f"rep {numbers[0]}" if len(numbers) == 1 else f"reps {numbers[0]}-{numbers[-1]}"
        label = f"{span} of reference {ref.describe()}"
    history = []
    if use_history:
        history = [rep_steps(store.reps(s.id)) for s in store.sessions(athlete.id)
                   if s.id not in (session_id, reference_session_id) and s.n_reps]
    return assess_session(rep_steps(reps), config, reference=reference, reference_label=label, history=history)
