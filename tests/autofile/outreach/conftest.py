"""Fixtures for outreach: a real SMTP server (aiosmtpd) whose delivered messages tests
read, and packets whose findings the homeowner can answer."""

from __future__ import annotations

import email
import email.policy
import logging
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

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

Req = ProgramRequirement.Kind
#: Mail to this domain is refused by the server (a bounce at SMTP time).
REFUSED_DOMAIN = "bounces.example"
LINK = re.compile(r"https?://[^\s\"<>]+/r/[0-9]+-[0-9a-f]{64}/")


@dataclass
class Mailbox:
    """What the SMTP server accepted, parsed."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]

    def text(self, message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())

    def link(self, address: str, index: int = -1) -> str:
        found = LINK.findall(self.text(self.to(address)[index]))
        assert found, "no link in the message"
        return str(found[0])


class Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.endswith("@" + REFUSED_DOMAIN):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.mailbox.lock:
            self.mailbox.messages.append(parsed)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Mailbox]:
    """A local SMTP server Django's SMTP backend delivers to."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(Handler(mailbox), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield mailbox
    finally:
        controller.stop()


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
