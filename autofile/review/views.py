"""The QA workspace: the packet queue and the packet page.

The queue filters, searches, sorts and pages packets with every state in the URL; htmx swaps
the results in place and pushes the URL. Rows claim or assign a packet in place. The packet
page shows everything the packet gathered, each finding beside the record it concerns, the
status actions and a timeline; its sections re-render by htmx after a correction
(views_corrections.py). Every page works without JavaScript: forms post and redirect.
"""

from __future__ import annotations

import csv
import mimetypes
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode, urlsplit

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import push_url, reswap, retarget

from autofile.accounts.decorators import ANY_ROLE, role_required
from autofile.accounts.models import Organization, Role, User
from autofile.core import queues
from autofile.core.htmx import redirect_page, render_page
from autofile.mirror.models import Job, JobAttachment
from autofile.mirror.tasks import fetch_packet_documents
from autofile.packets import services as packet_services
from autofile.packets.errors import TransitionRefused
from autofile.packets.models import FINAL_STATUSES, OPEN_STATUSES, Packet, PacketEvent, PacketStatus
from autofile.packets.services.bulk import BulkResult, Refusal
from autofile.review import extensions, selectors
from autofile.review.forms import (
    DEFAULT_SORT,
    SORTS,
    STATUS_ALL,
    STATUS_OPEN,
    AssignForm,
    BulkActionForm,
    ExportForm,
    PacketActionForm,
    QueueFilterForm,
    bulk_statuses,
)
from autofile.review.selectors import WORKER_ROLES, PacketPage, QueueFilters

PAGE_SIZE = 50
QUEUE_TEMPLATE = "review/queue.html"
PACKET_TEMPLATE = "review/packet_detail.html"
#: Parts of the packet page htmx can ask for by their DOM id.
PACKET_PARTIALS = ("packet-head", "findings", "timeline", "packet-body", "customer", "location")
#: Attachment types shown in the browser; anything else downloads.
INLINE_TYPES = frozenset(
    ("image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "application/pdf")
)
A = PacketEvent.Action


def organization_of(request: HttpRequest) -> Organization:
    return request.organization  # type: ignore[attr-defined]


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` the form carried, if it is a path of this site, else `default`."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


# --- the queue ------------------------------------------------------------------------------------


def _queue_url(state: dict[str, Any], **overrides: Any) -> str:
    """The queue's URL for `state` with `overrides`, leaving out defaults (so URLs stay short
    and two ways to the same page share one URL)."""
    values = {**state, **overrides}
    params: list[tuple[str, str]] = []
    for name in ("q", "status", "program", "business_unit", "assignee", "age"):
        value = values.get(name)
        if value not in (None, "", STATUS_OPEN):
            params.append((name, str(value)))
    for name in ("has_errors", "kicked_back"):
        if values.get(name):
            params.append((name, "1"))
    if values.get("sort") and values["sort"] != DEFAULT_SORT:
        params.append(("sort", values["sort"]))
    if values.get("page") and int(values["page"]) > 1:
        params.append(("page", str(values["page"])))
    base = reverse("review:queue")
    return f"{base}?{urlencode(params)}" if params else base


def _with_age(packets: Any) -> None:
    """Each packet's age in days (since it was imported), as the queue shows it."""
    today = timezone.localdate()
    for packet in packets:
        if packet is not None:
            packet.age_days = (today - timezone.localtime(packet.created_at).date()).days


def _filters(state: dict[str, Any]) -> QueueFilters:
    return QueueFilters(
        status=state["status"],
        program_id=state.get("program"),
        business_unit_id=state.get("business_unit"),
        assignee=state.get("assignee") or "",
        age=state.get("age") or "",
        has_errors=bool(state.get("has_errors")),
        kicked_back=bool(state.get("kicked_back")),
        q=state["q"],
        sort=state["sort"],
    )


def _queue_context(request: HttpRequest, data: QueryDict) -> dict[str, Any]:
    """What the queue page shows for the query string `data` (the page's own, or the one a
    bulk action came from)."""
    organization = organization_of(request)
    options = selectors.queue_options(organization=organization)
    form = QueueFilterForm(
        data,
        programs=options.programs,
        business_units=options.business_units,
        assignees=options.workers,
    )
    state = form.state()
    filters = _filters(state)
    results = selectors.queue_results(
        organization=organization,
        user=user_of(request),
        filters=filters,
        number=state["page"],
        per_page=PAGE_SIZE,
    )
    page, counts = results.page, results.counts
    state["page"] = page.number
    _with_age(page.object_list)
    extensions.attach_queue_badges(organization=organization, packets=page.object_list)
    open_count = sum(counts[s] for s in OPEN_STATUSES)
    tabs = [("", "Open", open_count)]
    tabs += [(s.value, s.label, counts[s.value]) for s in PacketStatus]
    tabs.append((STATUS_ALL, "All", sum(counts.values())))
    current_key = state["sort"].lstrip("-")
    columns = []
    for key, label in SORTS.items():
        if key == current_key:
            next_sort = key if state["sort"].startswith("-") else f"-{key}"
            arrow = "↓" if state["sort"].startswith("-") else "↑"
        else:
            next_sort = f"-{key}" if key in ("age", "errors", "amount") else key
            arrow = ""
        columns.append((key, label, _queue_url(state, sort=next_sort, page=None), arrow))
    here = _queue_url(state)
    context = {
        "form": form,
        "state": state,
        "page": page,
        "tabs": [
            (value, label, n, _queue_url(state, status=value, page=None))
            for value, label, n in tabs
        ],
        "columns": {key: (label, url, arrow) for key, label, url, arrow in columns},
        "previous_url": _queue_url(state, page=page.number - 1) if page.has_previous() else "",
        "next_url": _queue_url(state, page=page.number + 1) if page.has_next() else "",
        "here": here,
        "workers": options.workers,
        "final_statuses": FINAL_STATUSES,
        "can_work": request.membership.role in WORKER_ROLES,  # type: ignore[attr-defined]
        "filtered": any(
            state.get(name)
            for name in (
                "q",
                "program",
                "business_unit",
                "assignee",
                "age",
                "has_errors",
                "kicked_back",
            )
        ),
        "reset_url": _queue_url({"status": state["status"], "sort": state["sort"]}),
        "bulk_statuses": bulk_statuses(),
        "bulk_actions": extensions.bulk_actions(
            role=request.membership.role  # type: ignore[attr-defined]
        ),
    }
    return context


@require_GET
@role_required(*ANY_ROLE)
def queue(request: HttpRequest) -> HttpResponse:
    """The organization's packets: status tabs with counts, filters, search, sortable
    columns, pages; htmx swaps `#queue-results` and pushes the page's URL."""
    if request.membership.role == Role.COORDINATOR:  # type: ignore[attr-defined]
        return redirect("coordinators:home")
    context = _queue_context(request, request.GET)
    response = render_page(request, QUEUE_TEMPLATE, context, partials=("queue-results",))
    if is_htmx(request):
        push_url(response, context["here"])
    return response


@dataclass
class BulkReport:
    """What a bulk action did: a sentence, and each packet it left alone with the reason."""

    summary: str
    refused: list[Refusal]
    error: bool = False


def _bulk_summary(action: str, result: BulkResult, assignee: User | None, status: str) -> str:
    n = len(result.done)
    packets = f"{n} packet{'s' if n != 1 else ''}"
    if action == "claim":
        done = f"Claimed {packets}."
    elif action == "assign":
        done = f"Assigned {packets} to {assignee}." if assignee else f"Unassigned {packets}."
    else:
        done = f"Moved {packets} to {PacketStatus(status).label.lower()}."
    if result.refused:
        m = len(result.refused)
        left = f"{m} packets were left as they were" if m != 1 else "1 packet was left as it was"
        done += f" {left}:"
    return done


def _form_error(form: forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@require_POST
@role_required(*WORKER_ROLES)
def queue_bulk(request: HttpRequest) -> HttpResponse:
    """Assign, claim or move the selected packets, each through the same rules as one
    packet; the queue comes back (htmx: its results) with what was done and, per packet,
    why any was refused."""
    organization = organization_of(request)
    workers = selectors.packet_workers(organization=organization)
    form = BulkActionForm(request.POST, assignees=workers)
    back = safe_next(request, reverse("review:queue"))
    if not form.is_valid():
        report = BulkReport(summary=_form_error(form), refused=[], error=True)
    else:
        data = form.cleaned_data
        action, ids, user = data["action"], data["packet_ids"], user_of(request)
        assignee = next((u for u in workers if u.pk == data["assignee"]), None)
        if action == "claim":
            result = packet_services.packets_bulk_claim(
                organization=organization, packet_ids=ids, user=user
            )
        elif action == "assign":
            result = packet_services.packets_bulk_assign(
                organization=organization, packet_ids=ids, assignee=assignee, user=user
            )
        else:
            result = packet_services.packets_bulk_transition(
                organization=organization,
                packet_ids=ids,
                to=data["status"],
                user=user,
                note=data["note"],
            )
        summary = _bulk_summary(action, result, assignee, data["status"])
        report = BulkReport(summary=summary, refused=result.refused, error=not result.done)
    if is_htmx(request):
        context = _queue_context(request, QueryDict(urlsplit(back).query))
        context["bulk_report"] = report
        return render_page(request, f"{QUEUE_TEMPLATE}#queue-results", context)
    (messages.error if report.error else messages.success)(request, report.summary)
    if report.refused:
        messages.error(request, "; ".join(f"#{r.packet_id}: {r.message}" for r in report.refused))
    return redirect(back)


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


EXPORT_COLUMNS = (
    "Packet",
    "Status",
    "Program",
    "Job",
    "Customer",
    "Install address",
    "Business unit",
    "Assignee",
    "Errors",
    "Warnings",
    "Estimated amount",
    "Installed on",
    "Due on",
    "Imported",
)


@require_POST
@role_required(*WORKER_ROLES)
def queue_export(request: HttpRequest) -> HttpResponse:
    """The selected packets as a CSV file (one row each, as the queue shows them)."""
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return redirect(safe_next(request, reverse("review:queue")))
    packets = selectors.queue_selection(
        organization=organization_of(request), packet_ids=form.cleaned_data["packet_ids"]
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="packets-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    for p in packets:
        job, location = p.job, p.job.location
        address = ", ".join(x for x in (location.street, location.city) if x) if location else ""
        writer.writerow(
            [
                _cell(v)
                for v in (
                    p.pk,
                    p.get_status_display(),
                    p.program.name,
                    job.job_number,
                    job.customer.name if job.customer else "",
                    address,
                    job.business_unit.name if job.business_unit else "",
                    p.assignee or "",
                    p.error_count,
                    p.warning_count,
                    p.estimated_amount if p.estimated_amount is not None else "",
                    p.installed_on or "",
                    p.due_on or "",
                    timezone.localtime(p.created_at).date(),
                )
            ]
        )
    return response


def _packet_or_404(request: HttpRequest, packet_id: int) -> Packet:
    packet = selectors.queue_row(organization=organization_of(request), packet_id=packet_id)
    if packet is None:
        raise Http404("No such packet")
    return packet


def _row_response(
    request: HttpRequest, packet_id: int, error: str = "", workers: list[User] | None = None
) -> HttpResponse:
    """One queue row again (after a claim or an assignment), with a refusal if any
    (`workers`: the assignees, when the caller has read them already)."""
    organization = organization_of(request)
    packet = selectors.queue_row(organization=organization, packet_id=packet_id)
    _with_age([packet])
    extensions.attach_queue_badges(organization=organization, packets=[packet])
    if workers is None:
        workers = selectors.packet_workers(organization=organization)
    context = {
        "packet": packet,
        "workers": workers,
        "final_statuses": FINAL_STATUSES,
        "can_work": True,
        "row_error": error,
        "here": safe_next(request, reverse("review:queue")),
    }
    return render_page(request, QUEUE_TEMPLATE + "#packet-row", context)


def _after_assignment(
    request: HttpRequest,
    packet: Packet,
    error: str,
    done: str,
    workers: list[User] | None = None,
) -> HttpResponse:
    if is_htmx(request):
        if request.htmx.target == "packet-head":  # type: ignore[attr-defined]
            page = page_or_404(request, packet.pk)
            return packet_sections(
                request, page, "packet-head", notice=error or done, notice_is_error=bool(error)
            )
        return _row_response(request, packet.pk, error, workers)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(safe_next(request, reverse("review:packet_detail", args=[packet.pk])))


@require_POST
@role_required(*WORKER_ROLES)
def packet_claim(request: HttpRequest, packet_id: int) -> HttpResponse:
    """Take an unassigned packet (refused if a teammate holds it)."""
    packet = _packet_or_404(request, packet_id)
    error = ""
    try:
        packet_services.packet_claim(packet=packet, user=user_of(request))
    except TransitionRefused as exc:
        error = exc.message
    return _after_assignment(request, packet, error, f"Packet #{packet.pk} is yours.")


@require_POST
@role_required(*WORKER_ROLES)
def packet_assign(request: HttpRequest, packet_id: int) -> HttpResponse:
    """Give the packet to a teammate (a QA reviewer or an admin), or to nobody."""
    packet = _packet_or_404(request, packet_id)
    workers = selectors.packet_workers(organization=organization_of(request))
    form = AssignForm(request.POST, assignees=workers)
    error = ""
    assignee = None
    if form.is_valid():
        wanted = form.cleaned_data["assignee"]
        assignee = next((u for u in workers if u.pk == wanted), None)
    else:
        error = "Choose a teammate who works packets."
    if not error:
        try:
            packet_services.packet_assign(packet=packet, assignee=assignee, user=user_of(request))
        except TransitionRefused as exc:
            error = exc.message
    done = (
        f"Packet #{packet.pk} assigned to {assignee}."
        if assignee
        else f"Packet #{packet.pk} unassigned."
    )
    return _after_assignment(request, packet, error, done, workers)


# --- the packet page ------------------------------------------------------------------------------


def page_or_404(request: HttpRequest, packet_id: int) -> PacketPage:
    page = selectors.packet_page(organization=organization_of(request), packet_id=packet_id)
    if page is None:
        raise Http404("No such packet")
    return page


def page_context(request: HttpRequest, page: PacketPage, **extra: Any) -> dict[str, Any]:
    role = request.membership.role  # type: ignore[attr-defined]
    packet = page.packet
    return {
        "page": page,
        "packet": packet,
        "bundle": page.bundle,
        "can_work": role in WORKER_ROLES,
        "can_correct": role in WORKER_ROLES and packet.status not in FINAL_STATUSES,
        "packet_url": reverse("review:packet_detail", args=[packet.pk]),
        "final_statuses": FINAL_STATUSES,
        "resolve_choices": [
            ("mine", "Apply mine", ""),
            ("theirs", "Take theirs", "secondary"),
        ],
        "action_form": extra.pop("action_form", None)
        or PacketActionForm(reasons=page.kickback_reasons),
        # What apps above review add (outreach's requests...), loaded only if rendered.
        "extension_panels": SimpleLazyObject(
            lambda: extensions.packet_panels(request=request, packet=packet)
        ),
        **extra,
    }


def packet_sections(
    request: HttpRequest,
    page: PacketPage,
    primary: str,
    *,
    also: tuple[str, ...] = ("findings", "packet-head", "timeline"),
    **extra: Any,
) -> HttpResponse:
    """`primary` part of the packet page (an invoice's is "invoice-<pk>") and, swapped out of
    band, the other parts a change touches: findings, the head (counts, actions), timeline."""
    context = page_context(request, page, **extra)
    name = primary
    if primary.startswith("invoice-"):
        name = "invoice"
        context["invoice"] = next(
            (i for i in page.bundle.invoices if f"invoice-{i.pk}" == primary), None
        )
        if context["invoice"] is None:  # the invoice went away: show the whole body
            name = primary = "packet-body"
    parts = [render_to_string(f"{PACKET_TEMPLATE}#{name}", context, request)]
    for other in also:
        if other != primary:
            parts.append(
                render_to_string(f"{PACKET_TEMPLATE}#{other}", {**context, "oob": True}, request)
            )
    response = HttpResponse("".join(parts))
    response["Vary"] = "HX-Request, HX-Target"
    if request.htmx.target != primary:  # type: ignore[attr-defined]
        retarget(response, f"#{primary}")
        reswap(response, "outerHTML")
    return response


@require_GET
@role_required(*ANY_ROLE)
def packet_detail(request: HttpRequest, packet_id: int) -> HttpResponse:
    """Everything the packet gathered, its findings beside what they concern, its status
    actions and its timeline (coordinators read it; QA and admins act on it). htmx asks for
    one part by its DOM id."""
    page = page_or_404(request, packet_id)
    # Never show stale findings: an input changed since they were computed, check again.
    if packet_services.packet_findings_refresh(packet=page.packet):
        page = page_or_404(request, packet_id)
    target = request.htmx.target if is_htmx(request) else None  # type: ignore[attr-defined]
    if target and target.startswith("invoice-"):
        return packet_sections(request, page, target, also=())
    return render_page(
        request, PACKET_TEMPLATE, page_context(request, page), partials=PACKET_PARTIALS
    )


def _act(packet: Packet, user: User, action: str, data: dict[str, Any]) -> Packet:
    note = data.get("note") or ""
    s = packet_services
    if action == A.START_REVIEW:
        return s.packet_start_review(packet=packet, user=user, note=note)
    if action == A.MARK_READY:
        return s.packet_mark_ready(packet=packet, user=user, note=note)
    if action == A.RETURN_TO_REVIEW:
        return s.packet_return_to_review(packet=packet, user=user, note=note)
    if action == A.SUBMIT:
        return s.packet_submit(
            packet=packet,
            user=user,
            confirmation_number=data.get("confirmation_number") or "",
            submitted_on=data.get("submitted_on"),
            note=note,
        )
    if action == A.APPROVE:
        return s.packet_approve(
            packet=packet, user=user, approved_amount=data.get("approved_amount") or "", note=note
        )
    if action == A.PAY:
        return s.packet_mark_paid(
            packet=packet,
            user=user,
            paid_amount=data.get("paid_amount") or "",
            paid_on=data.get("paid_on"),
            note=note,
        )
    if action == A.KICKBACK:
        return s.packet_kickback(
            packet=packet, user=user, reason_code=data.get("reason_code") or "", note=note
        )
    if action == A.REJECT:
        return s.packet_reject(packet=packet, user=user, note=note)
    if action == A.WITHDRAW:
        return s.packet_withdraw(packet=packet, user=user, note=note)
    raise TransitionRefused(f"“{action}” is not a packet action.", code="invalid")


@require_POST
@role_required(*WORKER_ROLES)
def packet_action(request: HttpRequest, packet_id: int) -> HttpResponse:
    """Move the packet: start review, mark ready, submit (confirmation number), approve
    (amount), mark paid (amount, date), kick back (reason), reject or withdraw (note). A
    refused move shows its message with the input kept."""
    page = page_or_404(request, packet_id)
    form = PacketActionForm(request.POST, reasons=page.kickback_reasons)
    error = ""
    action = request.POST.get("action", "")
    if not form.is_valid():
        error = " ".join(
            (
                f"{form.fields[name].label or name.replace('_', ' ').capitalize()}: "
                if name != "__all__"
                else ""
            )
            + " ".join(str(e) for e in errs)
            for name, errs in form.errors.items()
        )

    else:
        try:
            _act(page.packet, user_of(request), action, form.cleaned_data)
        except TransitionRefused as exc:
            error = exc.message
    label = PacketEvent.Action(action).label if action in PacketEvent.Action.values else action
    if not error:
        done = f"{label}: the packet is now {page.packet.get_status_display().lower()}."
        if is_htmx(request):
            fresh = page_or_404(request, packet_id)
            return packet_sections(request, fresh, "packet-head", notice=done)
        messages.success(request, done)
        return redirect("review:packet_detail", packet_id=packet_id)
    # Refused: findings may have been refreshed by the attempt (mark ready re-validates).
    fresh = page_or_404(request, packet_id)
    extra: dict[str, Any] = {
        "notice": error,
        "notice_is_error": True,
        "action_form": form,
        "open_action": action,
    }
    if is_htmx(request):
        return packet_sections(request, fresh, "packet-head", **extra)
    return render_page(request, PACKET_TEMPLATE, page_context(request, fresh, **extra))


def _fetch_documents(connection_id: int, job_id: int) -> None:
    """Ask a worker to mirror the job's forms and attachments and download the files."""
    transaction.on_commit(
        lambda: fetch_packet_documents.apply_async(
            (connection_id, [job_id]), queue=queues.INTERACTIVE
        )
    )


@require_POST
@role_required(*WORKER_ROLES)
def packet_documents(request: HttpRequest, packet_id: int) -> HttpResponse:
    """Fetch the job's form submissions and attachments from ServiceTitan again."""
    packet = _packet_or_404(request, packet_id)
    job = packet.job
    _fetch_documents(job.connection_id, job.pk)
    messages.info(
        request, "Fetching the job's forms and attachments from ServiceTitan; reload in a minute."
    )
    return redirect_page(request, reverse("review:packet_detail", args=[packet.pk]) + "#documents")


@role_required(*ANY_ROLE)
def attachment_file(request: HttpRequest, job_attachment_id: int) -> HttpResponse:
    """A job attachment's file, inline (photos in <img>, PDFs in the browser's viewer).

    Not downloaded yet: 404; POST asks a worker to fetch the job's files now."""
    attachment = JobAttachment.objects.filter(
        organization=organization_of(request), pk=job_attachment_id
    ).first()
    if attachment is None:
        raise Http404("No such attachment")
    if request.method == "POST":
        job = (
            Job.objects.filter(
                connection_id=attachment.connection_id, st_id=attachment.job_st_id
            ).first()
            if attachment.job_st_id is not None
            else None
        )
        if job is not None:
            _fetch_documents(attachment.connection_id, job.pk)
        messages.info(request, f"Fetching “{attachment.file_name}” from ServiceTitan.")
        return redirect(safe_next(request, reverse("review:queue")))
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    if not attachment.file:
        raise Http404("This file has not been downloaded from ServiceTitan yet.")
    content_type = (
        attachment.content_type
        or mimetypes.guess_type(attachment.file_name)[0]
        or "application/octet-stream"
    ).lower()
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=content_type,
        filename=attachment.file_name or attachment.file.name.rsplit("/", 1)[-1],
        # Files come from ServiceTitan users: only types a browser shows safely open inline.
        as_attachment=content_type not in INLINE_TYPES,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    if content_type != "application/pdf":  # Chromium's PDF viewer refuses sandboxed pages
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    else:  # the pages' policy (object-src 'none') would keep the viewer out
        response["Content-Security-Policy"] = (
            "default-src 'none'; object-src 'self'; plugin-types application/pdf"
        )
    return cast(HttpResponse, response)  # streamed; role_required is typed for HttpResponse
