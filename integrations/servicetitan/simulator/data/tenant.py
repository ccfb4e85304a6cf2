"""The seeded tenant: reference data, layouts and one collection per resource.

Construction builds every job's plan (about 1 KB each; what was sold is shared between jobs,
see ``plans.py``) and learns from them how many appointments, invoice lines, estimates,
photos… each job has (kept as prefix sums, a few bytes per job); every record is then generated
on demand from ``(seed, resource, index)`` and its job's plan. Nothing here is mutated after
construction: run-time changes live in the store's overlay.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Final, TypeVar

from integrations.servicetitan.simulator.config import SimulatorConfig
from integrations.servicetitan.simulator.data import activity, catalog
from integrations.servicetitan.simulator.data.collections import (
    Collection,
    EagerCollection,
    GuidCollection,
    LazyCollection,
    Record,
)
from integrations.servicetitan.simulator.data.ids import ID_BASES, guid_prefix
from integrations.servicetitan.simulator.data.offsets import Offsets
from integrations.servicetitan.simulator.data.people import territory
from integrations.servicetitan.simulator.data.plans import (
    JobPlan,
    PlanContext,
    build_packages,
    build_plan,
)
from integrations.servicetitan.simulator.data.reference import ReferenceBuilder
from integrations.servicetitan.simulator.data.templates import RowSpec
from integrations.servicetitan.simulator.data.timeline import Timeline
from integrations.servicetitan.simulator.rng import GOLDEN, MASK64, Rng, mix, salt, splitmix, unit
from integrations.servicetitan.simulator.times import US_PER_DAY, US_PER_HOUR, to_us

T = TypeVar("T")

_INV_2_53: Final = 1.0 / (1 << 53)

#: Child records are stamped a few milliseconds after their job so that every resource stays in
#: ``modifiedOn`` order by index (jobs are minutes apart even at the largest scale).
CHILD_OFFSETS_US: Final = {
    "appointments": 1_000,
    "appointment-assignments": 20_000,
    "invoices": 50_000,
    "invoice-items": 60_000,
    "payments": 200_000,
    "estimates": 300_000,
    "estimate-items": 350_000,
    "installed-equipment": 600_000,
    "form-submissions": 700_000,
    "job-attachments": 800_000,
    "projects": 900_000,
    "job-canceled-logs": 950_000,
    "job-notes": 400_000,
    "inventory-bills": 650_000,
    "job-history": 970_000,
    "project-notes": 980_000,
}
CUSTOMER_CHILD_OFFSETS_US: Final = {
    "locations": 1_000,
    "customer-contacts": 10_000,
    "location-contacts": 20_000,
    "contacts": 30_000,
    "contact-methods": 40_000,
}
_IMPERFECT_SALT: Final = salt("imperfect")
_TERRITORY_SALT: Final = salt("location-territory")


class Tenant:
    """One deterministic tenant for a :class:`SimulatorConfig`."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.seed = config.seed
        self.anchor = to_us(config.anchor)
        self.imperfect_share = config.imperfect_share
        preset = config.preset
        jobs = preset.jobs

        reference = ReferenceBuilder(
            self.seed, self.anchor, preset.technicians, preset.employees
        ).build()
        self.reference = reference
        self.techs_by_business_unit: dict[int, list[int]] = {}
        for i, tech in enumerate(reference["technicians"]):
            unit_index = tech["businessUnitId"] - ID_BASES["business-units"] - 1
            self.techs_by_business_unit.setdefault(unit_index, []).append(i)
        self.tag_ids = {r["name"]: r["id"] for r in reference["tag-types"]}

        # Customers and their children.
        self.customer_count = max(int(jobs * 0.4), 40)
        self.customers = Timeline(
            self.anchor - 5 * 365 * US_PER_DAY,
            self.anchor - US_PER_HOUR,
            self.customer_count,
            mix(self.seed, salt("customers")),
        )
        second, email, mobile = (
            salt("second-location"),
            salt("contact-count"),
            salt("contact-mobile"),
        )
        self.customer_locations = Offsets(
            2 if unit(self.seed, second, c) < 0.12 else 1 for c in range(self.customer_count)
        )
        self.customer_contacts = Offsets(
            1 + (unit(self.seed, email, c) < 0.85) + (unit(self.seed, mobile, c) < 0.35)
            for c in range(self.customer_count)
        )
        per_location = salt("location-contact-count")
        self.location_contacts = Offsets(
            int(unit(self.seed, per_location, loc) * 2.2)
            for loc in range(self.customer_locations.total)
        )
        self._territories: dict[int, catalog.Territory] = {}
        self._keys: dict[str, int] = {}
        #: Static parts of rendered records (e.g. an invoice line's SKU fields), by generator.
        self.memo: dict[object, Any] = {}

        # Jobs and everything that hangs off them.
        self.job_count = jobs
        self.jobs = Timeline(
            self.anchor - 548 * US_PER_DAY,
            self.anchor - US_PER_HOUR,
            jobs,
            mix(self.seed, salt("jobs")),
        )
        self._plan_context = PlanContext(
            seed=self.seed,
            anchor=self.anchor,
            jobs=self.jobs,
            customers=self.customers,
            customer_locations=self._locations_of_customer,
            territory_of_location=self.territory_of_location,
            techs_by_business_unit=self.techs_by_business_unit,
            technician_count=len(reference["technicians"]),
            packages=build_packages(self.seed, min(96, max(16, jobs // 20))),
        )
        self.plans: list[JobPlan] = [build_plan(self._plan_context, j) for j in range(jobs)]
        self._layout_jobs()

        self.lead_count = max(int(jobs * 0.15), 10)
        self.booking_count = max(int(jobs * 0.08), 6)
        self.agreement_count = max(int(self.customer_count * 0.12), 5)
        recent = self.anchor - 548 * US_PER_DAY
        self.leads = Timeline(
            recent, self.anchor - US_PER_HOUR, self.lead_count, mix(self.seed, salt("leads"))
        )
        self.bookings = Timeline(
            recent, self.anchor - US_PER_HOUR, self.booking_count, mix(self.seed, salt("bookings"))
        )
        self.agreements = Timeline(
            self.anchor - 3 * 365 * US_PER_DAY,
            self.anchor - US_PER_HOUR,
            self.agreement_count,
            mix(self.seed, salt("service-agreements")),
        )
        self.collections = self._collections()

    # --- layout -------------------------------------------------------------------------------

    def shared(self, kind: str, parts: object, variant: object, make: Callable[[], T]) -> T:
        """``make()`` once per (kind, the ``parts`` object, variant): for what many records
        build from one shared tuple (plans share their package's lines). Keyed by identity,
        which is cheap; ``parts`` is kept with the value, so its id cannot be reused."""
        key = (kind, id(parts), variant)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = (parts, make())
        value: T = found[1]
        return value

    def plan(self, index: int) -> JobPlan:
        return self.plans[index]

    def _layout_jobs(self) -> None:
        visits: list[int] = []
        crew: list[int] = []
        lines: list[int] = []
        estimates: list[int] = []
        estimate_lines: list[int] = []
        equipment: list[int] = []
        forms: list[int] = []
        attachments: list[int] = []
        payments: list[int] = []
        projects: list[int] = []
        cancels: list[int] = []
        notes: list[int] = []
        bills: list[int] = []
        for p in self.plans:
            notes.append(activity.job_note_count(p))
            bills.append(activity.bills_of(p))
            visits.append(len(p.visits))
            crew.extend([len(p.technicians)] * len(p.visits))
            estimates.append(len(p.estimates))
            estimate_lines.extend(len(option.lines) for option in p.estimates)
            payments.append(1 if p.paid else 0)
            projects.append(1 if p.project else 0)
            cancels.append(1 if p.cancel_reason is not None else 0)
            if p.status == "Completed":
                lines.append(len(p.package.lines))
                equipment.append(len(p.equipment))
                forms.append(len(p.forms))
                attachments.append(p.attachment_count())
            else:
                lines.append(0)
                equipment.append(0)
                forms.append(0)
                attachments.append(0)
        self.job_visits = Offsets(visits)
        self.visit_assignments = Offsets(crew)
        self.invoice_lines = Offsets(lines)
        self.job_estimates = Offsets(estimates)
        self.estimate_lines = Offsets(estimate_lines)
        self.job_equipment = Offsets(equipment)
        self.job_forms = Offsets(forms)
        self.job_attachments = Offsets(attachments)
        self.job_payments = Offsets(payments)
        self.job_projects = Offsets(projects)
        self.job_cancels = Offsets(cancels)
        self.job_notes = Offsets(notes)
        self.job_bills = Offsets(bills)
        #: Every project has its kickoff note and its rebate-paperwork note.
        self.project_notes = Offsets([2] * self.job_projects.total)

    def _locations_of_customer(self, customer: int) -> tuple[int, int]:
        span = self.customer_locations.range_of(customer)
        return span.start, len(span)

    def territory_of_location(self, location: int) -> catalog.Territory:
        found = self._territories.get(location)
        if found is None:
            found = territory(Rng(self.seed, _TERRITORY_SALT, location))
            self._territories[location] = found
        return found

    # --- helpers for generators ---------------------------------------------------------------

    def _key(self, resource: str) -> int:
        key = self._keys.get(resource)
        if key is None:
            key = self._keys[resource] = mix(self.seed, salt(resource))
        return key

    def rng(self, resource: str, index: int) -> Rng:
        """Record ``index``'s private random stream."""
        return Rng.keyed(self._key(resource), index)

    def imperfect(self, resource: str, index: int) -> Rng | None:
        """A stream for blemishes if this record is one of the imperfect share, else None."""
        if self.imperfect_share <= 0:
            return None
        key = self._key("imperfect:" + resource)
        if (splitmix((key + index * GOLDEN) & MASK64) >> 11) * _INV_2_53 >= self.imperfect_share:
            return None
        return Rng.keyed(key ^ _IMPERFECT_SALT, index)

    @staticmethod
    def id_of(resource: str, index: int) -> int:
        return ID_BASES[resource] + index + 1

    def job_time(self, job: int, resource: str) -> int:
        return self.jobs.at(job) + CHILD_OFFSETS_US[resource]

    def modified(self, resource: str, index: int) -> int:
        """The base ``modifiedOn`` of a record (the collection's layout is the one truth)."""
        return self.collections[resource].modified_at(index)

    def customer_time(self, customer: int) -> int:
        return self.customers.at(customer)

    def customer_of_location(self, location: int) -> tuple[int, int]:
        return self.customer_locations.parent_of(location)

    def technician(self, index: int) -> Record:
        return self.reference["technicians"][index]

    def employee_id(self, rng: Rng) -> int:
        employees = self.reference["employees"]
        return int(employees[rng.below(min(len(employees), 6))]["id"])

    # --- collections --------------------------------------------------------------------------

    def _collections(self) -> dict[str, Collection]:
        from integrations.servicetitan.simulator.data import (
            accounting,
            agreements,
            crm,
            documents,
            jobs,
            sales,
        )

        collections: dict[str, Collection] = {
            name: EagerCollection(name, records) for name, records in self.reference.items()
        }

        def lazy(
            name: str,
            count: int,
            modified_at: Callable[[int], int],
            make: Callable[[int], Record],
            row_spec: RowSpec | None = None,
        ) -> None:
            collections[name] = LazyCollection(
                name, count, ID_BASES[name], modified_at, make, row_spec
            )

        def by_job(name: str, offsets: Offsets) -> Callable[[int], int]:
            step = 1_000

            def modified_at(index: int) -> int:
                job, k = offsets.parent_of(index)
                return self.job_time(job, name) + k * step

            return modified_at

        def by_customer(name: str, offsets: Offsets | None) -> Callable[[int], int]:
            offset = CUSTOMER_CHILD_OFFSETS_US[name]

            def modified_at(index: int) -> int:
                if offsets is None:
                    return self.customer_time(index) + offset
                customer, k = offsets.parent_of(index)
                return self.customer_time(customer) + offset + k * 1_000

            return modified_at

        lazy(
            "customers",
            self.customer_count,
            self.customer_time,
            functools.partial(crm.customer, self),
        )
        lazy(
            "locations",
            self.customer_locations.total,
            by_customer("locations", self.customer_locations),
            functools.partial(crm.location, self),
        )
        lazy(
            "customer-contacts",
            self.customer_contacts.total,
            by_customer("customer-contacts", self.customer_contacts),
            functools.partial(crm.customer_contact, self),
        )

        def location_contact_time(index: int) -> int:
            location, k = self.location_contacts.parent_of(index)
            customer, nth = self.customer_locations.parent_of(location)
            offset = CUSTOMER_CHILD_OFFSETS_US["location-contacts"]
            return self.customer_time(customer) + offset + nth * 1_000 + k * 100

        lazy(
            "location-contacts",
            self.location_contacts.total,
            location_contact_time,
            functools.partial(crm.location_contact, self),
        )
        self.contact_prefix = guid_prefix(self.seed, "contacts")
        self.contact_method_prefix = guid_prefix(self.seed, "contact-methods")
        collections["contacts"] = GuidCollection(
            "contacts",
            self.customer_count,
            self.contact_prefix,
            by_customer("contacts", None),
            functools.partial(crm.contact, self),
        )
        collections["contact-methods"] = GuidCollection(
            "contact-methods",
            self.customer_contacts.total,
            self.contact_method_prefix,
            by_customer("contact-methods", self.customer_contacts),
            functools.partial(crm.contact_method, self),
        )
        lazy("leads", self.lead_count, self.leads.at, functools.partial(crm.lead, self))
        lazy("bookings", self.booking_count, self.bookings.at, functools.partial(crm.booking, self))

        lazy(
            "jobs",
            self.job_count,
            self.jobs.at,
            functools.partial(jobs.job, self),
            jobs.job_rows(self),
        )
        lazy(
            "appointments",
            self.job_visits.total,
            by_job("appointments", self.job_visits),
            functools.partial(jobs.appointment, self),
            jobs.appointment_rows(self),
        )

        def assignment_time(index: int) -> int:
            visit, k = self.visit_assignments.parent_of(index)
            job, v = self.job_visits.parent_of(visit)
            return self.job_time(job, "appointment-assignments") + v * 1_000 + k * 100

        lazy(
            "appointment-assignments",
            self.visit_assignments.total,
            assignment_time,
            functools.partial(jobs.assignment, self),
        )
        lazy(
            "projects",
            self.job_projects.total,
            by_job("projects", self.job_projects),
            functools.partial(jobs.project, self),
        )
        lazy(
            "job-canceled-logs",
            self.job_cancels.total,
            by_job("job-canceled-logs", self.job_cancels),
            functools.partial(jobs.canceled_log, self),
        )
        lazy(
            "invoices",
            self.job_count,
            lambda j: self.job_time(j, "invoices"),
            functools.partial(accounting.invoice, self),
            accounting.invoice_rows(self),
        )
        lazy(
            "invoice-items",
            self.invoice_lines.total,
            by_job("invoice-items", self.invoice_lines),
            functools.partial(accounting.invoice_item, self),
            accounting.invoice_item_rows(self),
        )
        lazy(
            "payments",
            self.job_payments.total,
            by_job("payments", self.job_payments),
            functools.partial(accounting.payment, self),
        )
        lazy(
            "estimates",
            self.job_estimates.total,
            by_job("estimates", self.job_estimates),
            functools.partial(sales.estimate, self),
            sales.estimate_rows(self),
        )

        def estimate_item_time(index: int) -> int:
            estimate, k = self.estimate_lines.parent_of(index)
            job, e = self.job_estimates.parent_of(estimate)
            return self.job_time(job, "estimate-items") + e * 60_000 + k * 1_000

        lazy(
            "estimate-items",
            self.estimate_lines.total,
            estimate_item_time,
            functools.partial(sales.estimate_item, self),
        )
        lazy(
            "installed-equipment",
            self.job_equipment.total,
            by_job("installed-equipment", self.job_equipment),
            functools.partial(documents.installed_equipment, self),
            documents.installed_equipment_rows(self),
        )
        lazy(
            "form-submissions",
            self.job_forms.total,
            by_job("form-submissions", self.job_forms),
            functools.partial(documents.form_submission, self),
        )
        lazy(
            "job-attachments",
            self.job_attachments.total,
            by_job("job-attachments", self.job_attachments),
            functools.partial(documents.job_attachment, self),
        )
        lazy(
            "job-notes",
            self.job_notes.total,
            by_job("job-notes", self.job_notes),
            functools.partial(activity.job_note, self),
        )

        def project_note_time(index: int) -> int:
            project, k = self.project_notes.parent_of(index)
            job, _ = self.job_projects.parent_of(project)
            return self.job_time(job, "project-notes") + k * 1_000

        lazy(
            "project-notes",
            self.project_notes.total,
            project_note_time,
            functools.partial(activity.project_note, self),
        )
        lazy(
            "job-history",
            self.job_count,
            lambda j: self.job_time(j, "job-history"),
            functools.partial(activity.job_history, self),
        )
        lazy(
            "inventory-bills",
            self.job_bills.total,
            by_job("inventory-bills", self.job_bills),
            functools.partial(activity.inventory_bill, self),
        )
        lazy(
            "service-agreements",
            self.agreement_count,
            self.agreements.at,
            functools.partial(agreements.service_agreement, self),
        )
        return collections
