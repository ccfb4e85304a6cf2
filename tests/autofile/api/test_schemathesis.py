"""Schemathesis generates requests from the OpenAPI document (valid and invalid ones) and
sends them through Django's WSGI app; no answer may be a server error, and answers must
match the document (status codes, content types, bodies)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from autofile.accounts.models import Organization, User
from autofile.api.services import api_token_create
from autofile.packets.models import PacketStatus
from tests.autofile.review.test_queue import Maker
from tests.factories import ImportRuleFactory, KickbackReasonFactory, SyncStateFactory


@pytest.fixture
def seeded(organization: Organization, admin_user: User, settings: Any) -> dict[str, Any]:
    """Packets in several statuses, a program with a kickback reason, a rule, a sync state;
    and a write token to call with."""
    from django.core.cache import cache

    cache.clear()
    settings.ALLOWED_HOSTS = ["*"]
    settings.API_RATE_LIMIT = ""
    make = Maker(organization)
    packets = [
        *make(status=PacketStatus.NEW),
        *make(status=PacketStatus.READY),
        *make(status=PacketStatus.SUBMITTED),
    ]
    KickbackReasonFactory.create(organization=organization, program=make.program, code="PHOTO")
    rule = ImportRuleFactory.create(connection=make.connection, program=make.program)
    SyncStateFactory.create(connection=make.connection)
    key = api_token_create(
        organization=organization, name="Schemathesis", scope="write", created_by=admin_user
    ).key
    return {
        "headers": {"Authorization": f"Bearer {key}"},
        "ids": {
            "packet_id": itertools.cycle([p.pk for p in packets] + [None]),
            "rebate_program_id": itertools.cycle([make.program.pk, None]),
            "import_rule_id": itertools.cycle([rule.pk, None]),
            "connection_id": itertools.cycle([make.connection.pk, None]),
        },
    }


@pytest.fixture
def api_schema(seeded: dict[str, Any]) -> Iterator[Any]:
    """The document, loaded through the WSGI app. Requests run in the test's transaction,
    so the app must not close the connection after each (as Django's test client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json", get_wsgi_application(), headers=seeded["headers"]
        )
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_every_generated_request_by_its_document(
    case: Any, seeded: dict[str, Any]
) -> None:
    # Half the generated ids (the well-typed ones) become ids of real objects, so actions
    # reach real packets in each status.
    for name, ids in seeded["ids"].items():
        value = (case.path_parameters or {}).get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            real = next(ids)
            if real is not None:
                case.path_parameters[name] = real
    # Not checked: that every schema-violating request is refused (the API ignores a
    # malformed `limit` as DRF's paginators do) and that every schema-valid one is accepted
    # (a valid request can still be refused: 409 for a packet in the wrong status, 422 for
    # an assignee who is no member).
    case.call_and_validate(
        headers=seeded["headers"],
        excluded_checks=[negative_data_rejection, positive_data_acceptance],
    )
