"""Job plans: the story of one job, from which every job-related record is derived.

A plan decides, from ``(seed, job index)`` alone, what kind of job it is, where, when, who
worked it, what was sold (estimate options), what was invoiced (lines referencing pricebook
SKUs), what was installed (serials come later, per record), which forms and photos exist and
whether it was paid. Jobs, appointments, assignments, invoices, invoice items, payments,
estimates, estimate items, installed equipment, form submissions, job attachments, projects and
cancel logs all read the same plan, so they agree with each other without being stored.

Speed matters (a large tenant has 100,000 plans, built at start-up): what was sold comes from a
*package*, one of a few hundred per job kind built once per seed (contractors sell standard
packages, so sharing them is realistic and keeps plans small), and per-job decisions are sliced
from three 64-bit hashes instead of dozens of separate random draws.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, NamedTuple

from integrations.servicetitan.simulator.data import catalog
from integrations.servicetitan.simulator.data.catalog import PLAN_KINDS, PlanKind, Territory
from integrations.servicetitan.simulator.data.timeline import Timeline
from integrations.servicetitan.simulator.rng import GOLDEN, Rng, mix, salt, splitmix
from integrations.servicetitan.simulator.times import US_PER_DAY, US_PER_HOUR, US_PER_MINUTE

PLAN_SALT: Final = salt("job-plan")
WHERE_SALT: Final = salt("job-where")
TAG_SALT: Final = salt("job-tags")
_KIND_WEIGHTS: Final = tuple(k.weight for k in PLAN_KINDS)

# SKU indices by purpose, resolved once from the catalog.
EQUIPMENT_BY_KIND: Final[dict[str, tuple[int, ...]]] = {}
for _i, _model in enumerate(catalog.EQUIPMENT):
    EQUIPMENT_BY_KIND.setdefault(_model.kind, ())
    EQUIPMENT_BY_KIND[_model.kind] += (_i,)
SERVICE_BY_CODE: Final = {code: i for i, (code, *_rest) in enumerate(catalog.SERVICES)}
SERVICES_BY_KIND: Final[dict[str, tuple[int, ...]]] = {}
for _i, (_code, _name, _price, _hours, _kind) in enumerate(catalog.SERVICES):
    SERVICES_BY_KIND.setdefault(_kind, ())
    SERVICES_BY_KIND[_kind] += (_i,)
MATERIAL_BY_CODE: Final = {code: i for i, (code, *_rest) in enumerate(catalog.MATERIALS)}
DISCOUNT_BY_CODE: Final = {
    code: i for i, (_t, code, *_rest) in enumerate(catalog.DISCOUNTS_AND_FEES)
}

SERVICE, EQUIPMENT, MATERIAL, MODIFIER = "Service", "Equipment", "Material", "PriceModifier"

#: Tax on equipment and materials by territory (services are not taxed).
TAX_RATES: Final = {
    "oncor": 0.0825,
    "masssave": 0.0625,
    "pge": 0.0925,
    "xcel": 0.029,
    "coned": 0.08875,
}

#: Outdoor/indoor units worth photographing and registering.
NAMEPLATE_KINDS: Final = frozenset(
    {"heat_pump", "air_handler", "furnace", "ac", "hpwh", "water_heater", "mini_split"}
)


class Line(NamedTuple):
    """One invoice/estimate line referencing a pricebook SKU (index into its collection).

    ``typo``: the line's description misstates the equipment's model by one character (the
    kickback programs send most often; only on invoices of demo-defect jobs)."""

    type: str
    sku: int
    quantity: float
    unit_price: float
    unit_cost: float
    typo: bool = False

    @property
    def total(self) -> float:
        return round(self.quantity * self.unit_price, 2)


class Visit(NamedTuple):
    start: int
    end: int
    window_start: int
    window_end: int
    status: str


class EstimateOption(NamedTuple):
    name: str
    lines: tuple[Line, ...]
    status: str
    created: int
    sold_on: int | None


class Package(NamedTuple):
    """What a job of one kind sells, invoices and documents (shared by many jobs)."""

    units: tuple[int, ...]
    lines: tuple[Line, ...]
    masssave_lines: tuple[Line, ...]
    alternatives: tuple[tuple[Line, ...], ...]
    permit: bool
    photos: int
    proposal: bool
    form: bool
    signoff: bool
    diagnosis_photo: bool
    eligible: bool
    repair_estimate: bool
    #: (subtotal, taxable amount) of ``lines`` and of ``masssave_lines``
    sums: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


class JobPlan(NamedTuple):
    job: int
    kind: PlanKind
    package: Package
    territory: Territory
    location: int
    customer: int
    business_unit: int
    job_type: int
    campaign: int
    priority: str
    status: str
    created: int
    modified: int
    completed: int | None
    visits: tuple[Visit, ...]
    technicians: tuple[int, ...]
    estimates: tuple[EstimateOption, ...]
    paid: bool
    payment_type: int
    tags: tuple[str, ...]
    sold_by: int | None
    project: bool
    cancel_reason: int | None
    permit_number: str | None
    ahri_reference: str | None
    #: What is wrong with a rebate job's paperwork on purpose ("" nothing; "model_typo": the
    #: invoice misstates the heat pump's model), so a demo tenant has a realistic mix.
    defect: str = ""
    #: Photos of the finished install and whether the install checklist was filled in (the
    #: package's, or more for jobs the contractor tagged for a rebate).
    photo_count: int = 0
    has_form: bool = False

    @property
    def is_install(self) -> bool:
        return self.kind.install

    @property
    def done(self) -> bool:
        return self.status == "Completed"

    @property
    def lines(self) -> tuple[Line, ...]:
        """Invoice lines (only completed jobs have been invoiced)."""
        if not self.done:
            return ()
        lines = (
            self.package.masssave_lines if self.territory.key == "masssave" else self.package.lines
        )
        if self.defect == "model_typo":
            first = next((k for k, line in enumerate(lines) if line.type == EQUIPMENT), None)
            if first is not None:
                lines = (*lines[:first], lines[first]._replace(typo=True), *lines[first + 1 :])
        return lines

    @property
    def equipment(self) -> tuple[int, ...]:
        """Installed units (registered as installed equipment once the job is done)."""
        if not self.done:
            return ()
        return tuple(u for u in self.package.units if catalog.EQUIPMENT[u].kind != "coil")

    @property
    def forms(self) -> tuple[int, ...]:
        if not self.done:
            return ()
        forms: list[int] = []
        if self.kind.form is not None and self.has_form:
            forms.append(self.kind.form)
        if self.kind.install and self.package.signoff:
            forms.append(6)
        return tuple(forms)

    def attachment_count(self) -> int:
        """``len(self.attachments)`` without building the names (start-up layout pass)."""
        if not self.done:
            return 0
        if not self.kind.install:
            return 1 if self.package.diagnosis_photo else 0
        nameplates = sum(
            1
            for u in dict.fromkeys(self.package.units)
            if catalog.EQUIPMENT[u].kind in NAMEPLATE_KINDS
        )
        return (
            nameplates
            + self.photo_count
            + (self.permit_number is not None)
            + (self.ahri_reference is not None)
            + self.package.proposal
            + (self.kind.key == "thermostat")
        )

    @property
    def attachments(self) -> tuple[str, ...]:
        """File names of the job's photos and documents."""
        if not self.done:
            return ()
        names: list[str] = []
        if not self.kind.install:
            return ("diagnosis-photo.png",) if self.package.diagnosis_photo else ()
        for unit in dict.fromkeys(self.equipment):
            model = catalog.EQUIPMENT[unit]
            if model.kind in NAMEPLATE_KINDS:
                slug = model.model.split("/")[0].strip().lower()
                names.append(f"nameplate-{model.kind.replace('_', '-')}-{slug}.jpg")
        names.extend(f"install-photo-{n}.jpg" for n in range(1, self.photo_count + 1))
        if self.permit_number:
            names.append(f"permit-{self.permit_number.lower()}.pdf")
        if self.ahri_reference:
            names.append(f"ahri-certificate-{self.ahri_reference}.pdf")
        if self.package.proposal:
            names.append("signed-proposal.pdf")
        if self.kind.key == "thermostat":
            names.append("thermostat-settings.png")
        return tuple(names)

    @property
    def tax_rate(self) -> float:
        return TAX_RATES[self.territory.key]

    def totals(self) -> tuple[float, float, float]:
        """``(subtotal, tax, total)`` of the invoice lines."""
        if not self.done:
            return 0.0, 0.0, 0.0
        sums = self.package.sums  # a typo changes no amount
        subtotal, taxable = (
            (sums[2], sums[3]) if self.territory.key == "masssave" else (sums[0], sums[1])
        )
        tax = round(max(taxable, 0.0) * TAX_RATES[self.territory.key], 2)
        return subtotal, tax, round(subtotal + tax, 2)


@dataclass(frozen=True, slots=True)
class PlanContext:
    """What a plan needs to know about the rest of the tenant."""

    seed: int
    anchor: int
    jobs: Timeline
    customers: Timeline
    #: customer index → (first location index, number of locations)
    customer_locations: Callable[[int], tuple[int, int]]
    territory_of_location: Callable[[int], Territory]
    techs_by_business_unit: dict[int, list[int]]
    technician_count: int
    packages: tuple[tuple[Package, ...], ...]
    plan_key: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "plan_key", mix(self.seed, PLAN_SALT))


def _equipment_line(index: int, quantity: float = 1.0) -> Line:
    model = catalog.EQUIPMENT[index]
    return Line(EQUIPMENT, index, quantity, model.price, model.cost)


def _service_line(index: int, quantity: float = 1.0) -> Line:
    _code, _name, price, _hours, _kind = catalog.SERVICES[index]
    return Line(SERVICE, index, quantity, price, round(max(price, 0.0) * 0.35, 2))


def _material_line(code: str, quantity: float) -> Line:
    index = MATERIAL_BY_CODE[code]
    _code, _name, price, cost, _unit = catalog.MATERIALS[index]
    return Line(MATERIAL, index, quantity, price, cost)


def _pick_same_make(rng: Rng, kind: str, make: str) -> int:
    options = EQUIPMENT_BY_KIND[kind]
    same = [i for i in options if catalog.EQUIPMENT[i].manufacturer == make]
    return rng.choice(same) if same else rng.choice(options)


def _equipment_for(rng: Rng, kind: PlanKind, alternative: bool = False) -> list[int]:
    """Equipment units for an install (with repeats for multi-head mini-splits)."""
    units: list[int] = []
    make = ""
    for equipment_kind in kind.equipment_kinds:
        if not units:
            chosen = rng.choice(EQUIPMENT_BY_KIND[equipment_kind])
            make = catalog.EQUIPMENT[chosen].manufacturer
        else:
            chosen = _pick_same_make(rng, equipment_kind, make)
        count = rng.between(1, 3) if equipment_kind == "mini_split" and not alternative else 1
        units.extend([chosen] * count)
    if kind.key == "heat_pump" and rng.chance(0.5):
        units.append(rng.choice(EQUIPMENT_BY_KIND["thermostat"]))
    return units


def _install_lines(rng: Rng, kind: PlanKind, units: list[int]) -> list[Line]:
    lines: list[Line] = []
    seen: dict[int, int] = {}
    for unit in units:
        seen[unit] = seen.get(unit, 0) + 1
    lines.extend(_equipment_line(unit, float(count)) for unit, count in seen.items())
    lines.append(
        _service_line(
            rng.choice(SERVICES_BY_KIND[kind.service_kind]),
            float(len(units) if kind.key == "mini_split" else 1),
        )
    )
    outdoor = kind.key in ("heat_pump", "ac", "furnace_ac", "mini_split")
    if kind.key != "thermostat":
        if rng.chance(0.7):
            lines.append(_service_line(SERVICE_BY_CODE["SVC-PERMIT"]))
        if rng.chance(0.8):
            lines.append(_service_line(SERVICE_BY_CODE["SVC-HAUL"]))
    if kind.key in ("heat_pump", "mini_split") and rng.chance(0.4):
        lines.append(_service_line(SERVICE_BY_CODE["SVC-MANJ"]))
    if outdoor:
        lines.append(_material_line(rng.choice(("MAT-LINESET-25", "MAT-LINESET-50")), 1.0))
        lines.append(_material_line("MAT-R454B", float(rng.between(3, 9))))
        lines.append(_material_line("MAT-PAD-36", 1.0))
        lines.append(_material_line("MAT-DISC-60", 1.0))
        lines.append(_material_line("MAT-WHIP-6", 1.0))
        if rng.chance(0.3):
            lines.append(_material_line("MAT-SURGE", 1.0))
    if kind.key in ("furnace", "furnace_ac"):
        lines.append(_material_line("MAT-FLUE-3", 1.0))
    if kind.key in ("heat_pump", "furnace", "ac", "furnace_ac") and rng.chance(0.5):
        lines.append(_material_line("MAT-FILTER-MERV11", 1.0))
    if kind.key in ("hpwh", "water_heater"):
        lines.append(_material_line("MAT-EXPTANK", 1.0))
        lines.append(_material_line("MAT-SUPPLY-LINE", 2.0))
    if kind.key == "thermostat":
        lines.append(_material_line("MAT-TSTATWIRE", float(rng.between(20, 60))))
    eligible = any(catalog.EQUIPMENT[u].rebate_eligible for u in units)
    if eligible and kind.key == "thermostat" and rng.chance(0.4):
        lines.append(_service_line(SERVICE_BY_CODE["SVC-REBATE-TSTAT"]))
    elif eligible and rng.chance(0.35):
        lines.append(_service_line(SERVICE_BY_CODE["SVC-REBATE-UTIL"]))
    if eligible and rng.chance(0.2):
        lines.append(_service_line(SERVICE_BY_CODE["SVC-REBATE-MFR"]))
    if rng.chance(0.15):
        lines.append(_discount_line(rng, lines))
    return lines


def _discount_line(rng: Rng, lines: list[Line]) -> Line:
    code = rng.choice(("DSC-MEMBER", "DSC-SENIOR", "DSC-SPRING", "DSC-CASH"))
    index = DISCOUNT_BY_CODE[code]
    _type, _code, _name, amount_type, amount = catalog.DISCOUNTS_AND_FEES[index]
    base = sum(line.total for line in lines if line.unit_price > 0)
    value = round(base * amount / 100.0, 2) if amount_type == "Percentage" else amount
    value = min(value, 2000.0)
    return Line(MODIFIER, index, 1.0, -value, 0.0)


def _service_job_lines(rng: Rng, kind: PlanKind) -> list[Line]:
    lines: list[Line] = []
    if kind.key == "maintenance":
        lines.append(_service_line(SERVICE_BY_CODE["SVC-TUNEUP"]))
        if rng.chance(0.6):
            lines.append(_material_line("MAT-FILTER-MERV11", float(rng.between(1, 2))))
    elif kind.key in ("no_heat", "no_cool"):
        lines.append(_service_line(SERVICE_BY_CODE["SVC-DIAG"]))
        repair = rng.choice(SERVICES_BY_KIND["repair"])
        lines.append(_service_line(repair))
        part = {"SVC-REPAIR-CAP": "MAT-CAP-45-5", "SVC-REPAIR-IGN": "MAT-IGNITER"}.get(
            catalog.SERVICES[repair][0]
        )
        if part is not None:
            lines.append(_material_line(part, 1.0))
        elif catalog.SERVICES[repair][0] == "SVC-REPAIR-MOTOR":
            lines.append(_material_line("MAT-FANMOTOR", 1.0))
        if rng.chance(0.1):
            lines.append(Line(MODIFIER, DISCOUNT_BY_CODE["FEE-AFTERHRS"], 1.0, 150.0, 0.0))
    elif kind.key == "audit":
        lines.append(_service_line(SERVICE_BY_CODE["SVC-AUDIT"]))
        if rng.chance(0.6):
            lines.append(_service_line(SERVICE_BY_CODE["SVC-BLOWER"]))
    elif kind.key == "plumbing":
        lines.append(_service_line(rng.choice(SERVICES_BY_KIND["plumbing"])))
        lines.append(_material_line(rng.choice(("MAT-PEX-FIT", "MAT-SUPPLY-LINE")), 1.0))
    elif kind.key == "warranty":
        lines.append(_service_line(SERVICE_BY_CODE["SVC-WARRANTY"]))
        lines.append(Line(MATERIAL, MATERIAL_BY_CODE["MAT-CAP-45-5"], 1.0, 0.0, 12.0))
    return lines


PACKAGES_PER_KIND: Final = 96
#: Rebate-tagged installs are of the last this many days, but for a few older ones.
REBATE_RECENT_DAYS: Final = 300
#: Of 256, how many completed rebate jobs misstate the heat pump's model on the invoice.
REBATE_MODEL_TYPO: Final = 56
_CUMULATIVE_KIND: Final = tuple(
    sum(_KIND_WEIGHTS[: i + 1]) / sum(_KIND_WEIGHTS) for i in range(len(_KIND_WEIGHTS))
)
_VISIT_STATUS: Final = {
    "Scheduled": "Scheduled",
    "Dispatched": "Dispatched",
    "InProgress": "Working",
    "Hold": "Hold",
    "Canceled": "Canceled",
    "Completed": "Done",
}


def _swap_equipment(rng: Rng, lines: tuple[Line, ...] | list[Line]) -> tuple[Line, ...]:
    """The same proposal with other equipment of the same kinds (good / better / best)."""
    swapped = []
    for line in lines:
        if line.type == EQUIPMENT:
            options = EQUIPMENT_BY_KIND[catalog.EQUIPMENT[line.sku].kind]
            step = 1 + rng.below(max(len(options) - 1, 1))
            swapped.append(
                _equipment_line(
                    options[(options.index(line.sku) + step) % len(options)], line.quantity
                )
            )
        else:
            swapped.append(line)
    return tuple(swapped)


def _masssave(lines: tuple[Line, ...]) -> tuple[Line, ...]:
    util = SERVICE_BY_CODE["SVC-REBATE-UTIL"]
    if not any(line.type == SERVICE and line.sku == util for line in lines):
        return lines
    mass = _service_line(SERVICE_BY_CODE["SVC-REBATE-MASS"])
    return tuple(mass if line.type == SERVICE and line.sku == util else line for line in lines)


def build_package(seed: int, kind_index: int, number: int) -> Package:
    kind = PLAN_KINDS[kind_index]
    rng = Rng(seed, salt("package"), kind_index, number)
    units: list[int] = _equipment_for(rng, kind) if kind.install else []
    lines = tuple(
        _install_lines(rng, kind, units) if kind.install else _service_job_lines(rng, kind)
    )
    alternatives: tuple[tuple[Line, ...], ...]
    if kind.install:
        alternatives = (_swap_equipment(rng, lines), _swap_equipment(rng, lines))
    elif kind.key == "estimate":
        proposal = tuple(
            _install_lines(rng, PLAN_KINDS[0], _equipment_for(rng, PLAN_KINDS[0], True))
        )
        alternatives = (proposal, _swap_equipment(rng, proposal), _swap_equipment(rng, proposal))
    else:
        alternatives = ()
    masssave_lines = _masssave(lines)
    return Package(
        units=tuple(units),
        lines=lines,
        masssave_lines=masssave_lines,
        alternatives=alternatives,
        permit=any(
            line.type == SERVICE and catalog.SERVICES[line.sku][0] == "SVC-PERMIT" for line in lines
        ),
        photos=rng.between(1, 3),
        proposal=rng.chance(0.5),
        form=rng.chance(0.9 if kind.install else 0.7),
        signoff=rng.chance(0.5),
        diagnosis_photo=rng.chance(0.35),
        eligible=any(catalog.EQUIPMENT[u].rebate_eligible for u in units),
        repair_estimate=kind.key in ("no_heat", "no_cool") and rng.chance(0.2),
        sums=(*_sums(lines), *_sums(masssave_lines)),
    )


def _sums(lines: tuple[Line, ...]) -> tuple[float, float]:
    subtotal = round(sum(line.total for line in lines), 2)
    taxable = round(sum(line.total for line in lines if line.type in (EQUIPMENT, MATERIAL)), 2)
    return subtotal, taxable


@functools.lru_cache(maxsize=8)
def build_packages(seed: int, per_kind: int = PACKAGES_PER_KIND) -> tuple[tuple[Package, ...], ...]:
    """``per_kind`` packages for every job kind (cached: tests build many simulators)."""
    return tuple(
        tuple(build_package(seed, k, n) for n in range(per_kind)) for k in range(len(PLAN_KINDS))
    )


def _bits(word: int, shift: int, width: int) -> int:
    return (word >> shift) & ((1 << width) - 1)


def _main_unit_qualifies(package: Package) -> bool:
    """The package's first unit is rebate-eligible and, when it states SEER2, at least 15.2."""
    if not package.units:
        return False
    model = catalog.EQUIPMENT[package.units[0]]
    seer2 = dict(model.ratings).get("SEER2")
    return model.rebate_eligible and (seer2 is None or float(seer2) >= 15.2)


def build_plan(ctx: PlanContext, index: int) -> JobPlan:
    """The whole story of job ``index``: a pure function of the context and the index.

    Decisions are sliced from three 64-bit words (8-bit fields give 1/256 resolution, plenty
    for "4 % of jobs are canceled"); the sold package and the location come from separate
    fields so that changing one rule does not reshuffle everything else.
    """
    w1 = splitmix(ctx.plan_key + index * GOLDEN)
    w2 = splitmix(w1 ^ 2)
    w3 = splitmix(w1 ^ 3)
    kind_index = bisect_right(_CUMULATIVE_KIND, (w1 & 0xFFFF) / 65536.0)
    kind_index = min(kind_index, len(PLAN_KINDS) - 1)
    kind = PLAN_KINDS[kind_index]
    packages = ctx.packages[kind_index]
    package = packages[((w1 >> 16) & 0xFFFF) % len(packages)]
    modified = ctx.jobs.at(index)
    job_type = catalog.JOB_TYPES[kind.job_type]
    business_unit = job_type[1]
    minutes = job_type[2]
    age = ctx.anchor - modified

    # When, and how far the job got.
    upcoming = age < 21 * US_PER_DAY and ((w1 >> 32) & 0xFF) < 179  # 70 %
    canceled = not upcoming and ((w1 >> 40) & 0xFF) < 10  # 4 %
    on_hold = not upcoming and not canceled and ((w1 >> 48) & 0xFF) < 3  # 1 %
    visit_count = 1
    if kind.install:
        roll = w2 & 0xFF
        visit_count = 1 if roll < 192 else (2 if roll < 243 else 3)
    completed: int | None = None
    if upcoming:
        status = "Scheduled"
        created = modified
        first_start = (
            ctx.anchor
            + (1 + ((w2 >> 8) & 0xFF) % 28) * US_PER_DAY
            + (13 + ((w2 >> 16) & 0xFF) % 9) * US_PER_HOUR
        )
        if age < US_PER_DAY and ((w1 >> 56) & 0xFF) < 77:
            status = "Dispatched" if ((w2 >> 24) & 0x1) else "InProgress"
            first_start = ctx.anchor + (14 + ((w2 >> 16) & 0xFF) % 4) * US_PER_HOUR
    elif canceled or on_hold:
        status = "Canceled" if canceled else "Hold"
        created = modified - (1 + ((w2 >> 32) & 0xFF) % 10) * US_PER_DAY
        first_start = (
            modified
            + (1 + ((w2 >> 8) & 0xFF) % 10) * US_PER_DAY
            + (13 + ((w2 >> 16) & 0xFF) % 9) * US_PER_HOUR
        )
    else:
        status = "Completed"
        completed = modified - ((w2 >> 40) & 0xFFFF) * (6 * US_PER_HOUR) // 65536
        first_start = completed - minutes * US_PER_MINUTE - (visit_count - 1) * 2 * US_PER_DAY
        created = (
            first_start
            - (1 + ((w2 >> 32) & 0xFF) % 21) * US_PER_DAY
            - ((w2 >> 56) & 0xFF) * US_PER_DAY // 256
        )
    visit_status = _VISIT_STATUS[status]
    visits = []
    start = first_start
    duration = max(minutes // visit_count, 60) * US_PER_MINUTE
    for k in range(visit_count):
        window_start = start - start % (2 * US_PER_HOUR)
        last = k == visit_count - 1
        state = visit_status if last or visit_status not in ("Done", "Working") else "Done"
        visits.append(
            Visit(start, start + duration, window_start, window_start + 2 * US_PER_HOUR, state)
        )
        start += (1 + ((w3 >> (60 - k * 2)) & 0x3) % 3) * US_PER_DAY
    if completed is not None:
        completed = min(max(completed, visits[-1].end), modified)

    # Where: a location whose customer existed before the job was booked (recent ones likelier).
    known = max(ctx.customers.first_at_or_after(created), 1)
    r = (w3 & 0xFFFF) / 65536.0
    customer = max(known - 1 - int(known * r * r), 0)
    first_location, location_count = ctx.customer_locations(customer)
    location = first_location + (1 if location_count > 1 and ((w3 >> 16) & 0xFF) < 102 else 0)
    territory = ctx.territory_of_location(location)

    # Who worked it.
    pool = ctx.techs_by_business_unit.get(business_unit) or list(range(ctx.technician_count))
    crew = 2 if kind.install and len(pool) > 1 and ((w3 >> 24) & 0xFF) < 154 else 1
    first_tech = ((w3 >> 32) & 0xFF) % len(pool)
    technicians = tuple(pool[(first_tech + k) % len(pool)] for k in range(crew))

    # What was proposed and sold.
    estimates = _estimates(kind, package, status, created, first_start, w3)
    sold_by = technicians[0] if any(e.status == "Sold" for e in estimates) else None
    w4 = splitmix(w1 ^ 4)
    done = status == "Completed"
    permit = (
        f"{territory.state}-M{(w4 & 0xFFFFFF) % 10_000_000:07d}"
        if done and package.permit
        else None
    )
    # Jobs the contractor tags for a rebate: mostly installs of this program year (older ones
    # are few: their install falls outside the window), and their paperwork is collected
    # (photos, checklist, certificate, payment) except for a realistic share of defects.
    rebate_roll = (w4 >> 56) & 0xFF
    recent = completed is None or ctx.anchor - completed <= REBATE_RECENT_DAYS * US_PER_DAY
    # Installs whose main unit is below the utility's tier (SEER2 15.2) are rarely tagged.
    share = 90 if _main_unit_qualifies(package) else 16
    rebate = (
        kind.install
        and package.eligible
        and (
            (done and rebate_roll < (share if recent else 6))
            or (status == "Scheduled" and rebate_roll < 51)
        )
    )
    w5 = splitmix(w1 ^ 5)
    defect = ""
    if rebate and done and (w5 & 0xFF) < REBATE_MODEL_TYPO:
        defect = "model_typo"
    ahri = None
    system = catalog.matched_system(package.units)
    if (
        done
        and system is not None
        and kind.key in ("heat_pump", "ac", "furnace_ac", "mini_split")
        and (((w4 >> 24) & 0xFF) < 141 or rebate)
    ):
        ahri = catalog.ahri_reference(*system)

    # Tags.
    tags: list[str] = []
    if kind.install and package.eligible:
        if rebate:  # the contractor tags jobs whose main unit qualifies
            tags.append("Rebate Needed")
        if ((w2 >> 25) & 0x7F) < 77:  # 60 %
            tags.append(territory.tag)
        if kind.key in ("heat_pump", "hpwh", "mini_split") and ((w4 >> 20) & 0xF) < 5:
            tags.append("Federal 25C")
    if permit:
        tags.append("Permit Required")
    if kind.key == "warranty":
        tags.append("Warranty")
    if ((w3 >> 40) & 0xFF) < 10:
        tags.append("VIP")

    return JobPlan(
        job=index,
        kind=kind,
        package=package,
        territory=territory,
        location=location,
        customer=customer,
        business_unit=business_unit,
        job_type=kind.job_type,
        campaign=((w3 >> 48) & 0xFF) % len(catalog.CAMPAIGNS),
        priority=job_type[3],
        status=status,
        created=created,
        modified=modified,
        completed=completed,
        visits=tuple(visits),
        technicians=technicians,
        estimates=estimates,
        paid=done and bool(package.lines) and (((w4 >> 48) & 0xFF) < 218 or rebate),
        payment_type=(0, 0, 0, 0, 0, 1, 1, 3, 4, 4)[((w3 >> 56) & 0xF) % 10],
        tags=tuple(dict.fromkeys(tags)),
        sold_by=sold_by,
        project=kind.key == "heat_pump" and ((w4 >> 44) & 0xF) < 2,
        cancel_reason=((w2 >> 57) & 0x7F) % len(catalog.JOB_CANCEL_REASONS) if canceled else None,
        permit_number=permit,
        ahri_reference=ahri,
        defect=defect,
        photo_count=max(package.photos, 2) if rebate and done else package.photos,
        has_form=package.form or (rebate and done),
    )


def _estimates(
    kind: PlanKind, package: Package, status: str, created: int, first_start: int, word: int
) -> tuple[EstimateOption, ...]:
    """Estimate options. Alternatives swap equipment only, so every option of a package has as
    many lines as the proposal."""
    if kind.install:
        count = 1 + _bits(word, 8, 8) % 3
        sold_slot = _bits(word, 44, 4) % count if status != "Canceled" else None
        names = ("Good", "Better", "Best")
        options = []
        for k in range(count):
            made = created + k * US_PER_MINUTE
            if k == sold_slot:
                sold_on = max(first_start - (1 + _bits(word, 52, 3)) * US_PER_DAY, made)
                options.append(EstimateOption(names[k], package.lines, "Sold", made, sold_on))
            else:
                dismissed = sold_slot is not None and _bits(word, 55 + k, 1) == 1
                lines = package.alternatives[k % len(package.alternatives)]
                options.append(
                    EstimateOption(
                        names[k], lines, "Dismissed" if dismissed else "Open", made, None
                    )
                )
        return tuple(options)
    if kind.key == "estimate":
        count = 2 + _bits(word, 8, 1)
        return tuple(
            EstimateOption(
                f"Option {k + 1}",
                package.alternatives[k],
                "Dismissed" if _bits(word, 55 + k, 2) == 0 else "Open",
                created + k * US_PER_MINUTE,
                None,
            )
            for k in range(count)
        )
    if package.repair_estimate and package.lines:
        sold = status == "Completed" and _bits(word, 44, 4) < 10
        return (
            EstimateOption(
                "Repair",
                package.lines,
                "Sold" if sold else "Open",
                created,
                first_start if sold else None,
            ),
        )
    return ()
