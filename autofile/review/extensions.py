"""What apps above review add to its pages, without review importing them.

Review sits below outreach (and reports, notifications) in the layers, so it never imports
them. They register here, in their `AppConfig.ready()`, what they show on review's pages:

- a **packet panel**: a template rendered on the packet page with the context its loader
  returns for the packet (`slot` "side" puts it beside the findings, "main" under the body);
- **queue badges**: a template rendered in a queue row, with the context its loader returns
  for each packet of the page, loaded for the page's packet ids at once (one query, not one
  per row);
- a **coordinator panel**: a template rendered on the coordinators' page with the context
  its loader returns for the organization;
- a **bulk action**: a button in the queue's bulk bar that posts the selected packets
  (`packet_ids`, plus `next`, the queue's URL) to the registering app's URL `url_name`,
  shown to members holding one of `roles`.

A loader returning None (or leaving a packet out) shows nothing there. Loaders are the
registering app's selectors; review only calls them and renders the templates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from autofile.accounts.models import Organization
from autofile.packets.models import Packet

PanelLoader = Callable[[HttpRequest, Packet], dict[str, Any] | None]
BadgeLoader = Callable[[Organization, Sequence[int]], dict[int, dict[str, Any]]]
CoordinatorLoader = Callable[[HttpRequest, Organization], dict[str, Any] | None]
SLOTS = ("side", "main")


@dataclass(frozen=True)
class PacketPanel:
    key: str
    template: str
    load: PanelLoader
    slot: str = "side"


@dataclass(frozen=True)
class QueueBadge:
    key: str
    template: str
    load: BadgeLoader


@dataclass(frozen=True)
class CoordinatorPanel:
    key: str
    template: str
    load: CoordinatorLoader


@dataclass(frozen=True)
class BulkAction:
    key: str
    label: str
    url_name: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Rendered:
    """One registered piece ready for `{% include item.template with ext=item.context %}`."""

    key: str
    template: str
    context: dict[str, Any]


_packet_panels: dict[str, PacketPanel] = {}
_queue_badges: dict[str, QueueBadge] = {}
_coordinator_panels: dict[str, CoordinatorPanel] = {}
_bulk_actions: dict[str, BulkAction] = {}


def register_packet_panel(
    *, key: str, template: str, load: PanelLoader, slot: str = "side"
) -> None:
    """Show `template` on the packet page (registering the same key again replaces it)."""
    if slot not in SLOTS:
        raise ValueError(f"slot must be one of {SLOTS}")
    _packet_panels[key] = PacketPanel(key=key, template=template, load=load, slot=slot)


def register_queue_badge(*, key: str, template: str, load: BadgeLoader) -> None:
    """Show `template` in each queue row whose packet `load` returns a context for."""
    _queue_badges[key] = QueueBadge(key=key, template=template, load=load)


def register_coordinator_panel(*, key: str, template: str, load: CoordinatorLoader) -> None:
    """Show `template` on the coordinators' page."""
    _coordinator_panels[key] = CoordinatorPanel(key=key, template=template, load=load)


def register_bulk_action(*, key: str, label: str, url_name: str, roles: Iterable[str]) -> None:
    """Offer `label` in the queue's bulk bar: it posts the selection to `url_name`."""
    _bulk_actions[key] = BulkAction(key=key, label=label, url_name=url_name, roles=tuple(roles))


def bulk_actions(*, role: str) -> list[BulkAction]:
    """The registered bulk actions a member with `role` may use."""
    return [action for action in _bulk_actions.values() if role in action.roles]


def packet_panels(*, request: HttpRequest, packet: Packet) -> dict[str, list[Rendered]]:
    """The registered panels for `packet`, by slot: {"side": [...], "main": [...]}."""
    shown: dict[str, list[Rendered]] = {slot: [] for slot in SLOTS}
    for panel in _packet_panels.values():
        context = panel.load(request, packet)
        if context is not None:
            shown[panel.slot].append(Rendered(panel.key, panel.template, context))
    return shown


def queue_badges(
    *, organization: Organization, packet_ids: Sequence[int]
) -> dict[int, list[Rendered]]:
    """The registered badges for a page of packets: {packet id: [badge, ...]}."""
    shown: dict[int, list[Rendered]] = {}
    if not packet_ids:
        return shown
    for badge in _queue_badges.values():
        for packet_id, context in badge.load(organization, packet_ids).items():
            shown.setdefault(packet_id, []).append(Rendered(badge.key, badge.template, context))
    return shown


def attach_queue_badges(*, organization: Organization, packets: Iterable[Any]) -> None:
    """Set `extension_badges` on each packet of a queue page (None entries are skipped)."""
    rows = [p for p in packets if p is not None]
    badges = queue_badges(organization=organization, packet_ids=[p.pk for p in rows])
    for packet in rows:
        packet.extension_badges = badges.get(packet.pk, [])


def coordinator_panels(*, request: HttpRequest, organization: Organization) -> list[Rendered]:
    """The registered panels of the coordinators' page."""
    shown: list[Rendered] = []
    for panel in _coordinator_panels.values():
        context = panel.load(request, organization)
        if context is not None:
            shown.append(Rendered(panel.key, panel.template, context))
    return shown
