"""Reading corrections: a packet's (for its timeline), one correction, live statuses.

Also what the QA workspace pages read: the queue (filters, search, sort, counts), the packet
page (the packet's bundle with each finding on the record it concerns, its corrections and
timeline) and the coordinators' page (upcoming installs, packets missing documents).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from autofile.accounts.models import Membership, Organization, Role, User
from autofile.mirror.models import (
    Appointment,
    AppointmentAssignment,
    BusinessUnit,
    Customer,
    Invoice,
    Job,
    JobAttachment,
    Location,
    TagType,
)
from autofile.packets.models import (
    OPEN_STATUSES,
    Finding,
    KickbackReason,
    Packet,
    PacketStatus,
    RebateProgram,
)
from autofile.packets.selectors import PacketAction, PacketBundle, packet_actions, packet_bundle
from autofile.review.models import MOVING_STATUSES, Correction, DeliveryStatus, TargetType
from autofile.writeback.selectors import ConflictField, outbox_conflict_fields


def corrections_for_packet(*, organization: Organization, packet: Packet) -> QuerySet[Correction]:
    """Corrections to the packet's records — made on this packet's page or anywhere else
    (another packet of the same customer, the coordinators' page) — newest first, each with
    its write-back and author, in one query."""
    job = packet.job
    invoices = Invoice.objects.filter(connection_id=job.connection_id, job_st_id=job.st_id).values(
        "st_id"
    )
    concerns = (
        Q(packet=packet)
        | Q(target_type=TargetType.JOB, target_st_id=job.st_id)
        | Q(target_type=TargetType.INVOICE, target_st_id__in=invoices)
        | Q(target_type=TargetType.INVOICE_ITEM, parent_st_id__in=invoices)
    )
    if job.customer_st_id is not None:
        concerns |= Q(target_type=TargetType.CUSTOMER, target_st_id=job.customer_st_id) | Q(
            target_type=TargetType.CUSTOMER_CONTACT, parent_st_id=job.customer_st_id
        )
    if job.location_st_id is not None:
        concerns |= Q(target_type=TargetType.LOCATION, target_st_id=job.location_st_id)
    return (
        Correction.objects.filter(
            concerns, organization=organization, connection_id=job.connection_id
        )
        .select_related("outbox_message", "created_by")
        .order_by("-created_at", "-id")
    )


def correction_get(*, organization: Organization, correction_id: int) -> Correction | None:
    return (
        Correction.objects.filter(organization=organization, pk=correction_id)
        .select_related("outbox_message", "created_by", "packet")
        .first()
    )


def correction_statuses(*, organization: Organization, correction_ids: list[int]) -> dict[int, str]:
    """{correction id: delivery status} for a page that shows statuses updating live."""
    return dict(
        Correction.objects.filter(organization=organization, pk__in=correction_ids).values_list(
            "pk", "delivery_status"
        )
    )


# --- the queue ------------------------------------------------------------------------------------

#: Roles that work packets (claim, assign, correct, move them).
WORKER_ROLES = (Role.QA, Role.ADMIN)
#: Where each status sits in the workflow, for sorting by status.
STATUS_RANK = {status: rank for rank, status in enumerate(PacketStatus.values)}
#: How many days old (since imported) each age bucket holds: (from, to inclusive or None).
AGE_DAYS: dict[str, tuple[int, int | None]] = {
    "week": (0, 7),
    "month": (8, 30),
    "quarter": (31, 90),
    "older": (91, None),
}


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows; every field comes from the page's query string.

    status: "" for the open packets (new, in review, ready), "all", or one status.
    assignee: "" anyone, "me", "none" (unassigned) or a user id. age: a key of AGE_DAYS.
    sort: a column (age, customer, job, status, errors, amount), "-" in front reverses it;
    "age" puts the newest first, "-age" the oldest.
    """

    status: str = ""
    program_id: int | None = None
    business_unit_id: int | None = None
    assignee: str = ""
    age: str = ""
    has_errors: bool = False
    kicked_back: bool = False
    q: str = ""
    sort: str = "-age"


@dataclass
class QueueOptions:
    """The choices the queue's filters offer."""

    programs: list[RebateProgram]
    business_units: list[BusinessUnit]
    workers: list[User]


def packet_workers(*, organization: Organization) -> list[User]:
    """The members who work packets (QA reviewers and admins), by name."""
    return [
        membership.user
        for membership in Membership.objects.filter(
            organization=organization, role__in=WORKER_ROLES
        )
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    ]


def queue_options(*, organization: Organization) -> QueueOptions:
    return QueueOptions(
        programs=list(RebateProgram.objects.filter(organization=organization).order_by("name")),
        business_units=list(
            BusinessUnit.objects.filter(organization=organization, active=True).order_by("name")
        ),
        workers=packet_workers(organization=organization),
    )


def _queue_rows(packets: QuerySet[Packet]) -> QuerySet[Packet]:
    """What a queue row shows, loaded with the rows: job, customer, install address,
    business unit, program, assignee, kickback reason and the errors (first one shown).
    The mirror rows' raw JSON stays in the database: rows never show it."""
    return (
        packets.select_related(
            "job",
            "job__customer",
            "job__location",
            "job__business_unit",
            "program",
            "assignee",
            "kickback_reason",
        )
        .defer(
            "job__raw",
            "job__customer__raw",
            "job__location__raw",
            "job__business_unit__raw",
            "program__description",
        )
        .prefetch_related(
            Prefetch(
                "findings",
                queryset=Finding.objects.filter(severity="error").order_by("id"),
                to_attr="errors_list",
            )
        )
    )


#: A search matching at most this many jobs hands their ids (one array parameter) to the
#: page's queries; beyond, they read the matching jobs as a subquery.
SEARCH_IDS_LIMIT = 50_000


def _matching_jobs(organization: Organization, q: str) -> QuerySet[Job, Any]:
    """Jobs whose number is `q` (as typed or upper-cased: "j1042" finds "J1042"), whose
    customer's name or street holds it, or whose install street (or ZIP) does. Each way
    reads its own index (see the trigram indexes on the mirror); one OR across the joins
    would read every packet."""
    jobs = Job.objects.filter(organization=organization).order_by()
    customers = Customer.objects.filter(organization=organization).filter(
        Q(name__icontains=q) | Q(street__icontains=q)
    )
    places = Q(street__icontains=q)
    if q[:5].isdigit():
        places |= Q(zip__startswith=q)
    locations = Location.objects.filter(places, organization=organization)
    return (
        jobs.filter(job_number__in={q, q.upper()})
        .values("pk")
        .union(
            jobs.filter(customer_id__in=customers.values("pk")).values("pk"),
            jobs.filter(location_id__in=locations.values("pk")).values("pk"),
        )
    )


def _search_jobs(organization: Organization, q: str) -> list[int] | QuerySet[Job, Any] | None:
    """What a search matches, read once for the page's three queries: the jobs' ids (or,
    when very many, the query finding them); None when `q` names a packet ("#123")."""
    q = q.strip()
    if not q or (q.startswith("#") and q[1:].isdigit()):
        return None
    query = _matching_jobs(organization, q)
    ids = [row["pk"] for row in query[: SEARCH_IDS_LIMIT + 1]]
    return ids if len(ids) <= SEARCH_IDS_LIMIT else query


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _filtered(
    *,
    organization: Organization,
    user: User | None,
    filters: QueueFilters,
    jobs: list[int] | QuerySet[Job, Any] | None = None,
) -> QuerySet[Packet]:
    """The organization's packets matching every filter but the status (`jobs`: what the
    search matched, from `_search_jobs`)."""
    packets = Packet.objects.filter(organization=organization)
    if filters.program_id:
        packets = packets.filter(program_id=filters.program_id)
    if filters.business_unit_id:
        packets = packets.filter(job__business_unit_id=filters.business_unit_id)
    if filters.assignee == "me":
        packets = packets.filter(assignee_id=user.pk if user else None)
    elif filters.assignee == "none":
        packets = packets.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        packets = packets.filter(assignee_id=int(filters.assignee))
    if filters.age in AGE_DAYS:
        youngest, oldest = AGE_DAYS[filters.age]
        today = timezone.localdate()
        packets = packets.filter(created_at__lt=_day_start(today - dt.timedelta(days=youngest - 1)))
        if oldest is not None:
            packets = packets.filter(created_at__gte=_day_start(today - dt.timedelta(days=oldest)))
    if filters.has_errors:
        packets = packets.filter(error_count__gt=0)
    if filters.kicked_back:
        packets = packets.filter(kickback_count__gt=0)
    q = filters.q.strip()
    if q.startswith("#") and q[1:].isdigit():
        packets = packets.filter(pk=int(q[1:]))
    elif isinstance(jobs, list):
        # One array parameter, not one parameter per id.
        packets = packets.filter(job_id__in=RawSQL("SELECT unnest(%s::bigint[])", (jobs,)))
    elif q:
        packets = packets.filter(
            job_id__in=jobs if jobs is not None else _matching_jobs(organization, q)
        )

    return packets


def _by_status(packets: QuerySet[Packet], status: str) -> QuerySet[Packet]:
    if status == "all":
        return packets
    if status in PacketStatus.values:
        return packets.filter(status=status)
    return packets.filter(status__in=OPEN_STATUSES)


def _ordered(packets: QuerySet[Packet], sort: str) -> QuerySet[Packet]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "age":  # older is "more age": ascending age = newest first
        descending = not descending
        columns: list[Any] = [F("created_at")]
    elif key == "customer":
        columns = [F("job__customer__name")]
    elif key == "job":
        columns = [F("job__job_number")]
    elif key == "status":
        packets = packets.annotate(
            status_rank=Case(
                *(When(status=s, then=Value(r)) for s, r in STATUS_RANK.items()),
                output_field=IntegerField(),
            )
        )
        columns = [F("status_rank")]
    elif key == "errors":
        columns = [F("error_count"), F("warning_count")]
    elif key == "amount":
        columns = [F("estimated_amount")]
    else:
        descending = False
        columns = [F("created_at")]
    # NULLS LAST only where a column can be null (the amount): on the others it would keep
    # PostgreSQL from reading the order from an index.
    order = [
        (c.desc(nulls_last=True) if descending else c.asc(nulls_last=True))
        if key == "amount"
        else (c.desc() if descending else c.asc())
        for c in [*columns, F("id")]
    ]
    return packets.order_by(*order)


@dataclass
class QueueResults:
    page: Page[Packet]  # its object_list: the page's packets, rows loaded
    counts: dict[str, int]  # packets per status matching the other filters


class _CountedPaginator(Paginator):
    """A paginator told its count (the status counts already hold it: no COUNT query)."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @property
    def count(self) -> int:
        return self.known_count


def _tab_count(counts: dict[str, int], status: str) -> int:
    if status == "all":
        return sum(counts.values())
    if status in PacketStatus.values:
        return counts[status]
    return sum(counts[s] for s in OPEN_STATUSES)


def queue_results(
    *,
    organization: Organization,
    user: User | None,
    filters: QueueFilters,
    number: int | str = 1,
    per_page: int = 50,
) -> QueueResults:
    """One page of the queue and the counts per status, in a fixed number of queries
    whatever the page size or the queue's length: what a search matches (read once); the
    counts per status (which also give the page count); the page's ids, read through only
    the joins the filters and the sort need (joining every row's job, customer and address
    before cutting the page costs a second at 100,000 packets); those packets with what
    their rows show; their errors."""
    jobs = _search_jobs(organization, filters.q) if filters.q else None
    matching = _filtered(organization=organization, user=user, filters=filters, jobs=jobs)
    counts = {status.value: 0 for status in PacketStatus}
    counts.update(
        {
            row["status"]: row["n"]
            for row in matching.values("status").annotate(n=Count("id")).order_by()
        }
    )
    ids = _ordered(_by_status(matching, filters.status), filters.sort).values_list("pk", flat=True)
    paginator = _CountedPaginator(ids, per_page, _tab_count(counts, filters.status))
    page = paginator.get_page(number)
    wanted = list(page.object_list)
    rows = {p.pk: p for p in _queue_rows(Packet.objects.filter(pk__in=wanted))}
    page.object_list = [rows[pk] for pk in wanted if pk in rows]
    return QueueResults(page=page, counts=counts)


def queue_packets(
    *, organization: Organization, user: User | None, filters: QueueFilters
) -> QuerySet[Packet]:
    """The packets the queue's filters (status included) match, with what a row shows and
    not yet ordered or cut: for callers that page through them their own way (the API's
    cursor pages)."""
    jobs = _search_jobs(organization, filters.q) if filters.q else None
    matching = _filtered(organization=organization, user=user, filters=filters, jobs=jobs)
    return _queue_rows(_by_status(matching, filters.status))


def queue_row(*, organization: Organization, packet_id: int) -> Packet | None:
    """One queue row (after a claim or an assignment)."""
    return _queue_rows(Packet.objects.filter(organization=organization, pk=packet_id)).first()


def queue_selection(*, organization: Organization, packet_ids: list[int]) -> list[Packet]:
    """The selected packets with what a queue row shows, in queue order (oldest first)
    (for the export of a selection; ids of other organizations are left out)."""
    return list(
        _queue_rows(Packet.objects.filter(organization=organization, pk__in=packet_ids)).order_by(
            "created_at", "id"
        )
    )


# --- the packet page ------------------------------------------------------------------------------

#: Findings about these subjects are about the job's paperwork, not about one record.
DOCUMENT_SUBJECTS = ("photos", "forms", "documents")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".bmp")
FIELD_LABELS = {
    "description": "description",
    "quantity": "quantity",
    "unit_price": "unit price",
    "cost": "unit cost",
    "sku": "SKU",
    "summary": "summary",
    "number": "invoice number",
    "invoiced_on": "invoice date",
    "due_date": "due date",
    "review_status": "review status",
    "type": "type",
    "value": "value",
    "memo": "memo",
    "street": "street",
    "unit": "unit",
    "city": "city",
    "state": "state",
    "zip": "ZIP",
    "country": "country",
    "tag_type_ids": "tags",
}


def is_image(attachment: JobAttachment) -> bool:
    if attachment.content_type.startswith("image/"):
        return True
    return attachment.file_name.lower().endswith(IMAGE_EXTENSIONS)


@dataclass
class TimelineEntry:
    at: dt.datetime | None
    kind: str  # "appointment", "event" or "correction"
    item: Any


@dataclass
class PacketPage:
    """The packet page: the bundle, each record carrying the findings about it
    (`findings_here`, `flagged` {field: severity}) and its latest correction
    (`last_correction`), plus the corrections, the timeline and the action choices."""

    bundle: PacketBundle
    actions: list[PacketAction]
    kickback_reasons: list[KickbackReason]
    workers: list[User]
    corrections: list[Correction]
    timeline: list[TimelineEntry]
    general_findings: list[Finding] = field(default_factory=list)
    document_findings: list[Finding] = field(default_factory=list)
    photos: list[JobAttachment] = field(default_factory=list)
    files: list[JobAttachment] = field(default_factory=list)
    tag_names: dict[int, str] = field(default_factory=dict)

    @property
    def packet(self) -> Packet:
        return self.bundle.packet

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.bundle.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.bundle.findings if not f.is_error]

    @property
    def attention(self) -> list[Correction]:
        """Write-backs waiting on a person: conflicts and failures."""
        return [
            c
            for c in self.corrections
            if c.delivery_status in (DeliveryStatus.CONFLICT, DeliveryStatus.FAILED)
        ]

    @property
    def pending(self) -> list[Correction]:
        """Corrections whose delivery status is still moving (queued or sent)."""
        return [c for c in self.corrections if c.delivery_status in MOVING_STATUSES]

    @property
    def job_tags(self) -> list[tuple[int, str]]:
        return [(t, self.tag_names.get(t, f"Tag {t}")) for t in self.bundle.job.tag_type_ids]


def _records(bundle: PacketBundle) -> dict[str, list[Any]]:
    """The records the page shows, by the finding subject that names them."""
    records: dict[str, list[Any]] = {
        "job": [bundle.job],
        "customer": [bundle.customer] if bundle.customer else [],
        "location": [bundle.location] if bundle.location else [],
        "customer_contact": list(bundle.customer_contacts),
        "location_contact": list(bundle.location_contacts),
        "invoice": list(bundle.invoices),
        "invoice_item": list(bundle.invoice_items),
        "equipment": list(bundle.equipment),
        "forms": list(bundle.form_submissions),
        "estimate": [bundle.sold_estimate] if bundle.sold_estimate else [],
    }
    return records


#: The DOM id of the packet page's element showing a finding's subject (row, or section).
ANCHORS = {
    "invoice_item": "item-{}",
    "customer_contact": "contact-{}",
    "location_contact": "location-contact-{}",
    "invoice": "invoice-{}",
    "equipment": "unit-{}",
    "forms": "form-{}",
}
SECTION_ANCHORS = {
    "job": "job",
    "customer": "customer",
    "location": "location",
    "estimate": "estimate",
    "equipment": "equipment",
    "invoice": "invoices",
    "invoice_item": "invoices",
    "customer_contact": "customer",
    "location_contact": "location",
    "packet": "packet-facts",
}


def finding_anchor(finding: Finding, shown: bool) -> str:
    if shown and finding.subject in ANCHORS:
        return ANCHORS[finding.subject].format(finding.subject_id)
    return SECTION_ANCHORS.get(
        finding.subject, "documents" if finding.subject in DOCUMENT_SUBJECTS else "packet-head"
    )


def _record_index(bundle: PacketBundle) -> dict[tuple[str, int], Any]:
    """The page's records by (finding subject, pk), each ready to carry the findings about it
    and its latest correction."""
    rows: dict[tuple[str, int], Any] = {}
    for subject, records in _records(bundle).items():
        for row in records:
            row.findings_here = []
            row.flagged = {}
            row.last_correction = None
            rows[(subject, row.pk)] = row
    return rows


def _place_findings(page: PacketPage, rows: dict[tuple[str, int], Any]) -> None:
    """Hang each finding on the record it concerns; the rest are the page's own."""
    for finding in page.bundle.findings:
        row = rows.get((finding.subject, finding.subject_id or 0))
        finding.anchor = finding_anchor(finding, row is not None)  # type: ignore[attr-defined]
        if row is None:
            if finding.subject in DOCUMENT_SUBJECTS:
                page.document_findings.append(finding)
            else:
                page.general_findings.append(finding)
            continue
        row.findings_here.append(finding)
        if finding.field and row.flagged.get(finding.field) != "error":
            row.flagged[finding.field] = finding.severity


_CORRECTION_SUBJECT = {
    TargetType.INVOICE: "invoice",
    TargetType.INVOICE_ITEM: "invoice_item",
    TargetType.CUSTOMER: "customer",
    TargetType.CUSTOMER_CONTACT: "customer_contact",
    TargetType.LOCATION: "location",
    TargetType.JOB: "job",
}


def _target_label(correction: Correction, row: Any) -> str:
    kind = correction.get_target_type_display().lower()
    if correction.target_type == TargetType.INVOICE_ITEM:
        values = correction.after or correction.before
        name = (row and (row.display_name or row.sku_name or row.description)) or values.get(
            "description"
        )
        return f"invoice item “{name}”" if name else kind
    if correction.target_type == TargetType.CUSTOMER_CONTACT:
        values = correction.after or correction.before
        return f"contact {values.get('value') or (row and row.value) or ''}".strip()
    if correction.target_type == TargetType.INVOICE and row is not None:
        return f"invoice {row.reference_number or row.st_id}"
    if correction.target_type == TargetType.CUSTOMER:
        return "customer address"
    if correction.target_type == TargetType.LOCATION:
        return "install address"
    if correction.target_type == TargetType.JOB:
        return "job tags"
    return kind


def _correction_row(correction: Correction, rows: dict[tuple[str, int], Any]) -> Any:
    """The record of the page the correction changed, if the page shows it."""
    subject = _CORRECTION_SUBJECT.get(TargetType(correction.target_type), "")
    return rows.get((subject, correction.target_row_id or 0))


def _tag_list(ids: Any, tag_names: dict[int, str]) -> str:
    return ", ".join(tag_names.get(t, str(t)) for t in ids or []) or "none"


def describe_corrections(targets: list[tuple[Correction, Any]], tag_names: dict[int, str]) -> None:
    """Add what the page shows of each correction (with the record it changed, or None):
    `target_label`, `shown_changes` [(label, before, after)], `conflict_fields`
    [ConflictField] when in conflict."""
    for correction, row in targets:
        correction.target_label = _target_label(correction, row)  # type: ignore[attr-defined]
        shown: list[tuple[str, Any, Any]] = []
        for name, before, after in correction.changes:
            if name == "tag_type_ids":
                before, after = _tag_list(before, tag_names), _tag_list(after, tag_names)
            shown.append((FIELD_LABELS.get(name, name.replace("_", " ")), before, after))
        correction.shown_changes = shown  # type: ignore[attr-defined]
        message = correction.outbox_message
        conflict: list[ConflictField] = []
        if message is not None and correction.delivery_status == DeliveryStatus.CONFLICT:
            conflict = outbox_conflict_fields(message=message)
        correction.conflict_fields = [  # type: ignore[attr-defined]
            ConflictField(
                name=FIELD_LABELS.get(c.name, c.name.replace("_", " ")),
                base=c.base,
                mine=c.mine,
                theirs=c.theirs,
            )
            for c in conflict
        ]


def packet_page(*, organization: Organization, packet_id: int) -> PacketPage | None:
    """Everything the packet page shows, in a number of queries that does not grow with
    the packet's records, findings, corrections or history."""
    bundle = packet_bundle(organization=organization, packet_id=packet_id)
    if bundle is None:
        return None
    packet = bundle.packet
    corrections = list(
        corrections_for_packet(organization=organization, packet=packet).prefetch_related(
            "outbox_message__attempts_log"
        )
    )
    tag_ids = set(bundle.job.tag_type_ids)
    for correction in corrections:
        if correction.target_type == TargetType.JOB:
            for values in (correction.before, correction.after):
                tag_ids.update(values.get("tag_type_ids") or [])
    tag_names = dict(
        TagType.objects.filter(
            connection_id=bundle.job.connection_id, st_id__in=sorted(tag_ids)
        ).values_list("st_id", "name")
    )
    page = PacketPage(
        bundle=bundle,
        actions=packet_actions(packet=packet),
        kickback_reasons=list(
            KickbackReason.objects.filter(program_id=packet.program_id).order_by("position", "id")
        ),
        workers=packet_workers(organization=organization),
        corrections=corrections,
        timeline=[],
        tag_names=tag_names,
    )
    rows = _record_index(bundle)
    _place_findings(page, rows)

    targets = [(correction, _correction_row(correction, rows)) for correction in corrections]
    for correction, row in targets:  # newest first: the first one seen is the latest
        if row is not None and row.last_correction is None:
            row.last_correction = correction
    describe_corrections(targets, tag_names)

    for attachment in bundle.attachments:
        (page.photos if is_image(attachment) else page.files).append(attachment)

    entries = [TimelineEntry(a.start, "appointment", a) for a in bundle.appointments]
    entries += [TimelineEntry(e.created_at, "event", e) for e in bundle.events]
    entries += [TimelineEntry(c.created_at, "correction", c) for c in corrections]
    far_past = dt.datetime.min.replace(tzinfo=dt.UTC)
    page.timeline = sorted(entries, key=lambda e: e.at or far_past)
    return page


# --- the coordinators' page -----------------------------------------------------------------------

#: Equipment findings a technician fixes on site (the nameplate), beside photos and forms.
NAMEPLATE_FIELDS = ("manufacturer", "model", "serial_number")


def upcoming_installs(
    *, organization: Organization, days: int = 14, now: dt.datetime | None = None
) -> list[Appointment]:
    """Appointments of packet jobs from today through the next `days` days, in time
    order, each with `assignments_list` (technicians) and its job's `packets_list`."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    end = start + dt.timedelta(days=days + 1)
    live_packets = Packet.objects.filter(organization=organization).exclude(
        status__in=[PacketStatus.WITHDRAWN, PacketStatus.REJECTED]
    )
    return list(
        Appointment.objects.filter(
            organization=organization, active=True, start__gte=start, start__lt=end
        )
        .exclude(status__iexact="Canceled")
        .filter(Exists(live_packets.filter(job_id=OuterRef("job_id"))))
        .select_related("job", "job__customer", "job__location")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=AppointmentAssignment.objects.filter(active=True)
                .select_related("technician")
                .order_by("technician_name", "st_id"),
                to_attr="assignments_list",
            ),
            Prefetch(
                "job__packets",
                queryset=live_packets.select_related("program").order_by("id"),
                to_attr="packets_list",
            ),
        )
        .order_by("start", "st_id")
    )


@dataclass
class MissingPacket:
    """An open packet and the paperwork it misses."""

    packet: Packet
    findings: list[Finding]


@dataclass
class TechnicianGroup:
    """The packets of one technician's jobs that miss photos, forms, documents or nameplate
    data (a job with two technicians is under both)."""

    name: str
    technician_id: int | None
    packets: list[MissingPacket]


def _missing_findings(organization: Organization) -> QuerySet[Finding]:
    paperwork = Q(subject__in=DOCUMENT_SUBJECTS) | Q(
        subject="equipment", field__in=NAMEPLATE_FIELDS
    )
    paperwork |= Q(subject="equipment", code="equipment_missing")
    return (
        Finding.objects.filter(paperwork, organization=organization)
        .filter(packet__status__in=OPEN_STATUSES)
        .select_related("packet", "packet__job", "packet__job__customer", "packet__program")
        .order_by("packet_id", "severity", "id")
    )


def packets_missing_documents(*, organization: Organization) -> list[TechnicianGroup]:
    """Open packets missing photos, forms, documents or nameplate data, by technician."""
    missing: dict[int, MissingPacket] = {}
    for finding in _missing_findings(organization):
        entry = missing.get(finding.packet_id)
        if entry is None:
            entry = missing[finding.packet_id] = MissingPacket(finding.packet, [])
        entry.findings.append(finding)
    if not missing:
        return []
    jobs = {(m.packet.job.connection_id, m.packet.job.st_id) for m in missing.values()}
    technicians: dict[tuple[int, int], dict[int | None, str]] = defaultdict(dict)
    assignments = AppointmentAssignment.objects.filter(
        organization=organization,
        active=True,
        connection_id__in={c for c, _ in jobs},
        job_st_id__in={j for _, j in jobs},
    ).select_related("technician")
    for assignment in assignments:
        name = (
            assignment.technician.name if assignment.technician else assignment.technician_name
        ) or f"Technician {assignment.technician_st_id}"
        key = (assignment.connection_id, assignment.job_st_id or 0)
        technicians[key][assignment.technician_st_id] = name
    groups: dict[int | None, TechnicianGroup] = {}
    for entry in missing.values():
        job = entry.packet.job
        techs = technicians.get((job.connection_id, job.st_id)) or {None: ""}
        for tech_id, name in techs.items():
            group = groups.get(tech_id)
            if group is None:
                group = groups[tech_id] = TechnicianGroup(
                    name=name or "No technician on record", technician_id=tech_id, packets=[]
                )
            group.packets.append(entry)
    return sorted(groups.values(), key=lambda g: (g.technician_id is None, g.name.casefold()))


def tag_types_for(*, organization: Organization) -> list[TagType]:
    """Every tag type of the organization's connections, by name: inactive ones still name
    the tags jobs carry; only active ones are offered."""
    return list(TagType.objects.filter(organization=organization).order_by("name"))


def job_find(*, organization: Organization, job_number: str) -> list[Job]:
    """The organization's jobs with this number (a tenant's numbers are unique; two
    connected tenants may repeat one)."""
    number = job_number.strip().lstrip("#")
    if not number:
        return []
    return list(
        Job.objects.filter(organization=organization, job_number=number)
        .select_related("customer", "location")
        .prefetch_related(
            Prefetch(
                "packets",
                queryset=Packet.objects.filter(organization=organization)
                .select_related("program")
                .order_by("id"),
                to_attr="packets_list",
            )
        )[:5]
    )


def job_get(*, organization: Organization, job_id: int) -> Job | None:
    return Job.objects.filter(organization=organization, pk=job_id).first()


def latest_job_corrections(
    *, organization: Organization, job_ids: list[int]
) -> dict[int, Correction]:
    """{job pk: its latest tag correction} (to show a tag change's delivery status)."""
    latest: dict[int, Correction] = {}
    if not job_ids:
        return latest
    for correction in (
        Correction.objects.filter(
            organization=organization, target_type=TargetType.JOB, target_row_id__in=job_ids
        )
        .select_related("outbox_message")
        .order_by("-created_at", "-id")
    ):
        latest.setdefault(correction.target_row_id or 0, correction)
    return latest


def corrections_get(*, organization: Organization, correction_ids: list[int]) -> list[Correction]:
    """Several corrections with their write-backs (for a page polling their statuses)."""
    return list(
        Correction.objects.filter(organization=organization, pk__in=correction_ids)
        .select_related("outbox_message")
        .order_by("id")
    )
