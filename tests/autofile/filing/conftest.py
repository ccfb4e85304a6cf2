"""Packets ready to file, made with the factories (no ServiceTitan needed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from autofile.accounts.models import Organization
from autofile.mirror.models import Connection
from autofile.packets.models import Packet, PacketStatus, RebateProgram
from tests.factories import (
    ConnectionFactory,
    CustomerFactory,
    JobFactory,
    LocationFactory,
    PacketFactory,
    RebateProgramFactory,
)

MakeReady = Callable[..., list[Packet]]


@pytest.fixture
def connection(organization: Organization) -> Connection:
    return ConnectionFactory.create(organization=organization)


@pytest.fixture
def program(organization: Organization) -> RebateProgram:
    return RebateProgramFactory.create(organization=organization, name="Oncor heat pumps")


@pytest.fixture
def make_ready(connection: Connection, program: RebateProgram) -> MakeReady:
    """Make `n` packets of `program` (default the fixture's) in `status` (default ready)."""

    def make(
        n: int = 1,
        status: str = PacketStatus.READY,
        of: RebateProgram | None = None,
        **fields: Any,
    ) -> list[Packet]:
        made = []
        for _ in range(n):
            customer = CustomerFactory.create(connection=connection)
            location = LocationFactory.create(connection=connection, customer=customer)
            job = JobFactory.create(
                connection=connection,
                customer_st_id=customer.st_id,
                customer=customer,
                location_st_id=location.st_id,
                location=location,
            )
            made.append(
                PacketFactory.create(job=job, program=of or program, status=status, **fields)
            )
        return made

    return make
