"""The signed customer form as a PDF (ReportLab): the form in full, the typed name, the
drawn signature and the evidence of signing."""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer


def signed_form_pdf(
    *,
    title: str,
    form_text: str,
    consent_text: str,
    typed_name: str,
    drawing_png: bytes,
    signed_at: dt.datetime,
    ip_address: str,
    user_agent: str,
    request_label: str,
) -> bytes:
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=letter, title=title, author=typed_name, leftMargin=inch, rightMargin=inch
    )
    story: list = [Paragraph(escape(title), styles["Title"])]
    for paragraph in form_text.split("\n\n"):
        story.append(Paragraph(escape(paragraph).replace("\n", "<br/>"), styles["BodyText"]))
        story.append(Spacer(1, 6))
    story += [
        Spacer(1, 12),
        Paragraph(f"<b>Consent.</b> {escape(consent_text)}", styles["BodyText"]),
        Spacer(1, 12),
        Image(io.BytesIO(drawing_png), width=3 * inch, height=1 * inch, kind="proportional"),
        Paragraph(f"<b>Signed by:</b> {escape(typed_name)}", styles["BodyText"]),
        Paragraph(
            f"<b>Signed at:</b> {timezone.localtime(signed_at):%Y-%m-%d %H:%M:%S %Z}",
            styles["BodyText"],
        ),
        Paragraph(f"<b>IP address:</b> {escape(ip_address or 'unknown')}", styles["BodyText"]),
        Paragraph(f"<b>Browser:</b> {escape(user_agent[:300] or 'unknown')}", styles["BodyText"]),
        Paragraph(f"<b>Signed through:</b> {escape(request_label)}", styles["BodyText"]),
    ]
    document.build(story)
    return out.getvalue()
