from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from autofile.accounts.models import Organization, Role, User
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

if TYPE_CHECKING:
    from celery.worker import WorkController
    from playwright.sync_api import Browser, Page

    from autofile.mirror.models import Connection
    from integrations.servicetitan.simulator import Simulator


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Users are made in most tests; the production hasher costs ~100 ms per password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """`--reuse-db` keeps the test database between runs, and a run interrupted inside a
    transactional test leaves its committed rows behind (duplicate keys in every test after
    a Ctrl-C). Each run starts from empty tables."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def organization(db: None) -> Organization:
    return OrganizationFactory.create(name="Lone Star Comfort")


@pytest.fixture
def other_organization(db: None) -> Organization:
    return OrganizationFactory.create(name="Bay State Heating")


@pytest.fixture
def member(organization: Organization) -> Callable[..., User]:
    """Make a user with `role` in the organization (or another one)."""

    def make(role: Role = Role.QA, org: Organization | None = None) -> User:
        user = UserFactory.create()
        MembershipFactory.create(user=user, organization=org or organization, role=role)
        return user

    return make


@pytest.fixture
def admin_user(member: Callable[..., User]) -> User:
    return member(Role.ADMIN)


@pytest.fixture
def qa_user(member: Callable[..., User]) -> User:
    return member(Role.QA)


@pytest.fixture
def coordinator_user(member: Callable[..., User]) -> User:
    return member(Role.COORDINATOR)


@pytest.fixture
def signed_in(client: Client) -> Callable[[User], Client]:
    def sign_in(user: User) -> Client:
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _plain_static_files(settings: pytest.FixtureRequest) -> None:
    """Tests don't run collectstatic, so static URLs come without a manifest."""
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[WorkController]:
    """A real Celery worker, in a thread, consuming all of AutoFile's queues on the test Redis.

    Tasks run against the test database, so tests using it need committed data
    (`transactional_db`). The queues are purged first so no earlier run leaks in.
    """
    from celery.contrib.testing.worker import start_worker

    from autofile.celery import app
    from autofile.core import queues

    app.control.purge()
    with start_worker(
        app,
        pool="threads",
        concurrency=2,
        perform_ping_check=False,
        queues=list(queues.ALL),
        shutdown_timeout=30,
    ) as worker:
        yield worker
        _drain(app)


def _drain(app: Any, timeout: float = 60.0) -> None:
    """Let tasks the test left behind (document fetches, validations) finish before the
    worker stops and the database is flushed: a flush racing a task deadlocks."""
    import time

    from celery.worker import state

    from autofile.core import queues

    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline and quiet < 3:
        with app.connection_for_write() as connection:
            client = connection.default_channel.client
            waiting = sum(client.llen(queue) for queue in queues.ALL)
        busy = waiting or state.active_requests or state.reserved_requests
        quiet = 0 if busy else quiet + 1
        time.sleep(0.2)


@pytest.fixture
def simulator() -> Iterator[tuple[Simulator, str]]:
    """A small simulated tenant served over real HTTP on an ephemeral port."""
    from integrations.servicetitan.simulator import Simulator, SimulatorConfig, run_in_thread

    sim = Simulator(SimulatorConfig(seed=11, scale="small"))
    with run_in_thread(sim) as base_url:
        yield sim, base_url


@pytest.fixture
def sim_connection(simulator: tuple[Simulator, str], organization: Organization) -> Connection:
    """The organization's connection to the simulated tenant."""
    from autofile.mirror.models import Connection
    from autofile.mirror.services import connection_upsert

    return connection_upsert(
        organization=organization,
        environment=Connection.Environment.CUSTOM,
        base_url=simulator[1],
        tenant_id=1000,
        client_id="sim-client-id",
        client_secret="sim-client-secret",
        app_key="sim-app-key",
    )


CHROMIUM = "/usr/bin/chromium"  # Debian's package; Playwright never downloads a browser
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium driven by Playwright's sync API, shared by the session's tests.

    Playwright runs an event loop in the test thread, which trips Django's guard against
    ORM calls from async code; the tests' ORM calls are synchronous, so the guard is off
    while the browser lives.
    """
    import os

    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A fresh browser tab (own cookies) whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(20_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def browser_sign_in(page: Page) -> Callable[[User], Page]:
    """Sign a user in through the login form, as a person would."""
    from tests.factories import PASSWORD

    def sign_in(user: User) -> Page:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)  # their landing page
        return page

    return sign_in


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Downloaded files go to a throwaway folder, never to the developer's var/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
