"""Reading rebate programs and the shipped examples."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from autofile.accounts.models import Organization
from autofile.packets.examples import EXAMPLES, ExampleProgram
from autofile.packets.models import (
    EligibilityCheck,
    KickbackReason,
    ProgramMeasure,
    ProgramRequirement,
    RebateProgram,
)


def program_choices(*, organization: Organization) -> QuerySet[RebateProgram]:
    """The organization's programs, without counts (a rule's program choices, "any yet?")."""
    return RebateProgram.objects.filter(organization=organization)


def programs_for(*, organization: Organization) -> QuerySet[RebateProgram]:
    """The organization's programs with how many packets and rules each has (the list)."""
    return program_choices(organization=organization).annotate(
        packet_count=Count("packets", distinct=True), rule_count=Count("rules", distinct=True)
    )


def program_get(*, organization: Organization, program_id: int) -> RebateProgram | None:
    """One program with its measures, requirements, checks and kickback reasons (5 queries)."""
    return (
        RebateProgram.objects.filter(organization=organization, pk=program_id)
        .prefetch_related(
            Prefetch("measures", queryset=ProgramMeasure.objects.order_by("position", "id")),
            Prefetch(
                "requirements", queryset=ProgramRequirement.objects.order_by("position", "id")
            ),
            Prefetch("checks", queryset=EligibilityCheck.objects.order_by("position", "id")),
            Prefetch(
                "kickback_reasons", queryset=KickbackReason.objects.order_by("position", "id")
            ),
        )
        .first()
    )


def example_programs() -> list[ExampleProgram]:
    """The EXAMPLE programs AutoFile ships, for an admin to copy."""
    return list(EXAMPLES.values())
