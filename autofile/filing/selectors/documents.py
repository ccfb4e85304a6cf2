"""Reading what a packet files: its documents in the program's order, the entries of its
ZIP, and the state of its filing PDF."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.storage import Storage
from django.db.models import F, Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest

from autofile.accounts.models import Organization, Role
from autofile.filing.archive import archive_name, split_extension, unique_name
from autofile.filing.models import FilingDocument
from autofile.mirror.models import Invoice, JobAttachment
from autofile.packets.models import Packet, PacketDocument, ProgramRequirement
from autofile.packets.services.validation import document_globs, document_matches

IMAGE_EXTENSIONS = (
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".heic",
    ".heif",
    ".webp",
    ".tif",
    ".tiff",
    ".bmp",
)
DOCUMENT_KINDS = (
    ProgramRequirement.Kind.PHOTO,
    ProgramRequirement.Kind.FORM,
    ProgramRequirement.Kind.CERTIFICATE,
    ProgramRequirement.Kind.DOCUMENT,
)


def is_image(name: str, content_type: str) -> bool:
    return (content_type or "").startswith("image/") or name.casefold().endswith(IMAGE_EXTENSIONS)


def is_pdf(name: str, content_type: str) -> bool:
    return content_type == "application/pdf" or name.casefold().endswith(".pdf")


@dataclass(frozen=True)
class SourceFile:
    """One original document of a packet: a job attachment the mirror holds, or a document
    AutoFile holds (a homeowner's upload, a signed form)."""

    name: str
    kind: str
    content_type: str
    file: FieldFile
    size: int | None
    #: What changes when the file does (for the filing PDF's inputs hash).
    identity: str
    origin: str

    @property
    def is_image(self) -> bool:
        return is_image(self.name, self.content_type)

    @property
    def is_pdf(self) -> bool:
        return is_pdf(self.name, self.content_type)

    def open(self) -> IO[bytes]:
        return self.file.storage.open(self.file.name or "", "rb")


def _attachment_source(attachment: JobAttachment) -> SourceFile:
    name = attachment.file_name or posixpath.basename(attachment.file.name)
    return SourceFile(
        name=name,
        kind="photo" if is_image(name, attachment.content_type) else "attachment",
        content_type=attachment.content_type,
        file=attachment.file,
        size=attachment.size,
        identity=f"attachment:{attachment.st_id}:{attachment.file.name}:{attachment.size}",
        origin="ServiceTitan job attachment",
    )


def _document_source(document: PacketDocument) -> SourceFile:
    return SourceFile(
        name=document.name,
        kind=document.kind,
        content_type=document.content_type,
        file=document.file,
        size=document.size,
        identity=f"document:{document.pk}:{document.sha256}:{document.size}",
        origin=document.origin or "held by AutoFile",
    )


def ordered_sources(
    *,
    requirements: Iterable[ProgramRequirement],
    attachments: Iterable[JobAttachment],
    documents: Iterable[PacketDocument],
) -> list[SourceFile]:
    """The packet's stored files in the order the program lists its documents: those each
    document requirement matches (by its file name pattern, in the requirements' order),
    then the rest in the order they came. Attachments not downloaded yet are left out."""
    pool = [_attachment_source(a) for a in attachments if a.file]
    pool += [_document_source(d) for d in documents if d.file]
    placed: list[SourceFile] = []
    seen: set[str] = set()
    for requirement in requirements:
        if requirement.kind not in DOCUMENT_KINDS:
            continue
        globs = document_globs(requirement.pattern)
        for source in pool:
            if source.identity in seen or not document_matches(source.name, globs):
                continue
            if requirement.kind == ProgramRequirement.Kind.PHOTO and not source.is_image:
                continue
            seen.add(source.identity)
            placed.append(source)
    placed += [s for s in pool if s.identity not in seen]
    return placed


def document_requirements(program_id: int, organization_id: int) -> list[ProgramRequirement]:
    return list(
        ProgramRequirement.objects.filter(
            organization_id=organization_id, program_id=program_id, kind__in=DOCUMENT_KINDS
        ).order_by("position", "id")
    )


def packet_sources(packet: Packet) -> list[SourceFile]:
    """The packet's original documents, in the program's order (three queries)."""
    job = packet.job
    return ordered_sources(
        requirements=document_requirements(packet.program_id, packet.organization_id),
        attachments=JobAttachment.objects.filter(
            organization_id=packet.organization_id,
            connection_id=job.connection_id,
            job_st_id=job.st_id,
            active=True,
        ).exclude(file=""),
        documents=PacketDocument.objects.filter(
            organization_id=packet.organization_id, packet_id=packet.pk
        ),
    )


# --- the packet's ZIP


@dataclass(frozen=True)
class ArchiveEntry:
    """One file of a packet's ZIP: its name in the archive (the program's pattern) and
    where its bytes are. `kind` is "packet" for the filing PDF, else the document's kind."""

    name: str
    storage: Storage
    storage_name: str
    size: int | None
    kind: str
    source_name: str

    def open(self) -> IO[bytes]:
        return self.storage.open(self.storage_name, "rb")


def _archive_packet(packet: Packet) -> Packet:
    """The packet with what its files' names are made of (one query)."""
    return (
        Packet.objects.select_related("job", "job__customer", "program", "filing_document")
        .filter(organization_id=packet.organization_id, pk=packet.pk)
        .get()
    )


def name_values(packet: Packet, invoice_number: str) -> dict[str, Any]:
    job = packet.job
    return {
        "job_number": job.job_number or f"job-{job.st_id}",
        "packet_id": packet.pk,
        "program": packet.program.name,
        "customer": job.customer.name if job.customer is not None else "",
        "invoice_number": invoice_number,
        "confirmation_number": packet.confirmation_number,
    }


def _invoice_number(packet: Packet) -> str:
    job = packet.job
    invoice = (
        Invoice.objects.filter(
            organization_id=packet.organization_id,
            connection_id=job.connection_id,
            job_st_id=job.st_id,
            active=True,
        )
        .order_by("adjustment_to_st_id", "invoice_date", "st_id")
        .only("reference_number", "st_id")
        .first()
    )
    if invoice is None:
        return ""
    return invoice.reference_number or str(invoice.st_id)


def packet_archive_entries(packet: Packet) -> Iterator[ArchiveEntry]:
    """The files of a packet's ZIP, each named by its program's `document_name_pattern`:
    first the filing PDF (when one is built), then every original document in the order
    the program lists its documents. Names are unique within the packet. Reads a fixed
    number of queries (five), whatever the number of files; opens no file."""
    packet = _archive_packet(packet)
    pattern = packet.program.document_name_pattern
    values = name_values(packet, _invoice_number(packet))
    taken: set[str] = set()
    n = 0
    filing = getattr(packet, "filing_document", None)
    if filing is not None and filing.file:
        n += 1
        name = archive_name(pattern, {**values, "document": "packet", "kind": "packet", "n": n})
        yield ArchiveEntry(
            name=unique_name(name, taken),
            storage=filing.file.storage,
            storage_name=filing.file.name or "",
            size=filing.size or None,
            kind="packet",
            source_name=posixpath.basename(filing.file.name or ""),
        )
    for source in packet_sources(packet):
        n += 1
        stem, extension = split_extension(source.name)
        if not extension and source.is_pdf:
            extension = ".pdf"
        name = archive_name(
            pattern,
            {**values, "document": stem, "kind": source.kind, "n": n},
            extension=extension,
        )
        yield ArchiveEntry(
            name=unique_name(name, taken),
            storage=source.file.storage,
            storage_name=source.file.name or "",
            size=source.size,
            kind=source.kind,
            source_name=source.name,
        )


def packet_zip_name(packet: Packet) -> str:
    """The download name of a packet's ZIP: the pattern's name for the packet, as .zip."""
    packet = _archive_packet(packet)
    values = name_values(packet, "")
    pattern = packet.program.document_name_pattern
    return archive_name(
        pattern, {**values, "document": "documents", "kind": "zip", "n": 0}, extension=".zip"
    )


def packet_pdf_name(packet: Packet) -> str:
    """The download name of a packet's filing PDF: the pattern's name for the packet."""
    packet = _archive_packet(packet)
    values = name_values(packet, "")
    pattern = packet.program.document_name_pattern
    return archive_name(pattern, {**values, "document": "packet", "kind": "packet", "n": 1})


# --- the filing PDF's state


def filing_document_get(*, organization: Organization, packet_id: int) -> FilingDocument | None:
    return FilingDocument.objects.filter(organization=organization, packet_id=packet_id).first()


def changed_since_check() -> Q:
    """FilingDocument rows whose packet, program or organization changed after the PDF's
    inputs were last checked (or never checked)."""
    return (
        Q(checked_at__isnull=True)
        | Q(checked_at__lt=F("packet__updated_at"))
        | Q(checked_at__lt=F("packet__inputs_changed_at"))
        | Q(checked_at__lt=F("packet__program__updated_at"))
        | Q(checked_at__lt=F("organization__updated_at"))
    )


def stale_filing_documents() -> QuerySet[FilingDocument]:
    """PDFs to look at again: changed since last checked, and no rebuild queued since."""
    return FilingDocument.objects.filter(changed_since_check()).exclude(
        Q(requested_at__isnull=False)
        & (Q(checked_at__isnull=True) | Q(requested_at__gt=F("checked_at")))
    )


class FilingState:
    MISSING = "missing"  # never built
    BUILDING = "building"  # a build is queued or running
    STALE = "stale"  # something it shows changed: the sweeper queues a rebuild
    FAILED = "failed"  # the last build failed and nothing was built before
    CURRENT = "current"


def filing_state(filing: FilingDocument | None, packet: Packet, organization: Organization) -> str:
    if filing is None:
        return FilingState.MISSING
    if filing.is_queued:
        return FilingState.BUILDING
    if not filing.file:
        return FilingState.FAILED if filing.last_error else FilingState.MISSING
    changed = [
        packet.updated_at,
        packet.inputs_changed_at,
        packet.program.updated_at,
        organization.updated_at,
    ]
    checked = filing.checked_at
    if checked is None or any(when is not None and when > checked for when in changed):
        return FilingState.STALE
    return FilingState.CURRENT


WORKER_ROLES = (Role.QA, Role.ADMIN)


def packet_panel(request: HttpRequest, packet: Packet) -> dict[str, Any] | None:
    """The packet page's "Filing packet" panel (review's registry calls this): one query."""
    organization: Organization = request.organization  # type: ignore[attr-defined]
    role = request.membership.role  # type: ignore[attr-defined]
    filing = filing_document_get(organization=organization, packet_id=packet.pk)
    return {
        "packet": packet,
        "filing": filing,
        "state": filing_state(filing, packet, organization),
        "can_build": role in WORKER_ROLES,
    }
