"""Files a homeowner uploads: the type is read from the bytes (never the name or the
browser's word), HEIC photos become JPEG, and anything else is refused."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import filetype
from django.conf import settings

ALLOWED = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
HEIC = {"image/heic", "image/heif", "image/avif"}
IMAGE_TYPES = {"image/jpeg", "image/png"}


class UploadRefused(Exception):
    """The file cannot be taken; the message says why, for the homeowner."""


@dataclass(frozen=True)
class Upload:
    content: bytes
    content_type: str
    extension: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES


def max_bytes() -> int:
    return int(getattr(settings, "OUTREACH_UPLOAD_MAX_BYTES", 15 * 1024 * 1024))


def _heic_to_jpeg(content: bytes) -> bytes:
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    with Image.open(io.BytesIO(content)) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=88)
    return out.getvalue()


def upload_read(content: bytes, *, images_only: bool = False) -> Upload:
    """The upload as AutoFile keeps it, or UploadRefused."""
    limit = max_bytes()
    if not content:
        raise UploadRefused("The file is empty. Choose the file again.")
    if len(content) > limit:
        raise UploadRefused(
            f"The file is too large ({len(content) / 1_048_576:.1f} MB); "
            f"the limit is {limit // 1_048_576} MB."
        )
    kind = filetype.guess(content)
    mime = kind.mime if kind is not None else ""
    if mime in HEIC:
        try:
            content = _heic_to_jpeg(content)
        except Exception as exc:
            raise UploadRefused("This photo could not be read. Try a JPEG or PNG.") from exc
        mime = "image/jpeg"
    if mime not in ALLOWED or (images_only and mime not in IMAGE_TYPES):
        wanted = (
            "a photo (JPEG, PNG or HEIC)" if images_only else "a PDF or a photo (JPEG, PNG, HEIC)"
        )
        raise UploadRefused(f"This kind of file cannot be used. Please upload {wanted}.")
    return Upload(content=content, content_type=mime, extension=ALLOWED[mime])
