"""The registry declares every mirror table once, with feeds ServiceTitan really serves."""

from __future__ import annotations

import inspect
import re

import factory
import pytest
from django.apps import apps
from django.db import models

from autofile.mirror.models import MirrorRecord
from autofile.mirror.registry import RESOURCES, Feed, Resource
from integrations.servicetitan.simulator import Simulator, SimulatorConfig
from integrations.servicetitan.spec import Operation, load_specs
from tests import factories

PLACEHOLDER = re.compile(r"\{[^}]+\}")


def _operation(feed: Feed) -> Operation | None:
    path = feed.export if feed.kind == "export" else feed.path
    wanted = PLACEHOLDER.sub("{}", f"/{feed.module}/v2/tenant/{{tenant}}/{path}")
    for operation in load_specs().operations:
        if operation.method == "GET" and PLACEHOLDER.sub("{}", operation.full_path) == wanted:
            return operation
    return None


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_feed_reads_an_operation_servicetitan_documents(resource: Resource) -> None:
    feed = resource.feed
    operation = _operation(feed)

    assert operation is not None, f"no GET {feed.module}/{feed.export or feed.path} in the specs"
    documented = {parameter.name for parameter in operation.query_parameters}
    for name in feed.params:
        assert name.split("[")[0] in documented, f"{operation} has no parameter {name}"
    if feed.kind == "export":
        assert {"from", "includeRecentChanges"} <= documented
    if feed.kind == "list":
        assert {feed.modified_param, "sort", "page", "pageSize"} <= documented
    if feed.kind in ("full", "per_job"):
        assert {"page", "pageSize"} <= documented


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_list_feeds_ask_for_inactive_rows_where_the_endpoint_can(resource: Resource) -> None:
    operation = _operation(resource.feed)
    assert operation is not None

    if resource.feed.kind != "export" and operation.parameter("active") is not None:
        assert resource.feed.params.get("active") == "Any"


def test_per_job_feeds_fill_in_the_job() -> None:
    by_name = {resource.name: resource for resource in RESOURCES}

    assert by_name["job-attachments"].feed.for_job(41) == ("jobs/41/attachments", {})
    path, params = by_name["form-submissions"].feed.for_job(41)
    assert path == "submissions"
    assert params["owners[0].type"] == "Job"
    assert params["owners[0].id"] == "41"


def test_every_mirror_table_is_declared_once() -> None:
    tables = {
        model
        for model in apps.get_app_config("mirror").get_models()
        if issubclass(model, MirrorRecord)
    }
    declared = [resource.model for resource in RESOURCES]

    assert sorted(m.__name__ for m in declared) == sorted(m.__name__ for m in tables)
    assert len({resource.name for resource in RESOURCES}) == len(RESOURCES)


def test_resource_names_are_the_simulators_keys() -> None:
    sim = Simulator(SimulatorConfig(seed=1, scale="small"))

    assert {resource.name for resource in RESOURCES} <= set(sim.state())


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_links_name_real_columns_and_are_indexed(resource: Resource) -> None:
    model = resource.model
    indexed = {tuple(index.fields) for index in model._meta.indexes}
    for link in resource.links:
        fk = model._meta.get_field(link.fk_column.removesuffix("_id"))
        assert isinstance(fk, models.ForeignKey)
        assert fk.related_model is link.target
        assert fk.attname == link.fk_column
        assert fk.deconstruct()[3].get("db_constraint") is False
        assert fk.remote_field.on_delete is models.SET_NULL
        st_column = model._meta.get_field(link.st_column)
        assert isinstance(st_column, models.Field)
        assert st_column.null
        assert ("connection", link.st_column) in indexed


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_every_foreign_key_between_mirror_rows_is_a_declared_link(resource: Resource) -> None:
    linked = {link.fk_column for link in resource.links}
    for field in resource.model._meta.concrete_fields:
        target = field.related_model if isinstance(field, models.ForeignKey) else None
        if isinstance(target, type) and issubclass(target, MirrorRecord):
            assert field.attname in linked


def test_referenced_resources_sync_first() -> None:
    position = {resource.model: n for n, resource in enumerate(RESOURCES)}
    for n, resource in enumerate(RESOURCES):
        for link in resource.links:
            assert position[link.target] <= n, f"{resource.name} syncs before {link.target}"


def test_cadences_put_jobs_first_and_reference_data_last() -> None:
    cadence = {resource.name: resource.cadence for resource in RESOURCES}

    assert cadence["jobs"].total_seconds() == 0
    assert max(cadence[name] for name in ("appointments", "invoices", "invoice-items")) <= min(
        cadence[name] for name in ("tag-types", "business-units", "equipment", "job-types")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_every_mirror_table_has_a_factory_and_a_readable_name(resource: Resource) -> None:
    candidates = [
        candidate
        for _, candidate in inspect.getmembers(factories, inspect.isclass)
        if issubclass(candidate, factory.django.DjangoModelFactory)
        and candidate._meta.model is resource.model
    ]
    assert len(candidates) == 1, f"tests/factories.py needs one factory for {resource.model}"
    connection = factories.ConnectionFactory.create()

    row = candidates[0].create(connection=connection, organization=connection.organization)

    assert row.organization_id == connection.organization_id
    assert str(row).strip()
