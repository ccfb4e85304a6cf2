"""Mappers turn ServiceTitan records into mirror columns, tolerating what real tenants send."""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.db import models

from autofile.mirror import mappers
from autofile.mirror.mappers import MappingError
from autofile.mirror.models import JobAttachment, MirrorRecord
from autofile.mirror.registry import RESOURCES, Resource
from tests.autofile.mirror.samples import SAMPLES, record

UTC = dt.UTC
BY_NAME = {resource.name: resource for resource in RESOURCES}
BOOKKEEPING = {"id", "organization", "connection", "raw", "synced_at"}


def written_columns(model: type[MirrorRecord]) -> set[str]:
    """The columns a mapper must fill: all but bookkeeping, resolved foreign keys and
    columns the sync leaves to others (those have a database default or allow NULL)."""
    names = set()
    for field in model._meta.concrete_fields:
        if field.name in BOOKKEEPING or isinstance(field, models.ForeignKey):
            continue
        if model is JobAttachment and field.name in (
            "file",
            "size",
            "text",
        ):  # the fetch fills them
            continue
        names.add(field.attname)
    return names


def test_every_registry_resource_has_a_sample_record() -> None:
    assert set(BY_NAME) <= set(SAMPLES)


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_mapper_fills_exactly_the_columns_of_its_table(resource: Resource) -> None:
    columns = resource.mapper(record(resource.name))

    assert set(columns) == written_columns(resource.model)


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_mapped_values_fit_their_columns(resource: Resource) -> None:
    """Every string field of the record 5,000 characters long: text is cut to its column."""

    def lengthen(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: v if k == "id" else lengthen(v) for k, v in value.items()}
        if isinstance(value, list):
            return [lengthen(v) for v in value]
        if isinstance(value, str) and not value[:4].isdigit():  # keep dates and GUIDs
            return value * (5000 // max(len(value), 1) + 1)
        return value

    raw = {
        k: v if k in ("id", "contactId") else lengthen(v) for k, v in record(resource.name).items()
    }

    columns = resource.mapper(raw)

    for field in resource.model._meta.concrete_fields:
        if isinstance(field, models.CharField) and field.attname in columns:
            assert field.max_length is not None
            assert len(columns[field.attname]) <= field.max_length, field.attname


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_every_field_null_still_maps(resource: Resource) -> None:
    """ServiceTitan sends nulls where its documents promise values."""
    raw: dict[str, Any] = dict.fromkeys(SAMPLES[resource.name])
    raw["id"] = SAMPLES[resource.name]["id"]
    raw["modifiedOn"] = "2025-05-25T06:43:53.528214Z"

    columns = resource.mapper(raw)

    assert columns["st_id"] is not None
    assert set(columns) == written_columns(resource.model)


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_unknown_fields_are_ignored(resource: Resource) -> None:
    plain = resource.mapper(record(resource.name))

    extended = resource.mapper(record(resource.name, someNewField={"x": 1}, anotherOne=[1, 2]))

    assert extended == plain


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
@pytest.mark.parametrize("bad_id", [None, "", "abc", True, [], {"id": 1}, -5])
def test_a_record_without_a_usable_id_cannot_be_mapped(resource: Resource, bad_id: Any) -> None:
    with pytest.raises(MappingError):
        resource.mapper(record(resource.name, id=bad_id))


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_a_record_without_an_id_key_cannot_be_mapped(resource: Resource) -> None:
    raw = record(resource.name)
    del raw["id"]

    with pytest.raises(MappingError, match="no id"):
        resource.mapper(raw)


@pytest.mark.parametrize(
    "resource",
    [r for r in RESOURCES if "modifiedOn" in SAMPLES[r.name]],
    ids=lambda r: r.name,
)
@pytest.mark.parametrize("bad", ["yesterday", "2025-13-45T00:00:00Z", 12345, None])
def test_an_unreadable_modified_on_cannot_be_mapped(resource: Resource, bad: Any) -> None:
    with pytest.raises(MappingError, match="modifiedOn"):
        resource.mapper(record(resource.name, modifiedOn=bad))


def test_a_record_that_is_not_an_object_cannot_be_mapped() -> None:
    for resource in RESOURCES:
        with pytest.raises(MappingError):
            resource.mapper([1, 2])  # type: ignore[arg-type]


# --- resources, one by one --------------------------------------------------------------------


def test_job_maps_its_references_status_and_tags() -> None:
    columns = mappers.job(record("jobs", tagTypeIds=[2001, 2004], projectId=44000001, total=9800.5))

    assert columns == {
        "st_id": 41000001,
        "st_modified_on": dt.datetime(2025, 5, 25, 6, 43, 53, 528214, tzinfo=UTC),
        "active": True,
        "job_number": "20000",
        "customer_st_id": 31000042,
        "location_st_id": 32000046,
        "business_unit_st_id": 1002,
        "job_type_st_id": 3009,
        "campaign_st_id": 4008,
        "project_st_id": 44000001,
        "invoice_st_id": 51000001,
        "job_status": "Completed",
        "priority": "Low",
        "created_on": dt.datetime(2025, 5, 6, 2, 30, 19, 990617, tzinfo=UTC),
        "completed_on": dt.datetime(2025, 5, 25, 3, 20, 57, 490617, tzinfo=UTC),
        "tag_type_ids": [2001, 2004],
        "total": Decimal("9800.50"),
        "summary": "<p>HVAC Maintenance.</p>",
    }


def test_an_inactive_export_row_maps_as_inactive() -> None:
    assert mappers.job(record("jobs", active=False))["active"] is False
    assert mappers.job(record("jobs", active=None))["active"] is True


def test_customer_maps_its_address_and_integer_type() -> None:
    columns = mappers.customer(record("customers", type=1, balance="125.5"))

    assert columns["name"] == "Hiroshi Garcia"
    assert columns["customer_type"] == "Commercial"
    assert (columns["street"], columns["city"], columns["state"], columns["zip"]) == (
        "1141 Mill Ct",
        "Plano",
        "TX",
        "75023",
    )
    assert columns["unit"] == ""
    assert columns["country"] == "USA"
    assert columns["balance"] == Decimal("125.50")


def test_location_maps_its_customer_and_coordinates() -> None:
    columns = mappers.location(record("locations"))

    assert columns["customer_st_id"] == 31000001
    assert columns["street"] == "1141 Mill Ct"
    assert columns["latitude"] == pytest.approx(33.068015)
    assert columns["longitude"] == pytest.approx(-96.646236)


def test_customer_contact_maps_type_value_and_do_not_text() -> None:
    columns = mappers.customer_contact(record("customer-contacts"))

    assert columns["customer_st_id"] == 31000001
    assert columns["contact_type"] == "Phone"
    assert columns["value"] == "2148608378"
    assert columns["memo"] == "Primary"
    assert columns["do_not_text"] is False


def test_contact_rows_tolerate_null_phone_settings_and_integer_types() -> None:
    columns = mappers.location_contact(record("location-contacts", phoneSettings=None, type=1))

    assert columns["location_st_id"] == 32000002
    assert columns["contact_type"] == "Email"
    assert columns["do_not_text"] is None


def test_contact_has_a_guid_id_and_archived_means_inactive() -> None:
    columns = mappers.contact(record("contacts", isArchived=True))

    assert columns["st_id"] == uuid.UUID("c648b60a-c27b-4819-a221-000000000000")
    assert columns["is_archived"] is True
    assert columns["active"] is False
    assert columns["name"] == "Hiroshi Garcia"


def test_contact_method_links_its_contact_by_guid() -> None:
    columns = mappers.contact_method(record("contact-methods"))

    assert columns["st_id"] == uuid.UUID("b69ba578-95d6-4254-a23d-000000000000")
    assert columns["contact_st_id"] == uuid.UUID("c648b60a-c27b-4819-a221-000000000000")
    assert columns["reference_id"] == "33000001"
    assert (columns["contact_type"], columns["value"]) == ("Phone", "2148608378")


@pytest.mark.parametrize("bad", ["not-a-guid", 42, "c648b60a-c27b-4819-a221"])
def test_a_contact_without_a_guid_cannot_be_mapped(bad: Any) -> None:
    with pytest.raises(MappingError, match="GUID"):
        mappers.contact(record("contacts", id=bad))


def test_appointment_maps_its_window_and_integer_status() -> None:
    columns = mappers.appointment(record("appointments", status=4))

    assert columns["job_st_id"] == 41000001
    assert columns["start"] == dt.datetime(2025, 5, 25, 1, 50, 57, 490617, tzinfo=UTC)
    assert columns["arrival_window_start"] == dt.datetime(2025, 5, 25, tzinfo=UTC)
    assert columns["arrival_window_end"] == dt.datetime(2025, 5, 25, 2, tzinfo=UTC)
    assert columns["status"] == "Done"
    assert columns["special_instructions"] == "Dog in backyard"


def test_an_unknown_enum_string_is_kept_and_an_out_of_range_integer_too() -> None:
    assert mappers.appointment(record("appointments", status="OnTheWay"))["status"] == "OnTheWay"
    assert mappers.appointment(record("appointments", status=17))["status"] == "17"


def test_appointment_assignment_maps_technician_and_appointment() -> None:
    columns = mappers.appointment_assignment(record("appointment-assignments"))

    assert columns["appointment_st_id"] == 42000001
    assert columns["job_st_id"] == 41000001
    assert columns["technician_st_id"] == 6002
    assert columns["technician_name"] == "Donald King"
    assert columns["status"] == "Done"


def test_arrival_window_maps_time_spans_and_has_no_timestamp() -> None:
    columns = mappers.arrival_window(record("arrival-windows"))

    assert columns["st_modified_on"] is None
    assert columns["start"] == dt.time(8, 0)
    assert columns["duration"] == dt.timedelta(hours=2)
    assert columns["business_unit_ids"] == [1001, 1002, 1003, 1004, 1005]


def test_arrival_window_tolerates_dotnet_time_spans_and_junk() -> None:
    long_one = mappers.arrival_window(
        record("arrival-windows", start="13:30:00", duration="1.00:00:00")
    )
    junk = mappers.arrival_window(record("arrival-windows", start="9am", duration=None))

    assert long_one["start"] == dt.time(13, 30)
    assert long_one["duration"] == dt.timedelta(days=1)
    assert junk["start"] is None
    assert junk["duration"] is None


def test_invoice_maps_money_strings_and_nested_references() -> None:
    columns = mappers.invoice(record("invoices"))

    assert columns["reference_number"] == "20000"
    assert columns["job_st_id"] == 41000001
    assert columns["customer_st_id"] == 31000042
    assert columns["location_st_id"] == 32000046
    assert columns["business_unit_st_id"] == 1002
    assert (columns["sub_total"], columns["sales_tax"], columns["total"], columns["balance"]) == (
        Decimal("307.00"),
        Decimal("4.00"),
        Decimal("311.00"),
        Decimal("0.00"),
    )
    assert columns["invoice_date"] == dt.datetime(2025, 5, 25, 3, 20, 57, 490617, tzinfo=UTC)
    assert columns["paid_on"] == dt.datetime(2025, 5, 25, 4, 32, 11, 208256, tzinfo=UTC)
    assert columns["review_status"] == "Reviewed"


def test_invoice_tolerates_numbers_junk_money_and_a_missing_job() -> None:
    columns = mappers.invoice(
        record("invoices", total=311, balance="n/a", subTotal="1e20", job=None, reviewStatus=2)
    )

    assert columns["total"] == Decimal("311.00")
    assert columns["balance"] is None
    assert columns["sub_total"] is None  # does not fit the column
    assert columns["job_st_id"] is None
    assert columns["review_status"] == "Reviewed"


def test_invoice_item_maps_sku_quantity_prices_and_its_invoice() -> None:
    columns = mappers.invoice_item(record("invoice-items"))

    assert columns["invoice_st_id"] == 51000001
    assert columns["sku_st_id"] == 10013
    assert columns["sku_name"] == "SVC-TUNEUP"
    assert columns["item_type"] == "Service"
    assert columns["description"] == "<p>Precision HVAC Tune-Up</p>"
    assert columns["quantity"] == Decimal("1.0000")
    assert columns["unit_price"] == Decimal("169.00")
    assert columns["total"] == Decimal("169.00")
    assert columns["cost"] == Decimal("59.15")
    assert columns["total_cost"] == Decimal("59.15")
    assert columns["order"] == 1
    assert columns["technician_st_id"] == 6002


def test_payment_maps_the_invoices_it_applies_to() -> None:
    columns = mappers.payment(record("payments"))

    assert columns["customer_st_id"] == 31000042
    assert columns["invoice_ids"] == [51000001]
    assert columns["total"] == Decimal("311.00")
    assert columns["paid_on"] == dt.datetime(2025, 5, 25, 6, 43, 53, 728214, tzinfo=UTC)
    assert columns["payment_type"] == "Credit Card"


def test_estimate_maps_its_status_object_items_and_skus() -> None:
    columns = mappers.estimate(record("estimates"))

    assert columns["status"] == "Sold"
    assert columns["job_st_id"] == 41000004
    assert columns["location_st_id"] == 32000028
    assert columns["sold_by_st_id"] == 6007
    assert columns["item_ids"] == [62000001, 62000002]
    assert columns["sku_ids"] == [11025, 10005]
    assert columns["sold_on"] == dt.datetime(2025, 5, 27, 16, 43, 50, 453081, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "expected"),
    [({"value": 2, "name": None}, "Dismissed"), ("Sold", "Sold"), (0, "Open"), (None, "")],
)
def test_estimate_status_in_every_shape(status: Any, expected: str) -> None:
    assert mappers.estimate(record("estimates", status=status))["status"] == expected


def test_estimate_item_maps_its_sku_and_prices() -> None:
    columns = mappers.estimate_item(record("estimate-items"))

    assert columns["estimate_st_id"] is None  # the list does not say
    assert columns["sku_st_id"] == 11025
    assert columns["sku_type"] == "Equipment"
    assert columns["sku_name"] == "WH-AOS-HPTU66"
    assert columns["quantity"] == Decimal("1.0000")
    assert columns["unit_price"] == Decimal("4450.00")
    assert columns["unit_cost"] == Decimal("2350.00")
    assert columns["item_group_name"] == "Good"
    assert (
        mappers.estimate_item(record("estimate-items", estimateId=61000001))["estimate_st_id"]
        == 61000001
    )


def test_installed_equipment_maps_what_a_rebate_asks_for() -> None:
    columns = mappers.installed_equipment(record("installed-equipment"))

    assert columns["manufacturer"] == "A.O. Smith"
    assert columns["model"] == "HPTU-66N"
    assert columns["serial_number"] == "2521R547777"
    assert columns["installed_on"] == dt.datetime(2025, 6, 1, 12, 6, 20, 453081, tzinfo=UTC)
    assert columns["manufactured_on"] == dt.date(2025, 4, 27)
    assert columns["equipment_type_st_id"] == 8206
    assert columns["equipment_type"] == "Heat Pump Water Heater"
    assert columns["location_st_id"] == 32000028
    assert columns["equipment_st_id"] == 11025
    assert columns["invoice_item_st_id"] == 52000007
    assert columns["status"] == "Installed"
    assert columns["cost"] == Decimal("2350.00")


def test_installed_equipment_tolerates_blank_serial_null_model_and_integer_status() -> None:
    columns = mappers.installed_equipment(
        record("installed-equipment", serialNumber="  ", model=None, status=1, type=None)
    )

    assert columns["serial_number"] == ""
    assert columns["model"] == ""
    assert columns["status"] == "Replaced"
    assert columns["equipment_type"] == ""


def test_pricebook_equipment_reads_efficiency_ratings_from_its_description() -> None:
    columns = mappers.pricebook_equipment(
        record(
            "equipment",
            description=(
                "<p>Carrier Infinity 24 Variable-Speed Heat Pump 4 Ton.</p>"
                "<ul><li>SEER2: 20.5</li><li>EER2: 12.2</li><li>HSPF2: 9.3</li></ul>"
            ),
        )
    )

    assert columns["efficiency_ratings"] == {"SEER2": "20.5", "EER2": "12.2", "HSPF2": "9.3"}
    assert columns["manufacturer"] == "ecobee"
    assert columns["model"] == "EB-STATE6P-01"
    assert columns["equipment_type_st_id"] == 8207
    assert columns["category_ids"] == [9006]


@pytest.mark.parametrize(
    ("description", "ratings"),
    [
        ("<ul><li>ENERGY STAR: Certified</li></ul>", {"ENERGY STAR": "Certified"}),
        ("96% AFUE two-stage furnace", {"AFUE": "96"}),
        ("16 SEER / 13 EER condenser", {"SEER": "16", "EER": "13"}),
        ("<li>UEF: 3.80</li><li>Gallons: 66</li>", {"UEF": "3.80"}),
        ("Air handler, 1200 CFM", {}),
        ("", {}),
    ],
)
def test_efficiency_ratings_in_the_ways_descriptions_state_them(
    description: str, ratings: dict[str, str]
) -> None:
    assert mappers.efficiency_ratings(description) == ratings


def test_pricebook_service_takes_category_objects() -> None:
    columns = mappers.pricebook_service(record("services"))

    assert columns["code"] == "SVC-DUCTSEAL"
    assert columns["category_ids"] == [9001]
    assert columns["price"] == Decimal("650.00")
    assert columns["hours"] == Decimal("3.00")


def test_pricebook_category_maps_its_parent() -> None:
    columns = mappers.pricebook_category(record("categories"))

    assert (columns["name"], columns["parent_st_id"], columns["position"]) == (
        "Controls & Thermostats",
        9001,
        5,
    )
    assert columns["category_type"] == "Services"


def test_discount_or_fee_maps_type_and_amount() -> None:
    columns = mappers.pricebook_discount_fee(record("discounts-and-fees"))

    assert (columns["fee_type"], columns["amount_type"], columns["amount"]) == (
        "Fee",
        "Fixed",
        Decimal("150.00"),
    )


def test_form_submission_finds_its_job_among_owners_and_uses_submitted_on() -> None:
    columns = mappers.form_submission(record("form-submissions"))

    assert columns["job_st_id"] == 41000001
    assert columns["form_st_id"] == 8005
    assert columns["form_name"] == "Maintenance Checklist"
    assert columns["status"] == "Completed"
    submitted = dt.datetime(2025, 5, 25, 2, 22, 24, 31360, tzinfo=UTC)
    assert columns["submitted_on"] == submitted
    assert columns["st_modified_on"] == submitted


def test_form_submission_without_a_job_owner_takes_the_stamped_job() -> None:
    raw = record("form-submissions", owners=[{"type": 3, "id": 32000001}], jobId=41000009)

    assert mappers.form_submission(raw)["job_st_id"] == 41000009


def test_job_attachment_maps_metadata_and_guesses_the_content_type() -> None:
    columns = mappers.job_attachment(record("job-attachments", jobId=41000001))

    assert columns == {
        "st_id": 73000001,
        "st_modified_on": dt.datetime(2025, 5, 25, 2, 20, 57, 490617, tzinfo=UTC),
        "active": True,
        "job_st_id": 41000001,
        "file_name": "nameplate-heat-pump-25vna036a003.jpg",
        "created_on": dt.datetime(2025, 5, 25, 2, 20, 57, 490617, tzinfo=UTC),
        "created_by_st_id": 6002,
        "content_type": "image/jpeg",
    }


def test_resources_without_modified_on_tolerate_a_missing_stand_in() -> None:
    assert (
        mappers.job_attachment(record("job-attachments", createdOn=None))["st_modified_on"] is None
    )
    assert mappers.user_role(record("user-roles", createdOn="junk"))["st_modified_on"] is None
    assert (
        mappers.form_submission(record("form-submissions", submittedOn=None))["st_modified_on"]
        is None
    )


def test_service_agreement_maps_dates_sent_with_midnight_times() -> None:
    columns = mappers.service_agreement(record("service-agreements"))

    assert columns["start_date"] == dt.date(2023, 7, 3)
    assert columns["end_date"] == dt.date(2024, 6, 27)
    assert columns["location_ids"] == [32000012]
    assert columns["customer_st_id"] == 31000011
    assert columns["status"] == "Activated"
    assert columns["duration_months"] == 12


def test_service_agreement_tolerates_plain_dates_and_junk() -> None:
    columns = mappers.service_agreement(
        record("service-agreements", startDate="2023-07-03", endDate="soon", status=4)
    )

    assert columns["start_date"] == dt.date(2023, 7, 3)
    assert columns["end_date"] is None
    assert columns["status"] == "Activated"


def test_technician_maps_positions_and_business_unit() -> None:
    columns = mappers.technician(record("technicians", positions=["Installer", 2, None]))

    assert columns["positions"] == ["Installer", "Sales"]
    assert columns["business_unit_st_id"] == 1003
    assert columns["user_st_id"] == 90004
    assert columns["mobile_phone"] == "2142969940"


def test_employee_maps_role_and_role_ids() -> None:
    columns = mappers.employee(record("employees", role=3))

    assert columns["role"] == "Accounting"
    assert columns["role_ids"] == [5202]
    assert columns["business_unit_st_id"] is None


def test_business_unit_takes_names_of_nested_trade_and_division() -> None:
    columns = mappers.business_unit(record("business-units"))

    assert (columns["trade"], columns["division"]) == ("Plumbing", "Residential")
    assert columns["city"] == "Addison"


def test_lead_booking_project_campaign_and_job_type_map_their_references() -> None:
    lead = mappers.lead(record("leads"))
    booking = mappers.booking(record("bookings"))
    project = mappers.project(record("projects"))
    campaign = mappers.campaign(record("campaigns"))
    job_type = mappers.job_type(record("job-types"))

    assert (lead["customer_st_id"], lead["campaign_st_id"], lead["priority"]) == (
        31000005,
        4008,
        "High",
    )
    assert (booking["booking_provider_st_id"], booking["status"], booking["unit"]) == (
        8101,
        "New",
        "Apt 20A",
    )
    assert (project["location_st_id"], project["job_ids"]) == (32000064, [41000016])
    assert campaign["category"] == "Digital"
    assert (job_type["job_class"], job_type["business_unit_ids"]) == ("Install", [1005])


# --- helpers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-06-27T00:00:00", dt.datetime(2024, 6, 27, tzinfo=UTC)),
        ("2024-06-27", dt.datetime(2024, 6, 27, tzinfo=UTC)),
        ("2024-06-27T10:15:00Z", dt.datetime(2024, 6, 27, 10, 15, tzinfo=UTC)),
        ("2024-06-27T10:15:00.1234567Z", dt.datetime(2024, 6, 27, 10, 15, 0, 123456, tzinfo=UTC)),
        ("2024-06-27T05:15:00-05:00", dt.datetime(2024, 6, 27, 10, 15, tzinfo=UTC)),
        ("garbage", None),
        (20240627, None),
    ],
)
def test_moment_reads_the_shapes_servicetitan_sends(value: Any, expected: Any) -> None:
    assert mappers.moment({"at": value}, "at") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("125.00", Decimal("125.00")),
        (125, Decimal("125.00")),
        (125.005, Decimal("125.00")),
        ("1,250.5", Decimal("1250.50")),
        ("-40", Decimal("-40.00")),
        ("NaN", None),
        ("Infinity", None),
        (True, None),
        ("", None),
        (10_000_000_000, None),
    ],
)
def test_money_reads_strings_and_numbers_and_refuses_what_does_not_fit(
    value: Any, expected: Decimal | None
) -> None:
    assert mappers.money(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5, 5), ("5", 5), (0, None), (-1, None), (2**63, None), ("x", None), ({"id": 7}, 7)],
)
def test_optional_id_takes_positive_ids_only(value: Any, expected: int | None) -> None:
    assert mappers.optional_id(value) == expected


def test_text_drops_nul_characters_postgresql_cannot_store() -> None:
    assert mappers.text("a\x00b") == "ab"


def test_sample_records_are_not_changed_by_mapping() -> None:
    before = copy.deepcopy(SAMPLES)

    for resource in RESOURCES:
        resource.mapper(SAMPLES[resource.name])

    assert before == SAMPLES
