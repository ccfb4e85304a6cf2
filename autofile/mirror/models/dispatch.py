"""Who goes when: ServiceTitan's `dispatch` module (appointment assignments, arrival windows)."""

from __future__ import annotations

import datetime as dt

from django.contrib.postgres.fields import ArrayField
from django.db import models

from autofile.mirror.models.base import MirrorRecord
from autofile.mirror.models.company import Technician
from autofile.mirror.models.jpm import Appointment, Job


class AppointmentAssignment(MirrorRecord):
    """A technician assigned to an appointment."""

    appointment_st_id = models.BigIntegerField(null=True)
    appointment = models.ForeignKey(
        Appointment,
        null=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
        db_constraint=False,
    )
    job_st_id = models.BigIntegerField(null=True)
    job = models.ForeignKey(
        Job, null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    technician_st_id = models.BigIntegerField(null=True)
    technician = models.ForeignKey(
        Technician,
        null=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
        db_constraint=False,
    )
    technician_name = models.CharField(max_length=200, blank=True)
    assigned_on = models.DateTimeField(null=True)
    status = models.CharField(max_length=20, blank=True)
    is_paused = models.BooleanField(default=False)

    class Meta(MirrorRecord.Meta):
        ordering = ["technician_name", "st_id"]
        indexes = [
            models.Index(fields=["connection", "appointment_st_id"]),
            models.Index(fields=["connection", "job_st_id"]),
            models.Index(fields=["connection", "technician_st_id"]),
        ]

    def __str__(self) -> str:
        return self.technician_name or f"Technician {self.technician_st_id}"


class ArrivalWindow(MirrorRecord):
    """A bookable arrival window (a time of day and a length); ServiceTitan sends no dates."""

    start = models.TimeField(null=True)
    duration = models.DurationField(null=True)
    business_unit_ids = ArrayField(models.BigIntegerField(), default=list)

    class Meta(MirrorRecord.Meta):
        ordering = ["start", "st_id"]

    def __str__(self) -> str:
        if self.start is None:
            return f"Arrival window {self.st_id}"
        if self.duration is None:
            return self.start.strftime("%H:%M")
        end = dt.datetime.combine(dt.date.min, self.start) + self.duration
        return f"{self.start:%H:%M}-{end:%H:%M}"
