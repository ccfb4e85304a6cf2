"""How fast is a 500-packet submission batch's bulk sheet, and how much memory does its ZIP take?

Seeds one organization with a batch of 500 submitted packets of a program using the
statewide bulk claim mapping (24 columns); each packet has a customer with an e-mail,
an install location with a utility account, a job, an invoice with two items, an outdoor
and an indoor unit (certified pair listed for the AHRI number) and four documents of
160 KB of incompressible bytes (about 320 MB of files in all). Then it

* builds the bulk sheet as CSV and as XLSX (selectors + writers, as the download view does)
  and reports the time and the queries;
* downloads the batch ZIP through Django's test client in a fresh child process (the whole
  request, the streamed response read block by block and thrown away) and reports the
  time, the archive's size and the child's peak resident memory (ru_maxrss), beside its
  resident memory before the request.

Run from the repository root against a database of its own (it migrates it and keeps the
"Filing bench" organization and its files for the next run unless ``--clean``)::

    set -a; . var/test.env; set +a
    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/autofile_bench_filing
    .venv/bin/python bench/filing_batch.py              # 500 packets, 4 files of 160 KB each
    .venv/bin/python bench/filing_batch.py --packets 100 --file-kb 50
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autofile.settings")
MEDIA = ROOT / "var" / "bench-filing-media"
os.environ["MEDIA_ROOT"] = str(MEDIA)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection as database  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from autofile.accounts.models import Membership, Organization, Role, User  # noqa: E402
from autofile.filing import sheets  # noqa: E402
from autofile.filing.models import BatchPacket, SubmissionBatch  # noqa: E402
from autofile.filing.selectors.sheets import sheet_for, sheet_rows  # noqa: E402
from autofile.filing.services.sheets import sheet_mapping_from_example  # noqa: E402
from autofile.filing.sheet_examples import STATEWIDE_BULK_CLAIM  # noqa: E402
from autofile.mirror.models import Connection  # noqa: E402
from autofile.packets.models import (  # noqa: E402
    CertifiedProduct,
    Packet,
    PacketDocument,
    PacketStatus,
    RebateProgram,
    UtilityAccount,
)

ORG_NAME = "Filing bench"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def seed(packets: int, files: int, file_kb: int) -> SubmissionBatch:
    from tests import factories as f

    organization = Organization.objects.create(name=ORG_NAME)
    user = User.objects.create_user("filing-bench", password="filing-bench")
    Membership.objects.create(user=user, organization=organization, role=Role.QA)
    connection: Connection = f.ConnectionFactory.create(organization=organization)
    program = RebateProgram.objects.create(
        organization=organization,
        name="Statewide heat pumps (bench)",
        sponsor="State",
        sponsor_type=RebateProgram.Sponsor.STATE,
        contractor_enrollment_number="TP-004211",
    )
    sheet_mapping_from_example(program=program, key=STATEWIDE_BULK_CLAIM.key)
    CertifiedProduct.objects.get_or_create(
        category=CertifiedProduct.Category.DUCTED_HEAT_PUMP,
        outdoor_key="25VNA036A",
        indoor_key="FE4ANF003",
        ahri_reference_number="210987654",
        defaults={"brand": "Carrier", "outdoor_model": "25VNA036A**3", "indoor_model": "FE4ANF003"},
    )
    year = timezone.localdate().year
    batch = SubmissionBatch.objects.create(
        organization=organization,
        program=program,
        year=year,
        number=1,
        reference=f"B-{year}-0001",
        confirmation_number=f"B-{year}-0001",
        created_by=user,
    )
    for n in range(packets):
        customer = f.CustomerFactory.create(connection=connection, name=f"Rivera{n}, Ana")
        location = f.LocationFactory.create(connection=connection, customer=customer)
        job = f.JobFactory.create(
            connection=connection,
            customer=customer,
            location=location,
            location_st_id=location.st_id,
        )
        invoice = f.InvoiceFactory.create(connection=connection, job=job)
        for model in ("25VNA036A003", "FE4ANF003L00"):
            item = f.InvoiceItemFactory.create(connection=connection, invoice=invoice)
            f.InstalledEquipmentFactory.create(
                connection=connection,
                location=location,
                model=model,
                invoice_item_st_id=item.st_id,
                installed_on=job.completed_on,
            )
        f.CustomerContactFactory.create(connection=connection, customer=customer)
        UtilityAccount.objects.create(
            organization=organization, location=location, number=f"10443720{n:06d}"
        )
        packet = Packet.objects.create(
            organization=organization,
            job=job,
            program=program,
            status=PacketStatus.SUBMITTED,
            confirmation_number=batch.reference,
            estimated_amount=Decimal("1500.00"),
        )
        BatchPacket.objects.create(
            organization=organization, batch=batch, packet=packet, position=n + 1
        )
        for k in range(files):
            document = PacketDocument(
                organization=organization,
                packet=packet,
                kind=PacketDocument.Kind.PHOTO,
                name=f"photo-{k + 1}.jpg",
                content_type="image/jpeg",
                size=file_kb * 1024,
                sha256="0" * 64,
            )
            document.file.save(
                f"photo-{k + 1}.jpg", ContentFile(os.urandom(file_kb * 1024)), save=False
            )
            document.save()
        if (n + 1) % 100 == 0:
            log(f"  {n + 1} packets")
    return batch


def zip_child(batch_id: int) -> None:
    """Download the batch ZIP through the test client and report time, size and memory."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    batch = SubmissionBatch.objects.get(pk=batch_id)
    user = batch.created_by
    assert user is not None
    client = Client()
    client.force_login(user)
    before = rss_kib()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    response = client.get(f"/filing/batches/{batch_id}/archive.zip")
    assert response.status_code == 200, response.status_code
    size = 0
    for chunk in response.streaming_content:  # type: ignore[attr-defined]
        size += len(chunk)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {
                "seconds": seconds,
                "bytes": size,
                "rss_before_kib": before,
                "peak_before_kib": peak_before,
                "peak_rss_kib": peak,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--packets", type=int, default=500)
    parser.add_argument("--files", type=int, default=4, help="documents per packet")
    parser.add_argument("--file-kb", type=int, default=160)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--zip-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--clean", action="store_true", help="delete the bench data after")
    args = parser.parse_args()
    if args.zip_child:
        zip_child(args.zip_child)
        return

    call_command("migrate", verbosity=0)
    organization = Organization.objects.filter(name=ORG_NAME).first()
    batch = SubmissionBatch.objects.filter(organization=organization).first()
    if batch is None or batch.entries.count() != args.packets:
        if organization is not None:
            log("Removing the bench organization of another size…")
            remove(organization)
        log(f"Seeding {args.packets} packets with {args.files} files of {args.file_kb} KB each…")
        start = time.perf_counter()
        batch = seed(args.packets, args.files, args.file_kb)
        log(f"  seeded in {time.perf_counter() - start:.0f} s")
    sheet = sheet_for(program=batch.program)
    ids = list(batch.entries.order_by("position").values_list("packet_id", flat=True))

    print(f"Bulk sheet of {len(ids)} packets, {len(sheet.columns)} columns:")
    for kind in ("csv", "xlsx"):
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(database) as queries:
                start = time.perf_counter()
                rows = sheet_rows(organization=batch.organization, sheet=sheet, packet_ids=ids)
                if kind == "csv":
                    out = io.StringIO()
                    sheets.write_csv(sheet, rows, out)
                    size = len(out.getvalue().encode())
                else:
                    data = io.BytesIO()
                    sheets.write_xlsx(sheet, rows, data)
                    size = len(data.getvalue())
                times.append(time.perf_counter() - start)
        print(
            f"  {kind.upper():4} best {min(times):.2f} s, worst {max(times):.2f} s "
            f"over {args.repeat}; {len(queries.captured_queries)} queries; {size / 1024:.0f} KiB"
        )

    result = subprocess.run(
        [sys.executable, __file__, "--zip-child", str(batch.pk)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    stored = sum(PacketDocument.objects.filter(packet_id__in=ids).values_list("size", flat=True))
    print(
        f"Batch ZIP: {figures['bytes'] / 2**20:.0f} MiB from {stored / 2**20:.0f} MiB of files in "
        f"{figures['seconds']:.1f} s; worker RSS {figures['rss_before_kib'] / 1024:.0f} MiB "
        f"before the request, peak {figures['peak_rss_kib'] / 1024:.0f} MiB"
    )
    if args.clean:
        remove(batch.organization)


def remove(organization: Organization) -> None:
    import shutil

    from django.db import transaction

    with transaction.atomic():
        for model in (BatchPacket, SubmissionBatch, PacketDocument):
            model.objects.filter(organization=organization).delete()  # type: ignore[attr-defined]
        Packet.objects.filter(organization=organization).delete()
        Connection.objects.filter(organization=organization).delete()
        User.objects.filter(username="filing-bench").delete()
        organization.delete()
    shutil.rmtree(MEDIA, ignore_errors=True)


if __name__ == "__main__":
    main()
