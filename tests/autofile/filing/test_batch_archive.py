"""A batch's ZIP: the bulk sheet and every packet's files (named by the program's pattern),
in a folder per packet, streamed."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from autofile.accounts.models import Organization, User
from autofile.filing.services.batches import batch_create
from autofile.mirror.models import Connection
from tests.autofile.filing.conftest import MakeReady
from tests.factories import JobAttachmentFactory, PacketDocumentFactory

pytestmark = pytest.mark.django_db


def test_the_batch_zip_holds_the_sheet_and_each_packets_files(
    signed_in: Callable[[User], Client],
    organization: Organization,
    connection: Connection,
    qa_user: User,
    make_ready: MakeReady,
) -> None:
    packets = make_ready(2)
    first, second = packets
    PacketDocumentFactory.create(organization=organization, packet=first, name="signed form.pdf")
    PacketDocumentFactory.create(organization=organization, packet=first, name="signed form.pdf")
    attachment = JobAttachmentFactory.create(
        connection=connection, job=second.job, file_name="nameplate.jpg"
    )
    attachment.file.save("nameplate.jpg", ContentFile(b"\xff\xd8\xff photo bytes"))
    JobAttachmentFactory.create(connection=connection, job=second.job)  # not downloaded yet
    lost = PacketDocumentFactory.create(organization=organization, packet=second, name="bill.pdf")
    default_storage.delete(lost.file.name)
    batch = batch_create(
        organization=organization, packet_ids=[p.pk for p in packets], user=qa_user
    ).batch
    assert batch is not None

    response = signed_in(qa_user).get(
        reverse("filing:batch_archive", kwargs={"submission_batch_id": batch.pk})
    )
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"] == f'attachment; filename="{batch.reference}.zip"'
    body: Any = response
    archive = zipfile.ZipFile(io.BytesIO(b"".join(body.streaming_content)))
    j1, j2 = first.job.job_number, second.job.job_number
    one = f"0001_{first.job.job_number}_packet-{first.pk}"
    two = f"0002_{second.job.job_number}_packet-{second.pk}"
    assert sorted(archive.namelist()) == sorted(
        [
            f"{batch.reference}-bulk-sheet.csv",
            f"{batch.reference}-bulk-sheet.xlsx",
            f"{one}/{j1}_signed-form.pdf",
            f"{one}/{j1}_signed-form-2.pdf",
            f"{two}/{j2}_nameplate.jpg",
            f"{two}/{j2}_bill.pdf.not-included.txt",
        ]
    )
    assert archive.read(f"{one}/{j1}_signed-form.pdf") == b"%PDF-1.4\n%%EOF\n"
    assert archive.read(f"{two}/{j2}_nameplate.jpg") == b"\xff\xd8\xff photo bytes"
    assert b"could not be included" in archive.read(f"{two}/{j2}_bill.pdf.not-included.txt")
    sheet = archive.read(f"{batch.reference}-bulk-sheet.csv").decode("utf-8-sig")
    assert first.job.job_number in sheet and second.job.job_number in sheet
