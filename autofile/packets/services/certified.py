"""Importing ENERGY STAR's certified product lists from their CSV exports.

data.energystar.gov exports one CSV per product category (`/api/views/<id>/rows.csv`):
heat pumps and central air conditioners as matched systems (an outdoor unit with an indoor
unit and the pair's AHRI reference number), furnaces and heat pump water heaters as single
products. Column names are ENERGY STAR's (`outdoor_unit_model_number`, `seer2_btu_wh`, ...;
a few categories name the same thing differently, so each field lists the names it is
known by). The import upserts on (category, outdoor model, indoor model, AHRI number):
importing the same file twice changes nothing, a newer export updates ratings in place.
A row that cannot be read is reported with its line number and skipped; it does not stop
the file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from autofile.packets.models import CertifiedProduct, model_key

Category = CertifiedProduct.Category

#: Model fields and the CSV column names ENERGY STAR's exports use for them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "brand": ("outdoor_unit_brand_name", "brand_name", "brand"),
    "outdoor_model": (
        "outdoor_unit_model_number",
        "model_number",
        "basic_model_number",
        "outdoor_model_number",
    ),
    "indoor_model": ("indoor_unit_model_number", "indoor_model_number", "coil_model_number"),
    "ahri_reference_number": ("ahri_reference_number", "ahri_certified_reference_number"),
    "seer2": ("seer2_btu_wh", "seer2"),
    "eer2": ("eer2_btu_wh", "eer2"),
    "hspf2": ("hspf2_btu_wh", "hspf2", "hspf2_region_iv"),
    "uef": ("uniform_energy_factor_uef", "uef"),
    "afue": ("annual_fuel_utilization_efficiency_afue", "afue", "afue_pct"),
    "cooling_capacity_btu_h": ("cooling_capacity_btu_h",),
    "heating_capacity_47f_btu_h": ("heating_capacity_at_47_f_btu_h", "heating_capacity_btu_h"),
    "heating_capacity_17f_btu_h": ("heating_capacity_at_17_f_btu_h",),
    "heating_capacity_5f_btu_h": ("heating_capacity_at_5_f_btu_h",),
    "cop_at_5f": ("cop_at_5_f",),
    "cold_climate": ("cold_climate", "meets_cold_climate_criteria"),
    "compressor_staging": ("compressor_staging", "variable_speed"),
}
DECIMALS = ("seer2", "eer2", "hspf2", "uef", "afue", "cop_at_5f")
INTEGERS = (
    "cooling_capacity_btu_h",
    "heating_capacity_47f_btu_h",
    "heating_capacity_17f_btu_h",
    "heating_capacity_5f_btu_h",
)
#: The rating a category's rows must state to be of any use to a program.
REQUIRED_RATING: dict[str, str] = {
    Category.AIR_SOURCE_HEAT_PUMP: "seer2",
    Category.DUCTED_HEAT_PUMP: "seer2",
    Category.MINI_SPLIT: "seer2",
    Category.CENTRAL_AC: "seer2",
    Category.FURNACE: "afue",
    Category.HEAT_PUMP_WATER_HEATER: "uef",
}
#: Words in a file name that say its category when the admin does not.
FILE_HINTS = (
    ("water", Category.HEAT_PUMP_WATER_HEATER),
    ("hpwh", Category.HEAT_PUMP_WATER_HEATER),
    ("furnace", Category.FURNACE),
    ("mini", Category.MINI_SPLIT),
    ("ductless", Category.MINI_SPLIT),
    ("ducted", Category.DUCTED_HEAT_PUMP),
    ("central", Category.CENTRAL_AC),
    ("air_condition", Category.CENTRAL_AC),
    ("heat_pump", Category.AIR_SOURCE_HEAT_PUMP),
    ("air_source", Category.AIR_SOURCE_HEAT_PUMP),
)

TRUE = frozenset({"yes", "y", "true", "1", "x"})
FALSE = frozenset({"no", "n", "false", "0", ""})


class CertifiedImportError(ValueError):
    """The file as a whole cannot be imported (unknown category, no model column)."""


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportResult:
    category: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


def category_for(name: str) -> str:
    """The category a file name says ("ENERGY_STAR_Certified_Furnaces.csv" → furnace)."""
    folded = Path(name).stem.casefold().replace("-", "_").replace(" ", "_")
    if folded.replace("_", "") in {c.replace("_", "") for c in Category.values}:
        return next(c for c in Category.values if c.replace("_", "") == folded.replace("_", ""))
    for hint, category in FILE_HINTS:
        if hint in folded:
            return category
    raise CertifiedImportError(
        f"Cannot tell the product category of “{name}”; name it with --category "
        f"({', '.join(Category.values)})."
    )


def _header_map(header: Iterable[str]) -> dict[str, str]:
    """Model field → the file's column for it."""
    columns = {h.strip().casefold().replace(" ", "_").replace("-", "_"): h for h in header if h}
    found: dict[str, str] = {}
    for name, aliases in COLUMNS.items():
        column = next((columns[a] for a in aliases if a in columns), None)
        if column is not None:
            found[name] = column
    return found


def _decimal(value: str, name: str, limit: int = 10_000) -> Decimal | None:
    text = value.strip().rstrip("%").replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{name} “{value}” is not a number") from None
    if not number.is_finite() or number < 0 or number >= limit:
        raise ValueError(f"{name} “{value}” is out of range")
    return number.quantize(Decimal("0.01"))


def _integer(value: str, name: str) -> int | None:
    number = _decimal(value, name, limit=2_000_000_000) if value.strip() else None
    return None if number is None else int(number)


def _flag(value: str, name: str) -> bool:
    text = value.strip().casefold()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(f"{name} “{value}” is neither yes nor no")


def _row_values(row: dict[str, str], columns: dict[str, str], category: str) -> dict[str, Any]:
    def cell(name: str) -> str:
        column = columns.get(name)
        return (row.get(column) or "").strip() if column else ""

    outdoor = cell("outdoor_model")
    if not model_key(outdoor):
        raise ValueError("no model number")
    values: dict[str, Any] = {
        "brand": cell("brand")[:200],
        "outdoor_model": outdoor[:200],
        "outdoor_key": model_key(outdoor)[:200],
        "indoor_model": cell("indoor_model")[:200],
        "indoor_key": model_key(cell("indoor_model"))[:200],
        "ahri_reference_number": cell("ahri_reference_number")[:30],
        "compressor_staging": cell("compressor_staging")[:50],
        "cold_climate": _flag(cell("cold_climate"), "cold_climate"),
    }
    if values["ahri_reference_number"] and not values["ahri_reference_number"].isdigit():
        raise ValueError(
            f"AHRI reference number “{values['ahri_reference_number']}” is not a number"
        )
    for name in DECIMALS:
        values[name] = _decimal(cell(name), name)
    for name in INTEGERS:
        values[name] = _integer(cell(name), name)
    required = REQUIRED_RATING[category]
    if values[required] is None:
        raise ValueError(f"no {required.upper()} rating")
    return values


UNIQUE = ("category", "outdoor_key", "indoor_key", "ahri_reference_number")


def certified_import(*, stream: IO[str], category: str) -> ImportResult:
    """Upsert a category's certified products from an ENERGY STAR CSV export.

    Rows are matched on (category, outdoor model key, indoor model key, AHRI number);
    a row whose values are unchanged is left alone. Bad rows are listed in the result.
    """
    if category not in Category.values:
        raise CertifiedImportError(
            f"“{category}” is not a product category ({', '.join(Category.values)})."
        )
    result = ImportResult(category=category)
    reader = csv.DictReader(stream)
    columns = _header_map(reader.fieldnames or [])
    if "outdoor_model" not in columns:
        raise CertifiedImportError(
            "The file has no model number column (outdoor_unit_model_number or model_number)."
        )
    parsed: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in reader:
        try:
            values = _row_values(row, columns, category)
        except ValueError as error:
            result.errors.append(RowError(reader.line_num, str(error)))
            continue
        values["category"] = category
        parsed[tuple(values[k] for k in UNIQUE)] = values
    fields = [f for f in parsed[next(iter(parsed))] if f not in UNIQUE] if parsed else []
    now = timezone.now()
    with transaction.atomic():
        existing = {
            tuple(getattr(p, k) for k in UNIQUE): p
            for p in CertifiedProduct.objects.filter(category=category)
        }
        new: list[CertifiedProduct] = []
        changed: list[CertifiedProduct] = []
        for key, values in parsed.items():
            product = existing.get(key)
            if product is None:
                new.append(CertifiedProduct(**values))
                continue
            if all(getattr(product, f) == values[f] for f in fields):
                result.unchanged += 1
                continue
            for name in fields:
                setattr(product, name, values[name])
            product.imported_at = now
            changed.append(product)
        CertifiedProduct.objects.bulk_create(new, batch_size=1_000)
        CertifiedProduct.objects.bulk_update(changed, [*fields, "imported_at"], batch_size=1_000)
    result.created, result.updated = len(new), len(changed)
    return result


def certified_import_file(*, path: Path | str, category: str = "") -> ImportResult:
    """Import a CSV file (its category from its name unless given)."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return certified_import(stream=handle, category=category or category_for(path.name))


#: The fixture lists made for the demo and tests, consistent with the simulator's pricebook.
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "energy_star"


def certified_import_fixtures() -> list[ImportResult]:
    """Import every fixture list (demo setup and tests)."""
    return [certified_import_file(path=path) for path in sorted(FIXTURES.glob("*.csv"))]
