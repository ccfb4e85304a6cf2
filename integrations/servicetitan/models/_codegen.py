"""Generate the typed models in this package from ServiceTitan's OpenAPI documents.

Run ``python -m integrations.servicetitan.models._codegen`` after updating ``openapi/*.json``
(then ``ruff format integrations/servicetitan/models``). Field lists are ServiceTitan's; the
types follow :mod:`.base`'s leniency rules for responses and are strict for requests.
Hand-written code must not go into the generated modules.
"""

from __future__ import annotations

import builtins
import keyword
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from integrations.servicetitan.spec import SpecDocument, load_specs

OUT_DIR: Final = Path(__file__).resolve().parent

#: area module → (spec module, [(class name, schema, kind)]); kind "out" (response) or "in".
AREAS: Final[Mapping[str, tuple[str, list[tuple[str, str, str]]]]] = {
    "crm": (
        "crm",
        [
            ("Customer", "Crm.V2.Customers.CustomerResponse", "out"),
            ("CreatedCustomer", "Crm.V2.Customers.CreatedCustomerResponse", "out"),
            (
                "CustomerContact",
                "Crm.V2.Customers.CustomerContactWithModifiedOnAndCustomerIdResponse",
                "out",
            ),
            ("CustomFieldType", "Crm.V2.Customers.CustomFieldTypeResponse", "out"),
            ("Location", "Crm.V2.Locations.LocationResponse", "out"),
            ("CreatedLocation", "Crm.V2.Locations.CreateLocationResponse", "out"),
            ("LocationContact", "Crm.V2.LocationsContactResponse", "out"),
            ("Contact", "Crm.V2.ContactResponse", "out"),
            ("ContactMethod", "Crm.V2.ContactMethodResponse", "out"),
            ("Lead", "Crm.V2.LeadResponse", "out"),
            ("Booking", "Crm.V2.BookingResponse", "out"),
            ("BookingContact", "Crm.V2.BookingContactResponse", "out"),
            ("BookingProviderTag", "Crm.V2.GetBookingProviderTagResponse", "out"),
            ("CustomerCreate", "Crm.V2.Customers.CreateCustomerRequest", "in"),
            ("CustomerUpdate", "Crm.V2.Customers.UpdateCustomerRequest", "in"),
            ("CustomerContactCreate", "Crm.V2.Customers.CreateCustomerContactRequest", "in"),
            ("CustomerContactUpdate", "Crm.V2.Customers.UpdateCustomerContactRequest", "in"),
            ("LocationCreate", "Crm.V2.Locations.CreateLocationRequest", "in"),
            ("LocationUpdate", "Crm.V2.Locations.UpdateLocationRequest", "in"),
            ("BookingCreate", "Crm.V2.CreateBookingRequest", "in"),
            ("BookingUpdate", "Crm.V2.UpdateBookingRequest", "in"),
        ],
    ),
    "jpm": (
        "jpm",
        [
            ("Job", "Jpm.V2.JobResponse", "out"),
            ("Appointment", "Jpm.V2.AppointmentResponse", "out"),
            ("Project", "Jpm.V2.ProjectResponse", "out"),
            ("JobType", "Jpm.V2.JobTypeResponse", "out"),
            ("JobCancelReason", "Jpm.V2.JobCancelReasonResponse", "out"),
            ("JobNote", "Jpm.V2.NoteResponse", "out"),
            ("JobCustomFieldType", "Jpm.V2.CustomFieldTypeResponse", "out"),
            ("JobCreate", "Jpm.V2.JobCreateRequest", "in"),
            ("JobUpdate", "Jpm.V2.UpdateJobRequest", "in"),
            ("AppointmentCreate", "Jpm.V2.AppointmentAddRequest", "in"),
            ("ProjectCreate", "Jpm.V2.CreateProjectRequest", "in"),
            ("ProjectUpdate", "Jpm.V2.UpdateProjectRequest", "in"),
        ],
    ),
    "dispatch": (
        "dispatch",
        [
            ("AppointmentAssignment", "Dispatch.V2.AppointmentAssignmentResponse", "out"),
            ("AssignedAppointment", "Dispatch.V2.AppointmentResponse", "out"),
            ("ArrivalWindow", "Dispatch.V2.ArrivalWindowResponse", "out"),
        ],
    ),
    "accounting": (
        "accounting",
        [
            ("Invoice", "Accounting.V2.InvoiceResponse", "out"),
            ("InvoiceItem", "Accounting.V2.InvoiceItemResponse", "out"),
            ("ExportedInvoiceItem", "Accounting.V2.ExportInvoiceItemResponse", "out"),
            ("Payment", "Accounting.V2.DetailedPaymentResponse", "out"),
            ("PaymentResult", "Accounting.V2.PaymentResponse", "out"),
            ("AccountingCustomFieldType", "Accounting.V2.CustomFieldTypeResponse", "out"),
            ("AdjustmentInvoiceCreate", "Accounting.V2.AdjustmentInvoiceCreateRequest", "in"),
            ("InvoiceUpdate", "Accounting.V2.InvoiceUpdateRequest", "in"),
            ("InvoiceItemUpdate", "Accounting.V2.InvoiceItemUpdateRequest", "in"),
            ("CustomFieldUpdate", "Accounting.V2.CustomFieldUpdateRequest", "in"),
            ("PaymentCreate", "Accounting.V2.PaymentCreateRequest", "in"),
            ("PaymentUpdate", "Accounting.V2.PaymentUpdateRequest", "in"),
        ],
    ),
    "equipment": (
        "equipmentsystems",
        [
            ("InstalledEquipment", "EquipmentSystems.V2.InstalledEquipmentDetailedResponse", "out"),
            ("AttachmentUpload", "EquipmentSystems.V2.AttachmentUploadResponse", "out"),
            ("EquipmentType", "EquipmentSystems.V2.EquipmentTypeResponse", "out"),
            (
                "InstalledEquipmentCreate",
                "EquipmentSystems.V2.InstalledEquipmentCreateRequest",
                "in",
            ),
            (
                "InstalledEquipmentUpdate",
                "EquipmentSystems.V2.InstalledEquipmentUpdateRequest",
                "in",
            ),
        ],
    ),
    "forms": (
        "forms",
        [
            ("Form", "Forms.V2.FormResponse", "out"),
            ("FormSubmission", "Forms.V2.FormSubmissionResponse", "out"),
            ("JobAttachmentUpload", "Forms.V2.AttachmentResponse", "out"),
        ],
    ),
    "pricebook": (
        "pricebook",
        [
            ("PricebookCategory", "Pricebook.V2.CategoryResponse", "out"),
            ("Service", "Pricebook.V2.ServiceGetResponse", "out"),
            ("PricebookEquipment", "Pricebook.V2.EquipmentResponse", "out"),
            ("Material", "Pricebook.V2.MaterialResponse", "out"),
            ("DiscountFee", "Pricebook.V2.DiscountAndFeesResponse", "out"),
        ],
    ),
    "sales": (
        "sales",
        [
            ("Estimate", "Estimates.V2.EstimateResponse", "out"),
            ("EstimateItem", "Estimates.V2.EstimateItemResponse", "out"),
        ],
    ),
    "service_agreements": (
        "service-agreements",
        [("ServiceAgreement", "ServiceAgreements.V2.ServiceAgreementResponse", "out")],
    ),
    "settings": (
        "settings",
        [
            ("BusinessUnit", "TenantSettings.V2.BusinessUnitResponse", "out"),
            ("Employee", "TenantSettings.V2.EmployeeResponse", "out"),
            ("Technician", "TenantSettings.V2.TechnicianResponse", "out"),
            ("UserRole", "TenantSettings.V2.UserRoleResponse", "out"),
            ("TagType", "TenantSettings.V2.TagTypeResponse", "out"),
            ("TechnicianCreate", "TenantSettings.V2.TechnicianCreateRequest", "in"),
            ("TechnicianUpdate", "TenantSettings.V2.TechnicianUpdateRequest", "in"),
        ],
    ),
    "marketing": ("marketing", [("Campaign", "Marketing.V2.CampaignResponse", "out")]),
}

#: Names for nested schemas whose short names would collide or mislead.
NESTED_NAMES: Final[Mapping[tuple[str, str], str]] = {
    ("Crm.V2.Locations.LocationContact", "out"): "CreatedLocationContact",
    ("Crm.V2.Customers.CustomerContact", "out"): "CreatedCustomerContact",
    ("Crm.V2.AddressPatchModel", "in"): "BookingAddressInput",
    ("Crm.V2.Locations.AddressPatchModel", "in"): "LocationAddressInput",
    ("Accounting.V2.JobResponse", "out"): "InvoiceJob",
}

#: Accounting sends these string-typed fields as money ("125.00").
MONEY_STRINGS: Final = frozenset(
    {
        "subTotal",
        "salesTax",
        "total",
        "balance",
        "discountTotal",
        "quantity",
        "cost",
        "totalCost",
        "price",
        "memberPrice",
        "appliedAmount",
        "unappliedAmount",
        "amount",
    }
)
_RESERVED: Final = frozenset(dir(BaseModel)) | frozenset(dir(builtins)) & {"id"}


def snake(name: str) -> str:
    text = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    text = re.sub(r"(?<=[A-Z])([A-Z][a-z])", r"_\1", text)
    text = re.sub(r"[^0-9a-zA-Z_]", "_", text).lower()
    if keyword.iskeyword(text) or text in dir(BaseModel):
        text += "_"
    return text


def short_name(schema_name: str) -> str:
    last = schema_name.rsplit(".", 1)[-1]
    return last.removesuffix("Response") or last


class Generator:
    """Emit one area module: named classes plus every nested schema they reference."""

    def __init__(self, doc: SpecDocument, area: str) -> None:
        self.doc = doc
        self.area = area
        self.names: dict[tuple[str, str], str] = {}
        self.emitted: list[str] = []
        self.done: set[tuple[str, str]] = set()
        self.uses: set[str] = set()
        self.aliases: dict[str, tuple[Any, ...]] = {}

    def literal(self, values: list[Any], hint: str) -> str:
        """A named ``Literal`` alias (keeps long enum lists readable and lines short)."""
        wanted = tuple(values)
        name = hint[:1].upper() + hint[1:]
        counter = 2
        candidate = name
        while candidate in self.aliases and self.aliases[candidate] != wanted:
            candidate = f"{name}{counter}"
            counter += 1
        self.aliases[candidate] = wanted
        return candidate

    def schema(self, ref: str) -> dict[str, Any]:
        name = ref.removeprefix("#/components/schemas/")
        found: dict[str, Any] = dict(self.doc.schema(name))
        return found

    def class_for(self, schema_name: str, kind: str) -> str:
        key = (schema_name, kind)
        if key not in self.names and key in NESTED_NAMES:
            self.names[key] = NESTED_NAMES[key]
        if key not in self.names:
            base = short_name(schema_name)
            if kind == "in":
                base = base.removesuffix("Request") + "Input"
            name = base
            taken = set(self.names.values())
            counter = 2
            while name in taken:
                name = f"{base}{counter}"
                counter += 1
            self.names[key] = name
        return self.names[key]

    def emit(self, class_name: str, schema_name: str, kind: str) -> None:
        key = (schema_name, kind)
        self.names[key] = class_name
        self._emit(schema_name, kind)

    def _emit(self, schema_name: str, kind: str) -> None:
        key = (schema_name, kind)
        if key in self.done:
            return
        self.done.add(key)
        schema = self.schema("#/components/schemas/" + schema_name)
        class_name = self.class_for(schema_name, kind)
        required = set(schema.get("required", []))
        lines: list[str] = []
        base = "STModel" if kind == "out" else "STRequest"
        lines.append(f"class {class_name}({base}):")
        lines.append(f'    """``{schema_name}``."""')
        lines.append("")
        props: dict[str, Any] = schema.get("properties", {})
        if not props:
            lines.append("    pass")
        for prop, prop_schema in props.items():
            field = snake(prop)
            alias_needed = to_camel(field.rstrip("_")) != prop or field.endswith("_")
            if kind == "out":
                annotation = self.out_type(prop, prop_schema)
                if prop == "id":
                    annotation = "str" if _is_string(prop_schema) else "int"
                    default = ""
                else:
                    default = " = None"
            else:
                annotation = self.in_type(prop_schema, prop)
                if prop in required:
                    default = ""
                else:
                    annotation = _optional(annotation)
                    default = " = None"
            if alias_needed:
                default = (
                    f" = Field(alias={prop!r})"
                    if not default
                    else f" = Field(default=None, alias={prop!r})"
                )
                self.uses.add("Field")
            lines.append(f"    {field}: {annotation}{default}")
        self.emitted.append("\n".join(lines))

    # --- types ---------------------------------------------------------------------------

    def _unwrap(self, schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Strip ``oneOf [X, null]`` / ``allOf [X]`` / ``type: [t, null]``."""
        for combinator in ("oneOf", "anyOf", "allOf"):
            options = schema.get(combinator)
            if options:
                real = [o for o in options if o.get("type") != "null"]
                if len(real) == 1:
                    return dict(real[0]), True
                return {"x-union": real}, True
        return schema, False

    def _type_name(self, schema: dict[str, Any]) -> str | None:
        kind = schema.get("type")
        if isinstance(kind, list):
            real = [k for k in kind if k != "null"]
            return real[0] if real else None
        return kind if isinstance(kind, str) else None

    def out_type(self, prop: str, schema: dict[str, Any]) -> str:
        return _optional(self._out_inner(prop, schema))

    def _out_inner(self, prop: str, schema: dict[str, Any]) -> str:
        schema, _ = self._unwrap(schema)
        if "x-union" in schema:
            return "Any"
        if "$ref" in schema:
            target = self.schema(schema["$ref"])
            if "enum" in target:
                return "LooseStr"
            name = schema["$ref"].removeprefix("#/components/schemas/")
            if target.get("type") == "object" or "properties" in target:
                self._emit(name, "out")
                return self.class_for(name, "out")
            return "Any"
        if "enum" in schema:
            return "LooseStr"
        kind = self._type_name(schema)
        fmt = schema.get("format")
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float" if fmt in ("double", "float") else "Money"
        if kind == "boolean":
            return "bool"
        if kind == "string":
            if fmt == "date-time":
                return "UTCDateTime"
            if fmt == "date":
                return "LenientDate"
            if prop in MONEY_STRINGS and self.doc.module == "accounting":
                return "Money"
            return "LooseStr"
        if kind == "array":
            item = self._out_inner("", schema.get("items", {}))
            return f"list[{_strip_none(item)}]"
        if kind == "object":
            return "dict[str, Any]"
        return "Any"

    def in_type(self, schema: dict[str, Any], prop: str) -> str:
        schema, nullable = self._unwrap(schema)
        inner = self._in_inner(schema, prop)
        if self._type_name(schema) is not None and isinstance(schema.get("type"), list):
            nullable = nullable or "null" in schema["type"]
        return _optional(inner) if nullable else inner

    def _in_inner(self, schema: dict[str, Any], prop: str) -> str:
        if "x-union" in schema:
            return "Any"
        if "$ref" in schema:
            target = self.schema(schema["$ref"])
            if "enum" in target:
                return self.literal(
                    target["enum"], short_name(schema["$ref"].removeprefix("#/components/schemas/"))
                )
            name = schema["$ref"].removeprefix("#/components/schemas/")
            if target.get("type") == "object" or "properties" in target:
                self._emit(name, "in")
                return self.class_for(name, "in")
            return "Any"
        if "enum" in schema:
            return self.literal(schema["enum"], prop + "Value")
        kind = self._type_name(schema)
        fmt = schema.get("format")
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float" if fmt in ("double", "float") else "Decimal"
        if kind == "boolean":
            return "bool"
        if kind == "string":
            return {"date-time": "datetime", "date": "date"}.get(fmt or "", "str")
        if kind == "array":
            item = self.in_type(schema.get("items", {}), prop)
            return f"list[{item}]"
        if kind == "object":
            return "dict[str, Any]"
        return "Any"


def _is_string(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "string" or (isinstance(kind, list) and "string" in kind)


def _optional(annotation: str) -> str:
    if annotation in ("Any", "Money", "LooseStr", "LenientDate", "UTCDateTime"):
        return annotation
    if annotation.endswith(" | None"):
        return annotation
    return f"{annotation} | None"


def _strip_none(annotation: str) -> str:
    return {
        "Money": "Decimal",
        "LooseStr": "str",
        "LenientDate": "date",
        "UTCDateTime": "datetime",
    }.get(annotation, annotation)


HEADER: Final = '''"""{title} models generated from ServiceTitan's ``{document}`` document.

Do not edit by hand: run ``python -m integrations.servicetitan.models._codegen``. Response
models (``STModel``) are lenient, request models (``STRequest``, ``…Input`` for nested parts)
are strict; see :mod:`integrations.servicetitan.models.base`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from .base import LenientDate, LooseStr, Money, STModel, STRequest, UTCDateTime

'''


def generate(area: str) -> str:
    module, classes = AREAS[area]
    specs = load_specs()
    doc = specs.document(module)
    gen = Generator(doc, area)
    for class_name, schema_name, kind in classes:
        gen.names[(schema_name, kind)] = class_name
    for class_name, schema_name, kind in classes:
        gen.emit(class_name, schema_name, kind)
    exported = sorted(gen.names.values())
    aliases = "".join(
        f"{name} = Literal[\n" + "".join(f"    {value!r},\n" for value in values) + "]\n"
        for name, values in sorted(gen.aliases.items())
    )
    body = aliases + "\n\n" + "\n\n\n".join(gen.emitted)
    all_list = "__all__ = [\n" + "".join(f"    {name!r},\n" for name in exported) + "]\n"
    text = HEADER.format(title=area.replace("_", " ").title(), document=doc.name)
    return text + all_list + "\n\n" + body + "\n"


def main(argv: list[str]) -> int:
    for area in argv or list(AREAS):
        path = OUT_DIR / f"{area}.py"
        path.write_text(generate(area), encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
