"""Write-back end to end: corrections delivered by a real Celery worker to the simulator over
HTTP, with ordering, conflicts, retries, permanent failures, an outage, lost answers and
replays, and the round trip back through the next sync.

Beat does not run in tests: where the sweeper matters the test calls `outbox_sweep()` the
way beat's tick would.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from django.utils import timezone

from autofile.accounts.models import Organization, User
from autofile.mirror.models import Connection, Customer, InvoiceItem
from autofile.review import services as corrections
from autofile.review.models import Correction, DeliveryStatus
from autofile.writeback.models import OutboxAttempt, OutboxMessage, OutboxStatus
from autofile.writeback.services import (
    corrections_confirm,
    outbox_deliver,
    outbox_resolve_mine,
    outbox_resolve_theirs,
    outbox_retry,
    outbox_sweep,
)
from integrations.servicetitan.simulator import Simulator
from tests.autofile.writeback.conftest import (
    LossyNetwork,
    a_job,
    a_location,
    an_invoice,
    contacts,
    customers,
    invoice_items,
    resync,
    tag,
)
from tests.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("celery_worker")]

ADDRESS = {
    "street": "4821 Ridgeview Dr",
    "unit": "",
    "city": "Plano",
    "state": "TX",
    "zip": "75024",
}


def messages_of(items: list[Correction]) -> list[OutboxMessage]:
    ids = [c.outbox_message_id for c in items]
    by_id = OutboxMessage.objects.in_bulk(ids)
    return [by_id[i] for i in ids]


def wait_until(items: list[Correction], status: str, *, sweep: bool = False) -> list[OutboxMessage]:
    """Wait for every correction's message to reach `status`; fail early on a failure."""

    def reached() -> list[OutboxMessage] | None:
        if sweep:
            outbox_sweep()  # what beat's tick does every few seconds
        current = messages_of(items)
        failed = [m for m in current if m.status == OutboxStatus.FAILED and status != "failed"]
        assert not failed, [(m.kind, m.last_error) for m in failed]
        return current if all(m.status == status for m in current) else None

    return wait_for(reached, every=0.2)


def successful_writes_to(sim: Simulator, operation: str) -> Counter[str]:
    """How many times `operation` succeeded, per request path (one path per record)."""
    return Counter(
        entry["path"]
        for entry in sim.requests(0, None)
        if entry["operationId"] == operation and 200 <= entry["status"] < 300
    )


def successful_writes(sim: Simulator) -> Counter[str]:
    """How many times each ServiceTitan write operation succeeded, from the simulator's log."""
    return Counter(
        entry["operationId"]
        for entry in sim.requests(0, None)
        if entry["method"] in ("POST", "PATCH", "PUT", "DELETE") and 200 <= entry["status"] < 300
    )


def st(sim: Simulator, resource: str, st_id: int | None) -> dict[str, Any]:
    assert st_id is not None
    record = sim.record(resource, st_id)
    assert record is not None
    return record


def test_each_correction_kind_arrives_in_servicetitan_with_the_autofile_tag(
    connection: Connection, sim: Simulator, organization: Organization, qa_user: User
) -> None:
    autofile = connection.autofile_tag_type_id
    item, removed = invoice_items(connection, 2, on_one_invoice=True)
    invoice = item.invoice
    assert invoice is not None
    other_invoice = an_invoice(connection, skip=3)
    email, phone = contacts(connection, "Email", 2)[0], contacts(connection, "Phone", 3)[2]
    billing = customers(connection, 1, skip=5)[0]
    location = a_location(connection)
    job = a_job(connection, skip=7)
    oncor = tag(connection, "Oncor Eligible")
    new_price = item.unit_price + Decimal("125.00")  # type: ignore[operator]
    org, user = organization, qa_user
    done = [
        corrections.invoice_item_update(
            organization=org,
            user=user,
            item_id=item.pk,
            data={"unit_price": str(new_price), "quantity": "2"},
        ),
        corrections.invoice_item_remove(organization=org, user=user, item_id=removed.pk),
        corrections.invoice_item_add(
            organization=org,
            user=user,
            invoice_id=invoice.pk,
            data={"description": "Condensate pump", "quantity": "1", "unit_price": "189.00"},
        ),
        corrections.invoice_update(
            organization=org,
            user=user,
            invoice_id=other_invoice.pk,
            data={
                "summary": "Installed 3-ton heat pump; permit #4471",
                "invoiced_on": "2025-06-10",
                "due_date": "2025-07-10",
                "review_status": "Reviewed",
            },
        ),
        corrections.customer_contact_update(
            organization=org, user=user, contact_id=email.pk, data={"value": "fixed@example.com"}
        ),
        corrections.customer_contact_remove(organization=org, user=user, contact_id=phone.pk),
        corrections.customer_contact_add(
            organization=org,
            user=user,
            customer_id=email.customer_id,  # type: ignore[arg-type]
            data={"type": "MobilePhone", "value": "(469) 555-0142"},
        ),
        corrections.customer_address_update(
            organization=org, user=user, customer_id=billing.pk, data=ADDRESS
        ),
        corrections.location_address_update(
            organization=org, user=user, location_id=location.pk, data=ADDRESS
        ),
        corrections.job_tag_add(
            organization=org, user=user, job_id=job.pk, tag_type_id=oncor.st_id
        ),
    ]
    wait_until(done, OutboxStatus.SENT)
    for correction in done:
        correction.refresh_from_db()
    assert {c.delivery_status for c in done} == {DeliveryStatus.SENT}

    # The values, in ServiceTitan.
    updated = st(sim, "invoice-items", item.st_id)
    assert (updated["price"], updated["quantity"]) == (f"{new_price:.2f}", "2.00")
    assert st(sim, "invoice-items", removed.st_id)["active"] is False
    added = done[2]
    assert added.target_st_id is not None and added.target_st_id > 0  # the real id, learned
    assert st(sim, "invoice-items", added.target_st_id)["description"] == "Condensate pump"
    assert added.target_row_id is not None
    assert InvoiceItem.objects.get(pk=added.target_row_id).st_id == added.target_st_id
    written = st(sim, "invoices", other_invoice.st_id)
    assert written["summary"] == "Installed 3-ton heat pump; permit #4471"
    assert (written["dueDate"][:10], written["reviewStatus"]) == ("2025-07-10", "Reviewed")
    assert st(sim, "customer-contacts", email.st_id)["value"] == "fixed@example.com"
    assert st(sim, "customer-contacts", phone.st_id)["active"] is False
    created_contact = done[6]
    assert created_contact.target_st_id is not None and created_contact.target_st_id > 0
    assert st(sim, "customer-contacts", created_contact.target_st_id)["value"] == "4695550142"
    for resource, record_id in (("customers", billing.st_id), ("locations", location.st_id)):
        address = st(sim, resource, record_id)["address"]
        assert {k: address[k] for k in ADDRESS} == ADDRESS
    assert oncor.st_id in st(sim, "jobs", job.st_id)["tagTypeIds"]

    # ... and the AutoFile tag on each record written (an invoice's job: invoices have none).
    tagged: tuple[tuple[str, int | None], ...] = (
        ("jobs", invoice.job_st_id),
        ("jobs", other_invoice.job_st_id),
        ("jobs", job.st_id),
        ("customers", email.customer_st_id),
        ("customers", phone.customer_st_id),
        ("customers", billing.st_id),
        ("locations", location.st_id),
    )
    for resource, tagged_id in tagged:
        assert autofile in st(sim, resource, tagged_id)["tagTypeIds"], (resource, tagged_id)

    # The next sync reads every record back: the round trip is confirmed.
    resync(connection)
    corrections_confirm()
    statuses = {c.pk: c.delivery_status for c in Correction.objects.all()}
    assert set(statuses.values()) == {DeliveryStatus.CONFIRMED}, statuses


def test_writes_to_one_record_go_out_in_order(
    connection: Connection, sim: Simulator, organization: Organization, qa_user: User
) -> None:
    (item,) = invoice_items(connection, 1)
    prices = [item.unit_price + Decimal(step) for step in ("10", "20", "30", "40")]  # type: ignore[operator]
    made = [
        corrections.invoice_item_update(
            organization=organization, user=qa_user, item_id=item.pk, data={"unit_price": str(p)}
        )
        for p in prices
    ]
    made.append(
        corrections.invoice_update(
            organization=organization,
            user=qa_user,
            invoice_id=item.invoice_id,  # type: ignore[arg-type]
            data={"summary": "Same invoice, after the items"},
        )
    )
    sent = wait_until(made, OutboxStatus.SENT)
    # Each write started only after the one before it to the same invoice was sent.
    for earlier, later in pairwise(sent):
        first_try = OutboxAttempt.objects.filter(message=later).order_by("started_at").first()
        assert first_try is not None and earlier.sent_at is not None
        assert first_try.started_at >= earlier.sent_at
    assert st(sim, "invoice-items", item.st_id)["price"] == f"{prices[-1]:.2f}"
    assert successful_writes(sim)["Invoices_UpdateInvoiceItems"] == 4


def test_office_staff_editing_the_customer_first_makes_a_conflict_to_resolve(
    connection: Connection, sim: Simulator, organization: Organization, qa_user: User
) -> None:
    email = contacts(connection, "Email", 5)[4]
    assert email.customer_id is not None
    theirs_first = Customer.objects.get(pk=email.customer_id)
    mine_first = next(c for c in customers(connection, 2, skip=10) if c.pk != theirs_first.pk)
    # Office staff change the customers in ServiceTitan after AutoFile mirrored them...
    sim.edit_customer(theirs_first.st_id, street="77 Office Way", email="office@example.com")
    sim.edit_customer(mine_first.st_id, street="12 Office Ct")
    # ...then QA, looking at the mirror, corrects the same fields.
    made = [
        corrections.customer_address_update(
            organization=organization, user=qa_user, customer_id=theirs_first.pk, data=ADDRESS
        ),
        corrections.customer_address_update(
            organization=organization, user=qa_user, customer_id=mine_first.pk, data=ADDRESS
        ),
    ]
    made.append(
        corrections.customer_contact_update(
            organization=organization,
            user=qa_user,
            contact_id=email.pk,
            data={"value": "qa@example.com"},
        )
    )
    held = wait_until(made[:2], OutboxStatus.CONFLICT)
    assert held[0].theirs is not None
    assert held[0].theirs["values"]["street"] == "77 Office Way"
    assert held[0].new_values["street"] == ADDRESS["street"]
    for correction in made[:2]:
        correction.refresh_from_db()
        assert correction.delivery_status == DeliveryStatus.CONFLICT
    # Nothing was overwritten in ServiceTitan.
    assert st(sim, "customers", theirs_first.st_id)["address"]["street"] == "77 Office Way"
    assert st(sim, "customers", mine_first.st_id)["address"]["street"] == "12 Office Ct"
    # A later write to the same customer waits behind the conflict.
    outbox_sweep()
    assert messages_of(made[2:])[0].status == OutboxStatus.PENDING

    # Take theirs: the mirror gets ServiceTitan's version, the write is dropped.
    outbox_resolve_theirs(organization=organization, message_id=held[0].pk, user=qa_user)
    assert Customer.objects.get(pk=theirs_first.pk).street == "77 Office Way"
    made[0].refresh_from_db()
    assert made[0].delivery_status == DeliveryStatus.DISCARDED

    # Apply mine anyway: re-based on their version and sent.
    outbox_resolve_mine(organization=organization, message_id=held[1].pk, user=qa_user)
    wait_until([made[1]], OutboxStatus.SENT)
    assert st(sim, "customers", mine_first.st_id)["address"]["street"] == ADDRESS["street"]

    # Unblocked, the e-mail fix meets the office's e-mail change: a conflict of its own.
    (contact_conflict,) = wait_until(made[2:], OutboxStatus.CONFLICT)
    assert contact_conflict.theirs is not None
    assert contact_conflict.theirs["values"]["value"] == "office@example.com"
    outbox_resolve_mine(organization=organization, message_id=contact_conflict.pk, user=qa_user)
    wait_until(made[2:], OutboxStatus.SENT)
    assert st(sim, "customer-contacts", email.st_id)["value"] == "qa@example.com"


@pytest.mark.usefixtures("fast_retries")
def test_a_failing_write_is_retried_with_backoff_then_succeeds(
    connection: Connection, sim: Simulator, organization: Organization, qa_user: User
) -> None:
    (item,) = invoice_items(connection, 1)
    sim.set_faults("503:1@/items")  # every write of invoice items answers 503
    correction = corrections.invoice_item_update(
        organization=organization, user=qa_user, item_id=item.pk, data={"quantity": "3"}
    )
    assert correction.outbox_message_id is not None
    message = OutboxMessage.objects.get(pk=correction.outbox_message_id)

    def failed_twice() -> bool:
        outbox_sweep()
        message.refresh_from_db()
        return message.attempts >= 2 and message.status == OutboxStatus.PENDING

    wait_for(failed_twice, every=0.2)
    tries = list(OutboxAttempt.objects.filter(message=message).order_by("started_at"))
    assert [t.outcome for t in tries[:2]] == ["retry", "retry"]
    assert tries[0].status_code == 503 and "503" in tries[0].error
    assert message.next_attempt_at > tries[-1].started_at  # the wait is kept in the database
    assert "503" in message.last_error
    correction.refresh_from_db()
    assert correction.delivery_status == DeliveryStatus.QUEUED

    sim.set_faults("")
    wait_until([correction], OutboxStatus.SENT, sweep=True)
    assert st(sim, "invoice-items", item.st_id)["quantity"] == "3.00"
    assert OutboxAttempt.objects.filter(message=message).last().outcome == "sent"  # type: ignore[union-attr]


def test_a_permanent_failure_is_shown_and_retried_once_fixed(
    connection: Connection, sim: Simulator, organization: Organization, qa_user: User
) -> None:
    (customer,) = customers(connection, 1, skip=20)
    connection.app_key = "revoked-app-key"  # ServiceTitan refuses every call: 401
    connection.save(update_fields=["app_key"])
    correction = corrections.customer_address_update(
        organization=organization, user=qa_user, customer_id=customer.pk, data=ADDRESS
    )
    (failed,) = wait_until([correction], OutboxStatus.FAILED)
    assert "401" in failed.last_error
    attempt = OutboxAttempt.objects.get(message=failed)
    assert (attempt.outcome, attempt.status_code) == ("failed", 401)
    correction.refresh_from_db()
    assert correction.delivery_status == DeliveryStatus.FAILED
    outbox_sweep()  # a failed write is not retried by itself
    assert OutboxMessage.objects.get(pk=failed.pk).status == OutboxStatus.FAILED

    connection.app_key = "sim-app-key"  # the admin fixes the connection
    connection.save(update_fields=["app_key"])
    outbox_retry(organization=organization, message_id=failed.pk, user=qa_user)
    wait_until([correction], OutboxStatus.SENT)
    assert st(sim, "customers", customer.st_id)["address"]["street"] == ADDRESS["street"]


def test_a_bug_in_autofile_fails_the_write_at_once_instead_of_retrying_it_as_an_outage(
    connection: Connection,
    sim: Simulator,
    organization: Organization,
    qa_user: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from autofile.writeback import delivery

    def broken(job: Any) -> Any:
        raise KeyError("zip")  # what a mapper bug looks like

    monkeypatch.setattr(delivery, "deliver", broken)
    (customer,) = customers(connection, 1, skip=21)
    correction = corrections.customer_address_update(
        organization=organization, user=qa_user, customer_id=customer.pk, data=ADDRESS
    )
    (failed,) = wait_until([correction], OutboxStatus.FAILED)
    assert failed.attempts == 1
    assert "AutoFile could not send this (KeyError: 'zip')" in failed.last_error
    assert not [op for op in successful_writes(sim) if op]  # (the token request has no id)

    monkeypatch.undo()  # the fix is deployed; a person retries it
    outbox_retry(organization=organization, message_id=failed.pk, user=qa_user)
    wait_until([correction], OutboxStatus.SENT)
    assert st(sim, "customers", customer.st_id)["address"]["street"] == ADDRESS["street"]


@pytest.mark.usefixtures("fast_retries")
def test_during_an_outage_corrections_wait_then_are_all_delivered_once(
    connection: Connection, sim: Simulator, organization: Organization, qa_user: User
) -> None:
    items = invoice_items(connection, 2)
    emails = contacts(connection, "Email", 2)
    billing = customers(connection, 2, skip=30)
    job = a_job(connection, skip=11)
    before = successful_writes(sim)
    sim.set_faults("503:1")  # ServiceTitan is down
    made = [
        *(
            corrections.invoice_item_update(
                organization=organization,
                user=qa_user,
                item_id=item.pk,
                data={"description": f"{item.description} (corrected)"},
            )
            for item in items
        ),
        *(
            corrections.customer_contact_update(
                organization=organization,
                user=qa_user,
                contact_id=email.pk,
                data={"value": f"outage{n}@example.com"},
            )
            for n, email in enumerate(emails)
        ),
        *(
            corrections.customer_address_update(
                organization=organization, user=qa_user, customer_id=customer.pk, data=ADDRESS
            )
            for customer in billing
        ),
        corrections.job_tag_add(
            organization=organization,
            user=qa_user,
            job_id=job.pk,
            tag_type_id=tag(connection, "Rebate Needed").st_id,
        ),
    ]

    def all_tried_and_waiting() -> bool:
        outbox_sweep()
        current = messages_of(made)
        return all(m.attempts >= 2 and m.status == OutboxStatus.PENDING for m in current)

    wait_for(all_tried_and_waiting, every=0.2)
    assert successful_writes(sim) == before  # nothing got through

    sim.set_faults("")  # back up
    wait_until(made, OutboxStatus.SENT, sweep=True)
    writes = successful_writes(sim) - before
    assert writes["Invoices_UpdateInvoiceItems"] == 2
    assert writes["Customers_UpdateContact"] == 2
    assert writes["Customers_Update"] == 2
    # Each record written once: the items (one invoice each), contacts, customers; each job's
    # tags at most once (the tagged job, and the invoices' jobs getting the AutoFile tag).
    for operation, records in (
        ("Invoices_UpdateInvoiceItems", 2),
        ("Customers_UpdateContact", 2),
        ("Customers_Update", 2),
    ):
        per_record = successful_writes_to(sim, operation)
        assert sorted(per_record.values()) == [1] * records, (operation, per_record)
    job_writes = successful_writes_to(sim, "Jobs_Update")
    assert job_writes[f"/jpm/v2/tenant/1000/jobs/{job.st_id}"] == 1
    assert set(job_writes.values()) == {1}
    assert tag(connection, "Rebate Needed").st_id in st(sim, "jobs", job.st_id)["tagTypeIds"]
    for email, n in zip(emails, range(2), strict=True):
        assert st(sim, "customer-contacts", email.st_id)["value"] == f"outage{n}@example.com"


def test_a_lost_answer_to_a_create_is_reconciled_not_sent_twice(
    connection: Connection,
    network: tuple[LossyNetwork, str],
    sim: Simulator,
    organization: Organization,
    qa_user: User,
    fast_retries: None,
) -> None:
    lossy = network[0]
    (email,) = contacts(connection, "Email", 1)
    (item,) = invoice_items(connection, 1)
    lossy.lose_next("POST", r"/customers/\d+/contacts$")
    lossy.lose_next("PATCH", r"/invoices/\d+/items$")
    made = [
        corrections.customer_contact_add(
            organization=organization,
            user=qa_user,
            customer_id=email.customer_id,  # type: ignore[arg-type]
            data={"type": "Phone", "value": "214-555-0177"},
        ),
        corrections.invoice_item_add(
            organization=organization,
            user=qa_user,
            invoice_id=item.invoice_id,  # type: ignore[arg-type]
            data={"description": "Surge protector", "quantity": "1", "unit_price": "95.00"},
        ),
    ]
    sent = wait_until(made, OutboxStatus.SENT, sweep=True)
    # The first attempt did not know whether ServiceTitan applied it...
    for message in sent:
        outcomes = list(
            OutboxAttempt.objects.filter(message=message)
            .order_by("started_at")
            .values_list("outcome", "error")
        )
        assert outcomes[0][0] == "retry" and "WriteOutcomeUnknownError" in outcomes[0][1]
    # ...it had; the next attempt found the record instead of creating a second one.
    writes = successful_writes(sim)
    assert writes["Customers_CreateContact"] == 1
    assert writes["Invoices_UpdateInvoiceItems"] == 1
    phones = [
        c
        for c in sim.store.iter_by_id("customer-contacts")
        if c.get("customerId") == email.customer_st_id and c.get("value") == "2145550177"
    ]
    assert len(phones) == 1
    for correction in made:
        correction.refresh_from_db()
        assert correction.target_st_id is not None and correction.target_st_id > 0


def test_a_replayed_delivery_writes_nothing_twice(
    connection: Connection, sim: Simulator, organization: Organization, qa_user: User
) -> None:
    (item,) = invoice_items(connection, 1)
    (email,) = contacts(connection, "Email", 1)
    made = [
        corrections.invoice_item_update(
            organization=organization, user=qa_user, item_id=item.pk, data={"cost": "1234.00"}
        ),
        corrections.customer_contact_add(
            organization=organization,
            user=qa_user,
            customer_id=email.customer_id,  # type: ignore[arg-type]
            data={"type": "Fax", "value": "2145550188"},
        ),
    ]
    sent = wait_until(made, OutboxStatus.SENT)
    writes = successful_writes(sim)
    # The same task delivered again (a redelivered message): the claim refuses it.
    assert outbox_deliver(message_id=sent[0].pk) is None
    # Even with its record of progress lost, a replay finds the values already there.
    OutboxMessage.objects.filter(pk__in=[m.pk for m in sent]).update(
        status=OutboxStatus.PENDING, progress={}, next_attempt_at=timezone.now()
    )
    for message in sent:
        assert outbox_deliver(message_id=message.pk) == OutboxStatus.SENT
    new_writes = successful_writes(sim) - writes
    assert new_writes["Invoices_UpdateInvoiceItems"] == 0
    assert new_writes["Customers_CreateContact"] == 0
    assert st(sim, "invoice-items", item.st_id)["cost"] == "1234.00"
