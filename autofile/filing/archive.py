"""ZIP archives of filing documents: each file named by the program's pattern, written
entry by entry in small blocks so no archive is ever held in memory whole.

`zip_stream(entries)` yields the archive's bytes as they are made (for a streaming HTTP
response); `write_zip(entries, fileobj)` writes them to a file (a temporary file, a
storage file). Entries are anything with a `name` and an `open()` returning a binary file:
`autofile.filing.selectors.ArchiveEntry` for a packet's documents.
"""

from __future__ import annotations

import posixpath
import re
import time
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any, Protocol

from autofile.packets.models.programs import DEFAULT_DOCUMENT_NAME_PATTERN

#: Files already compressed (photos, PDFs, archives): stored as they are in the ZIP.
COMPRESSED = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".pdf", ".zip", ".xlsx", ".docx")
#: Bytes read from a source (and written to the archive) at a time.
BLOCK = 64 * 1024
MAX_STEM = 150
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Entry(Protocol):
    @property
    def name(self) -> str: ...

    def open(self) -> IO[bytes]: ...


def clean_part(value: object) -> str:
    """A value as it may stand in a file name: letters, digits, dot, dash, underscore."""
    text = _UNSAFE.sub("-", str(value or "").strip())
    return re.sub(r"-{2,}", "-", text).strip("-._")


def split_extension(file_name: str) -> tuple[str, str]:
    """("photo", ".jpg") for "photo.JPG"; no extension gives ""."""
    stem, extension = posixpath.splitext(posixpath.basename(file_name.replace("\\", "/")))
    if not stem or len(extension) > 10 or not extension[1:].isalnum():
        return file_name, ""
    return stem, extension.lower()


def archive_name(pattern: str, values: Mapping[str, object], *, extension: str = ".pdf") -> str:
    """The file name `pattern` makes for a file: the fields filled in (each made safe for a
    file name) and the file's own `extension` in place of the pattern's ("photo.jpg" keeps
    ".jpg" under "{job_number}_{document}.pdf")."""
    pattern = pattern or DEFAULT_DOCUMENT_NAME_PATTERN
    cleaned = {key: clean_part(value) for key, value in values.items()}
    try:
        name = pattern.format_map(_Blank(cleaned))
    except (ValueError, IndexError):  # a pattern saved before validation: the default
        name = DEFAULT_DOCUMENT_NAME_PATTERN.format_map(_Blank(cleaned))
    stem, own = split_extension(name)
    stem = clean_part(stem.replace(" ", "_"))[:MAX_STEM] or "document"
    return f"{stem}{extension or own}"


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or "name-2.ext", "name-3.ext"... when a file of the archive has it already."""
    candidate, n = name, 1
    stem, extension = split_extension(name)
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem}-{n}{extension}"
    taken.add(candidate.casefold())
    return candidate


class _Sink:
    """A write-only, unseekable file that keeps what was written until it is taken."""

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


def _missing_note(name: str, error: Exception) -> bytes:
    return (
        f"{name} could not be included in this archive: the stored file could not be read "
        f"({type(error).__name__}: {error}).\n"
    ).encode()


def zip_stream(entries: Iterable[Entry], *, compresslevel: int = 1) -> Iterator[bytes]:
    """The ZIP of `entries`, yielded in blocks as it is written. A source that cannot be
    read becomes "<name>.not-included.txt" saying so, never a broken archive."""
    sink = _Sink()
    with zipfile.ZipFile(
        sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
    ) as archive:  # type: ignore[call-overload]
        for entry in entries:
            try:
                source = entry.open()
            except (OSError, ValueError) as error:
                archive.writestr(f"{entry.name}.not-included.txt", _missing_note(entry.name, error))
                yield sink.take()
                continue
            info = zipfile.ZipInfo(entry.name, date_time=time.localtime()[:6])
            info.external_attr = 0o644 << 16
            if entry.name.lower().endswith(COMPRESSED):
                info.compress_type = zipfile.ZIP_STORED  # deflating them again gains nothing
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                info._compresslevel = compresslevel  # type: ignore[attr-defined]  # as ZipFile sets it
            with source, archive.open(info, "w", force_zip64=True) as target:
                while block := source.read(BLOCK):
                    target.write(block)
                    yield sink.take()
            yield sink.take()
    yield sink.take()


def write_zip(entries: Iterable[Entry], fileobj: IO[bytes]) -> int:
    """Write the ZIP of `entries` to `fileobj`; returns the bytes written."""
    written = 0
    for chunk in zip_stream(entries):
        if chunk:
            fileobj.write(chunk)
            written += len(chunk)
    return written
