"""What proves an install: installed equipment, form submissions and job attachments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from integrations.servicetitan.simulator.data import catalog
from integrations.servicetitan.simulator.data.collections import CREATED, MODIFIED, Record
from integrations.servicetitan.simulator.data.ids import ID_BASES
from integrations.servicetitan.simulator.data.templates import Described, RowSpec, json_text
from integrations.servicetitan.simulator.rng import salt, splitmix
from integrations.servicetitan.simulator.times import US_PER_DAY, date_only, iso

if TYPE_CHECKING:
    from integrations.servicetitan.simulator.data.tenant import Tenant

_TYPE_IDS = {
    name: ID_BASES["equipment-types"] + i + 1 for i, name in enumerate(catalog.EQUIPMENT_TYPES)
}
_SERIAL_STYLE = {
    "Carrier": "{yy}{ww}E{d5}",
    "Trane": "{yy}{ww}{l3}{d2}F",
    "Lennox": "58{yy}{l1}{d5}",
    "Rheem": "W{yy}{ww}{l1}{d5}",
    "Daikin": "{yy}{ww}{d6}",
    "Mitsubishi": "{d2}{l1}{d5}",
    "Goodman": "{yy}{ww}{d6}",
    "A.O. Smith": "{yy}{ww}{l1}{d6}",
    "ecobee": "{l2}{d10}",
}


_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_SERIAL_SALT = salt("serial")


def serial_number(make: str, installed_iso: str, key: int) -> str:
    """A serial in the maker's style, dated by install week (sliced from two 64-bit words)."""
    word = splitmix(key ^ _SERIAL_SALT)
    more = splitmix(word)
    letters = [_LETTERS[(word >> (5 * i)) % len(_LETTERS)] for i in range(3)]
    style = _SERIAL_STYLE.get(make, "{l2}{d8}")
    return style.format(
        yy=installed_iso[2:4],
        ww=f"{(int(installed_iso[5:7]) - 1) * 4 + 1:02d}",
        l1=letters[0],
        l2="".join(letters[:2]),
        l3="".join(letters),
        d2=f"{(word >> 20) % 100:02d}",
        d5=f"{(word >> 27) % 100_000:05d}",
        d6=f"{more % 1_000_000:06d}",
        d8=f"{more % 100_000_000:08d}",
        d10=f"{more % 10_000_000_000:010d}",
    )


def equipment_identity(t: Tenant, index: int) -> tuple[int, catalog.EquipmentModel, str]:
    """``(job index, model, serial)`` of installed-equipment record ``index``."""
    job_index, k = t.job_equipment.parent_of(index)
    plan = t.plan(job_index)
    model = catalog.EQUIPMENT[plan.equipment[k]]
    installed = iso(plan.completed or plan.created)
    return (
        job_index,
        model,
        serial_number(model.manufacturer, installed, t.seed * 1_000_003 + index),
    )


def installed_equipment(t: Tenant, index: int) -> Record:
    job_index, position = t.job_equipment.parent_of(index)
    plan = t.plan(job_index)
    sku = plan.equipment[position]
    model = catalog.EQUIPMENT[sku]
    rng = t.rng("installed-equipment", index)
    installed = plan.completed or plan.created
    installed_iso = iso(installed)
    serial = serial_number(model.manufacturer, installed_iso, t.seed * 1_000_003 + index)
    modified = t.modified("installed-equipment", index)
    warranty_end = installed + model.warranty_years * 365 * US_PER_DAY
    line_index = next(
        (k for k, line in enumerate(plan.lines) if line.type == "Equipment" and line.sku == sku),
        None,
    )
    record: Record = {
        "id": t.id_of("installed-equipment", index),
        "active": True,
        "equipmentId": t.id_of("equipment", sku),
        "locationId": t.id_of("locations", plan.location),
        "customerId": t.id_of("customers", plan.customer),
        "invoiceItemId": None
        if line_index is None
        else t.id_of("invoice-items", t.invoice_lines.range_of(job_index).start + line_index),
        "name": model.name,
        "type": {"id": _TYPE_IDS[model.equipment_type], "name": model.equipment_type},
        "installedOn": installed_iso,
        "serialNumber": serial,
        "barcodeId": None,
        "memo": f"Installed under job {20_000 + job_index}. {model.rating_text}".strip(),
        "manufacturer": model.manufacturer,
        "model": model.model,
        "cost": model.cost,
        "status": "Installed",
        "manufacturerWarrantyStart": installed_iso,
        "manufacturerWarrantyEnd": iso(warranty_end),
        "serviceProviderWarrantyStart": installed_iso,
        "serviceProviderWarrantyEnd": iso(installed + 365 * US_PER_DAY),
        "tags": [],
        "actualReplacementDate": None,
        "manufacturedOn": date_only(installed - rng.between(30, 300) * US_PER_DAY),
        "predictedReplacementMonths": 180,
        "predictedReplacementDate": date_only(installed + 15 * 365 * US_PER_DAY),
        "attachments": [],
        "customFields": [],
        "_jobId": t.id_of("jobs", job_index),
    }
    blemish = t.imperfect("installed-equipment", index)
    if blemish is not None:
        flaw = blemish.below(3)
        if flaw == 0:
            record["serialNumber"] = ""  # blank serial, the rebate-filer's nightmare
        elif flaw == 1:
            record["model"] = None  # declared non-null
        else:
            record["status"] = 0  # enum as integer
    record[CREATED] = installed
    record[MODIFIED] = modified
    record["createdOn"] = installed_iso
    record["modifiedOn"] = iso(modified)
    return record


def installed_equipment_rows(t: Tenant) -> RowSpec:
    """Installed equipment rendered from one template per equipment model (same values and
    draws as :func:`installed_equipment`)."""
    line_positions: dict[tuple[int, int], int | None] = {}

    def describe(index: int) -> Described | None:
        if t.imperfect("installed-equipment", index) is not None:
            return None
        job_index, position = t.job_equipment.parent_of(index)
        plan = t.plan(job_index)
        sku = plan.equipment[position]
        model = catalog.EQUIPMENT[sku]
        installed = plan.completed or plan.created
        installed_iso = iso(installed)
        lines = plan.lines
        key = (id(lines), sku)
        line_index = line_positions.get(key, -1)
        if line_index == -1:
            line_index = line_positions[key] = next(
                (k for k, line in enumerate(lines) if line.type == "Equipment" and line.sku == sku),
                None,
            )
        memo = f"Installed under job {20_000 + job_index}. {model.rating_text}".strip()
        rng = t.rng("installed-equipment", index)
        return (
            sku,
            (
                _INSTALLED + index,
                _LOCATIONS + plan.location,
                _CUSTOMERS + plan.customer,
                "null"
                if line_index is None
                else _ITEMS + t.invoice_lines.range_of(job_index).start + line_index,
                installed_iso,
                installed_iso,
                iso(t.modified("installed-equipment", index)),
                json_text(
                    serial_number(model.manufacturer, installed_iso, t.seed * 1_000_003 + index)
                ),
                json_text(memo),
                installed_iso,
                iso(installed + model.warranty_years * 365 * US_PER_DAY),
                installed_iso,
                iso(installed + 365 * US_PER_DAY),
                date_only(installed - rng.between(30, 300) * US_PER_DAY),
                date_only(installed + 15 * 365 * US_PER_DAY),
            ),
        )

    return RowSpec(
        holes=(
            "id",
            "locationId",
            "customerId",
            "invoiceItemId",
            "installedOn",
            "createdOn",
            "modifiedOn",
            "serialNumber",
            "memo",
            "manufacturerWarrantyStart",
            "manufacturerWarrantyEnd",
            "serviceProviderWarrantyStart",
            "serviceProviderWarrantyEnd",
            "manufacturedOn",
            "predictedReplacementDate",
        ),
        text=frozenset(
            {
                "installedOn",
                "createdOn",
                "modifiedOn",
                "manufacturerWarrantyStart",
                "manufacturerWarrantyEnd",
                "serviceProviderWarrantyStart",
                "serviceProviderWarrantyEnd",
                "manufacturedOn",
                "predictedReplacementDate",
            }
        ),
        describe=describe,
    )


_INSTALLED = ID_BASES["installed-equipment"] + 1
_LOCATIONS = ID_BASES["locations"] + 1
_CUSTOMERS = ID_BASES["customers"] + 1
_ITEMS = ID_BASES["invoice-items"] + 1


def _field(kind: str, field_id: str, name: str, **extra: Any) -> dict[str, Any]:
    unit: dict[str, Any] = {
        "type": kind,
        "comment": "",
        "attachments": [],
        "id": field_id,
        "name": name,
    }
    unit.update(extra)
    return unit


def _photo(name: str, taken: int) -> dict[str, str]:
    return {
        "fileName": f"forms/{taken // 1_000_000}/{name}",
        "createdFrom": "Mobile",
        "originalFileName": name,
        "thumbnail": f"forms/{taken // 1_000_000}/thumb-{name}",
    }


def form_submission(t: Tenant, index: int) -> Record:
    job_index, k = t.job_forms.parent_of(index)
    plan = t.plan(job_index)
    form_index = plan.forms[k]
    rng = t.rng("form-submissions", index)
    submitted = (plan.completed or plan.created) - rng.below(3_600_000_000)
    modified = t.modified("form-submissions", index)
    tech = t.technician(plan.technicians[0])
    units: list[dict[str, Any]] = []
    equipment = t.job_equipment.range_of(job_index)
    details: list[dict[str, Any]] = []
    for n, ie in enumerate(equipment):
        _, model, serial = equipment_identity(t, ie)
        label = model.equipment_type
        details.append(_field("Text", f"eq{n}-model", f"{label} Model Number", value=model.model))
        details.append(_field("Text", f"eq{n}-serial", f"{label} Serial Number", value=serial))
        details.append(
            _field(
                "Picture",
                f"eq{n}-photo",
                f"{label} Nameplate Photo",
                attachments=[_photo(f"nameplate-{n + 1}.jpg", submitted)],
            )
        )
    if details:
        units.append(
            {
                "id": "section-equipment",
                "name": "Equipment Installed",
                "type": "Section",
                "description": "Model and serial of every unit installed",
                "units": details,
            }
        )
    checks = [
        _field("Number", "refrigerant", "Refrigerant Added (lb)", value=float(rng.between(0, 9))),
        _field(
            "Number",
            "static",
            "Total External Static Pressure (in. w.c.)",
            value=round(0.4 + rng.random() * 0.5, 2),
        ),
        _field(
            "Checkbox",
            "checks",
            "Completed Checks",
            values=["Line set pressure tested", "Condensate drain tested", "Thermostat programmed"],
            options=(
                "Line set pressure tested,Condensate drain tested,Thermostat programmed,Duct sealed"
            ),
        ),
        _field(
            "Stoplight",
            "condition",
            "Existing Ductwork Condition",
            value=rng.choice(("Green", "Yellow", "Red")),
        ),
        _field("Date", "completed", "Date Completed", value=iso(submitted)),
        _field(
            "Signature",
            "signature",
            "Customer Signature",
            value="signature.png",
            isRefused=False,
            refusalReason="",
        ),
    ]
    units.append(
        {
            "id": "section-checks",
            "name": "Checklist",
            "type": "Section",
            "description": "Commissioning checks",
            "units": checks,
        }
    )
    record: Record = {
        "id": t.id_of("form-submissions", index),
        "formId": t.id_of("forms", form_index),
        "formName": catalog.FORMS[form_index],
        "submittedOn": iso(submitted),
        "createdById": tech["id"],
        "status": "Completed",
        "owners": [
            {"type": "Job", "id": t.id_of("jobs", job_index)},
            {"type": "Customer", "id": t.id_of("customers", plan.customer)},
        ],
        "units": units,
        "active": True,
        "_submitted": submitted,
        "_jobId": t.id_of("jobs", job_index),
    }
    record[CREATED] = submitted
    record[MODIFIED] = modified
    record["createdOn"] = iso(submitted)
    record["modifiedOn"] = iso(modified)
    return record


def job_attachment(t: Tenant, index: int) -> Record:
    job_index, k = t.job_attachments.parent_of(index)
    plan = t.plan(job_index)
    name = plan.attachments[k]
    created = (plan.completed or plan.created) - (len(plan.attachments) - k) * 60_000_000
    tech = t.technician(plan.technicians[0])
    record: Record = {
        "id": t.id_of("job-attachments", index),
        "fileName": name,
        "createdById": tech["id"],
        "active": True,
        "_jobId": t.id_of("jobs", job_index),
        "_key": t.seed * 1_000_003 + index,
    }
    modified = t.modified("job-attachments", index)
    record[CREATED] = created
    record[MODIFIED] = modified
    record["createdOn"] = iso(created)
    record["modifiedOn"] = iso(modified)
    return record


def nameplate_unit(t: Tenant, record: Record) -> tuple[catalog.EquipmentModel, str] | None:
    """The unit a job's nameplate photo (``nameplate-<kind>-<model>.jpg``) shows, with its
    serial, or None for any other attachment."""
    name = str(record.get("fileName") or "")
    job_id = record.get("_jobId")
    if not name.startswith("nameplate-") or not isinstance(job_id, int):
        return None
    job_index = job_id - ID_BASES["jobs"] - 1
    if not 0 <= job_index < t.job_count:
        return None
    for ie in t.job_equipment.range_of(job_index):
        _, model, serial = equipment_identity(t, ie)
        slug = model.model.split("/")[0].strip().lower()
        if name.endswith(f"-{slug}.jpg"):
            return model, serial
    return None


def attachment_text(t: Tenant, record: Record) -> list[str]:
    """Lines printed into a generated PDF attachment."""
    job_id = record.get("_jobId")
    lines = [f"Job {job_id}", f"File {record.get('fileName')}"]
    if isinstance(job_id, int):
        job_index = job_id - ID_BASES["jobs"] - 1
        if 0 <= job_index < t.job_count:
            plan = t.plan(job_index)
            lines.append(f"Program: {plan.territory.program}")
            if plan.permit_number:
                lines.append(f"Permit: {plan.permit_number}")
            if plan.ahri_reference:
                lines.append(f"AHRI Certified Reference Number: {plan.ahri_reference}")
            system = catalog.matched_system(plan.package.units)
            if system is not None and "ahri" in str(record.get("fileName")).lower():
                # The matched system as AHRI's certificate names it (a mini-split's model
                # is "indoor / outdoor").
                outdoor, indoor = system
                halves = [h.strip() for h in outdoor.model.split("/")]
                lines.append(f"Outdoor Unit Brand Name: {outdoor.manufacturer}")
                lines.append(f"Outdoor Unit Model Number: {halves[-1]}")
                inside = (
                    indoor.model if indoor is not None else (halves[0] if len(halves) > 1 else "")
                )
                if inside:
                    lines.append(f"Indoor Unit Model Number: {inside}")
            for ie in t.job_equipment.range_of(job_index):
                _, model, serial = equipment_identity(t, ie)
                lines.append(
                    f"{model.manufacturer} {model.model} serial {serial} ({model.rating_text})"
                )
    return lines
