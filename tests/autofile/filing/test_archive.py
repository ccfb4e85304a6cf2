"""The packet's ZIP: every document, named by the program's pattern, in the program's
order, streamed; a file that cannot be read is said so, not a broken archive."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from autofile.accounts.models import Organization, Role, User
from autofile.filing.archive import archive_name, clean_part, unique_name
from autofile.filing.selectors.documents import packet_archive_entries, packet_zip_name
from autofile.filing.services import documents as services
from autofile.packets.models import PacketDocument
from autofile.packets.models.programs import validate_document_name_pattern
from tests.autofile.filing.records import hold, jpeg, ready_packet
from tests.factories import FilingDocumentFactory, RebateProgramFactory

pytestmark = pytest.mark.django_db


def test_archive_name_fills_the_pattern_and_keeps_the_files_own_extension() -> None:
    values = {"job_number": "J-20417", "document": "install photo 1"}
    assert archive_name("{job_number}_{document}.pdf", values) == "J-20417_install-photo-1.pdf"
    assert (
        archive_name("{job_number}_{document}.pdf", values, extension=".jpg")
        == "J-20417_install-photo-1.jpg"
    )
    assert archive_name("{job_number}-{n}", {"job_number": "J/1", "n": 3}) == "J-1-3.pdf"
    assert clean_part("../../etc/passwd") == "etc-passwd"
    taken: set[str] = set()
    assert [unique_name("a.pdf", taken) for _ in range(3)] == ["a.pdf", "a-2.pdf", "a-3.pdf"]


@pytest.mark.parametrize(
    "pattern",
    [
        "{job_number}.pdf",
        "{job_number}_{nope}_{document}.pdf",
        "{job_number}/{document}.pdf",
        "{document:>10}.pdf",
        "{job_number",
        ".{document}",
    ],
)
def test_a_bad_naming_pattern_is_refused(pattern: str) -> None:
    with pytest.raises(ValidationError):
        validate_document_name_pattern(pattern)


def test_good_naming_patterns_pass() -> None:
    for pattern in (
        "{job_number}_{document}.pdf",
        "{program}-{packet_id}-{n}",
        "{kind}_{document}",
    ):
        validate_document_name_pattern(pattern)


def test_entries_name_every_document_in_the_programs_order(organization: Organization) -> None:
    ready = ready_packet(
        organization,
        photos=2,
        pdfs=(("permit.pdf", 1), ("signed-terms.pdf", 1), ("ahri-cert.pdf", 2)),
    )
    FilingDocumentFactory.create(organization=organization, packet=ready.packet)
    names = [e.name for e in packet_archive_entries(ready.packet)]
    # the filing PDF, then certificate, signed form, permit, photos (the program's order)
    assert names == [
        "J-20417_packet.pdf",
        "J-20417_ahri-cert.pdf",
        "J-20417_signed-terms.pdf",
        "J-20417_permit.pdf",
        "J-20417_install-photo-1.jpg",
        "J-20417_install-photo-2.jpg",
    ]


def test_the_programs_pattern_names_the_files_and_duplicates_get_a_number(
    organization: Organization,
) -> None:
    ready = ready_packet(organization, photos=1, pdfs=(("permit.pdf", 1),))
    hold(
        ready.packet,
        "permit.pdf",
        b"%PDF-1.4\n%%EOF\n",
        "application/pdf",
        PacketDocument.Kind.PERMIT,
    )
    ready.program.document_name_pattern = "{program}_{invoice_number}_{n}_{document}.pdf"
    ready.program.save()
    names = [e.name for e in packet_archive_entries(ready.packet)]
    assert names == [
        "Oncor-heat-pump_INV-88213_1_permit.pdf",
        "Oncor-heat-pump_INV-88213_2_permit.pdf",
        "Oncor-heat-pump_INV-88213_3_install-photo-1.jpg",
    ]
    ready.program.document_name_pattern = "{job_number}.pdf"  # saved before validation
    ready.program.save()
    names = [e.name for e in packet_archive_entries(ready.packet)]
    assert names == ["J-20417.pdf", "J-20417-2.pdf", "J-20417.jpg"]


def test_entries_read_a_fixed_number_of_queries(
    organization: Organization, django_assert_num_queries: Callable[..., Any]
) -> None:
    small = ready_packet(organization, photos=1, pdfs=())
    with django_assert_num_queries(5):
        assert len(list(packet_archive_entries(small.packet))) == 1
    large = ready_packet(
        organization, photos=6, pdfs=(("permit.pdf", 1), ("ahri.pdf", 1)), program_name="Other"
    )
    with django_assert_num_queries(5):
        assert len(list(packet_archive_entries(large.packet))) == 8


def test_write_zip_holds_each_original_byte_for_byte(organization: Organization) -> None:
    ready = ready_packet(organization, photos=2, pdfs=(("permit.pdf", 1),))
    entries = list(packet_archive_entries(ready.packet))
    out = io.BytesIO()
    written = services.write_zip(entries, out)
    assert written == len(out.getvalue())
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == [e.name for e in entries]
        with ready.photos[0].file.open("rb") as original:
            assert archive.read("J-20417_install-photo-1.jpg") == original.read()


def test_an_unreadable_file_becomes_a_note_in_the_zip(organization: Organization) -> None:
    ready = ready_packet(organization, photos=2, pdfs=())
    broken = ready.photos[0]
    broken.file.storage.delete(broken.file.name)
    out = io.BytesIO()
    services.write_zip(packet_archive_entries(ready.packet), out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert archive.namelist() == [
            "J-20417_install-photo-1.jpg.not-included.txt",
            "J-20417_install-photo-2.jpg",
        ]
        note = archive.read("J-20417_install-photo-1.jpg.not-included.txt").decode()
        assert "could not be included" in note


def test_the_zip_streams_in_blocks(organization: Organization) -> None:
    ready = ready_packet(organization, photos=0, pdfs=())
    big = jpeg(2400, 1800) * 3  # ~ a few hundred KB: more than one block
    hold(ready.packet, "big-photo.jpg", big, "image/jpeg", PacketDocument.Kind.PHOTO)
    chunks = list(services.zip_stream(packet_archive_entries(ready.packet)))
    assert len([c for c in chunks if c]) > 2
    assert max(len(c) for c in chunks) < len(big)
    with zipfile.ZipFile(io.BytesIO(b"".join(chunks))) as archive:
        assert archive.read("J-20417_big-photo.jpg") == big


def test_the_zip_download_streams_the_named_files(
    organization: Organization, signed_in: Callable[[User], Client], member: Callable[..., User]
) -> None:
    ready = ready_packet(organization, photos=1, pdfs=(("permit.pdf", 1),))
    client = signed_in(member(Role.COORDINATOR))
    response = client.get(reverse("filing:packet_zip", args=[ready.packet.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="J-20417_documents.zip"'
    assert packet_zip_name(ready.packet) == "J-20417_documents.zip"
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.namelist() == ["J-20417_permit.pdf", "J-20417_install-photo-1.jpg"]


def test_the_zip_needs_a_member_of_the_packets_organization(
    organization: Organization,
    other_organization: Organization,
    signed_in: Callable[[User], Client],
    member: Callable[..., User],
    client: Client,
) -> None:
    ready = ready_packet(organization, photos=1, pdfs=())
    url = reverse("filing:packet_zip", args=[ready.packet.pk])
    assert client.get(url).status_code == 302  # to the login page
    outsider = signed_in(member(Role.ADMIN, org=other_organization))
    assert outsider.get(url).status_code == 404


def test_the_program_editor_refuses_a_bad_pattern(
    organization: Organization, signed_in: Callable[[User], Client], admin_user: User
) -> None:
    program = RebateProgramFactory.create(organization=organization)
    client = signed_in(admin_user)
    url = reverse("packets:program_edit", args=[program.pk])
    page = client.get(url)
    assert 'value="{job_number}_{document}.pdf"' in page.content.decode()
    data = {
        "name": program.name,
        "sponsor": program.sponsor,
        "sponsor_type": program.sponsor_type,
        "is_active": "on",
        "document_name_pattern": "{job_number}.pdf",
    }
    for prefix in ("measures", "requirements", "checks", "kickbacks"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Include {document} or {n}" in response.content.decode()
    data["document_name_pattern"] = "{job_number}-{n}-{document}.pdf"
    response = client.post(url, data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.document_name_pattern == "{job_number}-{n}-{document}.pdf"
