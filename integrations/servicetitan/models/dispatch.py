"""Dispatch models generated from ServiceTitan's ``dispatch-v2`` document.

Do not edit by hand: run ``python -m integrations.servicetitan.models._codegen``. Response
models (``STModel``) are lenient, request models (``STRequest``, ``…Input`` for nested parts)
are strict; see :mod:`integrations.servicetitan.models.base`.
"""

from __future__ import annotations

from .base import LooseStr, STModel, UTCDateTime

__all__ = [
    "AppointmentAssignment",
    "ArrivalWindow",
    "AssignedAppointment",
]


class AppointmentAssignment(STModel):
    """``Dispatch.V2.AppointmentAssignmentResponse``."""

    id: int
    technician_id: int | None = None
    technician_name: LooseStr = None
    assigned_by_id: int | None = None
    assigned_on: UTCDateTime = None
    status: LooseStr = None
    is_paused: bool | None = None
    job_id: int | None = None
    appointment_id: int | None = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None
    active: bool | None = None


class AssignedAppointment(STModel):
    """``Dispatch.V2.AppointmentResponse``."""

    id: int
    job_id: int | None = None
    appointment_number: LooseStr = None
    start: UTCDateTime = None
    end: UTCDateTime = None
    arrival_window_start: UTCDateTime = None
    arrival_window_end: UTCDateTime = None
    status: LooseStr = None
    special_instructions: LooseStr = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None


class ArrivalWindow(STModel):
    """``Dispatch.V2.ArrivalWindowResponse``."""

    id: int
    start: LooseStr = None
    duration: LooseStr = None
    business_unit_ids: list[int] | None = None
    active: bool | None = None
