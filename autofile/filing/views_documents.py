"""Downloads of what a packet files. Every view checks the role and reads the
organization's rows only."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from autofile.accounts.decorators import ANY_ROLE, role_required
from autofile.accounts.models import Organization
from autofile.filing.selectors import documents as selectors
from autofile.filing.services import documents as services
from autofile.packets.models import Packet


def _organization(request: HttpRequest) -> Organization:
    return request.organization  # type: ignore[attr-defined]


def _packet(request: HttpRequest, packet_id: int) -> Packet:
    packet = (
        Packet.objects.filter(organization=_organization(request), pk=packet_id)
        .select_related("program", "job")
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
