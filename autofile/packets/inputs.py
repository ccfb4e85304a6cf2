"""Which mirrored resources rules and packets read.

PacketsConfig.ready() registers `packets_mirror_changed` with the mirror's hooks for
each of these resources (autofile/mirror/hooks.py).
"""

from __future__ import annotations

#: Resources whose changes can make a job match an import rule.
IMPORT_INPUTS = frozenset({"jobs", "invoices", "invoice-items", "estimates"})

#: Resources read for the jobs of packets only (their documents), a job at a time.
PER_JOB_INPUTS = frozenset({"form-submissions", "job-attachments"})

#: Resources whose rows belong to jobs: rules and packets follow them through their jobs.
JOB_INPUTS = frozenset(
    {
        "jobs",
        "invoices",
        "invoice-items",
        "estimates",
        "estimate-items",
        "payments",
        "form-submissions",
        "job-attachments",
    }
)

#: Resources a packet's validation reads: their changes re-validate the packets concerned.
VALIDATION_INPUTS = JOB_INPUTS | {
    "customers",
    "customer-contacts",
    "locations",
    "location-contacts",
    "installed-equipment",
    "equipment",
    "service-agreements",
}

#: Every resource AutoFile's packets follow.
PACKET_INPUTS = IMPORT_INPUTS | VALIDATION_INPUTS
