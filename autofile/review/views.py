from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from autofile.accounts.decorators import ANY_ROLE, role_required
from autofile.core.htmx import render_page
from autofile.packets.models import PacketStatus
from autofile.packets.selectors import packet_get, packet_queue, packet_status_counts

PAGE_SIZE = 50


@role_required(*ANY_ROLE)
def queue(request: HttpRequest) -> HttpResponse:
    """The organization's packets, filtered by status; htmx swaps only the table."""
    status = request.GET.get("status", "")
    if status not in PacketStatus.values:
        status = ""
    organization = request.organization  # type: ignore[attr-defined]
    page = Paginator(packet_queue(organization=organization, status=status or None), PAGE_SIZE)
    counts = packet_status_counts(organization=organization)
    context = {
        "page": page.get_page(request.GET.get("page")),
        "status": status,
        "statuses": [(s.value, s.label, counts[s.value]) for s in PacketStatus],
        "total": sum(counts.values()),
    }
    return render_page(request, "review/queue.html", context, partials=("queue-results",))


@role_required(*ANY_ROLE)
def packet_detail(request: HttpRequest, packet_id: int) -> HttpResponse:
    packet = packet_get(organization=request.organization, packet_id=packet_id)  # type: ignore[attr-defined]
    if packet is None:
        raise Http404("No such packet")
    return render(request, "review/packet_detail.html", {"packet": packet})
