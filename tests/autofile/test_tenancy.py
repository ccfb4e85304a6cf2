"""Every URL of the app, tried with another organization's object ids, answers 404.

The walk reads the URL configuration, so new URLs are covered the day they are added.
A URL keyword `<model>_id` names the model whose id it takes (`packet_id` → Packet,
`import_rule_id` → ImportRule); a keyword the walk cannot map fails the test, which keeps
the convention. Objects come from the factories in tests/factories.py.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import factory
import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from autofile.accounts.models import Organization, User
from autofile.packets.models import Packet
from tests import factories

SKIPPED_NAMESPACES = {"admin"}  # Django admin: staff only, none of our users is staff
#: The homeowner's link: no login; its token reaches one request only (tests/autofile/
#: outreach/test_request_rules.py proves it, here `test_public_urls_take_a_token_only`).
PUBLIC_NAMESPACES = {"outreach_public"}


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: tuple[str, ...]


def iter_routes(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = ""
) -> Iterator[Route]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in SKIPPED_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            yield from iter_routes(entry.url_patterns, prefix)
        elif entry.name:
            yield Route(f"{namespace}{entry.name}", tuple(entry.pattern.converters))


def model_for_kwarg(kwarg: str) -> type[models.Model]:
    assert kwarg.endswith("_id"), f"URL keyword {kwarg!r} must be named <model>_id"
    wanted = kwarg.removesuffix("_id").replace("_", "")
    matches = [m for m in apps.get_models() if m._meta.model_name == wanted]
    assert len(matches) == 1, f"URL keyword {kwarg!r} names no single model"
    return matches[0]


def factory_for(model: type[models.Model]) -> Any:
    for _, candidate in inspect.getmembers(factories, inspect.isclass):
        if (
            issubclass(candidate, factory.django.DjangoModelFactory)
            and candidate._meta.model is model
        ):
            return candidate
    raise AssertionError(f"tests/factories.py has no factory for {model.__name__}")


def object_in(model: type[models.Model], organization: Organization) -> models.Model:
    if model is Organization:
        return organization
    fields = {f.name for f in model._meta.get_fields()}
    if "connection" in fields:
        connection = factories.ConnectionFactory.create(organization=organization)
        return factory_for(model).create(connection=connection, organization=organization)
    if model is Packet:
        job = factories.JobFactory.create(
            connection=factories.ConnectionFactory.create(organization=organization)
        )
        return factory_for(model).create(job=job)
    return factory_for(model).create(organization=organization)


OBJECT_ROUTES = [
    route
    for route in iter_routes()
    if route.kwargs and route.name.split(":")[0] not in PUBLIC_NAMESPACES
]


def test_public_urls_take_a_token_only() -> None:
    """The only URLs outside the login rules are the homeowner's link, keyed by its token."""
    public = [r for r in iter_routes() if r.name.split(":")[0] in PUBLIC_NAMESPACES]
    assert public, "the walk finds the public link"
    assert all(r.kwargs == ("token",) for r in public), public


def test_the_walk_finds_object_urls() -> None:
    names = {route.name for route in OBJECT_ROUTES}
    assert "review:packet_detail" in names
    assert "accounts:organization_switch" in names


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda r: r.name)
def test_another_organizations_ids_answer_404(
    route: Route,
    client: Client,
    admin_user: User,
    organization: Organization,
    other_organization: Organization,
) -> None:
    client.force_login(admin_user)
    theirs = {kw: object_in(model_for_kwarg(kw), other_organization).pk for kw in route.kwargs}
    ours = {kw: object_in(model_for_kwarg(kw), organization).pk for kw in route.kwargs}

    url = reverse(route.name, kwargs=theirs)
    answers = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
    assert set(answers.values()) <= {404, 405}, f"{url} answered {answers}"
    assert 404 in answers.values(), f"{url} answered {answers}"

    own_url = reverse(route.name, kwargs=ours)
    own_answers = [getattr(client, method)(own_url).status_code for method in ("get", "post")]
    assert any(status not in (404, 405) for status in own_answers), (
        f"{own_url} should work for the organization's own objects, answered {own_answers}"
    )


API_ROUTES = [route for route in OBJECT_ROUTES if route.name.startswith("api:")]


def test_the_walk_finds_api_urls() -> None:
    assert "api:packet_detail" in {route.name for route in API_ROUTES}


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: r.name)
def test_an_api_token_reaches_only_its_organizations_ids(
    route: Route, admin_user: User, organization: Organization, other_organization: Organization
) -> None:
    """The same walk over the API with a (write) token instead of a session: another
    organization's ids answer 404 problems, the token's own work."""
    from autofile.api.services import api_token_create

    key = api_token_create(
        organization=organization, name="Robot", scope="write", created_by=admin_user
    ).key
    robot = Client(headers={"Authorization": f"Bearer {key}"})
    theirs = {kw: object_in(model_for_kwarg(kw), other_organization).pk for kw in route.kwargs}
    ours = {kw: object_in(model_for_kwarg(kw), organization).pk for kw in route.kwargs}

    url = reverse(route.name, kwargs=theirs)
    answers = {m: getattr(robot, m)(url, content_type="application/json") for m in ("get", "post")}
    codes = {m: r.status_code for m, r in answers.items()}
    assert set(codes.values()) <= {404, 405}, f"{url} answered {codes}"
    assert 404 in codes.values(), f"{url} answered {codes}"
    assert all(r["Content-Type"] == "application/problem+json" for r in answers.values())

    own_url = reverse(route.name, kwargs=ours)
    own = [
        getattr(robot, m)(own_url, content_type="application/json").status_code
        for m in ("get", "post")
    ]
    assert any(code not in (404, 405) for code in own), f"{own_url} answered {own}"
