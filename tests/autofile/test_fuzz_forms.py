"""Every form the URL resolver knows, posted malformed values, answers without a 500.

The walk reads the URL configuration (as tests/autofile/test_tenancy.py does), fills each
URL with ids of the signed-in user's own organization, reads the forms its page shows
(their fields and default values), and posts them back with one field at a time replaced
by a malformed value, with every field malformed at once, and with the formsets'
management forms broken or missing; as an admin, a QA reviewer and a coordinator.
Any answer but a 500 is fine: a field error, a refusal, a redirect.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from autofile.accounts.models import Organization, Role
from tests.autofile.test_tenancy import (
    PUBLIC_NAMESPACES,
    Route,
    iter_routes,
    model_for_kwarg,
    object_in,
)
from tests.factories import MembershipFactory, UserFactory

MALFORMED: dict[str, str] = {
    "nul": "a\x00b",
    "control": "x\x01\x07\x1b[31m\x7f",
    "long": "z" * 10_000,
    "huge-number": "12345678901234567890",
    "negative": "-5",
    "float-ish": "1e309",
    "unicode": "\u202egnp.exe\u200b\ud7ff\ufeff🙂",
    "markup": '<script>alert(1)</script><b onmouseover="x">',
}
#: The values also tried in one field at a time, the others keeping the page's defaults.
ONE_AT_A_TIME = ("nul", "control", "long", "huge-number")
#: Fields of a form tried one at a time (a program editor has dozens; every field still gets
#: each value in the "every field" posts).
MAX_SINGLE_FIELDS = 3
MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
ROUTES = [
    route
    for route in iter_routes()
    if route.name.split(":")[0] not in PUBLIC_NAMESPACES | {"api"}
    and route.name != "accounts:logout"
]


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)


class FormReader(HTMLParser):
    """The forms of a page: where each posts and its fields with their default values."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self.by_id: dict[str, Form] = {}
        self._current: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            target = a.get("hx-post") or a.get("action") or self.page_url
            self._current = Form(target or self.page_url)
            self.forms.append(self._current)
            if a.get("id"):
                self.by_id[a["id"]] = self._current
            return
        name = a.get("name")
        if tag not in ("input", "select", "textarea", "button") or not name:
            return
        form = self.by_id.get(a.get("form", "")) or self._current
        if form is None:
            form = Form(a.get("hx-post") or self.page_url)
            self.forms.append(form)
        kind = a.get("type", "text")
        if tag == "input" and kind in ("checkbox", "radio") and "checked" not in a:
            form.fields.setdefault(name, "")
            return
        if tag == "textarea":
            self._textarea = name
        if tag == "select":
            self._select = name
        form.fields[name] = a.get("value", "" if kind != "checkbox" else "on")
        self._field_form = form

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._field_form.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        if tag == "textarea":
            self._textarea = None
        if tag == "select":
            self._select = None


def forms_of(html: str, page_url: str) -> list[Form]:
    reader = FormReader(page_url)
    reader.feed(html)
    return reader.forms


def payloads(fields: dict[str, str]) -> Iterator[tuple[str, dict[str, str]]]:
    """(what is malformed, the POST data) for one form."""
    for label, value in MALFORMED.items():
        yield f"every field {label}", dict.fromkeys(fields, value)
    singles = [n for n in fields if not n.endswith(MANAGEMENT)][:MAX_SINGLE_FIELDS]
    for label in ONE_AT_A_TIME:
        for name in singles:
            yield f"{name}={label}", {**fields, name: MALFORMED[label]}
    managed = [n for n in fields if n.endswith(MANAGEMENT)]
    if managed:
        yield "no management form", {k: v for k, v in fields.items() if k not in managed}
        for bad in ("x", "-1", "99999999999999999999", "1000"):
            yield f"management form {bad}", {**fields, **dict.fromkeys(managed, bad)}


def own_ids(route: Route, organization: Organization) -> dict[str, int]:
    made: dict[type[models.Model], models.Model] = {}
    ids = {}
    for kw in route.kwargs:
        model = model_for_kwarg(kw)
        if model not in made:
            made[model] = object_in(model, organization)
        ids[kw] = made[model].pk
    return ids


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_malformed_input_never_answers_500(route: Route, organization: Organization) -> None:
    users = {}
    for role in (Role.ADMIN, Role.QA, Role.COORDINATOR):
        user = UserFactory.create()
        MembershipFactory.create(user=user, organization=organization, role=role)
        users[role] = user
    url = reverse(route.name, kwargs=own_ids(route, organization))
    failures: list[str] = []
    for role, user in users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        page = client.get(url)
        if page.status_code >= 500:
            failures.append(f"{role} GET {url}: {page.status_code}")
            continue
        readable = page.status_code == 200 and not page.streaming  # a download has no form
        html = page.content.decode(errors="replace") if readable else ""
        forms = [f for f in forms_of(html, url) if f.action in (url, "")] if html else []
        if not forms:
            forms = [Form(url, {"q": "", "name": "", "value": "", "reason": ""})]
        for form in forms:
            for what, data in payloads(form.fields):
                if role != Role.ADMIN and not what.startswith(
                    ("every field", "no management", "management")
                ):
                    continue  # one field at a time: as an admin (who may post every form)
                answer = client.post(url, data)
                if answer.status_code >= 500:
                    failures.append(f"{role} POST {url} with {what}: {answer.status_code}")
                if not client.session.get("_auth_user_id"):
                    client.force_login(user)  # a post signed them out (leaving an org)
    assert not failures, "\n".join(failures[:40])
