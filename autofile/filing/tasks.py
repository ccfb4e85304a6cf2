"""Celery tasks of filing: thin wrappers over the services."""

from __future__ import annotations

from celery import shared_task

from autofile.filing.services import filing_pdf


@shared_task(name="filing.build_filing_pdf", queue="validation", acks_late=True)
def build_filing_pdf(packet_id: int) -> int | None:
    """Build one packet's filing PDF (idempotent: unchanged inputs are not rebuilt)."""
    filing = filing_pdf.filing_pdf_build(packet_id=packet_id)
    return filing.page_count if filing is not None else None


@shared_task(name="filing.refresh_filing_pdfs", queue="validation")
def refresh_filing_pdfs() -> int:
    """Beat's tick: queue the PDFs that are out of date or missing."""
    return filing_pdf.filing_pdfs_refresh()
