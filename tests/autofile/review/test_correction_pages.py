"""Correction forms on the packet page: in place with htmx, as pages without it; errors
beside their fields with the input kept; saved, the section, findings, head and timeline
come back; write-backs that need a person (retry, conflicts); the live delivery poll."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from autofile.accounts.models import Organization, Role, User
from autofile.mirror.models import CustomerContact, InvoiceItem
from autofile.review import services
from autofile.review.models import Correction, DeliveryStatus
from autofile.writeback.models import OutboxKind, OutboxMessage, OutboxStatus
from tests.autofile.review.qa_records import Filed, file_packet
from tests.factories import PacketFactory


@pytest.fixture
def filed(organization: Organization) -> Filed:
    return file_packet(organization)


@pytest.fixture
def qa(signed_in: Callable[[User], Client], qa_user: User) -> Client:
    return signed_in(qa_user)


def hx(target: str, **extra: str) -> dict[str, str]:
    return {"HX-Request": "true", "HX-Target": target, **extra}


def item_data(item: InvoiceItem, **changes: str) -> dict[str, str]:
    data = {
        "sku": item.sku_name,
        "description": item.description,
        "quantity": "1",
        "unit_price": f"{item.unit_price}",
        "cost": f"{item.cost}" if item.cost is not None else "",
        "reason": "",
    }
    data.update(changes)
    return data


# --- invoice items --------------------------------------------------------------------------------


def test_the_item_form_replaces_its_row(qa: Client, filed: Filed) -> None:
    item = filed.labor
    response = qa.get(
        reverse("review:invoice_item_edit", args=[item.pk]),
        {"packet": filed.packet.pk},
        headers=hx(f"item-{item.pk}"),
    )
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="item-{item.pk}" class="editing">')
    assert "<html" not in body
    assert f'hx-post="/packets/items/{item.pk}/" hx-target="#item-{item.pk}"' in body
    assert 'name="unit_price" value="1500.00"' in body
    assert 'name="sku" value="SVC-INSTALL"' in body
    assert f'<input type="hidden" name="packet" value="{filed.packet.pk}">' in body
    # Cancel asks for the invoice section again.
    assert f'hx-target="#invoice-{filed.invoice.pk}"' in body


def test_saving_a_price_swaps_the_invoice_and_clears_its_finding(qa: Client, filed: Filed) -> None:
    item = filed.labor
    response = qa.post(
        reverse("review:invoice_item_edit", args=[item.pk]),
        {
            **item_data(item, unit_price="2000.00", reason="Price from the estimate"),
            "packet": filed.packet.pk,
        },
        headers=hx(f"item-{item.pk}"),
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#invoice-{filed.invoice.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    body = response.content.decode()
    invoice = body[: body.index("</section>")]
    assert invoice.lstrip().startswith(f'<section id="invoice-{filed.invoice.pk}"')
    assert "$2,000.00" in invoice
    assert '<td class="num total ">$12,000.00</td>' in invoice  # no longer flagged
    correction = Correction.objects.get(target_row_id=item.pk)
    assert f"delivery delivery-{correction.pk} queued" in invoice
    # The findings, the head and the timeline come out of band.
    findings = body[body.index('<aside id="findings"') :]
    findings = findings[: findings.index("</aside>")]
    assert 'hx-swap-oob="true"' in findings[:200]
    assert "total is $12,000.00" not in findings
    assert "noemail@" in findings
    assert '<span class="count-err">1 error</span>' in body
    assert f'id="correction-{correction.pk}"' in body
    assert correction.after == {"unit_price": "2000.00"}
    assert correction.reason == "Price from the estimate"
    assert correction.outbox_message is not None
    assert correction.outbox_message.kind == OutboxKind.INVOICE_ITEMS_UPDATE
    filed.packet.refresh_from_db()
    assert filed.packet.error_count == 1


def test_without_javascript_the_form_is_a_page_and_saving_redirects(
    qa: Client, filed: Filed
) -> None:
    item = filed.labor
    url = reverse("review:invoice_item_edit", args=[item.pk])
    page = qa.get(url, {"packet": filed.packet.pk}).content.decode()
    assert "<html" in page and "<h1>Invoice item “Heat Pump Installation Labor”</h1>" in page
    response = qa.post(url, {**item_data(item, quantity="2"), "packet": filed.packet.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/packets/{filed.packet.pk}/#item-{item.pk}"
    item.refresh_from_db()
    assert item.quantity == Decimal("2")
    page = qa.get(response["Location"]).content.decode()
    assert "Changed invoice item: saved, and on its way to ServiceTitan." in page


def test_invalid_values_are_shown_beside_their_fields_with_the_input_kept(
    qa: Client, filed: Filed
) -> None:
    item = filed.labor
    response = qa.post(
        reverse("review:invoice_item_edit", args=[item.pk]),
        {**item_data(item, unit_price="-5", quantity="lots"), "packet": filed.packet.pk},
        headers=hx(f"item-{item.pk}"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    assert body.lstrip().startswith(f'<tr id="item-{item.pk}" class="editing">')
    price = body[body.index(f'for="item-{item.pk}-unit_price"') - 60 :]
    assert price.startswith('<div class="field has-error">') or "has-error" in price[:80]
    assert 'name="unit_price" value="-5"' in body
    assert 'name="quantity" value="lots"' in body
    assert "Must not be negative." in body
    assert "Enter a number." in body
    assert not Correction.objects.exists()
    item.refresh_from_db()
    assert item.unit_price == Decimal("1500.00")


def test_saving_unchanged_values_says_so(qa: Client, filed: Filed) -> None:
    item = filed.heat_pump
    response = qa.post(
        reverse("review:invoice_item_edit", args=[item.pk]),
        {**item_data(item), "packet": filed.packet.pk},
        headers=hx(f"item-{item.pk}"),
    )
    assert "Nothing to save: the values are the same as before." in response.content.decode()


def test_adding_an_item(qa: Client, filed: Filed) -> None:
    url = reverse("review:invoice_item_add", args=[filed.invoice.pk])
    target = f"item-new-{filed.invoice.pk}"
    form = qa.get(url, {"packet": filed.packet.pk}, headers=hx(target)).content.decode()
    assert form.lstrip().startswith(f'<tr id="{target}" class="editing">')
    refused = qa.post(
        url,
        {"description": "Thermostat", "quantity": "1", "packet": filed.packet.pk},
        headers=hx(target),
    )
    assert "Enter a unit price." in refused.content.decode()
    assert 'value="Thermostat"' in refused.content.decode()
    response = qa.post(
        url,
        {
            "description": "Ecobee thermostat",
            "quantity": "1",
            "unit_price": "250",
            "packet": filed.packet.pk,
        },
        headers=hx(target),
    )
    assert response["HX-Retarget"] == f"#invoice-{filed.invoice.pk}"
    assert "Ecobee thermostat" in response.content.decode()
    assert InvoiceItem.objects.filter(
        invoice=filed.invoice, description="Ecobee thermostat"
    ).exists()


def test_removing_an_item_takes_the_prompted_reason(qa: Client, filed: Filed) -> None:
    item = filed.labor
    url = reverse("review:invoice_item_remove", args=[item.pk])
    confirm = qa.get(url, {"packet": filed.packet.pk}).content.decode()  # no JavaScript
    assert "Remove invoice item “Heat Pump Installation Labor”?" in confirm
    response = qa.post(
        f"{url}?packet={filed.packet.pk}",
        headers=hx(f"item-{item.pk}", **{"HX-Prompt": "Billed twice"}),
    )
    assert response["HX-Retarget"] == f"#invoice-{filed.invoice.pk}"
    assert f'id="item-{item.pk}"' not in response.content.decode().split("</section>")[0]
    item.refresh_from_db()
    assert item.active is False
    assert Correction.objects.get(target_row_id=item.pk).reason == "Billed twice"


# --- invoice fields -------------------------------------------------------------------------------


def test_invoice_fields(qa: Client, filed: Filed) -> None:
    url = reverse("review:invoice_edit", args=[filed.invoice.pk])
    target = f"invoice-{filed.invoice.pk}-fields"
    form = qa.get(url, {"packet": filed.packet.pk}, headers=hx(target)).content.decode()
    assert form.lstrip().startswith(f'<div id="{target}" class="editing">')
    invoiced_on = timezone.localtime(filed.invoice.invoice_date).date()
    data = {
        "number": filed.invoice.reference_number,
        "invoiced_on": invoiced_on.isoformat(),
        "due_date": "2000-01-01",
        "review_status": "",
        "summary": "Heat pump install",
        "packet": filed.packet.pk,
    }
    refused = qa.post(url, data, headers=hx(target)).content.decode()
    assert "The due date cannot be before the invoice date." in refused
    data.update(due_date="", summary="Carrier heat pump, 3 ton, with line set")
    response = qa.post(url, data, headers=hx(target))
    assert response["HX-Retarget"] == f"#invoice-{filed.invoice.pk}"
    assert "Carrier heat pump, 3 ton, with line set" in response.content.decode()
    filed.invoice.refresh_from_db()
    assert filed.invoice.summary == "Carrier heat pump, 3 ton, with line set"


# --- contacts ---------------------------------------------------------------------------------


def test_fixing_the_email_clears_its_finding(qa: Client, filed: Filed) -> None:
    contact = filed.email
    url = reverse("review:contact_edit", args=[contact.pk])
    target = f"contact-{contact.pk}"
    refused = qa.post(
        url, {"type": "Email", "value": "dana@", "packet": filed.packet.pk}, headers=hx(target)
    ).content.decode()
    assert "Enter a valid e-mail address, like name@example.com." in refused
    assert 'value="dana@"' in refused
    response = qa.post(
        url,
        {"type": "Email", "value": "Dana.Whitfield@Example.com", "packet": filed.packet.pk},
        headers=hx(target),
    )
    assert response["HX-Retarget"] == "#customer"
    body = response.content.decode()
    assert "dana.whitfield@example.com" in body
    findings = body[body.index('<aside id="findings"') :]
    assert "noemail@" not in findings[: findings.index("</aside>")]
    contact.refresh_from_db()
    assert contact.value == "dana.whitfield@example.com"


def test_adding_a_phone_number(qa: Client, filed: Filed) -> None:
    url = reverse("review:contact_add", args=[filed.customer.pk])
    response = qa.post(
        url,
        {
            "type": "MobilePhone",
            "value": "(214) 555-0199",
            "memo": "Evenings",
            "packet": filed.packet.pk,
        },
        headers=hx("contact-new"),
    )
    assert response["HX-Retarget"] == "#customer"
    assert "(214) 555-0199" in response.content.decode()
    assert CustomerContact.objects.filter(value="2145550199", contact_type="MobilePhone").exists()
    duplicate = qa.post(
        url,
        {"type": "MobilePhone", "value": "214-555-0199", "packet": filed.packet.pk},
        headers=hx("contact-new"),
    ).content.decode()
    assert "The customer already has this contact." in duplicate


def test_removing_a_contact(qa: Client, filed: Filed) -> None:
    contact = filed.phone
    response = qa.post(
        reverse("review:contact_remove", args=[contact.pk]),
        {"packet": filed.packet.pk, "reason": "Disconnected number"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.active is False


# --- addresses ------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["customer", "location"])
def test_addresses(which: str, qa: Client, filed: Filed) -> None:
    record = filed.customer if which == "customer" else filed.location
    url = reverse(f"review:{which}_address", args=[record.pk])
    target = f"{which}-address"
    data = {
        "street": "4410 Elm Grove Rd",
        "unit": "",
        "city": "Dallas",
        "state": "Texas",
        "zip": "7520",
        "country": "USA",
        "packet": filed.packet.pk,
    }
    refused = qa.post(url, data, headers=hx(target)).content.decode()
    assert refused.lstrip().startswith(f'<div id="{target}" class="editing">')
    assert "Enter a two-letter US state code, like TX." in refused
    assert "Enter a 5-digit ZIP code (or ZIP+4)." in refused
    assert 'value="4410 Elm Grove Rd"' in refused
    data.update(state="tx", zip="75201")
    response = qa.post(url, data, headers=hx(target))
    assert response["HX-Retarget"] == f"#{which}"
    assert "4410 Elm Grove Rd" in response.content.decode()
    record.refresh_from_db()
    assert (record.street, record.state) == ("4410 Elm Grove Rd", "TX")


# --- who may correct ------------------------------------------------------------------------------


def test_coordinators_cannot_correct(
    signed_in: Callable[[User], Client], coordinator_user: User, filed: Filed
) -> None:
    client = signed_in(coordinator_user)
    url = reverse("review:invoice_item_edit", args=[filed.labor.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, item_data(filed.labor, unit_price="1")).status_code == 403
    assert client.post(reverse("review:contact_edit", args=[filed.email.pk])).status_code == 403


def test_a_packet_of_another_organization_is_not_found(
    qa: Client, filed: Filed, other_organization: Organization
) -> None:
    theirs = PacketFactory.create()
    response = qa.post(
        reverse("review:invoice_item_edit", args=[filed.labor.pk]),
        {**item_data(filed.labor, unit_price="1800"), "packet": theirs.pk},
    )
    assert response.status_code == 404
    assert not Correction.objects.exists()


# --- write-backs ----------------------------------------------------------------------------------


def _corrected_email(organization: Organization, filed: Filed, user: User) -> Correction:
    return services.customer_contact_update(
        organization=organization,
        user=user,
        contact_id=filed.email.pk,
        data={"value": "dana@example.com"},
        packet=filed.packet,
    )


def _set(correction: Correction, status: str, **message: Any) -> None:
    assert correction.outbox_message is not None
    OutboxMessage.objects.filter(pk=correction.outbox_message.pk).update(status=status, **message)
    delivery = {"in_flight": "queued", "pending": "queued"}.get(status, status)
    Correction.objects.filter(pk=correction.pk).update(delivery_status=delivery)


def test_the_poll_returns_badges_and_says_when_a_status_moved(
    qa: Client, qa_user: User, filed: Filed, organization: Organization
) -> None:
    correction = _corrected_email(organization, filed, qa_user)
    url = reverse("review:deliveries")
    response = qa.get(url, {"c": f"{correction.pk}:queued"}, headers=hx(""))
    body = response.content.decode()
    assert f'hx-get="/packets/deliveries/?c={correction.pk}:queued"' in body
    assert f'hx-swap-oob="outerHTML:.delivery-{correction.pk}"' in body
    assert "HX-Trigger-After-Settle" not in response
    _set(correction, OutboxStatus.SENT, sent_at=timezone.now())
    response = qa.get(url, {"c": f"{correction.pk}:queued"}, headers=hx(""))
    assert "deliveries-changed" in response["HX-Trigger-After-Settle"]
    assert f"c={correction.pk}:sent" in response.content.decode()  # still moving
    Correction.objects.filter(pk=correction.pk).update(delivery_status="confirmed")
    response = qa.get(url, {"c": f"{correction.pk}:sent"}, headers=hx(""))
    body = response.content.decode()
    assert "hx-get" not in body.split(">")[0]  # nothing moves any more: polling stops
    assert ">Confirmed</span>" in body


def test_the_poll_ignores_other_organizations(
    qa: Client, filed: Filed, member: Callable[..., User], other_organization: Organization
) -> None:
    theirs = file_packet(other_organization, customer_name="Someone Else")
    correction = _corrected_email(other_organization, theirs, member(Role.QA, other_organization))
    response = qa.get(reverse("review:deliveries"), {"c": f"{correction.pk}:queued"})
    assert f"delivery-{correction.pk}" not in response.content.decode()


def test_a_failed_write_back_shows_its_error_and_can_be_retried(
    qa: Client, qa_user: User, filed: Filed, organization: Organization
) -> None:
    correction = _corrected_email(organization, filed, qa_user)
    _set(correction, OutboxStatus.FAILED, last_error="400: Contact value is invalid.")
    page = qa.get(reverse("review:packet_detail", args=[filed.packet.pk])).content.decode()
    assert "ServiceTitan refused it:</strong> 400: Contact value is invalid." in page
    assert "1 write-back needs you:" in page
    response = qa.post(
        reverse("review:correction_retry", args=[correction.pk]),
        {"packet": filed.packet.pk},
        headers=hx("timeline"),
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="timeline"')
    assert "Sending the change to ServiceTitan again." in body
    correction.refresh_from_db()
    assert correction.delivery_status == DeliveryStatus.QUEUED
    assert correction.outbox_message is not None
    assert correction.outbox_message.status == OutboxStatus.PENDING
    # Retrying what is not failed says why (no JavaScript: back to the packet).
    response = qa.post(reverse("review:correction_retry", args=[correction.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/packets/{filed.packet.pk}/#correction-{correction.pk}"


def _in_conflict(correction: Correction, theirs_value: str) -> None:
    assert correction.target_row_id is not None
    contact = CustomerContact.objects.get(pk=correction.target_row_id)
    modified = "2030-01-01T00:00:00Z"
    raw = {**contact.raw, "id": contact.st_id, "value": theirs_value, "modifiedOn": modified}
    _set(
        correction,
        OutboxStatus.CONFLICT,
        theirs={
            "modifiedOn": modified,
            "values": {"type": "Email", "value": theirs_value, "memo": ""},
            "raw": raw,
        },
    )


def test_a_conflict_shows_both_versions_and_apply_mine_queues_it_again(
    qa: Client, qa_user: User, filed: Filed, organization: Organization
) -> None:
    correction = _corrected_email(organization, filed, qa_user)
    _in_conflict(correction, "dana.w@example.net")
    page = qa.get(reverse("review:packet_detail", args=[filed.packet.pk])).content.decode()
    entry = page[page.index(f'id="correction-{correction.pk}"') :]
    assert "Changed in ServiceTitan" in entry
    assert '<td class="muted">noemail@</td><td><ins>dana@example.com</ins></td>' in entry
    assert "<strong>dana.w@example.net</strong>" in entry
    assert "Apply mine" in entry and "Take theirs" in entry
    response = qa.post(
        reverse("review:correction_resolve", args=[correction.pk]),
        {"keep": "mine", "packet": filed.packet.pk},
        headers=hx("timeline"),
    )
    assert "Your version goes to ServiceTitan" in response.content.decode()
    correction.refresh_from_db()
    assert correction.delivery_status == DeliveryStatus.QUEUED


def test_take_theirs_puts_servicetitans_version_in_the_page(
    qa: Client, qa_user: User, filed: Filed, organization: Organization
) -> None:
    correction = _corrected_email(organization, filed, qa_user)
    _in_conflict(correction, "dana.w@example.net")
    response = qa.post(
        reverse("review:correction_resolve", args=[correction.pk]),
        {"keep": "theirs", "packet": filed.packet.pk},
        headers=hx("timeline"),
    )
    body = response.content.decode()
    assert "Kept ServiceTitan&#x27;s version; your change was discarded." in body
    assert '<div id="packet-body" hx-swap-oob="true">' in body
    assert "dana.w@example.net" in body[body.index('<div id="packet-body"') :]
    correction.refresh_from_db()
    assert correction.delivery_status == DeliveryStatus.DISCARDED
    filed.email.refresh_from_db()
    assert filed.email.value == "dana.w@example.net"


def test_resolving_needs_a_choice(
    qa: Client, qa_user: User, filed: Filed, organization: Organization
) -> None:
    correction = _corrected_email(organization, filed, qa_user)
    _in_conflict(correction, "dana.w@example.net")
    response = qa.post(
        reverse("review:correction_resolve", args=[correction.pk]),
        {"packet": filed.packet.pk},
        headers=hx("timeline"),
    )
    assert "Choose whose version to keep." in response.content.decode()
