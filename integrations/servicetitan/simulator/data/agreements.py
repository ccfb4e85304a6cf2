"""Service agreements (maintenance memberships sold to customers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from integrations.servicetitan.simulator.data.collections import CREATED, MODIFIED, Record
from integrations.servicetitan.simulator.times import US_PER_DAY, date_only, iso

if TYPE_CHECKING:
    from integrations.servicetitan.simulator.data.tenant import Tenant

_STATUSES = ("Activated", "Activated", "Activated", "Expired", "Canceled", "AutoRenew", "Draft")


def service_agreement(t: Tenant, index: int) -> Record:
    rng = t.rng("service-agreements", index)
    modified = t.modified("service-agreements", index)
    start = modified - rng.between(0, 300) * US_PER_DAY
    start -= start % US_PER_DAY
    known = max(t.customers.first_at_or_after(start), 1)
    customer = rng.below(known)
    locations = t.customer_locations.range_of(customer)
    months = rng.choice((12, 12, 24, 36))
    price = float(rng.choice((179, 199, 249, 299, 349)))
    status = rng.choice(_STATUSES)
    author = t.employee_id(rng)
    record: Record = {
        "id": t.id_of("service-agreements", index),
        "name": rng.choice(("Comfort Club", "Comfort Club Plus", "Water Heater Care Plan")),
        "createdById": author,
        "modifiedById": author,
        "templateFields": {
            "originalTemplateId": 600 + rng.below(3),
            "revenueRecognitionMode": "DeferredStraightLine",
            "generalLedgerAccountId": None,
            "invoiceCancellationMode": "AskToCreateInvoice",
            "billingServiceId": t.id_of("services", 12),
            "billingScheduleType": "Annual",
            "negativeLiabilityServiceId": None,
            "positiveIncomeServiceId": None,
            "defaultLaborCostPerHour": None,
            "defaultExtraTravelCostPerHour": None,
            "defaultPricingStrategy": None,
            "defaultTargetMarginValue": None,
            "defaultTargetMarginValueType": None,
            "defaultFlatPrice": price,
            "defaultMarkupPercentage": None,
            "defaultSurcharge": None,
            "defaultLaborMarkupPercentage": None,
            "defaultMaterialMarkupPercentage": None,
            "defaultLaborSurcharge": None,
            "defaultMaterialSurcharge": None,
            "defaultRateSheetId": None,
            "defaultCampaignId": None,
            "defaultDocumentTemplateId": None,
            "defaultAutoRenew": True,
        },
        "customerId": t.id_of("customers", customer),
        "businessUnitId": t.id_of("business-units", 1),
        "status": status,
        "locationIds": [t.id_of("locations", loc) for loc in locations],
        "origin": "Initial" if rng.chance(0.7) else "AutoRenew",
        "summary": "Two precision tune-ups per year, priority scheduling, 15% off repairs.",
        "importId": None,
        "importedDeferredAmount": 0.0,
        "importedRecognizedAmount": 0.0,
        "durationMonths": months,
        "autoRenew": status == "AutoRenew" or rng.chance(0.5),
        "renewalAgreementId": None,
        # Declared ``format: date`` in ServiceTitan's document: sent as the day, no time.
        "startDate": date_only(start),
        "endDate": date_only(start + months * 30 * US_PER_DAY),
        "billingSchedule": "Annual",
        "paymentTermId": None,
        "paymentMethodId": None,
        "estimatedTravelCost": None,
        "estimatedLaborCost": None,
        "estimatedMaterialCost": None,
        "laborMarkupPercentage": None,
        "materialMarkupPercentage": None,
        "laborSurcharge": 0.0,
        "materialSurcharge": 0.0,
        "totalAgreementPrice": price * months / 12,
        "estimatedGrossMarginAmount": None,
        "estimatedGrossMarginPercentage": None,
        "rateSheetId": None,
        "accountManagerId": None,
        "soldById": None,
        "tagTypeIds": [t.tag_ids["Member"]],
        "customFields": [],
        "active": status not in ("Canceled", "Draft"),
    }
    record[CREATED] = start
    record[MODIFIED] = modified
    record["createdOn"] = iso(start)
    record["modifiedOn"] = iso(modified)
    return record
