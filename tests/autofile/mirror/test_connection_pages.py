"""The connection setup pages: credentials, the "Test connection" button, the AutoFile tag."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from autofile.accounts.models import Organization, Role, User
from autofile.mirror.connection_setup import MODULES_USED, PROBES
from autofile.mirror.models import Connection
from integrations.servicetitan.simulator import Simulator, run_in_thread
from tests.factories import ConnectionFactory, TagTypeFactory

SECRET = "sim-client-secret"


def custom_form(base_url: str, **changes: Any) -> dict[str, Any]:
    data = {
        "name": "Lone Star tenant",
        "environment": "custom",
        "base_url": base_url,
        "auth_url": "",
        "tenant_id": "1000",
        "app_key": "sim-app-key",
        "client_id": "sim-client-id",
        "client_secret": SECRET,
    }
    data.update(changes)
    return data


@pytest.fixture
def admin(signed_in: Callable[[User], Client], admin_user: User) -> Client:
    return signed_in(admin_user)


# --- creating and editing ---------------------------------------------------------------


def test_the_first_visit_offers_the_create_form(admin: Client) -> None:
    response = admin.get(reverse("connection:home"))
    assert response.status_code == 200
    assert b"Connect ServiceTitan" in response.content
    assert b'name="client_secret"' in response.content


def test_an_admin_connects_a_tenant(admin: Client, organization: Organization) -> None:
    response = admin.post(reverse("connection:create"), custom_form("http://127.0.0.1:8765"))
    connection = Connection.objects.get(organization=organization)
    assert response.status_code == 302
    assert response["Location"] == reverse("connection:detail", args=[connection.pk])
    assert connection.tenant_id == 1000
    assert connection.base_url == "http://127.0.0.1:8765"
    assert connection.client_secret == SECRET
    # Once there is a connection, the settings entry opens it.
    assert admin.get(reverse("connection:home"))["Location"] == response["Location"]


def test_field_errors_keep_the_input_but_never_the_secret(admin: Client) -> None:
    data = custom_form("", tenant_id="not a number", client_id="kept-client-id")
    response = admin.post(reverse("connection:create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "A custom environment needs its base URL." in page
    assert "Enter a whole number." in page
    assert 'value="kept-client-id"' in page
    assert 'value="sim-app-key"' in page
    assert SECRET not in page
    assert not Connection.objects.exists()


def test_a_url_goes_only_with_the_custom_environment(admin: Client) -> None:
    data = custom_form("http://127.0.0.1:8765", environment="production")
    response = admin.post(reverse("connection:create"), data)
    assert "Only a custom environment takes a URL." in response.content.decode()


def test_the_same_tenant_cannot_be_connected_twice(
    admin: Client, organization: Organization
) -> None:
    ConnectionFactory.create(organization=organization, tenant_id=1000)
    response = admin.post(reverse("connection:create"), custom_form("http://127.0.0.1:8765"))
    assert "already has a connection to this tenant" in response.content.decode()
    assert Connection.objects.filter(organization=organization).count() == 1


def test_htmx_form_errors_swap_only_the_form(admin: Client) -> None:
    response = admin.post(
        reverse("connection:create"),
        custom_form(""),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="connection-form",
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<form id="connection-form"')
    assert "A custom environment needs its base URL." in page


def test_htmx_save_redirects_the_whole_page(admin: Client, organization: Organization) -> None:
    response = admin.post(
        reverse("connection:create"),
        custom_form("http://127.0.0.1:8765"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="connection-form",
    )
    connection = Connection.objects.get(organization=organization)
    assert response["HX-Redirect"] == reverse("connection:detail", args=[connection.pk])


def test_the_edit_page_never_shows_the_secret(admin: Client, organization: Organization) -> None:
    connection = ConnectionFactory.create(organization=organization, client_secret="s3cr3t-value")
    page = admin.get(reverse("connection:detail", args=[connection.pk])).content.decode()
    assert "s3cr3t-value" not in page
    assert 'value="sim-client-id"' in page
    assert "Leave blank to keep it" in page


def test_a_blank_secret_keeps_the_stored_one(admin: Client, organization: Organization) -> None:
    connection = ConnectionFactory.create(
        organization=organization, tenant_id=1000, client_secret="s3cr3t-value"
    )
    data = custom_form("http://127.0.0.1:9999", client_secret="", app_key="new-app-key")
    response = admin.post(reverse("connection:detail", args=[connection.pk]), data)
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.client_secret == "s3cr3t-value"
    assert connection.app_key == "new-app-key"
    assert connection.base_url == "http://127.0.0.1:9999"


def test_a_new_secret_replaces_the_stored_one(admin: Client, organization: Organization) -> None:
    connection = ConnectionFactory.create(organization=organization, tenant_id=1000)
    data = custom_form("http://127.0.0.1:9999", client_secret="brand-new-secret")
    admin.post(reverse("connection:detail", args=[connection.pk]), data)
    connection.refresh_from_db()
    assert connection.client_secret == "brand-new-secret"


def test_editing_keeps_the_tenant_and_environment(
    admin: Client, organization: Organization
) -> None:
    connection = ConnectionFactory.create(organization=organization, tenant_id=1000)
    data = custom_form("http://127.0.0.1:9999", tenant_id="4242", environment="production")
    admin.post(reverse("connection:detail", args=[connection.pk]), data)
    assert Connection.objects.filter(organization=organization).count() == 1
    connection.refresh_from_db()
    assert (connection.tenant_id, connection.environment) == (1000, "custom")


def test_edit_errors_keep_the_input(admin: Client, organization: Organization) -> None:
    connection = ConnectionFactory.create(organization=organization, tenant_id=1000)
    data = custom_form("not a url", app_key="typed-app-key")
    response = admin.post(reverse("connection:detail", args=[connection.pk]), data)
    page = response.content.decode()
    assert "Enter a valid URL." in page
    assert 'value="typed-app-key"' in page
    connection.refresh_from_db()
    assert connection.app_key == "sim-app-key"


@pytest.mark.parametrize("role", [Role.QA, Role.COORDINATOR])
def test_only_admins_set_up_the_connection(
    role: Role,
    member: Callable[..., User],
    signed_in: Callable[[User], Client],
    organization: Organization,
) -> None:
    client = signed_in(member(role))
    connection = ConnectionFactory.create(organization=organization)
    assert client.get(reverse("connection:home")).status_code == 403
    assert client.post(reverse("connection:create"), custom_form("http://x")).status_code == 403
    assert client.get(reverse("connection:detail", args=[connection.pk])).status_code == 403
    assert client.post(reverse("connection:test", args=[connection.pk])).status_code == 403
    assert client.post(reverse("connection:tag", args=[connection.pk])).status_code == 403


# --- "Test connection" against the simulator --------------------------------------------


def test_every_module_autofile_uses_is_probed() -> None:
    assert {probe.module for probe in PROBES} == MODULES_USED


def run_test(client: Client, connection: Connection, *, htmx: bool = False) -> str:
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "connection-test"} if htmx else {}
    response = client.post(reverse("connection:test", args=[connection.pk]), **headers)  # type: ignore[arg-type]
    assert response.status_code == 200
    return response.content.decode()


def test_a_working_connection_reports_success(admin: Client, sim_connection: Connection) -> None:
    page = run_test(admin, sim_connection, htmx=True)
    assert page.lstrip().startswith('<div id="connection-test"')
    assert "Connection works." in page
    assert page.count("badge ready") == len(PROBES) + 1


def test_without_htmx_the_result_comes_with_the_whole_page(
    admin: Client, sim_connection: Connection
) -> None:
    page = run_test(admin, sim_connection)
    assert "<html" in page and "Connection works." in page


def sim_connection_with(
    simulator: tuple[Simulator, str], organization: Organization, **kw: Any
) -> Connection:
    return ConnectionFactory.create(organization=organization, base_url=simulator[1], **kw)


def test_a_wrong_secret_is_reported_as_credentials(
    admin: Client, simulator: tuple[Simulator, str], organization: Organization
) -> None:
    connection = sim_connection_with(
        simulator, organization, tenant_id=1000, client_secret="wrong-secret"
    )
    page = run_test(admin, connection, htmx=True)
    assert "Client ID or client secret problem." in page
    assert "ServiceTitan refused the client ID" in page
    assert "wrong-secret" not in page


def test_a_wrong_app_key_is_reported_as_the_app_key(
    admin: Client, simulator: tuple[Simulator, str], organization: Organization
) -> None:
    connection = sim_connection_with(simulator, organization, tenant_id=1000, app_key="wrong")
    page = run_test(admin, connection, htmx=True)
    assert "App key problem." in page
    assert "ST-App-Key" in page


def test_a_wrong_tenant_is_reported_as_the_tenant(
    admin: Client, simulator: tuple[Simulator, str], organization: Organization
) -> None:
    connection = sim_connection_with(simulator, organization, tenant_id=4321)
    page = run_test(admin, connection, htmx=True)
    assert "Tenant ID problem." in page
    assert "Tenant 4321" in page


def test_an_unreachable_host_is_reported_as_the_network(
    admin: Client, organization: Organization
) -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    connection = ConnectionFactory.create(organization=organization, base_url="http://127.0.0.1:9")
    page = run_test(admin, connection, htmx=True)
    assert "Network problem." in page
    assert "Could not reach ServiceTitan" in page


def without_scope(app: Simulator, module: str) -> Callable[..., Iterable[bytes]]:
    """The simulator behind a gateway that refuses one module, as a missing scope does."""

    def gateway(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["PATH_INFO"].startswith(f"/{module}/"):
            body = b'{"title": "Forbidden: scope tn.pb.categories:r not granted", "status": 403}'
            headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            start_response("403 Forbidden", headers)
            return [body]
        return app(environ, start_response)

    return gateway


@pytest.fixture
def scoped_simulator(simulator: tuple[Simulator, str]) -> Iterator[str]:
    with run_in_thread(without_scope(simulator[0], "pricebook")) as base_url:
        yield base_url


def test_a_module_answering_403_is_reported_as_a_missing_scope(
    admin: Client, scoped_simulator: str, organization: Organization
) -> None:
    connection = ConnectionFactory.create(
        organization=organization, base_url=scoped_simulator, tenant_id=1000
    )
    page = run_test(admin, connection, htmx=True)
    assert "API scopes problem." in page
    assert "Pricebook" in page
    # The other modules answered.
    assert page.count("badge ready") == len(PROBES)


# --- the AutoFile tag ----------------------------------------------------------------------


def test_without_mirrored_tag_types_the_page_offers_to_sync_them(
    admin: Client, organization: Organization
) -> None:
    connection = ConnectionFactory.create(organization=organization)
    page = admin.get(reverse("connection:detail", args=[connection.pk])).content.decode()
    assert "No tag types are mirrored" in page
    assert reverse("mirror:sync_start", args=[connection.pk]) in page
    assert 'value="tag-types"' in page


def test_an_admin_chooses_the_autofile_tag(admin: Client, organization: Organization) -> None:
    connection = ConnectionFactory.create(organization=organization)
    TagTypeFactory.create(connection=connection, organization=organization, name="Rebate Needed")
    tag = TagTypeFactory.create(
        connection=connection, organization=organization, name="AutoFile Updated"
    )
    page = admin.get(reverse("connection:detail", args=[connection.pk])).content.decode()
    assert "AutoFile Updated" in page and "Rebate Needed" in page

    response = admin.post(reverse("connection:tag", args=[connection.pk]), {"tag_type": tag.st_id})
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.autofile_tag_type_id == tag.st_id


def test_choosing_the_tag_with_htmx_swaps_the_section(
    admin: Client, organization: Organization
) -> None:
    connection = ConnectionFactory.create(organization=organization)
    tag = TagTypeFactory.create(connection=connection, organization=organization, name="AF")
    response = admin.post(
        reverse("connection:tag", args=[connection.pk]),
        {"tag_type": tag.st_id},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="connection-tag",
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="connection-tag"')
    assert "AutoFile tag saved." in page
    assert "Currently: <strong>AF</strong>" in page


def test_a_tag_of_another_tenant_is_refused(admin: Client, organization: Organization) -> None:
    connection = ConnectionFactory.create(organization=organization)
    TagTypeFactory.create(connection=connection, organization=organization)
    foreign = TagTypeFactory.create()  # another organization's tenant
    response = admin.post(
        reverse("connection:tag", args=[connection.pk]), {"tag_type": foreign.st_id}
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    connection.refresh_from_db()
    assert connection.autofile_tag_type_id is None
