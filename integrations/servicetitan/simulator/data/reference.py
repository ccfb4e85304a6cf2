"""Reference data generated up front: settings, pricebook, marketing, dispatch and form catalogs.

These are small (tens to a few hundred rows at every scale) and referenced by everything else,
so they are materialised once. Fields not set here are filled from the OpenAPI schema's
defaults when a response is shaped (see ``shaping.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from integrations.servicetitan.simulator.data import catalog
from integrations.servicetitan.simulator.data.collections import CREATED, MODIFIED, Record
from integrations.servicetitan.simulator.data.ids import ID_BASES
from integrations.servicetitan.simulator.data.people import email, person, phone
from integrations.servicetitan.simulator.rng import Rng, salt
from integrations.servicetitan.simulator.times import US_PER_DAY, iso

_DOMAIN = "summitcomfort.example.com"


def ref_id(resource: str, index: int) -> int:
    return ID_BASES[resource] + index + 1


def stamp(record: Record, created: int, modified: int) -> Record:
    record["createdOn"] = iso(created)
    record["modifiedOn"] = iso(modified)
    record[CREATED] = created
    record[MODIFIED] = modified
    return record


@dataclass(frozen=True, slots=True)
class Staff:
    """Technicians and office staff, shared by several generators."""

    technicians: list[Record]
    employees: list[Record]
    techs_by_business_unit: dict[int, list[int]]


class ReferenceBuilder:
    """Builds every reference collection for one (seed, anchor, scale)."""

    def __init__(self, seed: int, anchor: int, technicians: int, employees: int) -> None:
        self.seed = seed
        self.anchor = anchor
        self.technician_count = technicians
        self.employee_count = employees

    def _rng(self, resource: str, index: int) -> Rng:
        return Rng(self.seed, salt(resource), index)

    def _times(
        self, rng: Rng, oldest_days: int = 6 * 365, newest_days: int = 30
    ) -> tuple[int, int]:
        created = self.anchor - rng.between(3 * 365, oldest_days) * US_PER_DAY
        modified = self.anchor - rng.between(newest_days, 3 * 365) * US_PER_DAY
        modified += rng.below(US_PER_DAY)
        return created, max(created, modified)

    def build(self) -> dict[str, list[Record]]:
        staff = self.staff()
        return {
            "business-units": self.business_units(),
            "tag-types": self.tag_types(),
            "user-roles": self.user_roles(),
            "technicians": staff.technicians,
            "employees": staff.employees,
            "job-types": self.job_types(),
            "job-cancel-reasons": self.named("job-cancel-reasons", catalog.JOB_CANCEL_REASONS),
            "project-statuses": self.project_statuses(),
            "campaign-categories": self.campaign_categories(),
            "campaigns": self.campaigns(),
            "arrival-windows": self.arrival_windows(),
            "categories": self.pricebook_categories(),
            "services": self.services(),
            "equipment": self.equipment(),
            "materials": self.materials(),
            "discounts-and-fees": self.discounts_and_fees(),
            "forms": self.forms(),
            "booking-provider-tags": self.booking_provider_tags(),
            "equipment-types": self.named("equipment-types", catalog.EQUIPMENT_TYPES),
            "payment-types": self.named("payment-types", catalog.PAYMENT_TYPES),
        }

    def named(self, resource: str, names: tuple[str, ...]) -> list[Record]:
        records = []
        for i, name in enumerate(names):
            rng = self._rng(resource, i)
            created, modified = self._times(rng)
            records.append(
                stamp({"id": ref_id(resource, i), "name": name, "active": True}, created, modified)
            )
        return records

    def business_units(self) -> list[Record]:
        records = []
        for i, unit in enumerate(catalog.BUSINESS_UNITS):
            rng = self._rng("business-units", i)
            created, modified = self._times(rng)
            records.append(
                stamp(
                    {
                        "id": ref_id("business-units", i),
                        "active": True,
                        "name": unit.name,
                        "officialName": f"Summit Comfort & Energy - {unit.name}",
                        "email": f"{unit.name.split()[0].lower()}@summitcomfort.example.com",
                        "currency": "USD",
                        "phoneNumber": f"214555{2100 + i:04d}",
                        "defaultTaxRate": 0.0825,
                        "address": {
                            "street": "4820 Belt Line Rd",
                            "unit": "Suite 200",
                            "city": "Addison",
                            "state": "TX",
                            "zip": "75001",
                            "country": "USA",
                            "latitude": 32.9537,
                            "longitude": -96.8236,
                            "isManualCoordinates": False,
                            "isMilitary": False,
                        },
                        "trade": {"id": 100 + i, "name": unit.extra},
                        "division": {"id": 200, "name": "Residential"},
                        "tagTypeIds": [],
                        "tenant": {
                            "id": 0,
                            "name": "Summit Comfort & Energy",
                            "accountCode": None,
                            "franchiseId": None,
                            "conceptCode": None,
                            "modifiedOn": iso(created),
                        },
                        "externalData": [],
                    },
                    created,
                    modified,
                )
            )
        return records

    def tag_types(self) -> list[Record]:
        records = []
        for i, (name, color, code, importance) in enumerate(catalog.TAG_TYPES):
            rng = self._rng("tag-types", i)
            created, modified = self._times(rng)
            records.append(
                stamp(
                    {
                        "id": ref_id("tag-types", i),
                        "name": name,
                        "color": color,
                        "code": code,
                        "importance": importance,
                        "isConversionOpportunity": name in {"Rebate Needed", "Second Opinion"},
                        "allowToUseOnTimesheetActivity": False,
                        "isVisibleOnDispatchBoard": True,
                        "active": True,
                    },
                    created,
                    modified,
                )
            )
        return records

    def user_roles(self) -> list[Record]:
        records = []
        for i, (name, employee_type) in enumerate(catalog.USER_ROLES):
            rng = self._rng("user-roles", i)
            created, modified = self._times(rng)
            records.append(
                stamp(
                    {
                        "id": ref_id("user-roles", i),
                        "active": True,
                        "name": name,
                        "employeeType": employee_type,
                    },
                    created,
                    modified,
                )
            )
        return records

    def staff(self) -> Staff:
        technicians: list[Record] = []
        by_unit: dict[int, list[int]] = {}
        positions_by_unit = {0: "Installer", 1: "Service", 2: "Service", 3: "Sales", 4: "Installer"}
        for i in range(self.technician_count):
            rng = self._rng("technicians", i)
            who = person(rng)
            unit = (0, 1, 0, 1, 2, 3, 4, 1)[i % 8]
            by_unit.setdefault(unit, []).append(i)
            created, modified = self._times(rng, oldest_days=8 * 365)
            active = i < 3 or rng.chance(0.92)
            technicians.append(
                stamp(
                    {
                        "id": ref_id("technicians", i),
                        "userId": 90_000 + i,
                        "name": who.full,
                        "firstName": who.first,
                        "lastName": who.last,
                        "roleIds": [ref_id("user-roles", 5 if unit in (0, 4) else 6)],
                        "businessUnitId": ref_id("business-units", unit),
                        "email": f"{who.first.lower()}.{who.last.lower()}@{_DOMAIN}",
                        "phoneNumber": phone(rng, ("214", "972")),
                        "mobilePhone": phone(rng, ("214", "469")),
                        "loginName": f"{who.first[0].lower()}{who.last.lower()}",
                        "dailyGoal": float(rng.between(8, 30) * 100),
                        "isManagedTech": True,
                        "licenseType": "ManagedTech",
                        "active": active,
                        "burdenRate": float(rng.between(8, 16)),
                        "team": ("Install Crew", "Service Team", "Plumbing")[unit % 3],
                        "commissionRate": 0.05,
                        "hourlyRate": float(rng.between(24, 48)),
                        "soldByRate": 0.03,
                        "status": "Idle",
                        "positions": [positions_by_unit[unit]],
                        "skills": [],
                        "customFields": [],
                        "permissions": [],
                        "zoneIds": [],
                        "home": None,
                        "startDate": iso(created),
                        "shiftStart": "07:00:00",
                        "shiftEnd": "16:30:00",
                    },
                    created,
                    modified,
                )
            )
        employees: list[Record] = []
        for i in range(self.employee_count):
            rng = self._rng("employees", i)
            who = person(rng)
            created, modified = self._times(rng, oldest_days=8 * 365)
            role = catalog.EMPLOYEE_ROLES[i % len(catalog.EMPLOYEE_ROLES)]
            employees.append(
                stamp(
                    {
                        "id": ref_id("employees", i),
                        "userId": 80_000 + i,
                        "name": who.full,
                        "firstName": who.first,
                        "lastName": who.last,
                        "role": role,
                        "roleIds": [ref_id("user-roles", min(i % 5, 4))],
                        "businessUnitId": None,
                        "email": email(rng, who).split("@")[0] + "@summitcomfort.example.com",
                        "phoneNumber": phone(rng, ("214", "972")),
                        "loginName": f"{who.first[0].lower()}{who.last.lower()}",
                        "active": i < 3 or rng.chance(0.9),
                        "accountLocked": False,
                        "agentId": 0,
                        "hourlyRate": float(rng.between(18, 40)),
                        "customFields": [],
                        "permissions": [],
                        "home": None,
                        "startDate": iso(created),
                    },
                    created,
                    modified,
                )
            )
        return Staff(technicians, employees, by_unit)

    def job_types(self) -> list[Record]:
        records = []
        for i, (name, unit, minutes, priority, kind) in enumerate(catalog.JOB_TYPES):
            rng = self._rng("job-types", i)
            created, modified = self._times(rng)
            records.append(
                stamp(
                    {
                        "id": ref_id("job-types", i),
                        "name": name,
                        "businessUnitIds": [ref_id("business-units", unit)],
                        "skills": [],
                        "tagTypeIds": [],
                        "priority": priority,
                        "duration": minutes * 60,
                        "soldThreshold": 1000.0 if kind == "Install" else None,
                        "class": kind,
                        "summary": f"{name} ({kind.lower()} work)",
                        "noCharge": kind == "Warranty",
                        "enforceRecurringServiceEventSelection": False,
                        "invoiceSignaturesRequired": kind == "Install",
                        "externalData": [],
                        "active": True,
                        "isSmartDispatched": False,
                        "defaultEstimateSoldAction": "None",
                        "customFieldTypeIds": [],
                    },
                    created,
                    modified,
                )
            )
        return records

    def project_statuses(self) -> list[Record]:
        records = []
        for i, name in enumerate(catalog.PROJECT_STATUSES):
            rng = self._rng("project-statuses", i)
            created, modified = self._times(rng)
            records.append(
                stamp(
                    {"id": ref_id("project-statuses", i), "name": name, "order": i},
                    created,
                    modified,
                )
            )
        return records

    def campaign_categories(self) -> list[Record]:
        records = []
        for i, name in enumerate(catalog.CAMPAIGN_CATEGORIES):
            rng = self._rng("campaign-categories", i)
            created, modified = self._times(rng)
            records.append(
                stamp(
                    {
                        "id": ref_id("campaign-categories", i),
                        "name": name,
                        "active": True,
                        "type": "Regular",
                    },
                    created,
                    modified,
                )
            )
        return records

    def campaigns(self) -> list[Record]:
        records = []
        categories = list(catalog.CAMPAIGN_CATEGORIES)
        for i, (name, category, medium) in enumerate(catalog.CAMPAIGNS):
            rng = self._rng("campaigns", i)
            created, modified = self._times(rng)
            cat_index = categories.index(category)
            records.append(
                stamp(
                    {
                        "id": ref_id("campaigns", i),
                        "name": name,
                        "active": i != 9 or rng.chance(0.5),
                        "isDefaultCampaign": i == 3,
                        "category": {
                            "id": ref_id("campaign-categories", cat_index),
                            "name": category,
                            "active": True,
                        },
                        "source": category,
                        "otherSource": None,
                        "businessUnit": catalog.BUSINESS_UNITS[i % 2].name,
                        "medium": medium,
                        "otherMedium": None,
                        "campaignPhoneNumbers": [f"972555{3000 + i:04d}"],
                    },
                    created,
                    modified,
                )
            )
        return records

    def arrival_windows(self) -> list[Record]:
        records = []
        for i, (start, duration) in enumerate(catalog.ARRIVAL_WINDOWS):
            rng = self._rng("arrival-windows", i)
            created, modified = self._times(rng)
            records.append(
                stamp(
                    {
                        "id": ref_id("arrival-windows", i),
                        "start": start,
                        "duration": duration,
                        "businessUnitIds": [ref_id("business-units", u) for u in range(5)],
                        "active": i < 5,
                    },
                    created,
                    modified,
                )
            )
        return records

    def pricebook_categories(self) -> list[Record]:
        records = []
        for i, (name, category_type) in enumerate(catalog.PRICEBOOK_CATEGORIES):
            rng = self._rng("categories", i)
            created, modified = self._times(rng)
            records.append(
                stamp(
                    {
                        "id": ref_id("categories", i),
                        "name": name,
                        "active": True,
                        "description": f"{name} pricebook category",
                        "image": None,
                        "parentId": ref_id("categories", 0) if 1 <= i <= 5 else None,
                        "position": i,
                        "categoryType": category_type,
                        "subcategories": [],
                        "businessUnitIds": [],
                        "skuImages": [],
                        "skuVideos": [],
                        "source": None,
                        "externalId": None,
                        "hideInMobile": False,
                    },
                    created,
                    modified,
                )
            )
        return records

    def _sku_common(self, resource: str, i: int, price: float, cost: float) -> dict[str, Any]:
        return {
            "id": ref_id(resource, i),
            "active": True,
            "price": price,
            "memberPrice": round(price * 0.9, 2) if price > 0 else price,
            "addOnPrice": price,
            "addOnMemberPrice": round(price * 0.9, 2) if price > 0 else price,
            "cost": cost,
            "taxable": price > 0,
            "assets": [],
            "externalData": [],
            "paysCommission": price > 0,
            "bonus": 0.0,
            "commissionBonus": 0.0,
            "hours": 0.0,
            "source": None,
            "externalId": None,
        }

    def services(self) -> list[Record]:
        categories = {
            name: ref_id("categories", i)
            for i, (name, _) in enumerate(catalog.PRICEBOOK_CATEGORIES)
        }
        by_kind = {
            "install_hp": "Heat Pumps",
            "install_furnace": "Furnaces",
            "install_ac": "Air Conditioners",
            "install_ms": "Heat Pumps",
            "install_wh": "Water Heaters",
            "install_tstat": "Controls & Thermostats",
            "maintenance": "Maintenance",
            "audit": "Energy Audits",
            "plumbing": "Service & Repair",
            "repair": "Service & Repair",
            "service": "Service & Repair",
            "warranty": "Service & Repair",
        }
        records = []
        for i, (code, name, price, hours, kind) in enumerate(catalog.SERVICES):
            rng = self._rng("services", i)
            created, modified = self._times(rng)
            category_name = by_kind.get(
                kind,
                "Rebates & Credits" if kind.startswith("credit") else "Heating & Cooling Systems",
            )
            record = self._sku_common("services", i, price, round(max(price, 0) * 0.35, 2))
            record.update(
                {
                    "code": code,
                    "displayName": name,
                    "description": f"<p>{name}.</p>",
                    "warranty": {"duration": 12, "description": "12-month labor warranty"}
                    if kind.startswith("install")
                    else None,
                    "categories": [
                        {"id": categories[category_name], "name": category_name, "active": True}
                    ],
                    "hours": hours,
                    "isLabor": kind.startswith(("install", "repair", "maintenance")),
                    "recommendations": [],
                    "upgrades": [],
                    "serviceMaterials": [],
                    "serviceEquipment": [],
                    "crossSaleGroup": None,
                    "account": "Revenue - Credits" if price < 0 else "Revenue - Labor",
                    "businessUnitId": None,
                    "soldByCommission": 0.0,
                    "calculatedPrice": None,
                    "useStaticPrices": True,
                    "isPriceLocked": False,
                    "_kind": kind,
                }
            )
            records.append(stamp(record, created, modified))
        return records

    def equipment(self) -> list[Record]:
        category_by_kind = {
            "heat_pump": 1, "air_handler": 1, "mini_split": 1, "furnace": 2, "ac": 3,
            "coil": 3, "hpwh": 4, "water_heater": 4, "thermostat": 5,
        }  # fmt: skip
        type_ids = {
            name: ref_id("equipment-types", i) for i, name in enumerate(catalog.EQUIPMENT_TYPES)
        }
        records = []
        for i, model in enumerate(catalog.EQUIPMENT):
            rng = self._rng("equipment", i)
            created, modified = self._times(rng)
            record = self._sku_common("equipment", i, model.price, model.cost)
            specs = "".join(f"<li>{k}: {v}</li>" for k, v in model.ratings)
            tonnage = f" Nominal capacity {model.tonnage} ton." if model.tonnage else ""
            record.update(
                {
                    "code": model.code,
                    "displayName": model.name,
                    "description": f"<p>{model.name}. {model.manufacturer} model {model.model}."
                    f"{tonnage}</p><ul>{specs}</ul>"
                    + ("<p>Rebate-qualifying efficiency.</p>" if model.rebate_eligible else ""),
                    "manufacturer": model.manufacturer,
                    "model": model.model,
                    "manufacturerWarranty": {
                        "duration": model.warranty_years * 12,
                        "description": f"{model.warranty_years}-year parts limited warranty",
                    },
                    "serviceProviderWarranty": {"duration": 12, "description": "1-year labor"},
                    "categories": [ref_id("categories", category_by_kind[model.kind])],
                    "recommendations": [],
                    "upgrades": [],
                    "equipmentMaterials": [],
                    "primaryVendor": {
                        "id": 500 + i,
                        "vendorName": f"{model.manufacturer} Distribution",
                        "vendorId": 400 + salt(model.manufacturer) % 50,
                        "memo": None,
                        "vendorPart": model.model,
                        "cost": model.cost,
                        "active": True,
                        "primarySubAccount": None,
                        "otherSubAccounts": [],
                    },
                    "otherVendors": [],
                    "account": "Revenue - Equipment",
                    "costOfSaleAccount": "COGS - Equipment",
                    "assetAccount": "Inventory",
                    "hours": 0.0,
                    "unitOfMeasure": "Each",
                    "isInventory": False,
                    "isConfigurableEquipment": False,
                    "variationsOrConfigurableEquipment": [],
                    "typeId": type_ids.get(model.equipment_type),
                    "displayInAmount": True,
                    "generalLedgerAccountId": None,
                    "dimensions": None,
                    "isCostLocked": False,
                    "isPriceLocked": False,
                    "_kind": model.kind,
                    "_ratings": dict(model.ratings),
                }
            )
            records.append(stamp(record, created, modified))
        return records

    def materials(self) -> list[Record]:
        records = []
        for i, (code, name, price, cost, unit) in enumerate(catalog.MATERIALS):
            rng = self._rng("materials", i)
            created, modified = self._times(rng)
            record = self._sku_common("materials", i, price, cost)
            record.update(
                {
                    "code": code,
                    "displayName": name,
                    "description": f"<p>{name}</p>",
                    "deductAsJobCost": True,
                    "unitOfMeasure": unit,
                    "isInventory": True,
                    "account": "Revenue - Materials",
                    "costOfSaleAccount": "COGS - Materials",
                    "assetAccount": "Inventory",
                    "primaryVendor": None,
                    "otherVendors": [],
                    "categories": [ref_id("categories", 10 + i % 4)],
                    "isConfigurableMaterial": False,
                    "chargeableByDefault": True,
                    "variationsOrConfigurableMaterials": [],
                    "businessUnitId": None,
                    "createdById": ref_id("employees", 0),
                    "displayInAmount": True,
                    "generalLedgerAccountId": None,
                    "isOtherDirectCost": False,
                    "costTypeId": None,
                    "isCostLocked": False,
                    "isPriceLocked": False,
                    "isChemical": code.startswith("MAT-R4"),
                    "epaNumber": None,
                    "activeIngredients": None,
                }
            )
            records.append(stamp(record, created, modified))
        return records

    def discounts_and_fees(self) -> list[Record]:
        records = []
        for i, (kind, code, name, amount_type, amount) in enumerate(catalog.DISCOUNTS_AND_FEES):
            rng = self._rng("discounts-and-fees", i)
            created, modified = self._times(rng)
            records.append(
                stamp(
                    {
                        "id": ref_id("discounts-and-fees", i),
                        "type": kind,
                        "code": code,
                        "displayName": name,
                        "description": f"<p>{name}</p>",
                        "amountType": amount_type,
                        "amount": amount,
                        "limit": 0.0,
                        "taxable": False,
                        "categories": [ref_id("categories", 9)],
                        "hours": 0.0,
                        "assets": [],
                        "account": "Revenue - Discounts"
                        if kind == "Discount"
                        else "Revenue - Fees",
                        "crossSaleGroup": None,
                        "active": True,
                        "bonus": 0.0,
                        "commissionBonus": 0.0,
                        "paysCommission": False,
                        "excludeFromPayroll": kind == "Discount",
                        "externalData": [],
                    },
                    created,
                    modified,
                )
            )
        return records

    def forms(self) -> list[Record]:
        records = []
        for i, name in enumerate(catalog.FORMS):
            rng = self._rng("forms", i)
            created, modified = self._times(rng)
            records.append(
                stamp(
                    {
                        "id": ref_id("forms", i),
                        "active": True,
                        "name": name,
                        "published": True,
                        "hasConditionalLogic": i in (0, 5),
                        "hasTriggers": i < 4,
                        "createdById": ref_id("employees", 0),
                    },
                    created,
                    modified,
                )
            )
        return records

    def booking_provider_tags(self) -> list[Record]:
        records = []
        for i, (name, description) in enumerate(catalog.BOOKING_PROVIDERS):
            rng = self._rng("booking-provider-tags", i)
            created, modified = self._times(rng)
            records.append(
                stamp(
                    {
                        "id": ref_id("booking-provider-tags", i),
                        "tagName": name,
                        "description": description,
                        "type": "V2Api",
                        "active": True,
                    },
                    created,
                    modified,
                )
            )
        return records
