"""A reviewer files two ready packets as a batch from the queue, downloads the batch ZIP,
then imports the program's decisions file and sees the packets approved and paid.

Debian's Chromium through Playwright against the live server; the packets come from the
factories (ServiceTitan plays no part in filing)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.files.base import ContentFile

from autofile.accounts.models import Organization, User
from autofile.filing.models import SubmissionBatch
from autofile.packets.models import PacketStatus
from tests.autofile.filing.conftest import MakeReady
from tests.factories import PacketDocumentFactory

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_batch_download_and_reconcile_in_the_browser(
    transactional_db: None,
    organization: Organization,
    qa_user: User,
    make_ready: MakeReady,
    browser_sign_in: Callable[[User], Page],
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    packets = make_ready(2)
    left_alone = make_ready(1)[0]
    for packet in packets:
        document = PacketDocumentFactory.create(
            organization=organization, packet=packet, name="signed-form.pdf"
        )
        document.file.save("signed-form.pdf", ContentFile(b"%PDF-1.4 signed\n%%EOF\n"))

    page = browser_sign_in(qa_user)
    page.goto("/packets/?status=ready")
    for packet in packets:
        page.locator(f'input[name="packet_ids"][value="{packet.pk}"]').check()
    expect(page.locator(".bulk-count")).to_have_text("2 selected")
    page.get_by_role("button", name="Create submission batch").click()

    batch = SubmissionBatch.objects.get()
    expect(page.get_by_role("heading", name=f"Batch {batch.reference}")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text(
        f"Batch {batch.reference} created: 2 packets submitted"
    )
    expect(page.locator("#batch-packets .badge", has_text="Submitted")).to_have_count(2)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the batch ZIP").click()
    target = tmp_path / "batch.zip"
    download_info.value.save_as(target)
    names = zipfile.ZipFile(target).namelist()
    assert f"{batch.reference}-bulk-sheet.csv" in names
    for position, packet in enumerate(packets, 1):
        folder = f"{position:04d}_{packet.job.job_number}_packet-{packet.pk}"
        assert f"{folder}/{packet.job.job_number}_signed-form.pdf" in names

    decisions = tmp_path / "decisions.csv"
    decisions.write_text(
        "Claim Number,Project ID,Status,Amount Approved,Amount Paid,Date Paid\n"
        + "".join(
            f"TECH-{n},{p.job.job_number},Approved,1500.00,1500.00,04/15/2026\n"
            for n, p in enumerate(packets, 1)
        )
        + f"TECH-9,{left_alone.job.job_number},Approved,1500.00,,\n"
    )
    page.get_by_role("link", name="Reconciliation").click()
    page.get_by_label("Decisions file (CSV or XLSX)").set_input_files(str(decisions))
    page.get_by_role("button", name="Preview the file").click()
    rows = page.locator("#reconciliation-rows tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text(
        "Approve at $1,500.00, then mark paid $1,500.00 on 2026-04-15."
    )
    expect(rows.nth(2)).to_contain_text("Cannot move a packet that is ready to approved.")
    page.get_by_role("button", name="Apply the file").click()
    expect(page.locator(".messages")).to_contain_text("2 packets moved; 1 row changed nothing.")
    expect(page.locator("#reconciliation-rows .badge", has_text="Paid")).to_have_count(2)

    page.get_by_role("link", name="Submission batches").click()
    expect(page.locator("#batch-table")).to_contain_text(batch.reference)
    page.get_by_role("link", name=batch.reference).click()
    expect(page.locator("#batch-packets .badge", has_text="Paid")).to_have_count(2)
    expect(page.locator("#batch-packets")).to_contain_text(re.compile(r"\$1500\.00"))
    for packet in packets:
        packet.refresh_from_db()
        assert packet.status == PacketStatus.PAID
    left_alone.refresh_from_db()
    assert left_alone.status == PacketStatus.READY
