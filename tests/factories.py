"""factory_boy factories, one per model; fixtures in conftest.py compose them.

The tenancy test builds one object of every organization-owned model through these
factories, so every new model needs a factory here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, TypeVar

import factory
from django.utils import timezone

from autofile.accounts.models import Invitation, Membership, Organization, Role, User
from autofile.api.models import ApiToken
from autofile.filing.models import FilingDocument, ReconciliationImport, SubmissionBatch
from autofile.mirror.models import (
    Appointment,
    AppointmentAssignment,
    ArrivalWindow,
    Booking,
    BookingProviderTag,
    BusinessUnit,
    Campaign,
    Connection,
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
    QuarantinedRecord,
    ServiceAgreement,
    SyncRun,
    SyncState,
    TagType,
    Technician,
    UserRole,
)
from autofile.outreach.models import HomeownerRequest
from autofile.packets.models import (
    EligibilityCheck,
    Finding,
    ImportRule,
    KickbackReason,
    Packet,
    PacketDocument,
    PacketEvent,
    ProgramMeasure,
    ProgramRequirement,
    RebateProgram,
)
from autofile.review.models import Correction, DeliveryStatus, Operation, TargetType
from autofile.writeback.models import OutboxAttempt, OutboxKind, OutboxMessage

M = TypeVar("M", bound=MirrorRecord)

PASSWORD = "correct horse battery staple"


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Contractor {n}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    password = factory.django.Password(PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.QA


class InvitationFactory(factory.django.DjangoModelFactory[Invitation]):
    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.QA
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


class ConnectionFactory(factory.django.DjangoModelFactory[Connection]):
    class Meta:
        model = Connection

    organization = factory.SubFactory(OrganizationFactory)
    name = "ServiceTitan"
    environment = Connection.Environment.CUSTOM
    base_url = "http://sim"
    tenant_id = factory.Sequence(lambda n: 1000 + n)
    app_key = "sim-app-key"
    client_id = "sim-client-id"
    client_secret = "sim-client-secret"


class MirrorFactory(factory.django.DjangoModelFactory[M]):
    class Meta:
        abstract = True

    connection = factory.SubFactory(ConnectionFactory)
    organization = factory.SelfAttribute("connection.organization")
    st_id = factory.Sequence(lambda n: 50_000 + n)
    st_modified_on = factory.LazyFunction(timezone.now)
    synced_at = factory.LazyFunction(timezone.now)
    raw = factory.LazyAttribute(lambda o: {"id": o.st_id})


class TagTypeFactory(MirrorFactory[TagType]):
    class Meta:
        model = TagType

    name = factory.Sequence(lambda n: f"Tag {n}")


class CustomerFactory(MirrorFactory[Customer]):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n}")
    customer_type = "Residential"
    street = "100 Main St"
    city = "Dallas"
    state = "TX"
    zip = "75201"


class JobFactory(MirrorFactory[Job]):
    class Meta:
        model = Job

    job_number = factory.Sequence(lambda n: f"J{10_000 + n}")
    customer = factory.SubFactory(CustomerFactory, connection=factory.SelfAttribute("..connection"))
    customer_st_id = factory.SelfAttribute("customer.st_id")
    job_status = "Completed"
    completed_on = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
    tag_type_ids: Any = factory.LazyFunction(list)


class RebateProgramFactory(factory.django.DjangoModelFactory[RebateProgram]):
    class Meta:
        model = RebateProgram

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Heat pump rebate {n}")
    sponsor = "Oncor"
    sponsor_type = RebateProgram.Sponsor.UTILITY


class ImportRuleFactory(factory.django.DjangoModelFactory[ImportRule]):
    class Meta:
        model = ImportRule

    connection = factory.SubFactory(ConnectionFactory)
    organization = factory.SelfAttribute("connection.organization")
    program = factory.SubFactory(
        RebateProgramFactory, organization=factory.SelfAttribute("..organization")
    )
    name = factory.Sequence(lambda n: f"Tagged Rebate Needed {n}")
    tag_type_ids: Any = factory.LazyFunction(lambda: [1])
    is_active = True


class PacketFactory(factory.django.DjangoModelFactory[Packet]):
    class Meta:
        model = Packet

    job = factory.SubFactory(JobFactory)
    organization = factory.SelfAttribute("job.organization")
    program = factory.SubFactory(
        RebateProgramFactory, organization=factory.SelfAttribute("..organization")
    )


class _ProgramRowFactory(factory.django.DjangoModelFactory[Any]):
    """A row of a program (measure, requirement, check, kickback reason)."""

    class Meta:
        abstract = True

    organization = factory.SubFactory(OrganizationFactory)
    program = factory.SubFactory(
        RebateProgramFactory, organization=factory.SelfAttribute("..organization")
    )


class ProgramMeasureFactory(_ProgramRowFactory):
    class Meta:
        model = ProgramMeasure

    name = "Ducted heat pump, SEER2 ≥ 16"
    equipment_type = "Heat Pump"
    rating = "SEER2"
    minimum = Decimal("16")
    amount = Decimal("500.00")


class ProgramRequirementFactory(_ProgramRowFactory):
    class Meta:
        model = ProgramRequirement

    kind = ProgramRequirement.Kind.EQUIPMENT_SERIAL
    label = "Serial number of each unit"


class EligibilityCheckFactory(_ProgramRowFactory):
    class Meta:
        model = EligibilityCheck

    kind = EligibilityCheck.Kind.INVOICE_PAID
    label = "Invoice paid in full"


class KickbackReasonFactory(_ProgramRowFactory):
    class Meta:
        model = KickbackReason

    code = factory.Sequence(lambda n: f"REASON{n}")
    label = "Nameplate photo illegible"


def _packet_in(o: Any) -> Packet:
    connection = ConnectionFactory.create(organization=o.organization)
    return PacketFactory.create(job=JobFactory.create(connection=connection))


class FindingFactory(factory.django.DjangoModelFactory[Finding]):
    class Meta:
        model = Finding

    organization = factory.SubFactory(OrganizationFactory)
    packet = factory.LazyAttribute(_packet_in)
    code = "equipment_serial_number_missing"
    severity = "error"
    message = "Missing serial number on unit 1 (Heat Pump: Carrier 25VNA036A003)."
    subject = "equipment"


class PacketEventFactory(factory.django.DjangoModelFactory[PacketEvent]):
    class Meta:
        model = PacketEvent

    organization = factory.SubFactory(OrganizationFactory)
    packet = factory.LazyAttribute(_packet_in)
    action = PacketEvent.Action.START_REVIEW
    from_status = "new"
    to_status = "in_review"


class SyncStateFactory(factory.django.DjangoModelFactory[SyncState]):
    class Meta:
        model = SyncState

    connection = factory.SubFactory(ConnectionFactory)
    organization = factory.SelfAttribute("connection.organization")
    resource = "jobs"


class SyncRunFactory(factory.django.DjangoModelFactory[SyncRun]):
    class Meta:
        model = SyncRun

    connection = factory.SubFactory(ConnectionFactory)
    organization = factory.SelfAttribute("connection.organization")
    resource = "jobs"


class QuarantinedRecordFactory(factory.django.DjangoModelFactory[QuarantinedRecord]):
    class Meta:
        model = QuarantinedRecord

    connection = factory.SubFactory(ConnectionFactory)
    organization = factory.SelfAttribute("connection.organization")
    resource = "jobs"
    reason = "id is not an integer"
    payload = factory.LazyFunction(lambda: {"id": "x"})


# --- mirror tables


def _same_connection(factory_class: Any) -> Any:
    """A SubFactory for a referenced mirror row of the same connection."""
    return factory.SubFactory(factory_class, connection=factory.SelfAttribute("..connection"))


class BusinessUnitFactory(MirrorFactory[BusinessUnit]):
    class Meta:
        model = BusinessUnit

    name = factory.Sequence(lambda n: f"HVAC Install {n}")


class UserRoleFactory(MirrorFactory[UserRole]):
    class Meta:
        model = UserRole

    name = factory.Sequence(lambda n: f"Role {n}")
    employee_type = "Technician"


class EmployeeFactory(MirrorFactory[Employee]):
    class Meta:
        model = Employee

    name = factory.Sequence(lambda n: f"Office Person {n}")
    role = "Dispatch"


class TechnicianFactory(MirrorFactory[Technician]):
    class Meta:
        model = Technician

    name = factory.Sequence(lambda n: f"Tech {n}")


class CampaignFactory(MirrorFactory[Campaign]):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")


class JobTypeFactory(MirrorFactory[JobType]):
    class Meta:
        model = JobType

    name = factory.Sequence(lambda n: f"Heat Pump Install {n}")


class ArrivalWindowFactory(MirrorFactory[ArrivalWindow]):
    class Meta:
        model = ArrivalWindow

    start = dt.time(8, 0)
    duration = dt.timedelta(hours=2)


class PricebookCategoryFactory(MirrorFactory[PricebookCategory]):
    class Meta:
        model = PricebookCategory

    name = factory.Sequence(lambda n: f"Category {n}")
    category_type = "Services"


class PricebookServiceFactory(MirrorFactory[PricebookService]):
    class Meta:
        model = PricebookService

    code = factory.Sequence(lambda n: f"SVC-{n}")
    display_name = "Heat Pump Installation Labor"
    price = Decimal("1500.00")


class PricebookEquipmentFactory(MirrorFactory[PricebookEquipment]):
    class Meta:
        model = PricebookEquipment

    code = factory.Sequence(lambda n: f"HP-{n}")
    display_name = "Carrier Infinity 24 Heat Pump 3 Ton"
    manufacturer = "Carrier"
    model = "25VNA036A003"
    efficiency_ratings: Any = factory.LazyFunction(lambda: {"SEER2": "21.0", "HSPF2": "9.5"})
    price = Decimal("9800.00")


class PricebookMaterialFactory(MirrorFactory[PricebookMaterial]):
    class Meta:
        model = PricebookMaterial

    code = factory.Sequence(lambda n: f"MAT-{n}")
    display_name = "Line Set 3/8 x 3/4 25 ft"


class PricebookDiscountFeeFactory(MirrorFactory[PricebookDiscountFee]):
    class Meta:
        model = PricebookDiscountFee

    code = factory.Sequence(lambda n: f"FEE-{n}")
    fee_type = "Fee"
    amount_type = "Fixed"
    amount = Decimal("150.00")


class FormFactory(MirrorFactory[Form]):
    class Meta:
        model = Form

    name = factory.Sequence(lambda n: f"Install Checklist {n}")
    published = True


class BookingProviderTagFactory(MirrorFactory[BookingProviderTag]):
    class Meta:
        model = BookingProviderTag

    tag_name = factory.Sequence(lambda n: f"Website Scheduler {n}")


class LocationFactory(MirrorFactory[Location]):
    class Meta:
        model = Location

    customer = _same_connection(CustomerFactory)
    customer_st_id = factory.SelfAttribute("customer.st_id")
    name = "Primary Residence"
    street = factory.Sequence(lambda n: f"{100 + n} Main St")
    city = "Dallas"
    state = "TX"
    zip = "75201"


class CustomerContactFactory(MirrorFactory[CustomerContact]):
    class Meta:
        model = CustomerContact

    customer = _same_connection(CustomerFactory)
    customer_st_id = factory.SelfAttribute("customer.st_id")
    contact_type = "Email"
    value = factory.Sequence(lambda n: f"homeowner{n}@example.com")


class LocationContactFactory(MirrorFactory[LocationContact]):
    class Meta:
        model = LocationContact

    location = _same_connection(LocationFactory)
    location_st_id = factory.SelfAttribute("location.st_id")
    contact_type = "Phone"
    value = "2145550100"


class ContactFactory(MirrorFactory[Contact]):
    class Meta:
        model = Contact

    st_id: Any = factory.LazyFunction(uuid.uuid4)
    raw = factory.LazyAttribute(lambda o: {"id": str(o.st_id)})
    name = factory.Sequence(lambda n: f"Contact {n}")


class ContactMethodFactory(MirrorFactory[ContactMethod]):
    class Meta:
        model = ContactMethod

    st_id: Any = factory.LazyFunction(uuid.uuid4)
    raw = factory.LazyAttribute(lambda o: {"id": str(o.st_id)})
    contact = _same_connection(ContactFactory)
    contact_st_id = factory.SelfAttribute("contact.st_id")
    contact_type = "Email"
    value = factory.Sequence(lambda n: f"contact{n}@example.com")


class LeadFactory(MirrorFactory[Lead]):
    class Meta:
        model = Lead

    customer = _same_connection(CustomerFactory)
    customer_st_id = factory.SelfAttribute("customer.st_id")
    status = "Open"
    priority = "Normal"


class ProjectFactory(MirrorFactory[Project]):
    class Meta:
        model = Project

    number = factory.Sequence(lambda n: f"P-{4000 + n}")
    name = "Whole-home electrification"
    status = "In Progress"


class BookingFactory(MirrorFactory[Booking]):
    class Meta:
        model = Booking

    name = factory.Sequence(lambda n: f"Booking {n}")
    source = "Website Scheduler"
    status = "New"


class AppointmentFactory(MirrorFactory[Appointment]):
    class Meta:
        model = Appointment

    job = _same_connection(JobFactory)
    job_st_id = factory.SelfAttribute("job.st_id")
    appointment_number = factory.LazyAttribute(lambda o: f"{o.job.job_number}-1")
    start = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=2))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=4))
    arrival_window_start = factory.SelfAttribute("start")
    arrival_window_end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=2))
    status = "Scheduled"


class AppointmentAssignmentFactory(MirrorFactory[AppointmentAssignment]):
    class Meta:
        model = AppointmentAssignment

    appointment = _same_connection(AppointmentFactory)
    appointment_st_id = factory.SelfAttribute("appointment.st_id")
    job_st_id = factory.SelfAttribute("appointment.job_st_id")
    technician = _same_connection(TechnicianFactory)
    technician_st_id = factory.SelfAttribute("technician.st_id")
    technician_name = factory.SelfAttribute("technician.name")
    status = "Scheduled"


class InvoiceFactory(MirrorFactory[Invoice]):
    class Meta:
        model = Invoice

    job = _same_connection(JobFactory)
    job_st_id = factory.SelfAttribute("job.st_id")
    reference_number = factory.SelfAttribute("job.job_number")
    invoice_date = factory.LazyFunction(timezone.now)
    sub_total = Decimal("10000.00")
    sales_tax = Decimal("0.00")
    total = Decimal("10000.00")
    balance = Decimal("0.00")


class InvoiceItemFactory(MirrorFactory[InvoiceItem]):
    class Meta:
        model = InvoiceItem

    invoice = _same_connection(InvoiceFactory)
    invoice_st_id = factory.SelfAttribute("invoice.st_id")
    sku_st_id = 11_001
    sku_name = "HP-CAR-25VNA036"
    item_type = "Equipment"
    quantity = Decimal("1.0000")
    unit_price = Decimal("10000.00")
    total = Decimal("10000.00")


class PaymentFactory(MirrorFactory[Payment]):
    class Meta:
        model = Payment

    total = Decimal("10000.00")
    paid_on = factory.LazyFunction(timezone.now)


class EstimateFactory(MirrorFactory[Estimate]):
    class Meta:
        model = Estimate

    job = _same_connection(JobFactory)
    job_st_id = factory.SelfAttribute("job.st_id")
    name = "Best: Carrier Infinity 24 Heat Pump"
    status = "Sold"


class EstimateItemFactory(MirrorFactory[EstimateItem]):
    class Meta:
        model = EstimateItem

    estimate = _same_connection(EstimateFactory)
    estimate_st_id = factory.SelfAttribute("estimate.st_id")
    sku_st_id = 11_001
    sku_type = "Equipment"
    quantity = Decimal("1.0000")


class InstalledEquipmentFactory(MirrorFactory[InstalledEquipment]):
    class Meta:
        model = InstalledEquipment

    location = _same_connection(LocationFactory)
    location_st_id = factory.SelfAttribute("location.st_id")
    name = "Carrier Infinity 24 Heat Pump 3 Ton"
    manufacturer = "Carrier"
    model = "25VNA036A003"
    serial_number = factory.Sequence(lambda n: f"2521E{10_000 + n}")
    installed_on = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
    status = "Installed"


class ServiceAgreementFactory(MirrorFactory[ServiceAgreement]):
    class Meta:
        model = ServiceAgreement

    name = "Comfort Club"
    status = "Activated"


class FormSubmissionFactory(MirrorFactory[FormSubmission]):
    class Meta:
        model = FormSubmission

    form = _same_connection(FormFactory)
    form_st_id = factory.SelfAttribute("form.st_id")
    form_name = factory.SelfAttribute("form.name")
    job = _same_connection(JobFactory)
    job_st_id = factory.SelfAttribute("job.st_id")
    submitted_on = factory.LazyFunction(timezone.now)
    status = "Completed"


class JobAttachmentFactory(MirrorFactory[JobAttachment]):
    class Meta:
        model = JobAttachment

    job = _same_connection(JobFactory)
    job_st_id = factory.SelfAttribute("job.st_id")
    file_name = factory.Sequence(lambda n: f"install-photo-{n}.jpg")
    content_type = "image/jpeg"
    created_on = factory.LazyFunction(timezone.now)


# --- corrections and the outbox


class OutboxMessageFactory(factory.django.DjangoModelFactory[OutboxMessage]):
    class Meta:
        model = OutboxMessage

    connection = factory.SubFactory(ConnectionFactory)
    organization = factory.SelfAttribute("connection.organization")
    kind = OutboxKind.CUSTOMER_UPDATE
    target_st_id = factory.Sequence(lambda n: 70_000 + n)
    target_key = factory.LazyAttribute(lambda o: f"customer:{o.target_st_id}")
    payload: Any = factory.LazyFunction(
        lambda: {
            "address": {
                "street": "200 Elm St",
                "unit": "",
                "city": "Dallas",
                "state": "TX",
                "zip": "75201",
                "country": "USA",
            }
        }
    )
    next_attempt_at = factory.LazyFunction(timezone.now)


class OutboxAttemptFactory(factory.django.DjangoModelFactory[OutboxAttempt]):
    class Meta:
        model = OutboxAttempt

    message = factory.SubFactory(OutboxMessageFactory)
    started_at = factory.LazyFunction(timezone.now)


class CorrectionFactory(factory.django.DjangoModelFactory[Correction]):
    class Meta:
        model = Correction

    connection = factory.SubFactory(ConnectionFactory)
    organization = factory.SelfAttribute("connection.organization")
    target_type = TargetType.CUSTOMER
    target_st_id = factory.SelfAttribute("outbox_message.target_st_id")
    operation = Operation.UPDATE
    fields: Any = factory.LazyFunction(lambda: ["street"])
    before: Any = factory.LazyFunction(lambda: {"street": "100 Main St"})
    after: Any = factory.LazyFunction(lambda: {"street": "200 Elm St"})
    reason = "Street was misspelled"
    delivery_status = DeliveryStatus.QUEUED
    outbox_message = factory.SubFactory(
        OutboxMessageFactory, connection=factory.SelfAttribute("..connection")
    )


class PacketDocumentFactory(factory.django.DjangoModelFactory[PacketDocument]):
    class Meta:
        model = PacketDocument

    organization = factory.SubFactory(OrganizationFactory)
    packet = factory.LazyAttribute(_packet_in)
    kind = PacketDocument.Kind.UTILITY_BILL
    name = "utility-bill.pdf"
    file = factory.django.FileField(filename="utility-bill.pdf", data=b"%PDF-1.4\n%%EOF\n")
    content_type = "application/pdf"
    size = 15
    sha256 = "0" * 64
    origin = "uploaded by the homeowner"


class HomeownerRequestFactory(factory.django.DjangoModelFactory[HomeownerRequest]):
    class Meta:
        model = HomeownerRequest

    organization = factory.SubFactory(OrganizationFactory)
    packet = factory.LazyAttribute(_packet_in)
    email = "homeowner@example.com"
    items: Any = factory.LazyFunction(lambda: ["utility_account"])
    token_nonce = factory.LazyFunction(lambda: uuid.uuid4().hex)
    token_hash = factory.LazyFunction(lambda: uuid.uuid4().hex + uuid.uuid4().hex)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    sent_at = factory.LazyFunction(timezone.now)


class FilingDocumentFactory(factory.django.DjangoModelFactory[FilingDocument]):
    class Meta:
        model = FilingDocument

    organization = factory.SubFactory(OrganizationFactory)
    packet = factory.LazyAttribute(_packet_in)
    file = factory.django.FileField(filename="filing-packet.pdf", data=b"%PDF-1.4\n%%EOF\n")
    size = 15
    page_count = 1
    built_at = factory.LazyFunction(timezone.now)
    checked_at = factory.LazyFunction(timezone.now)


# --- the API


class ApiTokenFactory(factory.django.DjangoModelFactory[ApiToken]):
    class Meta:
        model = ApiToken

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Robot {n}")
    scope = ApiToken.Scope.WRITE
    prefix = "af_test"
    key_hash = factory.Sequence(lambda n: f"{n:064x}")
    created_by = factory.SubFactory(UserFactory)


# --- filing


class SubmissionBatchFactory(factory.django.DjangoModelFactory[SubmissionBatch]):
    class Meta:
        model = SubmissionBatch

    organization = factory.SubFactory(OrganizationFactory)
    program = factory.SubFactory(
        RebateProgramFactory, organization=factory.SelfAttribute("..organization")
    )
    year = 2026
    number = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(lambda o: f"B-{o.year}-{o.number:04d}")
    confirmation_number = factory.SelfAttribute("reference")


class ReconciliationImportFactory(factory.django.DjangoModelFactory[ReconciliationImport]):
    class Meta:
        model = ReconciliationImport

    organization = factory.SubFactory(OrganizationFactory)
    file_name = "decisions.csv"
    sha256 = "0" * 64
    size = 0
