"""The state of each sync, its runs, and the records it could not map."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from autofile.core.models import OrganizationOwned
from autofile.mirror.models.connection import Connection


class SyncState(OrganizationOwned):
    """Where the sync of one resource of one connection stands, and who holds it.

    The cursor (an export continuation token or a modified-since watermark) commits in
    the same transaction as the rows it covers. The lease keeps one sync per
    (connection, resource) at a time and expires if its worker dies.
    """

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="sync_states")
    resource = models.CharField(max_length=60)
    cursor = models.TextField(blank=True)
    # Rows mirrored: counted as pages insert them (in the page's transaction), so the sync
    # page need not count millions of rows every time it refreshes.
    rows = models.PositiveBigIntegerField(default=0)
    # The full resync the cursor belongs to (the task's id, say): a redelivered task with
    # the same key resumes it, a new request starts over from the beginning.
    full_key = models.CharField(max_length=64, blank=True)
    resyncing = models.BooleanField(default=False)  # a full resync is under way
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True)
    last_started_at = models.DateTimeField(null=True)
    last_finished_at = models.DateTimeField(null=True)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "resource"], name="one_state_per_resource"
            )
        ]


class SyncRun(OrganizationOwned):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="sync_runs")
    resource = models.CharField(max_length=60)
    full = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)
    pages = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # Where the time went: blocked waiting for ServiceTitan's next page, and mapping and
    # writing pages to the mirror (the two overlap: the next page is read while one is stored).
    wait_seconds = models.FloatField(default=0)
    store_seconds = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["connection", "resource", "-started_at"])]
        ordering = ["-started_at"]

    @property
    def seconds(self) -> float | None:
        """How long the run took (so far, while it is running)."""
        if self.started_at is None:
            return None
        end = self.finished_at or timezone.now()
        return max((end - self.started_at).total_seconds(), 0.0)

    @property
    def rate(self) -> float | None:
        """Rows read per second over the run."""
        seconds = self.seconds
        if not seconds or not self.rows:
            return None
        return self.rows / seconds


class QuarantinedRecord(OrganizationOwned):
    """A ServiceTitan record that could not be mapped, kept with its payload and reason."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(SyncRun, null=True, on_delete=models.SET_NULL, related_name="+")
    resource = models.CharField(max_length=60)
    st_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField()
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class SyncRequest(OrganizationOwned):
    """A person's "Sync now": queued until a worker takes it, then running, then done,
    with what it read so far (the sync and connection pages poll it while it is live)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Done with errors"

    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="sync_requests"
    )
    requested_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    resource = models.CharField(max_length=60, blank=True)  # empty: every resource
    full = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    resources_total = models.PositiveIntegerField(default=0)
    resources_done = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    errors = models.TextField(blank=True)  # one line per resource that failed

    class Meta:
        indexes = [models.Index(fields=["connection", "-requested_at"])]

    @property
    def live(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
