"""Celery queues by the kind of work, so a person's action never waits behind bulk work.

- ``interactive``: what a person waits for: "Sync now" (its first slice), fetching a
  packet's documents again, write-back of a correction, a rule switched on (its import).
- ``sync``: bulk ServiceTitan traffic: beat-driven syncs, backfills and the continuation
  of any sync that has more pages to read, document fetches of newly imported packets.
- ``validation``: bulk re-validation of packets (program or rule edits, new packets).

Each kind has its own workers (`make demo`, docker-compose), scaled independently; the
interactive ones only ever run short tasks, so they are free when a person acts.
"""

from __future__ import annotations

from typing import Final

INTERACTIVE: Final = "interactive"
SYNC: Final = "sync"
VALIDATION: Final = "validation"
ALL: Final = (INTERACTIVE, SYNC, VALIDATION)

#: Every task and its queue. A task not listed here is a bug (tests/autofile/test_queues.py).
ROUTES: Final[dict[str, str]] = {
    "mirror.sync_connection": SYNC,  # a person's "Sync now" is sent to INTERACTIVE explicitly
    "mirror.sync_due_connections": SYNC,
    "mirror.fetch_packet_documents": SYNC,  # a person's "Fetch again" goes to INTERACTIVE
    "packets.import_rule_history": INTERACTIVE,  # an admin switched a rule on and waits
    "packets.validate_packets": VALIDATION,
    "outbox.deliver": INTERACTIVE,
    "outbox.sweep": INTERACTIVE,  # hands due write-backs out; a few queries
    "outreach.remind": SYNC,  # bulk mail, nobody waits for it
    "notifications.collect": SYNC,  # reads recent events and outbox rows; nobody waits
    "notifications.digest": SYNC,  # bulk mail once a day
    "filing.build_filing_pdf": VALIDATION,  # renders a packet's filing PDF (a second or so)
    "filing.refresh_filing_pdfs": VALIDATION,  # beat: queues the out-of-date filing PDFs
}
