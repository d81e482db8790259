"""The session service on the clip executor: local processes or a Dask cluster, the same reps.

Workers only analyse; the calling process writes the reps' folders and the logbook.  The reps
are the generator's ground-truth pose tracks; the cluster is a ``distributed.LocalCluster`` of two
worker processes on loopback.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from truth_sessions import write_week

import sprintlens.logbook.session as service
from sprintlens.analysis.executor import (
    DaskExecutor,
    LocalExecutor,
    WorkerDiedError,
    run_clip,
)
from sprintlens.analysis.result import AnalysisConfig
from sprintlens.cli import main
from sprintlens.logbook.database import ENV_VAR

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

CONFIG = AnalysisConfig(height_m=1.80)


def dies_on_killer(source, origin, *args):
    """A worker's job that makes its process die on a clip named ``killer``."""
    if Path(origin).stem.startswith("killer"):
        os._exit(3)
    return run_clip(source, origin, *args)


def writes_a_note(analysis, source, folder):
    """An after hook: a file in the worker's temporary folder, for the caller to write."""
    (folder / "note.txt").write_text(f"{source.name}: {len(analysis.steps)} steps\n")


@pytest.fixture(scope="module")
def tracks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("session")
    return write_week(folder, 1)[:3]


@pytest.fixture(scope="module")
def cluster():
    with dask.config.set({"distributed.scheduler.allowed-failures": 0,
                          "distributed.scheduler.worker-saturation": 1.0}):
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None, host="127.0.0.1") as local:
            yield local


def comparable(rep):
    return (rep.video_name, rep.video_sha256, rep.n_steps, rep.gait, rep.steps)


def test_reps_on_dask_equal_the_local_ones_and_this_process_writes_the_folders(tracks, cluster, tmp_path):
    local = service.analyse_reps(tracks, config=CONFIG, workers=2)
    outs = [tmp_path / f"rep{i}" for i in range(1, len(tracks) + 1)]
    done = []
    with DaskExecutor(cluster, send_bytes=True) as executor:
        remote = service.analyse_reps(tracks, config=CONFIG, executor=executor, out_dirs=outs,
                                      after=writes_a_note, on_done=lambda i, s, r: done.append(i))
    assert [comparable(r) for r in remote] == [comparable(r) for r in local]
    assert sorted(done) == [0, 1, 2]
    for out, source, rep in zip(outs, tracks, remote):
        assert (out / "steps.csv").is_file() and (out / "track.npz").is_file()
        assert (out / "note.txt").read_text() == f"{source.name}: {rep.n_steps} steps\n"


@pytest.mark.parametrize("where", ["local", "dask"])
def test_a_worker_that_dies_fails_the_session_naming_the_clip(tracks, cluster, tmp_path, monkeypatch, where):
    monkeypatch.setattr(service, "run_clip", dies_on_killer)
    killer = Path(shutil.copy(tracks[1], tmp_path / "killer.npz"))
    executor = LocalExecutor(2) if where == "local" else DaskExecutor(cluster)
    with executor, pytest.raises(WorkerDiedError, match="killer.npz: its worker process died"):
        service.analyse_reps([tracks[0], killer, tracks[2]], config=CONFIG, executor=executor)


def test_session_command_on_a_cluster_stores_the_reps_with_one_bar(tracks, cluster, tmp_path, monkeypatch):
    import sprintlens.cli.parallel as parallel

    monkeypatch.setenv(ENV_VAR, str(tmp_path / "logbook.db"))
    runner = CliRunner()
    assert runner.invoke(main, ["athlete", "add", "Sam", "--height", "1.80"]).exit_code == 0
    folder = tmp_path / "week1"
    folder.mkdir()
    for path in tracks:
        shutil.copy(path, folder)

    class Shown(parallel.tqdm):  # a terminal's bar, though the test's stderr is not one
        def __init__(self, *args, **kwargs):
            kwargs["disable"] = kwargs.get("disable") or False
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(parallel, "tqdm", Shown)
    result = runner.invoke(main, ["session", str(folder), "--athlete", "Sam", "--date", "2024-05-06",
                                  "--scheduler", cluster.scheduler_address], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "new session 1 (2024-05-06), 3 rep(s) added" in result.stdout
    assert f"on Dask at {cluster.scheduler_address}" in result.stderr
    # the bar (it redraws at most 10 times a second, so its last count may not show), not the lines
    assert "/3 [" in result.stderr and "analysed rep1.npz" not in result.stderr

    monkeypatch.setattr(parallel, "tqdm", parallel.tqdm.__mro__[1])  # no terminal: the lines again
    again = runner.invoke(main, ["session", str(folder), "--athlete", "Sam", "--workers", "2"],
                          catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert "0 rep(s) added, 3 updated" in again.stdout
    assert all(f"analysed {p.name}: " in again.stderr for p in tracks)


def test_a_session_report_that_cannot_be_written_says_what_was_kept(tracks, tmp_path, monkeypatch):
    import sprintlens.render.session_report as page
    from sprintlens.core.errors import OutputError

    monkeypatch.setenv(ENV_VAR, str(tmp_path / "logbook.db"))
    runner = CliRunner()
    assert runner.invoke(main, ["athlete", "add", "Sam", "--height", "1.80"]).exit_code == 0

    def full_disk(path, *args, **kwargs):
        raise OutputError(f"{path}: cannot be written (no space left on the device)")

    monkeypatch.setattr(page, "write_session_report", full_disk)
    out = tmp_path / "out"
    result = runner.invoke(main, ["session", *map(str, tracks), "--athlete", "Sam", "--date", "2024-05-06",
                                  "--workers", "1", "-o", str(out)])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "no space left" in errors[0]
    assert "kept: session 1 in the logbook and one folder per rep" in errors[0]
    assert runner.invoke(main, ["reps", "1"]).exit_code == 0
    assert sorted(p.name for p in out.iterdir() if p.is_dir())  # the reps' folders are there
