"""Tenant settings: business units, employees, technicians, user roles, tag types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
from integrations.servicetitan.models.base import IdResponse
from integrations.servicetitan.models.settings import (
    BusinessUnit,
    Employee,
    TagType,
    Technician,
    TechnicianCreate,
    TechnicianUpdate,
    UserRole,
)

from .base import Exportable, Gettable, Listable

__all__ = ["BusinessUnits", "Employees", "TagTypes", "Technicians", "UserRoles"]

BUSINESS_UNITS_LIST = define(
    "business_units.list",
    "settings",
    "GET",
    "/business-units",
    "BusinessUnits_GetList",
    query=(*PAGED, *IDS, *ACTIVE, *CREATED, *MODIFIED, "name", "externalDataApplicationGuid"),
)
BUSINESS_UNITS_GET = define(
    "business_units.get",
    "settings",
    "GET",
    "/business-units/{id}",
    "BusinessUnits_Get",
    query=("externalDataApplicationGuid",),
)
BUSINESS_UNITS_EXPORT = define(
    "business_units.export",
    "settings",
    "GET",
    "/export/business-units",
    "Export_BusinessUnits",
    query=EXPORT,
)
EMPLOYEES_LIST = define(
    "employees.list",
    "settings",
    "GET",
    "/employees",
    "Employees_GetList",
    query=(*PAGED, *IDS, *ACTIVE, *CREATED, *MODIFIED, "userIds", "name", "email"),
)
EMPLOYEES_GET = define("employees.get", "settings", "GET", "/employees/{id}", "Employees_Get")
EMPLOYEES_EXPORT = define(
    "employees.export", "settings", "GET", "/export/employees", "Export_Employees", query=EXPORT
)
TECHNICIANS_LIST = define(
    "technicians.list",
    "settings",
    "GET",
    "/technicians",
    "Technicians_GetList",
    query=(*PAGED, *IDS, *ACTIVE, *CREATED, *MODIFIED, "userIds", "name"),
)
TECHNICIANS_GET = define(
    "technicians.get", "settings", "GET", "/technicians/{id}", "Technicians_Get"
)
TECHNICIANS_CREATE = define(
    "technicians.create", "settings", "POST", "/technicians", "Technicians_Create"
)
TECHNICIANS_UPDATE = define(
    "technicians.update", "settings", "PATCH", "/technicians/{id}", "Technicians_Update"
)
TECHNICIANS_EXPORT = define(
    "technicians.export",
    "settings",
    "GET",
    "/export/technicians",
    "Export_Technicians",
    query=EXPORT,
)
USER_ROLES_LIST = define(
    "user_roles.list",
    "settings",
    "GET",
    "/user-roles",
    "UserRoles_GetList",
    query=(*PAGED, *IDS, *ACTIVE, *CREATED, "name", "employeeType"),
)
TAG_TYPES_LIST = define(
    "tag_types.list",
    "settings",
    "GET",
    "/tag-types",
    "TagTypes_GetList",
    query=(*PAGED, *ACTIVE, *CREATED, *MODIFIED, *SORT),
)
TAG_TYPES_EXPORT = define(
    "tag_types.export", "settings", "GET", "/export/tag-types", "Export_TagTypes", query=EXPORT
)


class BusinessUnits(Listable[BusinessUnit], Gettable[BusinessUnit], Exportable):
    """``client.business_units``."""

    model = BusinessUnit
    list_endpoint = BUSINESS_UNITS_LIST
    get_endpoint = BUSINESS_UNITS_GET
    export_endpoint = BUSINESS_UNITS_EXPORT


class Employees(Listable[Employee], Gettable[Employee], Exportable):
    """``client.employees``."""

    model = Employee
    list_endpoint = EMPLOYEES_LIST
    get_endpoint = EMPLOYEES_GET
    export_endpoint = EMPLOYEES_EXPORT


class Technicians(Listable[Technician], Gettable[Technician], Exportable):
    """``client.technicians`` (create/update answer only ``{id}``)."""

    model = Technician
    list_endpoint = TECHNICIANS_LIST
    get_endpoint = TECHNICIANS_GET
    export_endpoint = TECHNICIANS_EXPORT

    def create(self, body: TechnicianCreate | Mapping[str, Any]) -> int:
        return IdResponse.from_raw(self._request(TECHNICIANS_CREATE, json=body)).id

    def update(self, technician_id: int, body: TechnicianUpdate | Mapping[str, Any]) -> int:
        payload = self._request(TECHNICIANS_UPDATE, path={"id": technician_id}, json=body)
        return IdResponse.from_raw(payload).id


class UserRoles(Listable[UserRole]):
    """``client.user_roles``."""

    model = UserRole
    list_endpoint = USER_ROLES_LIST


class TagTypes(Listable[TagType], Exportable):
    """``client.tag_types``: the tag catalog (e.g. AutoFile's write-back marker tag)."""

    model = TagType
    list_endpoint = TAG_TYPES_LIST
    export_endpoint = TAG_TYPES_EXPORT
