"""List paging and export feeds: continuation tokens, resumption, duplicates, malformed rows."""

from __future__ import annotations

import gc
import threading
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import orjson

from integrations.servicetitan import ServiceTitanClient
from integrations.servicetitan.resources import base
from integrations.servicetitan.simulator import Simulator

from .conftest import ClientFactory, ScriptedApi, make_simulator, ok


def test_iter_all_walks_every_page_lazily(shared_client: ServiceTitanClient) -> None:
    total = shared_client.jobs.list(include_total=True).total_count
    pages = shared_client.jobs.pages(page_size=60)
    first = next(pages)
    assert first.page == 1 and len(first) == 60 and first.has_more
    assert sum(len(p) for p in pages) + 60 == total
    assert sum(1 for _ in shared_client.jobs.iter_all(page_size=70)) == total


def test_list_sends_paging_sort_filters_and_extra_params(make_client: ClientFactory) -> None:
    api = ScriptedApi(ok({"page": 1, "pageSize": 5, "hasMore": False, "data": []}))
    client = make_client(transport=api.transport)
    client.jobs.list(
        page=3,
        page_size=5,
        include_total=True,
        sort="-ModifiedOn",
        job_status="Completed",
        modified_on_or_after=datetime(2024, 1, 1, 6, tzinfo=UTC),
        tagTypeIds=[7, 8],
        params={"futureFilter": "x"},
    )
    list(client.jobs.iter_all())
    seen = [request.url for request in api.sent]
    params = dict(seen[0].params)
    assert params == {
        "page": "3",
        "pageSize": "5",
        "includeTotal": "true",
        "sort": "-ModifiedOn",
        "jobStatus": "Completed",
        "modifiedOnOrAfter": "2024-01-01T06:00:00Z",
        "tagTypeIds": "7,8",
        "futureFilter": "x",
    }
    assert seen[1].params["pageSize"] == "5000"  # list-all default


def test_unknown_filter_fails_before_any_request(shared_client: ServiceTitanClient) -> None:
    try:
        shared_client.jobs.list(job_stauts="Completed")
    except TypeError as exc:
        assert "job_stauts" in str(exc) and "jobStatus" in str(exc)
    else:
        raise AssertionError("a misspelled filter must not be sent")


def _paged_sim() -> Simulator:
    return make_simulator(export_batch_size=50)


def test_export_pages_expose_tokens_and_resume_without_loss(make_client: ClientFactory) -> None:
    client = make_client(_paged_sim())
    everything = [row["id"] for row in client.jobs.export()]
    assert len(everything) == 200

    pages = client.jobs.export_pages()
    first = next(pages)
    second = next(pages)
    assert len(first.rows) == 50 and first.has_more and first.continue_from
    assert second.requested_from == first.continue_from
    # A worker that committed page 1 and died resumes from its token: nothing lost.
    resumed = [row["id"] for row in client.jobs.export(from_=first.continue_from)]
    assert [row["id"] for row in first.rows] + resumed == everything


def test_row_iterator_token_moves_only_after_a_page_is_consumed(make_client: ClientFactory) -> None:
    client = make_client(_paged_sim())
    rows = client.jobs.export()
    assert rows.continue_from is None
    page_one = [next(rows) for _ in range(50)]
    assert rows.continue_from is None  # last row of page 1 is still being processed
    next(rows)  # asking for row 51 means rows 1..50 are done
    token_after_page_one = rows.continue_from
    assert token_after_page_one is not None
    rest = list(rows)
    assert len(page_one) + 1 + len(rest) == 200
    assert rows.has_more is False and rows.pages_read == 4
    assert rows.continue_from != token_after_page_one


def test_caught_up_feed_returns_nothing_new_and_keeps_its_token(make_client: ClientFactory) -> None:
    sim = _paged_sim()
    client = make_client(sim)
    rows = client.jobs.export()
    list(rows)
    token = rows.continue_from
    again = client.jobs.export(from_=token)
    assert list(again) == [] and again.has_more is False
    assert again.continue_from == token

    sim.complete_job(client.jobs.list(job_status="Scheduled").items[0].id)
    changed = client.jobs.export(from_=token)
    assert [row["jobStatus"] for row in changed] == ["Completed"]


def test_export_from_a_date_starts_at_that_modified_date(shared_client: ServiceTitanClient) -> None:
    rows = list(shared_client.invoices.export())
    modified = sorted(datetime.fromisoformat(r["modifiedOn"]) for r in rows)
    pivot = modified[len(modified) // 2]
    later = list(shared_client.invoices.export(from_=pivot))
    assert later and all(datetime.fromisoformat(r["modifiedOn"]) >= pivot for r in later)
    by_day = list(shared_client.invoices.export(from_=date(pivot.year, pivot.month, pivot.day)))
    assert len(by_day) >= len(later)
    assert list(shared_client.invoices.export(from_=modified[-1] + timedelta(days=1))) == []


def test_export_sends_include_recent_changes_and_active(make_client: ClientFactory) -> None:
    api = ScriptedApi(ok({"hasMore": False, "continueFrom": "tok2", "data": [{"id": 1}]}))
    client = make_client(transport=api.transport)
    rows = list(client.appointments.export(from_="tok1", include_recent_changes=True, active="Any"))
    assert rows == [{"id": 1}]
    seen = [request.url for request in api.sent]
    assert dict(seen[0].params) == {"from": "tok1", "includeRecentChanges": "true", "active": "Any"}
    list(client.jobs.export(from_=datetime(2024, 5, 1, 12, 30, 0, 1000, tzinfo=UTC)))
    assert api.sent[1].url.params["from"] == "2024-05-01T12:30:00.001Z"


def test_duplicated_export_rows_are_passed_through(make_client: ClientFactory) -> None:
    sim = make_simulator(export_batch_size=40, faults="dup:1@/export/")
    ids = [row["id"] for row in make_client(sim).customers.export()]
    assert len(ids) > len(set(ids)) == sim.state()["customers"]


def test_malformed_export_rows_are_yielded_raw(make_client: ClientFactory) -> None:
    sim = make_simulator(faults="malformed:0.2@/export/")
    rows = list(make_client(sim).jobs.export())
    assert len(rows) == 200
    broken = [r for r in rows if not isinstance(r.get("id"), int)]
    assert broken  # ids missing or "ST-…": still yielded, for the sync to quarantine


def test_export_stops_on_a_server_that_repeats_its_token(make_client: ClientFactory) -> None:
    api = ScriptedApi(ok({"hasMore": True, "continueFrom": "same", "data": []}))
    client = make_client(transport=api.transport)
    rows = client.jobs.export(from_="same")
    assert list(rows) == [] and len(api.sent) == 1


def test_max_pages_bounds_an_export(make_client: ClientFactory) -> None:
    client = make_client(_paged_sim())
    rows = client.jobs.export(max_pages=2)
    assert len(list(rows)) == 100 and rows.has_more is True and rows.continue_from


def test_malformed_list_rows_are_set_aside_not_fatal(make_client: ClientFactory) -> None:
    sim = make_simulator(faults="malformed:0.1@/jobs")
    page = make_client(sim).jobs.list(page_size=200)
    assert page.rejected and len(page.items) + len(page.rejected) == len(page.data) == 200
    assert all(not isinstance(row.get("id"), int) for row in page.rejected)


def test_more_than_fifty_ids_are_walked_in_chunks(
    sim: Simulator, make_client: ClientFactory
) -> None:
    client = make_client(sim)
    ids = [job.id for job in client.jobs.iter_all(page_size=200)][:120]
    before = len(sim.requests())
    assert [job.id for job in client.jobs.iter_all(ids=ids, sort="+Id")] == sorted(ids)
    assert len(sim.requests()) - before == 3


def test_large_pages_decode_with_the_garbage_collector_paused(
    make_client: ClientFactory,
) -> None:
    """A big export page is decoded with the cyclic GC off (and on again afterwards)."""
    rows = [{"id": n, "name": f"row {n}", "tags": [n, n + 1]} for n in range(20_000)]
    states: list[tuple[int, bool]] = []
    real_loads = orjson.loads

    def spying_loads(content: bytes | str) -> object:
        states.append((len(content), gc.isenabled()))
        return real_loads(content)

    api = ScriptedApi(ok({"hasMore": False, "continueFrom": "t", "data": rows}))
    client = make_client(transport=api.transport)
    with mock.patch.object(orjson, "loads", spying_loads):
        page = next(client.jobs.export_pages())
    assert len(page.rows) == 20_000
    assert [enabled for size, enabled in states if size > base.GC_PAUSE_ABOVE] == [False]
    assert all(enabled for size, enabled in states if size < base.GC_PAUSE_ABOVE)  # token
    assert gc.isenabled()


def test_gc_pauses_nest_across_threads_and_respect_a_disabled_collector() -> None:
    inside = threading.Barrier(2)
    release = threading.Event()
    seen: list[bool] = []

    def worker() -> None:
        with base.gc_paused():
            inside.wait()
            release.wait()

    thread = threading.Thread(target=worker)
    thread.start()
    with base.gc_paused():
        inside.wait()
    seen.append(gc.isenabled())  # the other thread still decodes: still paused
    release.set()
    thread.join()
    seen.append(gc.isenabled())
    assert seen == [False, True]
    gc.disable()
    try:
        with base.gc_paused():
            pass
        assert not gc.isenabled()  # it was off before: left off
    finally:
        gc.enable()
