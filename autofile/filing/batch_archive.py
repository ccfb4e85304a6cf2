"""A batch's ZIP: the bulk sheet, then every packet's filing PDF and documents in a folder
of its own, streamed block by block (never the whole archive, nor a whole file, in memory).

Each packet's files and their names come from `packet_archive_entries` (the program's
naming pattern, the filing PDF first, documents in the order the program lists them);
the archive is written by `archive.zip_stream`, where a file that cannot be read becomes
"<name>.not-included.txt" saying so, never a broken archive.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import IO

from autofile.filing import sheets
from autofile.filing.archive import clean_part
from autofile.filing.models import SubmissionBatch
from autofile.filing.selectors import sheets as sheet_selectors
from autofile.filing.selectors.documents import packet_archive_entries
from autofile.packets.models import Packet


class BatchEntry:
    """A file of the batch's ZIP: its name there, and how to open its bytes."""

    def __init__(self, name: str, opener: Callable[[], IO[bytes]]) -> None:
        self._name = name
        self._opener = opener

    @property
    def name(self) -> str:
        return self._name

    def open(self) -> IO[bytes]:
        return self._opener()


def packet_folder(position: int, packet: Packet) -> str:
    return f"{position:04d}_{clean_part(packet.job.job_number) or 'job'}_packet-{packet.pk}"


def _sheet_opener(batch: SubmissionBatch, ids: list[int], kind: str) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        sheet = sheet_selectors.sheet_for(program=batch.program)
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


def batch_archive_entries(*, batch: SubmissionBatch) -> Iterator[BatchEntry]:
    """The batch's bulk sheet (CSV and XLSX), then each packet's files under
    "<position>_<job number>_packet-<id>/", in the batch's order. Packets are read one at a
    time as the archive is written (a fixed number of queries each)."""
    entries = list(batch.entries.select_related("packet", "packet__job").order_by("position"))
    ids = [entry.packet_id for entry in entries]
    yield BatchEntry(f"{batch.reference}-bulk-sheet.csv", _sheet_opener(batch, ids, "csv"))
    yield BatchEntry(f"{batch.reference}-bulk-sheet.xlsx", _sheet_opener(batch, ids, "xlsx"))
    for entry in entries:
        folder = packet_folder(entry.position, entry.packet)
        for item in packet_archive_entries(entry.packet):
            yield BatchEntry(f"{folder}/{item.name}", item.open)
