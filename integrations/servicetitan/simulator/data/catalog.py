"""Static reference material for a believable HVAC / home-energy contractor.

Names, utility territories with real-looking addresses, and a pricebook of real manufacturers'
model lines with the efficiency ratings rebate programs check (SEER2/EER2/HSPF2 for heat pumps
and AC, AFUE for furnaces, UEF for water heaters). Model numbers follow each maker's public
nomenclature closely enough to look right on a rebate form; they are illustrative, not a
certified equipment directory.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

FIRST_NAMES: Final = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Christopher", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty", "Mark",
    "Sandra", "Donald", "Margaret", "Steven", "Ashley", "Andrew", "Kimberly", "Joshua", "Emily",
    "Kevin", "Donna", "Brian", "Michelle", "Jose", "Carol", "Luis", "Amanda", "Wei", "Priya",
    "Mohammed", "Aisha", "Hiroshi", "Mei", "Carlos", "Sofia", "Diego", "Lucia", "Tyrone", "Keisha",
    "Connor", "Siobhan", "Rahul", "Ananya",
)  # fmt: skip

LAST_NAMES: Final = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "O'Brien", "Murphy", "Sullivan",
    "Patel", "Chen", "Kim", "Nakamura", "Kowalski", "Schmidt", "Rossi",
)  # fmt: skip

COMPANY_WORDS: Final = (
    "Properties", "Management", "Holdings", "Dental", "Realty", "Church", "Apartments",
    "Veterinary Clinic", "Bakery", "Auto Repair", "Law Office", "Family Trust",
)  # fmt: skip

STREET_NAMES: Final = (
    "Oak", "Maple", "Cedar", "Pine", "Elm", "Willow", "Walnut", "Chestnut", "Hickory", "Birch",
    "Magnolia", "Sycamore", "Washington", "Lincoln", "Jefferson", "Madison", "Franklin", "Park",
    "Lake", "Hillside", "Meadow", "Sunset", "Ridge", "Highland", "River", "Spring", "Forest",
    "Main", "Church", "Mill", "Prospect", "Summit", "Valley", "Pleasant", "Center", "Union",
)  # fmt: skip

STREET_SUFFIXES: Final = ("St", "Ave", "Rd", "Dr", "Ln", "Ct", "Blvd", "Way", "Pl", "Ter")


@dataclass(frozen=True, slots=True)
class City:
    name: str
    zips: tuple[str, ...]
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Territory:
    """A utility service territory: where a rebate program applies."""

    key: str
    state: str
    utility: str
    program: str
    tag: str
    area_codes: tuple[str, ...]
    cities: tuple[City, ...]
    weight: float


TERRITORIES: Final = (
    Territory(
        "oncor", "TX", "Oncor Electric Delivery", "Oncor Residential Standard Offer",
        "Oncor Eligible", ("214", "469", "972", "817"),
        (
            City("Dallas", ("75204", "75214", "75218", "75230", "75238"), 32.7767, -96.7970),
            City("Plano", ("75023", "75024", "75025", "75093"), 33.0198, -96.6989),
            City("Fort Worth", ("76107", "76109", "76116", "76132"), 32.7555, -97.3308),
            City("Arlington", ("76010", "76013", "76016"), 32.7357, -97.1081),
            City("Frisco", ("75033", "75034", "75035"), 33.1507, -96.8236),
            City("McKinney", ("75069", "75070", "75071"), 33.1972, -96.6398),
        ),
        0.34,
    ),
    Territory(
        "masssave", "MA", "Eversource", "Mass Save Heat Pump Rebate", "Mass Save",
        ("508", "617", "781", "978"),
        (
            City("Worcester", ("01602", "01604", "01605", "01609"), 42.2626, -71.8023),
            City("Framingham", ("01701", "01702"), 42.2793, -71.4162),
            City("Newton", ("02458", "02459", "02460", "02465"), 42.3370, -71.2092),
            City("Quincy", ("02169", "02170", "02171"), 42.2529, -71.0023),
            City("Lowell", ("01850", "01851", "01852", "01854"), 42.6334, -71.3162),
        ),
        0.24,
    ),
    Territory(
        "pge", "CA", "Pacific Gas and Electric", "PG&E Home Electrification Rebate",
        "PG&E Eligible", ("408", "510", "916", "925"),
        (
            City("San Jose", ("95118", "95120", "95124", "95125"), 37.3382, -121.8863),
            City("Oakland", ("94602", "94610", "94611", "94619"), 37.8044, -122.2712),
            City("Sacramento", ("95818", "95819", "95822", "95831"), 38.5816, -121.4944),
            City("Walnut Creek", ("94595", "94596", "94598"), 37.9101, -122.0652),
        ),
        0.16,
    ),
    Territory(
        "xcel", "CO", "Xcel Energy", "Xcel Energy Heat Pump Rebate", "Xcel Rebate",
        ("303", "720"),
        (
            City("Denver", ("80205", "80209", "80210", "80220", "80224"), 39.7392, -104.9903),
            City("Lakewood", ("80226", "80227", "80228"), 39.7047, -105.0814),
            City("Aurora", ("80010", "80012", "80013", "80015"), 39.7294, -104.8319),
            City("Arvada", ("80002", "80003", "80004", "80005"), 39.8028, -105.0875),
        ),
        0.14,
    ),
    Territory(
        "coned", "NY", "Con Edison", "NYS Clean Heat (Con Edison)", "ConEd Clean Heat",
        ("718", "347", "917"),
        (
            City("Brooklyn", ("11209", "11215", "11218", "11229", "11234"), 40.6782, -73.9442),
            City("Staten Island", ("10301", "10306", "10312", "10314"), 40.5795, -74.1502),
            City("Queens", ("11354", "11361", "11364", "11375"), 40.7282, -73.7949),
        ),
        0.12,
    ),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class NamedItem:
    name: str
    extra: str = ""


BUSINESS_UNITS: Final = (
    NamedItem("HVAC Install", "Installation"),
    NamedItem("HVAC Service", "Service"),
    NamedItem("Plumbing", "Plumbing"),
    NamedItem("Energy Audits", "Home Performance"),
    NamedItem("Water Heaters", "Plumbing"),
)

#: (name, color, code, importance)
TAG_TYPES: Final = (
    ("Rebate Needed", "#2E7D32", "RBT", "High"),
    ("AutoFile", "#1565C0", "AF", "Medium"),
    ("Oncor Eligible", "#F9A825", "ONC", "Medium"),
    ("Mass Save", "#00838F", "MS", "Medium"),
    ("PG&E Eligible", "#0277BD", "PGE", "Medium"),
    ("Xcel Rebate", "#6A1B9A", "XCL", "Medium"),
    ("ConEd Clean Heat", "#283593", "CON", "Medium"),
    ("Federal 25C", "#4E342E", "25C", "Medium"),
    ("VIP", "#C62828", "VIP", "High"),
    ("Warranty", "#EF6C00", "WAR", "Medium"),
    ("Member", "#558B2F", "MBR", "Medium"),
    ("Permit Required", "#455A64", "PRM", "Medium"),
    ("Do Not Call", "#000000", "DNC", "High"),
    ("Second Opinion", "#8D6E63", "2OP", "Medium"),
)

#: (name, business unit index, duration minutes, priority, class)
JOB_TYPES: Final[tuple[tuple[str, int, int, str, str], ...]] = (
    ("Heat Pump Install", 0, 480, "Normal", "Install"),
    ("Furnace Replacement", 0, 360, "Normal", "Install"),
    ("AC Replacement", 0, 360, "Normal", "Install"),
    ("Furnace + AC Replacement", 0, 540, "Normal", "Install"),
    ("Ductless Mini-Split Install", 0, 420, "Normal", "Install"),
    ("Heat Pump Water Heater Install", 4, 240, "Normal", "Install"),
    ("Water Heater Replacement", 4, 180, "High", "Install"),
    ("Smart Thermostat Install", 1, 60, "Low", "Install"),
    ("HVAC Maintenance", 1, 90, "Low", "Maintenance"),
    ("No Heat Service Call", 1, 120, "Urgent", "Service"),
    ("No Cool Service Call", 1, 120, "Urgent", "Service"),
    ("Home Energy Audit", 3, 180, "Normal", "Audit"),
    ("Plumbing Repair", 2, 120, "High", "Service"),
    ("Warranty Visit", 1, 90, "Normal", "Warranty"),
    ("Install Estimate", 0, 60, "Normal", "Sales"),
)

#: (name, category, medium)
CAMPAIGNS: Final = (
    ("Google Ads - Heat Pumps", "Digital", "Paid Search"),
    ("Google Local Services", "Digital", "Paid Search"),
    ("Facebook - Rebate Season", "Digital", "Social"),
    ("Website Booking", "Digital", "Organic"),
    ("Yard Signs", "Offline", "Signage"),
    ("Customer Referral", "Referral", "Word of Mouth"),
    ("Repeat Customer", "Referral", "Existing Customer"),
    ("Utility Program Referral", "Referral", "Partner"),
    ("Direct Mail - Fall Tune-Up", "Offline", "Mail"),
    ("Home Show 2025", "Offline", "Event"),
)

CAMPAIGN_CATEGORIES: Final = ("Digital", "Offline", "Referral")

JOB_CANCEL_REASONS: Final = (
    "Customer canceled",
    "Scheduling conflict",
    "Went with another contractor",
    "Price too high",
    "Duplicate job",
    "Financing declined",
)

#: (start "HH:MM", duration "HH:MM")
ARRIVAL_WINDOWS: Final = (
    ("08:00", "02:00"),
    ("10:00", "02:00"),
    ("12:00", "02:00"),
    ("14:00", "02:00"),
    ("08:00", "04:00"),
    ("12:00", "04:00"),
)

USER_ROLES: Final = (
    ("Administrator", "Employee"),
    ("Office Manager", "Employee"),
    ("CSR", "Employee"),
    ("Dispatcher", "Employee"),
    ("Accounting", "Employee"),
    ("Install Technician", "Technician"),
    ("Service Technician", "Technician"),
    ("Comfort Advisor", "Technician"),
)

EMPLOYEE_ROLES: Final = (
    "Admin", "Dispatch", "CSR", "Accounting", "GeneralOffice", "SalesManager", "FieldManager",
)  # fmt: skip

EQUIPMENT_TYPES: Final = (
    "Heat Pump", "Air Handler", "Furnace", "Air Conditioner", "Water Heater",
    "Heat Pump Water Heater", "Thermostat", "Ductless Mini-Split", "Evaporator Coil",
)  # fmt: skip

PAYMENT_TYPES: Final = ("Credit Card", "Check", "Cash", "ACH", "Financing", "Utility Rebate")

BOOKING_PROVIDERS: Final = (
    ("Website Scheduler", "Online booking widget on the company website"),
    ("Google Local Services", "Bookings from Google LSA"),
    ("Angi", "Leads booked through Angi"),
)

FORMS: Final = (
    "Heat Pump Install Checklist",
    "Furnace / AC Install Checklist",
    "Water Heater Install Checklist",
    "Ductless Install Checklist",
    "Maintenance Checklist",
    "Home Energy Audit Report",
    "Customer Sign-Off",
)

PROJECT_STATUSES: Final = ("Planning", "In Progress", "Completed", "On Hold")


@dataclass(frozen=True, slots=True)
class EquipmentModel:
    """A pricebook equipment SKU. ``kind`` drives plans; ``ratings`` go into descriptions."""

    code: str
    kind: str
    equipment_type: str
    manufacturer: str
    model: str
    name: str
    ratings: tuple[tuple[str, str], ...]
    price: float
    cost: float
    warranty_years: int = 10
    rebate_eligible: bool = True
    tonnage: str = ""

    @property
    def rating_text(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.ratings)


def _hp(code: str, make: str, model: str, name: str, seer2: str, eer2: str, hspf2: str,
        price: float, tons: str) -> EquipmentModel:  # fmt: skip
    return EquipmentModel(
        code, "heat_pump", "Heat Pump", make, model, name,
        (("SEER2", seer2), ("EER2", eer2), ("HSPF2", hspf2)), price, round(price * 0.55, 2),
        tonnage=tons,
    )  # fmt: skip


EQUIPMENT: Final = (
    _hp(
        "HP-CAR-25VNA036",
        "Carrier",
        "25VNA036A003",
        "Carrier Infinity 24 Variable-Speed Heat Pump 3 Ton",
        "21.0",
        "12.5",
        "9.5",
        9850.0,
        "3",
    ),
    _hp(
        "HP-CAR-25VNA048",
        "Carrier",
        "25VNA048A003",
        "Carrier Infinity 24 Variable-Speed Heat Pump 4 Ton",
        "20.5",
        "12.2",
        "9.3",
        11250.0,
        "4",
    ),
    _hp(
        "HP-TRA-4TWV0036",
        "Trane",
        "4TWV0036A1000A",
        "Trane XV20i TruComfort Heat Pump 3 Ton",
        "20.0",
        "12.0",
        "9.2",
        9650.0,
        "3",
    ),
    _hp(
        "HP-LEN-SL25XPV036",
        "Lennox",
        "SL25XPV-036-230",
        "Lennox Signature SL25XPV Heat Pump 3 Ton",
        "22.5",
        "13.1",
        "9.6",
        10900.0,
        "3",
    ),
    _hp(
        "HP-RHM-RP2036",
        "Rheem",
        "RP2036AJVCA",
        "Rheem Prestige RP20 Variable Heat Pump 3 Ton",
        "19.0",
        "11.7",
        "8.8",
        8750.0,
        "3",
    ),
    _hp(
        "HP-DAI-DZ9VC3610",
        "Daikin",
        "DZ9VC3610A",
        "Daikin Fit DZ9VC Inverter Heat Pump 3 Ton",
        "17.2",
        "11.0",
        "8.5",
        8450.0,
        "3",
    ),
    _hp(
        "HP-MIT-PUZHA36",
        "Mitsubishi",
        "PUZ-HA36NHA5",
        "Mitsubishi Hyper-Heat Ducted Heat Pump 3 Ton",
        "18.1",
        "11.5",
        "10.0",
        11800.0,
        "3",
    ),
    _hp(
        "HP-GOO-GSZ140361",
        "Goodman",
        "GSZ140361",
        "Goodman GSZ14 Heat Pump 3 Ton (builder grade)",
        "14.3",
        "11.0",
        "7.5",
        6200.0,
        "3",
    ),
    EquipmentModel(
        "AH-CAR-FE4ANF003",
        "air_handler",
        "Air Handler",
        "Carrier",
        "FE4ANF003",
        "Carrier Infinity Variable-Speed Fan Coil",
        (("CFM", "1200"),),
        3150.0,
        1650.0,
        rebate_eligible=False,
    ),
    EquipmentModel(
        "AH-TRA-TAM9A0C36",
        "air_handler",
        "Air Handler",
        "Trane",
        "TAM9A0C36V31DA",
        "Trane TAM9 Variable-Speed Air Handler",
        (("CFM", "1200"),),
        2950.0,
        1550.0,
        rebate_eligible=False,
    ),
    EquipmentModel(
        "AH-LEN-CBA38MV036",
        "air_handler",
        "Air Handler",
        "Lennox",
        "CBA38MV-036-230",
        "Lennox CBA38MV Air Handler",
        (("CFM", "1200"),),
        2850.0,
        1500.0,
        rebate_eligible=False,
    ),
    EquipmentModel(
        "AH-RHM-RH2T3621",
        "air_handler",
        "Air Handler",
        "Rheem",
        "RH2T3621STANJA",
        "Rheem RH2T Multi-Position Air Handler",
        (("CFM", "1200"),),
        2450.0,
        1300.0,
        rebate_eligible=False,
    ),
    EquipmentModel(
        "FUR-CAR-59MN7B080",
        "furnace",
        "Furnace",
        "Carrier",
        "59MN7B080C21--20",
        "Carrier Infinity 98 Modulating Gas Furnace 80k BTU",
        (("AFUE", "98.3"),),
        6250.0,
        3300.0,
    ),
    EquipmentModel(
        "FUR-TRA-S9V2B080",
        "furnace",
        "Furnace",
        "Trane",
        "S9V2B080U4PSA",
        "Trane S9V2 Two-Stage Gas Furnace 80k BTU",
        (("AFUE", "96.0"),),
        5650.0,
        2950.0,
    ),
    EquipmentModel(
        "FUR-LEN-SL297NV",
        "furnace",
        "Furnace",
        "Lennox",
        "SL297NV070V36B",
        "Lennox SL297NV Variable-Capacity Furnace 70k BTU",
        (("AFUE", "97.5"),),
        6050.0,
        3150.0,
    ),
    EquipmentModel(
        "FUR-RHM-R98V0851",
        "furnace",
        "Furnace",
        "Rheem",
        "R98VA0851521MSA",
        "Rheem R98V Modulating Gas Furnace 85k BTU",
        (("AFUE", "98.0"),),
        5450.0,
        2850.0,
    ),
    EquipmentModel(
        "FUR-DAI-DM80HS0804",
        "furnace",
        "Furnace",
        "Daikin",
        "DM80HS0804BN",
        "Daikin DM80HS Single-Stage Furnace 80k BTU",
        (("AFUE", "80.0"),),
        3650.0,
        1950.0,
        rebate_eligible=False,
    ),
    EquipmentModel(
        "AC-CAR-24VNA636",
        "ac",
        "Air Conditioner",
        "Carrier",
        "24VNA636A003",
        "Carrier Infinity 26 Variable-Speed AC 3 Ton",
        (("SEER2", "24.0"), ("EER2", "13.0")),
        8450.0,
        4500.0,
        tonnage="3",
    ),
    EquipmentModel(
        "AC-TRA-4TTR6036",
        "ac",
        "Air Conditioner",
        "Trane",
        "4TTR6036J1000A",
        "Trane XR16 AC 3 Ton",
        (("SEER2", "16.0"), ("EER2", "12.0")),
        5850.0,
        3100.0,
        tonnage="3",
    ),
    EquipmentModel(
        "AC-LEN-EL18XCV036",
        "ac",
        "Air Conditioner",
        "Lennox",
        "EL18XCV-036-230",
        "Lennox Elite EL18XCV AC 3 Ton",
        (("SEER2", "17.2"), ("EER2", "12.4")),
        6650.0,
        3500.0,
        tonnage="3",
    ),
    EquipmentModel(
        "AC-RHM-RA1436",
        "ac",
        "Air Conditioner",
        "Rheem",
        "RA1436AJ1NA",
        "Rheem Classic RA14 AC 3 Ton",
        (("SEER2", "14.3"), ("EER2", "11.2")),
        4650.0,
        2450.0,
        rebate_eligible=False,
        tonnage="3",
    ),
    EquipmentModel(
        "AC-DAI-DX17VSS361",
        "ac",
        "Air Conditioner",
        "Daikin",
        "DX17VSS361",
        "Daikin DX17VSS Inverter AC 3 Ton",
        (("SEER2", "17.2"), ("EER2", "12.0")),
        6250.0,
        3300.0,
        tonnage="3",
    ),
    EquipmentModel(
        "COIL-CAR-CNPVP3617",
        "coil",
        "Evaporator Coil",
        "Carrier",
        "CNPVP3617ALA",
        "Carrier Cased Evaporator Coil 3 Ton",
        (),
        1450.0,
        750.0,
        rebate_eligible=False,
    ),
    EquipmentModel(
        "WH-AOS-HPTU50",
        "hpwh",
        "Heat Pump Water Heater",
        "A.O. Smith",
        "HPTU-50N",
        "A.O. Smith Voltex 50 Gal Hybrid Heat Pump Water Heater",
        (("UEF", "3.45"), ("Gallons", "50")),
        3950.0,
        2050.0,
    ),
    EquipmentModel(
        "WH-AOS-HPTU66",
        "hpwh",
        "Heat Pump Water Heater",
        "A.O. Smith",
        "HPTU-66N",
        "A.O. Smith Voltex 66 Gal Hybrid Heat Pump Water Heater",
        (("UEF", "3.80"), ("Gallons", "66")),
        4450.0,
        2350.0,
    ),
    EquipmentModel(
        "WH-RHM-XE50T10",
        "hpwh",
        "Heat Pump Water Heater",
        "Rheem",
        "XE50T10HS45U0",
        "Rheem ProTerra 50 Gal Hybrid Heat Pump Water Heater",
        (("UEF", "4.00"), ("Gallons", "50")),
        4150.0,
        2150.0,
    ),
    EquipmentModel(
        "WH-AOS-GCR50",
        "water_heater",
        "Water Heater",
        "A.O. Smith",
        "GCR-50",
        "A.O. Smith ProLine 50 Gal Gas Water Heater",
        (("UEF", "0.67"), ("Gallons", "50")),
        2450.0,
        1150.0,
        rebate_eligible=False,
    ),
    EquipmentModel(
        "WH-RHM-RTG95",
        "water_heater",
        "Water Heater",
        "Rheem",
        "RTGH-95DVLN",
        "Rheem Performance Platinum Tankless Gas Water Heater",
        (("UEF", "0.93"), ("GPM", "9.5")),
        3650.0,
        1850.0,
    ),
    EquipmentModel(
        "TSTAT-ECB-PREM",
        "thermostat",
        "Thermostat",
        "ecobee",
        "EB-STATE6P-01",
        "ecobee Smart Thermostat Premium (ENERGY STAR)",
        (("ENERGY STAR", "Certified"),),
        449.0,
        205.0,
        warranty_years=3,
    ),
    EquipmentModel(
        "TSTAT-ECB-ENH",
        "thermostat",
        "Thermostat",
        "ecobee",
        "EB-STATE6L-01",
        "ecobee Smart Thermostat Enhanced (ENERGY STAR)",
        (("ENERGY STAR", "Certified"),),
        349.0,
        160.0,
        warranty_years=3,
    ),
    EquipmentModel(
        "TSTAT-CAR-SYSTXCC",
        "thermostat",
        "Thermostat",
        "Carrier",
        "SYSTXCCITC01-B",
        "Carrier Infinity Touch Control",
        (("ENERGY STAR", "Certified"),),
        695.0,
        330.0,
        warranty_years=5,
    ),
    EquipmentModel(
        "MS-MIT-MSZFS12",
        "mini_split",
        "Ductless Mini-Split",
        "Mitsubishi",
        "MSZ-FS12NA / MUZ-FS12NAH",
        "Mitsubishi Hyper-Heat FS 12k Wall Mount",
        (("SEER2", "30.5"), ("EER2", "14.2"), ("HSPF2", "11.0")),
        5450.0,
        2750.0,
        tonnage="1",
    ),
    EquipmentModel(
        "MS-DAI-FTX18AXVJU",
        "mini_split",
        "Ductless Mini-Split",
        "Daikin",
        "FTX18AXVJU / RX18AXVJU",
        "Daikin Aurora 18k Wall Mount",
        (("SEER2", "20.3"), ("EER2", "12.5"), ("HSPF2", "9.0")),
        5150.0,
        2600.0,
        tonnage="1.5",
    ),
)

#: Kinds of unit an AHRI matched system is rated by: the outdoor unit and its indoor coil or
#: air handler (a mini-split's model names both halves).
OUTDOOR_KINDS: Final = ("heat_pump", "ac", "mini_split")
INDOOR_KINDS: Final = ("air_handler", "coil")


def matched_system(units: Sequence[int]) -> tuple[EquipmentModel, EquipmentModel | None] | None:
    """The (outdoor, indoor) pair among these equipment indices, if there is an outdoor unit."""
    models = [EQUIPMENT[u] for u in units]
    outdoor = next((m for m in models if m.kind in OUTDOOR_KINDS), None)
    if outdoor is None:
        return None
    indoor = next((m for m in models if m.kind in INDOOR_KINDS), None)
    return outdoor, indoor


def ahri_reference(outdoor: EquipmentModel, indoor: EquipmentModel | None) -> str:
    """The AHRI certified reference number of a matched system: one number per pair, as
    AHRI's directory gives it (so a certified-products list can name it)."""
    key = f"{outdoor.model}|{indoor.model if indoor else ''}".encode()
    return str(200_000_000 + zlib.crc32(key) % 20_000_000)


#: (code, name, price, hours, kind) — kind routes it into plans; negative prices are credits.
SERVICES: Final[tuple[tuple[str, str, float, float, str], ...]] = (
    ("SVC-INST-HP", "Heat Pump System Installation Labor", 3250.0, 8.0, "install_hp"),
    ("SVC-INST-FUR", "Furnace Installation Labor", 1850.0, 6.0, "install_furnace"),
    ("SVC-INST-AC", "Air Conditioner Installation Labor", 1750.0, 6.0, "install_ac"),
    ("SVC-INST-MS", "Ductless Mini-Split Installation Labor", 1950.0, 7.0, "install_ms"),
    ("SVC-INST-WH", "Water Heater Installation Labor", 950.0, 3.0, "install_wh"),
    ("SVC-INST-TSTAT", "Thermostat Installation and Setup", 175.0, 1.0, "install_tstat"),
    ("SVC-MANJ", "Manual J Load Calculation", 295.0, 1.5, "addon"),
    ("SVC-PERMIT", "Mechanical Permit and Inspection", 225.0, 0.5, "addon"),
    ("SVC-HAUL", "Haul Away and Dispose Old Equipment", 150.0, 0.5, "addon"),
    ("SVC-DUCTSEAL", "Duct Sealing (per system)", 650.0, 3.0, "addon"),
    ("SVC-STARTUP", "Commissioning and Start-Up Report", 0.0, 0.5, "addon"),
    ("SVC-DIAG", "Diagnostic Fee", 129.0, 1.0, "service"),
    ("SVC-TUNEUP", "Precision HVAC Tune-Up", 169.0, 1.5, "maintenance"),
    ("SVC-REPAIR-CAP", "Replace Run Capacitor", 245.0, 0.75, "repair"),
    ("SVC-REPAIR-IGN", "Replace Hot Surface Igniter", 285.0, 1.0, "repair"),
    ("SVC-REPAIR-MOTOR", "Replace Condenser Fan Motor", 625.0, 1.5, "repair"),
    ("SVC-REFRIG", "Refrigerant Leak Search", 395.0, 2.0, "repair"),
    ("SVC-AUDIT", "Comprehensive Home Energy Audit", 399.0, 3.0, "audit"),
    ("SVC-BLOWER", "Blower Door Test", 199.0, 1.0, "audit"),
    ("SVC-PLUMB-LEAK", "Repair Leak at Fixture", 225.0, 1.0, "plumbing"),
    ("SVC-PLUMB-DRAIN", "Drain Cleaning", 189.0, 1.0, "plumbing"),
    ("SVC-WARRANTY", "Warranty Labor (no charge)", 0.0, 1.0, "warranty"),
    ("SVC-REBATE-UTIL", "Utility Instant Rebate Credit", -1000.0, 0.0, "credit_utility"),
    ("SVC-REBATE-MASS", "Mass Save Instant Rebate", -2500.0, 0.0, "credit_utility"),
    ("SVC-REBATE-MFR", "Manufacturer Rebate Credit", -300.0, 0.0, "credit_mfr"),
    ("SVC-REBATE-TSTAT", "Utility Smart Thermostat Rebate", -75.0, 0.0, "credit_tstat"),
)

#: (code, name, unit price, cost, unit of measure)
MATERIALS: Final[tuple[tuple[str, str, float, float, str], ...]] = (
    ("MAT-LINESET-25", "Line Set 3/8 x 3/4 in, 25 ft, insulated", 189.0, 82.0, "Each"),
    ("MAT-LINESET-50", "Line Set 3/8 x 7/8 in, 50 ft, insulated", 329.0, 148.0, "Each"),
    ("MAT-R454B", "Refrigerant R-454B", 38.0, 14.0, "Pound"),
    ("MAT-R410A", "Refrigerant R-410A", 42.0, 16.0, "Pound"),
    ("MAT-PAD-36", "Equipment Pad 36 x 36 in", 85.0, 32.0, "Each"),
    ("MAT-DISC-60", "Non-Fused Disconnect 60A", 65.0, 22.0, "Each"),
    ("MAT-WHIP-6", "Liquid-Tight Whip 3/4 in x 6 ft", 45.0, 14.0, "Each"),
    ("MAT-CONDPUMP", "Condensate Pump", 135.0, 48.0, "Each"),
    ("MAT-FLOATSW", "Condensate Float Switch", 39.0, 11.0, "Each"),
    ("MAT-FILTER-MERV11", "Media Filter 16x25x4 MERV 11", 69.0, 24.0, "Each"),
    ("MAT-TSTATWIRE", "Thermostat Wire 18/8, per ft", 1.5, 0.45, "Foot"),
    ("MAT-MASTIC", "Duct Mastic, 1 gal", 29.0, 11.0, "Each"),
    ("MAT-FLEX-6", "Insulated Flex Duct 6 in x 25 ft", 79.0, 31.0, "Each"),
    ("MAT-SURGE", "HVAC Surge Protector", 149.0, 45.0, "Each"),
    ("MAT-EXPTANK", "Thermal Expansion Tank 2 gal", 95.0, 34.0, "Each"),
    ("MAT-FLUE-3", "PVC Vent Kit 3 in", 89.0, 33.0, "Each"),
    ("MAT-CAP-45-5", "Dual Run Capacitor 45/5 uF", 79.0, 12.0, "Each"),
    ("MAT-IGNITER", "Hot Surface Igniter", 89.0, 21.0, "Each"),
    ("MAT-FANMOTOR", "Condenser Fan Motor 1/4 HP", 289.0, 96.0, "Each"),
    ("MAT-PEX-FIT", "PEX Fittings Kit", 35.0, 9.0, "Each"),
    ("MAT-SUPPLY-LINE", "Braided Supply Line", 24.0, 6.0, "Each"),
)

#: (type, code, name, amountType, amount)
DISCOUNTS_AND_FEES: Final[tuple[tuple[str, str, str, str, float], ...]] = (
    ("Discount", "DSC-MEMBER", "Comfort Club Member Discount", "Percentage", 15.0),
    ("Discount", "DSC-SENIOR", "Senior / Veteran Discount", "Percentage", 10.0),
    ("Discount", "DSC-SPRING", "Spring Heat Pump Promotion", "Fixed", 500.0),
    ("Discount", "DSC-CASH", "Pay-in-Full Discount", "Percentage", 3.0),
    ("Fee", "FEE-AFTERHRS", "After-Hours Service Fee", "Fixed", 150.0),
    ("Fee", "FEE-TRIP", "Trip Charge", "Fixed", 79.0),
    ("Fee", "FEE-FINANCE", "Financing Processing Fee", "Fixed", 49.0),
    ("Fee", "FEE-FUEL", "Fuel Surcharge", "Fixed", 15.0),
)

#: Pricebook categories: (name, categoryType)
PRICEBOOK_CATEGORIES: Final = (
    ("Heating & Cooling Systems", "Services"),
    ("Heat Pumps", "Services"),
    ("Furnaces", "Services"),
    ("Air Conditioners", "Services"),
    ("Water Heaters", "Services"),
    ("Controls & Thermostats", "Services"),
    ("Service & Repair", "Services"),
    ("Maintenance", "Services"),
    ("Energy Audits", "Services"),
    ("Rebates & Credits", "Services"),
    ("Refrigerant & Line Sets", "Materials"),
    ("Electrical", "Materials"),
    ("Filters & IAQ", "Materials"),
    ("Plumbing Parts", "Materials"),
)


@dataclass(frozen=True, slots=True)
class PlanKind:
    """A kind of job: what gets sold, installed and documented."""

    key: str
    job_type: int
    weight: float
    equipment_kinds: tuple[str, ...] = ()
    service_kind: str = "service"
    install: bool = False
    form: int | None = None
    extras: tuple[str, ...] = field(default_factory=tuple)


PLAN_KINDS: Final = (
    PlanKind("heat_pump", 0, 0.16, ("heat_pump", "air_handler"), "install_hp", True, 0),
    PlanKind("furnace", 1, 0.05, ("furnace",), "install_furnace", True, 1),
    PlanKind("ac", 2, 0.05, ("ac", "coil"), "install_ac", True, 1),
    PlanKind("furnace_ac", 3, 0.05, ("furnace", "ac", "coil"), "install_furnace", True, 1),
    PlanKind("mini_split", 4, 0.05, ("mini_split",), "install_ms", True, 3),
    PlanKind("hpwh", 5, 0.06, ("hpwh",), "install_wh", True, 2),
    PlanKind("water_heater", 6, 0.04, ("water_heater",), "install_wh", True, 2),
    PlanKind("thermostat", 7, 0.04, ("thermostat",), "install_tstat", True, None),
    PlanKind("maintenance", 8, 0.18, (), "maintenance", False, 4),
    PlanKind("no_heat", 9, 0.07, (), "repair", False, None),
    PlanKind("no_cool", 10, 0.07, (), "repair", False, None),
    PlanKind("audit", 11, 0.05, (), "audit", False, 5),
    PlanKind("plumbing", 12, 0.07, (), "plumbing", False, None),
    PlanKind("warranty", 13, 0.02, (), "warranty", False, None),
    PlanKind("estimate", 14, 0.04, (), "service", False, None),
)
