"""Settings models generated from ServiceTitan's ``settings-v2`` document.

Do not edit by hand: run ``python -m integrations.servicetitan.models._codegen``. Response
models (``STModel``) are lenient, request models (``STRequest``, ``…Input`` for nested parts)
are strict; see :mod:`integrations.servicetitan.models.base`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from .base import LooseStr, Money, STModel, STRequest, UTCDateTime

__all__ = [
    "BusinessUnit",
    "BusinessUnitAddress",
    "BusinessUnitTenant",
    "CreateOrUpdateAddressInput",
    "Employee",
    "EmployeeAddress",
    "EmployeeCustomField",
    "EmployeePermission",
    "ExternalDataModel",
    "NamedModel",
    "TagType",
    "Technician",
    "TechnicianAddress",
    "TechnicianCreate",
    "TechnicianCustomField",
    "TechnicianCustomFieldCreateOrUpdateInput",
    "TechnicianLocation",
    "TechnicianPermission",
    "TechnicianSkill",
    "TechnicianUpdate",
    "UserRole",
]


AccountCreationMethod = Literal[
    "CreateLater",
    "SendInvite",
    "AssignLoginAndPassword",
]
JobFilter = Literal[
    "AllScheduledDispatchedWorking",
    "NextScheduledDispatchedWorking",
    "DispatchedWorking",
    "NextScheduledDispatchedWorkingToday",
    "AllScheduledDispatchedWorkingToday",
    "AllScheduledDispatchedWorkingFiveDays",
    "NextScheduledDispatchedWorkingTodayTomorrow",
    "AllScheduledDispatchedWorkingTodayTomorrow",
    "Next2ScheduledDispatchedWorkingToday",
]
JobHistoryDateFilter = Literal[
    "AllJobs",
    "LastThreeDays",
    "LastSevenDays",
    "LastMonth",
]
LicenseType = Literal[
    "NonManagedTech",
    "ManagedTech",
    "ManagedInstaller",
]
TechnicianPosition = Literal[
    "Installer",
    "Service",
    "Sales",
    "Maintenance",
    "Helper",
    "InstallProductionManager",
    "ServiceManager",
    "SalesManager",
    "PartRunner",
    "DummyTech",
]


class BusinessUnitAddress(STModel):
    """``TenantSettings.V2.BusinessUnitAddressResponse``."""

    street: LooseStr = None
    unit: LooseStr = None
    city: LooseStr = None
    state: LooseStr = None
    zip: LooseStr = None
    country: LooseStr = None
    latitude: float | None = None
    longitude: float | None = None
    is_manual_coordinates: bool | None = None
    is_military: bool | None = None


class NamedModel(STModel):
    """``Services.NamedModel``."""

    id: int
    name: LooseStr = None


class BusinessUnitTenant(STModel):
    """``TenantSettings.V2.BusinessUnitTenantResponse``."""

    id: int
    name: LooseStr = None
    account_code: LooseStr = None
    franchise_id: LooseStr = None
    concept_code: LooseStr = None
    modified_on: UTCDateTime = None


class ExternalDataModel(STModel):
    """``TenantSettings.V2.ExternalDataModel``."""

    key: LooseStr = None
    value: LooseStr = None


class BusinessUnit(STModel):
    """``TenantSettings.V2.BusinessUnitResponse``."""

    id: int
    active: bool | None = None
    name: LooseStr = None
    official_name: LooseStr = None
    email: LooseStr = None
    currency: LooseStr = None
    phone_number: LooseStr = None
    invoice_header: LooseStr = None
    invoice_message: LooseStr = None
    default_tax_rate: Money = None
    authorization_paragraph: LooseStr = None
    acknowledgement_paragraph: LooseStr = None
    address: BusinessUnitAddress | None = None
    material_sku: LooseStr = None
    quickbooks_class: LooseStr = None
    account_code: LooseStr = None
    franchise_id: LooseStr = None
    concept_code: LooseStr = None
    corporate_contract_number: LooseStr = None
    trade: NamedModel | None = None
    division: NamedModel | None = None
    tag_type_ids: list[int] | None = None
    tenant: BusinessUnitTenant | None = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None
    external_data: list[ExternalDataModel] | None = None
    certified_sentricon_specialist_code: LooseStr = None


class EmployeeAddress(STModel):
    """``TenantSettings.V2.EmployeeAddressResponse``."""

    street: LooseStr = None
    unit: LooseStr = None
    country: LooseStr = None
    city: LooseStr = None
    state: LooseStr = None
    zip: LooseStr = None


class EmployeeCustomField(STModel):
    """``TenantSettings.V2.EmployeeCustomFieldResponse``."""

    type_id: int | None = None
    name: LooseStr = None
    value: LooseStr = None


class EmployeePermission(STModel):
    """``TenantSettings.V2.EmployeePermissionResponse``."""

    id: int
    value: LooseStr = None


class Employee(STModel):
    """``TenantSettings.V2.EmployeeResponse``."""

    id: int
    user_id: int | None = None
    name: LooseStr = None
    first_name: LooseStr = None
    last_name: LooseStr = None
    manager_id: int | None = None
    role: LooseStr = None
    role_ids: list[int] | None = None
    business_unit_id: int | None = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None
    email: LooseStr = None
    phone_number: LooseStr = None
    login_name: LooseStr = None
    active: bool | None = None
    aad_user_id: LooseStr = None
    account_locked: bool | None = None
    home: EmployeeAddress | None = None
    agent_id: int | None = None
    start_date: UTCDateTime = None
    termination_date: UTCDateTime = None
    hourly_rate: Money = None
    overtime_profile_id: int | None = None
    custom_fields: list[EmployeeCustomField] | None = None
    permissions: list[EmployeePermission] | None = None


class TechnicianAddress(STModel):
    """``TenantSettings.V2.TechnicianAddressResponse``."""

    street: LooseStr = None
    unit: LooseStr = None
    country: LooseStr = None
    city: LooseStr = None
    state: LooseStr = None
    zip: LooseStr = None
    street_address: LooseStr = None
    latitude: float | None = None
    longitude: float | None = None


class TechnicianCustomField(STModel):
    """``TenantSettings.V2.TechnicianCustomFieldResponse``."""

    type_id: int | None = None
    name: LooseStr = None
    value: LooseStr = None


class TechnicianPermission(STModel):
    """``TenantSettings.V2.TechnicianPermissionResponse``."""

    id: int
    value: LooseStr = None


class TechnicianSkill(STModel):
    """``TenantSettings.V2.TechnicianSkillResponse``."""

    id: int
    name: LooseStr = None


class TechnicianLocation(STModel):
    """``TenantSettings.V2.TechnicianLocationResponse``."""

    latitude: float | None = None
    longitude: float | None = None
    coordinates_updated_on: UTCDateTime = None


class Technician(STModel):
    """``TenantSettings.V2.TechnicianResponse``."""

    id: int
    user_id: int | None = None
    name: LooseStr = None
    role_ids: list[int] | None = None
    business_unit_id: int | None = None
    main_zone_id: int | None = None
    zone_ids: list[int] | None = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None
    email: LooseStr = None
    phone_number: LooseStr = None
    login_name: LooseStr = None
    home: TechnicianAddress | None = None
    daily_goal: Money = None
    is_managed_tech: bool | None = None
    license_type: LooseStr = None
    custom_fields: list[TechnicianCustomField] | None = None
    active: bool | None = None
    aad_user_id: LooseStr = None
    burden_rate: Money = None
    team: LooseStr = None
    job_filter: LooseStr = None
    permissions: list[TechnicianPermission] | None = None
    account_locked: bool | None = None
    commission_rate: Money = None
    current_value: Money = None
    first_name: LooseStr = None
    last_name: LooseStr = None
    hourly_rate: Money = None
    job_id: int | None = None
    mobile_phone: LooseStr = None
    outbound_caller_id: LooseStr = None
    payroll_id: LooseStr = None
    payroll_profile_id: int | None = None
    appoitment_id: int | None = None
    shift_start: LooseStr = None
    shift_end: LooseStr = None
    sold_by_rate: Money = None
    start_date: UTCDateTime = None
    status: LooseStr = None
    skills: list[TechnicianSkill] | None = None
    positions: list[str] | None = None
    location: TechnicianLocation | None = None
    bio: LooseStr = None
    memo: LooseStr = None


class UserRole(STModel):
    """``TenantSettings.V2.UserRoleResponse``."""

    id: int
    active: bool | None = None
    name: LooseStr = None
    created_on: UTCDateTime = None
    employee_type: LooseStr = None


class TagType(STModel):
    """``TenantSettings.V2.TagTypeResponse``."""

    id: int
    name: LooseStr = None
    color: LooseStr = None
    code: LooseStr = None
    importance: LooseStr = None
    is_conversion_opportunity: bool | None = None
    allow_to_use_on_timesheet_activity: bool | None = None
    is_visible_on_dispatch_board: bool | None = None
    active: bool | None = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None


class CreateOrUpdateAddressInput(STRequest):
    """``TenantSettings.V2.CreateOrUpdateAddressRequest``."""

    unit: str | None = None
    street: str
    city: str
    state: str | None = None
    country: str | None = None
    zip: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class TechnicianCustomFieldCreateOrUpdateInput(STRequest):
    """``TenantSettings.V2.TechnicianCustomFieldCreateOrUpdateRequest``."""

    type_id: int
    value: str | None = None


class TechnicianCreate(STRequest):
    """``TenantSettings.V2.TechnicianCreateRequest``."""

    name: str
    phone_number: str | None = None
    email: str | None = None
    login: str | None = None
    password: str | None = None
    account_creation_method: AccountCreationMethod | None
    business_unit_id: int | None = None
    role_id: int
    positions: list[TechnicianPosition]
    aad_user_id: str | None = None
    license_type: LicenseType | None
    team: str | None = None
    daily_goal: Decimal | None = None
    burden_rate: Decimal | None = None
    bio: str | None = None
    memo: str | None = None
    job_filter: JobFilter | None = None
    job_history_date_filter: JobHistoryDateFilter | None = None
    home: CreateOrUpdateAddressInput | None = None
    custom_fields: list[TechnicianCustomFieldCreateOrUpdateInput] | None = None


class TechnicianUpdate(STRequest):
    """``TenantSettings.V2.TechnicianUpdateRequest``."""

    name: str | None = None
    phone_number: str | None = None
    email: str | None = None
    login: str | None = None
    business_unit_id: int | None = None
    role_id: int | None = None
    positions: list[TechnicianPosition] | None = None
    aad_user_id: str | None = None
    license_type: LicenseType | None = None
    team: str | None = None
    daily_goal: Decimal | None = None
    burden_rate: Decimal | None = None
    bio: str | None = None
    memo: str | None = None
    job_filter: JobFilter | None = None
    job_history_date_filter: JobHistoryDateFilter | None = None
    home: CreateOrUpdateAddressInput | None = None
    custom_fields: list[TechnicianCustomFieldCreateOrUpdateInput] | None = None
    account_locked: bool | None = None
