"""Dispatch: technician assignments and arrival windows."""

from __future__ import annotations

from collections.abc import Sequence

from integrations.servicetitan.endpoints import (
    ACTIVE,
    CREATED,
    EXPORT,
    IDS,
    MODIFIED,
    PAGED,
    SORT,
    define,
)
from integrations.servicetitan.models.dispatch import (
    AppointmentAssignment,
    ArrivalWindow,
    AssignedAppointment,
)

from .base import Exportable, Gettable, Listable

__all__ = ["AppointmentAssignments", "ArrivalWindows"]

ASSIGNMENTS_LIST = define(
    "appointment_assignments.list",
    "dispatch",
    "GET",
    "/appointment-assignments",
    "AppointmentAssignments_GetList",
    query=(*PAGED, *IDS, *ACTIVE, *CREATED, *MODIFIED, *SORT, "appointmentIds", "jobId"),
)
ASSIGNMENTS_ASSIGN = define(
    "appointment_assignments.assign",
    "dispatch",
    "POST",
    "/appointment-assignments/assign-technicians",
    "AppointmentAssignments_AssignTechnicians",
)
ASSIGNMENTS_UNASSIGN = define(
    "appointment_assignments.unassign",
    "dispatch",
    "POST",
    "/appointment-assignments/unassign-technicians",
    "AppointmentAssignments_UnassignTechnicians",
)
ASSIGNMENTS_EXPORT = define(
    "appointment_assignments.export",
    "dispatch",
    "GET",
    "/export/appointment-assignments",
    "Export_AppointmentAssignments",
    query=(*EXPORT, *ACTIVE),
)
ARRIVAL_WINDOWS_LIST = define(
    "arrival_windows.list",
    "dispatch",
    "GET",
    "/arrival-windows",
    "ArrivalWindows_GetList",
    query=(*PAGED, *ACTIVE, *CREATED),
)
ARRIVAL_WINDOWS_GET = define(
    "arrival_windows.get", "dispatch", "GET", "/arrival-windows/{id}", "ArrivalWindows_Get"
)


class AppointmentAssignments(Listable[AppointmentAssignment], Exportable):
    """``client.appointment_assignments``.

    Assign/unassign are POST actions: never re-sent once they may have reached ServiceTitan
    (a :class:`~integrations.servicetitan.errors.WriteOutcomeUnknownError` means "list the
    appointment's assignments to see whether it took").
    """

    model = AppointmentAssignment
    list_endpoint = ASSIGNMENTS_LIST
    export_endpoint = ASSIGNMENTS_EXPORT

    def assign(self, appointment_id: int, technician_ids: Sequence[int]) -> AssignedAppointment:
        body = {"jobAppointmentId": appointment_id, "technicianIds": list(technician_ids)}
        return AssignedAppointment.from_raw(self._request(ASSIGNMENTS_ASSIGN, json=body))

    def unassign(self, appointment_id: int, technician_ids: Sequence[int]) -> AssignedAppointment:
        body = {"jobAppointmentId": appointment_id, "technicianIds": list(technician_ids)}
        return AssignedAppointment.from_raw(self._request(ASSIGNMENTS_UNASSIGN, json=body))


class ArrivalWindows(Listable[ArrivalWindow], Gettable[ArrivalWindow]):
    """``client.arrival_windows``."""

    model = ArrivalWindow
    list_endpoint = ARRIVAL_WINDOWS_LIST
    get_endpoint = ARRIVAL_WINDOWS_GET
