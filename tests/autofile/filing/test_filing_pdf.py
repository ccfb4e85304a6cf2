"""The filing PDF: opened with pypdf, its text checked against the packet (cover sheet,
invoice lines, equipment table), every attached PDF's pages present in the program's order;
bad files become pages saying so; a change rebuilds it, no change does not."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from autofile.accounts.models import Organization, Role, User
from autofile.core import queues
from autofile.filing import tasks
from autofile.filing.models import FilingDocument
from autofile.filing.selectors.documents import FilingState, filing_state, stale_filing_documents
from autofile.filing.services.filing_pdf import (
    filing_pdf_build,
    filing_pdf_request,
    filing_pdfs_refresh,
)
from autofile.packets.models import PacketDocument
from tests.autofile.filing.records import ReadyPacket, attach, hold, pdf, ready_packet

pytestmark = pytest.mark.django_db


def pages_text(filing: FilingDocument) -> list[str]:
    with filing.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


def built(ready: ReadyPacket) -> tuple[FilingDocument, list[str]]:
    filing = filing_pdf_build(packet_id=ready.packet.pk)
    assert filing is not None
    return filing, pages_text(filing)


def test_the_cover_sheet_shows_every_field_the_program_asks(organization: Organization) -> None:
    ready = ready_packet(organization)
    _, pages = built(ready)
    cover = pages[0]
    for expected in (
        "Oncor heat pump",
        "Lone Star Comfort Heating & Air LLC",  # the legal name, not the display name
        "TACLA00012345C",
        "ONC-4411",  # the program's enrollment number wins over the organization's
        "Dana Whitfield",
        "4521 Bluebonnet Ln, Dallas, TX 75204",
        "10443720009876543",
        "2026-11-03",
        "J-20417",
        "INV-88213",
        "Expected amount $1,500.00",
        "Ducted heat pump x 1 $1,500.00",
    ):
        assert expected in cover, expected
    assert "ORG-ENR-77" not in cover


def test_the_organizations_enrollment_number_stands_in(organization: Organization) -> None:
    ready = ready_packet(organization)
    ready.program.contractor_enrollment_number = ""
    ready.program.save()
    _, pages = built(ready)
    assert "Enrollment number ORG-ENR-77" in pages[0]


def test_the_invoice_shows_equipment_apart_from_labour_the_incentive_and_payments(
    organization: Organization,
) -> None:
    ready = ready_packet(organization)
    _, pages = built(ready)
    invoice = next(p for p in pages if "Itemized invoice" in p)
    for expected in (
        "Invoice INV-88213 dated 2026-11-03",
        "Equipment Carrier Infinity 24 Heat Pump 3 Ton 1 $9,800.00 $9,800.00",
        "Equipment Carrier FE4ANF003 Air Handler 1 $2,650.00 $2,650.00",
        "Labour Heat Pump Installation Labor 1 $1,800.00 $1,800.00",
        "Material Line Set 3/8 x 3/4 25 ft 2 $100.00 $200.00",
        "Incentive Oncor heat pump incentive 1 -$1,500.00 -$1,500.00",
        "Equipment $12,450.00",
        "Labour $1,800.00",
        "Materials $200.00",
        "Incentive -$1,500.00",
        "Invoice total $12,950.00",
        "Paid $12,950.00",
        "2026-11-04 Check $12,950.00",
    ):
        assert expected in invoice, expected
    # equipment lines come before labour, whatever the invoice's order
    assert invoice.index("Carrier FE4ANF003") < invoice.index("Installation Labor")
    assert "has none" not in invoice


def test_a_missing_incentive_line_is_said_where_the_program_requires_one(
    organization: Organization,
) -> None:
    ready = ready_packet(organization)
    ready.items[-1].delete()
    _, pages = built(ready)
    invoice = next(p for p in pages if "Itemized invoice" in p)
    assert "requires the incentive as its own invoice line: the invoice has none" in invoice


def test_the_equipment_table_pairs_the_units_with_their_certified_ratings(
    organization: Organization,
) -> None:
    ready = ready_packet(organization)
    _, pages = built(ready)
    table = next(p for p in pages if "Equipment Manufacturer" in p)
    row = (
        f"Carrier {ready.outdoor.model} {ready.outdoor.serial_number} "
        f"{ready.indoor.model} {ready.indoor.serial_number} 210987654"
    )
    assert row in table
    for rating in ("SEER2 21.00", "EER2 12.50", "HSPF2 9.50", "CAP5_47 74.3"):
        assert rating in table


def test_an_unlisted_unit_is_said_so(organization: Organization) -> None:
    ready = ready_packet(organization)
    ready.outdoor.model = "XYZ123"
    ready.outdoor.save()
    _, pages = built(ready)
    table = next(p for p in pages if "Equipment Manufacturer" in p)
    assert "XYZ123" in table and "Heat Pump: not on the certified list" in table
    assert "FE4ANF003L00" in table and "Air Handler: not on the certified list" in table


def test_form_answers_are_readable(organization: Organization) -> None:
    ready = ready_packet(organization)
    _, pages = built(ready)
    answers = next(p for p in pages if "Form answers" in p)
    for expected in (
        "Heat Pump Install Checklist",
        "Equipment Installed",
        "Heat Pump Serial Number 2521E10417",
        "Nameplate Photo 1 photo",
        "Refrigerant Added (lb) 2.5",
        "Completed Checks Line set pressure tested, Thermostat programmed",
        "Customer Signature signed",
    ):
        assert expected in answers, expected


def test_photos_are_embedded_with_captions_and_every_pdf_page_follows_in_order(
    organization: Organization,
) -> None:
    ready = ready_packet(
        organization,
        photos=3,
        pdfs=(("permit.pdf", 1), ("signed-terms.pdf", 2), ("ahri-certificate.pdf", 3)),
    )
    filing, pages = built(ready)
    captions = " ".join(p for p in pages if "· ServiceTitan job attachment" in p)
    for n in (1, 2, 3):
        assert f"install-photo-{n}.jpg · ServiceTitan job attachment" in captions
    merged = [p.strip() for p in pages if re.search(r"page \d of \d", p)]
    assert merged == [
        "ahri-certificate page 1 of 3",
        "ahri-certificate page 2 of 3",
        "ahri-certificate page 3 of 3",
        "signed-terms page 1 of 2",
        "signed-terms page 2 of 2",
        "permit page 1 of 1",
    ]
    assert [p.strip() for p in pages[-6:]] == merged  # after the generated pages
    assert filing.page_count == len(pages)
    with filing.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    images = sum(len(page.images) for page in reader.pages)
    assert images == 3
    assert filing.problems == []


def test_a_corrupt_attachment_becomes_a_page_saying_so(organization: Organization) -> None:
    ready = ready_packet(organization, photos=1, pdfs=(("permit.pdf", 1),))
    attach(
        ready.connection,
        ready.packet.job.st_id,
        "ahri-cert.pdf",
        b"%PDF-1.7 garbage",
        "application/pdf",
    )
    attach(
        ready.connection, ready.packet.job.st_id, "broken.jpg", b"\xff\xd8 not a jpeg", "image/jpeg"
    )
    filing, pages = built(ready)
    text = " ".join(pages)
    assert "File not included ahri-cert.pdf could not be included in this packet" in text
    assert "File not included broken.jpg could not be included in this packet" in text
    assert "permit page 1 of 1" in text  # the rest is there
    assert {p["name"] for p in filing.problems} == {"ahri-cert.pdf", "broken.jpg"}


def test_a_missing_stored_file_is_a_page_not_a_failed_export(organization: Organization) -> None:
    ready = ready_packet(organization, photos=1, pdfs=(("permit.pdf", 1),))
    permit = ready.pdfs[0]
    permit.file.storage.delete(permit.file.name)
    filing, pages = built(ready)
    assert "File not included permit.pdf could not be included" in " ".join(pages)
    assert [p["name"] for p in filing.problems] == ["permit.pdf"]


def _image(mode: str, fmt: str, size: tuple[int, int] = (300, 200)) -> bytes:
    out = io.BytesIO()
    color: object = (10, 20, 30, 40) if mode in ("CMYK", "RGBA") else 1000 if mode == "I;16" else 5
    Image.new(mode, size, color).save(out, fmt)  # type: ignore[arg-type]
    return out.getvalue()


def test_odd_images_are_converted(organization: Organization) -> None:
    import pillow_heif

    ready = ready_packet(organization, photos=0, pdfs=())
    heif = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (320, 240), (200, 80, 10))).save(heif, quality=60)
    odd = {
        "nameplate.heic": (heif.getvalue(), "image/heic"),
        "cmyk-scan.jpg": (_image("CMYK", "JPEG"), "image/jpeg"),
        "transparent.png": (_image("RGBA", "PNG"), "image/png"),
        "sixteen-bit.tif": (_image("I;16", "TIFF"), "image/tiff"),
        "palette.png": (_image("P", "PNG"), "image/png"),
    }
    for name, (data, content_type) in odd.items():
        hold(ready.packet, name, data, content_type, PacketDocument.Kind.PHOTO)
    filing, pages = built(ready)
    assert filing.problems == []
    with filing.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert sum(len(page.images) for page in reader.pages) == len(odd)
    text = " ".join(pages)
    for name in odd:
        assert f"{name} · signed by the homeowner via request #1" in text


def test_a_huge_image_is_listed_not_decoded(organization: Organization, settings: object) -> None:
    from autofile.filing import pdf as pdf_module

    ready = ready_packet(organization, photos=1, pdfs=())
    hold(
        ready.packet,
        "huge.png",
        _image("RGB", "PNG", (3000, 2000)),
        "image/png",
        PacketDocument.Kind.PHOTO,
    )
    limit = pdf_module.MAX_PIXELS
    pdf_module.MAX_PIXELS = 5_000_000
    try:
        filing, pages = built(ready)
    finally:
        pdf_module.MAX_PIXELS = limit
    assert [p["name"] for p in filing.problems] == ["huge.png"]
    assert "3000 x 2000 pixels, too large to embed" in " ".join(pages)


def test_an_unchanged_packet_is_not_rebuilt_and_a_change_is(organization: Organization) -> None:
    ready = ready_packet(organization, photos=1, pdfs=(("permit.pdf", 1),))
    first, _ = built(ready)
    name, built_at = first.file.name, first.built_at
    again = filing_pdf_build(packet_id=ready.packet.pk)
    assert again is not None and again.file.name == name and again.built_at == built_at
    # a correction of the serial number (as the mirror holds it) shows in the next PDF
    ready.outdoor.serial_number = "2521E99999"
    ready.outdoor.save()
    rebuilt = filing_pdf_build(packet_id=ready.packet.pk)
    assert rebuilt is not None and rebuilt.inputs_hash != first.inputs_hash
    assert "2521E99999" in " ".join(pages_text(rebuilt))
    assert not first.file.storage.exists(name)  # the old file is gone
    # a new document too
    hold(
        ready.packet,
        "signed-terms.pdf",
        pdf("signed-terms", 1),
        "application/pdf",
        PacketDocument.Kind.SIGNED_FORM,
    )
    latest = filing_pdf_build(packet_id=ready.packet.pk)
    assert latest is not None and "signed-terms page 1 of 1" in " ".join(pages_text(latest))


def test_the_panel_says_up_to_date_then_being_rebuilt_after_a_change(
    organization: Organization, signed_in: Callable[[User], Client], qa_user: User
) -> None:
    ready = ready_packet(organization, photos=1, pdfs=())
    client = signed_in(qa_user)
    page = client.get(reverse("review:packet_detail", args=[ready.packet.pk])).content.decode()
    assert "not built yet" in page and "Build the PDF" in page
    client.post(reverse("filing:packet_pdf_build", args=[ready.packet.pk]))
    panel_url = reverse("filing:packet_filing_panel", args=[ready.packet.pk])
    assert "being rebuilt" in client.get(panel_url).content.decode()
    filing_pdf_build(packet_id=ready.packet.pk)
    panel = client.get(panel_url).content.decode()
    assert "up to date" in panel and "Filing PDF" in panel
    filing = FilingDocument.objects.get(packet=ready.packet)
    assert filing_state(filing, ready.packet, organization) == FilingState.CURRENT
    assert not stale_filing_documents().exists()
    # the packet changes (a status move, a re-validation): the PDF is looked at again
    ready.packet.confirmation_number = "ONC-2026-1"
    ready.packet.save()
    assert "being rebuilt" in client.get(panel_url).content.decode()
    assert list(stale_filing_documents()) == [filing]
    # the organization's settings count too
    filing_pdf_build(packet_id=ready.packet.pk)
    assert "up to date" in client.get(panel_url).content.decode()
    organization.license_number = "TACLA00099999C"
    organization.save()
    assert list(stale_filing_documents()) == [filing]


def test_the_sweeper_queues_stale_and_missing_pdfs_once(
    organization: Organization,
    django_capture_on_commit_callbacks: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ready = ready_packet(organization, photos=0, pdfs=())  # status "ready", no PDF yet
    sent: list[int] = []
    monkeypatch.setattr(tasks.build_filing_pdf, "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        assert filing_pdfs_refresh() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert filing_pdfs_refresh() == 0  # queued already
        filing_pdf_request(packet=ready.packet)  # queued already: not again
    assert sent == [ready.packet.pk]
    filing_pdf_build(packet_id=ready.packet.pk)
    assert filing_pdfs_refresh() == 0


def test_the_build_task_runs_on_the_validation_queue() -> None:
    assert getattr(tasks.build_filing_pdf, "queue", None) == queues.VALIDATION
    assert queues.ROUTES["filing.build_filing_pdf"] == queues.VALIDATION
    assert getattr(tasks.refresh_filing_pdfs, "queue", None) == queues.VALIDATION


def test_the_pdf_download_and_the_roles(
    organization: Organization,
    other_organization: Organization,
    signed_in: Callable[[User], Client],
    member: Callable[..., User],
) -> None:
    ready = ready_packet(organization, photos=1, pdfs=())
    url = reverse("filing:packet_pdf", args=[ready.packet.pk])
    build_url = reverse("filing:packet_pdf_build", args=[ready.packet.pk])
    coordinator = signed_in(member(Role.COORDINATOR))
    assert coordinator.get(url).status_code == 302  # not built yet: to the packet page
    assert coordinator.post(build_url).status_code == 403  # coordinators read only
    filing_pdf_build(packet_id=ready.packet.pk)
    response = coordinator.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="J-20417_packet.pdf"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body.startswith(b"%PDF")
    outsider = signed_in(member(Role.ADMIN, org=other_organization))
    assert outsider.get(url).status_code == 404
    assert outsider.post(build_url).status_code == 404


def test_the_zip_holds_the_built_pdf_first(
    organization: Organization, signed_in: Callable[[User], Client], qa_user: User
) -> None:
    import zipfile

    ready = ready_packet(organization, photos=1, pdfs=(("permit.pdf", 1),))
    filing_pdf_build(packet_id=ready.packet.pk)
    response = signed_in(qa_user).get(reverse("filing:packet_zip", args=[ready.packet.pk]))
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.namelist() == [
            "J-20417_packet.pdf",
            "J-20417_permit.pdf",
            "J-20417_install-photo-1.jpg",
        ]
        assert archive.read("J-20417_packet.pdf").startswith(b"%PDF")


def test_an_image_saved_without_bytes_is_listed(organization: Organization) -> None:
    ready = ready_packet(organization, photos=0, pdfs=())
    hold(ready.packet, "empty.jpg", b"", "image/jpeg", PacketDocument.Kind.PHOTO)
    filing, pages = built(ready)
    assert [p["name"] for p in filing.problems] == ["empty.jpg"]
    assert "File not included empty.jpg" in " ".join(pages)
