"""The REST API: tokens, scopes, the queue's filters on cursor pages, packet detail and
status actions through the packet services, programs, rules, sync status, problem+json."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from autofile.accounts.models import Organization, Role, User
from autofile.api.models import ApiToken
from autofile.packets.models import Packet, PacketEvent, PacketStatus
from tests.autofile.review.test_queue import Maker
from tests.factories import (
    FindingFactory,
    ImportRuleFactory,
    KickbackReasonFactory,
    ProgramMeasureFactory,
    SyncStateFactory,
)

PROBLEM = "application/problem+json"


@pytest.fixture
def make(organization: Organization) -> Maker:
    return Maker(organization)


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


# --- tokens


def test_admin_creates_a_token_sees_its_key_once_and_revokes_it(
    signed_in: Callable[[User], Client], admin_user: User, organization: Organization
) -> None:
    client = signed_in(admin_user)
    response = client.post(reverse("api_tokens:list"), {"name": "Filing robot", "scope": "read"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(organization=organization)
    key = response.context["new_key"]
    assert key.startswith("af_") and key in response.content.decode()
    assert key not in (token.key_hash, token.prefix) and key.startswith(token.prefix)
    # the list shows the prefix, never the key again
    listing = client.get(reverse("api_tokens:list")).content.decode()
    assert token.prefix in listing and key not in listing

    robot = Client(headers={"Authorization": f"Bearer {key}"})
    assert robot.get(reverse("api:packet_list")).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None

    client.post(reverse("api_tokens:revoke", kwargs={"api_token_id": token.pk}))
    problem(robot.get(reverse("api:packet_list")), 401)


def test_token_form_shows_field_errors(
    signed_in: Callable[[User], Client], admin_user: User
) -> None:
    response = signed_in(admin_user).post(reverse("api_tokens:list"), {"name": " ", "scope": "x"})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"name", "scope"}
    assert not ApiToken.objects.exists()


def test_only_admins_manage_tokens(signed_in: Callable[[User], Client], qa_user: User) -> None:
    assert signed_in(qa_user).get(reverse("api_tokens:list")).status_code == 403


def test_without_a_valid_token_the_api_answers_401_problems(api_key: Callable[..., str]) -> None:
    url = reverse("api:packet_list")
    body = problem(Client().get(url), 401)
    assert body["code"] == "not_authenticated"
    assert Client().get(url)["WWW-Authenticate"] == 'Bearer realm="api"'
    problem(Client(headers={"Authorization": "Bearer af_nope"}).get(url), 401)
    problem(Client(headers={"Authorization": "Bearer a b"}).get(url), 401)


def test_a_read_token_cannot_write(api_key: Callable[..., str], make: Maker) -> None:
    (packet,) = make()
    robot = Client(headers={"Authorization": f"Bearer {api_key(ApiToken.Scope.READ)}"})
    assert (
        robot.get(reverse("api:packet_detail", kwargs={"packet_id": packet.pk})).status_code == 200
    )
    url = reverse("api:packet_action", kwargs={"packet_id": packet.pk})
    body = problem(
        robot.post(url, {"action": "start_review"}, content_type="application/json"), 403
    )
    assert "read" in body["detail"]
    assert Packet.objects.get(pk=packet.pk).status == PacketStatus.NEW


def test_a_token_stops_working_when_its_creator_leaves(
    api_key: Callable[..., str], member: Callable[..., User], organization: Organization
) -> None:
    other_admin = member(Role.ADMIN)
    robot = Client(headers={"Authorization": f"Bearer {api_key(by=other_admin)}"})
    assert robot.get(reverse("api:packet_list")).status_code == 200
    other_admin.memberships.filter(organization=organization).delete()
    problem(robot.get(reverse("api:packet_list")), 401)


def test_a_token_sees_only_its_organization(
    api_key: Callable[..., str],
    make: Maker,
    other_organization: Organization,
    member: Callable[..., User],
) -> None:
    ours = make(2)
    theirs = Maker(other_organization)(3)
    robot = Client(headers={"Authorization": f"Bearer {api_key()}"})
    ids = {row["id"] for row in robot.get(reverse("api:packet_list")).json()["results"]}
    assert ids == {p.pk for p in ours}
    problem(robot.get(reverse("api:packet_detail", kwargs={"packet_id": theirs[0].pk})), 404)
    # and a token of the other organization sees theirs
    their_admin = member(Role.ADMIN, other_organization)
    theirs_robot = Client(
        headers={"Authorization": f"Bearer {api_key(org=other_organization, by=their_admin)}"}
    )
    ids = {row["id"] for row in theirs_robot.get(reverse("api:packet_list")).json()["results"]}
    assert ids == {p.pk for p in theirs}


# --- packets


def test_packets_come_in_cursor_pages_newest_first(api: Client, make: Maker) -> None:
    packets = make(5)
    url = reverse("api:packet_list")
    first = api.get(url, {"limit": 2}).json()
    assert [r["id"] for r in first["results"]] == [p.pk for p in reversed(packets)][:2]
    assert first["previous"] is None and "cursor=" in first["next"]
    second = api.get(first["next"]).json()
    third = api.get(second["next"]).json()
    seen = [r["id"] for page in (first, second, third) for r in page["results"]]
    assert seen == [p.pk for p in reversed(packets)]
    assert third["next"] is None
    problem(api.get(url, {"cursor": "garbage"}), 404)


def test_packets_take_the_queues_filters(
    api: Client, make: Maker, qa_user: User, admin_user: User
) -> None:
    (new,) = make(customer="Maria Gonzalez")
    (mine,) = make(status=PacketStatus.IN_REVIEW, assignee=admin_user, errors=2)
    (paid,) = make(status=PacketStatus.PAID)
    (kicked,) = make(status=PacketStatus.IN_REVIEW, kickbacks=1, assignee=qa_user)
    url = reverse("api:packet_list")

    def ids(**params: Any) -> set[int]:
        response = api.get(url, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {new.pk, mine.pk, kicked.pk}  # open packets by default
    assert ids(status="all") == {new.pk, mine.pk, paid.pk, kicked.pk}
    assert ids(status="paid") == {paid.pk}
    assert ids(has_errors="true") == {mine.pk}
    assert ids(kicked_back="true") == {kicked.pk}
    assert ids(assignee="me") == {mine.pk}  # the token acts as its creator
    assert ids(assignee="none") == {new.pk}
    assert ids(assignee=str(qa_user.pk)) == {kicked.pk}
    assert ids(q="gonzalez") == {new.pk}
    assert ids(q=f"#{paid.pk}", status="all") == {paid.pk}
    assert ids(program_id=make.program.pk, status="paid") == {paid.pk}

    body = problem(api.get(url, {"status": "lost", "assignee": "x"}), 400)
    assert body["errors"].keys() == {"status", "assignee"}


def test_packet_list_reads_the_same_queries_for_2_and_50_packets(
    api: Client, make: Maker, django_assert_max_num_queries: Any
) -> None:
    make(2)
    url = reverse("api:packet_list")
    api.get(url)  # token, membership lookups warm
    with django_assert_max_num_queries(8) as two:
        api.get(url)
    make(48)
    with django_assert_max_num_queries(len(two.captured_queries)):
        assert len(api.get(url).json()["results"]) == 50


def test_packet_detail_has_findings_history_and_actions(api: Client, make: Maker) -> None:
    (packet,) = make()
    FindingFactory.create(organization=packet.organization, packet=packet, severity="error")
    body = api.get(reverse("api:packet_detail", kwargs={"packet_id": packet.pk})).json()
    assert body["id"] == packet.pk and body["status"] == "new"
    assert body["program"]["name"] == "Oncor heat pump"
    assert body["job"]["job_number"] == packet.job.job_number
    assert [f["code"] for f in body["findings"]] == ["equipment_serial_number_missing"]
    assert [a["action"] for a in body["actions"]] == ["start_review", "withdraw"]


def _act(api: Client, packet: Packet, **data: Any) -> Any:
    return api.post(
        reverse("api:packet_action", kwargs={"packet_id": packet.pk}),
        data,
        content_type="application/json",
    )


def test_status_actions_go_through_the_packet_services(
    api: Client, make: Maker, admin_user: User
) -> None:
    (packet,) = make(status=PacketStatus.READY)
    KickbackReasonFactory.create(
        organization=packet.organization, program=packet.program, code="PHOTO"
    )
    response = _act(
        api, packet, action="submit", confirmation_number="ONC-1", submitted_on="2026-11-02"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert (
        _act(api, packet, action="approve", approved_amount="1200.50").json()["status"]
        == "approved"
    )
    body = _act(api, packet, action="kickback", reason_code="photo", note="blurry").json()
    assert body["status"] == "in_review" and body["kickback_reason"] == "PHOTO"
    packet.refresh_from_db()
    assert packet.approved_amount == Decimal("1200.50") and packet.kickback_count == 1
    event = PacketEvent.objects.filter(packet=packet).order_by("-id").first()
    assert event is not None and event.user == admin_user and event.note == "blurry"
    assert [e["action"] for e in body["events"]] == ["submit", "approve", "kickback"]


def test_refused_actions_answer_problems(api: Client, make: Maker) -> None:
    (packet,) = make(status=PacketStatus.NEW)
    body = problem(_act(api, packet, action="pay", paid_amount="10"), 409)
    assert "Cannot move" in body["detail"] and body["code"] == "illegal"
    problem(_act(api, packet, action="withdraw"), 422)  # needs a note
    body = problem(_act(api, packet, action="fly"), 400)
    assert "action" in body["errors"]
    problem(_act(api, packet, action="approve", approved_amount="-3"), 400)
    (submitted,) = make(status=PacketStatus.SUBMITTED)
    problem(_act(api, submitted, action="kickback", reason_code="NOPE"), 422)
    response = api.post(
        reverse("api:packet_action", kwargs={"packet_id": packet.pk}),
        "{not json",
        content_type="application/json",
    )
    problem(response, 400)
    response = api.post(reverse("api:packet_action", kwargs={"packet_id": packet.pk}), {})
    problem(response, 415)  # a form post, not JSON
    assert Packet.objects.get(pk=packet.pk).status == PacketStatus.NEW


def test_claim_and_assign(
    api: Client,
    make: Maker,
    admin_user: User,
    qa_user: User,
    other_organization: Organization,
    member: Callable[..., User],
) -> None:
    (packet,) = make()
    url = reverse("api:packet_claim", kwargs={"packet_id": packet.pk})
    assert api.post(url).json()["assignee"]["id"] == admin_user.pk
    assign = reverse("api:packet_assign", kwargs={"packet_id": packet.pk})
    body = api.post(assign, {"assignee_id": qa_user.pk}, content_type="application/json").json()
    assert body["assignee"]["id"] == qa_user.pk
    problem(api.post(url), 409)  # someone else holds it
    outsider = member(Role.QA, other_organization)
    problem(api.post(assign, {"assignee_id": outsider.pk}, content_type="application/json"), 422)
    body = api.post(assign, {"assignee_id": None}, content_type="application/json").json()
    assert body["assignee"] is None


# --- programs, rules, sync


def test_programs_rules_and_sync_status(api: Client, make: Maker) -> None:
    ProgramMeasureFactory.create(organization=make.organization, program=make.program)
    rule = ImportRuleFactory.create(connection=make.connection, program=make.program)
    SyncStateFactory.create(connection=make.connection, rows=12)

    programs = api.get(reverse("api:program_list")).json()["results"]
    assert [p["name"] for p in programs] == ["Oncor heat pump"]
    detail = api.get(
        reverse("api:program_detail", kwargs={"rebate_program_id": make.program.pk})
    ).json()
    assert detail["measures"][0]["amount"] == "500.00"

    rules = api.get(reverse("api:rule_list")).json()["results"]
    assert [r["id"] for r in rules] == [rule.pk]
    assert (
        api.get(reverse("api:rule_detail", kwargs={"import_rule_id": rule.pk})).json()["program"][
            "name"
        ]
        == "Oncor heat pump"
    )

    connections = api.get(reverse("api:sync_list")).json()
    assert [c["id"] for c in connections] == [make.connection.pk]
    sync = api.get(reverse("api:sync_detail", kwargs={"connection_id": make.connection.pk})).json()
    jobs = next(r for r in sync["resources"] if r["name"] == "jobs")
    assert jobs["rows"] == 12


# --- errors, schema, docs


def test_every_error_is_a_problem_document(api: Client, settings: Any) -> None:
    problem(api.get("/api/nothing/here/"), 404)
    problem(api.post("/api/packets/999999999/claim/"), 404)
    problem(api.post("/api/packets/a%0Ab%0Dc/claim/"), 404)  # an id with line breaks
    problem(api.delete(reverse("api:packet_list")), 405)
    problem(api.get(reverse("api:packet_detail", kwargs={"packet_id": 2**63 + 5})), 404)
    settings.API_RATE_LIMIT = "2/min"
    api.get(reverse("api:program_list"))
    api.get(reverse("api:program_list"))
    response = api.get(reverse("api:program_list"))
    problem(response, 429)
    assert int(response["Retry-After"]) > 0


def test_openapi_schema_and_docs_page(
    api: Client, signed_in: Callable[[User], Client], qa_user: User
) -> None:
    response = api.get(reverse("api:schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/packets/{packet_id}/actions/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    page = signed_in(qa_user).get(reverse("api:docs")).content.decode()
    assert "swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert "<script>" not in page
