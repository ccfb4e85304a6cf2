"""Downloads of what a packet files. Every view checks the role and reads the
organization's rows only."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from autofile.accounts.decorators import ANY_ROLE, role_required
from autofile.accounts.models import Organization, Role
from autofile.core.htmx import render_page
from autofile.filing.selectors import documents as selectors
from autofile.filing.services import documents as services
from autofile.filing.services import filing_pdf as pdf_services
from autofile.packets.models import Packet

WORKERS = (Role.QA, Role.ADMIN)
PANEL = "filing/packet_panel.html"


def _organization(request: HttpRequest) -> Organization:
    return request.organization  # type: ignore[attr-defined]


def _packet(request: HttpRequest, packet_id: int) -> Packet:
    packet = (
        Packet.objects.filter(organization=_organization(request), pk=packet_id)
        .select_related("program", "job", "organization")
        .first()
    )
    if packet is None:
        raise Http404("No such packet")
    return packet


@require_GET
@role_required(*ANY_ROLE)
def packet_zip(request: HttpRequest, packet_id: int) -> HttpResponse:
    """The packet's documents as one ZIP (the filing PDF and every original), each file
    named by the program's pattern; streamed as it is written."""
    packet = _packet(request, packet_id)
    entries = list(selectors.packet_archive_entries(packet))
    response = StreamingHttpResponse(services.zip_stream(entries), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{selectors.packet_zip_name(packet)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]


@require_GET
@role_required(*ANY_ROLE)
def packet_pdf(request: HttpRequest, packet_id: int) -> HttpResponse:
    """The packet's filing PDF as last built (not built yet: back to the packet page)."""
    packet = _packet(request, packet_id)
    filing = selectors.filing_document_get(organization=_organization(request), packet_id=packet.pk)
    if filing is None or not filing.file:
        messages.info(request, "The filing PDF is not built yet: build it here.")
        return redirect(reverse("review:packet_detail", args=[packet.pk]) + "#filing-packet")
    name = selectors.packet_pdf_name(packet)
    response = FileResponse(
        filing.file.open("rb"), content_type="application/pdf", filename=name, as_attachment=True
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return cast(HttpResponse, response)


def _panel(request: HttpRequest, packet: Packet) -> HttpResponse:
    context = selectors.packet_panel(request, packet)
    return render_page(request, PANEL, {"ext": context})


@require_GET
@role_required(*ANY_ROLE)
def packet_filing_panel(request: HttpRequest, packet_id: int) -> HttpResponse:
    """The packet page's filing panel alone (polled while the PDF is being rebuilt)."""
    return _panel(request, _packet(request, packet_id))


@require_POST
@role_required(*WORKERS)
def packet_pdf_build(request: HttpRequest, packet_id: int) -> HttpResponse:
    """Queue a (re)build of the packet's filing PDF."""
    packet = _packet(request, packet_id)
    pdf_services.filing_pdf_request(packet=packet)
    if getattr(request, "htmx", False):
        return _panel(request, packet)
    messages.success(request, "The filing PDF is being built.")
    return redirect(reverse("review:packet_detail", args=[packet.pk]) + "#filing-packet")
