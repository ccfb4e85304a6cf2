"""How each kind of outbox message is written to ServiceTitan.

One function per kind. Each reads the target from ServiceTitan first and decides:

- **already written**: ServiceTitan holds the new values (a replay, or an earlier attempt
  whose answer was lost): nothing is sent again;
- **conflict**: the record changed in ServiceTitan after the person read it
  (`modifiedOn` newer than the base version) *and* the fields this write touches no longer
  hold the values the person saw: held for a person, ServiceTitan's version kept alongside.
  A change elsewhere in the record (a customer's balance moving its `modifiedOn`) is no
  conflict: the PATCH only carries this write's fields;
- **write**: send the absolute values.

Creates cannot be sent twice safely (ServiceTitan has no idempotency keys for them), so a
contact create first looks for the contact among the customer's contacts, and an item append
remembers the items the invoice had before the first send and looks for a new one matching
before sending again.

After the write, the organization's AutoFile tag goes on the record (`add_autofile_tag`):
customers through bulk tags, jobs through their tag list (read, add, write, keeping the tags
already there), locations through their own tag endpoint; invoices carry no tags in
ServiceTitan, so an invoice write tags the invoice's job.

These functions call ServiceTitan and never open a database transaction; progress that must
survive a crash is saved through `Delivery.save_progress` (a single-row update).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.db import connection as db
from django.utils.dateparse import parse_datetime

from autofile.writeback import values as V
from autofile.writeback.models import OutboxKind, OutboxMessage
from integrations.servicetitan import NotFoundError, ServiceTitanClient

logger = logging.getLogger(__name__)

Raw = dict[str, Any]


class Gone(Exception):
    """The record to write no longer exists in ServiceTitan (a permanent failure)."""


@dataclass
class Written:
    """The write is in ServiceTitan (sent now, or found already there)."""

    created_st_id: int | None = None


@dataclass
class Conflicted:
    """ServiceTitan's version differs from the one the correction was based on."""

    theirs: dict[str, Any]


Outcome = Written | Conflicted


@dataclass
class Delivery:
    message: OutboxMessage
    client: ServiceTitanClient
    save_progress: Callable[[], None]
    tag_type_id: int | None
    record_st_id: int | None = None  # the sub-record (item, contact) id, resolved by the caller
    progress: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.progress = self.message.progress

    @property
    def written(self) -> bool:
        return bool(self.progress.get("written"))

    def mark_written(self, created_st_id: int | None = None) -> None:
        self.progress["written"] = True
        if created_st_id is not None:
            self.progress["created_st_id"] = created_st_id
        self.save_progress()


def deliver(delivery: Delivery) -> Outcome:
    return HANDLERS[delivery.message.kind](delivery)


# --- reading and deciding ------------------------------------------------------------------------


def modified_on(raw: Raw) -> dt.datetime | None:
    value = raw.get("modifiedOn")
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def decide(
    message: OutboxMessage, current: V.Values, modified: dt.datetime | None
) -> Literal["write", "done", "conflict"]:
    """Compare ServiceTitan's current values of the written fields with the write's."""
    fields = list(message.new_values) or list(message.base_values)
    now = V.pick(current, fields)
    if message.new_values and now == V.pick(message.new_values, fields):
        return "done"
    newer = message.base_version is None or modified is None or modified > message.base_version
    if newer and now != V.pick(message.base_values, fields):
        return "conflict"
    return "write"


def _theirs(raw: Raw, values: V.Values, **extra: Any) -> dict[str, Any]:
    return {"modifiedOn": raw.get("modifiedOn"), "values": values, "raw": raw, **extra}


def read_invoice(client: ServiceTitanClient, invoice_id: int) -> Raw:
    page = client.invoices.list(ids=[invoice_id], params={"activeState": "All"})
    rows = [row for row in page.data if isinstance(row, dict) and row.get("id") == invoice_id]
    if not rows or rows[0].get("active") is False:
        raise Gone(f"Invoice {invoice_id} no longer exists in ServiceTitan.")
    return rows[0]


def invoice_items(invoice: Raw) -> dict[int, Raw]:
    """The invoice's items by id, each stamped with `invoiceId` like the items export."""
    return {
        int(item["id"]): {**item, "invoiceId": invoice["id"], "active": True}
        for item in invoice.get("items") or []
        if isinstance(item, dict) and item.get("id") is not None
    }


def customer_contacts(client: ServiceTitanClient, customer_id: int) -> dict[int, Raw]:
    return {
        contact.id: {**contact.raw, "customerId": customer_id, "active": True}
        for contact in client.customers.iter_contacts(customer_id)
    }


# --- tags ---------------------------------------------------------------------------------------


@contextmanager
def job_tags_lock(connection_id: int, job_id: int) -> Iterator[None]:
    """Serialize AutoFile's read-change-write of one job's tag list across workers.

    ServiceTitan only takes a job's whole tag list, so two workers tagging the same job at
    once would lose one tag. A PostgreSQL session advisory lock holds no transaction open.
    """
    keys = [connection_id & 0x7FFFFFFF, job_id & 0x7FFFFFFF]
    with db.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", keys)
    try:
        yield
    finally:
        with db.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", keys)


def job_tags_change(
    delivery: Delivery, job_id: int, *, add: tuple[int, ...] = (), remove: tuple[int, ...] = ()
) -> None:
    """Add and remove tags on a job, keeping every other tag it has."""
    with job_tags_lock(delivery.message.connection_id, job_id):
        job = delivery.client.jobs.get(job_id).raw
        current = [int(t) for t in job.get("tagTypeIds") or []]
        wanted = [t for t in current if t not in remove] + [
            t for t in dict.fromkeys(add) if t not in current and t not in remove
        ]
        if wanted != current:
            delivery.client.jobs.set_tags(job_id, wanted)


def add_autofile_tag(
    delivery: Delivery,
    *,
    customer: int | None = None,
    job: int | None = None,
    location: Raw | None = None,
) -> None:
    tag = delivery.tag_type_id
    if tag is None or delivery.progress.get("tagged"):
        return
    if customer is not None:
        delivery.client.tags.add(customer_ids=[customer], tag_type_ids=[tag])
    if job is not None:
        job_tags_change(delivery, job, add=(tag,))
    if location is not None and tag not in (location.get("tagTypeIds") or []):
        delivery.client.request(
            "POST", f"/locations/{location['id']}/tags/{tag}", module="crm", idempotent=True
        )
    delivery.progress["tagged"] = True
    delivery.save_progress()


def _invoice_job(invoice: Raw) -> int | None:
    job = invoice.get("job")
    value = job.get("id") if isinstance(job, dict) else None
    return int(value) if value else None


# --- invoices -------------------------------------------------------------------------------------


def _decimals(payload: dict[str, Any], *names: str) -> dict[str, Any]:
    body = dict(payload)
    for name in names:
        if body.get(name) is not None:
            body[name] = Decimal(str(body[name]))
    return body


def invoice_update(d: Delivery) -> Outcome:
    invoice_id = d.message.target_st_id
    invoice = read_invoice(d.client, invoice_id)
    if not d.written:
        current = V.invoice_raw_values(invoice)
        decision = decide(d.message, current, modified_on(invoice))
        if decision == "conflict":
            return Conflicted(_theirs(invoice, V.pick(current, d.message.new_values)))
        if decision == "write":
            d.client.invoices.update(invoice_id, d.message.payload)
        d.mark_written()
    add_autofile_tag(d, job=_invoice_job(invoice))
    return Written()


def _matching_new_item(items: dict[int, Raw], known: set[int], new: V.Values) -> int | None:
    """The id of an item that was not on the invoice before and holds the new values."""
    fields = [name for name in V.INVOICE_ITEM_FIELDS if name != "sku_id" or new.get("sku_id")]
    candidates = [
        item_id
        for item_id, item in items.items()
        if item_id not in known
        and V.pick(V.invoice_item_raw_values(item), fields) == V.pick(new, fields)
    ]
    return max(candidates) if candidates else None


def invoice_item_add(d: Delivery) -> Outcome:
    """Append an item. Not idempotent: the items the invoice had before the first send are
    remembered, and a later attempt first looks for a new item holding these values."""
    invoice_id = d.message.target_st_id
    invoice = read_invoice(d.client, invoice_id)
    created = d.progress.get("created_st_id")
    if not d.written:
        known = d.progress.get("known_item_ids")
        if known is None:
            d.progress["known_item_ids"] = sorted(invoice_items(invoice))
            d.save_progress()  # before sending, so a lost answer can be reconciled
        else:
            created = _matching_new_item(invoice_items(invoice), set(known), d.message.new_values)
        if created is None:
            body = _decimals(d.message.payload, "quantity", "unitPrice", "cost")
            body.pop("id", None)
            d.client.invoices.update_items(invoice_id, body)
            invoice = read_invoice(d.client, invoice_id)
            created = _matching_new_item(
                invoice_items(invoice), set(d.progress["known_item_ids"]), d.message.new_values
            )
            if created is None:
                logger.warning(
                    "outbox message %s: item appended to invoice %s but not found on it after",
                    d.message.pk,
                    invoice_id,
                )
        d.mark_written(created)
    add_autofile_tag(d, job=_invoice_job(invoice))
    return Written(created_st_id=created)


def invoice_items_update(d: Delivery) -> Outcome:
    invoice_id = d.message.target_st_id
    invoice = read_invoice(d.client, invoice_id)
    item_id = d.record_st_id
    if not d.written:
        item = invoice_items(invoice).get(item_id) if item_id is not None else None
        if item is None or item_id is None:
            raise Gone(
                f"Invoice item {item_id or '(never created)'} is not on invoice {invoice_id} "
                "in ServiceTitan."
            )
        current = V.invoice_item_raw_values(item)
        decision = decide(d.message, current, modified_on(item))
        if decision == "conflict":
            return Conflicted(_theirs(item, current, invoice=invoice))
        if decision == "write":
            body = _decimals(d.message.payload, "quantity", "unitPrice", "cost")
            d.client.invoices.update_items(invoice_id, {**body, "id": item_id})
        d.mark_written()
    add_autofile_tag(d, job=_invoice_job(invoice))
    return Written()


def invoice_item_delete(d: Delivery) -> Outcome:
    invoice_id = d.message.target_st_id
    invoice = read_invoice(d.client, invoice_id)
    item_id = d.record_st_id
    if not d.written:
        item = invoice_items(invoice).get(item_id) if item_id is not None else None
        if item is not None and item_id is not None:
            current = V.invoice_item_raw_values(item)
            if decide(d.message, current, modified_on(item)) == "conflict":
                return Conflicted(_theirs(item, current, invoice=invoice))
            with suppress(NotFoundError):  # gone already: what this write wanted
                d.client.invoices.delete_item(invoice_id, item_id)
        d.mark_written()
    add_autofile_tag(d, job=_invoice_job(invoice))
    return Written()


# --- customer contacts ---------------------------------------------------------------------------


def customer_contact_create(d: Delivery) -> Outcome:
    customer_id = d.message.target_st_id
    created = d.progress.get("created_st_id")
    if not d.written:
        new = d.message.new_values
        # Look before creating: an earlier attempt may have created it and lost the answer.
        for contact_id, contact in customer_contacts(d.client, customer_id).items():
            if V.pick(V.contact_raw_values(contact), ("type", "value")) == V.pick(
                new, ("type", "value")
            ):
                created = contact_id
                break
        else:
            created = d.client.customers.create_contact(customer_id, d.message.payload).id
        d.mark_written(created)
    add_autofile_tag(d, customer=customer_id)
    return Written(created_st_id=created)


def _contact(d: Delivery) -> Raw | None:
    if d.record_st_id is None:
        return None
    return customer_contacts(d.client, d.message.target_st_id).get(d.record_st_id)


def customer_contact_update(d: Delivery) -> Outcome:
    customer_id = d.message.target_st_id
    if not d.written:
        contact = _contact(d)
        if contact is None:
            raise Gone(
                f"Contact {d.record_st_id or '(never created)'} of customer {customer_id} "
                "does not exist in ServiceTitan."
            )
        current = V.contact_raw_values(contact)
        decision = decide(d.message, current, modified_on(contact))
        if decision == "conflict":
            return Conflicted(_theirs(contact, V.pick(current, d.message.new_values)))
        if decision == "write":
            d.client.customers.update_contact(customer_id, contact["id"], d.message.payload)
        d.mark_written()
    add_autofile_tag(d, customer=customer_id)
    return Written()


def customer_contact_delete(d: Delivery) -> Outcome:
    customer_id = d.message.target_st_id
    if not d.written:
        contact = _contact(d)
        if contact is not None:
            current = V.contact_raw_values(contact)
            if decide(d.message, current, modified_on(contact)) == "conflict":
                return Conflicted(_theirs(contact, current))
            with suppress(NotFoundError):
                d.client.customers.delete_contact(customer_id, contact["id"])
        d.mark_written()
    add_autofile_tag(d, customer=customer_id)
    return Written()


# --- addresses ----------------------------------------------------------------------------------


def customer_update(d: Delivery) -> Outcome:
    customer_id = d.message.target_st_id
    if not d.written:
        try:
            customer = d.client.customers.get(customer_id).raw
        except NotFoundError:
            raise Gone(f"Customer {customer_id} no longer exists in ServiceTitan.") from None
        current = V.customer_address_raw_values(customer)
        decision = decide(d.message, current, modified_on(customer))
        if decision == "conflict":
            return Conflicted(_theirs(customer, current))
        if decision == "write":
            d.client.customers.update(customer_id, d.message.payload)
        d.mark_written()
    add_autofile_tag(d, customer=customer_id)
    return Written()


def location_update(d: Delivery) -> Outcome:
    location_id = d.message.target_st_id
    try:
        location = d.client.locations.get(location_id).raw
    except NotFoundError:
        raise Gone(f"Location {location_id} no longer exists in ServiceTitan.") from None
    if not d.written:
        current = V.location_address_raw_values(location)
        decision = decide(d.message, current, modified_on(location))
        if decision == "conflict":
            return Conflicted(_theirs(location, current))
        if decision == "write":
            location = d.client.locations.update(location_id, d.message.payload).raw
        d.mark_written()
    add_autofile_tag(d, location=location)
    return Written()


def _location_field_type(client: ServiceTitanClient, location: Raw, name: str) -> int:
    """The type id of the location custom field called `name` (case-insensitive): from the
    location's own fields, else from the tenant's location custom field types."""
    wanted = name.strip().casefold()
    for entry in location.get("customFields") or []:
        named = isinstance(entry, dict) and str(entry.get("name", "")).strip().casefold()
        if named == wanted and entry.get("typeId") is not None:
            return int(entry["typeId"])
    page = 1
    while True:
        answer = client.request(
            "GET",
            "/locations/custom-fields",
            module="crm",
            params={"page": page, "pageSize": 100},
        )
        for entry in answer.get("data") or []:
            if str(entry.get("name", "")).strip().casefold() == wanted:
                return int(entry["id"])
        if not answer.get("hasMore"):
            break
        page += 1
    raise Gone(f"ServiceTitan has no location custom field named “{name}”.")


def location_custom_field_update(d: Delivery) -> Outcome:
    """Set one custom field of a location (the utility account number), keeping the others.

    ServiceTitan answers 200 even when it drops a field it does not know, so the answer is
    read back: a value that did not land is a failure, not a success."""
    location_id = d.message.target_st_id
    name, value = str(d.message.payload["name"]), str(d.message.payload["value"])
    key = V.custom_field_key(name)
    try:
        location = d.client.locations.get(location_id).raw
    except NotFoundError:
        raise Gone(f"Location {location_id} no longer exists in ServiceTitan.") from None
    if not d.written:
        current = V.custom_field_values(location)
        decision = decide(d.message, {key: current.get(key, "")}, modified_on(location))
        if decision == "conflict":
            return Conflicted(_theirs(location, {key: current.get(key, "")}))
        if decision == "write":
            type_id = _location_field_type(d.client, location, name)
            fields = [
                {"typeId": entry["typeId"], "value": entry.get("value")}
                for entry in location.get("customFields") or []
                if isinstance(entry, dict)
                and entry.get("typeId") is not None
                and int(entry["typeId"]) != type_id
            ]
            fields.append({"typeId": type_id, "value": value})
            location = d.client.locations.update(location_id, {"customFields": fields}).raw
            if V.custom_field_values(location).get(key) != value:
                location = d.client.locations.get(location_id).raw
                if V.custom_field_values(location).get(key) != value:
                    raise Gone(
                        f"ServiceTitan answered but did not store “{name}” on location "
                        f"{location_id}."
                    )
        d.mark_written()
    add_autofile_tag(d, location=location)
    return Written()


# --- job tags -------------------------------------------------------------------------------------


def job_tag(d: Delivery) -> Outcome:
    """Tag sets merge: adding a present tag or removing an absent one changes nothing, so a
    job tag write never conflicts. The AutoFile tag rides along in the same PATCH."""
    job_id = d.message.target_st_id
    tag = int(d.message.payload["tagTypeId"])
    adding = d.message.kind == OutboxKind.JOB_TAG_ADD
    autofile = (d.tag_type_id,) if d.tag_type_id is not None and d.tag_type_id != tag else ()
    try:
        if adding:
            job_tags_change(d, job_id, add=(tag, *autofile))
        else:
            job_tags_change(d, job_id, add=autofile, remove=(tag,))
    except NotFoundError:
        raise Gone(f"Job {job_id} no longer exists in ServiceTitan.") from None
    d.progress["tagged"] = True
    d.mark_written()
    return Written()


def job_attachment_upload(d: Delivery) -> Outcome:
    """Attach a packet document's file to the job. Not idempotent in ServiceTitan: the
    job's attachments are looked through first for the file's (unique) name."""
    from autofile.packets.models import PacketDocument

    job_id = d.message.target_st_id
    name = str(d.message.payload.get("fileName") or "")
    if not d.written:
        present = any(
            attachment.file_name == name for attachment in d.client.job_attachments.iter_all(job_id)
        )
        if not present:
            document = PacketDocument.objects.filter(
                pk=d.message.payload.get("document_id"),
                organization_id=d.message.organization_id,
            ).first()
            if document is None or not document.file:
                raise Gone(f"The document {name} is no longer in AutoFile.")
            with document.file.open("rb") as handle:
                content = handle.read()
            d.client.job_attachments.upload(
                job_id,
                content,
                filename=name,
                content_type=str(d.message.payload.get("contentType") or document.content_type),
            )
        d.mark_written()
    add_autofile_tag(d, job=job_id)
    return Written()


HANDLERS: dict[str, Callable[[Delivery], Outcome]] = {
    OutboxKind.INVOICE_UPDATE: invoice_update,
    OutboxKind.INVOICE_ITEMS_UPDATE: invoice_items_update,
    OutboxKind.INVOICE_ITEM_ADD: invoice_item_add,
    OutboxKind.INVOICE_ITEM_DELETE: invoice_item_delete,
    OutboxKind.CUSTOMER_CONTACT_CREATE: customer_contact_create,
    OutboxKind.CUSTOMER_CONTACT_UPDATE: customer_contact_update,
    OutboxKind.CUSTOMER_CONTACT_DELETE: customer_contact_delete,
    OutboxKind.CUSTOMER_UPDATE: customer_update,
    OutboxKind.LOCATION_UPDATE: location_update,
    OutboxKind.LOCATION_CUSTOM_FIELD_UPDATE: location_custom_field_update,
    OutboxKind.JOB_TAG_ADD: job_tag,
    OutboxKind.JOB_TAG_REMOVE: job_tag,
    OutboxKind.JOB_ATTACHMENT_UPLOAD: job_attachment_upload,
}
