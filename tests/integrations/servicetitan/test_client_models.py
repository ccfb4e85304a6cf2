"""Typed results tolerate what real tenants send; request models refuse what ServiceTitan
would silently ignore."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import orjson
import pytest
from pydantic import ValidationError

from integrations.servicetitan.models.accounting import Invoice, InvoiceItemUpdate
from integrations.servicetitan.models.jpm import Job
from integrations.servicetitan.models.service_agreements import ServiceAgreement
from integrations.servicetitan.resources.base import Listable
from integrations.servicetitan.session import encode_json

from .conftest import ClientFactory, make_simulator


def test_money_strings_and_numbers_become_decimal() -> None:
    invoice = Invoice.from_raw(
        {"id": 1, "total": "1,250.10", "balance": 12.5, "subTotal": None, "salesTax": "n/a"}
    )
    assert invoice.total == Decimal("1250.10") and invoice.balance == Decimal("12.5")
    assert invoice.sub_total is None and invoice.sales_tax is None


def test_unknown_enums_nulls_and_extra_fields_are_kept() -> None:
    raw = {
        "id": 7,
        "jobStatus": 3,
        "priority": "Emergency",
        "customerId": None,
        "tagTypeIds": None,
        "brandNewField": {"x": 1},
        "modifiedOn": "2024-05-01T10:00:00.123Z",
    }
    job = Job.from_raw(raw)
    assert job.job_status == "3" and job.priority == "Emergency"
    assert job.customer_id is None and job.tag_type_ids is None
    assert job.raw is raw and job.model_extra == {"brandNewField": {"x": 1}}
    assert job.modified_on == datetime(2024, 5, 1, 10, 0, 0, 123000, tzinfo=UTC)


def test_broken_fields_become_none_without_losing_the_record() -> None:
    raw = {"id": 7, "tagTypeIds": ["a"], "modifiedOn": "0000-00-00T25:61:00", "customerId": "x"}
    job = Job.from_raw(raw)
    assert (job.tag_type_ids, job.modified_on, job.customer_id) == (None, None, None)
    assert job.raw["modifiedOn"] == "0000-00-00T25:61:00"


def test_dates_with_midnight_times_parse_as_dates() -> None:
    agreement = ServiceAgreement.from_raw({"id": 1, "startDate": "2024-03-01T00:00:00"})
    assert agreement.start_date == date(2024, 3, 1)


@pytest.mark.parametrize("raw", [{"id": "ST-1"}, {"name": "no id"}, "not an object"])
def test_only_an_unusable_id_fails(raw: object) -> None:
    with pytest.raises(ValidationError):
        Job.from_raw(raw)


def test_request_models_reject_fields_servicetitan_would_ignore() -> None:
    with pytest.raises(ValidationError):
        InvoiceItemUpdate(description="Fee", quantity=Decimal(1), price=Decimal(10))  # type: ignore[call-arg]
    item = InvoiceItemUpdate(description="Fee", quantity=Decimal("1"), unit_price=Decimal("10.10"))
    assert item.to_json() == {
        "description": "Fee",
        "quantity": Decimal(1),
        "unitPrice": Decimal("10.10"),
    }


def test_bodies_encode_money_exactly_and_times_in_utc() -> None:
    body = encode_json(
        {
            "unitPrice": Decimal("0.10"),
            "on": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
            "model": InvoiceItemUpdate(description="d", quantity=Decimal(2)),
        }
    )
    assert orjson.loads(body) == {
        "unitPrice": 0.1,
        "on": "2024-01-02T03:04:05Z",
        "model": {"description": "d", "quantity": 2},
    }
    assert b'"unitPrice":0.10' in body


def test_every_list_parses_a_blemished_tenant(make_client: ClientFactory) -> None:
    """With every record carrying real-world blemishes, every typed list still parses."""
    client = make_client(make_simulator(imperfect_share=1.0))
    resources = [
        value
        for value in [*vars(client).values(), *vars(client.pricebook).values()]
        if isinstance(value, Listable)
    ]
    assert len(resources) >= 25
    for resource in resources:
        page = resource.list(page_size=200)
        assert len(page.items) == len(page.data), type(resource).__name__
