"""The admins' sync page: each connection's resources, live progress, history, quarantine."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from autofile.accounts.decorators import role_required
from autofile.accounts.http import MemberRequest
from autofile.accounts.models import Role
from autofile.core.htmx import render_page
from autofile.mirror.models import Connection
from autofile.mirror.registry import RESOURCES
from autofile.mirror.selectors import (
    connection_get,
    connection_summaries,
    quarantined_records,
    sync_history,
    sync_request_latest,
    sync_status,
)
from autofile.mirror.services import connection_sync_request

RESOURCE_NAMES = [r.name for r in RESOURCES]


def connection_or_404(request: MemberRequest, connection_id: int) -> Connection:
    """The organization's connection (the sync and the connection setup pages use it)."""
    connection = connection_get(organization=request.organization, connection_id=connection_id)
    if connection is None:
        raise Http404("No such connection")
    return connection


@role_required(Role.ADMIN)
def sync_overview(request: MemberRequest) -> HttpResponse:
    summaries = connection_summaries(organization=request.organization)
    if len(summaries) == 1:
        return redirect("mirror:sync_detail", connection_id=summaries[0].connection.pk)
    return render_page(request, "mirror/sync_overview.html", {"summaries": summaries})


@role_required(Role.ADMIN)
def sync_detail(request: MemberRequest, connection_id: int) -> HttpResponse:
    connection = connection_or_404(request, connection_id)
    statuses = sync_status(connection=connection)
    resource = request.GET.get("resource", "")
    context = {
        "connection": connection,
        "statuses": statuses,
        "running": any(s.running for s in statuses),
        "quarantined": sum(s.quarantined for s in statuses),
        "history": sync_history(connection=connection, resource=resource, limit=25),
        "history_resource": resource if resource in RESOURCE_NAMES else "",
        "sync_request": sync_request_latest(connection=connection),
    }
    return render_page(
        request, "mirror/sync_detail.html", context, partials=("sync-resources", "sync-history")
    )


@role_required(Role.ADMIN)
def sync_request(request: MemberRequest, connection_id: int) -> HttpResponse:
    """The latest "Sync now": queued, running or done, with counts (polled while live)."""
    connection = connection_or_404(request, connection_id)
    context = {"connection": connection, "sync_request": sync_request_latest(connection=connection)}
    return render_page(request, "mirror/sync_request.html", context)


@role_required(Role.ADMIN)
@require_POST
def sync_start(request: MemberRequest, connection_id: int) -> HttpResponse:
    """Queue a sync now: of every resource or one, incremental or a full resync."""
    connection = connection_or_404(request, connection_id)
    resource = request.POST.get("resource") or None
    full = request.POST.get("full") == "1"
    try:
        connection_sync_request(
            connection=connection, resource=resource, full=full, requested_by=request.user
        )
    except ValueError as error:
        messages.error(request, f"Nothing queued: {error}.")
    else:
        what = resource or "every resource"
        kind = "Full resync" if full else "Sync"
        messages.success(request, f"{kind} of {what} queued; progress shows below.")
    return redirect("mirror:sync_detail", connection_id=connection.pk)


@role_required(Role.ADMIN)
def quarantine(request: MemberRequest, connection_id: int) -> HttpResponse:
    connection = connection_or_404(request, connection_id)
    resource = request.GET.get("resource", "")
    if resource not in RESOURCE_NAMES:
        resource = ""
    records = quarantined_records(connection=connection, resource=resource)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render_page(
        request,
        "mirror/quarantine.html",
        {
            "connection": connection,
            "page": page,
            "resource": resource,
            "resource_names": RESOURCE_NAMES,
        },
    )
