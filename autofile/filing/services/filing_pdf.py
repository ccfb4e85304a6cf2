"""Building a packet's filing PDF: queued when asked for or when what it shows changed,
built by a worker, stored through Django's storage; unchanged inputs are not rebuilt."""

from __future__ import annotations

import logging
import time

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from autofile.filing.models import FilingDocument
from autofile.filing.pdf import render_filing_pdf
from autofile.filing.selectors.documents import stale_filing_documents
from autofile.filing.selectors.filing_pdf import filing_data
from autofile.packets.models import Packet, PacketStatus

logger = logging.getLogger(__name__)

#: Packets that get their filing PDF without anyone asking: ready to file or filed.
FILING_STATUSES = (PacketStatus.READY, PacketStatus.SUBMITTED)


def _enqueue(packet_ids: list[int]) -> None:
    from autofile.filing.tasks import build_filing_pdf

    def send() -> None:
        for packet_id in packet_ids:
            build_filing_pdf.delay(packet_id)

    if packet_ids:
        transaction.on_commit(send)


def filing_pdf_request(*, packet: Packet) -> FilingDocument:
    """Queue a (re)build of the packet's filing PDF (once: a queued build is not queued
    again)."""
    now = timezone.now()
    with transaction.atomic():
        filing, _ = FilingDocument.objects.select_for_update().get_or_create(
            packet=packet, defaults={"organization_id": packet.organization_id}
        )
        if not filing.is_queued:
            filing.requested_at = now
            filing.save(update_fields=["requested_at", "updated_at"])
            _enqueue([packet.pk])
    return filing


def filing_pdf_build(*, packet_id: int, force: bool = False) -> FilingDocument | None:
    """Build the packet's filing PDF if what it shows changed since it was built (or
    `force`); idempotent. The inputs are read before rendering and `checked_at` is that
    moment, so a change made while rendering queues another build."""
    packet = Packet.objects.filter(pk=packet_id).select_related("program").first()
    if packet is None:
        return None
    filing, _ = FilingDocument.objects.get_or_create(
        packet=packet, defaults={"organization_id": packet.organization_id}
    )
    read_at = timezone.now()
    started = time.perf_counter()
    data = filing_data(packet)
    digest = data.inputs_hash()
    if filing.file and filing.inputs_hash == digest and not force:
        FilingDocument.objects.filter(pk=filing.pk).update(checked_at=read_at, last_error="")
        filing.checked_at = read_at
        return filing
    try:
        rendered = render_filing_pdf(data)
    except Exception as exc:  # a bug in our code: logged with its traceback, shown
        logger.exception("filing PDF of packet %s failed", packet_id)
        FilingDocument.objects.filter(pk=filing.pk).update(
            checked_at=read_at, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    old_name = filing.file.name if filing.file else ""
    job_number = packet.job.job_number if packet.job_id else str(packet.pk)
    filing.file.save(f"filing-packet-{job_number}.pdf", ContentFile(rendered.pdf), save=False)
    filing.size = len(rendered.pdf)
    filing.page_count = rendered.page_count
    filing.inputs_hash = digest
    filing.built_at = timezone.now()
    filing.checked_at = read_at
    filing.build_seconds = round(time.perf_counter() - started, 3)
    filing.problems = [{"name": p.name, "problem": p.problem} for p in rendered.problems]
    filing.last_error = ""
    filing.save(
        update_fields=[
            "file",
            "size",
            "page_count",
            "inputs_hash",
            "built_at",
            "checked_at",
            "build_seconds",
            "problems",
            "last_error",
            "updated_at",
        ]
    )
    if old_name and old_name != filing.file.name:
        filing.file.storage.delete(old_name)
    return filing


def filing_pdfs_refresh() -> int:
    """Beat's tick: queue a rebuild of every PDF whose packet, program or organization
    changed since it was checked, and a first build for packets ready to file that have
    none. Returns how many were queued."""
    now = timezone.now()
    stale = list(stale_filing_documents().values_list("pk", "packet_id")[:500])
    missing = list(
        Packet.objects.filter(status__in=FILING_STATUSES)
        .filter(~Exists(FilingDocument.objects.filter(packet_id=OuterRef("pk"))))
        .values_list("pk", "organization_id")[:500]
    )
    with transaction.atomic():
        FilingDocument.objects.bulk_create(
            [
                FilingDocument(organization_id=org, packet_id=pk, requested_at=now)
                for pk, org in missing
            ],
            ignore_conflicts=True,
        )
        FilingDocument.objects.filter(pk__in=[pk for pk, _ in stale]).update(requested_at=now)
        _enqueue([packet_id for _, packet_id in stale] + [pk for pk, _ in missing])
    return len(stale) + len(missing)
