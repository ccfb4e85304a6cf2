"""Cross-document consistency on simulator data: model and serial numbers, the AHRI
reference, the customer's name and the install address, each in both directions (the
clean packet passes; the defect real programs kick back is flagged, values marked)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from autofile.accounts.models import User
from autofile.mirror.models import (
    Connection,
    FormSubmission,
    InstalledEquipment,
    Invoice,
    InvoiceItem,
    Job,
    JobAttachment,
)
from autofile.mirror.services import pdf_text
from autofile.packets.models import Finding, RebateProgram
from autofile.packets.selectors import packet_bundle
from autofile.packets.services import packet_validate, program_update
from autofile.packets.services.validation import _model_sources, _serial_sources
from integrations.servicetitan.simulator import Simulator
from tests.autofile.mirror.conftest import TENANT, tenant_client
from tests.autofile.packets.conftest import Filed, heat_pump_jobs
from tests.autofile.packets.test_validation import (  # noqa: F401
    complete,
    give_account_number,
    heat_pump,
)

pytestmark = pytest.mark.django_db


def the(filed: Filed, code: str) -> Finding:
    packet_validate(packet=filed.packet)
    found = list(Finding.objects.filter(packet=filed.packet, code=code))
    assert len(found) == 1, [f.message for f in Finding.objects.filter(packet=filed.packet)]
    return found[0]


def marked(finding: Finding) -> dict[str, str]:
    """Each compared value's differing characters, by source."""
    return {
        v["source"]: "".join(text for text, differs in v["marks"] if differs)
        for v in finding.detail["values"]
    }


def _invoice_item(unit: InstalledEquipment) -> InvoiceItem:
    assert unit.invoice_item_st_id is not None
    return InvoiceItem.objects.get(connection_id=unit.connection_id, st_id=unit.invoice_item_st_id)


def test_the_clean_packet_compares_every_source_and_agrees(complete: Filed) -> None:  # noqa: F811
    assert packet_validate(packet=complete.packet) == []
    bundle = packet_bundle(organization=complete.packet.organization, packet_id=complete.packet.pk)
    assert bundle is not None
    unit = bundle.units("Heat Pump")[0]
    sources = {label.split(" ")[0] for label, *_ in _model_sources(bundle, unit)}
    # the unit, its invoice item's description, the sold estimate and the install form
    assert {"Unit", "Invoice", "Sold", "Form"} <= sources
    assert {label.split(" ")[0] for label, *_ in _serial_sources(bundle, unit)} >= {"Unit", "Form"}


def test_a_one_character_model_typo_on_the_invoice_is_flagged_on_the_item(
    complete: Filed,  # noqa: F811
) -> None:
    unit = heat_pump(complete)
    item = _invoice_item(unit)
    typo = unit.model[:-1] + ("8" if unit.model[-1] != "8" else "9")
    item.description = item.description.replace(unit.model, typo)
    item.save(update_fields=["description"])
    finding = the(complete, "equipment_model_inconsistent")
    assert (finding.subject, finding.subject_id, finding.field) == (
        "invoice_item",
        item.pk,
        "description",
    )
    assert f"“{typo}”" in finding.message and f"“{unit.model}”" in finding.message
    assert finding.severity == "error"
    differing = marked(finding)
    item_source = next(s for s in differing if s.startswith("Invoice item"))
    assert differing[item_source] == typo[-1]
    assert differing[next(s for s in differing if s.startswith("Unit"))] == unit.model[-1]


def test_model_spelling_differences_are_not_a_mismatch(complete: Filed) -> None:  # noqa: F811
    unit = heat_pump(complete)
    item = _invoice_item(unit)
    item.description = item.description.replace(unit.model, unit.model.lower().replace("-", ""))
    item.save(update_fields=["description"])
    assert packet_validate(packet=complete.packet) == []


def test_a_serial_that_differs_on_the_form_is_flagged_on_the_form(
    complete: Filed,  # noqa: F811
) -> None:
    unit = heat_pump(complete)
    form = FormSubmission.objects.get(
        connection_id=unit.connection_id,
        job_st_id=complete.job.st_id,
        form_name__icontains="checklist",
    )
    raw = form.raw
    for section in raw["units"]:
        for field in section["units"]:
            if field["name"] == "Heat Pump Serial Number":
                field["value"] = unit.serial_number[:-2] + "XX"
    form.raw = raw
    form.save(update_fields=["raw"])
    finding = the(complete, "equipment_serial_inconsistent")
    assert (finding.subject, finding.subject_id) == ("forms", form.pk)
    assert "XX" in "".join(marked(finding).values())


@pytest.fixture
def certified_job(
    tenant: Connection, file_packet: Callable[..., Filed], utility_program: RebateProgram
) -> Filed:
    """A clean packet whose job carries an AHRI certificate and the AHRI Reference field."""
    program_update(
        program=utility_program,
        starts_on=timezone.localdate().replace(day=1, month=1, year=timezone.localdate().year - 2),
    )
    for job in heat_pump_jobs(tenant):
        if not job.attachments.filter(file_name__startswith="ahri-certificate-").exists():
            continue
        give_account_number(job)
        filed = file_packet(job=job)
        if not packet_validate(packet=filed.packet):
            return filed
        filed.packet.delete()
    raise AssertionError("the tenant has no clean heat-pump job with a certificate")


def test_an_ahri_number_that_differs_from_the_certificate_is_flagged(
    certified_job: Filed,
) -> None:
    job = Job.objects.get(pk=certified_job.job.pk)
    fields = job.raw.get("customFields") or []
    certificate = job.attachments.get(file_name__startswith="ahri-certificate-").file_name
    number = certificate.removeprefix("ahri-certificate-").removesuffix(".pdf")
    assert any(f.get("value") == number for f in fields if f.get("name") == "AHRI Reference")
    job.raw = {
        **job.raw,
        "customFields": [
            {**f, "value": str(int(number) + 1)} if f.get("name") == "AHRI Reference" else f
            for f in fields
        ],
    }
    job.save(update_fields=["raw"])
    finding = the(certified_job, "ahri_reference_inconsistent")
    assert (finding.subject, finding.subject_id) == ("job", job.pk)
    assert number in finding.message


def test_customer_name_spellings_agree_but_another_name_is_flagged(
    complete: Filed,  # noqa: F811
) -> None:
    invoice = Invoice.objects.get(
        connection_id=complete.job.connection_id, job_st_id=complete.job.st_id
    )
    assert complete.job.customer is not None
    customer = complete.job.customer
    first, _, last = customer.name.partition(" ")
    invoice.raw = {
        **invoice.raw,
        "customer": {**invoice.raw["customer"], "name": f"{last.upper()}, {first}"},
    }
    invoice.save(update_fields=["raw"])
    assert packet_validate(packet=complete.packet) == []

    invoice.raw = {**invoice.raw, "customer": {**invoice.raw["customer"], "name": last}}
    invoice.save(update_fields=["raw"])
    finding = the(complete, "customer_name_inconsistent")
    assert (finding.subject, finding.subject_id) == ("invoice", invoice.pk)
    assert f"“{customer.name}”" in finding.message and f"“{last}”" in finding.message


def test_address_abbreviations_agree_but_another_house_number_is_flagged(
    complete: Filed,  # noqa: F811
) -> None:
    invoice = Invoice.objects.get(
        connection_id=complete.job.connection_id, job_st_id=complete.job.st_id
    )
    location = complete.job.location
    assert location is not None
    printed = dict(invoice.raw["locationAddress"])
    spelled = (
        printed["street"]
        .replace(" St", " Street")
        .replace(" Ave", " Avenue")
        .replace(" Dr", " Drive")
        .replace(" Ln", " Lane")
        .upper()
    )
    invoice.raw = {**invoice.raw, "locationAddress": {**printed, "street": spelled + "."}}
    invoice.save(update_fields=["raw"])
    assert packet_validate(packet=complete.packet) == []

    number, _, rest = location.street.partition(" ")
    wrong = f"{number}1 {rest}"
    invoice.raw = {**invoice.raw, "locationAddress": {**printed, "street": wrong}}
    invoice.save(update_fields=["raw"])
    finding = the(complete, "install_address_inconsistent")
    assert (finding.subject, finding.subject_id) == ("invoice", invoice.pk)
    assert "1" in marked(finding)[next(s for s in marked(finding) if s.startswith("Invoice"))]


def test_the_packet_page_shows_the_values_with_the_differing_characters_marked(
    complete: Filed,  # noqa: F811
    signed_in: Callable[[User], Client],
    qa_user: User,
) -> None:
    unit = heat_pump(complete)
    item = _invoice_item(unit)
    typo = unit.model[:-1] + ("8" if unit.model[-1] != "8" else "9")
    item.description = item.description.replace(unit.model, typo)
    item.save(update_fields=["description"])
    packet_validate(packet=complete.packet)
    response = signed_in(qa_user).get(reverse("review:packet_detail", args=[complete.packet.pk]))
    page = response.content.decode()
    # Beside the invoice item and in the findings panel: each source with its value, the
    # differing character marked and spelled out for screen readers (not colour alone).
    differing = (
        f'<mark class="differs"><span class="visually-hidden">[differs: </span>{typo[-1]}'
        '<span class="visually-hidden">]</span></mark>'
    )
    assert page.count(f"<code>{typo[:-1]}{differing}</code>") == 2
    assert "<dt>Invoice item" in page and "<dt>Unit 1 (Heat Pump" in page


def _read_certificate(sim: Simulator, attachment: JobAttachment) -> str:
    """The certificate's text as the document fetch stores it (the simulator's PDF)."""
    client = tenant_client(sim)
    try:
        answer = client.get(f"/forms/v2/tenant/{TENANT}/jobs/attachment/{attachment.st_id}")
        answer.raise_for_status()
    finally:
        client.close()
    assert answer.content.startswith(b"%PDF")
    return pdf_text(answer.content)


def test_the_certificates_number_models_and_serials_are_compared_too(
    certified_job: Filed, tenant_reader: tuple[Simulator, Any]
) -> None:
    certificate = JobAttachment.objects.get(
        connection_id=certified_job.job.connection_id,
        job_st_id=certified_job.job.st_id,
        file_name__startswith="ahri-certificate-",
    )
    certificate.text = _read_certificate(tenant_reader[0], certificate)
    certificate.save(update_fields=["text"])
    assert "Outdoor Unit Model Number" in certificate.text
    assert packet_validate(packet=certified_job.packet) == []
    bundle = packet_bundle(
        organization=certified_job.packet.organization, packet_id=certified_job.packet.pk
    )
    assert bundle is not None
    unit = bundle.units("Heat Pump")[0]
    assert any(label.startswith("Certificate") for label, *_ in _model_sources(bundle, unit))
    assert any(label.startswith("Certificate") for label, *_ in _serial_sources(bundle, unit))

    # The certificate names a model one character off: the finding sits on the unit (a
    # certificate is not edited in AutoFile), the certificate's value marked.
    typo = unit.model[:-1] + ("8" if unit.model[-1] != "8" else "9")
    certificate.text = certificate.text.replace(
        f"Model Number: {unit.model}", f"Model Number: {typo}"
    )
    certificate.save(update_fields=["text"])
    finding = the(certified_job, "equipment_model_inconsistent")
    assert (finding.subject, finding.subject_id) == ("equipment", unit.pk)
    assert marked(finding)[f"Certificate “{certificate.file_name}”"] == typo[-1]


def test_an_unreadable_pdf_has_no_text() -> None:
    assert pdf_text(b"%PDF-1.4 not really") == ""
    assert pdf_text(b"") == ""
