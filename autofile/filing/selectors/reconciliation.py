"""Reading reconciliation imports and their rows."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from autofile.accounts.models import Organization
from autofile.filing.models import ReconciliationImport, ReconciliationRow

Outcome = ReconciliationRow.Outcome


def reconciliation_list(*, organization: Organization) -> QuerySet[ReconciliationImport]:
    return (
        ReconciliationImport.objects.filter(organization=organization)
        .select_related("program", "uploaded_by", "applied_by")
        .annotate(
            row_count=Count("rows"),
            changed_count=Count("rows", filter=Q(rows__outcome=Outcome.CHANGED)),
        )
        .order_by("-created_at", "-id")
    )


def reconciliation_get(
    *, organization: Organization, reconciliation_id: int
) -> ReconciliationImport | None:
    return (
        ReconciliationImport.objects.filter(organization=organization, pk=reconciliation_id)
        .select_related("program", "uploaded_by", "applied_by")
        .first()
    )


def reconciliation_rows(*, reconciliation: ReconciliationImport) -> QuerySet[ReconciliationRow]:
    return (
        ReconciliationRow.objects.filter(
            organization_id=reconciliation.organization_id, reconciliation=reconciliation
        )
        .select_related("packet", "packet__job", "packet__program")
        .order_by("line")
    )


def outcome_counts(rows: list[ReconciliationRow]) -> list[tuple[str, str, int]]:
    """(outcome, label, count) for the outcomes the rows have, in the choices' order."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.outcome] = counts.get(row.outcome, 0) + 1
    return [(o.value, str(o.label), counts[o.value]) for o in Outcome if o.value in counts]
