"""The utility account number: recorded in AutoFile beside the mirror (a sync never
overwrites it), written to the location custom field the admin picked, read back, and
confirmed by the next sync; kept in AutoFile alone when the connection names no field."""

from __future__ import annotations

import pytest

from autofile.accounts.models import Organization, User
from autofile.mirror.models import Connection, Location
from autofile.packets.models import UtilityAccount
from autofile.review import services as corrections
from autofile.review.models import DeliveryStatus, TargetType
from autofile.review.validation import CorrectionInvalid
from autofile.writeback.models import OutboxKind, OutboxMessage, OutboxStatus
from autofile.writeback.services import corrections_confirm
from integrations.servicetitan.simulator import Simulator
from tests.autofile.writeback.conftest import a_location, resync
from tests.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("celery_worker")]


def test_the_number_goes_to_the_chosen_custom_field_and_survives_syncs(
    connection: Connection, sim: Simulator, organization: Organization, qa_user: User
) -> None:
    connection.utility_account_field = "Utility Account Number"
    connection.save(update_fields=["utility_account_field"])
    location = a_location(connection)
    correction = corrections.utility_account_number_set(
        organization=organization,
        user=qa_user,
        location_id=location.pk,
        number="1044 3720 0098 7654",
        origin="entered by the homeowner via request #12",
    )
    assert correction.target_type == TargetType.LOCATION
    assert correction.after == {"utility_account_number": "1044 3720 0098 7654"}
    assert correction.outbox_message_id is not None
    message = OutboxMessage.objects.get(pk=correction.outbox_message_id)
    assert message.kind == OutboxKind.LOCATION_CUSTOM_FIELD_UPDATE

    def sent() -> bool:
        message.refresh_from_db()
        assert message.status != OutboxStatus.FAILED, message.last_error
        return message.status == OutboxStatus.SENT

    wait_for(sent)
    record = sim.record("locations", location.st_id)
    assert record is not None
    fields = {f["name"]: f["value"] for f in record["customFields"]}
    assert fields["Utility Account Number"] == "1044 3720 0098 7654"
    assert connection.autofile_tag_type_id in record["tagTypeIds"]

    # The next sync reads it back: the correction is confirmed, AutoFile's record stays.
    resync(connection)
    corrections_confirm(connection=connection)
    correction.refresh_from_db()
    assert correction.delivery_status == DeliveryStatus.CONFIRMED
    account = UtilityAccount.objects.get(location_id=location.pk)
    assert (account.number, account.origin) == (
        "1044 3720 0098 7654",
        "entered by the homeowner via request #12",
    )


def test_without_a_field_the_number_stays_in_autofile(
    connection: Connection, organization: Organization, qa_user: User
) -> None:
    location = a_location(connection)
    correction = corrections.utility_account_number_set(
        organization=organization, user=qa_user, location_id=location.pk, number="ESI-10443720"
    )
    assert correction.delivery_status == DeliveryStatus.LOCAL
    assert correction.outbox_message_id is None
    account = UtilityAccount.objects.get(location_id=location.pk)
    assert account.origin == f"entered by {qa_user.get_full_name() or qa_user.username}"
    resync(connection)  # the mirror row is upserted again; the number is AutoFile's own
    assert Location.objects.get(pk=location.pk).utility_account.number == "ESI-10443720"
    assert corrections.utility_account_current(location) == "ESI-10443720"


@pytest.mark.parametrize("number", ["", "12", "10443720!", "x" * 60])
def test_a_malformed_number_is_refused_with_a_message(
    connection: Connection, organization: Organization, qa_user: User, number: str
) -> None:
    location = a_location(connection)
    with pytest.raises(CorrectionInvalid) as refused:
        corrections.utility_account_number_set(
            organization=organization, user=qa_user, location_id=location.pk, number=number
        )
    assert "number" in refused.value.errors
    assert not UtilityAccount.objects.filter(location_id=location.pk).exists()
