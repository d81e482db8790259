"""``sprintlens batch``: many clips on local processes or a Dask cluster, one result per clip.

The clips are the generator's ground-truth pose tracks (``.npz``: no pose stage, so the tests are
quick); the Dask cluster is a ``distributed.LocalCluster`` of two worker processes on loopback.
A clip that kills its worker is made by a job that calls ``os._exit`` for clips named ``killer``
(a module-level function, so the spawned workers import it from this module).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from truth_sessions import write_week

import sprintlens.cli.batch as batch_command
from sprintlens.analysis.executor import SCHEDULER_ENV, run_clip
from sprintlens.cli import main

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

SAMPLES = Path(__file__).resolve().parents[2] / "sample_videos"


def dies_on_killer(source, origin, *args):
    """A worker's job that makes its process die on a clip named ``killer``."""
    if Path(origin).stem.startswith("killer"):
        os._exit(3)
    return run_clip(source, origin, *args)


@pytest.fixture(scope="module")
def tracks(tmp_path_factory):
    """Three reps' pose tracks, rep1.npz ... rep3.npz, in a folder of their own."""
    folder = tmp_path_factory.mktemp("tracks")
    paths = write_week(folder / "all", 1)[:3]
    for path in paths:
        shutil.copy(path, folder / path.name)
    shutil.rmtree(folder / "all")
    return folder


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes, one thread each; a dead worker's clip is given up at once."""
    settings = {"distributed.scheduler.allowed-failures": 0,  # one death is enough to report the clip
                "distributed.scheduler.worker-saturation": 1.0}  # one clip per worker at a time
    with dask.config.set(settings):
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None, host="127.0.0.1") as local:
            yield local


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, env=env)


def results(out: Path) -> dict[str, tuple[str, object, object]]:
    """Per analysis folder: steps.csv, and the summary's rep metrics and steps."""
    found = {}
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        summary = json.loads((folder / "summary.json").read_text())
        found[folder.name] = ((folder / "steps.csv").read_text(), summary["rep"], summary["steps"])
    return found


def test_dask_cluster_gives_the_local_result_with_paths_or_bytes(tracks, cluster, tmp_path):
    local = run("batch", tracks, "--out", tmp_path / "local", "--workers", "2", "--height", "1.80")
    assert local.exit_code == 0, local.output
    for name in ("rep1", "rep2", "rep3"):
        assert f"rep{name[-1]}.npz: " in local.stdout and f"{name}/" in local.stdout
    assert "3 of 3 clips analysed" in local.stderr
    expected = results(tmp_path / "local")
    assert sorted(expected) == ["rep1", "rep2", "rep3"]
    assert all(len(steps) > 0 for _, _, steps in expected.values())

    on_paths = run("batch", tracks, "--out", tmp_path / "paths", "--height", "1.80",
                   "--scheduler", cluster.scheduler_address)
    assert on_paths.exit_code == 0, on_paths.output
    assert f"on Dask at {cluster.scheduler_address}" in on_paths.stderr
    assert results(tmp_path / "paths") == expected

    # the scheduler from the environment, and the clips' bytes sent with the tasks
    on_bytes = run("batch", *sorted(tracks.glob("*.npz")), "--out", tmp_path / "bytes", "--height", "1.80",
                   "--send-bytes", env={SCHEDULER_ENV: cluster.scheduler_address})
    assert on_bytes.exit_code == 0, on_bytes.output
    assert results(tmp_path / "bytes") == expected
    # the track in each folder is the clip's, not the worker's temporary copy
    assert (tmp_path / "bytes" / "rep1" / "track.npz").read_bytes() == (tmp_path / "local" / "rep1" /
                                                                         "track.npz").read_bytes()


@pytest.mark.parametrize("where", ["local", "dask"])
def test_a_failing_clip_is_reported_and_the_others_finish(tracks, cluster, tmp_path, where):
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video\n")
    options = ["--workers", "2"] if where == "local" else ["--scheduler", cluster.scheduler_address]
    result = run("batch", tracks / "rep1.npz", bad, tracks / "rep2.npz", "--out", tmp_path / "out", *options)
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith(str(bad))]
    assert len(lines) == 1 and "FAILED" in lines[0] and "cannot be read as a video" in lines[0]
    assert sorted(results(tmp_path / "out")) == ["rep1", "rep2"]
    assert "2 of 3 clips analysed" in result.stderr
    assert f"error: 1 of 3 clips failed: {bad}" in result.stderr


@pytest.mark.parametrize("where", ["local", "dask"])
def test_a_clip_that_kills_its_worker_is_reported_and_the_others_finish(tracks, cluster, tmp_path, monkeypatch,
                                                                       where):
    monkeypatch.setattr(batch_command, "run_clip", dies_on_killer)
    killer = shutil.copy(tracks / "rep2.npz", tmp_path / "killer.npz")
    options = ["--workers", "2"] if where == "local" else ["--scheduler", cluster.scheduler_address]
    result = run("batch", tracks / "rep1.npz", killer, tracks / "rep3.npz", "--out", tmp_path / "out", *options)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith(str(killer))]
    assert len(lines) == 1 and "FAILED" in lines[0] and "worker process died" in lines[0], result.output
    if where == "local":  # how it died, when the pool could still tell (it may have ended the dying process)
        assert "exit code 3" in lines[0] or "killed by SIGTERM" in lines[0] or lines[0].endswith("analysing it")
    assert sorted(results(tmp_path / "out")) == ["rep1", "rep3"]
    assert "error: 1 of 3 clips failed" in result.stderr


def interrupted_on_rep2(source, origin, *args):
    """A job during which Ctrl-C is pressed, on rep2."""
    if Path(origin).stem == "rep2":
        raise KeyboardInterrupt
    return run_clip(source, origin, *args)


def test_ctrl_c_says_which_folders_were_written(tracks, tmp_path, monkeypatch):
    monkeypatch.setattr(batch_command, "run_clip", interrupted_on_rep2)
    result = run("batch", tracks, "--out", tmp_path / "out", "--workers", "1")
    assert result.exit_code == 130
    assert f"interrupted: 1 of 3 clips' folders were written in {tmp_path / 'out'}/" in result.stderr
    assert sorted(results(tmp_path / "out")) == ["rep1"]


def test_clips_of_a_folder_in_natural_order_one_folder_each(tmp_path):
    from sprintlens.cli.batch import clip_folders

    folders = clip_folders(tmp_path, [Path("a/rep1.mp4"), Path("b/rep1.mp4"), Path("rep10.mov")])
    assert [f.name for f in folders] == ["rep1", "rep1_2", "rep10"]
    missing = CliRunner().invoke(main, ["batch", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")])
    assert missing.exit_code == 1 and "no such file or folder" in missing.stderr


def test_an_unreachable_scheduler_is_one_line_error(tracks, tmp_path):
    result = CliRunner().invoke(main, ["batch", str(tracks), "--out", str(tmp_path / "out"),
                                       "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr


@pytest.mark.slow
def test_videos_on_dask_match_the_local_pool_and_a_truncated_clip_is_reported(cluster, tmp_path):
    from conftest import truncate

    folder = tmp_path / "clips"
    folder.mkdir()
    for rep in (1, 2):
        shutil.copy(SAMPLES / f"session_rep{rep}_120fps.mp4", folder)
    truncate(Path(shutil.copy(SAMPLES / "session_rep3_120fps.mp4", folder)))
    local = run("batch", folder, "--out", tmp_path / "local", "--workers", "2", "--max-people", "1")
    remote = run("batch", folder, "--out", tmp_path / "dask", "--max-people", "1", "--scheduler",
                 cluster.scheduler_address, "--send-bytes")
    for result in (local, remote):
        assert result.exit_code == 1
        assert sorted(line.split(": ")[0] for line in result.stdout.splitlines()) == [
            str(folder / f"session_rep{rep}_120fps.mp4") for rep in (1, 2, 3)]
        (line,) = [line for line in result.stdout.splitlines() if "session_rep3" in line]
        assert "FAILED" in line
    assert results(tmp_path / "dask") == results(tmp_path / "local")
    assert sorted(results(tmp_path / "local")) == ["session_rep1_120fps", "session_rep2_120fps"]
