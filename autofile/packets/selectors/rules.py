"""Reading import rules: the SQL matcher over the mirror, the preview, form choices."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from autofile.accounts.models import Organization
from autofile.mirror.models import (
    BusinessUnit,
    Connection,
    Estimate,
    Invoice,
    InvoiceItem,
    Job,
    JobType,
    PricebookEquipment,
    PricebookMaterial,
    PricebookService,
    TagType,
)
from autofile.packets.models import ImportRule, Packet

#: Job statuses ServiceTitan uses (jpm JobStatus), for rule forms.
JOB_STATUSES = ("Scheduled", "Dispatched", "InProgress", "Hold", "Completed", "Canceled")


def _rules(organization: Organization) -> QuerySet[ImportRule]:
    return ImportRule.objects.filter(organization=organization).select_related(
        "program", "connection"
    )


def rules_for(
    *, organization: Organization, connection: Connection | None = None
) -> QuerySet[ImportRule]:
    """The organization's rules with how many packets each imported (the list)."""
    rules = _rules(organization)
    if connection is not None:
        rules = rules.filter(connection=connection)
    return rules.annotate(packet_count=Count("packets"))


def rule_get(*, organization: Organization, rule_id: int) -> ImportRule | None:
    """One rule, without its packet count (edit, switch, delete and the polled status)."""
    return _rules(organization).filter(pk=rule_id).first()


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the current time zone, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _completion_filter(
    completed_from: dt.date | None, completed_to: dt.date | None, within_days: int | None
) -> Q:
    q = Q()
    if completed_from is not None:
        q &= Q(completed_on__gte=_day_start(completed_from))
    if completed_to is not None:
        q &= Q(completed_on__lt=_day_start(completed_to + dt.timedelta(days=1)))
    if within_days is not None:
        q &= Q(completed_on__gte=timezone.now() - dt.timedelta(days=within_days))
    return q


def _invoiced_skus(connection_id: int, sku_ids: list[int]) -> QuerySet[Invoice]:
    """The connection's invoices holding an item of one of these SKUs (correlated on job)."""
    items = InvoiceItem.objects.filter(
        connection_id=connection_id, active=True, sku_st_id__in=sku_ids
    ).values("invoice_st_id")
    return Invoice.objects.filter(
        connection_id=connection_id, active=True, job_st_id=OuterRef("st_id"), st_id__in=items
    )


def _sold_skus(connection_id: int, sku_ids: list[int]) -> QuerySet[Estimate]:
    return Estimate.objects.filter(
        connection_id=connection_id,
        active=True,
        job_st_id=OuterRef("st_id"),
        status="Sold",
        sku_ids__overlap=sku_ids,
    )


def rule_jobs(*, rule: ImportRule) -> QuerySet[Job]:
    """The mirrored jobs the rule matches, as one SQL query (the rule may be unsaved).

    Every criterion given must hold; a rule without a positive criterion (tags, SKUs,
    business units, job types) matches nothing rather than every job.
    """
    jobs = Job.objects.filter(connection_id=rule.connection_id, active=True)
    if not rule.has_positive_criterion:
        return jobs.none()
    if rule.tag_type_ids:
        if rule.tag_match == ImportRule.TagMatch.ALL:
            jobs = jobs.filter(tag_type_ids__contains=list(rule.tag_type_ids))
        else:
            jobs = jobs.filter(tag_type_ids__overlap=list(rule.tag_type_ids))
    if rule.excluded_tag_type_ids:
        jobs = jobs.exclude(tag_type_ids__overlap=list(rule.excluded_tag_type_ids))
    if rule.business_unit_ids:
        jobs = jobs.filter(business_unit_st_id__in=list(rule.business_unit_ids))
    if rule.job_type_ids:
        jobs = jobs.filter(job_type_st_id__in=list(rule.job_type_ids))
    if rule.job_statuses:
        jobs = jobs.filter(job_status__in=list(rule.job_statuses))
    jobs = jobs.filter(
        _completion_filter(rule.completed_from, rule.completed_to, rule.completed_within_days)
    )
    if rule.sku_ids:
        skus = list(rule.sku_ids)
        jobs = jobs.filter(
            Exists(_invoiced_skus(rule.connection_id, skus))
            | Exists(_sold_skus(rule.connection_id, skus))
        )
    return jobs


@dataclass
class PreviewJob:
    job: Job
    reasons: list[str]
    packet_exists: bool


@dataclass
class RulePreview:
    total: int
    jobs: list[PreviewJob]
    by_business_unit: list[tuple[str, int]]
    completed_from: dt.date | None = None
    completed_to: dt.date | None = None
    already_packets: int = 0
    limit: int = 50

    @property
    def shown(self) -> int:
        return len(self.jobs)

    @property
    def new_packets(self) -> int:
        return self.total - self.already_packets


def _names(model: type[Model], connection_id: int, st_ids: set[int]) -> dict[int, str]:
    if not st_ids:
        return {}
    return dict(
        model._default_manager.filter(connection_id=connection_id, st_id__in=st_ids).values_list(
            "st_id", "name"
        )
    )


def _sku_labels(connection_id: int, st_ids: set[int]) -> dict[int, str]:
    labels: dict[int, str] = {}
    for model in (PricebookService, PricebookEquipment, PricebookMaterial):
        if not st_ids - labels.keys():
            break
        for st_id, code, name in model._default_manager.filter(
            connection_id=connection_id, st_id__in=st_ids - labels.keys()
        ).values_list("st_id", "code", "display_name"):
            labels[st_id] = f"{code} ({name})" if name else code
    return labels


def rule_preview(
    *,
    rule: ImportRule,
    completed_from: dt.date | None = None,
    completed_to: dt.date | None = None,
    limit: int = 50,
) -> RulePreview:
    """The jobs the rule would import (in the completion window chosen), and why.

    A bounded list of jobs for display, the total, counts per business unit and, for
    each listed job, which tags, SKUs, business unit, job type and status matched and
    whether it already has a packet for the rule's program. A fixed number of queries.
    """
    jobs = rule_jobs(rule=rule).filter(_completion_filter(completed_from, completed_to, None))
    existing = Packet.objects.filter(job=OuterRef("pk"), program_id=rule.program_id)
    total, already, by_unit = _counts_by_business_unit(jobs, existing, rule.connection_id)
    shown = list(
        jobs.annotate(packet_exists=Exists(existing))
        .select_related("customer", "location")
        .order_by("-completed_on", "-st_id")[:limit]
    )
    preview = RulePreview(
        total=total,
        jobs=[],
        by_business_unit=by_unit,
        completed_from=completed_from,
        completed_to=completed_to,
        already_packets=already,
        limit=limit,
    )
    if shown:
        why = _Matches.of(rule, shown)
        preview.jobs = [
            PreviewJob(job=job, reasons=why.reasons(job), packet_exists=bool(job.packet_exists))
            for job in shown
        ]
    return preview


def _counts_by_business_unit(
    jobs: QuerySet[Job], existing: QuerySet[Packet], connection_id: int
) -> tuple[int, int, list[tuple[str, int]]]:
    """(jobs matched, of them already packets, [(business unit, jobs)] most first)."""
    counts = list(
        jobs.order_by()
        .values("business_unit_st_id")
        .annotate(n=Count("id"), had=Count("id", filter=Q(Exists(existing))))
    )
    units = _names(BusinessUnit, connection_id, {r["business_unit_st_id"] for r in counts} - {None})

    def label(st_id: int | None) -> str:
        if not st_id:
            return "No business unit"
        return units.get(st_id, "") or f"Business unit {st_id}"

    by_unit = sorted(
        ((label(row["business_unit_st_id"]), row["n"]) for row in counts),
        key=lambda pair: (-pair[1], pair[0]),
    )
    return sum(r["n"] for r in counts), sum(r["had"] for r in counts), by_unit


def _skus_matched(
    connection_id: int, job_st_ids: list[int], sku_set: set[int]
) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """The rule's SKUs on each job's invoices and on its sold estimates, by job st_id."""
    invoiced: dict[int, set[int]] = {}
    sold: dict[int, set[int]] = {}
    if not sku_set:
        return invoiced, sold
    invoices = dict(
        Invoice.objects.filter(
            connection_id=connection_id, active=True, job_st_id__in=job_st_ids
        ).values_list("st_id", "job_st_id")
    )
    for invoice_st_id, sku in InvoiceItem.objects.filter(
        connection_id=connection_id,
        active=True,
        invoice_st_id__in=list(invoices),
        sku_st_id__in=list(sku_set),
    ).values_list("invoice_st_id", "sku_st_id"):
        job_st_id = invoices.get(invoice_st_id or 0)
        if job_st_id is not None and sku is not None:
            invoiced.setdefault(job_st_id, set()).add(sku)
    for job_st_id, skus in Estimate.objects.filter(
        connection_id=connection_id,
        active=True,
        status="Sold",
        job_st_id__in=job_st_ids,
        sku_ids__overlap=list(sku_set),
    ).values_list("job_st_id", "sku_ids"):
        if job_st_id is not None:
            sold.setdefault(job_st_id, set()).update(set(skus) & sku_set)
    return invoiced, sold


@dataclass
class _Matches:
    """What a rule matched on the jobs of a preview, with the names to say it."""

    rule: ImportRule
    invoiced: dict[int, set[int]]
    sold: dict[int, set[int]]
    tag_names: dict[int, str]
    unit_names: dict[int, str]
    type_names: dict[int, str]
    sku_labels: dict[int, str]

    @classmethod
    def of(cls, rule: ImportRule, shown: Sequence[Job]) -> _Matches:
        connection_id = rule.connection_id
        sku_set = set(rule.sku_ids or ())
        invoiced, sold = _skus_matched(connection_id, [job.st_id for job in shown], sku_set)
        units = {j.business_unit_st_id for j in shown if j.business_unit_st_id}
        types = {j.job_type_st_id for j in shown if j.job_type_st_id}
        return cls(
            rule=rule,
            invoiced=invoiced,
            sold=sold,
            tag_names=_names(TagType, connection_id, set(rule.tag_type_ids or ())),
            unit_names=_names(BusinessUnit, connection_id, units),
            type_names=_names(JobType, connection_id, types),
            sku_labels=_sku_labels(connection_id, set().union(*invoiced.values(), *sold.values())),
        )

    def _skus(self, st_ids: set[int]) -> str:
        return ", ".join(sorted(self.sku_labels.get(s, f"SKU {s}") for s in st_ids))

    def reasons(self, job: Job) -> list[str]:
        rule = self.rule
        reasons: list[str] = []
        wanted = set(rule.tag_type_ids or ())
        if matched := [t for t in job.tag_type_ids if t in wanted]:
            reasons.append(
                "Tagged " + ", ".join(self.tag_names.get(t, f"tag {t}") for t in matched)
            )
        if job.st_id in self.invoiced:
            reasons.append(f"Invoiced {self._skus(self.invoiced[job.st_id])}")
        if job.st_id in self.sold:
            reasons.append(f"Sold estimate holds {self._skus(self.sold[job.st_id])}")
        if rule.business_unit_ids:
            unit = job.business_unit_st_id
            reasons.append("Business unit " + self.unit_names.get(unit or 0, str(unit)))
        if rule.job_type_ids:
            kind = job.job_type_st_id
            reasons.append("Job type " + self.type_names.get(kind or 0, str(kind)))
        if rule.job_statuses:
            reasons.append(f"Status {job.job_status}")
        if job.completed_on and (
            rule.completed_from or rule.completed_to or rule.completed_within_days
        ):
            reasons.append(f"Completed {timezone.localtime(job.completed_on):%b %-d, %Y}")
        return reasons


@dataclass
class RuleOptions:
    """What a rule form offers to pick from, as (ServiceTitan id, label) pairs."""

    tag_types: list[tuple[int, str]] = field(default_factory=list)
    business_units: list[tuple[int, str]] = field(default_factory=list)
    job_types: list[tuple[int, str]] = field(default_factory=list)
    job_statuses: list[tuple[str, str]] = field(default_factory=list)
    services: list[tuple[int, str]] = field(default_factory=list)
    equipment: list[tuple[int, str]] = field(default_factory=list)
    materials: list[tuple[int, str]] = field(default_factory=list)

    @property
    def skus(self) -> list[tuple[str, list[tuple[int, str]]]]:
        """SKU choices grouped for an <optgroup> select."""
        return [
            ("Services", self.services),
            ("Equipment", self.equipment),
            ("Materials", self.materials),
        ]


def _sku_choices(model: type[Model], connection: Connection) -> list[tuple[int, str]]:
    rows = (
        model._default_manager.filter(connection=connection, active=True)
        .order_by("code")
        .values_list("st_id", "code", "display_name")
    )
    return [(st_id, f"{code} — {name}" if name else code) for st_id, code, name in rows]


def equipment_choices(*, connection: Connection) -> list[tuple[int, str]]:
    """The connection's active pricebook equipment, for measures (one query)."""
    return _sku_choices(PricebookEquipment, connection)


def rule_options(*, connection: Connection) -> RuleOptions:
    """Choices for a rule form from the connection's mirror (7 queries)."""

    def named(model: type[Model]) -> list[tuple[int, str]]:
        return list(
            model._default_manager.filter(connection=connection, active=True)
            .order_by("name")
            .values_list("st_id", "name")
        )

    counter = Counter(
        Job.objects.filter(connection=connection)
        .exclude(job_status="")
        .order_by()
        .values_list("job_status", flat=True)
        .distinct()
    )
    statuses = list(JOB_STATUSES) + sorted(set(counter) - set(JOB_STATUSES))
    return RuleOptions(
        tag_types=named(TagType),
        business_units=named(BusinessUnit),
        job_types=named(JobType),
        job_statuses=[(s, s) for s in statuses],
        services=_sku_choices(PricebookService, connection),
        equipment=equipment_choices(connection=connection),
        materials=_sku_choices(PricebookMaterial, connection),
    )
