"""The filing PDF, rendered from `FilingData` alone: ReportLab draws the cover sheet, the
itemized invoice, the equipment table, the form answers and the photos; pypdf appends the
attached PDFs in the program's order.

Bad input never fails the export: a file that cannot be read or decoded becomes a page
saying which file could not be included and why; an image in an odd format (HEIC, CMYK,
16-bit, transparent, huge) is converted to a plain RGB JPEG or, past the size limit, listed.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from autofile.filing.selectors.documents import SourceFile
from autofile.filing.selectors.filing_pdf import FilingData, money

#: Images above this many pixels are listed, not decoded (a decompression bomb, a scan
#: at absurd resolution).
MAX_PIXELS = 80_000_000
#: Photos are downscaled to this longest side before embedding (about 215 dpi across the
#: page: nameplates stay readable); JPEGs are decoded at a reduced scale straight away.
MAX_SIDE = 1400
PHOTO_WIDTH = 6.5 * inch
PHOTO_HEIGHT = 4.6 * inch

_heif_registered = False


def _register_heif() -> None:
    global _heif_registered
    if not _heif_registered:
        import pillow_heif

        pillow_heif.register_heif_opener()
        _heif_registered = True


@dataclass
class Problem:
    name: str
    problem: str


@dataclass
class Rendered:
    pdf: bytes
    page_count: int
    problems: list[Problem] = field(default_factory=list)


_styles = getSampleStyleSheet()
TITLE = _styles["Title"]
H2 = _styles["Heading2"]
H3 = _styles["Heading3"]
BODY = _styles["BodyText"]
CELL = ParagraphStyle("cell", parent=BODY, fontSize=8, leading=10)
CELL_BOLD = ParagraphStyle("cellbold", parent=CELL, fontName="Helvetica-Bold")
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10, textColor=colors.grey)

GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
    ]
)


def _p(text: object, style: ParagraphStyle = CELL) -> Paragraph:
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def _table(rows: Sequence[Sequence[object]], widths: list[float], header: bool = True) -> Table:
    cells = [
        [_p(value, CELL_BOLD if header and n == 0 else CELL) for value in row]
        for n, row in enumerate(rows)
    ]
    table = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
    table.setStyle(GRID)
    return table


def _cover(data: FilingData) -> list[Flowable]:
    story: list[Flowable] = [Paragraph(escape(data.title), TITLE), Paragraph("Cover sheet", H2)]
    rows = [[label, value] for label, value in data.cover]
    cover = Table(
        [[_p(label, CELL_BOLD), _p(value)] for label, value in rows],
        colWidths=[2.0 * inch, 4.5 * inch],
    )
    cover.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]))
    story.append(cover)
    story.append(Paragraph("Measures", H3))
    if data.measures:
        story.append(
            _table(
                [["Measure", "Amount"], *[[m, a] for m, a in data.measures]],
                [4.5 * inch, 2.0 * inch],
            )
        )
    else:
        story.append(_p("No measure of the program matched the installed equipment.", BODY))
    return story


def _invoice(data: FilingData) -> list[Flowable]:
    story: list[Flowable] = [
        PageBreak(),
        Paragraph("Itemized invoice", H2),
        _p(
            f"Invoice {data.invoice_number or '(none)'} dated {data.invoice_date or '(no date)'}",
            BODY,
        ),
        Spacer(1, 6),
    ]
    labels = {
        "equipment": "Equipment",
        "labour": "Labour",
        "material": "Material",
        "other": "Other",
        "incentive": "Incentive",
    }
    order = list(labels)
    lines = sorted(data.lines, key=lambda line: order.index(line.kind))
    rows: list[list[object]] = [["Type", "Description", "Qty", "Unit price", "Total"]]
    rows += [
        [
            labels[line.kind],
            line.description,
            line.quantity,
            money(line.unit_price),
            money(line.total),
        ]
        for line in lines
    ]
    if len(rows) == 1:
        rows.append(["", "No invoice items", "", "", ""])
    story.append(_table(rows, [0.9 * inch, 3.2 * inch, 0.5 * inch, 0.95 * inch, 0.95 * inch]))
    if data.incentive_line_required and not any(line.kind == "incentive" for line in lines):
        story.append(
            _p(
                "The program requires the incentive as its own invoice line: the invoice has none.",
                BODY,
            )
        )
    story += [Spacer(1, 8), Paragraph("Totals", H3)]
    story.append(
        _table(
            [["", "Amount"], *[[label, money(value)] for label, value in data.totals]],
            [4.6 * inch, 1.9 * inch],
        )
    )
    story.append(Paragraph("Payments", H3))
    if data.payments:
        story.append(
            _table(
                [["Date", "Payment", "Amount"], *[[d, w, money(a)] for d, w, a in data.payments]],
                [1.5 * inch, 3.1 * inch, 1.9 * inch],
            )
        )
    else:
        story.append(_p("No payment recorded.", BODY))
    return story


def _equipment(data: FilingData) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), Paragraph("Equipment", H2)]
    rows: list[list[object]] = [
        [
            "Manufacturer",
            "Outdoor model",
            "Outdoor serial",
            "Indoor model",
            "Indoor serial",
            "AHRI ref.",
            "Certified ratings",
        ]
    ]
    for row in data.equipment:
        ratings = "\n".join(f"{name} {value}" for name, value in row.ratings.items())
        rows.append(
            [
                row.manufacturer,
                row.outdoor_model,
                row.outdoor_serial,
                row.indoor_model,
                row.indoor_serial,
                row.ahri_reference_number,
                ratings or row.note,
            ]
        )
    if len(rows) == 1:
        rows.append(["No equipment installed on the job", "", "", "", "", "", ""])
    story.append(
        _table(
            rows,
            [1.0 * inch, 1.0 * inch, 0.9 * inch, 1.0 * inch, 0.9 * inch, 0.75 * inch, 1.15 * inch],
        )
    )
    return story


def _forms(data: FilingData) -> list[Flowable]:
    if not data.forms:
        return []
    story: list[Flowable] = [PageBreak(), Paragraph("Form answers", H2)]
    for form in data.forms:
        story.append(Paragraph(escape(form.title), H3))
        story.append(_p(f"{form.status or 'Submitted'} {form.submitted_on}".strip(), SMALL))
        for title, answers in form.sections:
            if title:
                story.append(_p(title, CELL_BOLD))
            if answers:
                story.append(
                    _table([[q, a] for q, a in answers], [3.0 * inch, 3.5 * inch], header=False)
                )
            story.append(Spacer(1, 4))
    return story


def _not_included(name: str, problem: str) -> list[Flowable]:
    return [
        PageBreak(),
        Paragraph("File not included", H2),
        _p(f"{name} could not be included in this packet: {problem}", BODY),
        _p("The original is kept in AutoFile; check it and attach it again.", SMALL),
    ]


def image_jpeg(source: SourceFile) -> tuple[bytes, int, int]:
    """The image as a baseline RGB JPEG no larger than MAX_SIDE, and its size.

    Raises ValueError with a reason a person understands when it cannot be used."""
    _register_heif()
    with source.open() as handle:
        raw = handle.read()
    try:
        with PILImage.open(io.BytesIO(raw)) as opened:
            image: PILImage.Image = opened
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValueError(
                    f"the image is {width} x {height} pixels, too large to embed; "
                    "it is in the ZIP as it is"
                )
            if image.format == "JPEG":
                image.draft("RGB", (MAX_SIDE, MAX_SIDE * 3 // 4))
            image.load()
            if image.mode in ("RGBA", "LA", "P", "PA"):
                image = image.convert("RGBA")
                flat = PILImage.new("RGB", image.size, "white")
                flat.paste(image, mask=image.getchannel("A"))
                image = flat
            elif image.mode.startswith("I;16") or image.mode in ("I", "F"):
                image = image.convert("I").point(lambda v: v / 256).convert("RGB")
            elif image.mode != "RGB":
                image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE), reducing_gap=2.0)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=82)
            return out.getvalue(), image.width, image.height
    except PILImage.DecompressionBombError as exc:
        raise ValueError("the image is too large to embed; it is in the ZIP as it is") from exc
    except (OSError, SyntaxError) as exc:
        raise ValueError(f"it is not an image that can be read ({exc})") from exc


def _converted(source: SourceFile) -> tuple[bytes, int, int] | str:
    """The image converted for embedding, or why it cannot be."""
    try:
        return image_jpeg(source)
    except (ValueError, OSError) as exc:
        return str(exc)


def _photos(sources: list[SourceFile], problems: list[Problem]) -> list[Flowable]:
    images = [s for s in sources if s.is_image]
    if not images:
        return []
    story: list[Flowable] = [PageBreak(), Paragraph("Photos", H2)]
    # Pillow lets go of the GIL while it decodes and encodes: convert side by side.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        converted = list(pool.map(_converted, images))
    for source, result in zip(images, converted, strict=True):
        if isinstance(result, str):
            problems.append(Problem(source.name, result))
            story += _not_included(source.name, result)
            continue
        data, width, height = result
        scale = min(PHOTO_WIDTH / width, PHOTO_HEIGHT / height)
        picture = Image(io.BytesIO(data), width=width * scale, height=height * scale)
        caption = _p(f"{source.name} · {source.origin}", SMALL)
        story.append(KeepTogether([picture, caption, Spacer(1, 10)]))
    return story


def _documents_index(sources: list[SourceFile]) -> list[Flowable]:
    if not sources:
        return []
    rows: list[list[object]] = [["#", "Document", "Kind", "Where"]]
    for n, source in enumerate(sources, 1):
        where = (
            "photo pages"
            if source.is_image
            else "merged after these pages"
            if source.is_pdf
            else "in the ZIP only"
        )
        rows.append([n, source.name, source.kind.replace("_", " "), where])
    return [
        Paragraph("Documents, in the program's order", H3),
        _table(rows, [0.3 * inch, 3.2 * inch, 1.3 * inch, 1.7 * inch]),
    ]


def _story_pdf(story: list[Flowable], title: str) -> bytes:
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=letter,
        title=title,
        author="AutoFile",
        leftMargin=0.9 * inch,
        rightMargin=0.9 * inch,
        topMargin=0.8 * inch,
        bottomMargin=0.8 * inch,
    )
    document.build(story)
    return out.getvalue()


def render_filing_pdf(data: FilingData) -> Rendered:
    """The whole filing PDF and the files it could not include."""
    problems: list[Problem] = []
    story = _cover(data) + _documents_index(data.sources)
    story += _invoice(data) + _equipment(data) + _forms(data)
    story += _photos(data.sources, problems)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(_story_pdf(story, data.title))))
    for source in data.sources:
        if source.is_image or not source.is_pdf:
            continue
        try:
            with source.open() as handle:
                reader = PdfReader(io.BytesIO(handle.read()))
                if reader.is_encrypted:
                    reader.decrypt("")
                pages = list(reader.pages)
                if not pages:
                    raise ValueError("the PDF has no pages")
                for page in pages:
                    writer.add_page(page)
        except Exception as exc:
            reason = f"the PDF could not be read ({type(exc).__name__}: {exc})"
            problems.append(Problem(source.name, reason))
            note = _story_pdf(_not_included(source.name, reason)[1:], source.name)
            writer.append(PdfReader(io.BytesIO(note)))
    writer.add_metadata({"/Title": data.title, "/Producer": "AutoFile"})
    out = io.BytesIO()
    writer.write(out)
    return Rendered(pdf=out.getvalue(), page_count=len(writer.pages), problems=problems)
