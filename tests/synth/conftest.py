"""Runs shared by the generator's tests (built once per session: the gait model is pure)."""

from __future__ import annotations

import numpy as np
import pytest

from sprintlens.synth import AccelerationSpec, Body, FlyingSpec, StartSpec, build_run
from sprintlens.synth.skeleton import forward_kinematics

#: Sampling step of the model in the tests (s): finer than any frame rate the generator offers.
DT = 1.0 / 2000


def sample(run, dt=DT):
    """(times, pose, world points) of a run's clip window."""
    t = np.arange(run.start_s, run.end_s, dt)
    pose = run.motion.pose(t)
    return t, pose, forward_kinematics(pose, run.motion.body)


@pytest.fixture(scope="session")
def body() -> Body:
    return Body.from_height(1.80)


@pytest.fixture(scope="session")
def flying(body):
    return build_run(FlyingSpec(duration_s=1.2), body)


@pytest.fixture(scope="session")
def blocks(body):
    return build_run(AccelerationSpec(n_steps=7), body)


def _to_20m(kind: str, body: Body):
    return build_run(AccelerationSpec(start=getattr(StartSpec, kind)(), n_steps=None, distance_m=20.0), body)


@pytest.fixture(scope="session")
def blocks20(body):
    return _to_20m("blocks", body)


@pytest.fixture(scope="session")
def standing20(body):
    return _to_20m("standing", body)


@pytest.fixture(scope="session")
def crouched20(body):
    return _to_20m("crouched", body)
