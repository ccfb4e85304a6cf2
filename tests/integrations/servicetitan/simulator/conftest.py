"""Fixtures for the simulator tests: a small seeded tenant mounted in-process."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from integrations.servicetitan.simulator import Simulator, SimulatorConfig
from tests.integrations.servicetitan.simulator.support import FakeClock, api_client


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock) -> Simulator:
    """A fresh small tenant (no rate limit unless a test sets one) on a fake clock."""
    return Simulator(SimulatorConfig(seed=1, scale="small", rate_limit=0), clock=clock)


@pytest.fixture
def api(sim: Simulator) -> Iterator[httpx.Client]:
    """An authenticated client: bearer token and app key already attached."""
    with api_client(sim) as client:
        yield client


@pytest.fixture(scope="module")
def perfect_sim() -> Simulator:
    """A tenant without deliberate imperfections: every response must match the documents."""
    return Simulator(SimulatorConfig(seed=7, scale="small", rate_limit=0, imperfect_share=0.0))
