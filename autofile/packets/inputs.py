"""Which mirrored resources rules and packets read (no imports: the mirror reads this).

The sync's AFTER_PAGE hooks (autofile/mirror/services.py) call
`autofile.packets.services.packets_mirror_changed` for each of these resources.
"""

from __future__ import annotations

#: Resources whose changes can make a job match an import rule.
IMPORT_INPUTS = frozenset({"jobs", "invoices", "invoice-items", "estimates"})

#: Resources whose rows belong to jobs: rules and packets follow them through their jobs.
JOB_INPUTS = frozenset({"jobs", "invoices", "invoice-items", "estimates", "payments"})

#: Resources a packet's validation reads: their changes re-validate the packets concerned.
VALIDATION_INPUTS = frozenset(
    {
        "jobs",
        "invoices",
        "invoice-items",
        "estimates",
        "payments",
        "customers",
        "customer-contacts",
        "locations",
        "location-contacts",
        "installed-equipment",
        "equipment",
        "service-agreements",
    }
)

#: Every resource AutoFile's packets follow.
PACKET_INPUTS = IMPORT_INPUTS | VALIDATION_INPUTS
