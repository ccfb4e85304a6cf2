"""Outreach reads: what a packet could ask its homeowner, whom, the requests and their
states (for review's packet page, queue and coordinators' page through its registry), and
the request a homeowner's link reaches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from autofile.accounts.models import Organization, Role
from autofile.mirror.models import ContactMethod, CustomerContact, LocationContact
from autofile.outreach import tokens
from autofile.outreach.models import (
    ITEM_ORDER,
    OPEN_STATES,
    HomeownerRequest,
    Item,
    RequestState,
    TechnicianRequest,
)
from autofile.packets.models import (
    FINAL_STATUSES,
    Finding,
    Packet,
    PacketDocument,
    ProgramRequirement,
)

Req = ProgramRequirement.Kind
WORKER_ROLES = (Role.QA, Role.ADMIN)


@dataclass(frozen=True)
class Suggestion:
    """One thing the reviewer can ask for, ticked when an open finding needs it."""

    item: str
    label: str
    ticked: bool
    why: str
    requirement_id: int | None


def _words(finding: Finding) -> str:
    requirement = finding.requirement
    parts = [finding.code, finding.message, finding.field]
    if requirement is not None:
        parts += [requirement.label, requirement.pattern]
    return " ".join(parts).casefold()


def item_for_finding(finding: Finding) -> str | None:
    """Which homeowner item answers this finding, if the homeowner can answer it."""
    words = _words(finding)
    kind = finding.requirement.kind if finding.requirement is not None else ""
    if finding.code == "utility_account_missing" or kind == Req.UTILITY_ACCOUNT:
        return Item.UTILITY_ACCOUNT
    if "income" in words:
        return Item.INCOME
    if "bill" in words and finding.subject == "documents":
        return Item.UTILITY_BILL
    if "sign" in words or "customer form" in words or "authorization" in words:
        return Item.SIGNATURE
    if kind in (Req.CUSTOMER_EMAIL, Req.CUSTOMER_PHONE) or finding.subject in (
        "customer_contact",
        "location_contact",
    ):
        return Item.CONTACT
    if finding.subject == "photos" and ("nameplate" not in words):
        return Item.PHOTOS
    return None


def request_suggestions(*, packet: Packet) -> list[Suggestion]:
    """Every item, pre-ticked from the packet's open findings (with the requirement each
    answers, so uploads get file names the requirement recognizes)."""
    findings = list(
        Finding.objects.filter(organization_id=packet.organization_id, packet=packet)
        .select_related("requirement")
        .order_by("severity", "id")
    )
    matched: dict[str, Finding] = {}
    for finding in findings:
        item = item_for_finding(finding)
        if item is not None and item not in matched:
            matched[item] = finding
    income_program = packet.program.income_tiers
    shown = []
    for item in ITEM_ORDER:
        if item == Item.INCOME and not income_program and item not in matched:
            continue
        found = matched.get(item)
        shown.append(
            Suggestion(
                item=item,
                label=Item(item).label,
                ticked=found is not None,
                why=found.message if found is not None else "",
                requirement_id=found.requirement_id if found is not None else None,
            )
        )
    return shown


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    source: str


def packet_recipients(*, packet: Packet) -> list[Recipient]:
    """The customer's e-mail addresses: its contact rows, the install location's, and the
    contact methods of the newer contacts model linked to the customer."""
    job = packet.job
    customer = job.customer
    name = customer.name if customer is not None else ""
    found: dict[str, Recipient] = {}
    org = packet.organization_id

    def add(value: str, source: str, who: str = "") -> None:
        email = value.strip()
        if "@" in email and email.casefold() not in found:
            found[email.casefold()] = Recipient(email=email, name=who or name, source=source)

    if customer is not None:
        for contact in CustomerContact.objects.filter(
            organization_id=org,
            connection_id=customer.connection_id,
            customer_st_id=customer.st_id,
            active=True,
            contact_type__iexact="email",
        ):
            add(contact.value, "customer contact")
        methods = (
            ContactMethod.objects.filter(
                organization_id=org,
                connection_id=customer.connection_id,
                active=True,
                contact_type__iexact="email",
            )
            .filter(
                # the mirror keeps no contact relationships: a contact whose reference is the
                # customer's id, or who bears the customer's name
                Q(contact__reference_id=str(customer.st_id))
                | Q(contact__name__iexact=customer.name)
            )
            .select_related("contact")
        )
        for method in methods:
            add(method.value, "contact", method.contact.name if method.contact else "")
    if job.location is not None:
        for place in LocationContact.objects.filter(
            organization_id=org,
            connection_id=job.location.connection_id,
            location_st_id=job.location.st_id,
            active=True,
            contact_type__iexact="email",
        ):
            add(place.value, "location contact")
    return list(found.values())


def packet_requests(*, organization: Organization, packet_id: int) -> list[HomeownerRequest]:
    return list(
        HomeownerRequest.objects.filter(organization=organization, packet_id=packet_id)
        .select_related("created_by")
        .prefetch_related("mail_attempts")
        .order_by("-created_at", "-id")
    )


def shown_state(request: HomeownerRequest) -> str:
    """The state as people read it: an open request past its date is expired."""
    if request.state in OPEN_STATES and request.expires_at <= timezone.now():
        return RequestState.EXPIRED
    return request.state


def packet_panel(request: HttpRequest, packet: Packet) -> dict[str, Any] | None:
    """The packet page's "Homeowner requests" panel (review's registry calls this)."""
    organization: Organization = request.organization  # type: ignore[attr-defined]
    role = request.membership.role  # type: ignore[attr-defined]
    requests = packet_requests(organization=organization, packet_id=packet.pk)
    documents: dict[str, list[PacketDocument]] = {}
    if requests:
        for document in PacketDocument.objects.filter(
            organization=organization, packet_id=packet.pk, origin__contains="via request #"
        ).order_by("created_at", "id"):
            documents.setdefault(document.origin.rsplit("#", 1)[-1], []).append(document)
    for r in requests:
        r.shown_state = shown_state(r)  # type: ignore[attr-defined]
        r.checklist = [  # type: ignore[attr-defined]
            (i, Item(i).label, i in r.done, r.answers.get(i)) for i in r.items
        ]
        r.documents = documents.get(str(r.pk), [])  # type: ignore[attr-defined]
    can_ask = role in WORKER_ROLES and packet.status not in FINAL_STATUSES
    return {
        "packet": packet,
        "requests": requests,
        "can_ask": can_ask,
        "open_count": len(
            [r for r in requests if r.shown_state in OPEN_STATES]  # type: ignore[attr-defined]
        ),
    }


def queue_badges(
    organization: Organization, packet_ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    """Per packet of a queue page: its latest homeowner request's state and how many are
    open (one query)."""
    latest: dict[int, dict[str, Any]] = {}
    now = timezone.now()
    rows = (
        HomeownerRequest.objects.filter(organization=organization, packet_id__in=list(packet_ids))
        .order_by("packet_id", "-created_at", "-id")
        .values("packet_id", "state", "expires_at", "pk")
    )
    for row in rows:
        state = row["state"]
        if state in OPEN_STATES and row["expires_at"] <= now:
            state = RequestState.EXPIRED
        entry = latest.setdefault(
            row["packet_id"],
            {
                "state": state,
                "label": RequestState(state).label,
                "request_id": row["pk"],
                "open": 0,
            },
        )
        if state in OPEN_STATES:
            entry["open"] += 1
    return latest


def coordinator_panel(request: HttpRequest, organization: Organization) -> dict[str, Any] | None:
    """What technicians were asked and when (the latest 20 messages; one query)."""
    sent = list(TechnicianRequest.objects.filter(organization=organization)[:20])
    role = request.membership.role  # type: ignore[attr-defined]
    return {
        "sent": sent,
        "can_send": role in (Role.COORDINATOR, Role.ADMIN, Role.QA),
        "failed": len([t for t in sent if t.state in (RequestState.FAILED, RequestState.BOUNCED)]),
    }


def request_for_token(token: str) -> HomeownerRequest | None:
    """The one request a homeowner's link reaches (whatever its state), or None for a
    malformed, forged or revoked link."""
    parsed = tokens.parse(token)
    if parsed is None:
        return None
    pk, given = parsed
    request = (
        HomeownerRequest.objects.select_related(
            "organization",
            "packet",
            "packet__program",
            "packet__job",
            "packet__job__location",
            "packet__job__customer",
        )
        .filter(pk=pk)
        .first()
    )
    if request is None or not tokens.hashes_match(request.token_hash, given):
        return None
    return request
