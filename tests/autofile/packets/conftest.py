"""A small simulated tenant stored in the mirror, and packets built on its jobs.

The tenant's rows are read once per session through the simulator's HTTP API
(in-process), then stored in each test's database the way the sync stores pages (map,
upsert, link), so validation runs on real-looking jobs, invoices, equipment and files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from autofile.accounts.models import Organization
from autofile.mirror.models import (
    Connection,
    InstalledEquipment,
    Invoice,
    Job,
    JobAttachment,
    TagType,
)
from autofile.mirror.registry import RESOURCES
from autofile.mirror.sync import _link_referrers
from autofile.mirror.upsert import upsert
from autofile.packets.models import Packet, RebateProgram
from autofile.packets.services import program_copy_example
from autofile.packets.services.certified import certified_import_fixtures
from integrations.servicetitan.simulator import Simulator, SimulatorConfig
from tests.autofile.mirror.conftest import ReadAll, _reader
from tests.factories import ConnectionFactory


@pytest.fixture(scope="session")
def tenant_reader() -> Iterator[tuple[Simulator, ReadAll]]:
    """The small simulated tenant, without blemishes, read in-process."""
    yield from _reader(
        Simulator(SimulatorConfig(seed=11, scale="small", imperfect_share=0.0, rate_limit=0))
    )


@pytest.fixture(scope="session")
def blemished_reader() -> Iterator[tuple[Simulator, ReadAll]]:
    """The same tenant where every record carries real tenants' blemishes."""
    yield from _reader(
        Simulator(SimulatorConfig(seed=11, scale="small", imperfect_share=1.0, rate_limit=0))
    )


def store_tenant(connection: Connection, read_all: ReadAll) -> None:
    """Store every row of the tenant in the mirror, as the sync's pages would."""
    now = timezone.now()
    for resource in RESOURCES:
        rows: dict[object, dict[str, Any]] = {}
        for raw in read_all(resource):
            columns = resource.mapper(raw)
            columns.update(
                organization_id=connection.organization_id,
                connection_id=connection.pk,
                raw=raw,
                synced_at=now,
            )
            rows[columns["st_id"]] = columns
        changed = upsert(resource.model, list(rows.values()), resource.links)
        if changed:
            _link_referrers(resource, connection.pk, changed)


@pytest.fixture
def tenant(
    db: None, organization: Organization, tenant_reader: tuple[Simulator, ReadAll]
) -> Connection:
    """The organization's connection, its mirror holding the simulated tenant (and the
    certified products list AutoFile ships, made to agree with the simulator's pricebook)."""
    connection = ConnectionFactory.create(organization=organization)
    store_tenant(connection, tenant_reader[1])
    certified_import_fixtures()
    return connection


@pytest.fixture
def blemished_tenant(
    db: None, organization: Organization, blemished_reader: tuple[Simulator, ReadAll]
) -> Connection:
    connection = ConnectionFactory.create(organization=organization)
    store_tenant(connection, blemished_reader[1])
    certified_import_fixtures()
    return connection


def tag_id(connection: Connection, name: str) -> int:
    return TagType.objects.get(connection=connection, name=name).st_id


def heat_pump_jobs(connection: Connection) -> list[Job]:
    """Completed jobs that installed a heat pump and were invoiced, oldest number first."""
    locations = InstalledEquipment.objects.filter(
        connection=connection, equipment_type="Heat Pump"
    ).values("location_st_id")
    invoiced = Invoice.objects.filter(connection=connection).values("job_st_id")
    return list(
        Job.objects.filter(
            connection=connection,
            job_status="Completed",
            location_st_id__in=locations,
            st_id__in=invoiced,
            job_type__name="Heat Pump Install",
        ).order_by("st_id")
    )


@dataclass
class Filed:
    """A packet on a real-looking heat-pump job, filed to the EXAMPLE utility program."""

    packet: Packet
    program: RebateProgram
    job: Job


@pytest.fixture
def utility_program(organization: Organization, tenant: Connection) -> RebateProgram:
    return program_copy_example(organization=organization, key="utility_heat_pump")


@pytest.fixture
def file_packet(
    organization: Organization, tenant: Connection, utility_program: RebateProgram
) -> Callable[..., Filed]:
    """A packet of the utility example program on a heat-pump job of the tenant."""

    def make(job: Job | None = None, program: RebateProgram | None = None) -> Filed:
        job = job or heat_pump_jobs(tenant)[0]
        program = program or utility_program
        packet = Packet.objects.create(organization=organization, job=job, program=program)
        return Filed(packet=packet, program=program, job=job)

    return make


def attachments(job: Job) -> list[str]:
    return list(
        JobAttachment.objects.filter(connection_id=job.connection_id, job_st_id=job.st_id)
        .order_by("file_name")
        .values_list("file_name", flat=True)
    )
