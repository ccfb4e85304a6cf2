"""Filing: what AutoFile hands a program and what comes back."""

from autofile.filing.models.batches import BatchPacket, SubmissionBatch
from autofile.filing.models.documents import FilingDocument
from autofile.filing.models.reconciliation import ReconciliationImport, ReconciliationRow
from autofile.filing.models.sheets import (
    UNIT_FIELDS,
    DateFormat,
    SheetColumn,
    SheetField,
    SheetMapping,
)

__all__ = [
    "UNIT_FIELDS",
    "BatchPacket",
    "DateFormat",
    "FilingDocument",
    "ReconciliationImport",
    "ReconciliationRow",
    "SheetColumn",
    "SheetField",
    "SheetMapping",
    "SubmissionBatch",
]
