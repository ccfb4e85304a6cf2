"""The registry through which apps above review add to the packet page, queue and
coordinators' page (review imports none of them)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from django.http import HttpRequest
from django.template import engines
from django.test import Client
from django.urls import reverse

from autofile.accounts.models import Organization, User
from autofile.packets.models import Packet
from autofile.review import extensions
from tests.factories import ConnectionFactory, JobFactory, PacketFactory


@pytest.fixture
def registry() -> Iterator[None]:
    """Registrations made by a test go away after it (the apps' own stay)."""
    saved = (
        dict(extensions._packet_panels),
        dict(extensions._queue_badges),
        dict(extensions._coordinator_panels),
    )
    yield
    for kept, live in zip(
        saved,
        (extensions._packet_panels, extensions._queue_badges, extensions._coordinator_panels),
        strict=True,
    ):
        live.clear()  # type: ignore[attr-defined]
        live.update(kept)  # type: ignore[attr-defined]


def template(source: str) -> Any:
    """A template object: `{% include %}` takes one as well as a name."""
    return engines["django"].from_string(source).template  # type: ignore[attr-defined]


def packets(organization: Organization, count: int) -> list[Packet]:
    connection = ConnectionFactory.create(organization=organization)
    return [
        PacketFactory.create(job=JobFactory.create(connection=connection)) for _ in range(count)
    ]


def test_packet_panels_render_in_their_slots(
    registry: None, signed_in: Callable[[User], Client], qa_user: User, organization: Organization
) -> None:
    packet = packets(organization, 1)[0]

    def load(request: HttpRequest, shown: Packet) -> dict[str, Any] | None:
        return {"n": shown.pk}

    extensions.register_packet_panel(
        key="t-side", template=template('<p id="t-side">side {{ ext.n }}</p>'), load=load
    )
    extensions.register_packet_panel(
        key="t-main",
        template=template('<p id="t-main">main {{ ext.n }}</p>'),
        load=load,
        slot="main",
    )
    extensions.register_packet_panel(
        key="t-none", template=template("<p>never</p>"), load=lambda request, shown: None
    )
    body = (
        signed_in(qa_user).get(reverse("review:packet_detail", args=[packet.pk])).content.decode()
    )
    assert f'<p id="t-side">side {packet.pk}</p>' in body
    assert f'<p id="t-main">main {packet.pk}</p>' in body
    assert "never" not in body
    assert body.index('id="t-main"') < body.index('id="findings"') < body.index('id="t-side"')


def test_queue_badges_load_once_per_page(
    registry: None, signed_in: Callable[[User], Client], qa_user: User, organization: Organization
) -> None:
    shown = packets(organization, 3)
    calls: list[list[int]] = []

    def load(org: Organization, packet_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        assert org == organization
        calls.append(sorted(packet_ids))
        return {shown[0].pk: {"label": "Asked the homeowner"}}

    extensions.register_queue_badge(
        key="t-badge", template=template('<span class="t-badge">{{ ext.label }}</span>'), load=load
    )
    body = signed_in(qa_user).get(reverse("review:queue")).content.decode()
    assert calls == [sorted(p.pk for p in shown)]
    assert body.count('<span class="t-badge">Asked the homeowner</span>') == 1
    row = body.split(f'<tr id="packet-{shown[0].pk}">')[1].split("</tr>")[0]
    assert "t-badge" in row


def test_coordinator_panels_render(
    registry: None, signed_in: Callable[[User], Client], coordinator_user: User
) -> None:
    extensions.register_coordinator_panel(
        key="t-coord",
        template=template('<section id="t-coord">{{ ext.text }}</section>'),
        load=lambda request, organization: {"text": "asked 2 technicians"},
    )
    body = signed_in(coordinator_user).get(reverse("coordinators:home")).content.decode()
    assert '<section id="t-coord">asked 2 technicians</section>' in body


def test_a_panel_needs_a_known_slot(registry: None) -> None:
    with pytest.raises(ValueError):
        extensions.register_packet_panel(
            key="x", template="x.html", load=lambda request, shown: {}, slot="footer"
        )
