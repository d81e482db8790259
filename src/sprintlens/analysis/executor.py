"""Many clips analysed at once: on this machine's cores, or on a Dask distributed cluster.

An executor sends clips to workers and hands back, in the order they finish, one
:class:`ClipOutcome` per clip: what the worker returned, or why the clip failed (the clip cannot
be read or analysed, or the worker process died while analysing it).  A failing clip never
stops the others::

    with clip_executor(workers=2) as executor:                  # or scheduler="tcp://host:8786"
        for outcome in executor.map(run_clip, clips, PoseConfig(), AnalysisConfig()):
            if outcome.ok:
                write_analysis(outcome.value.analysis, out / outcome.source.stem)
            else:
                print(f"{outcome.source}: {outcome.failure.reason}")

Workers only compute: they return results to the process that called :meth:`ClipExecutor.map`,
which alone writes files (analysis folders, the logbook).  A job is a module-level function
called in the worker as ``job(source, origin, *args)``: ``source`` is where the worker finds the
clip, ``origin`` the caller's path of it (the two differ when the clip's bytes were sent to a
worker that cannot see the caller's files), by which messages and provenance name the clip.

* :class:`LocalExecutor`: spawned worker processes, each analysing one clip at a time (one
  worker runs in this process).  A worker that dies costs only the clip it was analysing; a
  new process takes its place.
* :class:`DaskExecutor`: a Dask distributed cluster (``distributed`` is imported only here).
  The workers need SprintLens installed.  When they cannot see the caller's files the clips'
  bytes are sent with the tasks.  No more clips are in flight than the cluster has threads, so
  a worker that dies takes only its own clip down; that clip is reported once the scheduler
  gives up on it (its ``distributed.scheduler.allowed-failures`` setting: by default it is
  tried on three more workers).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import multiprocessing
import os
import signal
import socket
import tempfile
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sprintlens.core import errors
from sprintlens.core.errors import AnalysisError, SprintLensError

#: Environment variable naming the Dask scheduler (``tcp://HOST:PORT``) the command line uses.
SCHEDULER_ENV = "SPRINTLENS_SCHEDULER"

#: File endings of pose tracks (``.npz``), analysed without the pose stage.
TRACK_SUFFIXES = (".npz",)

Job = Callable[..., Any]
"""A worker's job: ``job(source, origin, *args)`` -> a picklable result."""


class WorkerDiedError(SprintLensError):
    """The worker process analysing a clip died (killed, out of memory, a crash in native code)."""


@dataclass(frozen=True)
class ClipFailure:
    """Why a clip has no result.

    Attributes
    ----------
    reason : str
        One line, naming the clip where the error's message does.
    error_type : str
        Class name of the error (``VideoError``, ``KilledWorker`` ...).
    user_error : bool
        The error is a :class:`~sprintlens.core.errors.SprintLensError` (bad input, not a bug).
    worker_died : bool
        The worker process died while analysing the clip.
    """

    reason: str
    error_type: str
    user_error: bool = True
    worker_died: bool = False

    def exception(self) -> Exception:
        """Return the failure as an exception to raise (a :class:`SprintLensError` for bad input).

        Returns
        -------
        Exception
            The SprintLens error class named by ``error_type`` (:class:`WorkerDiedError` for a
            dead worker); a ``RuntimeError`` for anything else (a bug).
        """
        if self.worker_died:
            return WorkerDiedError(self.reason)
        if self.user_error:
            cls = getattr(errors, self.error_type, None)
            if not (isinstance(cls, type) and issubclass(cls, SprintLensError)):
                cls = SprintLensError
            return cls(self.reason)
        return RuntimeError(self.reason)


@dataclass(frozen=True)
class ClipOutcome:
    """One clip's result or failure.

    Attributes
    ----------
    index : int
        Position of the clip in the list given to :meth:`ClipExecutor.map`.
    source : Path
        The clip, as given.
    value : object
        What the job returned (None when it failed).
    failure : ClipFailure or None
        Why the clip failed (None when it succeeded).
    seconds : float
        Time the worker spent on the clip (s).
    worker : str
        Which worker analysed it (``host:pid``, or the Dask worker's address).
    """

    index: int
    source: Path
    value: Any = None
    failure: ClipFailure | None = None
    seconds: float = float("nan")
    worker: str = ""

    @property
    def ok(self) -> bool:
        """Whether the clip was analysed."""
        return self.failure is None


@dataclass(frozen=True)
class _Done:
    """What a worker sends back: the job's result or its failure, and the time it took."""

    value: Any
    failure: ClipFailure | None
    seconds: float
    worker: str


def _failure_of(exc: BaseException, source: Path | None = None, origin: Path | None = None) -> ClipFailure:
    first = (str(exc).splitlines() or [""])[0]
    if source is not None and origin is not None and source != origin:
        first = first.replace(str(source), str(origin))
    user = isinstance(exc, SprintLensError)
    reason = first if user and first else f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    if origin is not None and str(origin) not in reason and origin.name not in reason:
        reason = f"{origin}: {reason}"
    return ClipFailure(reason, type(exc).__name__, user_error=user)


def _call(job: Job, source: str | os.PathLike[str], origin: str | os.PathLike[str], *args: Any) -> _Done:
    """Run a job in a worker; an exception becomes a :class:`ClipFailure` (the worker goes on)."""
    source, origin = Path(source), Path(origin)
    started = time.perf_counter()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    try:
        value = job(source, origin, *args)
    except Exception as exc:  # noqa: BLE001 - the caller reports it for this clip and goes on
        return _Done(None, _failure_of(exc, source, origin), time.perf_counter() - started, worker)
    return _Done(value, None, time.perf_counter() - started, worker)


def _call_with_bytes(job: Job, name: str, data: bytes, origin: str, *args: Any) -> _Done:
    """Run a job on a clip sent as bytes: saved in a temporary folder under its own name, then removed."""
    with tempfile.TemporaryDirectory(prefix="sprintlens-clip-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return _call(job, path, origin, *args)


# -- the job of analysing a clip ------------------------------------------------------------------

@dataclass(frozen=True)
class ClipAnalysis:
    """A clip's analysis as a worker returns it.

    Attributes
    ----------
    analysis : Analysis
        The analysis (its track's provenance names the caller's path of the clip).
    files : mapping of str to bytes
        Files the ``after`` hook of :func:`run_clip` made, by name, for the caller to write.
    """

    analysis: Any
    files: Mapping[str, bytes] = field(default_factory=dict)


AfterClip = Callable[[Any, Path, Path], None]
"""Called in the worker after a clip's analysis: ``after(analysis, clip, folder)``, writing into a
temporary ``folder`` whose files go back to the caller (:attr:`ClipAnalysis.files`)."""


def _with_origin(track: Any, origin: Path) -> Any:
    """Return the track with the caller's path of the clip in its provenance (``video.path``)."""
    provenance = dict(track.provenance)
    video = dict(provenance.get("video") or {})
    if not video:
        return track
    video["path"] = str(origin.resolve()) if not origin.is_absolute() else str(origin)
    provenance["video"] = video
    return dataclasses.replace(track, provenance=provenance)


def run_clip(source: Path, origin: Path, pose_config: Any = None, config: Any = None,
             after: AfterClip | None = None) -> ClipAnalysis:
    """Analyse one clip (a video, or a pose track saved as ``.npz``); the job workers run.

    Parameters
    ----------
    source : Path
        Where this worker finds the clip.
    origin : Path
        The caller's path of the clip (the same unless its bytes were sent); the track's
        provenance records it.
    pose_config : PoseConfig, optional
        Options of the pose stage (videos only).
    config : AnalysisConfig, optional
        Options of the analysis.
    after : callable, optional
        A module-level function called as ``after(analysis, source, folder)`` with a temporary
        folder; the files it writes there are returned (:attr:`ClipAnalysis.files`).

    Returns
    -------
    ClipAnalysis
        The analysis, and the files ``after`` made.

    Raises
    ------
    SprintLensError
        The clip cannot be read or analysed; the message names it.
    """
    from sprintlens.analysis.pipeline import analyse_track
    from sprintlens.capture.trackfile import load_track
    from sprintlens.capture.tracking import track_video

    source, origin = Path(source), Path(origin)
    if source.suffix.lower() in TRACK_SUFFIXES:
        track = load_track(source)
    else:
        track = track_video(source, pose_config)
        if origin != source:
            track = _with_origin(track, origin)
    try:
        analysis = analyse_track(track, config)
    except AnalysisError as exc:
        raise AnalysisError(f"{origin}: {exc}") from None
    files: dict[str, bytes] = {}
    if after is not None:
        with tempfile.TemporaryDirectory(prefix="sprintlens-out-") as folder:
            after(analysis, source, Path(folder))
            files = {p.name: p.read_bytes() for p in sorted(Path(folder).iterdir()) if p.is_file()}
    return ClipAnalysis(analysis, files)


# -- executors ------------------------------------------------------------------------------------

def default_workers() -> int:
    """Return the cores this process may use.

    Returns
    -------
    int
        At least 1.
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class ClipExecutor:
    """Runs a job on each of many clips; use as a context manager, or call :meth:`close`."""

    #: What the executor is, for messages (``2 processes``, ``Dask at tcp://...``).
    description = ""

    def map(self, job: Job, sources: Sequence[str | os.PathLike[str]], *args: Any) -> Iterator[ClipOutcome]:
        """Run ``job(source, origin, *args)`` on every clip; yield the outcomes as they finish.

        Parameters
        ----------
        job : callable
            A module-level function (the workers import it), such as :func:`run_clip`.
        sources : sequence of path-like
            The clips.
        *args
            Further arguments of the job (picklable), the same for every clip.

        Yields
        ------
        ClipOutcome
            One per clip, in the order they finish.  Closing the iterator early cancels the
            clips not yet analysed.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Release the workers (and the connection to a cluster)."""

    def __enter__(self) -> ClipExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _exit_reason(exitcode: int | None) -> str:
    if exitcode is None:
        return "its worker process died while analysing it"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"its worker process died while analysing it (killed by {name})"
    return f"its worker process died while analysing it (exit code {exitcode})"


def _ignore_interrupts() -> None:
    """Leave Ctrl-C to the parent: a worker ends when the parent tells it to (SIGTERM), never mid-traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class LocalExecutor(ClipExecutor):
    """Clips analysed on this machine: one spawned process per worker, one clip at a time each.

    Parameters
    ----------
    workers : int, optional
        Processes (default: the cores available; never more than there are clips).  With 1,
        clips are analysed one after another in this process (a clip that kills its process
        then kills the command).
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or default_workers())
        self.description = "this process" if self.workers == 1 else f"{self.workers} processes"
        # spawn: MediaPipe and the decoding threads do not survive fork
        self._context = multiprocessing.get_context("spawn")

    def _pool(self) -> concurrent.futures.ProcessPoolExecutor:
        return concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=self._context,
                                                      initializer=_ignore_interrupts)

    def map(self, job: Job, sources: Sequence[str | os.PathLike[str]], *args: Any) -> Iterator[ClipOutcome]:
        """Run ``job(source, source, *args)`` on every clip; yield the outcomes as they finish.

        Parameters
        ----------
        job : callable
            A module-level function, such as :func:`run_clip`.
        sources : sequence of path-like
            The clips.
        *args
            Further arguments of the job (picklable), the same for every clip.

        Yields
        ------
        ClipOutcome
            One per clip, in the order they finish.
        """
        paths = [Path(s) for s in sources]
        workers = min(self.workers, len(paths))
        if workers <= 1:
            for i, path in enumerate(paths):
                done = _call(job, path, path, *args)
                yield ClipOutcome(i, path, done.value, done.failure, done.seconds, done.worker)
            return
        # One single-process pool per worker: when a process dies, the clip it was analysing is known,
        # and only that pool is replaced (a shared pool would fail every clip in flight).
        pending = deque(enumerate(paths))
        idle = [self._pool() for _ in range(workers)]
        running: dict[concurrent.futures.Future[_Done], tuple[int, Path, Any, list[Any]]] = {}
        try:
            while pending or running:
                while pending and idle:
                    pool = idle.pop()
                    i, path = pending.popleft()
                    future = pool.submit(_call, job, path, path, *args)
                    # the pool's process, to tell how it died (the pool keeps it privately)
                    processes = list((getattr(pool, "_processes", None) or {}).values())
                    running[future] = (i, path, pool, processes)
                finished, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
                for future in finished:
                    i, path, pool, processes = running.pop(future)
                    try:
                        done: _Done = future.result()
                        outcome = ClipOutcome(i, path, done.value, done.failure, done.seconds, done.worker)
                    except concurrent.futures.process.BrokenProcessPool:
                        for process in processes:
                            process.join(timeout=5)
                        codes = [p.exitcode for p in processes]
                        reason = f"{path}: {_exit_reason(codes[0] if codes else None)}"
                        outcome = ClipOutcome(i, path, failure=ClipFailure(reason, "BrokenProcessPool",
                                                                           user_error=False, worker_died=True))
                        pool.shutdown(wait=False)
                        pool = self._pool()
                    except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be unpickled
                        outcome = ClipOutcome(i, path, failure=_failure_of(exc, origin=path))
                    idle.append(pool)
                    yield outcome
        finally:
            for pool in idle:
                pool.shutdown(wait=True)
            for future, (_, _, pool, processes) in running.items():  # left early: stop what is still running
                future.cancel()
                pool.shutdown(wait=False, cancel_futures=True)
                for process in processes:
                    if process.is_alive():
                        process.terminate()
                    process.join(timeout=5)


def _sees_files(files: Sequence[tuple[str, int]]) -> bool:
    """On a worker: whether every file is there, at its size."""
    try:
        return all(os.path.getsize(path) == size for path, size in files)
    except OSError:
        return False


class DaskExecutor(ClipExecutor):
    """Clips analysed on a Dask distributed cluster.

    Parameters
    ----------
    scheduler : str or object
        The scheduler's address (``tcp://HOST:PORT``), or a cluster object (such as
        ``distributed.LocalCluster``) or a ``distributed.Client`` already made.
    send_bytes : bool, optional
        Send each clip's bytes with its task (True), or only its path (False); default: paths
        if every worker sees the caller's files (same path, same size), else bytes.
    timeout_s : float
        Time to wait for the scheduler to answer (s).

    Raises
    ------
    SprintLensError
        Dask's ``distributed`` package is not installed, or the scheduler cannot be reached.
    """

    def __init__(self, scheduler: Any, *, send_bytes: bool | None = None, timeout_s: float = 30.0) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise SprintLensError("running on a Dask cluster needs Dask's distributed package "
                                  "(pip install 'dask[distributed]')") from None
        self.send_bytes = send_bytes
        self._own_client = not isinstance(scheduler, Client)
        if not self._own_client:
            self.client = scheduler
        else:
            try:
                self.client = Client(scheduler, timeout=timeout_s, set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise SprintLensError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
        self.description = f"Dask at {self.client.scheduler.address}"

    def workers_see(self, paths: Sequence[Path]) -> bool:
        """Whether every worker of the cluster sees these files at the caller's paths.

        Parameters
        ----------
        paths : sequence of Path
            The clips.

        Returns
        -------
        bool
            False also when the cluster has no worker yet.
        """
        files = [(str(p.resolve()), p.stat().st_size) for p in paths]
        answers = self.client.run(_sees_files, files)
        return bool(answers) and all(answers.values())

    def map(self, job: Job, sources: Sequence[str | os.PathLike[str]], *args: Any) -> Iterator[ClipOutcome]:
        """Run ``job(source, origin, *args)`` on every clip on the cluster; yield the outcomes as they finish.

        Parameters
        ----------
        job : callable
            A module-level function of a package the workers have installed, such as
            :func:`run_clip`.
        sources : sequence of path-like
            The clips.
        *args
            Further arguments of the job (picklable), the same for every clip.

        Yields
        ------
        ClipOutcome
            One per clip, in the order they finish.
        """
        from distributed import as_completed

        paths = [Path(s) for s in sources]
        if not paths:
            return
        send = self.send_bytes if self.send_bytes is not None else not self.workers_see(paths)
        token = os.urandom(4).hex()
        pending = deque(enumerate(paths))
        running: dict[Any, tuple[int, Path]] = {}
        finished = as_completed(loop=self.client.loop)

        def submit_more() -> None:
            # No more clips in flight than the cluster has threads: a clip waits here, not queued on a
            # worker behind another, so a worker that dies takes only the clip it was analysing with it.
            room = max(1, sum(self.client.nthreads().values())) - len(running)
            while pending and room > 0:
                i, path = pending.popleft()
                key = f"sprintlens-clip-{token}-{i}-{path.name}"
                origin = str(path.resolve())
                if send:
                    with warnings.catch_warnings():  # a clip is a large argument; the scheduler keeps it to retry
                        warnings.filterwarnings("ignore", message=".*[Ll]arge.*")
                        future = self.client.submit(_call_with_bytes, job, path.name, path.read_bytes(), origin,
                                                    *args, key=key, pure=False)
                else:
                    future = self.client.submit(_call, job, origin, origin, *args, key=key, pure=False)
                running[future] = (i, path)
                finished.add(future)
                room -= 1

        try:
            submit_more()
            for future in finished:
                i, path = running.pop(future)
                yield self._outcome(future, i, path)
                submit_more()
        finally:
            if running:
                self.client.cancel(list(running))

    @staticmethod
    def _outcome(future: Any, i: int, path: Path) -> ClipOutcome:
        """Return the clip's outcome from its finished Dask future."""
        if future.status == "finished":
            try:
                done: _Done = future.result()
            except Exception as exc:  # noqa: BLE001 - lost between finishing and fetching
                return ClipOutcome(i, path, failure=_failure_of(exc, origin=path))
            failure = done.failure
            if failure is not None:  # named as the caller named it
                failure = dataclasses.replace(failure, reason=failure.reason.replace(str(path.resolve()), str(path)))
            return ClipOutcome(i, path, done.value, failure, done.seconds, done.worker)
        try:
            exc = future.exception()
        except BaseException as lost:  # noqa: BLE001 - cancelled: the scheduler lost it
            exc = lost
        if type(exc).__name__ == "KilledWorker":
            failure = ClipFailure(f"{path}: {_exit_reason(None)} (the Dask scheduler gave up on it after its "
                                  "workers died)", "KilledWorker", user_error=False, worker_died=True)
        else:
            failure = _failure_of(exc, origin=path)
        return ClipOutcome(i, path, failure=failure)

    def close(self) -> None:
        """Close the connection to the scheduler (the cluster itself goes on)."""
        if self._own_client:
            self.client.close()


def clip_executor(workers: int | None = None, scheduler: Any = None, *, send_bytes: bool | None = None) -> ClipExecutor:
    """Return the executor the options describe: a Dask cluster's when a scheduler is given, else a local one.

    Parameters
    ----------
    workers : int, optional
        Local processes (ignored with a scheduler; default: the cores available).
    scheduler : str or object, optional
        A Dask scheduler's address, cluster or client (:class:`DaskExecutor`).
    send_bytes : bool, optional
        With a scheduler: send the clips' bytes (default: when the workers cannot see the files).

    Returns
    -------
    ClipExecutor
        To use as a context manager.
    """
    if scheduler:
        return DaskExecutor(scheduler, send_bytes=send_bytes)
    return LocalExecutor(workers)
