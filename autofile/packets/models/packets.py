"""Packets (one job filed to one program), their validation findings and their history."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from autofile.core.models import OrganizationOwned
from autofile.packets.models.programs import (
    EligibilityCheck,
    IncomeTier,
    KickbackReason,
    ProgramRequirement,
    RebateProgram,
    Severity,
)
from autofile.packets.models.rules import ImportRule


class PacketStatus(models.TextChoices):
    NEW = "new", "New"
    IN_REVIEW = "in_review", "In review"
    READY = "ready", "Ready"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REJECTED = "rejected", "Rejected"


#: Statuses in which the packet is still being worked on: validation follows the mirror.
OPEN_STATUSES = (PacketStatus.NEW, PacketStatus.IN_REVIEW, PacketStatus.READY)
#: Statuses after which nothing happens any more.
FINAL_STATUSES = (PacketStatus.PAID, PacketStatus.WITHDRAWN, PacketStatus.REJECTED)


class Packet(OrganizationOwned):
    """One job filed to one rebate program."""

    job = models.ForeignKey("mirror.Job", on_delete=models.PROTECT, related_name="packets")
    program = models.ForeignKey(RebateProgram, on_delete=models.PROTECT, related_name="packets")
    rule = models.ForeignKey(
        ImportRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="packets"
    )
    status = models.CharField(max_length=20, choices=PacketStatus.choices, default=PacketStatus.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_packets",
    )
    # validation, kept on the row so the queue can filter and count without joins
    error_count = models.PositiveIntegerField(default=0, db_default=0)
    warning_count = models.PositiveIntegerField(default=0, db_default=0)
    validated_at = models.DateTimeField(null=True, blank=True)
    #: When an input of the findings (mirror rows, documents, corrections, homeowner input,
    #: the program) last changed; the findings are stale while this is after `validated_at`.
    inputs_changed_at = models.DateTimeField(null=True, blank=True)
    #: The install (job completion) date and the program's filing deadline derived from it,
    #: kept on the row so the queue sorts and filters by them from an index.
    installed_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    estimated_amount = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="What the measures pay"
    )
    # what the program needs to know that ServiceTitan does not hold
    income_tier = models.CharField(
        max_length=20, choices=IncomeTier.choices, blank=True, db_default=""
    )
    reservation_number = models.CharField(max_length=100, blank=True, db_default="")
    reservation_issued_on = models.DateField(null=True, blank=True)
    reservation_expires_on = models.DateField(null=True, blank=True)
    # filing
    confirmation_number = models.CharField(max_length=100, blank=True, db_default="")
    submitted_on = models.DateField(null=True, blank=True)
    approved_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    paid_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    kickback_reason = models.ForeignKey(
        KickbackReason, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kickback_count = models.PositiveSmallIntegerField(default=0, db_default=0)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "program"], name="one_packet_per_job_program")
        ]
        indexes = [
            models.Index(fields=["organization", "status", "-created_at"]),
            models.Index(fields=["organization", "assignee", "status"]),
            # the queue's default orderings (oldest open first, newest first) and age filters
            models.Index(
                fields=["organization", "created_at", "id"], name="packet_org_created_idx"
            ),
            models.Index(fields=["organization", "due_on", "id"], name="packet_org_due_idx"),
            models.Index(
                fields=["organization", "installed_on", "id"], name="packet_org_installed_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Packet {self.pk} ({self.get_status_display()})"

    @property
    def findings_stale(self) -> bool:
        """Whether an input changed after the findings were computed (or they never were)."""
        if self.validated_at is None:
            return True
        return self.inputs_changed_at is not None and self.inputs_changed_at > self.validated_at


class Finding(OrganizationOwned):
    """One validation result on a packet: what is missing or wrong, and where.

    `subject` names the record kind it concerns (job, customer, customer_contact,
    location, location_contact, invoice, invoice_item, equipment, photos, forms, documents,
    program) and `subject_id` the mirror row's id when there is one (the form submission's
    for forms); `field` is the field on it (for documents: the file names looked for).
    """

    packet = models.ForeignKey(Packet, on_delete=models.CASCADE, related_name="findings")
    code = models.CharField(max_length=60)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    message = models.TextField()
    subject = models.CharField(max_length=30)
    subject_id = models.BigIntegerField(null=True, blank=True)
    field = models.CharField(max_length=100, blank=True)
    #: What the packet page needs beyond the message, e.g. for a mismatch the values compared
    #: and the characters that differ: {"values": [{"source", "value", "marks": [[text, bool]]}]}.
    detail = models.JSONField(default=dict, blank=True)
    requirement = models.ForeignKey(
        ProgramRequirement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    eligibility_check = models.ForeignKey(
        EligibilityCheck, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["packet", "severity", "id"]  # "error" sorts before "warning"
        indexes = [models.Index(fields=["packet", "severity"])]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


class PacketEvent(OrganizationOwned):
    """Something that happened to a packet: a status transition, a claim, an assignment.

    Transitions have `from_status` != `to_status`; claims and assignments keep the status.
    `data` holds what the action carried (confirmation number, amounts, kickback reason).
    """

    class Action(models.TextChoices):
        IMPORT = "import", "Imported"
        START_REVIEW = "start_review", "Review started"
        MARK_READY = "mark_ready", "Marked ready"
        RETURN_TO_REVIEW = "return_to_review", "Returned to review"
        SUBMIT = "submit", "Submitted"
        APPROVE = "approve", "Approved"
        PAY = "pay", "Paid"
        KICKBACK = "kickback", "Kicked back"
        REJECT = "reject", "Rejected"
        WITHDRAW = "withdraw", "Withdrawn"
        CLAIM = "claim", "Claimed"
        ASSIGN = "assign", "Assigned"
        PROGRAM_FACTS = "program_facts", "Income tier / reservation recorded"

    packet = models.ForeignKey(Packet, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=PacketStatus.choices)
    to_status = models.CharField(max_length=20, choices=PacketStatus.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["packet", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.from_status} → {self.to_status})"


def packet_document_path(instance: PacketDocument, filename: str) -> str:
    return f"packet-documents/{instance.organization_id}/{instance.packet_id}/{filename}"


class PacketDocument(OrganizationOwned):
    """A document AutoFile holds for a packet beside the job's ServiceTitan attachments:
    what a homeowner or technician uploaded, a signed customer form, a generated file.

    Stored through Django's default storage (MEDIA_ROOT, never under static paths).
    """

    class Kind(models.TextChoices):
        UTILITY_BILL = "utility_bill", "Utility bill"
        PHOTO = "photo", "Photo"
        SIGNED_FORM = "signed_form", "Signed customer form"
        CERTIFICATE = "certificate", "Certificate"
        PERMIT = "permit", "Permit"
        INCOME_VERIFICATION = "income_verification", "Income verification"
        OTHER = "other", "Other"

    packet = models.ForeignKey(Packet, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    name = models.CharField(max_length=255, help_text="The file name shown and used in exports")
    file = models.FileField(upload_to=packet_document_path, max_length=500)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    #: Where it came from, for people: "uploaded by the homeowner via request #12".
    origin = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["packet", "kind"])]

    def __str__(self) -> str:
        return self.name
