"""Small but real files for job attachments: PNG, baseline JPEG and PDF, built in code.

Every file opens in an ordinary viewer: the PNG is a zlib-compressed RGB image with valid CRCs,
the JPEG a baseline 8x8 grey image with its own quantisation and Huffman tables, the PDF has a
correct cross-reference table. Contents vary with ``key`` so files are distinguishable.
Nameplate photos are drawn (Pillow) as the label a technician photographs: brand, model and
serial readable, so pages and the filing PDF show something a person recognises.
"""

from __future__ import annotations

import io
import struct
import zlib
from functools import lru_cache

from integrations.servicetitan.simulator.rng import Rng

CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "pdf": "application/pdf",
}


def content_type(file_name: str) -> str:
    extension = file_name.rsplit(".", 1)[-1].lower()
    return CONTENT_TYPES.get(extension, "application/octet-stream")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(key: int, width: int = 32, height: int = 24) -> bytes:
    """An RGB PNG: a two-colour diagonal gradient picked from ``key``."""
    rng = Rng(key)
    r, g, b = rng.below(200) + 30, rng.below(200) + 30, rng.below(200) + 30
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            shade = (x + y) * 255 // (width + height)
            rows.extend(((r + shade) % 256, (g + shade // 2) % 256, (b + 255 - shade) % 256))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _png_chunk(b"IEND", b"")
    )


def jpeg(key: int) -> bytes:
    """A baseline JPEG of one 8x8 grey block.

    One DC coefficient (category 0 → mid grey after the level shift) and an immediate
    end-of-block; Huffman tables hold exactly the symbols used. ``key`` goes into a COM
    segment so files differ.
    """
    soi = b"\xff\xd8"
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    comment = f"AutoFile simulator photo {key}".encode("ascii")
    com = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes([1] * 64)
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 8, 8, 1) + b"\x01\x11\x00"
    # DC table 0: one code of length 1 for symbol 0 (category 0).
    dht_dc = b"\xff\xc4" + struct.pack(">H", 20) + b"\x00" + bytes([1] + [0] * 15) + b"\x00"
    # AC table 0: one code of length 1 for symbol 0x00 (end of block).
    dht_ac = b"\xff\xc4" + struct.pack(">H", 20) + b"\x10" + bytes([1] + [0] * 15) + b"\x00"
    sos = b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00" + b"\x00\x3f\x00"
    # Bits: DC "0", AC EOB "0", padded with ones → 0b00111111.
    scan = b"\x3f"
    eoi = b"\xff\xd9"
    return soi + app0 + com + dqt + sof0 + dht_dc + dht_ac + sos + scan + eoi


@lru_cache(maxsize=256)
def nameplate_jpeg(manufacturer: str, model: str, serial: str, rating: str, key: int) -> bytes:
    """A 480x300 photo of an equipment nameplate: a brushed-metal plate with the brand, the
    model and serial numbers and the rating line, slightly off-square like a phone photo."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rng = Rng(key)
    wall = (70 + rng.below(40), 74 + rng.below(40), 80 + rng.below(40))
    photo = Image.new("RGB", (480, 300), wall)
    plate = Image.new("RGB", (440, 250), (206, 208, 210))
    draw = ImageDraw.Draw(plate)
    for y in range(0, 250, 3):  # brushed metal
        shade = 196 + (y * 7 + key) % 18
        draw.line([(0, y), (440, y)], fill=(shade, shade + 2, shade + 4))
    draw.rectangle([4, 4, 435, 245], outline=(60, 60, 64), width=3)
    big, mid, small = (ImageFont.load_default(size=n) for n in (30, 20, 15))
    ink = (24, 24, 28)
    draw.text((20, 16), manufacturer.upper(), font=big, fill=ink)
    draw.line([(20, 58), (420, 58)], fill=ink, width=2)
    draw.text((20, 72), "MODEL NO.", font=small, fill=ink)
    draw.text((20, 90), model, font=mid, fill=ink)
    draw.text((20, 124), "SERIAL NO.", font=small, fill=ink)
    draw.text((20, 142), serial, font=mid, fill=ink)
    draw.text((20, 180), rating[:52], font=small, fill=ink)
    draw.text((20, 210), "208/230 V  1 PH  60 Hz   R-454B", font=small, fill=ink)
    angle = (rng.below(50) - 25) / 10
    plate = plate.rotate(angle, expand=True, fillcolor=wall, resample=Image.Resampling.BICUBIC)
    photo.paste(plate, ((480 - plate.width) // 2, (300 - plate.height) // 2))
    out = io.BytesIO()
    photo.filter(ImageFilter.SMOOTH).save(out, "JPEG", quality=80)
    return out.getvalue()


def pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF 1.4 with Helvetica text and a valid xref table."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content_lines = [f"BT /F1 16 Tf 72 740 Td ({escape(title)}) Tj ET"]
    y = 710
    for line in lines:
        content_lines.append(f"BT /F1 11 Tf 72 {y} Td ({escape(line)}) Tj ET")
        y -= 18
    stream = "\n".join(content_lines).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode()
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def render(file_name: str, key: int, lines: list[str]) -> bytes:
    """The bytes of an attachment called ``file_name``."""
    kind = file_name.rsplit(".", 1)[-1].lower()
    if kind == "png":
        return png(key)
    if kind in ("jpg", "jpeg"):
        return jpeg(key)
    if kind == "pdf":
        return pdf(file_name.rsplit(".", 1)[0].replace("-", " ").title(), lines)
    return f"Attachment {file_name}\n".encode()
