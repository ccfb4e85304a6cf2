"""What the API reads and answers: one input and one output serializer per operation.

Serializers only shape data: services decide (the same ones the pages call).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from autofile.packets.models import PacketEvent, PacketStatus
from autofile.review.selectors import AGE_DAYS

# --- shared pieces


class RefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class UserRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, user: Any) -> str:
        return str(user)


class AddressSerializer(serializers.Serializer[Any]):
    street = serializers.CharField()
    unit = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField()
    zip = serializers.CharField()


class JobRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    st_id = serializers.IntegerField(help_text="ServiceTitan's job id")
    job_number = serializers.CharField()
    customer_name = serializers.CharField(source="customer.name", default="", allow_null=True)
    location = AddressSerializer(allow_null=True)


# --- packets


class PacketFilterSerializer(serializers.Serializer[Any]):
    """The queue's filters, as query parameters."""

    status = serializers.ChoiceField(
        choices=["", "all", *PacketStatus.values],
        required=False,
        default="",
        help_text="Empty: the open packets (new, in review, ready); “all”; or one status",
    )
    program_id = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    business_unit_id = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    assignee = serializers.RegexField(
        r"^(|me|none|\d{1,18})$",
        required=False,
        default="",
        help_text="“me”, “none” (unassigned) or a user id",
    )
    age = serializers.ChoiceField(choices=["", *AGE_DAYS], required=False, default="")
    has_errors = serializers.BooleanField(required=False, default=False)
    kicked_back = serializers.BooleanField(required=False, default=False)
    q = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=200,
        help_text="Job number, customer name, street or ZIP; “#123” for packet 123",
    )


class FindingSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=["error", "warning"])
    message = serializers.CharField()
    subject = serializers.CharField()
    subject_id = serializers.IntegerField(allow_null=True)
    field = serializers.CharField()


class PacketSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PacketStatus.choices)
    program = RefSerializer()
    job = JobRefSerializer()
    assignee = UserRefSerializer(allow_null=True)
    error_count = serializers.IntegerField()
    warning_count = serializers.IntegerField()
    validated_at = serializers.DateTimeField(allow_null=True)
    installed_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    estimated_amount = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    confirmation_number = serializers.CharField()
    submitted_on = serializers.DateField(allow_null=True)
    approved_amount = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    paid_amount = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    paid_on = serializers.DateField(allow_null=True)
    kickback_count = serializers.IntegerField()
    kickback_reason = serializers.CharField(
        source="kickback_reason.code", allow_null=True, default=None
    )
    status_changed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class PacketEventSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=PacketEvent.Action.choices)
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    user = UserRefSerializer(allow_null=True)
    note = serializers.CharField()
    data = serializers.DictField()  # type: ignore[assignment]
    created_at = serializers.DateTimeField()


class PacketActionOptionSerializer(serializers.Serializer[Any]):
    action = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    to_status = serializers.CharField()
    needs = serializers.ListField(child=serializers.CharField())
    note_required = serializers.BooleanField()
    blocked_reason = serializers.CharField()


class PacketDetailSerializer(PacketSerializer):
    findings = FindingSerializer(many=True, source="findings_list")
    events = PacketEventSerializer(many=True, source="events_list")
    actions = PacketActionOptionSerializer(many=True)


ACTION_CHOICES = [
    (a, PacketEvent.Action(a).label)
    for a in PacketEvent.Action.values
    if a not in (PacketEvent.Action.IMPORT, PacketEvent.Action.CLAIM, PacketEvent.Action.ASSIGN)
]


class PacketActionSerializer(serializers.Serializer[Any]):
    """A status action (the packet page's buttons) and what it carries."""

    action = serializers.ChoiceField(choices=ACTION_CHOICES)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)
    confirmation_number = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=100, help_text="submit"
    )
    submitted_on = serializers.DateField(required=False, allow_null=True, help_text="submit")
    approved_amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, help_text="approve"
    )
    paid_amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, help_text="pay"
    )
    paid_on = serializers.DateField(required=False, allow_null=True, help_text="pay")
    reason_code = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=50, help_text="kickback"
    )


class PacketAssignSerializer(serializers.Serializer[Any]):
    assignee_id = serializers.IntegerField(
        allow_null=True, min_value=1, max_value=2**62, help_text="null: nobody"
    )


# --- programs and rules


class MeasureSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    equipment_type = serializers.CharField()
    rating = serializers.CharField()
    minimum = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    basis = serializers.CharField()


class RequirementSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    severity = serializers.CharField()


class CheckSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    severity = serializers.CharField()


class KickbackReasonSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class ProgramSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sponsor = serializers.CharField()
    sponsor_type = serializers.CharField()
    description = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    submission_deadline_days = serializers.IntegerField(allow_null=True)
    is_active = serializers.BooleanField()


class ProgramDetailSerializer(ProgramSerializer):
    measures = MeasureSerializer(many=True)
    requirements = RequirementSerializer(many=True)
    checks = CheckSerializer(many=True)
    kickback_reasons = KickbackReasonSerializer(many=True)


class RuleSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    program = RefSerializer()
    connection_id = serializers.IntegerField()
    is_active = serializers.BooleanField()
    tag_type_ids = serializers.ListField(child=serializers.IntegerField())
    tag_match = serializers.CharField()
    excluded_tag_type_ids = serializers.ListField(child=serializers.IntegerField())
    sku_ids = serializers.ListField(child=serializers.IntegerField())
    business_unit_ids = serializers.ListField(child=serializers.IntegerField())
    job_type_ids = serializers.ListField(child=serializers.IntegerField())
    job_statuses = serializers.ListField(child=serializers.CharField())
    completed_from = serializers.DateField(allow_null=True)
    completed_to = serializers.DateField(allow_null=True)
    completed_within_days = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


# --- sync status


class SyncRunSerializer(serializers.Serializer[Any]):
    status = serializers.CharField()
    full = serializers.BooleanField()
    pages = serializers.IntegerField()
    rows = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField()


class ResourceStatusSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    syncable = serializers.BooleanField()
    rows = serializers.IntegerField()
    running = serializers.BooleanField()
    stalled = serializers.BooleanField()
    last_started_at = serializers.DateTimeField(allow_null=True)
    last_finished_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField()
    quarantined = serializers.IntegerField()
    last_run = SyncRunSerializer(allow_null=True)


class ConnectionSyncSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="connection.pk")
    name = serializers.CharField(source="connection.name")
    tenant_id = serializers.IntegerField(source="connection.tenant_id")
    rows = serializers.IntegerField()
    running = serializers.BooleanField()
    errors = serializers.IntegerField(help_text="Resources whose last sync failed")  # type: ignore[assignment]
    quarantined = serializers.IntegerField()
    last_finished_at = serializers.DateTimeField(allow_null=True)


class ConnectionSyncDetailSerializer(ConnectionSyncSerializer):
    resources = ResourceStatusSerializer(many=True)
