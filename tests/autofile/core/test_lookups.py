"""`__any`: the rows of `__in`, with the list bound as one array parameter."""

from __future__ import annotations

import pytest

from autofile.mirror.models import Job
from autofile.packets.models import Packet
from tests.factories import JobFactory, PacketFactory

pytestmark = pytest.mark.django_db


def test_any_finds_the_rows_in_finds_with_one_parameter() -> None:
    jobs = JobFactory.create_batch(5)
    wanted = [jobs[0].pk, jobs[3].pk, jobs[3].pk, 10**12]
    found = Job.objects.filter(pk__any=wanted)
    assert set(found.values_list("pk", flat=True)) == {jobs[0].pk, jobs[3].pk}
    assert set(found) == set(Job.objects.filter(pk__in=wanted))
    _, params = found.query.sql_with_params()
    assert params == (wanted,)
    assert not Job.objects.filter(pk__any=[]).exists()
    assert set(Job.objects.filter(st_id__any=(j.st_id for j in jobs[:2]))) == set(jobs[:2])


def test_any_works_on_relations() -> None:
    packets = PacketFactory.create_batch(3)
    job_ids = [packets[1].job_id, packets[2].job_id]
    assert set(Packet.objects.filter(job_id__any=job_ids)) == set(packets[1:])
    assert set(Packet.objects.filter(job__any=job_ids)) == set(packets[1:])
