"""Corrections: QA's changes to mirrored records, each saved with its write-back.

Every service here validates its input first and raises `CorrectionInvalid` (per-field
messages, the input untouched) when something is wrong. Saved, one transaction:

1. updates the mirror row(s) — typed columns and the raw JSON, so every reader sees the fix
   at once (invoice totals are recomputed from the items and checked);
2. records the Correction (before, after, who, when, why);
3. queues the OutboxMessage that writes the same absolute values to ServiceTitan (delivered
   by a worker after commit, see autofile.writeback).

Then the packets that read the record are re-validated, so their findings update at once.

A record AutoFile creates (a customer contact, an invoice item) has a provisional negative
ServiceTitan id in the mirror (minus the correction's id) until ServiceTitan answers with
the real one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.db import models, transaction
from django.http import Http404
from django.utils import timezone

from autofile.accounts.models import Organization, User
from autofile.mirror.mappers import INVOICE_REVIEW_STATUSES
from autofile.mirror.models import (
    Connection,
    Customer,
    CustomerContact,
    Invoice,
    InvoiceItem,
    Job,
    Location,
    MirrorRecord,
    PricebookDiscountFee,
    PricebookEquipment,
    PricebookMaterial,
    PricebookService,
    TagType,
)
from autofile.mirror.models.pricebook import PricebookSku
from autofile.packets.models import (
    FINAL_STATUSES,
    IncomeTier,
    Packet,
    PacketEvent,
    UtilityAccount,
)
from autofile.packets.selectors.packets import custom_field
from autofile.packets.services.follow import packets_inputs_changed
from autofile.review.models import Correction, DeliveryStatus, Operation, TargetType
from autofile.review.validation import (
    CorrectionInvalid,
    Errors,
    read_address,
    read_contact,
    read_date,
    read_decimal,
    read_reason,
    read_text,
)
from autofile.writeback import values as V
from autofile.writeback.models import OutboxKind
from autofile.writeback.services import outbox_enqueue

__all__ = [
    "CorrectionInvalid",
    "customer_address_update",
    "customer_contact_add",
    "customer_contact_remove",
    "customer_contact_update",
    "invoice_item_add",
    "invoice_item_remove",
    "invoice_item_update",
    "invoice_update",
    "job_tag_add",
    "job_tag_remove",
    "location_address_update",
    "packets_revalidate",
    "utility_account_number_set",
]

R = TypeVar("R", bound=MirrorRecord)

CENT = Decimal("0.01")
NOTHING_CHANGED = "Nothing to save: the values are the same as before."


# --- shared steps ---------------------------------------------------------------------------------


def _check_packet(organization: Organization, packet: Packet | None) -> None:
    if packet is not None and packet.organization_id != organization.pk:
        raise Http404("No such packet")


def _locked(model: type[R], organization: Organization, pk: int, **filters: Any) -> R:
    """The organization's row, locked for the transaction; 404 for anyone else's."""
    try:
        return model._default_manager.select_for_update().get(
            pk=pk, organization=organization, **filters
        )
    except model.DoesNotExist:
        raise Http404(f"No such {model._meta.verbose_name}") from None


def _author(user: User | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


def _record(
    *,
    connection: Connection,
    user: User | None,
    packet: Packet | None,
    target_type: TargetType,
    operation: Operation,
    row: MirrorRecord | None,
    parent_st_id: int | None,
    fields: list[str],
    before: dict[str, Any],
    after: dict[str, Any],
    reason: str,
) -> Correction:
    return Correction.objects.create(
        organization_id=connection.organization_id,
        connection=connection,
        packet=packet,
        target_type=target_type,
        operation=operation,
        target_row_id=row.pk if row is not None else None,
        target_st_id=row.st_id if row is not None else None,
        parent_st_id=parent_st_id,
        fields=fields,
        before=before,
        after=after,
        reason=reason,
        created_by=_author(user),
    )


def _queue(correction: Correction, **message: Any) -> Correction:
    correction.outbox_message = outbox_enqueue(connection=correction.connection, **message)
    correction.save(update_fields=["outbox_message", "target_row_id", "target_st_id"])
    return correction


def _changed(
    before: Mapping[str, Any], after: Mapping[str, Any], fields: Iterable[str]
) -> list[str]:
    return [name for name in fields if before.get(name) != after.get(name)]


def packets_revalidate(
    *,
    organization: Organization,
    job_ids: Iterable[int] = (),
    customer_ids: Iterable[int] = (),
    location_ids: Iterable[int] = (),
    packet: Packet | None = None,
) -> None:
    """A correction changed these records (mirror pks): the packets whose data includes
    them (and `packet`) are marked changed and validated again now."""
    packets_inputs_changed(
        organization=organization,
        packet_ids=[packet.pk] if packet is not None else [],
        job_ids=job_ids,
        customer_ids=customer_ids,
        location_ids=location_ids,
    )


# --- invoice items ------------------------------------------------------------------------------

_SKU_MODELS: tuple[tuple[type[PricebookSku], str], ...] = (
    (PricebookService, "Service"),
    (PricebookEquipment, "Equipment"),
    (PricebookMaterial, "Material"),
    (PricebookDiscountFee, "PriceModifier"),
)


@dataclass(frozen=True)
class _Sku:
    st_id: int
    code: str
    kind: str
    display_name: str
    price: Decimal | None
    cost: Decimal | None


def _sku_find(connection: Connection, code: str) -> _Sku | None:
    """The pricebook SKU (service, equipment, material, discount or fee) with this code."""
    for model, kind in _SKU_MODELS:
        row = (
            model._default_manager.filter(connection=connection, code__iexact=code, active=True)
            .order_by("st_id")
            .first()
        )
        if row is not None:
            return _Sku(
                st_id=row.st_id,
                code=row.code,
                kind=kind,
                display_name=row.display_name,
                price=getattr(row, "price", None),
                cost=getattr(row, "cost", None),
            )
    return None


def _item_display(values: Mapping[str, Any], sku_code: str) -> dict[str, Any]:
    """An item's values as a person reads them (the SKU by its code, not its id)."""
    shown = {name: values.get(name) for name in V.INVOICE_ITEM_FIELDS if name != "sku_id"}
    shown["sku"] = sku_code
    return shown


ITEM_FIELDS = ("description", "quantity", "unit_price", "cost", "sku")


def _invoice_of(item: InvoiceItem) -> Invoice:
    invoice = (
        None
        if item.invoice_st_id is None
        else (
            Invoice.objects.select_for_update()
            .filter(connection_id=item.connection_id, st_id=item.invoice_st_id)
            .first()
        )
    )
    if invoice is None:
        raise CorrectionInvalid({"__all__": ["This item's invoice has not been mirrored yet."]})
    return invoice


def _read_item(
    data: Mapping[str, Any],
    errors: Errors,
    connection: Connection,
    current: dict[str, Any],
    current_sku: str,
    *,
    adding: bool,
) -> tuple[dict[str, Any], _Sku | None]:
    """The item's new values (writeback form) and the SKU when it changes."""
    new = dict(current)
    description = read_text(data, "description", errors, required=True, label="a description")
    if description is not None:
        new["description"] = description
    elif adding and "description" not in data:
        errors.add("description", "Enter a description.")
    for field, places, label in (
        ("quantity", 4, "a quantity"),
        ("unit_price", 2, "a unit price"),
        ("cost", 2, "a cost"),
    ):
        # Adding: the price and cost may come from the SKU, checked once it is known.
        required = field == "quantity" if adding else field in data
        number = read_decimal(data, field, errors, places=places, required=required, label=label)
        if number is not None:
            new[field] = V.quantity_text(number) if field == "quantity" else V.money_text(number)
    sku = None
    code = read_text(data, "sku", errors, max_length=100)
    if code and code.lower() != current_sku.lower():
        sku = _sku_find(connection, code)
        if sku is None:
            errors.add("sku", f"There is no SKU {code} in the pricebook.")
        else:
            new["sku_id"] = sku.st_id
    elif code == "" and current_sku and not adding:
        errors.add("sku", "An item keeps its SKU; enter the right one instead.")
    if adding and sku is not None:
        if new.get("unit_price") is None and sku.price is not None:
            new["unit_price"] = V.money_text(sku.price)
        if new.get("cost") is None and sku.cost is not None:
            new["cost"] = V.money_text(sku.cost)
    return new, sku


def _item_apply(item: InvoiceItem, new: Mapping[str, Any], sku: _Sku | None) -> None:
    """Put the new values on the mirror row: columns and ServiceTitan-shaped raw JSON."""
    quantity = Decimal(new["quantity"] or "0")
    price = Decimal(new["unit_price"] or "0")
    cost = Decimal(new["cost"] or "0")
    item.description = new["description"]
    item.quantity = quantity
    item.unit_price = price
    item.cost = cost
    item.total = (quantity * price).quantize(CENT, ROUND_HALF_UP)
    item.total_cost = (quantity * cost).quantize(CENT, ROUND_HALF_UP)
    if sku is not None:
        item.sku_st_id = sku.st_id
        item.sku_name = sku.code[:200]
        item.item_type = sku.kind
        item.display_name = sku.display_name[:300]
    raw = dict(item.raw or {})
    raw.update(
        {
            "id": item.st_id,
            "invoiceId": item.invoice_st_id,
            "active": item.active,
            "description": item.description,
            "quantity": format(quantity, "f"),
            "price": format(item.unit_price, "f"),
            "total": format(item.total, "f"),
            "cost": format(item.cost, "f"),
            "totalCost": format(item.total_cost, "f"),
        }
    )
    if sku is not None:
        raw.update(
            {
                "skuId": sku.st_id,
                "skuName": sku.code,
                "type": sku.kind,
                "displayName": sku.display_name,
            }
        )
    item.raw = raw


def _item_payload(new: Mapping[str, Any], item_st_id: int | None) -> dict[str, Any]:
    """`InvoiceItemUpdateRequest` with absolute values (numbers kept as exact strings)."""
    payload: dict[str, Any] = {
        "description": new["description"],
        "quantity": new["quantity"],
        "unitPrice": new["unit_price"],
        "cost": new["cost"] or "0.00",
    }
    if new.get("sku_id"):
        payload["skuId"] = new["sku_id"]
    if item_st_id is not None and item_st_id > 0:
        payload["id"] = item_st_id
    return payload


def _tax_rate(invoice: Invoice) -> Decimal | None:
    code = (invoice.raw or {}).get("salesTaxCode")
    rate = code.get("taxRate") if isinstance(code, dict) else None
    if rate is None or isinstance(rate, bool):
        return None
    try:
        return Decimal(str(rate))
    except ArithmeticError:
        return None


def _invoice_retotal(invoice: Invoice, items: list[InvoiceItem], errors: Errors) -> None:
    """Recompute the invoice's subtotal, tax, total and balance from its items, and check
    them: the total cannot be negative, nor fall below what the customer already paid."""
    live = [item for item in items if item.active]
    subtotal = sum((item.total or Decimal(0) for item in live), Decimal(0))
    rate = _tax_rate(invoice)
    if rate is not None:
        taxable = sum(
            (item.total or Decimal(0) for item in live if (item.raw or {}).get("taxable")),
            Decimal(0),
        )
        tax = (max(taxable, Decimal(0)) * rate).quantize(CENT, ROUND_HALF_UP)
    else:
        tax = invoice.sales_tax or Decimal(0)
    total = subtotal + tax
    paid = Decimal(0)
    if invoice.total is not None and invoice.balance is not None:
        paid = invoice.total - invoice.balance
    if total < 0:
        errors.add(None, f"The invoice total would be negative (${total:,.2f}).")
    elif total < paid:
        errors.add(
            None,
            f"The invoice total would be ${total:,.2f}, less than the ${paid:,.2f} "
            "already paid on it.",
        )
    if errors:
        return
    invoice.sub_total = subtotal
    invoice.sales_tax = tax
    invoice.total = total
    invoice.balance = total - paid
    raw = dict(invoice.raw or {})
    raw.update(
        {
            "subTotal": format(subtotal, "f"),
            "salesTax": format(tax, "f"),
            "total": format(total, "f"),
            "balance": format(invoice.balance, "f"),
            "items": [
                {k: v for k, v in (item.raw or {}).items() if k not in ("invoiceId", "active")}
                for item in sorted(live, key=lambda i: (i.order or 0, i.st_id))
            ],
        }
    )
    invoice.raw = raw


def _invoice_items(invoice: Invoice, replacing: InvoiceItem) -> list[InvoiceItem]:
    others = InvoiceItem.objects.filter(
        connection_id=invoice.connection_id, invoice_st_id=invoice.st_id, active=True
    ).exclude(pk=replacing.pk)
    return [*others, replacing]


def _item_revalidate(organization: Organization, invoice: Invoice, packet: Packet | None) -> None:
    packets_revalidate(
        organization=organization,
        job_ids=[invoice.job_id] if invoice.job_id else [],
        packet=packet,
    )


def invoice_item_update(
    *,
    organization: Organization,
    user: User | None,
    item_id: int,
    data: Mapping[str, Any],
    reason: str = "",
    packet: Packet | None = None,
) -> Correction:
    """Change an invoice item's description, quantity, unit price, cost or SKU (the keys of
    `data` that are present: "description", "quantity", "unit_price", "cost", "sku")."""
    _check_packet(organization, packet)
    errors = Errors()
    reason = read_reason(reason, errors)
    with transaction.atomic():
        item = _locked(InvoiceItem, organization, item_id, active=True)
        invoice = _invoice_of(item)
        connection = invoice.connection
        current = V.invoice_item_values(item)
        new, sku = _read_item(data, errors, connection, current, item.sku_name, adding=False)
        errors.raise_if_any()
        before = _item_display(current, item.sku_name)
        after = _item_display(new, sku.code if sku else item.sku_name)
        fields = _changed(before, after, ITEM_FIELDS)
        if not fields:
            raise CorrectionInvalid({"__all__": [NOTHING_CHANGED]})
        base_version = item.st_modified_on
        _item_apply(item, new, sku)
        _invoice_retotal(invoice, _invoice_items(invoice, item), errors)
        errors.raise_if_any()
        item.save()
        invoice.save()
        correction = _record(
            connection=connection,
            user=user,
            packet=packet,
            target_type=TargetType.INVOICE_ITEM,
            operation=Operation.UPDATE,
            row=item,
            parent_st_id=invoice.st_id,
            fields=fields,
            before={k: before[k] for k in fields},
            after={k: after[k] for k in fields},
            reason=reason,
        )
        _queue(
            correction,
            kind=OutboxKind.INVOICE_ITEMS_UPDATE,
            target_key=f"invoice:{invoice.st_id}",
            target_st_id=invoice.st_id,
            record_st_id=item.st_id if item.st_id > 0 else None,
            record_row_id=item.pk,
            payload=_item_payload(new, item.st_id),
            base_version=base_version,
            base_values=current,
            new_values=new,
        )
    _item_revalidate(organization, invoice, packet)
    return correction


def invoice_item_add(
    *,
    organization: Organization,
    user: User | None,
    invoice_id: int,
    data: Mapping[str, Any],
    reason: str = "",
    packet: Packet | None = None,
) -> Correction:
    """Add an item to an invoice: description, quantity and unit price required; "sku" (a
    pricebook code) optional, its price and cost used when none is given."""
    _check_packet(organization, packet)
    errors = Errors()
    reason = read_reason(reason, errors)
    with transaction.atomic():
        invoice = _locked(Invoice, organization, invoice_id, active=True)
        connection = invoice.connection
        blank = dict.fromkeys(V.INVOICE_ITEM_FIELDS)
        new, sku = _read_item(data, errors, connection, blank, "", adding=True)
        if new.get("unit_price") is None and "unit_price" not in errors.by_field:
            errors.add("unit_price", "Enter a unit price.")
        if new.get("cost") is None:
            new["cost"] = "0.00"
        errors.raise_if_any()
        correction = _record(
            connection=connection,
            user=user,
            packet=packet,
            target_type=TargetType.INVOICE_ITEM,
            operation=Operation.CREATE,
            row=None,
            parent_st_id=invoice.st_id,
            fields=[name for name in ITEM_FIELDS if name != "sku" or sku is not None],
            before={},
            after=_item_display(new, sku.code if sku else ""),
            reason=reason,
        )
        last = (
            InvoiceItem.objects.filter(connection=connection, invoice_st_id=invoice.st_id)
            .aggregate(models.Max("order"))
            .get("order__max")
        )
        item = InvoiceItem(
            organization_id=organization.pk,
            connection=connection,
            st_id=-correction.pk,
            st_modified_on=None,
            active=True,
            synced_at=timezone.now(),
            invoice=invoice,
            invoice_st_id=invoice.st_id,
            item_type="Unspecified",
            order=(last or 0) + 1,
            raw={"order": (last or 0) + 1, "type": "Unspecified", "skuId": 0},
        )
        _item_apply(item, new, sku)
        _invoice_retotal(invoice, _invoice_items(invoice, item), errors)
        errors.raise_if_any()
        item.save()
        invoice.save()
        correction.target_row_id = item.pk
        correction.target_st_id = item.st_id
        _queue(
            correction,
            kind=OutboxKind.INVOICE_ITEM_ADD,
            target_key=f"invoice:{invoice.st_id}",
            target_st_id=invoice.st_id,
            record_st_id=None,
            record_row_id=item.pk,
            payload=_item_payload(new, None),
            new_values=new,
        )
    _item_revalidate(organization, invoice, packet)
    return correction


def invoice_item_remove(
    *,
    organization: Organization,
    user: User | None,
    item_id: int,
    reason: str = "",
    packet: Packet | None = None,
) -> Correction:
    """Remove an item from its invoice (the invoice is re-totalled)."""
    _check_packet(organization, packet)
    errors = Errors()
    reason = read_reason(reason, errors)
    errors.raise_if_any()
    with transaction.atomic():
        item = _locked(InvoiceItem, organization, item_id, active=True)
        invoice = _invoice_of(item)
        connection = invoice.connection
        current = V.invoice_item_values(item)
        before = _item_display(current, item.sku_name)
        item.active = False
        item.raw = {**(item.raw or {}), "active": False}
        _invoice_retotal(invoice, _invoice_items(invoice, item), errors)
        errors.raise_if_any()
        item.save()
        invoice.save()
        correction = _record(
            connection=connection,
            user=user,
            packet=packet,
            target_type=TargetType.INVOICE_ITEM,
            operation=Operation.DELETE,
            row=item,
            parent_st_id=invoice.st_id,
            fields=list(ITEM_FIELDS),
            before=before,
            after={},
            reason=reason,
        )
        _queue(
            correction,
            kind=OutboxKind.INVOICE_ITEM_DELETE,
            target_key=f"invoice:{invoice.st_id}",
            target_st_id=invoice.st_id,
            record_st_id=item.st_id if item.st_id > 0 else None,
            record_row_id=item.pk,
            payload={},
            base_version=item.st_modified_on,
            base_values=current,
        )
    _item_revalidate(organization, invoice, packet)
    return correction


# --- invoice fields -----------------------------------------------------------------------------

INVOICE_FIELDS = V.INVOICE_FIELDS


def _local_moment(day: dt.date, like: dt.datetime | None) -> dt.datetime:
    """`day` at the time of day `like` had (local time), or local midnight."""
    local_time = timezone.localtime(like).time() if like is not None else dt.time()
    return timezone.make_aware(dt.datetime.combine(day, local_time))


def invoice_update(
    *,
    organization: Organization,
    user: User | None,
    invoice_id: int,
    data: Mapping[str, Any],
    reason: str = "",
    packet: Packet | None = None,
) -> Correction:
    """Change an invoice's editable fields (those of ServiceTitan's InvoiceUpdateRequest a QA
    reviewer needs): "summary", "number", "invoiced_on", "due_date", "review_status"."""
    _check_packet(organization, packet)
    errors = Errors()
    reason = read_reason(reason, errors)
    with transaction.atomic():
        invoice = _locked(Invoice, organization, invoice_id, active=True)
        current = V.invoice_values(invoice)
        new = dict(current)
        summary = read_text(data, "summary", errors)
        if summary is not None:
            new["summary"] = summary
        number = read_text(data, "number", errors, required=True, max_length=50, label="a number")
        if number is not None:
            new["number"] = number
        for field in ("invoiced_on", "due_date"):
            day = read_date(data, field, errors)
            if day == "":
                errors.add(field, "Enter a date.")
            elif isinstance(day, dt.date):
                new[field] = day.isoformat()
        status = read_text(data, "review_status", errors)
        if status is not None:
            if status not in INVOICE_REVIEW_STATUSES:
                errors.add("review_status", "Choose one of ServiceTitan's review statuses.")
            else:
                new["review_status"] = status
        if (
            new["due_date"]
            and new["invoiced_on"]
            and new["due_date"] < new["invoiced_on"]
            and ("due_date" in data or "invoiced_on" in data)
        ):
            errors.add("due_date", "The due date cannot be before the invoice date.")
        errors.raise_if_any()
        fields = _changed(current, new, INVOICE_FIELDS)
        if not fields:
            raise CorrectionInvalid({"__all__": [NOTHING_CHANGED]})
        payload: dict[str, Any] = {}
        raw = dict(invoice.raw or {})
        if "summary" in fields:
            invoice.summary = payload["summary"] = raw["summary"] = new["summary"]
        if "number" in fields:
            invoice.reference_number = payload["number"] = raw["referenceNumber"] = new["number"]
        if "invoiced_on" in fields:
            moment = _local_moment(dt.date.fromisoformat(new["invoiced_on"]), invoice.invoice_date)
            invoice.invoice_date = moment
            stamp = moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            payload["invoicedOn"] = raw["invoiceDate"] = stamp
        if "due_date" in fields:
            due = dt.date.fromisoformat(new["due_date"])
            invoice.due_date = dt.datetime.combine(due, dt.time(), tzinfo=dt.UTC)
            payload["dueDate"] = new["due_date"]
            raw["dueDate"] = f"{new['due_date']}T00:00:00Z"
        if "review_status" in fields:
            invoice.review_status = payload["reviewStatus"] = raw["reviewStatus"] = new[
                "review_status"
            ]
        invoice.raw = raw
        invoice.save()
        correction = _record(
            connection=invoice.connection,
            user=user,
            packet=packet,
            target_type=TargetType.INVOICE,
            operation=Operation.UPDATE,
            row=invoice,
            parent_st_id=invoice.job_st_id,
            fields=fields,
            before={k: current[k] for k in fields},
            after={k: new[k] for k in fields},
            reason=reason,
        )
        _queue(
            correction,
            kind=OutboxKind.INVOICE_UPDATE,
            target_key=f"invoice:{invoice.st_id}",
            target_st_id=invoice.st_id,
            payload=payload,
            base_version=invoice.st_modified_on,
            base_values=V.pick(current, fields),
            new_values=V.pick(new, fields),
        )
    _item_revalidate(organization, invoice, packet)
    return correction


# --- customer contacts --------------------------------------------------------------------------

CONTACT_FIELDS = V.CONTACT_FIELDS


def _contact_raw(contact: CustomerContact) -> dict[str, Any]:
    raw = dict(contact.raw or {})
    raw.update(
        {
            "id": contact.st_id,
            "customerId": contact.customer_st_id,
            "active": contact.active,
            "type": contact.contact_type,
            "value": contact.value,
            "memo": contact.memo or None,
        }
    )
    if contact.contact_type != "Email":
        settings = raw.get("phoneSettings")
        raw["phoneSettings"] = {
            **(settings if isinstance(settings, dict) else {}),
            "phoneNumber": contact.value,
        }
    return raw


def _duplicate_contact(
    contact_type: str, value: str, customer: Customer, exclude: int | None
) -> bool:
    others = CustomerContact.objects.filter(
        connection_id=customer.connection_id,
        customer_st_id=customer.st_id,
        active=True,
        contact_type=contact_type,
    )
    if exclude is not None:
        others = others.exclude(pk=exclude)
    return any(V.contact_value(contact_type, other.value) == value for other in others)


def _customer_revalidate(
    organization: Organization, customer: Customer, packet: Packet | None
) -> None:
    packets_revalidate(organization=organization, customer_ids=[customer.pk], packet=packet)


def customer_contact_add(
    *,
    organization: Organization,
    user: User | None,
    customer_id: int,
    data: Mapping[str, Any],
    reason: str = "",
    packet: Packet | None = None,
) -> Correction:
    """Add an e-mail address or a phone, mobile or fax number to a customer ("type",
    "value", optional "memo"); phone numbers are stored as ten digits."""
    _check_packet(organization, packet)
    errors = Errors()
    reason = read_reason(reason, errors)
    with transaction.atomic():
        customer = _locked(Customer, organization, customer_id, active=True)
        read = read_contact(data, errors)
        if read is not None and _duplicate_contact(read[0], read[1], customer, None):
            errors.add("value", "The customer already has this contact.")
        errors.raise_if_any()
        assert read is not None
        kind, value, memo = read
        new = {"type": kind, "value": value, "memo": memo}
        correction = _record(
            connection=customer.connection,
            user=user,
            packet=packet,
            target_type=TargetType.CUSTOMER_CONTACT,
            operation=Operation.CREATE,
            row=None,
            parent_st_id=customer.st_id,
            fields=[name for name in CONTACT_FIELDS if name != "memo" or memo],
            before={},
            after=new,
            reason=reason,
        )
        now = timezone.now()
        contact = CustomerContact(
            organization_id=organization.pk,
            connection_id=customer.connection_id,
            st_id=-correction.pk,
            st_modified_on=None,
            active=True,
            synced_at=now,
            customer=customer,
            customer_st_id=customer.st_id,
            contact_type=kind,
            value=value,
            memo=memo,
            created_on=now,
            raw={},
        )
        contact.raw = _contact_raw(contact)
        contact.save()
        correction.target_row_id = contact.pk
        correction.target_st_id = contact.st_id
        _queue(
            correction,
            kind=OutboxKind.CUSTOMER_CONTACT_CREATE,
            target_key=f"customer:{customer.st_id}",
            target_st_id=customer.st_id,
            record_row_id=contact.pk,
            payload={"type": kind, "value": value, **({"memo": memo} if memo else {})},
            new_values=new,
        )
    _customer_revalidate(organization, customer, packet)
    return correction


def _contact_locked(
    organization: Organization, contact_id: int
) -> tuple[CustomerContact, Customer]:
    contact = _locked(CustomerContact, organization, contact_id, active=True)
    customer = (
        None
        if contact.customer_st_id is None
        else (
            Customer.objects.select_for_update()
            .filter(connection_id=contact.connection_id, st_id=contact.customer_st_id)
            .first()
        )
    )
    if customer is None:
        raise CorrectionInvalid({"__all__": ["This contact's customer has not been mirrored yet."]})
    return contact, customer


def customer_contact_update(
    *,
    organization: Organization,
    user: User | None,
    contact_id: int,
    data: Mapping[str, Any],
    reason: str = "",
    packet: Packet | None = None,
) -> Correction:
    """Change a customer contact's value (and type or memo when given)."""
    _check_packet(organization, packet)
    errors = Errors()
    reason = read_reason(reason, errors)
    with transaction.atomic():
        contact, customer = _contact_locked(organization, contact_id)
        current = V.contact_values(contact)
        merged = {
            "type": data.get("type") or contact.contact_type,
            "value": data.get("value", contact.value),
            "memo": data.get("memo", contact.memo),
        }
        read = read_contact(merged, errors)
        if read is not None and _duplicate_contact(read[0], read[1], customer, contact.pk):
            errors.add("value", "The customer already has this contact.")
        errors.raise_if_any()
        assert read is not None
        kind, value, memo = read
        new = {"type": kind, "value": value, "memo": memo}
        fields = _changed(current, new, CONTACT_FIELDS)
        if not fields:
            raise CorrectionInvalid({"__all__": [NOTHING_CHANGED]})
        base_version = contact.st_modified_on
        contact.contact_type, contact.value, contact.memo = kind, value, memo
        contact.raw = _contact_raw(contact)
        contact.save()
        correction = _record(
            connection=customer.connection,
            user=user,
            packet=packet,
            target_type=TargetType.CUSTOMER_CONTACT,
            operation=Operation.UPDATE,
            row=contact,
            parent_st_id=customer.st_id,
            fields=fields,
            before={k: current[k] for k in fields},
            after={k: new[k] for k in fields},
            reason=reason,
        )
        _queue(
            correction,
            kind=OutboxKind.CUSTOMER_CONTACT_UPDATE,
            target_key=f"customer:{customer.st_id}",
            target_st_id=customer.st_id,
            record_st_id=contact.st_id if contact.st_id > 0 else None,
            record_row_id=contact.pk,
            payload={"type": kind, "value": value, "memo": memo},
            base_version=base_version,
            base_values=current,
            new_values=new,
        )
    _customer_revalidate(organization, customer, packet)
    return correction


def customer_contact_remove(
    *,
    organization: Organization,
    user: User | None,
    contact_id: int,
    reason: str = "",
    packet: Packet | None = None,
) -> Correction:
    """Remove a contact from its customer."""
    _check_packet(organization, packet)
    errors = Errors()
    reason = read_reason(reason, errors)
    errors.raise_if_any()
    with transaction.atomic():
        contact, customer = _contact_locked(organization, contact_id)
        current = V.contact_values(contact)
        contact.active = False
        contact.raw = _contact_raw(contact)
        contact.save()
        correction = _record(
            connection=customer.connection,
            user=user,
            packet=packet,
            target_type=TargetType.CUSTOMER_CONTACT,
            operation=Operation.DELETE,
            row=contact,
            parent_st_id=customer.st_id,
            fields=[name for name in CONTACT_FIELDS if name != "memo" or current["memo"]],
            before=current,
            after={},
            reason=reason,
        )
        _queue(
            correction,
            kind=OutboxKind.CUSTOMER_CONTACT_DELETE,
            target_key=f"customer:{customer.st_id}",
            target_st_id=customer.st_id,
            record_st_id=contact.st_id if contact.st_id > 0 else None,
            record_row_id=contact.pk,
            payload={},
            base_version=contact.st_modified_on,
            base_values=current,
        )
    _customer_revalidate(organization, customer, packet)
    return correction


# --- addresses ----------------------------------------------------------------------------------

ADDRESS_FIELDS = V.ADDRESS_FIELDS


def _coordinates(row: Customer | Location, new: Mapping[str, str]) -> tuple[Any, Any]:
    """Coordinates to send with a corrected address.

    A location's may be left empty (ServiceTitan takes null there). A customer's address
    update requires numbers, and AutoFile does not geocode: it uses the coordinates of the
    customer's location at the same street and ZIP when there is one, else keeps the
    customer's current ones.
    """
    if isinstance(row, Location):
        return None, None
    same_place = (
        Location.objects.filter(
            connection_id=row.connection_id,
            customer_st_id=row.st_id,
            street__iexact=new["street"],
            zip=new["zip"],
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .values_list("latitude", "longitude")
        .first()
    )
    if same_place is not None:
        return same_place
    address = (row.raw or {}).get("address")
    address = address if isinstance(address, dict) else {}
    latitude, longitude = address.get("latitude"), address.get("longitude")
    if isinstance(latitude, int | float) and isinstance(longitude, int | float):
        return latitude, longitude
    return 0.0, 0.0


def _address_apply(
    row: Customer | Location, new: Mapping[str, str], coordinates: tuple[Any, Any]
) -> None:
    for name in ADDRESS_FIELDS:
        setattr(row, name, new[name])
    raw = dict(row.raw or {})
    address = dict(raw["address"]) if isinstance(raw.get("address"), dict) else {}
    address.update(new)
    address["latitude"], address["longitude"] = coordinates
    if isinstance(row, Location):
        row.latitude, row.longitude = coordinates
    raw["address"] = address
    row.raw = raw


def _address_update(
    *,
    model: type[Customer] | type[Location],
    organization: Organization,
    user: User | None,
    row_id: int,
    data: Mapping[str, Any],
    reason: str,
    packet: Packet | None,
) -> tuple[Correction, Customer | Location]:
    _check_packet(organization, packet)
    errors = Errors()
    reason = read_reason(reason, errors)
    with transaction.atomic():
        row = _locked(model, organization, row_id, active=True)
        current = V.address_values(row)
        new = read_address(data, errors)
        errors.raise_if_any()
        assert new is not None
        fields = _changed(current, new, ADDRESS_FIELDS)
        if not fields:
            raise CorrectionInvalid({"__all__": [NOTHING_CHANGED]})
        base_version = row.st_modified_on
        latitude, longitude = _coordinates(row, new)
        _address_apply(row, new, (latitude, longitude))
        row.save()
        is_customer = isinstance(row, Customer)
        correction = _record(
            connection=row.connection,
            user=user,
            packet=packet,
            target_type=TargetType.CUSTOMER if is_customer else TargetType.LOCATION,
            operation=Operation.UPDATE,
            row=row,
            parent_st_id=None if is_customer else row.customer_st_id,  # type: ignore[union-attr]
            fields=fields,
            before={k: current[k] for k in fields},
            after={k: new[k] for k in fields},
            reason=reason,
        )
        kind = OutboxKind.CUSTOMER_UPDATE if is_customer else OutboxKind.LOCATION_UPDATE
        _queue(
            correction,
            kind=kind,
            target_key=f"{'customer' if is_customer else 'location'}:{row.st_id}",
            target_st_id=row.st_id,
            # The whole address: ServiceTitan's address models require every part.
            payload={"address": {**new, "latitude": latitude, "longitude": longitude}},
            base_version=base_version,
            base_values=current,
            new_values=dict(new),
        )
    return correction, row


def customer_address_update(
    *,
    organization: Organization,
    user: User | None,
    customer_id: int,
    data: Mapping[str, Any],
    reason: str = "",
    packet: Packet | None = None,
) -> Correction:
    """Correct a customer's (billing) address: "street", "unit", "city", "state", "zip",
    optional "country" (USA)."""
    correction, customer = _address_update(
        model=Customer,
        organization=organization,
        user=user,
        row_id=customer_id,
        data=data,
        reason=reason,
        packet=packet,
    )
    packets_revalidate(organization=organization, customer_ids=[customer.pk], packet=packet)
    return correction


def location_address_update(
    *,
    organization: Organization,
    user: User | None,
    location_id: int,
    data: Mapping[str, Any],
    reason: str = "",
    packet: Packet | None = None,
) -> Correction:
    """Correct a location's (install) address; same fields as the customer's."""
    correction, location = _address_update(
        model=Location,
        organization=organization,
        user=user,
        row_id=location_id,
        data=data,
        reason=reason,
        packet=packet,
    )
    packets_revalidate(organization=organization, location_ids=[location.pk], packet=packet)
    return correction


# --- the utility account number ------------------------------------------------------------------

#: The location custom field AutoFile reads the number from when it has none of its own.
UTILITY_ACCOUNT_FIELD = "Utility Account Number"
UTILITY_ACCOUNT = re.compile(r"^[0-9A-Za-z][0-9A-Za-z \-]{3,48}[0-9A-Za-z]$")


def utility_account_current(location: Location) -> str:
    """The number AutoFile knows for a location: its own record, else ServiceTitan's
    custom field (the connection's field, else "Utility Account Number")."""
    record = UtilityAccount.objects.filter(location_id=location.pk).first()
    if record is not None:
        return record.number
    name = location.connection.utility_account_field or UTILITY_ACCOUNT_FIELD
    return custom_field(location.raw, name)


def utility_account_number_set(
    *,
    organization: Organization,
    user: User | None,
    location_id: int,
    number: str,
    reason: str = "",
    origin: str = "",
    packet: Packet | None = None,
) -> Correction:
    """Record the utility account number of an install location (mirror pk `location_id`).

    AutoFile keeps it beside the mirror (a sync never overwrites it) and records the
    Correction; when the connection names a location custom field for it, the number is
    queued for ServiceTitan in the same transaction (else the correction is "kept in
    AutoFile"). `origin` says who entered it ("the homeowner via request #12"); it defaults
    to the user's name. The location's open packets are re-validated.
    """
    _check_packet(organization, packet)
    errors = Errors()
    reason = read_reason(reason, errors)
    value = " ".join(str(number or "").split())
    if not value:
        errors.add("number", "Enter the utility account number.")
    elif not UTILITY_ACCOUNT.match(value):
        errors.add(
            "number",
            "A utility account number has 5 to 50 letters, digits, spaces or dashes.",
        )
    with transaction.atomic():
        location = _locked(Location, organization, location_id, active=True)
        current = utility_account_current(location)
        if not errors and value == current:
            errors.add("number", NOTHING_CHANGED)
        errors.raise_if_any()
        author = _author(user)
        if not origin:
            origin = f"entered by {author.get_full_name() or author.username}" if author else ""
        UtilityAccount.objects.update_or_create(
            location=location,
            defaults={
                "organization_id": organization.pk,
                "number": value,
                "origin": origin[:255],
                "updated_by": author,
            },
        )
        connection = location.connection
        correction = _record(
            connection=connection,
            user=user,
            packet=packet,
            target_type=TargetType.LOCATION,
            operation=Operation.UPDATE,
            row=location,
            parent_st_id=location.customer_st_id,
            fields=["utility_account_number"],
            before={"utility_account_number": current},
            after={"utility_account_number": value},
            reason=reason or origin,
        )
        field_name = connection.utility_account_field.strip()
        if field_name:
            key = V.custom_field_key(field_name)
            _queue(
                correction,
                kind=OutboxKind.LOCATION_CUSTOM_FIELD_UPDATE,
                target_key=f"location:{location.st_id}",
                target_st_id=location.st_id,
                payload={"name": field_name, "value": value},
                base_version=location.st_modified_on,
                base_values={key: custom_field(location.raw, field_name)},
                new_values={key: value},
            )
        else:
            correction.delivery_status = DeliveryStatus.LOCAL
            correction.save(update_fields=["delivery_status"])
    packets_revalidate(organization=organization, location_ids=[location.pk], packet=packet)
    return correction


# --- job tags (coordinators) ----------------------------------------------------------------------


def _job_tag(
    *,
    organization: Organization,
    user: User | None,
    job_id: int,
    tag_type_id: int | str,
    add: bool,
    reason: str,
    packet: Packet | None,
) -> Correction:
    _check_packet(organization, packet)
    errors = Errors()
    reason = read_reason(reason, errors)
    with transaction.atomic():
        job = _locked(Job, organization, job_id)
        try:
            tag_st_id = int(tag_type_id)
        except (TypeError, ValueError):
            tag_st_id = 0
        tag = TagType.objects.filter(connection_id=job.connection_id, st_id=tag_st_id).first()
        if tag is None or (add and not tag.active):
            errors.add("tag_type_id", "Choose a tag.")
        elif add and tag_st_id in job.tag_type_ids:
            errors.add("tag_type_id", f"The job is already tagged {tag.name}.")
        elif not add and tag_st_id not in job.tag_type_ids:
            errors.add("tag_type_id", f"The job is not tagged {tag.name}.")
        errors.raise_if_any()
        before = sorted(job.tag_type_ids)
        after = sorted({*before, tag_st_id}) if add else [t for t in before if t != tag_st_id]
        job.tag_type_ids = after
        job.raw = {**(job.raw or {}), "tagTypeIds": after}
        job.save(update_fields=["tag_type_ids", "raw"])
        correction = _record(
            connection=job.connection,
            user=user,
            packet=packet,
            target_type=TargetType.JOB,
            operation=Operation.TAG_ADD if add else Operation.TAG_REMOVE,
            row=job,
            parent_st_id=None,
            fields=["tag_type_ids"],
            before={"tag_type_ids": before},
            after={"tag_type_ids": after},
            reason=reason,
        )
        _queue(
            correction,
            kind=OutboxKind.JOB_TAG_ADD if add else OutboxKind.JOB_TAG_REMOVE,
            target_key=f"job:{job.st_id}",
            target_st_id=job.st_id,
            payload={"tagTypeId": tag_st_id},
            base_version=job.st_modified_on,
            base_values={"tag_type_ids": before},
            new_values={"tag_type_id": tag_st_id, "present": add},
        )
    packets_revalidate(organization=organization, job_ids=[job.pk], packet=packet)
    return correction


def job_tag_add(
    *,
    organization: Organization,
    user: User | None,
    job_id: int,
    tag_type_id: int | str,
    reason: str = "",
    packet: Packet | None = None,
) -> Correction:
    """Tag a job (a coordinator marking it "Rebate Needed", say); written to ServiceTitan
    through the outbox like any correction."""
    return _job_tag(
        organization=organization,
        user=user,
        job_id=job_id,
        tag_type_id=tag_type_id,
        add=True,
        reason=reason,
        packet=packet,
    )


def job_tag_remove(
    *,
    organization: Organization,
    user: User | None,
    job_id: int,
    tag_type_id: int | str,
    reason: str = "",
    packet: Packet | None = None,
) -> Correction:
    """Untag a job."""
    return _job_tag(
        organization=organization,
        user=user,
        job_id=job_id,
        tag_type_id=tag_type_id,
        add=False,
        reason=reason,
        packet=packet,
    )


# --- what the program needs to know that ServiceTitan does not hold -------------------------------

PACKET_FACTS = (
    "income_tier",
    "reservation_number",
    "reservation_issued_on",
    "reservation_expires_on",
)


def packet_program_facts_set(
    *,
    organization: Organization,
    user: User | None,
    packet_id: int,
    income_tier: str,
    reservation_number: str,
    reservation_issued_on: dt.date | None,
    reservation_expires_on: dt.date | None,
) -> Packet:
    """Record the household's income tier and the program's reservation (pre-approval)
    number and dates on a packet: kept in AutoFile (ServiceTitan has no place for them),
    recorded as a packet event naming who did it, then the packet is validated again."""
    errors = Errors()
    number = " ".join(str(reservation_number or "").split())
    if income_tier and income_tier not in IncomeTier.values:
        errors.add("income_tier", "Choose one of the program's income tiers.")
    if len(number) > 100:
        errors.add("reservation_number", "At most 100 characters.")
    if (reservation_issued_on or reservation_expires_on) and not number:
        errors.add("reservation_number", "Enter the reservation number these dates belong to.")
    if (
        reservation_issued_on
        and reservation_expires_on
        and reservation_expires_on < reservation_issued_on
    ):
        errors.add("reservation_expires_on", "The reservation expires before it was issued.")
    with transaction.atomic():
        packet = (
            Packet.objects.select_for_update()
            .filter(organization=organization, pk=packet_id)
            .first()
        )
        if packet is None:
            raise Http404("No such packet")
        if packet.status in FINAL_STATUSES:
            errors.add(None, f"The packet is {packet.get_status_display().lower()}: it is final.")
        new = {
            "income_tier": income_tier or "",
            "reservation_number": number,
            "reservation_issued_on": reservation_issued_on,
            "reservation_expires_on": reservation_expires_on,
        }
        before = {name: getattr(packet, name) for name in PACKET_FACTS}
        if not errors and new == before:
            errors.add(None, NOTHING_CHANGED)
        errors.raise_if_any()
        for name, value in new.items():
            setattr(packet, name, value)
        packet.save(update_fields=[*PACKET_FACTS, "updated_at"])

        def shown(values: Mapping[str, Any]) -> dict[str, Any]:
            return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}

        PacketEvent.objects.create(
            organization_id=packet.organization_id,
            packet=packet,
            action=PacketEvent.Action.PROGRAM_FACTS,
            from_status=packet.status,
            to_status=packet.status,
            user=_author(user),
            data={"before": shown(before), "after": shown(new)},
        )
        packets_revalidate(organization=organization, packet=packet)
    return packet
