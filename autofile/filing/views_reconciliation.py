"""Reconciliation: upload a program's decisions file, preview each row, apply it once."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from autofile.accounts.decorators import role_required
from autofile.accounts.models import User
from autofile.filing.decisions import DECISION_LABELS, MAX_BYTES
from autofile.filing.forms import ReconciliationUploadForm
from autofile.filing.models import ReconciliationImport
from autofile.filing.selectors import reconciliation as selectors
from autofile.filing.services import reconciliation as services
from autofile.filing.views_batches import FILERS, organization_of
from autofile.packets.selectors.programs import program_choices


def _import_or_404(request: HttpRequest, reconciliation_id: int) -> ReconciliationImport:
    found = selectors.reconciliation_get(
        organization=organization_of(request), reconciliation_id=reconciliation_id
    )
    if found is None:
        raise Http404("No such import")
    return found


@role_required(*FILERS)
def reconciliation_list(request: HttpRequest) -> HttpResponse:
    """The imports so far, and the form to upload a new decisions file (its preview next)."""
    organization = organization_of(request)
    programs = program_choices(organization=organization)
    form = ReconciliationUploadForm(programs=programs)
    status = 200
    if request.method == "POST":
        form = ReconciliationUploadForm(request.POST, request.FILES, programs=programs)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_BYTES:
                form.add_error("file", f"The file is larger than {MAX_BYTES // 2**20} MB.")
            else:
                user: User = request.user  # type: ignore[assignment]
                created = services.reconciliation_import(
                    organization=organization,
                    file_name=upload.name or "decisions",
                    data=upload.read(),
                    user=user,
                    program=form.cleaned_data["program"],
                )
                return redirect("filing:reconciliation_detail", reconciliation_import_id=created.pk)
        status = 400
    context = {
        "imports": selectors.reconciliation_list(organization=organization),
        "form": form,
    }
    return render(request, "filing/reconciliation_list.html", context, status=status)


@require_GET
@role_required(*FILERS)
def reconciliation_detail(request: HttpRequest, reconciliation_import_id: int) -> HttpResponse:
    """The preview (what each row would change, or why it changes nothing), or once applied
    what each row did."""
    found = _import_or_404(request, reconciliation_import_id)
    rows = list(selectors.reconciliation_rows(reconciliation=found))
    for row in rows:
        row.decision_label = DECISION_LABELS.get(row.values.get("decision", ""), "")  # type: ignore[attr-defined]
    context = {
        "reconciliation": found,
        "rows": rows,
        "counts": selectors.outcome_counts(rows),
        "applicable": found.status == ReconciliationImport.Status.PREVIEWED,
    }
    return render(request, "filing/reconciliation_detail.html", context)


@require_POST
@role_required(*FILERS)
def reconciliation_apply(request: HttpRequest, reconciliation_import_id: int) -> HttpResponse:
    found = _import_or_404(request, reconciliation_import_id)
    user: User = request.user  # type: ignore[assignment]
    if found.status == ReconciliationImport.Status.APPLIED:
        messages.info(request, "This import was applied already; nothing changed.")
    else:
        try:
            applied = services.reconciliation_apply(reconciliation=found, user=user)
        except services.ReconciliationRefused as refused:
            messages.error(request, refused.message)
        else:
            total = applied.rows.count()
            changed = applied.rows.filter(outcome="changed").count()
            rest = total - changed
            messages.success(
                request,
                f"Applied {applied.file_name}: {changed} packet{'s' if changed != 1 else ''} "
                f"moved; {rest} row{'s' if rest != 1 else ''} changed nothing.",
            )
    return redirect("filing:reconciliation_detail", reconciliation_import_id=found.pk)
