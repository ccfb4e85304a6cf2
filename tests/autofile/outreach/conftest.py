"""Fixtures for outreach: the real SMTP server of tests/smtp.py, and packets whose
findings the homeowner can answer."""

from __future__ import annotations

import pytest

from autofile.accounts.models import Organization
from autofile.mirror.models import Connection
from autofile.packets.models import Packet, ProgramRequirement, RebateProgram
from autofile.packets.services import packet_validate
from tests.factories import (
    ConnectionFactory,
    CustomerContactFactory,
    CustomerFactory,
    JobFactory,
    LocationFactory,
    PacketFactory,
    ProgramRequirementFactory,
    RebateProgramFactory,
)
from tests.smtp import REFUSED_DOMAIN, Mailbox, _free_port, smtp

__all__ = ["REFUSED_DOMAIN", "Mailbox", "_free_port", "smtp"]

Req = ProgramRequirement.Kind


def homeowner_program(organization: Organization) -> RebateProgram:
    """A program asking for what only the homeowner has."""
    program = RebateProgramFactory.create(
        organization=organization, name="Oncor heat pump", sponsor="Oncor"
    )
    for position, (kind, label, pattern) in enumerate(
        [
            (Req.UTILITY_ACCOUNT, "Utility account number", "Utility Account Number"),
            (Req.DOCUMENT, "Recent utility bill", "utility-bill*"),
            (Req.FORM, "Signed customer form", "signed-customer-form*"),
        ]
    ):
        ProgramRequirementFactory.create(
            organization=organization,
            program=program,
            kind=kind,
            label=label,
            pattern=pattern,
            position=position,
        )
    return program


@pytest.fixture
def asking_packet(organization: Organization) -> Packet:
    """A packet whose findings are the utility account number, the bill and the form."""
    connection: Connection = ConnectionFactory.create(organization=organization)
    customer = CustomerFactory.create(connection=connection, name="Dana Homeowner")
    location = LocationFactory.create(connection=connection, customer=customer)
    CustomerContactFactory.create(
        connection=connection, customer=customer, value="dana@example.com"
    )
    job = JobFactory.create(
        connection=connection,
        customer=customer,
        location=location,
        location_st_id=location.st_id,
    )
    packet = PacketFactory.create(job=job, program=homeowner_program(organization))
    packet_validate(packet=packet)
    return packet
