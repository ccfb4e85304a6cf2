"""Reviewers' and coordinators' side of outreach: ask a homeowner (from the packet page),
resend or cancel a request, see a homeowner's document, e-mail technicians, and the
organization's reminder settings. Every view checks the role and reads the organization's
rows only."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from autofile.accounts.decorators import role_required
from autofile.accounts.models import Organization, Role, User
from autofile.core.htmx import render_page
from autofile.outreach import selectors, services
from autofile.outreach.forms import RequestForm, SettingsForm
from autofile.outreach.models import HomeownerRequest, MailAttempt
from autofile.packets.models import Packet, PacketDocument

WORKERS = (Role.QA, Role.ADMIN)
ASKERS = (Role.COORDINATOR, Role.QA, Role.ADMIN)
PANEL = "outreach/packet_panel.html"


def _organization(request: HttpRequest) -> Organization:
    return request.organization  # type: ignore[attr-defined]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _packet(request: HttpRequest, packet_id: int) -> Packet:
    packet = (
        Packet.objects.filter(organization=_organization(request), pk=packet_id)
        .select_related("program", "job", "job__customer", "job__location")
        .first()
    )
    if packet is None:
        raise Http404("No such packet")
    return packet


def _packet_url(packet_id: int) -> str:
    return reverse("review:packet_detail", args=[packet_id]) + "#homeowner-requests"


def _panel(request: HttpRequest, packet: Packet, **extra: Any) -> HttpResponse:
    context = selectors.packet_panel(request, packet) or {}
    return render_page(request, PANEL, {"ext": {**context, **extra}})


@require_http_methods(["GET", "POST"])
@role_required(*WORKERS)
def request_new(request: HttpRequest, packet_id: int) -> HttpResponse:
    """Choose what to ask the homeowner for (ticked from the open findings) and whom;
    sending records the request and e-mails the link."""
    packet = _packet(request, packet_id)
    suggestions = selectors.request_suggestions(packet=packet)
    recipients = selectors.packet_recipients(packet=packet)
    form = RequestForm(request.POST or None, recipients=recipients, suggestions=suggestions)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            made = services.homeowner_request_create(
                organization=_organization(request),
                user=_user(request),
                packet=packet,
                email=form.email,
                recipient_name=form.recipient_name,
                items=form.cleaned_data["items"],
                requirements=form.requirements,
                message=form.cleaned_data.get("message") or "",
                link_base=request.build_absolute_uri("/"),
            )
        except services.OutreachRefused as exc:
            error = exc.message
        else:
            if services.request_mail_send(request_id=made.pk):
                messages.success(request, f"Request #{made.pk} e-mailed to {made.email}.")
            else:
                made.refresh_from_db()
                messages.error(
                    request, f"Request #{made.pk} could not be delivered: {made.last_error}"
                )
            if getattr(request, "htmx", False):
                return _panel(request, packet, notice=f"Request #{made.pk} sent to {made.email}.")
            return redirect(_packet_url(packet.pk))
    status = 400 if request.method == "POST" else 200
    return render_page(
        request,
        "outreach/request_new.html",
        {
            "packet": packet,
            "form": form,
            "error": error,
            "suggestions": suggestions,
            "checked": request.POST.getlist("items")
            if form.is_bound
            else [s.item for s in suggestions if s.ticked],
        },
        partials=("request-form",),
        status=status,
    )


def _request(request: HttpRequest, homeowner_request_id: int) -> HomeownerRequest:
    found = HomeownerRequest.objects.filter(
        organization=_organization(request), pk=homeowner_request_id
    ).first()
    if found is None:
        raise Http404("No such request")
    return found


@require_POST
@role_required(*WORKERS)
def request_resend(request: HttpRequest, homeowner_request_id: int) -> HttpResponse:
    found = _request(request, homeowner_request_id)
    try:
        services.homeowner_request_resend(organization=_organization(request), request_id=found.pk)
    except services.OutreachRefused as exc:
        messages.error(request, exc.message)
    else:
        if services.request_mail_send(request_id=found.pk, purpose=MailAttempt.Purpose.RESEND):
            messages.success(request, f"Request #{found.pk} e-mailed again to {found.email}.")
        else:
            found.refresh_from_db()
            messages.error(
                request, f"Request #{found.pk} could not be delivered: {found.last_error}"
            )
    return redirect(_packet_url(found.packet_id))


@require_POST
@role_required(*WORKERS)
def request_cancel(request: HttpRequest, homeowner_request_id: int) -> HttpResponse:
    found = _request(request, homeowner_request_id)
    try:
        services.homeowner_request_cancel(organization=_organization(request), request_id=found.pk)
    except services.OutreachRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Request #{found.pk} cancelled; its link no longer works.")
    return redirect(_packet_url(found.packet_id))


@require_http_methods(["GET", "HEAD"])
@role_required(*ASKERS)
def document_file(request: HttpRequest, packet_document_id: int) -> HttpResponse:
    """A document of a packet (a homeowner's upload, a signed form), shown sandboxed."""
    document = PacketDocument.objects.filter(
        organization=_organization(request), pk=packet_document_id
    ).first()
    if document is None or not document.file:
        raise Http404("No such document")
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        filename=document.name,
        as_attachment=document.content_type not in ("application/pdf", "image/jpeg", "image/png"),
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    if document.content_type != "application/pdf":  # Chromium's PDF viewer refuses sandboxes
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    else:
        response["Content-Security-Policy"] = (
            "default-src 'none'; object-src 'self'; plugin-types application/pdf"
        )
    return cast(HttpResponse, response)


@require_POST
@role_required(*ASKERS)
def technicians_send(request: HttpRequest) -> HttpResponse:
    """E-mail each technician (or the one chosen) the jobs whose packets miss paperwork."""
    wanted = request.POST.get("technician_id", "")
    ids = [int(wanted)] if wanted.isdigit() else None
    made = services.technician_requests_send(
        organization=_organization(request), user=_user(request), technician_ids=ids
    )
    sent = [m for m in made if m.state == "sent"]
    failed = [m for m in made if m.state != "sent"]
    if sent:
        messages.success(
            request,
            f"E-mailed {len(sent)} technician{'s' * (len(sent) != 1)}: "
            + ", ".join(m.name for m in sent)
            + ".",
        )
    for m in failed:
        messages.error(request, f"{m.name}: {m.last_error}")
    if not made:
        messages.info(request, "No technician has jobs missing paperwork.")
    return redirect(reverse("coordinators:home") + "#technician-requests")


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def outreach_settings(request: HttpRequest) -> HttpResponse:
    """When reminders go out and how long links last."""
    organization = _organization(request)
    current = services.outreach_settings_get(organization=organization)
    form = SettingsForm(
        request.POST or None,
        initial={
            "reminder_days": ", ".join(str(d) for d in current.reminder_days),
            "link_days": current.link_days,
            "show_filing_status": current.show_filing_status,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.outreach_settings_update(
            organization=organization,
            reminder_days=form.cleaned_data["reminder_days"],
            link_days=form.cleaned_data["link_days"],
            show_filing_status=form.cleaned_data["show_filing_status"],
        )
        messages.success(request, "Request settings saved.")
        return redirect("outreach:settings")
    return render_page(
        request,
        "outreach/settings.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
