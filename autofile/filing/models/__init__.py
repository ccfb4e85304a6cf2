"""Filing: what AutoFile hands a program and what comes back."""

from autofile.filing.models.batches import BatchPacket, SubmissionBatch

__all__ = ["BatchPacket", "SubmissionBatch"]
