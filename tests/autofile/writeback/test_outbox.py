"""The outbox's rules, one at a time: claiming, ordering, backoff, the sweeper, people's actions,
the round trip, and the selectors the pages read. Delivery runs in the test's thread here
(`outbox_deliver`), against the simulator over HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from autofile.accounts.models import Organization, User
from autofile.mirror.client import client_for
from autofile.mirror.models import Connection, Customer
from autofile.review import services as corrections
from autofile.review.models import DeliveryStatus, TargetType
from autofile.review.selectors import correction_statuses, corrections_for_packet
from autofile.writeback import services
from autofile.writeback.models import OutboxAttempt, OutboxMessage, OutboxStatus
from autofile.writeback.selectors import (
    outbox_conflict_fields,
    outbox_message_get,
    outbox_needing_attention,
    outbox_status_counts,
)
from integrations.servicetitan.simulator import Simulator
from tests.autofile.writeback.conftest import contacts, customers
from tests.factories import (
    ConnectionFactory,
    CorrectionFactory,
    CustomerContactFactory,
    CustomerFactory,
    JobFactory,
    OutboxAttemptFactory,
    OutboxMessageFactory,
    PacketFactory,
)

ADDRESS = {"street": "9 Juniper Ln", "unit": "", "city": "Frisco", "state": "TX", "zip": "75034"}


def test_backoff_doubles_per_attempt_and_is_capped(settings: Any) -> None:
    settings.WRITEBACK_RETRY_BASE_SECONDS = 30
    settings.WRITEBACK_RETRY_MAX_SECONDS = 600
    for attempts, nominal in ((1, 30), (2, 60), (3, 120), (5, 480), (6, 600), (12, 600)):
        wait = services.backoff(attempts).total_seconds()
        assert nominal * 0.8 <= wait <= nominal * 1.2


def _address_fix(organization: Organization, user: User, customer: Customer, street: str) -> Any:
    return corrections.customer_address_update(
        organization=organization,
        user=user,
        customer_id=customer.pk,
        data={**ADDRESS, "street": street},
    )


def test_a_message_is_claimed_once_and_waits_for_earlier_writes_to_its_record(
    connection: Connection, sim: Simulator, organization: Organization, qa_user: User
) -> None:
    (customer,) = customers(connection, 1, skip=2)
    first = _address_fix(organization, qa_user, customer, "1 First St")
    second = _address_fix(organization, qa_user, customer, "2 Second St")
    assert first.outbox_message_id is not None and second.outbox_message_id is not None

    # The later write is not claimable while the earlier one is pending.
    assert services.outbox_deliver(message_id=second.outbox_message_id) is None
    assert OutboxMessage.objects.get(pk=second.outbox_message_id).attempts == 0

    assert services.outbox_deliver(message_id=first.outbox_message_id) == OutboxStatus.SENT
    # Claiming is a compare-and-swap: a second delivery of a sent message does nothing.
    assert services.outbox_deliver(message_id=first.outbox_message_id) is None
    assert OutboxAttempt.objects.filter(message_id=first.outbox_message_id).count() == 1

    assert services.outbox_deliver(message_id=second.outbox_message_id) == OutboxStatus.SENT
    record = sim.record("customers", customer.st_id)
    assert record is not None and record["address"]["street"] == "2 Second St"


def test_a_message_is_not_claimed_before_its_next_attempt(
    connection: Connection, organization: Organization, qa_user: User
) -> None:
    (customer,) = customers(connection, 1, skip=3)
    correction = _address_fix(organization, qa_user, customer, "3 Later St")
    OutboxMessage.objects.filter(pk=correction.outbox_message_id).update(
        next_attempt_at=timezone.now() + dt.timedelta(minutes=5)
    )
    assert correction.outbox_message_id is not None
    assert services.outbox_deliver(message_id=correction.outbox_message_id) is None


def test_a_record_deleted_in_servicetitan_fails_the_write_with_the_reason(
    connection: Connection, organization: Organization, qa_user: User
) -> None:
    (email,) = contacts(connection, "Email", 1)
    with client_for(connection) as client:  # office staff delete it in ServiceTitan
        client.customers.delete_contact(email.customer_st_id, email.st_id)  # type: ignore[arg-type]
    correction = corrections.customer_contact_update(
        organization=organization, user=qa_user, contact_id=email.pk, data={"value": "a@b.co"}
    )
    message_id = correction.outbox_message_id
    assert message_id is not None
    assert services.outbox_deliver(message_id=message_id) == OutboxStatus.FAILED
    message = OutboxMessage.objects.get(pk=message_id)
    assert "does not exist in ServiceTitan" in message.last_error
    correction.refresh_from_db()
    assert correction.delivery_status == DeliveryStatus.FAILED
    assert list(outbox_needing_attention(organization=organization)) == [message]


def test_the_sweeper_releases_the_claim_of_a_worker_that_died(organization: Organization) -> None:
    connection = ConnectionFactory.create(organization=organization)
    message = OutboxMessageFactory.create(
        connection=connection,
        status=OutboxStatus.IN_FLIGHT,
        claim_token="dead-worker",
        claimed_until=timezone.now() - dt.timedelta(seconds=1),
        next_attempt_at=timezone.now() + dt.timedelta(hours=1),
        attempts=1,
    )
    attempt = OutboxAttemptFactory.create(message=message)
    alive = OutboxMessageFactory.create(
        connection=connection,
        status=OutboxStatus.IN_FLIGHT,
        claim_token="busy-worker",
        claimed_until=timezone.now() + dt.timedelta(minutes=4),
    )
    done = services.outbox_sweep()
    assert done["released"] == 1
    message.refresh_from_db()
    assert (message.status, message.claim_token) == (OutboxStatus.PENDING, "")
    assert message.next_attempt_at <= timezone.now()
    attempt.refresh_from_db()
    assert attempt.outcome == OutboxAttempt.Outcome.ABANDONED
    alive.refresh_from_db()
    assert alive.status == OutboxStatus.IN_FLIGHT


def test_actions_check_the_state_and_the_organization(
    organization: Organization, other_organization: Organization, qa_user: User
) -> None:
    pending = CorrectionFactory.create(connection__organization=organization).outbox_message
    assert pending is not None
    with pytest.raises(services.OutboxStateError):
        services.outbox_retry(organization=organization, message_id=pending.pk, user=qa_user)
    with pytest.raises(services.OutboxStateError):
        services.outbox_resolve_mine(organization=organization, message_id=pending.pk, user=qa_user)
    with pytest.raises(services.OutboxStateError):
        services.outbox_resolve_theirs(
            organization=organization, message_id=pending.pk, user=qa_user
        )
    for action in (
        services.outbox_retry,
        services.outbox_resolve_mine,
        services.outbox_resolve_theirs,
    ):
        with pytest.raises(Http404):
            action(organization=other_organization, message_id=pending.pk, user=qa_user)
    assert outbox_message_get(organization=other_organization, message_id=pending.pk) is None


def test_retrying_a_failed_write_queues_it_again(organization: Organization, qa_user: User) -> None:
    correction = CorrectionFactory.create(
        connection__organization=organization,
        delivery_status=DeliveryStatus.FAILED,
        outbox_message__status=OutboxStatus.FAILED,
        outbox_message__attempts=12,
        outbox_message__last_error="Gave up after 12 attempts.",
    )
    assert correction.outbox_message_id is not None
    message = services.outbox_retry(
        organization=organization, message_id=correction.outbox_message_id, user=qa_user
    )
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    correction.refresh_from_db()
    assert correction.delivery_status == DeliveryStatus.QUEUED


def test_the_round_trip_confirms_only_what_a_sync_read_back(organization: Organization) -> None:
    connection = ConnectionFactory.create(organization=organization)
    sent_at = timezone.now() - dt.timedelta(minutes=1)
    customer = CustomerFactory.create(connection=connection, street="9 Juniper Ln")

    def sent_correction(street: str) -> Any:
        return CorrectionFactory.create(
            connection=connection,
            target_type=TargetType.CUSTOMER,
            target_row_id=customer.pk,
            delivery_status=DeliveryStatus.SENT,
            outbox_message__status=OutboxStatus.SENT,
            outbox_message__sent_at=sent_at,
            outbox_message__new_values={"street": street},
        )

    matching, different = sent_correction("9 Juniper Ln"), sent_correction("10 Juniper Ln")
    Customer.objects.filter(pk=customer.pk).update(synced_at=sent_at - dt.timedelta(seconds=5))
    assert services.corrections_confirm() == 0  # not read back since the write

    Customer.objects.filter(pk=customer.pk).update(synced_at=timezone.now())
    services.corrections_confirm(  # as a sync's page of customers does
        connection=connection,
        target_type=services.ROUND_TRIP_RESOURCES["customers"],
        row_ids=[customer.pk],
    )
    matching.refresh_from_db()
    different.refresh_from_db()
    assert matching.delivery_status == DeliveryStatus.CONFIRMED
    assert matching.confirmed_at is not None
    assert different.delivery_status == DeliveryStatus.SENT


def test_a_conflict_shows_both_versions_field_by_field(organization: Organization) -> None:
    message = OutboxMessageFactory.create(
        connection__organization=organization,
        status=OutboxStatus.CONFLICT,
        base_values={"street": "100 Main St", "city": "Dallas"},
        new_values={"street": "200 Elm St", "city": "Dallas"},
        theirs={
            "modifiedOn": "2026-01-02T03:04:05Z",
            "values": {"street": "77 Office Way", "city": "Dallas"},
            "raw": {},
        },
    )
    fields = outbox_conflict_fields(message=message)
    assert [(f.name, f.base, f.mine, f.theirs) for f in fields] == [
        ("street", "100 Main St", "200 Elm St", "77 Office Way"),
        ("city", "Dallas", "Dallas", "Dallas"),
    ]
    counts = outbox_status_counts(organization=organization)
    assert counts[OutboxStatus.CONFLICT] == 1 and counts[OutboxStatus.SENT] == 0


def test_a_packets_corrections_include_those_made_elsewhere_on_its_records(
    organization: Organization, qa_user: User, django_assert_num_queries: Any
) -> None:
    connection = ConnectionFactory.create(organization=organization)
    customer = CustomerFactory.create(connection=connection)
    job = JobFactory.create(connection=connection, customer=customer)
    packet = PacketFactory.create(job=job)
    email = CustomerContactFactory.create(connection=connection, customer=customer)
    here = corrections.customer_contact_update(
        organization=organization,
        user=qa_user,
        contact_id=email.pk,
        data={"value": "right@example.com"},
        packet=packet,
    )
    elsewhere = corrections.customer_address_update(
        organization=organization, user=qa_user, customer_id=customer.pk, data=ADDRESS
    )
    unrelated_customer = CustomerFactory.create(connection=connection)
    corrections.customer_address_update(
        organization=organization, user=qa_user, customer_id=unrelated_customer.pk, data=ADDRESS
    )
    with django_assert_num_queries(1):
        found = list(corrections_for_packet(organization=organization, packet=packet))
        assert [c.outbox_message.status for c in found] == ["pending", "pending"]  # type: ignore[union-attr]
    assert found == [elsewhere, here]
    assert correction_statuses(organization=organization, correction_ids=[here.pk]) == {
        here.pk: DeliveryStatus.QUEUED
    }


def test_a_record_created_and_changed_before_delivery_is_written_in_order(
    connection: Connection, sim: Simulator, organization: Organization, qa_user: User
) -> None:
    (email,) = contacts(connection, "Email", 1)
    assert email.customer_id is not None
    added = corrections.customer_contact_add(
        organization=organization,
        user=qa_user,
        customer_id=email.customer_id,
        data={"type": "Phone", "value": "2145550161"},
    )
    assert added.target_row_id is not None
    changed = corrections.customer_contact_update(
        organization=organization,
        user=qa_user,
        contact_id=added.target_row_id,  # the provisional row: no ServiceTitan id yet
        data={"value": "2145550162"},
    )
    assert added.outbox_message_id is not None and changed.outbox_message_id is not None
    assert services.outbox_deliver(message_id=changed.outbox_message_id) is None  # waits
    assert services.outbox_deliver(message_id=added.outbox_message_id) == OutboxStatus.SENT
    assert services.outbox_deliver(message_id=changed.outbox_message_id) == OutboxStatus.SENT
    added.refresh_from_db()
    changed.refresh_from_db()
    assert added.target_st_id is not None and added.target_st_id > 0
    assert changed.target_st_id == added.target_st_id
    record = sim.record("customer-contacts", added.target_st_id)
    assert record is not None and record["value"] == "2145550162"
