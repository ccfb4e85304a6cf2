"""The local mirror of each connected ServiceTitan tenant, and the state of its sync.

One table per ServiceTitan resource, split by ServiceTitan area: company (settings and
marketing), crm, jpm, dispatch, accounting, sales, equipment, pricebook, forms, agreements.
"""

from autofile.mirror.models.accounting import Invoice, InvoiceItem, Payment
from autofile.mirror.models.agreements import ServiceAgreement
from autofile.mirror.models.base import GuidMirrorRecord, MirrorRecord
from autofile.mirror.models.company import (
    BusinessUnit,
    Campaign,
    Employee,
    TagType,
    Technician,
    UserRole,
)
from autofile.mirror.models.connection import Connection
from autofile.mirror.models.crm import (
    Booking,
    BookingProviderTag,
    Contact,
    ContactMethod,
    Customer,
    CustomerContact,
    Lead,
    Location,
    LocationContact,
)
from autofile.mirror.models.dispatch import AppointmentAssignment, ArrivalWindow
from autofile.mirror.models.equipment import InstalledEquipment
from autofile.mirror.models.forms import Form, FormSubmission, JobAttachment
from autofile.mirror.models.jpm import Appointment, Job, JobType, Project
from autofile.mirror.models.pricebook import (
    PricebookCategory,
    PricebookDiscountFee,
    PricebookEquipment,
    PricebookMaterial,
    PricebookService,
)
from autofile.mirror.models.sales import Estimate, EstimateItem
from autofile.mirror.models.syncing import QuarantinedRecord, SyncRequest, SyncRun, SyncState

__all__ = [
    "Appointment",
    "AppointmentAssignment",
    "ArrivalWindow",
    "Booking",
    "BookingProviderTag",
    "BusinessUnit",
    "Campaign",
    "Connection",
    "Contact",
    "ContactMethod",
    "Customer",
    "CustomerContact",
    "Employee",
    "Estimate",
    "EstimateItem",
    "Form",
    "FormSubmission",
    "GuidMirrorRecord",
    "InstalledEquipment",
    "Invoice",
    "InvoiceItem",
    "Job",
    "JobAttachment",
    "JobType",
    "Lead",
    "Location",
    "LocationContact",
    "MirrorRecord",
    "Payment",
    "PricebookCategory",
    "PricebookDiscountFee",
    "PricebookEquipment",
    "PricebookMaterial",
    "PricebookService",
    "Project",
    "QuarantinedRecord",
    "ServiceAgreement",
    "SyncRequest",
    "SyncRun",
    "SyncState",
    "TagType",
    "Technician",
    "UserRole",
]
