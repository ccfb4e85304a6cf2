"""A member's notifications in the current organization: the header's bell (loaded by
htmx after the page, so no page pays a query for it), the list, opening a packet's
notifications, marking all read and the digest preference. Every member may see their
own; nobody sees anyone else's."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from autofile.accounts.decorators import ANY_ROLE, role_required
from autofile.accounts.models import Organization, User
from autofile.core.htmx import render_page
from autofile.notifications import selectors, services
from autofile.packets.models import Packet


def _organization(request: HttpRequest) -> Organization:
    return request.organization  # type: ignore[attr-defined]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@require_GET
@role_required(*ANY_ROLE)
def notification_list(request: HttpRequest) -> HttpResponse:
    organization, user = _organization(request), _user(request)
    return render_page(
        request,
        "notifications/list.html",
        {
            "notifications": selectors.notification_list(organization=organization, user=user),
            "unread": selectors.unread_count(organization=organization, user=user),
            "preferences": services.notification_settings_get(organization=organization, user=user),
        },
    )


@require_GET
@role_required(*ANY_ROLE)
def bell(request: HttpRequest) -> HttpResponse:
    """The header's link with the unread count (htmx swaps it in after the page loads)."""
    unread = selectors.unread_count(organization=_organization(request), user=_user(request))
    return render_page(
        request, "notifications/list.html#notification-bell", {"unread": unread, "live": True}
    )


@require_http_methods(["GET", "POST"])
@role_required(*ANY_ROLE)
def packet_open(request: HttpRequest, packet_id: int) -> HttpResponse:
    """Open a packet from a notification: its notifications are read, the packet shown."""
    if not Packet.objects.filter(organization=_organization(request), pk=packet_id).exists():
        raise Http404("No such packet")
    services.notifications_read(
        organization=_organization(request), user=_user(request), packet_id=packet_id
    )
    return redirect("review:packet_detail", packet_id=packet_id)


@require_POST
@role_required(*ANY_ROLE)
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_read(organization=_organization(request), user=_user(request))
    messages.success(request, f"{count} notification{'s' * (count != 1)} marked read.")
    return redirect("notifications:list")


@require_POST
@role_required(*ANY_ROLE)
def preferences(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("daily_digest") == "on"
    services.notification_settings_update(
        organization=_organization(request), user=_user(request), daily_digest=wanted
    )
    messages.success(
        request,
        "You will get a daily e-mail digest of unread notifications."
        if wanted
        else "No daily e-mail digest.",
    )
    return redirect("notifications:list")
