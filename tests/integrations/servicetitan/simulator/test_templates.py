"""Export rows rendered from templates are byte-for-byte the rows the slow path renders."""

from __future__ import annotations

import orjson
import pytest

from integrations.servicetitan.simulator import Simulator, SimulatorConfig
from integrations.servicetitan.simulator.data.templates import (
    ArrayTemplate,
    Hole,
    JsonTemplate,
    RowRenderer,
)
from integrations.servicetitan.simulator.shaping import response_shape
from integrations.servicetitan.spec import Operation, load_specs
from tests.integrations.servicetitan.simulator.support import api_client, url

#: Export operations serving resources whose base rows are rendered from templates.
TEMPLATED = {
    "invoices": [("accounting", "Export_Invoices")],
    "invoice-items": [("accounting", "Export_InvoiceItems")],
    "estimates": [
        ("sales", "EstimatesExport_Estimates"),
        ("sales", "EstimatesExport_EstimatesAsyncLegacy"),
    ],
    "jobs": [("jpm", "Export_Jobs")],
    "appointments": [("jpm", "Export_Appointments")],
    "installed-equipment": [("equipmentsystems", "Export_ExportInstalledEquipment")],
}


def _export_operations(sim: Simulator) -> list[tuple[str, Operation]]:
    by_key = {operation.key: operation for operation in load_specs().operations}
    templated = {r for r in sim.store.resources if sim.store.state(r).base.row_spec is not None}
    assert templated == set(TEMPLATED)
    return [(resource, by_key[key]) for resource, keys in TEMPLATED.items() for key in keys]


@pytest.mark.parametrize(
    "config",
    [
        SimulatorConfig(seed=1, scale="small"),
        SimulatorConfig(seed=3, scale="small", imperfect_share=0.3),
        SimulatorConfig(seed=5, scale="small", imperfect_share=0.0),
    ],
    ids=["default", "many-imperfect", "perfect"],
)
def test_every_templated_row_equals_the_slow_rendering(config: SimulatorConfig) -> None:
    sim = Simulator(config)
    for resource, operation in _export_operations(sim):
        base = sim.store.state(resource).base
        _kind, shaper = response_shape(operation)
        renderer = RowRenderer(base.row_spec, base.record, shaper, shaper.keys)  # type: ignore[arg-type]
        assert renderer.usable
        for index in range(len(base)):
            expected = orjson.dumps(shaper(base.record(index)))
            assert renderer(index).encode() == expected, (resource, index)


def test_medium_tenant_invoices_and_estimates_render_identically() -> None:
    """A larger sample: more packages, business units and territories per template class."""
    sim = Simulator(SimulatorConfig(seed=2, scale="medium"))
    for resource, operation in _export_operations(sim):
        if resource not in ("invoices", "estimates"):
            continue
        base = sim.store.state(resource).base
        _kind, shaper = response_shape(operation)
        renderer = RowRenderer(base.row_spec, base.record, shaper, shaper.keys)  # type: ignore[arg-type]
        for index in range(0, len(base), 7):
            assert renderer(index).encode() == orjson.dumps(shaper(base.record(index)))


def test_export_pages_are_the_same_on_the_fast_and_the_slow_path() -> None:
    """``active=true`` takes the dict path (it filters rows); every base invoice is active, so
    both pages must carry the same rows."""
    sim = Simulator(SimulatorConfig(scale="small", rate_limit=0, export_batch_size=60))
    with api_client(sim) as client:
        for module, feed in (("accounting", "invoices"), ("sales", "estimates"), ("jpm", "jobs")):
            fast = client.get(url(module, f"export/{feed}"))
            slow = client.get(url(module, f"export/{feed}"), params={"active": "true"})
            assert fast.headers["content-type"] == "application/json; charset=utf-8"
            fast_body, slow_body = fast.json(), slow.json()
            assert fast_body["continueFrom"] == slow_body["continueFrom"]
            active = [row for row in fast_body["data"] if row.get("active", True)]
            assert active == slow_body["data"]


def test_changed_rows_follow_templated_rows_on_the_same_page() -> None:
    sim = Simulator(SimulatorConfig(scale="small", rate_limit=0))
    job_id = sim.store.state("jobs").base.id_at(0)
    sim.tag_job(int(job_id), sim.tenant.tag_ids["AutoFile"])
    with api_client(sim) as client:
        rows = client.get(url("jpm", "export/jobs")).json()["data"]
    assert rows[-1]["id"] == job_id
    assert sim.tenant.tag_ids["AutoFile"] in rows[-1]["tagTypeIds"]
    assert job_id not in [row["id"] for row in rows[:-1]]


def test_json_template_keeps_static_text_verbatim() -> None:
    sample = {
        "id": Hole("id"),
        "text": 'Quotes " and \\ backslashes, 100% {braces} and unicode: 25°C, café',
        "when": Hole("when", text=True),
        "nested": {"ok": True, "value": Hole("nested.value")},
    }
    template = JsonTemplate(sample)
    assert template.holes == ("id", "when", "nested.value")
    rendered = template.fill(7, "2025-01-02T03:04:05Z", "null")
    assert orjson.loads(rendered) == {
        "id": 7,
        "text": sample["text"],
        "when": "2025-01-02T03:04:05Z",
        "nested": {"ok": True, "value": None},
    }


def test_static_text_that_looks_like_a_hole_is_refused() -> None:
    with pytest.raises(ValueError, match="exactly once"):
        JsonTemplate({"a": Hole("a"), "b": "@@hole:0@@"})


def test_array_templates_fill_their_holes_column_by_column() -> None:
    elements = [
        JsonTemplate({"id": Hole("id"), "text": "50%" * n, "when": Hole("when", text=True)})
        for n in range(3)
    ]
    array = ArrayTemplate(elements)
    rendered = array.render((["1", "2", "3"], ["a", "b", "c"]))
    assert orjson.loads(rendered) == [
        {"id": 1, "text": "", "when": "a"},
        {"id": 2, "text": "50%", "when": "b"},
        {"id": 3, "text": "50%50%", "when": "c"},
    ]
    assert ArrayTemplate([]).render(()) == "[]"
    with pytest.raises(ValueError, match="same holes"):
        ArrayTemplate([JsonTemplate({"a": Hole("a")}), JsonTemplate({"b": Hole("b")})])
