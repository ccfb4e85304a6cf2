"""Job planning & management: jobs, appointments, projects, job types, cancel reasons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from integrations.servicetitan.endpoints import (
    ACTIVE,
    CREATED,
    EXPORT,
    IDS,
    MODIFIED,
    PAGED,
    SORT,
    QueryValue,
    define,
)
from integrations.servicetitan.models.jpm import (
    Appointment,
    AppointmentCreate,
    Job,
    JobCancelReason,
    JobCreate,
    JobCustomFieldType,
    JobNote,
    JobType,
    JobUpdate,
    Project,
    ProjectCreate,
    ProjectUpdate,
)
from integrations.servicetitan.paging import Page

from .base import Exportable, ExportFeed, Gettable, Listable

__all__ = ["Appointments", "JobTypes", "Jobs", "Projects"]

_STD = (*PAGED, *IDS, *CREATED, *MODIFIED, *SORT)
_EXTERNAL = ("externalDataApplicationGuid", "externalDataKey", "externalDataValues")

JOBS_LIST = define(
    "jobs.list",
    "jpm",
    "GET",
    "/jobs",
    "Jobs_GetList",
    query=(
        *_STD,
        *_EXTERNAL,
        "number",
        "projectId",
        "bookingId",
        "jobStatus",
        "appointmentStatus",
        "priority",
        "firstAppointmentStartsOnOrAfter",
        "firstAppointmentStartsBefore",
        "appointmentStartsOnOrAfter",
        "appointmentStartsBefore",
        "technicianId",
        "customerId",
        "locationId",
        "soldById",
        "jobTypeId",
        "campaignId",
        "businessUnitId",
        "invoiceId",
        "createdFromEstimateId",
        "estimateIds",
        "completedOnOrAfter",
        "completedBefore",
        "tagTypeIds",
        "equipmentIds",
        "hasUnusedAppointments",
    ),
)
JOBS_GET = define(
    "jobs.get", "jpm", "GET", "/jobs/{id}", "Jobs_Get", query=("externalDataApplicationGuid",)
)
JOBS_CREATE = define("jobs.create", "jpm", "POST", "/jobs", "Jobs_Create")
JOBS_UPDATE = define("jobs.update", "jpm", "PATCH", "/jobs/{id}", "Jobs_Update")
JOBS_CANCEL = define("jobs.cancel", "jpm", "PUT", "/jobs/{id}/cancel", "Jobs_Cancel")
JOBS_NOTES = define("jobs.notes", "jpm", "GET", "/jobs/{id}/notes", "Jobs_GetNotes", query=PAGED)
JOBS_CUSTOM_FIELDS = define(
    "jobs.custom_field_types",
    "jpm",
    "GET",
    "/jobs/custom-fields",
    "Jobs_GetCustomFieldTypes",
    query=(*PAGED, *CREATED, *MODIFIED, *SORT),
)
JOB_CANCEL_REASONS = define(
    "jobs.cancel_reasons",
    "jpm",
    "GET",
    "/job-cancel-reasons",
    "JobCancelReasons_GetList",
    query=(*PAGED, *ACTIVE, *CREATED, *MODIFIED, *SORT),
)
JOBS_EXPORT = define("jobs.export", "jpm", "GET", "/export/jobs", "Export_Jobs", query=EXPORT)
JOB_NOTES_EXPORT = define(
    "jobs.notes.export", "jpm", "GET", "/export/job-notes", "Export_JobNotes", query=EXPORT
)
JOB_CANCELED_LOGS_EXPORT = define(
    "jobs.canceled_logs.export",
    "jpm",
    "GET",
    "/export/job-canceled-logs",
    "Export_JobCancelReasons",
    query=EXPORT,
)
JOB_HISTORY_EXPORT = define(
    "jobs.history.export", "jpm", "GET", "/export/job-history", "Export_JobHistory", query=EXPORT
)

APPOINTMENTS_LIST = define(
    "appointments.list",
    "jpm",
    "GET",
    "/appointments",
    "Appointments_GetList",
    query=(
        *_STD,
        *ACTIVE,
        "jobId",
        "projectId",
        "number",
        "status",
        "startsOnOrAfter",
        "startsBefore",
        "technicianId",
        "customerId",
        "unused",
    ),
)
APPOINTMENTS_GET = define(
    "appointments.get", "jpm", "GET", "/appointments/{id}", "Appointments_Get"
)
APPOINTMENTS_CREATE = define(
    "appointments.create", "jpm", "POST", "/appointments", "Appointments_Add"
)
APPOINTMENTS_DELETE = define(
    "appointments.delete", "jpm", "DELETE", "/appointments/{id}", "Appointments_Delete"
)
APPOINTMENTS_EXPORT = define(
    "appointments.export",
    "jpm",
    "GET",
    "/export/appointments",
    "Export_Appointments",
    query=(*EXPORT, *ACTIVE),
)

PROJECTS_LIST = define(
    "projects.list",
    "jpm",
    "GET",
    "/projects",
    "Projects_GetList",
    query=(
        *_STD,
        *_EXTERNAL,
        "customerId",
        "locationId",
        "projectTypeId",
        "invoiceId",
        "technicianId",
        "jobId",
        "appointmentId",
        "projectManagerIds",
        "businessUnitIds",
        "startsBefore",
        "startsOnOrAfter",
        "completedBefore",
        "completedOnOrAfter",
        "targetCompletionDateBefore",
        "targetCompletionDateOnOrAfter",
        "status",
    ),
)
PROJECTS_GET = define(
    "projects.get",
    "jpm",
    "GET",
    "/projects/{id}",
    "Projects_Get",
    query=("externalDataApplicationGuid",),
)
PROJECTS_CREATE = define("projects.create", "jpm", "POST", "/projects", "Projects_Create")
PROJECTS_UPDATE = define("projects.update", "jpm", "PATCH", "/projects/{id}", "Projects_Update")
PROJECTS_EXPORT = define(
    "projects.export", "jpm", "GET", "/export/projects", "Export_Projects", query=EXPORT
)
PROJECT_NOTES_EXPORT = define(
    "projects.notes.export",
    "jpm",
    "GET",
    "/export/project-notes",
    "Export_ProjectNotes",
    query=EXPORT,
)

JOB_TYPES_LIST = define(
    "job_types.list",
    "jpm",
    "GET",
    "/job-types",
    "JobTypes_GetList",
    query=(
        *PAGED,
        *IDS,
        *ACTIVE,
        *CREATED,
        *MODIFIED,
        "name",
        "minDuration",
        "maxDuration",
        "priority",
        "orderBy",
        "orderByDirection",
        "externalDataApplicationGuid",
    ),
)
JOB_TYPES_GET = define(
    "job_types.get",
    "jpm",
    "GET",
    "/job-types/{id}",
    "JobTypes_Get",
    query=("externalDataApplicationGuid",),
)


class Jobs(Listable[Job], Gettable[Job], Exportable):
    """``client.jobs``.

    Tags, custom fields and external data are written through :meth:`update`
    (``tagTypeIds`` and ``customFields`` replace the job's whole set: read, change, write).
    """

    model = Job
    list_endpoint = JOBS_LIST
    get_endpoint = JOBS_GET
    export_endpoint = JOBS_EXPORT

    def create(self, body: JobCreate | Mapping[str, Any]) -> Job:
        return Job.from_raw(self._request(JOBS_CREATE, json=body))

    def update(self, job_id: int, body: JobUpdate | Mapping[str, Any]) -> Job:
        return Job.from_raw(self._request(JOBS_UPDATE, path={"id": job_id}, json=body))

    def set_tags(self, job_id: int, tag_type_ids: Sequence[int]) -> Job:
        """Replace the job's tag set (the only way ServiceTitan offers to tag a job)."""
        return self.update(job_id, {"tagTypeIds": list(tag_type_ids)})

    def cancel(self, job_id: int, *, reason_id: int, memo: str) -> None:
        """Cancel with a reason from :meth:`cancel_reasons` (PUT: repeating is harmless)."""
        self._request(JOBS_CANCEL, path={"id": job_id}, json={"reasonId": reason_id, "memo": memo})

    def cancel_reasons(
        self, *, page: int = 1, page_size: int = 50, **filters: QueryValue
    ) -> Page[JobCancelReason]:
        """The tenant's job cancel-reason catalog."""
        return self._page(
            JOB_CANCEL_REASONS, JobCancelReason, page=page, page_size=page_size, filters=filters
        )

    def notes(self, job_id: int, *, page: int = 1, page_size: int = 50) -> Page[JobNote]:
        return self._page(
            JOBS_NOTES, JobNote, path={"id": job_id}, page=page, page_size=page_size, filters={}
        )

    def custom_field_types(self, *, page: int = 1, page_size: int = 50) -> Page[JobCustomFieldType]:
        return self._page(
            JOBS_CUSTOM_FIELDS, JobCustomFieldType, page=page, page_size=page_size, filters={}
        )

    @property
    def notes_feed(self) -> ExportFeed:
        return self._feed(JOB_NOTES_EXPORT)

    @property
    def canceled_logs_feed(self) -> ExportFeed:
        return self._feed(JOB_CANCELED_LOGS_EXPORT)

    @property
    def history_feed(self) -> ExportFeed:
        return self._feed(JOB_HISTORY_EXPORT)


class Appointments(Listable[Appointment], Gettable[Appointment], Exportable):
    """``client.appointments`` (export accepts ``active``)."""

    model = Appointment
    list_endpoint = APPOINTMENTS_LIST
    get_endpoint = APPOINTMENTS_GET
    export_endpoint = APPOINTMENTS_EXPORT

    def create(self, body: AppointmentCreate | Mapping[str, Any]) -> Appointment:
        """Add an appointment to an existing job."""
        return Appointment.from_raw(self._request(APPOINTMENTS_CREATE, json=body))

    def delete(self, appointment_id: int) -> None:
        self._request(APPOINTMENTS_DELETE, path={"id": appointment_id})


class Projects(Listable[Project], Gettable[Project], Exportable):
    """``client.projects``."""

    model = Project
    list_endpoint = PROJECTS_LIST
    get_endpoint = PROJECTS_GET
    export_endpoint = PROJECTS_EXPORT

    def create(self, body: ProjectCreate | Mapping[str, Any]) -> Project:
        return Project.from_raw(self._request(PROJECTS_CREATE, json=body))

    def update(self, project_id: int, body: ProjectUpdate | Mapping[str, Any]) -> Project:
        return Project.from_raw(self._request(PROJECTS_UPDATE, path={"id": project_id}, json=body))

    @property
    def notes_feed(self) -> ExportFeed:
        return self._feed(PROJECT_NOTES_EXPORT)


class JobTypes(Listable[JobType], Gettable[JobType]):
    """``client.job_types`` (sorted with ``orderBy``/``orderByDirection``, not ``sort``)."""

    model = JobType
    list_endpoint = JOB_TYPES_LIST
    get_endpoint = JOB_TYPES_GET
