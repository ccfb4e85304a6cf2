"""Turn ServiceTitan's JSON into mirror columns, tolerating what real tenants send.

A mapper returns the typed columns of one record. Real tenants send nulls where the
documents promise values, enums as integers (the index into the documented list) or as
undocumented strings, money as strings (accounting) or numbers (everything else), and
dates with or without a time or a `Z`; those are tolerated. A record that cannot be stored
at all (no usable id, an unreadable `modifiedOn`) raises MappingError and is quarantined
with its reason. Text is cut to its column's length.
"""

from __future__ import annotations

import datetime as dt
import functools
import mimetypes
import re
import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime

Raw = dict[str, Any]
Columns = dict[str, Any]

MAX_BIGINT = 2**63 - 1
MAX_INT = 2**31 - 1


class MappingError(ValueError):
    """The record cannot be mirrored; the message says why, for a person to read."""


# --- helpers ------------------------------------------------------------------------------------


def st_id(raw: Raw) -> int:
    value = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(value, bool) or value is None:
        raise MappingError("the record has no id")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise MappingError(f"id {value!r} is not an integer") from None
    if number <= 0 or number > MAX_BIGINT or str(number) != str(value).strip():
        raise MappingError(f"id {value!r} is not a positive integer")
    return number


def guid(raw: Raw) -> uuid.UUID:
    """The GUID id of a record of the newer CRM contacts model."""
    value = raw.get("id") if isinstance(raw, dict) else None
    if value in (None, ""):
        raise MappingError("the record has no id")
    parsed = optional_guid(value)
    if parsed is None:
        raise MappingError(f"id {value!r} is not a GUID")
    return parsed


def optional_guid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        return None


def _parse_moment(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value.strip())
        if parsed is None and (day_ := parse_date(value.strip())) is not None:
            parsed = dt.datetime.combine(day_, dt.time())
    except ValueError:
        return None
    if parsed is not None and parsed.tzinfo is None:  # ServiceTitan's times are UTC
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def moment(raw: Raw, field: str, *, required: bool = False) -> dt.datetime | None:
    """A date and time; a date alone is midnight UTC. Unreadable: None, or MappingError
    when the record cannot be stored without it."""
    value = raw.get(field)
    if value in (None, ""):
        if required:
            raise MappingError(f"{field} is missing")
        return None
    parsed = _parse_moment(value)
    if parsed is None and required:
        raise MappingError(f"{field} {value!r} is not a date and time")
    return parsed


def day(raw: Raw, field: str) -> dt.date | None:
    """A date, sent as `2024-06-27` or `2024-06-27T00:00:00`; unreadable is None."""
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = parse_date(value.strip()[:10])
    except ValueError:
        return None
    return parsed


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):  # e.g. {"id": 1, "name": "Residential"}
        value = value.get("name", "")
        if value is None:
            return ""
    return str(value).replace("\x00", "")  # PostgreSQL text cannot hold NUL


def enum(value: Any, names: Sequence[str]) -> str:
    """An enum value: its name; an integer is the index into the documented names (how
    ServiceTitan's integer enums count); an unknown name is kept as sent."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return names[value] if 0 <= value < len(names) else str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return enum(int(value.strip()), names)
    return text(value)


def optional_id(value: Any) -> int | None:
    """A reference to another ServiceTitan record; 0, negatives and junk mean none."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dict):  # e.g. {"id": 1002, "name": "HVAC Service"}
        return optional_id(value.get("id"))
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_BIGINT else None


def id_list(value: Any) -> list[int]:
    """A list of ids, or of objects with an `id`; junk entries are dropped."""
    if not isinstance(value, list):
        return []
    return [number for item in value if (number := optional_id(item)) is not None]


def decimal(value: Any, *, places: int = 4, digits: int = 12) -> Decimal | None:
    """A number sent as a JSON number or a string, rounded to the column; None if it does
    not fit the column (`digits` in all, `places` after the point) or is not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(value if isinstance(value, int) else str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    quantum, limit = _decimal_bounds(places, digits)
    number = number.quantize(quantum)
    if abs(number) >= limit:
        return None
    return number


@functools.cache
def _decimal_bounds(places: int, digits: int) -> tuple[Decimal, Decimal]:
    return Decimal(1).scaleb(-places), Decimal(10) ** (digits - places)


def money(value: Any) -> Decimal | None:
    """An amount of money ("125.00" in accounting, 125.0 elsewhere), to the cent."""
    return decimal(value, places=2, digits=12)


def integer(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(float(value)) if isinstance(value, str) else int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if -MAX_INT <= number <= MAX_INT else None


def boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "yes", "1"):
            return True
        if lowered in ("false", "no", "0"):
            return False
    return None


def flag(value: Any, default: bool = False) -> bool:
    parsed = boolean(value)
    return default if parsed is None else parsed


def coordinate(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -180.0 <= number <= 180.0 else None


_TIMESPAN = re.compile(r"^(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$")


def timespan(value: Any) -> dt.timedelta | None:
    """A .NET TimeSpan string: `09:00`, `02:00:00`, `1.02:00:00` (days), `00:30:00.5`."""
    if not isinstance(value, str):
        return None
    match = _TIMESPAN.match(value.strip())
    if match is None:
        return None
    days, hours, minutes, seconds, fraction = match.groups()
    if int(minutes) > 59 or int(seconds or 0) > 59:
        return None
    return dt.timedelta(
        days=int(days or 0),
        hours=int(hours),
        minutes=int(minutes),
        seconds=int(seconds or 0),
        microseconds=int((fraction or "0")[:6].ljust(6, "0")),
    )


def time_of_day(value: Any) -> dt.time | None:
    span = timespan(value)
    if span is None or span >= dt.timedelta(days=1):
        return None
    return (dt.datetime.min + span).time()


def nested(raw: Raw, field: str) -> Raw:
    value = raw.get(field) if isinstance(raw, dict) else None
    return value if isinstance(value, dict) else {}


def objects(raw: Raw, field: str, *, kind: type | tuple[type, ...] = dict) -> list[Any]:
    """The entries of a list field that have the expected type (junk entries dropped)."""
    value = raw.get(field) if isinstance(raw, dict) else None
    return [item for item in value if isinstance(item, kind)] if isinstance(value, list) else []


def common(raw: Raw, *, modified: str | None = "modifiedOn") -> Columns:
    """The columns every mirror row has.

    `modified` names the field that stands in for `modifiedOn` (required when it is
    `modifiedOn`, best effort otherwise); None for resources without any timestamp.
    """
    return {
        "st_id": st_id(raw),
        "st_modified_on": None
        if modified is None
        else moment(raw, modified, required=modified == "modifiedOn"),
        "active": raw.get("active") is not False,
    }


def _address(raw: Raw, field: str = "address") -> Columns:
    address = nested(raw, field)
    return {
        "street": text(address.get("street"))[:300],
        "unit": text(address.get("unit"))[:100],
        "city": text(address.get("city"))[:100],
        "state": text(address.get("state"))[:50],
        "zip": text(address.get("zip"))[:20],
    }


CONTACT_TYPES = ("Phone", "Email", "Fax", "MobilePhone")
PRIORITIES = ("Low", "Normal", "High", "Urgent")


# --- settings and marketing ---------------------------------------------------------------------


def tag_type(raw: Raw) -> Columns:
    return {
        **common(raw),
        "name": text(raw.get("name"))[:200],
        "color": text(raw.get("color"))[:20],
        "code": text(raw.get("code"))[:100],
        "importance": enum(raw.get("importance"), ("Medium", "High"))[:20],
    }


def business_unit(raw: Raw) -> Columns:
    return {
        **common(raw),
        "name": text(raw.get("name"))[:200],
        "official_name": text(raw.get("officialName"))[:300],
        "email": text(raw.get("email"))[:254],
        "phone_number": text(raw.get("phoneNumber"))[:50],
        "trade": text(raw.get("trade"))[:100],
        "division": text(raw.get("division"))[:100],
        **_address(raw),
        "tag_type_ids": id_list(raw.get("tagTypeIds")),
    }


def user_role(raw: Raw) -> Columns:
    """User roles have no `modifiedOn`: `createdOn` stands in (a later copy of the same
    role has the same `createdOn`, so it still replaces the stored one)."""
    return {
        **common(raw, modified="createdOn"),
        "name": text(raw.get("name"))[:200],
        "employee_type": enum(raw.get("employeeType"), ("Employee", "Technician"))[:30],
        "created_on": moment(raw, "createdOn"),
    }


EMPLOYEE_ROLES = (
    "Unspecified",
    "Technician",
    "Dispatch",
    "Accounting",
    "FieldManager",
    "DisplayUser",
    "DisplayUserWithBillingAccess",
    "SalesManager",
    "CSR",
    "GeneralOffice",
    "TechnicianHelper",
    "TechnicianMaintenance",
    "TechnicianInstaller",
    "Admin",
    "TechnicianService",
    "TechnicianSales",
    "Owner",
    "EmptyEmployee",
    "EmptyTechnician",
)
TECHNICIAN_POSITIONS = (
    "Installer",
    "Service",
    "Sales",
    "Maintenance",
    "Helper",
    "InstallProductionManager",
    "ServiceManager",
    "SalesManager",
    "PartRunner",
    "DummyTech",
)


def _person(raw: Raw) -> Columns:
    return {
        "user_st_id": optional_id(raw.get("userId")),
        "name": text(raw.get("name"))[:200],
        "first_name": text(raw.get("firstName"))[:100],
        "last_name": text(raw.get("lastName"))[:100],
        "email": text(raw.get("email"))[:254],
        "phone_number": text(raw.get("phoneNumber"))[:50],
        "role_ids": id_list(raw.get("roleIds")),
        "business_unit_st_id": optional_id(raw.get("businessUnitId")),
    }


def employee(raw: Raw) -> Columns:
    return {
        **common(raw),
        **_person(raw),
        "role": enum(raw.get("role"), EMPLOYEE_ROLES)[:50],
    }


def technician(raw: Raw) -> Columns:
    columns = common(raw)
    positions = objects(raw, "positions", kind=(str, int))
    return {
        **columns,
        **_person(raw),
        "mobile_phone": text(raw.get("mobilePhone"))[:50],
        "team": text(raw.get("team"))[:100],
        "positions": [
            name[:50] for item in positions if (name := enum(item, TECHNICIAN_POSITIONS))
        ],
    }


def campaign(raw: Raw) -> Columns:
    return {
        **common(raw),
        "name": text(raw.get("name"))[:200],
        "category": text(raw.get("category"))[:200],
        "source": text(raw.get("source"))[:100],
        "medium": text(raw.get("medium"))[:100],
    }


# --- crm ----------------------------------------------------------------------------------------


def customer(raw: Raw) -> Columns:
    columns = common(raw)
    address = nested(raw, "address")
    return {
        **columns,
        "name": text(raw.get("name"))[:300],
        "customer_type": enum(raw.get("type"), ("Residential", "Commercial"))[:30],
        **_address(raw),
        "country": text(address.get("country"))[:50],
        "tag_type_ids": id_list(raw.get("tagTypeIds")),
        "balance": money(raw.get("balance")),
        "do_not_service": flag(raw.get("doNotService")),
        "created_on": moment(raw, "createdOn"),
    }


def location(raw: Raw) -> Columns:
    columns = common(raw)
    address = nested(raw, "address")
    return {
        **columns,
        "customer_st_id": optional_id(raw.get("customerId")),
        "name": text(raw.get("name"))[:300],
        **_address(raw),
        "country": text(address.get("country"))[:50],
        "latitude": coordinate(address.get("latitude")),
        "longitude": coordinate(address.get("longitude")),
        "tag_type_ids": id_list(raw.get("tagTypeIds")),
    }


def _contact_row(raw: Raw) -> Columns:
    return {
        **common(raw),
        "contact_type": enum(raw.get("type"), CONTACT_TYPES)[:20],
        "value": text(raw.get("value"))[:300],
        "memo": text(raw.get("memo"))[:300],
        "do_not_text": boolean(nested(raw, "phoneSettings").get("doNotText")),
        "created_on": moment(raw, "createdOn"),
    }


def customer_contact(raw: Raw) -> Columns:
    """A legacy customer contact row (`export/customers/contacts`)."""
    return {**_contact_row(raw), "customer_st_id": optional_id(raw.get("customerId"))}


def location_contact(raw: Raw) -> Columns:
    """A legacy location contact row (`export/locations/contacts`)."""
    return {**_contact_row(raw), "location_st_id": optional_id(raw.get("locationId"))}


def _guid_common(raw: Raw) -> Columns:
    return {
        "st_id": guid(raw),
        "st_modified_on": moment(raw, "modifiedOn", required=True),
        "active": raw.get("active") is not False,
    }


def contact(raw: Raw) -> Columns:
    """A contact of the newer CRM model (GUID id); an archived contact is inactive."""
    columns = _guid_common(raw)
    archived = flag(raw.get("isArchived"))
    return {
        **columns,
        "active": columns["active"] and not archived,
        "reference_id": text(raw.get("referenceId"))[:100],
        "name": text(raw.get("name"))[:300],
        "title": text(raw.get("title"))[:200],
        "is_archived": archived,
        "created_on": moment(raw, "createdOn"),
    }


def contact_method(raw: Raw) -> Columns:
    """A phone number or e-mail address of a contact (GUID ids)."""
    return {
        **_guid_common(raw),
        "contact_st_id": optional_guid(raw.get("contactId")),
        "reference_id": text(raw.get("referenceId"))[:100],
        "contact_type": enum(raw.get("type"), CONTACT_TYPES)[:20],
        "value": text(raw.get("value"))[:300],
        "memo": text(raw.get("memo"))[:300],
        "created_on": moment(raw, "createdOn"),
    }


def lead(raw: Raw) -> Columns:
    return {
        **common(raw),
        "status": enum(raw.get("status"), ("Open", "Dismissed", "Converted"))[:30],
        "priority": enum(raw.get("priority"), PRIORITIES)[:20],
        "customer_st_id": optional_id(raw.get("customerId")),
        "location_st_id": optional_id(raw.get("locationId")),
        "business_unit_st_id": optional_id(raw.get("businessUnitId")),
        "job_type_st_id": optional_id(raw.get("jobTypeId")),
        "campaign_st_id": optional_id(raw.get("campaignId")),
        "follow_up_date": moment(raw, "followUpDate"),
        "created_on": moment(raw, "createdOn"),
        "summary": text(raw.get("summary")),
        "tag_type_ids": id_list(raw.get("tagTypeIds")),
        "lead_customer_name": text(raw.get("leadCustomerName"))[:300],
        "lead_phone": text(raw.get("leadPhone"))[:50],
        "lead_email": text(raw.get("leadEmail"))[:254],
    }


def booking_provider_tag(raw: Raw) -> Columns:
    return {
        **common(raw),
        "tag_name": text(raw.get("tagName"))[:200],
        "description": text(raw.get("description")),
        "provider_type": enum(raw.get("type"), ("V1Api", "V2Api"))[:20],
    }


def booking(raw: Raw) -> Columns:
    return {
        **common(raw),
        "name": text(raw.get("name"))[:300],
        "source": text(raw.get("source"))[:200],
        "status": enum(raw.get("status"), ("New", "Converted", "Dismissed", "Accepted"))[:30],
        "customer_type": enum(raw.get("customerType"), ("Residential", "Commercial"))[:30],
        "start": moment(raw, "start"),
        **_address(raw),
        "external_id": text(raw.get("externalId"))[:200],
        "summary": text(raw.get("summary")),
        "booking_provider_st_id": optional_id(raw.get("bookingProviderId")),
        "job_st_id": optional_id(raw.get("jobId")),
        "business_unit_st_id": optional_id(raw.get("businessUnitId")),
        "job_type_st_id": optional_id(raw.get("jobTypeId")),
        "campaign_st_id": optional_id(raw.get("campaignId")),
    }


# --- jpm ----------------------------------------------------------------------------------------


def job_type(raw: Raw) -> Columns:
    return {
        **common(raw),
        "name": text(raw.get("name"))[:200],
        "job_class": text(raw.get("class"))[:50],
        "priority": text(raw.get("priority"))[:20],
        "business_unit_ids": id_list(raw.get("businessUnitIds")),
        "tag_type_ids": id_list(raw.get("tagTypeIds")),
    }


def project(raw: Raw) -> Columns:
    return {
        **common(raw),
        "number": text(raw.get("number"))[:50],
        "name": text(raw.get("name"))[:300],
        "status": text(raw.get("status"))[:100],
        "sub_status": text(raw.get("subStatus"))[:100],
        "customer_st_id": optional_id(raw.get("customerId")),
        "location_st_id": optional_id(raw.get("locationId")),
        "start_date": moment(raw, "startDate"),
        "target_completion_date": moment(raw, "targetCompletionDate"),
        "actual_completion_date": moment(raw, "actualCompletionDate"),
        "business_unit_ids": id_list(raw.get("businessUnitIds")),
        "job_ids": id_list(raw.get("jobIds")),
        "summary": text(raw.get("summary")),
    }


def job(raw: Raw) -> Columns:
    return {
        **common(raw),
        "job_number": text(raw.get("jobNumber"))[:50],
        "customer_st_id": optional_id(raw.get("customerId")),
        "location_st_id": optional_id(raw.get("locationId")),
        "business_unit_st_id": optional_id(raw.get("businessUnitId")),
        "job_type_st_id": optional_id(raw.get("jobTypeId")),
        "campaign_st_id": optional_id(raw.get("campaignId")),
        "project_st_id": optional_id(raw.get("projectId")),
        "invoice_st_id": optional_id(raw.get("invoiceId")),
        "job_status": text(raw.get("jobStatus"))[:30],
        "priority": text(raw.get("priority"))[:20],
        "created_on": moment(raw, "createdOn"),
        "completed_on": moment(raw, "completedOn"),
        "tag_type_ids": id_list(raw.get("tagTypeIds")),
        "total": money(raw.get("total")),
        "summary": text(raw.get("summary")),
    }


APPOINTMENT_STATUSES = ("Scheduled", "Dispatched", "Working", "Hold", "Done", "Canceled")


def appointment(raw: Raw) -> Columns:
    return {
        **common(raw),
        "job_st_id": optional_id(raw.get("jobId")),
        "customer_st_id": optional_id(raw.get("customerId")),
        "appointment_number": text(raw.get("appointmentNumber"))[:50],
        "start": moment(raw, "start"),
        "end": moment(raw, "end"),
        "arrival_window_start": moment(raw, "arrivalWindowStart"),
        "arrival_window_end": moment(raw, "arrivalWindowEnd"),
        "status": enum(raw.get("status"), APPOINTMENT_STATUSES)[:20],
        "special_instructions": text(raw.get("specialInstructions")),
        "is_confirmed": flag(raw.get("isConfirmed")),
    }


# --- dispatch -----------------------------------------------------------------------------------


def appointment_assignment(raw: Raw) -> Columns:
    return {
        **common(raw),
        "appointment_st_id": optional_id(raw.get("appointmentId")),
        "job_st_id": optional_id(raw.get("jobId")),
        "technician_st_id": optional_id(raw.get("technicianId")),
        "technician_name": text(raw.get("technicianName"))[:200],
        "assigned_on": moment(raw, "assignedOn"),
        "status": enum(raw.get("status"), ("Scheduled", "Dispatched", "Working", "Done"))[:20],
        "is_paused": flag(raw.get("isPaused")),
    }


def arrival_window(raw: Raw) -> Columns:
    """Arrival windows carry no timestamp at all: `st_modified_on` is None, so every copy
    read replaces the stored one."""
    return {
        **common(raw, modified=None),
        "start": time_of_day(raw.get("start")),
        "duration": timespan(raw.get("duration")),
        "business_unit_ids": id_list(raw.get("businessUnitIds")),
    }


# --- accounting ---------------------------------------------------------------------------------

#: An invoice's review statuses, in ServiceTitan's order (an integer is an index into them).
INVOICE_REVIEW_STATUSES = (
    "NeedsReview",
    "OnHold",
    "Reviewed",
    "PendingApproval",
    "Rejected",
    "ReadyForBilling",
    "Invoiced",
)


def invoice(raw: Raw) -> Columns:
    return {
        **common(raw),
        "reference_number": text(raw.get("referenceNumber"))[:50],
        "job_st_id": optional_id(nested(raw, "job").get("id")),
        "customer_st_id": optional_id(nested(raw, "customer").get("id")),
        "location_st_id": optional_id(nested(raw, "location").get("id")),
        "business_unit_st_id": optional_id(nested(raw, "businessUnit").get("id")),
        "adjustment_to_st_id": optional_id(raw.get("adjustmentToId")),
        "invoice_date": moment(raw, "invoiceDate"),
        "due_date": moment(raw, "dueDate"),
        "paid_on": moment(raw, "paidOn"),
        "sub_total": money(raw.get("subTotal")),
        "sales_tax": money(raw.get("salesTax")),
        "total": money(raw.get("total")),
        "balance": money(raw.get("balance")),
        "sync_status": text(raw.get("syncStatus"))[:30],
        "review_status": enum(raw.get("reviewStatus"), INVOICE_REVIEW_STATUSES)[:30],
        "summary": text(raw.get("summary")),
    }


ITEM_TYPES = ("Service", "Material", "Equipment", "PriceModifier", "Unspecified")


def invoice_item(raw: Raw) -> Columns:
    """An item of the flat `export/invoice-items` feed (which adds `invoiceId`)."""
    return {
        **common(raw),
        "invoice_st_id": optional_id(raw.get("invoiceId")),
        "sku_st_id": optional_id(raw.get("skuId")),
        "sku_name": text(raw.get("skuName"))[:200],
        "item_type": enum(raw.get("type"), ITEM_TYPES)[:30],
        "display_name": text(raw.get("displayName"))[:300],
        "description": text(raw.get("description")),
        "quantity": decimal(raw.get("quantity")),
        "unit_price": money(raw.get("price")),
        "total": money(raw.get("total")),
        "cost": money(raw.get("cost")),
        "total_cost": money(raw.get("totalCost")),
        "order": integer(raw.get("order")),
        "technician_st_id": optional_id(raw.get("technicianId")),
        "installed_equipment_st_id": optional_id(raw.get("installedEquipmentId")),
    }


def payment(raw: Raw) -> Columns:
    columns = common(raw)
    invoice_ids = id_list([entry.get("appliedTo") for entry in objects(raw, "appliedTo")])
    return {
        **columns,
        "customer_st_id": optional_id(nested(raw, "customer").get("id")),
        "invoice_ids": list(dict.fromkeys(invoice_ids)),
        "paid_on": moment(raw, "date"),
        "total": money(raw.get("total")),
        "unapplied_amount": money(raw.get("unappliedAmount")),
        "payment_type": text(raw.get("type"))[:100],
        "reference_number": text(raw.get("referenceNumber"))[:100],
        "sync_status": text(raw.get("syncStatus"))[:30],
    }


# --- sales --------------------------------------------------------------------------------------

ESTIMATE_STATUSES = ("Open", "Sold", "Dismissed")


def estimate(raw: Raw) -> Columns:
    """An estimate. Its `status` is an object {value, name}; the name is kept ("Sold")."""
    columns = common(raw)
    status = raw.get("status")
    if isinstance(status, dict):
        status = status.get("name") or status.get("value")
    items = objects(raw, "items")
    return {
        **columns,
        "name": text(raw.get("name"))[:300],
        "job_number": text(raw.get("jobNumber"))[:50],
        "job_st_id": optional_id(raw.get("jobId")),
        "customer_st_id": optional_id(raw.get("customerId")),
        "location_st_id": optional_id(raw.get("locationId")),
        "business_unit_st_id": optional_id(raw.get("businessUnitId")),
        "status": enum(status, ESTIMATE_STATUSES)[:20],
        "review_status": enum(
            raw.get("reviewStatus"), ("None", "NeedsApproval", "Approved", "NotApproved")
        )[:30],
        "created_on": moment(raw, "createdOn"),
        "sold_on": moment(raw, "soldOn"),
        "sold_by_st_id": optional_id(raw.get("soldBy")),
        "subtotal": money(raw.get("subtotal")),
        "tax": money(raw.get("tax")),
        "item_ids": id_list([item.get("id") for item in items]),
        "sku_ids": list(dict.fromkeys(id_list([nested(item, "sku").get("id") for item in items]))),
        "summary": text(raw.get("summary")),
    }


def estimate_item(raw: Raw) -> Columns:
    """An estimate item (`estimates/items`). The list does not carry `estimateId` (only
    ServiceTitan's item-update answer does), so `estimate_st_id` is often None: reach an
    estimate's items through `Estimate.item_ids`."""
    sku = nested(raw, "sku")
    return {
        **common(raw),
        "estimate_st_id": optional_id(raw.get("estimateId")),
        "sku_st_id": optional_id(sku.get("id")),
        "sku_name": text(sku.get("name"))[:200],
        "sku_type": enum(sku.get("type"), ITEM_TYPES)[:30],
        "display_name": text(sku.get("displayName"))[:300],
        "description": text(raw.get("description")),
        "quantity": decimal(raw.get("qty")),
        "unit_price": money(raw.get("unitRate")),
        "total": money(raw.get("total")),
        "unit_cost": money(raw.get("unitCost")),
        "total_cost": money(raw.get("totalCost")),
        "item_group_name": text(raw.get("itemGroupName"))[:200],
        "invoice_item_st_id": optional_id(raw.get("invoiceItemId")),
        "chargeable": boolean(raw.get("chargeable")),
    }


# --- equipment systems --------------------------------------------------------------------------


def installed_equipment(raw: Raw) -> Columns:
    columns = common(raw)
    kind = nested(raw, "type")
    return {
        **columns,
        "name": text(raw.get("name"))[:300],
        "location_st_id": optional_id(raw.get("locationId")),
        "customer_st_id": optional_id(raw.get("customerId")),
        "equipment_st_id": optional_id(raw.get("equipmentId")),
        "invoice_item_st_id": optional_id(raw.get("invoiceItemId")),
        "equipment_type_st_id": optional_id(kind.get("id")),
        "equipment_type": text(kind.get("name"))[:200],
        "manufacturer": text(raw.get("manufacturer"))[:200],
        "model": text(raw.get("model"))[:200],
        "serial_number": text(raw.get("serialNumber")).strip()[:200],
        "installed_on": moment(raw, "installedOn"),
        "manufactured_on": day(raw, "manufacturedOn"),
        "status": enum(raw.get("status"), ("Installed", "Replaced"))[:20],
        "cost": money(raw.get("cost")),
        "memo": text(raw.get("memo")),
    }


# --- pricebook ----------------------------------------------------------------------------------


def pricebook_category(raw: Raw) -> Columns:
    return {
        **common(raw),
        "name": text(raw.get("name"))[:200],
        "category_type": enum(raw.get("categoryType"), ("Services", "Materials"))[:20],
        "position": integer(raw.get("position")),
        "parent_st_id": optional_id(raw.get("parentId")),
    }


def _sku(raw: Raw) -> Columns:
    return {
        **common(raw),
        "code": text(raw.get("code"))[:100],
        "display_name": text(raw.get("displayName"))[:300],
        "description": text(raw.get("description")),
        "category_ids": id_list(raw.get("categories")),  # ids, or {id, name} on services
    }


def _prices(raw: Raw) -> Columns:
    return {
        "price": money(raw.get("price")),
        "member_price": money(raw.get("memberPrice")),
        "cost": money(raw.get("cost")),
    }


def pricebook_service(raw: Raw) -> Columns:
    return {**_sku(raw), **_prices(raw), "hours": decimal(raw.get("hours"), places=2, digits=8)}


_TAGS = re.compile(r"<[^>]+>")
_RATING_NAMES = "SEER2|SEER|EER2|EER|IEER|HSPF2|HSPF|AFUE|UEF|EF|COP|CEE Tier"
_RATING_AFTER = re.compile(
    rf"\b({_RATING_NAMES})\b\s*(?:[:=]|rating of|of)?\s*(\d+(?:\.\d+)?)", re.IGNORECASE
)
_RATING_BEFORE = re.compile(rf"(\d+(?:\.\d+)?)\s*%?\s*\b({_RATING_NAMES})\b", re.IGNORECASE)
_ENERGY_STAR = re.compile(r"ENERGY\s*STAR\W{0,3}(certified|qualified|yes)", re.IGNORECASE)
_CANONICAL = {name.upper(): name for name in _RATING_NAMES.split("|")}


def efficiency_ratings(description: str) -> dict[str, str]:
    """The efficiency ratings a SKU description states: {"SEER2": "20.5", "AFUE": "96.0",
    "ENERGY STAR": "Certified"}; the first figure per rating wins."""
    plain = re.sub(r"\s+", " ", _TAGS.sub(" ", description))
    ratings: dict[str, str] = {}
    for match in _RATING_AFTER.finditer(plain):
        ratings.setdefault(_CANONICAL[match.group(1).upper()], match.group(2))
    for match in _RATING_BEFORE.finditer(plain):
        ratings.setdefault(_CANONICAL[match.group(2).upper()], match.group(1))
    if _ENERGY_STAR.search(plain):
        ratings["ENERGY STAR"] = "Certified"
    return ratings


def pricebook_equipment(raw: Raw) -> Columns:
    columns = _sku(raw)
    return {
        **columns,
        **_prices(raw),
        "manufacturer": text(raw.get("manufacturer"))[:200],
        "model": text(raw.get("model"))[:200],
        "equipment_type_st_id": optional_id(raw.get("typeId")),
        "efficiency_ratings": efficiency_ratings(columns["description"]),
    }


def pricebook_material(raw: Raw) -> Columns:
    return {
        **_sku(raw),
        **_prices(raw),
        "unit_of_measure": text(raw.get("unitOfMeasure"))[:50],
    }


def pricebook_discount_fee(raw: Raw) -> Columns:
    return {
        **_sku(raw),
        "fee_type": enum(raw.get("type"), ("Discount", "Fee"))[:20],
        "amount_type": enum(raw.get("amountType"), ("Percentage", "Fixed"))[:20],
        "amount": money(raw.get("amount")),
    }


# --- forms --------------------------------------------------------------------------------------

FORM_OWNER_TYPES = (
    "Job",
    "Call",
    "Customer",
    "Location",
    "Equipment",
    "Technician",
    "JobAppointment",
    "Membership",
    "Truck",
    "Project",
    "ServiceAgreement",
    "InvoiceItem",
)


def form(raw: Raw) -> Columns:
    return {
        **common(raw),
        "name": text(raw.get("name"))[:300],
        "published": flag(raw.get("published")),
    }


def form_submission(raw: Raw) -> Columns:
    """A form submission. There is no `modifiedOn`: `submittedOn` stands in (ServiceTitan's
    `submittedOnOrAfter` filter calls it the submission's modified date). The job is the
    owner of type Job, or the `jobId` the per-job reader stamped on the row."""
    columns = common(raw, modified="submittedOn")
    job_ids = [
        number
        for owner in objects(raw, "owners")
        if enum(owner.get("type"), FORM_OWNER_TYPES).lower() == "job"
        and (number := optional_id(owner.get("id")))
    ]
    return {
        **columns,
        "form_st_id": optional_id(raw.get("formId")),
        "form_name": text(raw.get("formName"))[:300],
        "job_st_id": job_ids[0] if job_ids else optional_id(raw.get("jobId")),
        "submitted_on": moment(raw, "submittedOn"),
        "status": enum(raw.get("status"), ("Started", "Completed", "Any"))[:20],
        "created_by_st_id": optional_id(raw.get("createdById")),
    }


def job_attachment(raw: Raw) -> Columns:
    """A job attachment's metadata ({id, fileName, createdById, createdOn}). There is no
    `modifiedOn`: `createdOn` stands in (attachments do not change). ServiceTitan does not
    say which job it belongs to: the per-job reader stamps `jobId` on the row. The content
    type is guessed from the file name; `file` and `size` are set when it is downloaded."""
    columns = common(raw, modified="createdOn")
    file_name = text(raw.get("fileName")).strip()
    return {
        **columns,
        "job_st_id": optional_id(raw.get("jobId")),
        "file_name": file_name[:255],
        "created_on": moment(raw, "createdOn"),
        "created_by_st_id": optional_id(raw.get("createdById")),
        "content_type": (mimetypes.guess_type(file_name)[0] or "")[:100],
    }


# --- service agreements -------------------------------------------------------------------------


AGREEMENT_STATUSES = (
    "Draft",
    "Sent",
    "Rejected",
    "Accepted",
    "Activated",
    "Canceled",
    "Expired",
    "AutoRenew",
)


def service_agreement(raw: Raw) -> Columns:
    return {
        **common(raw),
        "name": text(raw.get("name"))[:300],
        "customer_st_id": optional_id(raw.get("customerId")),
        "business_unit_st_id": optional_id(raw.get("businessUnitId")),
        "location_ids": id_list(raw.get("locationIds")),
        "status": enum(raw.get("status"), AGREEMENT_STATUSES)[:20],
        "start_date": day(raw, "startDate"),
        "end_date": day(raw, "endDate"),
        "duration_months": integer(raw.get("durationMonths")),
    }
