"""The admins' sync page: each connection's resources, live progress, history, quarantine."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from autofile.accounts.decorators import role_required
from autofile.accounts.models import Role
from autofile.core.htmx import render_page
from autofile.mirror.models import Connection, QuarantinedRecord, SyncRun
from autofile.mirror.registry import BY_NAME
from autofile.mirror.selectors import connection_get, connections_for, sync_status
from autofile.mirror.tasks import sync_connection


def _connection(request: HttpRequest, connection_id: int) -> Connection:
    connection = connection_get(organization=request.organization, connection_id=connection_id)  # type: ignore[attr-defined]
    if connection is None:
        raise Http404("No such connection")
    return connection


@role_required(Role.ADMIN)
def sync_overview(request: HttpRequest) -> HttpResponse:
    connections = list(connections_for(organization=request.organization))  # type: ignore[attr-defined]
    if len(connections) == 1:
        return redirect("mirror:sync_detail", connection_id=connections[0].pk)
    return render_page(request, "mirror/sync_overview.html", {"connections": connections})


@role_required(Role.ADMIN)
def sync_detail(request: HttpRequest, connection_id: int) -> HttpResponse:
    connection = _connection(request, connection_id)
    statuses = sync_status(connection=connection)
    history = SyncRun.objects.filter(connection=connection).order_by("-started_at")[:25]
    context = {
        "connection": connection,
        "statuses": statuses,
        "running": any(s.running for s in statuses),
        "history": history,
    }
    return render_page(request, "mirror/sync_detail.html", context, partials=("sync-resources",))


@role_required(Role.ADMIN)
@require_POST
def sync_start(request: HttpRequest, connection_id: int) -> HttpResponse:
    """Queue a sync now: of every resource or one, incremental or a full resync."""
    connection = _connection(request, connection_id)
    resource = request.POST.get("resource") or None
    if resource is not None and resource not in BY_NAME:
        messages.error(request, f"Unknown resource {resource!r}.")
        return redirect("mirror:sync_detail", connection_id=connection.pk)
    full = request.POST.get("full") == "1"
    sync_connection.delay(connection.pk, [resource] if resource else None, full)
    what = resource or "all resources"
    messages.success(request, f"{'Full resync' if full else 'Sync'} of {what} queued.")
    return redirect("mirror:sync_detail", connection_id=connection.pk)


@role_required(Role.ADMIN)
def quarantine(request: HttpRequest, connection_id: int) -> HttpResponse:
    connection = _connection(request, connection_id)
    records = QuarantinedRecord.objects.filter(connection=connection).order_by("-created_at")
    resource = request.GET.get("resource", "")
    if resource:
        records = records.filter(resource=resource)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render_page(
        request,
        "mirror/quarantine.html",
        {"connection": connection, "page": page, "resource": resource},
    )
