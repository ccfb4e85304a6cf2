"""Import rules: which mirrored jobs need a rebate, and the program their packets go to."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models

from autofile.core.models import OrganizationOwned
from autofile.packets.models.programs import RebateProgram


class ImportRule(OrganizationOwned):
    """Criteria over a connection's mirrored jobs. Every criterion given must hold.

    Within a criterion any listed value will do, except tags when `tag_match` is "all".
    All ids are ServiceTitan ids (tag types, pricebook SKUs, business units, job types),
    so a rule survives a re-sync of the mirror.
    """

    class TagMatch(models.TextChoices):
        ANY = "any", "Any of these tags"
        ALL = "all", "All of these tags"

    name = models.CharField(max_length=200)
    program = models.ForeignKey(RebateProgram, on_delete=models.PROTECT, related_name="rules")
    connection = models.ForeignKey(
        "mirror.Connection", on_delete=models.CASCADE, related_name="import_rules"
    )
    tag_type_ids = ArrayField(
        models.BigIntegerField(), default=list, blank=True, help_text="Job carries these tags"
    )
    tag_match = models.CharField(max_length=3, choices=TagMatch.choices, default=TagMatch.ANY)
    excluded_tag_type_ids = ArrayField(
        models.BigIntegerField(),
        default=list,
        blank=True,
        help_text="Jobs carrying any of these tags are left out",
    )
    sku_ids = ArrayField(
        models.BigIntegerField(),
        default=list,
        blank=True,
        help_text="An invoice item or an item of a sold estimate is one of these SKUs",
    )
    business_unit_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    job_type_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    job_statuses = ArrayField(
        models.CharField(max_length=30),
        default=list,
        blank=True,
        help_text="e.g. Completed; empty: any status",
    )
    completed_from = models.DateField(null=True, blank=True)
    completed_to = models.DateField(null=True, blank=True)
    completed_within_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Completed in the last N days"
    )
    is_active = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    history_finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    history_imported = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "connection", "name"], name="unique_rule_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_positive_criterion(self) -> bool:
        """A rule must say what it looks for, not only what it leaves out."""
        return bool(
            self.tag_type_ids or self.sku_ids or self.business_unit_ids or self.job_type_ids
        )
