"""Jpm models generated from ServiceTitan's ``jpm-v2`` document.

Do not edit by hand: run ``python -m integrations.servicetitan.models._codegen``. Response
models (``STModel``) are lenient, request models (``STRequest``, ``…Input`` for nested parts)
are strict; see :mod:`integrations.servicetitan.models.base`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from .base import LooseStr, Money, STModel, STRequest, UTCDateTime

__all__ = [
    "Appointment",
    "AppointmentCreate",
    "AppointmentInformationInput",
    "AppointmentSummaryApiModel",
    "CustomFieldApiModel",
    "CustomFieldCreateOrUpdateModelInput",
    "CustomFieldModelInput",
    "ExternalDataCreateInput",
    "ExternalDataModel",
    "ExternalDataModelInput",
    "ExternalDataUpdateInput",
    "ExternalDataUpdateModelInput",
    "Job",
    "JobCancelReason",
    "JobCreate",
    "JobCustomFieldType",
    "JobGeneratedLeadSource",
    "JobGeneratedLeadSourceInput",
    "JobNote",
    "JobType",
    "JobUpdate",
    "Project",
    "ProjectCreate",
    "ProjectUpdate",
]


ExternalDataPatchMode = Literal[
    "Replace",
    "Merge",
]


class JobGeneratedLeadSource(STModel):
    """``Jpm.V2.Base.JobGeneratedLeadSource``."""

    job_id: int | None = None
    employee_id: int | None = None


class CustomFieldApiModel(STModel):
    """``CustomFieldApiModel``."""

    type_id: int | None = None
    name: LooseStr = None
    value: LooseStr = None


class ExternalDataModel(STModel):
    """``Jpm.V2.ExternalDataModel``."""

    key: LooseStr = None
    value: LooseStr = None


class Job(STModel):
    """``Jpm.V2.JobResponse``."""

    id: int
    job_number: LooseStr = None
    project_id: int | None = None
    customer_id: int | None = None
    location_id: int | None = None
    job_status: LooseStr = None
    completed_on: UTCDateTime = None
    business_unit_id: int | None = None
    job_type_id: int | None = None
    priority: LooseStr = None
    campaign_id: int | None = None
    appointment_count: int | None = None
    first_appointment_id: int | None = None
    last_appointment_id: int | None = None
    recall_for_id: int | None = None
    warranty_id: int | None = None
    job_generated_lead_source: JobGeneratedLeadSource | None = None
    no_charge: bool | None = None
    notifications_enabled: bool | None = None
    created_on: UTCDateTime = None
    created_by_id: int | None = None
    modified_on: UTCDateTime = None
    tag_type_ids: list[int] | None = None
    lead_call_id: int | None = None
    partner_lead_call_id: int | None = None
    booking_id: int | None = None
    sold_by_id: int | None = None
    customer_po: LooseStr = None
    invoice_id: int | None = None
    membership_id: int | None = None
    total: Money = None
    created_from_estimate_id: int | None = None
    estimate_ids: list[int] | None = None
    equipment_ids: list[int] | None = None
    is_auto_dispatched: bool | None = None
    summary: LooseStr = None
    custom_fields: list[CustomFieldApiModel] | None = None
    external_data: list[ExternalDataModel] | None = None
    summary_of_work: LooseStr = None


class AppointmentSummaryApiModel(STModel):
    """``Jpm.V2.AppointmentSummaryApiModel``."""

    created_on: UTCDateTime = None
    job_appointment_id: int | None = None
    job_id: int | None = None
    modified_on: UTCDateTime = None
    notes: LooseStr = None
    technician_id: int | None = None


class Appointment(STModel):
    """``Jpm.V2.AppointmentResponse``."""

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
    customer_id: int | None = None
    unused: bool | None = None
    created_by_id: int | None = None
    is_confirmed: bool | None = None
    active: bool | None = None
    appointment_summaries: list[AppointmentSummaryApiModel] | None = None


class Project(STModel):
    """``Jpm.V2.ProjectResponse``."""

    id: int
    number: LooseStr = None
    name: LooseStr = None
    summary: LooseStr = None
    status: LooseStr = None
    status_id: int | None = None
    sub_status: LooseStr = None
    sub_status_id: int | None = None
    customer_id: int | None = None
    location_id: int | None = None
    project_type_id: int | None = None
    project_manager_ids: list[int] | None = None
    business_unit_ids: list[int] | None = None
    start_date: UTCDateTime = None
    target_completion_date: UTCDateTime = None
    actual_completion_date: UTCDateTime = None
    modified_on: UTCDateTime = None
    created_on: UTCDateTime = None
    custom_fields: list[CustomFieldApiModel] | None = None
    external_data: list[ExternalDataModel] | None = None
    job_ids: list[int] | None = None


class JobType(STModel):
    """``Jpm.V2.JobTypeResponse``."""

    id: int
    name: LooseStr = None
    business_unit_ids: list[int] | None = None
    skills: list[str] | None = None
    tag_type_ids: list[int] | None = None
    priority: LooseStr = None
    duration: int | None = None
    sold_threshold: Money = None
    class_: LooseStr = Field(default=None, alias="class")
    summary: LooseStr = None
    no_charge: bool | None = None
    enforce_recurring_service_event_selection: bool | None = None
    invoice_signatures_required: bool | None = None
    modified_on: UTCDateTime = None
    created_on: UTCDateTime = None
    external_data: list[ExternalDataModel] | None = None
    active: bool | None = None
    is_smart_dispatched: bool | None = None
    default_estimate_sold_action: LooseStr = None
    custom_field_type_ids: list[int] | None = None


class JobCancelReason(STModel):
    """``Jpm.V2.JobCancelReasonResponse``."""

    id: int
    name: LooseStr = None
    active: bool | None = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None


class JobNote(STModel):
    """``Jpm.V2.NoteResponse``."""

    text: LooseStr = None
    is_pinned: bool | None = None
    created_by_id: int | None = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None


class JobCustomFieldType(STModel):
    """``Jpm.V2.CustomFieldTypeResponse``."""

    id: int
    name: LooseStr = None
    data_type: LooseStr = None
    data_type_options: list[str] | None = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None


class JobGeneratedLeadSourceInput(STRequest):
    """``Jpm.V2.Base.JobGeneratedLeadSource``."""

    job_id: int | None = None
    employee_id: int | None = None


class AppointmentInformationInput(STRequest):
    """``Jpm.V2.AppointmentInformation``."""

    start: datetime
    end: datetime
    arrival_window_start: datetime | None = None
    arrival_window_end: datetime | None = None
    technician_ids: list[int] | None = None


class CustomFieldModelInput(STRequest):
    """``Jpm.V2.CustomFieldModel``."""

    type_id: int
    value: str | None = None


class ExternalDataModelInput(STRequest):
    """``Jpm.V2.ExternalDataModel``."""

    key: str
    value: str


class ExternalDataCreateInput(STRequest):
    """``Jpm.V2.ExternalDataCreateRequest``."""

    application_guid: str
    external_data: list[ExternalDataModelInput]


class JobCreate(STRequest):
    """``Jpm.V2.JobCreateRequest``."""

    customer_id: int
    location_id: int
    project_id: int | None = None
    business_unit_id: int
    job_generated_lead_source: JobGeneratedLeadSourceInput | None = None
    job_type_id: int
    priority: str
    campaign_id: int
    appointments: list[AppointmentInformationInput]
    summary: str | None = None
    custom_fields: list[CustomFieldModelInput] | None = None
    tag_type_ids: list[int] | None = None
    external_data: ExternalDataCreateInput | None = None
    invoice_signature_is_required: bool | None = None
    customer_po: str | None = None
    sold_by_id: int | None = None
    partner_lead_call_id: int | None = None
    lead_id: int | None = None
    booking_id: int | None = None
    no_charge: bool | None = None


class ExternalDataUpdateModelInput(STRequest):
    """``Jpm.V2.ExternalDataUpdateModel``."""

    key: str
    value: str | None = None


class ExternalDataUpdateInput(STRequest):
    """``Jpm.V2.ExternalDataUpdateRequest``."""

    patch_mode: ExternalDataPatchMode | None = None
    application_guid: str
    external_data: list[ExternalDataUpdateModelInput]


class JobUpdate(STRequest):
    """``Jpm.V2.UpdateJobRequest``."""

    customer_id: int | None = None
    location_id: int | None = None
    business_unit_id: int | None = None
    job_generated_lead_source: JobGeneratedLeadSourceInput | None = None
    job_type_id: int | None = None
    priority: str | None = None
    campaign_id: int | None = None
    summary: str | None = None
    should_update_invoice_items: bool | None = None
    custom_fields: list[CustomFieldModelInput] | None = None
    tag_type_ids: list[int] | None = None
    external_data: ExternalDataUpdateInput | None = None
    customer_po: str | None = None
    sold_by_id: int | None = None
    is_auto_dispatched: bool | None = None
    summary_of_work: str | None = None
    no_charge: bool | None = None


class AppointmentCreate(STRequest):
    """``Jpm.V2.AppointmentAddRequest``."""

    job_id: int
    start: datetime
    end: datetime
    arrival_window_start: datetime | None = None
    arrival_window_end: datetime | None = None
    technician_ids: list[int] | None = None
    special_instructions: str | None = None


class CustomFieldCreateOrUpdateModelInput(STRequest):
    """``Jpm.V2.CustomFieldCreateOrUpdateModel``."""

    type_id: int
    value: str


class ProjectCreate(STRequest):
    """``Jpm.V2.CreateProjectRequest``."""

    location_id: int
    customer_id: int | None = None
    project_type_id: int | None = None
    project_manager_ids: list[int] | None = None
    name: str | None = None
    summary: str | None = None
    status_id: int | None = None
    sub_status_id: int | None = None
    start_date: datetime | None = None
    target_completion_date: datetime | None = None
    actual_completion_date: datetime | None = None
    custom_fields: list[CustomFieldCreateOrUpdateModelInput] | None = None
    external_data: ExternalDataCreateInput | None = None
    business_unit_ids: list[int] | None = None


class ProjectUpdate(STRequest):
    """``Jpm.V2.UpdateProjectRequest``."""

    project_manager_ids: list[int] | None = None
    job_ids: list[int] | None = None
    business_unit_ids: list[int] | None = None
    name: str | None = None
    summary: str | None = None
    status_id: int | None = None
    sub_status_id: int | None = None
    project_type_id: int | None = None
    start_date: datetime | None = None
    target_completion_date: datetime | None = None
    actual_completion_date: datetime | None = None
    custom_fields: list[CustomFieldCreateOrUpdateModelInput] | None = None
    external_data: ExternalDataUpdateInput | None = None
