"""What AutoFile mirrors from ServiceTitan: one declaration per resource.

Each Resource says how to read it (its Feed), how to map one record to mirror columns,
which foreign keys to resolve between mirrored rows, and how often to sync it. The sync
engine (sync.py) is generic; adding a resource is adding a declaration here.

Feed kinds:
- "export": ServiceTitan's export feed; the cursor is the continuation token.
- "list":   a list endpoint read in `modifiedOn` order from a watermark (the cursor), for
            resources without an export; rows at the watermark are re-read and
            de-duplicated, so nothing changed during the walk is skipped.
- "full":   small reference data without a usable modified filter: read whole each run.
- "per_job": read for the jobs that became packets only (attachments, form submissions).
            `{job_id}` in the path and in parameter values stands for the job's ServiceTitan
            id (Feed.for_job fills it in); rows that do not say their job get it stamped
            under `job_key` (ServiceTitan's job attachments carry no job id).

List and full feeds ask for `active=Any` where the endpoint has an `active` filter: list
endpoints hide inactive rows by default, so a deactivation would never reach the mirror.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from autofile.mirror import mappers
from autofile.mirror.models import (
    Appointment,
    AppointmentAssignment,
    ArrivalWindow,
    Booking,
    BookingProviderTag,
    BusinessUnit,
    Campaign,
    Contact,
    ContactMethod,
    Customer,
    CustomerContact,
    Employee,
    Estimate,
    EstimateItem,
    Form,
    FormSubmission,
    InstalledEquipment,
    Invoice,
    InvoiceItem,
    Job,
    JobAttachment,
    JobType,
    Lead,
    Location,
    LocationContact,
    MirrorRecord,
    Payment,
    PricebookCategory,
    PricebookDiscountFee,
    PricebookEquipment,
    PricebookMaterial,
    PricebookService,
    Project,
    ServiceAgreement,
    TagType,
    Technician,
    UserRole,
)

FeedKind = Literal["export", "list", "full", "per_job"]


@dataclass(frozen=True)
class Page:
    """Rows as ServiceTitan sent them, and the cursor that resumes right after them."""

    rows: list[Any]
    cursor: str
    more: bool = False  # ServiceTitan said more pages follow this one


@dataclass(frozen=True)
class Feed:
    kind: FeedKind
    module: str  # URL module segment: "crm", "jpm", "equipmentsystems", "sales", ...
    path: str  # resource path under /{module}/v2/tenant/{tenant}/, e.g. "jobs"
    export_path: str = ""  # for "export": defaults to f"export/{path}"
    params: Mapping[str, str] = field(default_factory=dict)  # fixed query parameters
    modified_param: str = "modifiedOnOrAfter"  # for "list": the watermark filter
    modified_field: str = "modifiedOn"  # for "list": the row field the watermark follows
    sort: str = "+ModifiedOn"  # for "list"
    job_key: str = "jobId"  # for "per_job": where a row lacking its job id gets it stamped

    @property
    def export(self) -> str:
        return self.export_path or f"export/{self.path}"

    def for_job(self, job_st_id: int) -> tuple[str, dict[str, str]]:
        """For "per_job": the path and parameters that read one job's rows."""
        return (
            self.path.replace("{job_id}", str(job_st_id)),
            {key: value.replace("{job_id}", str(job_st_id)) for key, value in self.params.items()},
        )


@dataclass(frozen=True)
class Link:
    """A foreign key between mirrored rows, resolved from a ServiceTitan id column."""

    fk_column: str  # e.g. "customer_id"
    st_column: str  # e.g. "customer_st_id"
    target: type[MirrorRecord]


@dataclass(frozen=True)
class Resource:
    name: str  # the API's resource path name, as the keys of the simulator's /_sim/state
    model: type[MirrorRecord]
    mapper: Callable[[dict[str, Any]], dict[str, Any]]
    feed: Feed
    links: tuple[Link, ...] = ()
    cadence: dt.timedelta = dt.timedelta(minutes=5)  # incremental sync interval

    @property
    def tenant_wide(self) -> bool:
        """Synced by the tenant-wide sync; a per-job resource follows the jobs of packets."""
        return self.feed.kind != "per_job"


MINUTE = dt.timedelta(minutes=1)
ANY: Mapping[str, str] = MappingProxyType({"active": "Any"})  # else lists hide inactive rows


RESOURCES: tuple[Resource, ...] = (
    # --- reference data: settings, marketing, dispatch, pricebook, the forms catalog
    Resource(
        name="tag-types",
        model=TagType,
        mapper=mappers.tag_type,
        feed=Feed("export", "settings", "tag-types"),
        cadence=15 * MINUTE,
    ),
    Resource(
        name="business-units",
        model=BusinessUnit,
        mapper=mappers.business_unit,
        feed=Feed("export", "settings", "business-units"),
        cadence=60 * MINUTE,
    ),
    Resource(
        name="user-roles",
        model=UserRole,
        mapper=mappers.user_role,
        feed=Feed("full", "settings", "user-roles", params=ANY),  # no modified filter
        cadence=60 * MINUTE,
    ),
    Resource(
        name="employees",
        model=Employee,
        mapper=mappers.employee,
        feed=Feed("export", "settings", "employees"),
        links=(Link("business_unit_id", "business_unit_st_id", BusinessUnit),),
        cadence=30 * MINUTE,
    ),
    Resource(
        name="technicians",
        model=Technician,
        mapper=mappers.technician,
        feed=Feed("export", "settings", "technicians"),
        links=(Link("business_unit_id", "business_unit_st_id", BusinessUnit),),
        cadence=15 * MINUTE,
    ),
    Resource(
        name="campaigns",
        model=Campaign,
        mapper=mappers.campaign,
        feed=Feed("list", "marketing", "campaigns", params=ANY),
        cadence=60 * MINUTE,
    ),
    Resource(
        name="job-types",
        model=JobType,
        mapper=mappers.job_type,
        # job types sort with orderBy/orderByDirection, not `sort`: read whole
        feed=Feed("full", "jpm", "job-types", params=ANY),
        cadence=60 * MINUTE,
    ),
    Resource(
        name="arrival-windows",
        model=ArrivalWindow,
        mapper=mappers.arrival_window,
        feed=Feed("full", "dispatch", "arrival-windows", params=ANY),  # no timestamps at all
        cadence=60 * MINUTE,
    ),
    Resource(
        name="categories",
        model=PricebookCategory,
        mapper=mappers.pricebook_category,
        feed=Feed("export", "pricebook", "categories"),
        links=(Link("parent_id", "parent_st_id", PricebookCategory),),
        cadence=60 * MINUTE,
    ),
    Resource(
        name="services",
        model=PricebookService,
        mapper=mappers.pricebook_service,
        feed=Feed("export", "pricebook", "services"),
        cadence=30 * MINUTE,
    ),
    Resource(
        name="equipment",
        model=PricebookEquipment,
        mapper=mappers.pricebook_equipment,
        feed=Feed("export", "pricebook", "equipment"),
        cadence=30 * MINUTE,
    ),
    Resource(
        name="materials",
        model=PricebookMaterial,
        mapper=mappers.pricebook_material,
        feed=Feed("export", "pricebook", "materials"),
        cadence=30 * MINUTE,
    ),
    Resource(
        name="discounts-and-fees",
        model=PricebookDiscountFee,
        mapper=mappers.pricebook_discount_fee,
        feed=Feed("list", "pricebook", "discounts-and-fees", params=ANY),
        cadence=60 * MINUTE,
    ),
    Resource(
        name="forms",
        model=Form,
        mapper=mappers.form,
        feed=Feed("list", "forms", "forms", params=ANY),
        cadence=60 * MINUTE,
    ),
    Resource(
        name="booking-provider-tags",
        model=BookingProviderTag,
        mapper=mappers.booking_provider_tag,
        feed=Feed("list", "crm", "booking-provider-tags"),
        cadence=60 * MINUTE,
    ),
    # --- customers, where they live and how to reach them
    Resource(
        name="customers",
        model=Customer,
        mapper=mappers.customer,
        feed=Feed("export", "crm", "customers"),
        cadence=MINUTE,
    ),
    Resource(
        name="customer-contacts",
        model=CustomerContact,
        mapper=mappers.customer_contact,
        feed=Feed("export", "crm", "customers/contacts"),
        links=(Link("customer_id", "customer_st_id", Customer),),
        cadence=2 * MINUTE,
    ),
    Resource(
        name="locations",
        model=Location,
        mapper=mappers.location,
        feed=Feed("export", "crm", "locations"),
        links=(Link("customer_id", "customer_st_id", Customer),),
        cadence=2 * MINUTE,
    ),
    Resource(
        name="location-contacts",
        model=LocationContact,
        mapper=mappers.location_contact,
        feed=Feed("export", "crm", "locations/contacts"),
        links=(Link("location_id", "location_st_id", Location),),
        cadence=2 * MINUTE,
    ),
    Resource(
        name="contacts",
        model=Contact,
        mapper=mappers.contact,
        feed=Feed("list", "crm", "contacts"),
        cadence=5 * MINUTE,
    ),
    Resource(
        name="contact-methods",
        model=ContactMethod,
        mapper=mappers.contact_method,
        feed=Feed("list", "crm", "contacts/contact-methods"),
        links=(Link("contact_id", "contact_st_id", Contact),),
        cadence=5 * MINUTE,
    ),
    Resource(
        name="leads",
        model=Lead,
        mapper=mappers.lead,
        feed=Feed("export", "crm", "leads"),
        links=(
            Link("customer_id", "customer_st_id", Customer),
            Link("location_id", "location_st_id", Location),
            Link("business_unit_id", "business_unit_st_id", BusinessUnit),
            Link("job_type_id", "job_type_st_id", JobType),
            Link("campaign_id", "campaign_st_id", Campaign),
        ),
        cadence=5 * MINUTE,
    ),
    # --- jobs and their visits
    Resource(
        name="projects",
        model=Project,
        mapper=mappers.project,
        feed=Feed("export", "jpm", "projects"),
        links=(
            Link("customer_id", "customer_st_id", Customer),
            Link("location_id", "location_st_id", Location),
        ),
        cadence=5 * MINUTE,
    ),
    Resource(
        name="jobs",
        model=Job,
        mapper=mappers.job,
        feed=Feed("export", "jpm", "jobs"),
        links=(
            Link("customer_id", "customer_st_id", Customer),
            Link("location_id", "location_st_id", Location),
            Link("business_unit_id", "business_unit_st_id", BusinessUnit),
            Link("job_type_id", "job_type_st_id", JobType),
            Link("campaign_id", "campaign_st_id", Campaign),
            Link("project_id", "project_st_id", Project),
        ),
        cadence=dt.timedelta(seconds=0),  # every beat tick: tagged jobs become packets fast
    ),
    Resource(
        name="bookings",
        model=Booking,
        mapper=mappers.booking,
        feed=Feed("export", "crm", "bookings"),
        links=(
            Link("booking_provider_id", "booking_provider_st_id", BookingProviderTag),
            Link("job_id", "job_st_id", Job),
            Link("business_unit_id", "business_unit_st_id", BusinessUnit),
            Link("job_type_id", "job_type_st_id", JobType),
            Link("campaign_id", "campaign_st_id", Campaign),
        ),
        cadence=5 * MINUTE,
    ),
    Resource(
        name="appointments",
        model=Appointment,
        mapper=mappers.appointment,
        feed=Feed("export", "jpm", "appointments"),
        links=(
            Link("job_id", "job_st_id", Job),
            Link("customer_id", "customer_st_id", Customer),
        ),
        cadence=MINUTE,
    ),
    Resource(
        name="appointment-assignments",
        model=AppointmentAssignment,
        mapper=mappers.appointment_assignment,
        feed=Feed("export", "dispatch", "appointment-assignments"),
        links=(
            Link("appointment_id", "appointment_st_id", Appointment),
            Link("job_id", "job_st_id", Job),
            Link("technician_id", "technician_st_id", Technician),
        ),
        cadence=MINUTE,
    ),
    # --- what was billed, paid and sold
    Resource(
        name="invoices",
        model=Invoice,
        mapper=mappers.invoice,
        feed=Feed("export", "accounting", "invoices"),
        links=(
            Link("job_id", "job_st_id", Job),
            Link("customer_id", "customer_st_id", Customer),
            Link("location_id", "location_st_id", Location),
            Link("business_unit_id", "business_unit_st_id", BusinessUnit),
        ),
        cadence=MINUTE,
    ),
    Resource(
        name="invoice-items",
        model=InvoiceItem,
        mapper=mappers.invoice_item,
        feed=Feed("export", "accounting", "invoice-items"),
        links=(Link("invoice_id", "invoice_st_id", Invoice),),
        cadence=MINUTE,
    ),
    Resource(
        name="payments",
        model=Payment,
        mapper=mappers.payment,
        feed=Feed("export", "accounting", "payments"),
        links=(Link("customer_id", "customer_st_id", Customer),),
        cadence=5 * MINUTE,
    ),
    Resource(
        name="estimates",
        model=Estimate,
        mapper=mappers.estimate,
        feed=Feed("export", "sales", "estimates"),
        links=(
            Link("job_id", "job_st_id", Job),
            Link("customer_id", "customer_st_id", Customer),
            Link("location_id", "location_st_id", Location),
            Link("business_unit_id", "business_unit_st_id", BusinessUnit),
        ),
        cadence=2 * MINUTE,
    ),
    Resource(
        name="estimate-items",
        model=EstimateItem,
        mapper=mappers.estimate_item,
        feed=Feed("list", "sales", "estimates/items", params=ANY),
        links=(Link("estimate_id", "estimate_st_id", Estimate),),
        cadence=2 * MINUTE,
    ),
    # --- what was installed, the agreements covering it, and the paperwork
    Resource(
        name="installed-equipment",
        model=InstalledEquipment,
        mapper=mappers.installed_equipment,
        feed=Feed("export", "equipmentsystems", "installed-equipment"),
        links=(
            Link("location_id", "location_st_id", Location),
            Link("customer_id", "customer_st_id", Customer),
            Link("equipment_id", "equipment_st_id", PricebookEquipment),
            Link("invoice_item_id", "invoice_item_st_id", InvoiceItem),
        ),
        cadence=2 * MINUTE,
    ),
    Resource(
        name="service-agreements",
        model=ServiceAgreement,
        mapper=mappers.service_agreement,
        feed=Feed("export", "service-agreements", "service-agreements"),
        links=(
            Link("customer_id", "customer_st_id", Customer),
            Link("business_unit_id", "business_unit_st_id", BusinessUnit),
        ),
        cadence=15 * MINUTE,
    ),
    Resource(
        name="form-submissions",
        model=FormSubmission,
        mapper=mappers.form_submission,
        feed=Feed(
            "per_job",
            "forms",
            "submissions",
            params={
                "owners[0].type": "Job",
                "owners[0].id": "{job_id}",
                "status": "Any",
                "active": "Any",
            },
        ),
        links=(Link("form_id", "form_st_id", Form), Link("job_id", "job_st_id", Job)),
        cadence=5 * MINUTE,
    ),
    Resource(
        name="job-attachments",
        model=JobAttachment,
        mapper=mappers.job_attachment,
        feed=Feed("per_job", "forms", "jobs/{job_id}/attachments"),
        links=(Link("job_id", "job_st_id", Job),),
        cadence=5 * MINUTE,
    ),
)

BY_NAME: dict[str, Resource] = {resource.name: resource for resource in RESOURCES}
#: The resources the tenant-wide sync reads, in sync order.
TENANT_WIDE: tuple[Resource, ...] = tuple(r for r in RESOURCES if r.tenant_wide)


def links_into(model: type[MirrorRecord]) -> list[tuple[type[MirrorRecord], Link]]:
    """The (source model, link) pairs whose foreign key points at `model`."""
    return [(r.model, link) for r in RESOURCES for link in r.links if link.target is model]
