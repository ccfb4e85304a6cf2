"""How long does one packet's filing PDF take to build?

Builds a packet ready to file (the records of tests/autofile/filing/records.py: cover
sheet fields, an itemized invoice with equipment, labour, material and incentive lines, a
payment, a certified outdoor/indoor pair, a completed install form) with 10 photos as a
phone takes them (4032 x 3024 JPEGs of a few MB each) and 3 attached PDFs (2, 3 and 5
pages), then times `filing_pdf_build(force=True)` (read the bundle, hash, render, merge,
store) several times and reports best, median and worst, the pages and the size.

Runs in a database of its own (`bench_<your test database>`, created and migrated on the
first run, emptied of its organization on each run)::

    set -a; . var/test.env; set +a
    .venv/bin/python bench/filing_pdf.py                   # 10 photos, 3 PDFs, 5 runs
    .venv/bin/python bench/filing_pdf.py --photos 20 --runs 3 --small-photos
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autofile.settings")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bench-filing-pdf-")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from PIL import Image  # noqa: E402

LIMIT_SECONDS = 2.0


def phone_photo(n: int) -> bytes:
    """A 12-megapixel JPEG with detail in it (noise over a gradient), as phones save them."""
    size = (4032, 3024)
    noise = Image.effect_noise(size, 40).convert("RGB")
    tint = Image.linear_gradient("L").resize(size).convert("RGB")
    image = Image.blend(noise, tint, 0.5 + n / 40)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--small-photos", action="store_true", help="640 x 480 photos")
    args = parser.parse_args()

    name = f"bench_{settings.DATABASES['default']['NAME']}"
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = name
    connection.creation.create_test_db(verbosity=0, keepdb=True, serialize=False)

    from autofile.accounts.models import Organization
    from autofile.filing.services.filing_pdf import filing_pdf_build
    from autofile.packets.models import Packet
    from tests.autofile.filing.records import attach, ready_packet

    def clean() -> None:
        Packet.objects.filter(organization__name="Filing PDF bench").delete()
        Organization.objects.filter(name="Filing PDF bench").delete()

    clean()
    organization = Organization.objects.create(name="Filing PDF bench")
    ready = ready_packet(
        organization,
        photos=args.photos if args.small_photos else 0,
        pdfs=(("ahri-certificate.pdf", 2), ("signed-terms.pdf", 3), ("permit.pdf", 5)),
    )
    photo_bytes = 0
    if not args.small_photos:
        for n in range(args.photos):
            data = phone_photo(n)
            photo_bytes += len(data)
            attach(
                ready.connection, ready.packet.job.st_id, f"photo-{n + 1}.jpg", data, "image/jpeg"
            )

    times = []
    filing = None
    for _ in range(args.runs):
        started = time.perf_counter()
        filing = filing_pdf_build(packet_id=ready.packet.pk, force=True)
        times.append(time.perf_counter() - started)
    assert filing is not None
    kind = (
        "640x480"
        if args.small_photos
        else f"4032x3024, {photo_bytes / args.photos / 1e6:.1f} MB each"
    )
    print(f"filing PDF: {args.photos} photos ({kind}), 3 PDFs (10 pages)")
    print(
        f"  best {min(times):.2f} s, median {statistics.median(times):.2f} s, "
        f"worst {max(times):.2f} s of {args.runs}; {filing.page_count} pages, "
        f"{filing.size / 1e6:.2f} MB, problems: {len(filing.problems)}"
    )
    clean()
    ok = statistics.median(times) < LIMIT_SECONDS
    print(f"  {'OK' if ok else 'SLOW'}: the target is a median under {LIMIT_SECONDS:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
