"""Submission batches: created from the queue's selection, listed, and downloaded."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from autofile.accounts.decorators import role_required
from autofile.accounts.models import Organization, Role, User
from autofile.filing.archive import zip_stream
from autofile.filing.batch_archive import batch_archive_entries
from autofile.filing.forms import BatchCreateForm
from autofile.filing.models import SubmissionBatch
from autofile.filing.selectors import batches as selectors
from autofile.filing.services import batches as services
from autofile.review.views import safe_next

FILERS = (Role.QA, Role.ADMIN)
#: At most this many refusals are listed one by one after a batch is created.
REFUSALS_SHOWN = 20


def organization_of(request: HttpRequest) -> Organization:
    return request.organization  # type: ignore[attr-defined]


def _batch_or_404(request: HttpRequest, batch_id: int) -> SubmissionBatch:
    batch = selectors.batch_get(organization=organization_of(request), batch_id=batch_id)
    if batch is None:
        raise Http404("No such batch")
    return batch


@require_POST
@role_required(*FILERS)
def batch_create(request: HttpRequest) -> HttpResponse:
    """Submit the queue's selected ready packets of one program as a new batch."""
    back = safe_next(request, reverse("review:queue"))
    form = BatchCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    user: User = request.user  # type: ignore[assignment]
    try:
        result = services.batch_create(
            organization=organization_of(request),
            packet_ids=form.cleaned_data["packet_ids"],
            user=user,
            confirmation_number=form.cleaned_data["confirmation_number"],
            note=form.cleaned_data["note"],
        )
    except services.BatchRefused as exc:
        messages.error(request, exc.message)
        return redirect(back)
    refused = result.refused
    if refused:
        m = len(refused)
        messages.warning(
            request,
            f"{m} packet{'s were' if m != 1 else ' was'} left out of the batch and left as "
            f"{'they were' if m != 1 else 'it was'}:",
        )
        for refusal in refused[:REFUSALS_SHOWN]:
            messages.warning(request, f"Packet #{refusal.packet_id}: {refusal.message}")
        if m > REFUSALS_SHOWN:
            messages.warning(request, f"… and {m - REFUSALS_SHOWN} more.")
    if result.batch is None:
        messages.error(request, "No batch was created: none of the packets could be submitted.")
        return redirect(back)
    n = result.batch.entries.count()
    messages.success(
        request,
        f"Batch {result.batch.reference} created: {n} packet{'s' if n != 1 else ''} "
        f"submitted to {result.batch.program.name}.",
    )
    return redirect("filing:batch_detail", submission_batch_id=result.batch.pk)


@require_GET
@role_required(*FILERS)
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = selectors.batch_list(organization=organization_of(request))
    return render(request, "filing/batch_list.html", {"batches": batches})


@require_GET
@role_required(*FILERS)
def batch_detail(request: HttpRequest, submission_batch_id: int) -> HttpResponse:
    batch = _batch_or_404(request, submission_batch_id)
    return render(
        request,
        "filing/batch_detail.html",
        {"batch": batch, "entries": batch.entry_list},  # type: ignore[attr-defined]
    )


@require_GET
@role_required(*FILERS)
def batch_archive(request: HttpRequest, submission_batch_id: int) -> HttpResponse:
    """Every packet's documents and the bulk sheet, as one ZIP streamed as it is made."""
    batch = _batch_or_404(request, submission_batch_id)
    stream = (chunk for chunk in zip_stream(batch_archive_entries(batch=batch)) if chunk)
    response = StreamingHttpResponse(stream, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{batch.reference}.zip"'
    return response  # type: ignore[return-value]  # role_required types views as HttpResponse
