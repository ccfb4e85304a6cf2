"""A batch's ZIP: every packet's documents in a folder of its own, plus the bulk sheet,
streamed block by block (never the whole archive, nor a whole file, in memory).

Per packet it holds what AutoFile has of the packet's files: the documents AutoFile holds
(homeowner uploads, signed forms) and the job's ServiceTitan attachments downloaded so far.
A file that cannot be read becomes "<name>.not-included.txt" saying so, never a broken
archive.
"""

from __future__ import annotations

import io
import posixpath
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db.models.fields.files import FieldFile

from autofile.filing import sheets
from autofile.filing.models import SubmissionBatch
from autofile.filing.selectors import sheets as sheet_selectors
from autofile.mirror.models import JobAttachment
from autofile.packets.models import Packet, PacketDocument

#: Bytes read from a source (and written to the archive) at a time.
BLOCK = 256 * 1024
#: Files already compressed: stored as they are (deflating them again costs CPU for nothing).
COMPRESSED = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".pdf", ".zip", ".xlsx", ".docx")
#: Packets whose files are read per round of queries.
CHUNK = 200
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_part(value: object, fallback: str = "file") -> str:
    text = re.sub(r"-{2,}", "-", _UNSAFE.sub("-", str(value or "").strip())).strip("-.")
    return text[:120] or fallback


@dataclass(frozen=True)
class Entry:
    name: str
    open: Callable[[], IO[bytes]]


def _field_opener(file: FieldFile) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        if not file:
            raise FileNotFoundError("not downloaded yet")
        return file.open("rb")

    return opener


def _unique(name: str, taken: set[str]) -> str:
    stem, extension = posixpath.splitext(name)
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem}-{n}{extension}"
    taken.add(candidate.casefold())
    return candidate


def _packet_files(packets: list[Packet]) -> dict[int, list[tuple[str, FieldFile]]]:
    """Each packet's files (name, stored file), read for the chunk at once."""
    files: dict[int, list[tuple[str, FieldFile]]] = {p.pk: [] for p in packets}
    documents = PacketDocument.objects.filter(
        organization_id=packets[0].organization_id, packet_id__any=[p.pk for p in packets]
    ).order_by("packet_id", "created_at", "id")
    for document in documents:
        files[document.packet_id].append((document.name, document.file))
    by_job = {(p.job.connection_id, p.job.st_id): p.pk for p in packets}
    attachments = (
        JobAttachment.objects.filter(
            connection_id__any=sorted({c for c, _ in by_job}),
            job_st_id__any=sorted({j for _, j in by_job}),
            active=True,
        )
        .exclude(file="")
        .only("connection_id", "job_st_id", "file_name", "file", "st_id")
        .order_by("created_on", "st_id")
    )
    for attachment in attachments:
        packet_id = by_job.get((attachment.connection_id, attachment.job_st_id or 0))
        if packet_id is not None:
            name = attachment.file_name or posixpath.basename(attachment.file.name)
            files[packet_id].append((name, attachment.file))
    return files


def batch_archive_entries(*, batch: SubmissionBatch) -> Iterator[Entry]:
    """The batch's bulk sheet (CSV and XLSX), then each packet's files under
    "<position>_<job number>_packet-<id>/", in the batch's order."""
    sheet = sheet_selectors.sheet_for(program=batch.program)
    entries = list(batch.entries.order_by("position").values_list("position", "packet_id"))
    ids = [packet_id for _, packet_id in entries]

    def sheet_file(kind: str) -> Callable[[], IO[bytes]]:
        def opener() -> IO[bytes]:
            rows = sheet_selectors.sheet_rows(
                organization=batch.organization, sheet=sheet, packet_ids=ids
            )
            if kind == "csv":
                text = io.StringIO()
                sheets.write_csv(sheet, rows, text)
                return io.BytesIO(text.getvalue().encode("utf-8-sig"))
            data = io.BytesIO()
            sheets.write_xlsx(sheet, rows, data, title=batch.reference)
            data.seek(0)
            return data

        return opener

    yield Entry(f"{batch.reference}-bulk-sheet.csv", sheet_file("csv"))
    yield Entry(f"{batch.reference}-bulk-sheet.xlsx", sheet_file("xlsx"))
    positions = {packet_id: position for position, packet_id in entries}
    for start in range(0, len(ids), CHUNK):
        chunk = list(
            Packet.objects.filter(
                organization_id=batch.organization_id, pk__any=ids[start : start + CHUNK]
            ).select_related("job")
        )
        if not chunk:
            continue
        chunk.sort(key=lambda p: positions[p.pk])
        files = _packet_files(chunk)
        for packet in chunk:
            folder = (
                f"{positions[packet.pk]:04d}_{safe_part(packet.job.job_number, 'job')}"
                f"_packet-{packet.pk}"
            )
            taken: set[str] = set()
            for name, file in files[packet.pk]:
                yield Entry(f"{folder}/{_unique(safe_part(name), taken)}", _field_opener(file))


class _Sink:
    """A write-only, unseekable file keeping what was written until it is taken."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: Any) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def zip_stream(entries: Iterable[Entry]) -> Iterator[bytes]:
    """The ZIP of `entries`, yielded in blocks as it is written."""
    sink = _Sink()
    target_file: Any = sink
    with zipfile.ZipFile(
        target_file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
    ) as archive:
        for entry in entries:
            try:
                source = entry.open()
            except (OSError, ValueError) as error:
                note = (
                    f"{entry.name} could not be included in this archive: the stored file "
                    f"could not be read ({type(error).__name__}: {error}).\n"
                )
                archive.writestr(f"{entry.name}.not-included.txt", note)
                yield sink.take()
                continue
            info = zipfile.ZipInfo(entry.name, date_time=time.localtime()[:6])
            info.compress_type = (
                zipfile.ZIP_STORED
                if entry.name.lower().endswith(COMPRESSED)
                else zipfile.ZIP_DEFLATED
            )
            info.external_attr = 0o644 << 16
            with source, archive.open(info, "w", force_zip64=True) as target:
                while block := source.read(BLOCK):
                    target.write(block)
                    if chunk := sink.take():
                        yield chunk
            yield sink.take()
    yield sink.take()
