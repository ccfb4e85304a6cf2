"""Corrections from the packet page, and what a person does about their write-backs.

Invoice items (edit, add, remove), invoice fields, customer contacts (add, edit, remove),
the customer's and the install location's address. Each form is one URL: GET shows it (htmx:
in place of the row or block it edits; without JavaScript: a page of its own), POST saves it
through the correction service. Saved, htmx gets the section of the packet page that changed
and, out of band, the findings, the head (counts, actions) and the timeline; without htmx
the browser is redirected to the packet page. Refused, the form comes back with each message
beside its field and the input kept.

Write-backs: retry a failed one, resolve a conflict with "apply mine" or "take theirs", and
`deliveries`, which a page polls while corrections are on their way to ServiceTitan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from autofile.accounts.decorators import ANY_ROLE, role_required
from autofile.core.forms import add_errors
from autofile.core.htmx import redirect_page
from autofile.mirror.mappers import INVOICE_REVIEW_STATUSES
from autofile.mirror.models import (
    Customer,
    CustomerContact,
    Invoice,
    InvoiceItem,
    Location,
    MirrorRecord,
)
from autofile.packets.models import Packet
from autofile.review import selectors, services
from autofile.review.forms import (
    CONTACT_TYPE_LABELS,
    AddressForm,
    ContactForm,
    CorrectionForm,
    InvoiceForm,
    InvoiceItemAddForm,
    InvoiceItemForm,
    PacketFactsForm,
    RemoveForm,
    UtilityAccountForm,
)
from autofile.review.models import MOVING_STATUSES, Correction
from autofile.review.selectors import WORKER_ROLES
from autofile.review.validation import CorrectionInvalid
from autofile.review.views import (
    is_htmx,
    organization_of,
    packet_sections,
    page_or_404,
    safe_next,
    user_of,
)
from autofile.writeback import values as V
from autofile.writeback.services import (
    OutboxStateError,
    outbox_resolve_mine,
    outbox_resolve_theirs,
    outbox_retry,
)

FORM_TEMPLATE = "review/correction_form.html"
ITEM_COLUMNS = 8  # SKU, description, quantity, unit price, unit cost, total, status, actions
CONTACT_COLUMNS = 5  # type, value, memo, status, actions
WIDE_FIELDS = ("description", "summary", "reason", "street")

Save = Callable[..., Correction]
R = TypeVar("R", bound=MirrorRecord)


@dataclass
class Editing:
    """One correction form: what it edits, where it shows, where the page goes after."""

    title: str
    form: CorrectionForm
    action_url: str
    dom_id: str  # the element of the packet page the form replaces
    section: str  # the part of the packet page shown again after saving
    as_row: bool = False
    colspan: int = 1
    submit_label: str = "Save"
    removing: bool = False
    note: str = ""


def _packet_param(request: HttpRequest) -> Packet | None:
    """The packet page the form was opened from (?packet= or a hidden field), if any."""
    raw = request.POST.get("packet") or request.GET.get("packet") or ""
    if not raw:
        return None
    packet = (
        Packet.objects.filter(organization=organization_of(request), pk=int(raw)).first()
        if raw.isdigit()
        else None
    )
    if packet is None:
        raise Http404("No such packet")
    return packet


def _packet_url(packet: Packet | None, anchor: str = "") -> str:
    if packet is None:
        return ""
    url = reverse("review:packet_detail", args=[packet.pk])
    return f"{url}#{anchor}" if anchor else url


def _form_response(
    request: HttpRequest, packet: Packet | None, editing: Editing, status: int = 200
) -> HttpResponse:
    editing.form.auto_id = f"{editing.dom_id}-%s"  # several forms may be open on one page
    context = {
        "editing": editing,
        "form": editing.form,
        "wide_fields": WIDE_FIELDS,
        "packet": packet,
        "packet_url": _packet_url(packet),
        "cancel_url": _packet_url(packet, editing.dom_id) or reverse("review:queue"),
    }
    if is_htmx(request):
        return render(request, f"{FORM_TEMPLATE}#correction-form", context, status=status)
    return render(request, FORM_TEMPLATE, context, status=status)


def _saved(
    request: HttpRequest, packet: Packet | None, editing: Editing, correction: Correction
) -> HttpResponse:
    what = f"{correction.get_operation_display()} {correction.get_target_type_display().lower()}"
    done = f"{what}: saved, and on its way to ServiceTitan."
    if packet is None:
        messages.success(request, done)
        return redirect_page(request, request.path)
    if is_htmx(request):
        page = page_or_404(request, packet.pk)
        return packet_sections(request, page, editing.section, saved=correction)
    messages.success(request, done)
    return redirect(_packet_url(packet, editing.dom_id))


def _correct(request: HttpRequest, editing: Editing, save: Save) -> HttpResponse:
    """Show the form (GET) or save the correction (POST)."""
    packet = _packet_param(request)
    if request.method == "POST":
        form = editing.form
        reason = form.reason_text or request.headers.get("HX-Prompt", "").strip()
        if form.refuse_unreadable_input():
            return _form_response(request, packet, editing)
        try:
            data = {} if editing.removing else {"data": form.changes()}
            correction = save(reason=reason, packet=packet, **data)
        except CorrectionInvalid as exc:
            add_errors(form, exc)
        else:
            return _saved(request, packet, editing, correction)
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    return _form_response(request, packet, editing)


def _bound(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _active_or_404(request: HttpRequest, model: type[R], pk: int, what: str) -> R:
    """The organization's `model` row `pk`, if ServiceTitan still has it (a removed record
    is not corrected); 404 for anyone else's."""
    row = model._default_manager.filter(
        organization=organization_of(request), pk=pk, active=True
    ).first()
    if row is None:
        raise Http404(f"No such {what}")
    return row


def _invoice_pk(item: InvoiceItem) -> int:
    if item.invoice_id:
        return item.invoice_id
    if item.invoice_st_id is None:
        return 0
    invoice = Invoice.objects.filter(
        connection_id=item.connection_id, st_id=item.invoice_st_id
    ).first()
    return invoice.pk if invoice else 0


def _item_name(item: InvoiceItem) -> str:
    return item.display_name or item.sku_name or item.description[:60] or f"item {item.st_id}"


# --- invoice items --------------------------------------------------------------------------------


@role_required(*WORKER_ROLES)
def invoice_item_edit(request: HttpRequest, invoice_item_id: int) -> HttpResponse:
    """Change an item's SKU, description, quantity, unit price or cost."""
    item = _active_or_404(request, InvoiceItem, invoice_item_id, "invoice item")
    initial = {
        "sku": item.sku_name,
        "description": item.description,
        "quantity": V.quantity_text(item.quantity) or "",
        "unit_price": V.money_text(item.unit_price) or "",
        "cost": V.money_text(item.cost) or "",
    }
    editing = Editing(
        title=f"Invoice item “{_item_name(item)}”",
        form=InvoiceItemForm(_bound(request), initial=initial),
        action_url=reverse("review:invoice_item_edit", args=[item.pk]),
        dom_id=f"item-{item.pk}",
        section=f"invoice-{_invoice_pk(item)}",
        as_row=True,
        colspan=ITEM_COLUMNS,
        submit_label="Save item",
        note="The invoice is re-totalled from its items.",
    )
    organization, user = organization_of(request), user_of(request)
    return _correct(
        request,
        editing,
        lambda **kw: services.invoice_item_update(
            organization=organization, user=user, item_id=item.pk, **kw
        ),
    )


@role_required(*WORKER_ROLES)
def invoice_item_add(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """Add an item to an invoice (a pricebook SKU fills in its price and cost)."""
    invoice = _active_or_404(request, Invoice, invoice_id, "invoice")
    editing = Editing(
        title=f"New item on invoice {invoice.reference_number or invoice.st_id}",
        form=InvoiceItemAddForm(_bound(request), initial={"quantity": "1"}),
        action_url=reverse("review:invoice_item_add", args=[invoice.pk]),
        dom_id=f"item-new-{invoice.pk}",
        section=f"invoice-{invoice.pk}",
        as_row=True,
        colspan=ITEM_COLUMNS,
        submit_label="Add item",
        note="Give a pricebook SKU and its price and cost are used unless you enter them.",
    )
    organization, user = organization_of(request), user_of(request)
    return _correct(
        request,
        editing,
        lambda **kw: services.invoice_item_add(
            organization=organization, user=user, invoice_id=invoice.pk, **kw
        ),
    )


@role_required(*WORKER_ROLES)
def invoice_item_remove(request: HttpRequest, invoice_item_id: int) -> HttpResponse:
    """Remove an item from its invoice (GET asks first, for pages without JavaScript)."""
    item = _active_or_404(request, InvoiceItem, invoice_item_id, "invoice item")
    editing = Editing(
        title=f"Remove invoice item “{_item_name(item)}”?",
        form=RemoveForm(_bound(request)),
        action_url=reverse("review:invoice_item_remove", args=[item.pk]),
        dom_id=f"item-{item.pk}",
        section=f"invoice-{_invoice_pk(item)}",
        as_row=True,
        colspan=ITEM_COLUMNS,
        submit_label="Remove item",
        removing=True,
        note="The item is deleted from the invoice in ServiceTitan and the invoice re-totalled.",
    )
    organization, user = organization_of(request), user_of(request)
    return _correct(
        request,
        editing,
        lambda **kw: services.invoice_item_remove(
            organization=organization, user=user, item_id=item.pk, **kw
        ),
    )


# --- invoice fields -------------------------------------------------------------------------------


@role_required(*WORKER_ROLES)
def invoice_edit(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """Change an invoice's number, dates, review status or summary."""
    invoice = _active_or_404(request, Invoice, invoice_id, "invoice")
    values = V.invoice_values(invoice)
    editing = Editing(
        title=f"Invoice {invoice.reference_number or invoice.st_id}",
        form=InvoiceForm(
            _bound(request),
            initial={name: values[name] or "" for name in values},
            review_statuses=INVOICE_REVIEW_STATUSES,
        ),
        action_url=reverse("review:invoice_edit", args=[invoice.pk]),
        dom_id=f"invoice-{invoice.pk}-fields",
        section=f"invoice-{invoice.pk}",
        submit_label="Save invoice",
    )
    organization, user = organization_of(request), user_of(request)
    return _correct(
        request,
        editing,
        lambda **kw: services.invoice_update(
            organization=organization, user=user, invoice_id=invoice.pk, **kw
        ),
    )


# --- customer contacts ----------------------------------------------------------------------------


@role_required(*WORKER_ROLES)
def contact_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Add an e-mail address or a phone, mobile or fax number to the customer."""
    customer = _active_or_404(request, Customer, customer_id, "customer")
    editing = Editing(
        title=f"New contact for {customer.name}",
        form=ContactForm(_bound(request), initial={"type": "Email"}),
        action_url=reverse("review:contact_add", args=[customer.pk]),
        dom_id="contact-new",
        section="customer",
        as_row=True,
        colspan=CONTACT_COLUMNS,
        submit_label="Add contact",
    )
    organization, user = organization_of(request), user_of(request)
    return _correct(
        request,
        editing,
        lambda **kw: services.customer_contact_add(
            organization=organization, user=user, customer_id=customer.pk, **kw
        ),
    )


@role_required(*WORKER_ROLES)
def contact_edit(request: HttpRequest, customer_contact_id: int) -> HttpResponse:
    """Correct a contact's value (and type or memo)."""
    contact = _active_or_404(request, CustomerContact, customer_contact_id, "contact")
    kind = CONTACT_TYPE_LABELS.get(contact.contact_type, contact.contact_type)
    editing = Editing(
        title=f"{kind} {contact.value}",
        form=ContactForm(_bound(request), initial=V.contact_values(contact)),
        action_url=reverse("review:contact_edit", args=[contact.pk]),
        dom_id=f"contact-{contact.pk}",
        section="customer",
        as_row=True,
        colspan=CONTACT_COLUMNS,
        submit_label="Save contact",
    )
    organization, user = organization_of(request), user_of(request)
    return _correct(
        request,
        editing,
        lambda **kw: services.customer_contact_update(
            organization=organization, user=user, contact_id=contact.pk, **kw
        ),
    )


@role_required(*WORKER_ROLES)
def contact_remove(request: HttpRequest, customer_contact_id: int) -> HttpResponse:
    """Remove a contact from the customer (GET asks first, for pages without JavaScript)."""
    contact = _active_or_404(request, CustomerContact, customer_contact_id, "contact")
    kind = CONTACT_TYPE_LABELS.get(contact.contact_type, contact.contact_type)
    editing = Editing(
        title=f"Remove the {kind.lower()} {contact.value}?",
        form=RemoveForm(_bound(request)),
        action_url=reverse("review:contact_remove", args=[contact.pk]),
        dom_id=f"contact-{contact.pk}",
        section="customer",
        as_row=True,
        colspan=CONTACT_COLUMNS,
        submit_label="Remove contact",
        removing=True,
    )
    organization, user = organization_of(request), user_of(request)
    return _correct(
        request,
        editing,
        lambda **kw: services.customer_contact_remove(
            organization=organization, user=user, contact_id=contact.pk, **kw
        ),
    )


# --- addresses ------------------------------------------------------------------------------------


@role_required(*WORKER_ROLES)
def customer_address(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Correct the customer's (billing) address."""
    customer = _active_or_404(request, Customer, customer_id, "customer")
    editing = Editing(
        title=f"Address of {customer.name}",
        form=AddressForm(_bound(request), initial=V.address_values(customer)),
        action_url=reverse("review:customer_address", args=[customer.pk]),
        dom_id="customer-address",
        section="customer",
        submit_label="Save address",
    )
    organization, user = organization_of(request), user_of(request)
    return _correct(
        request,
        editing,
        lambda **kw: services.customer_address_update(
            organization=organization, user=user, customer_id=customer.pk, **kw
        ),
    )


@role_required(*WORKER_ROLES)
def location_address(request: HttpRequest, location_id: int) -> HttpResponse:
    """Correct the install location's address."""
    location = _active_or_404(request, Location, location_id, "location")
    editing = Editing(
        title=f"Install address {location}",
        form=AddressForm(_bound(request), initial=V.address_values(location)),
        action_url=reverse("review:location_address", args=[location.pk]),
        dom_id="location-address",
        section="location",
        submit_label="Save address",
        note="ServiceTitan geocodes the new address.",
    )
    organization, user = organization_of(request), user_of(request)
    return _correct(
        request,
        editing,
        lambda **kw: services.location_address_update(
            organization=organization, user=user, location_id=location.pk, **kw
        ),
    )


@role_required(*WORKER_ROLES)
def location_utility_account(request: HttpRequest, location_id: int) -> HttpResponse:
    """Record the install location's utility account number (kept in AutoFile, written to
    ServiceTitan's location custom field when the connection names one)."""
    location = _active_or_404(request, Location, location_id, "location")
    field = location.connection.utility_account_field
    editing = Editing(
        title=f"Utility account number of {location}",
        form=UtilityAccountForm(
            _bound(request), initial={"number": services.utility_account_current(location)}
        ),
        action_url=reverse("review:location_utility_account", args=[location.pk]),
        dom_id="location-utility-account",
        section="location",
        submit_label="Save number",
        note=f"Written to the location's “{field}” field in ServiceTitan."
        if field
        else "Kept in AutoFile: the connection names no ServiceTitan field for it.",
    )
    organization, user = organization_of(request), user_of(request)
    return _correct(
        request,
        editing,
        lambda *, data, **kw: services.utility_account_number_set(
            organization=organization,
            user=user,
            location_id=location.pk,
            number=data.get("number", ""),
            **kw,
        ),
    )


# --- what the program needs to know that ServiceTitan does not hold -------------------------------


@role_required(*WORKER_ROLES)
def packet_facts(request: HttpRequest, packet_id: int) -> HttpResponse:
    """Record the household's income tier and the program's reservation number and dates
    (kept in AutoFile, recorded with who did it; the packet is validated again)."""
    packet = Packet.objects.filter(organization=organization_of(request), pk=packet_id).first()
    if packet is None:
        raise Http404("No such packet")
    form = PacketFactsForm(
        _bound(request), initial={name: getattr(packet, name) for name in services.PACKET_FACTS}
    )
    editing = Editing(
        title=f"Income tier and reservation of packet #{packet.pk}",
        form=form,  # type: ignore[arg-type]
        action_url=reverse("review:packet_facts", args=[packet.pk]),
        dom_id="packet-facts",
        section="location",
        submit_label="Save",
        note="Kept in AutoFile: ServiceTitan has no place for these.",
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.packet_program_facts_set(
                    organization=organization_of(request),
                    user=user_of(request),
                    packet_id=packet.pk,
                    **{name: form.cleaned_data[name] for name in services.PACKET_FACTS},
                )
            except CorrectionInvalid as exc:
                add_errors(form, exc)
            else:
                if is_htmx(request):
                    return packet_sections(request, page_or_404(request, packet.pk), "location")
                messages.success(request, "Income tier and reservation saved.")
                return redirect(_packet_url(packet, "packet-facts"))
        return _form_response(request, packet, editing, status=422)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    return _form_response(request, packet, editing)


# --- write-backs: retry, resolve, live status -----------------------------------------------------


def _correction_or_404(request: HttpRequest, correction_id: int) -> Correction:
    correction = selectors.correction_get(
        organization=organization_of(request), correction_id=correction_id
    )
    if correction is None:
        raise Http404("No such correction")
    return correction


def _after_delivery_action(
    request: HttpRequest,
    correction: Correction,
    *,
    error: str,
    done: str,
    mirror_changed: bool = False,
) -> HttpResponse:
    packet = _packet_param(request) or correction.packet
    if is_htmx(request) and packet is not None:
        page = page_or_404(request, packet.pk)
        also: tuple[str, ...] = ("findings", "packet-head", "timeline")
        if mirror_changed:
            also += ("packet-body",)
        return packet_sections(
            request,
            page,
            "timeline",
            also=also,
            delivery_notice=error or done,
            delivery_notice_is_error=bool(error),
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    default = (
        _packet_url(packet, f"correction-{correction.pk}")
        if packet
        else reverse("coordinators:home")
    )
    return redirect_page(request, safe_next(request, default))


@require_POST
@role_required(*WORKER_ROLES)
def correction_retry(request: HttpRequest, correction_id: int) -> HttpResponse:
    """Send a failed write-back again (after its cause was fixed)."""
    correction = _correction_or_404(request, correction_id)
    error = ""
    if correction.outbox_message_id is None:
        error = "This correction has no write-back to retry."
    else:
        try:
            outbox_retry(
                organization=organization_of(request),
                message_id=correction.outbox_message_id,
                user=user_of(request),
            )
        except OutboxStateError as exc:
            error = str(exc)
    return _after_delivery_action(
        request, correction, error=error, done="Sending the change to ServiceTitan again."
    )


@require_POST
@role_required(*WORKER_ROLES)
def correction_resolve(request: HttpRequest, correction_id: int) -> HttpResponse:
    """Resolve a conflict: "mine" writes AutoFile's values over ServiceTitan's newer
    version; "theirs" keeps ServiceTitan's (the mirror takes it, the correction is
    discarded)."""
    correction = _correction_or_404(request, correction_id)
    keep = request.POST.get("keep", "")
    organization, user = organization_of(request), user_of(request)
    error = ""
    done = ""
    if correction.outbox_message_id is None:
        error = "This correction has no write-back."
    elif keep not in ("mine", "theirs"):
        error = "Choose whose version to keep."
    else:
        try:
            if keep == "mine":
                outbox_resolve_mine(
                    organization=organization, message_id=correction.outbox_message_id, user=user
                )
                done = "Your version goes to ServiceTitan, over the newer one there."
            else:
                outbox_resolve_theirs(
                    organization=organization, message_id=correction.outbox_message_id, user=user
                )
                done = "Kept ServiceTitan's version; your change was discarded."
        except OutboxStateError as exc:
            error = str(exc)
    return _after_delivery_action(
        request, correction, error=error, done=done, mirror_changed=keep == "theirs" and not error
    )


def _polled(request: HttpRequest) -> dict[int, str]:
    """{correction id: status the page shows} from ?c=<id>:<status>."""
    known: dict[int, str] = {}
    for pair in request.GET.getlist("c")[:200]:
        raw_id, _, status = pair.partition(":")
        if raw_id.isdigit():
            known[int(raw_id)] = status
    return known


@require_GET
@role_required(*ANY_ROLE)
def deliveries(request: HttpRequest) -> HttpResponse:
    """The delivery statuses of corrections a page shows, polled while any is on its way.

    Answers the poller (still polling the ones that move) and, out of band, each status
    badge (by class, so every place showing it updates). When a status changed, the page
    gets a `deliveries-changed` event: the packet page reloads its timeline and findings.
    """
    known = _polled(request)
    corrections = selectors.corrections_get(
        organization=organization_of(request), correction_ids=list(known)
    )
    moving = [c for c in corrections if c.delivery_status in MOVING_STATUSES]
    context = {"polled": corrections, "moving": moving, "with_badges": True}
    response = render(request, "review/_delivery.html#delivery-poll", context)
    if any(known.get(c.pk) != c.delivery_status for c in corrections):
        trigger_client_event(response, "deliveries-changed", after="settle")
    return response
