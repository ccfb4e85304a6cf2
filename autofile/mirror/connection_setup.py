"""Setting up an organization's connection: the credential check and the AutoFile tag.

`connection_test` is the one place a web request talks to ServiceTitan: an admin pressed
"Test connection" and waits for the answer, so it uses short timeouts, at most one retry,
a token of its own (a cached token would hide a wrong client secret) and the shared
(app key, tenant) request budget. It reports which part of the setup is wrong:

- credentials: the token endpoint refused the client id / client secret;
- app key:     the API refused the ST-App-Key (401 with a fresh token);
- tenant:      the tenant id is unknown or has not connected the app (403/404 naming it,
               or every module refusing);
- scope:       one module answered 403 while others answered (the app lacks that scope);
- network:     ServiceTitan could not be reached (DNS, refused, timeout);
- server:      ServiceTitan answered with a server error or kept rate limiting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

import httpx
from django.core.exceptions import ValidationError

from autofile.mirror.client import credentials, rate_limit, shared_rate_limiter
from autofile.mirror.models import Connection, Location, TagType
from autofile.mirror.registry import RESOURCES
from integrations.servicetitan import (
    AuthError,
    ClientOptions,
    InMemoryTokenStore,
    NotFoundError,
    RateLimitedError,
    RetryPolicy,
    ServiceTitanClient,
    ServiceTitanError,
    TransientError,
)

Problem = Literal["", "credentials", "app_key", "tenant", "scope", "network", "server"]

PROBLEM_LABELS: Final[dict[str, str]] = {
    "credentials": "Client ID or client secret",
    "app_key": "App key",
    "tenant": "Tenant ID",
    "scope": "API scopes",
    "network": "Network",
    "server": "ServiceTitan",
}


@dataclass(frozen=True)
class Probe:
    """One cheap read that proves the app may use a module."""

    module: str
    path: str
    label: str


# One read per module AutoFile uses, of the resource that matters most in it.
PROBES: Final[tuple[Probe, ...]] = (
    Probe("settings", "tag-types", "Settings (tag types, business units, technicians)"),
    Probe("crm", "customers", "CRM (customers, locations, contacts)"),
    Probe("jpm", "jobs", "Job planning (jobs, appointments, job types)"),
    Probe("dispatch", "appointment-assignments", "Dispatch (technician assignments)"),
    Probe("accounting", "invoices", "Accounting (invoices, payments)"),
    Probe("sales", "estimates", "Sales (estimates)"),
    Probe("pricebook", "categories", "Pricebook (services, equipment, materials)"),
    Probe("equipmentsystems", "installed-equipment", "Equipment systems (installed equipment)"),
    Probe("forms", "forms", "Forms (forms, submissions, attachments)"),
    Probe("service-agreements", "service-agreements", "Service agreements"),
    Probe("marketing", "campaigns", "Marketing (campaigns)"),
)

MODULES_USED: Final = frozenset(resource.feed.module for resource in RESOURCES)

# An admin is waiting: fail fast, retry a transient failure once.
CHECK_TIMEOUT: Final = httpx.Timeout(10.0, connect=5.0)
CHECK_RETRY: Final = RetryPolicy(
    max_attempts=2, base_delay=0.5, max_delay=1.0, max_elapsed=15.0, max_rate_limited=1,
    retry_after_cap=2.0,
)  # fmt: skip


@dataclass(frozen=True)
class CheckStep:
    label: str
    ok: bool
    problem: Problem = ""
    message: str = ""
    skipped: bool = False


@dataclass
class ConnectionTestResult:
    steps: list[CheckStep] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(step.ok for step in self.steps)

    @property
    def problems(self) -> list[Problem]:
        """What failed, most fundamental first, each once."""
        seen: list[Problem] = []
        for step in self.steps:
            if step.problem and step.problem not in seen:
                seen.append(step.problem)
        return seen

    @property
    def problem(self) -> Problem:
        return self.problems[0] if self.problems else ""

    @property
    def problem_label(self) -> str:
        return PROBLEM_LABELS.get(self.problem, "")

    @property
    def summary(self) -> str:
        if self.ok:
            return "Connected: the credentials work and every module AutoFile uses answered."
        first = next(step for step in self.steps if step.problem)
        return first.message


def _check_client(
    connection: Connection, transport: httpx.BaseTransport | None
) -> ServiceTitanClient:
    """A client with its own token (fetched now) and the shared request budget."""
    return ServiceTitanClient(
        credentials(connection),
        ClientOptions(
            timeout=CHECK_TIMEOUT,
            token_timeout=10.0,
            retry=CHECK_RETRY,
            rate_limit=rate_limit(),
        ),
        transport=transport,
        token_store=InMemoryTokenStore(),
        rate_limiter=shared_rate_limiter(),
    )


def _detail(error: ServiceTitanError) -> str:
    return error.title or error.body.text or error.message


def _network_message(error: ServiceTitanError, url: str) -> str:
    cause = error.__cause__
    reason = type(cause).__name__ if cause is not None else "no answer"
    return (
        f"Could not reach ServiceTitan at {url} ({reason}). Check the environment or base "
        "URL, and that this server may connect to it."
    )


def _token_step(client: ServiceTitanClient, connection: Connection) -> CheckStep:
    label = "Access token (client ID and secret)"
    url = client.connection.auth_url
    try:
        client.session.tokens.current()
    except AuthError as error:
        if error.status is None:  # the URL itself is unusable
            return CheckStep(label, False, "network", f"The token URL {url} is not usable.")
        return CheckStep(
            label,
            False,
            "credentials",
            f"ServiceTitan refused the client ID {connection.client_id!r} and its secret "
            f"(HTTP {error.status}: {_detail(error)}). Copy both again from the tenant's "
            "API application settings; they differ between production and integration.",
        )
    except RateLimitedError:
        return CheckStep(label, False, "server", "ServiceTitan's token endpoint rate limited us.")
    except TransientError as error:
        if error.status is None:
            return CheckStep(label, False, "network", _network_message(error, url))
        return CheckStep(
            label,
            False,
            "server",
            f"ServiceTitan's token endpoint failed (HTTP {error.status}); try again later.",
        )
    except ServiceTitanError as error:
        return CheckStep(label, False, "server", f"The token request failed: {_detail(error)}")
    return CheckStep(label, True, message="ServiceTitan issued an access token.")


def _mentions_tenant(error: ServiceTitanError) -> bool:
    return "tenant" in f"{error.title or ''} {error.body.text}".lower()


def _probe_step(client: ServiceTitanClient, probe: Probe, connection: Connection) -> CheckStep:
    try:
        client.request("GET", probe.path, module=probe.module, params={"pageSize": 1})
    except AuthError as error:
        if error.status == 401:
            return CheckStep(
                probe.label,
                False,
                "app_key",
                f"ServiceTitan refused the app key ({_detail(error)}). Use the app key of "
                "AutoFile's application from the ServiceTitan developer portal.",
            )
        if _mentions_tenant(error):
            return CheckStep(
                probe.label,
                False,
                "tenant",
                f"Tenant {connection.tenant_id} refused the app: {_detail(error)} Check the "
                "tenant ID, and that the tenant's admin connected the app.",
            )
        return CheckStep(
            probe.label,
            False,
            "scope",
            f"This module answered 403: the app lacks its read scope ({_detail(error)}). Ask "
            "the tenant's admin to grant it in the app's API settings.",
        )
    except NotFoundError as error:
        if _mentions_tenant(error):
            return CheckStep(
                probe.label,
                False,
                "tenant",
                f"ServiceTitan does not know tenant {connection.tenant_id}: {_detail(error)}",
            )
        return CheckStep(
            probe.label, False, "server", f"This module answered 404: {_detail(error)}"
        )
    except RateLimitedError:
        return CheckStep(
            probe.label, False, "server", "ServiceTitan rate limited the check; try again."
        )
    except TransientError as error:
        if error.status is None:
            return CheckStep(
                probe.label,
                False,
                "network",
                _network_message(error, client.connection.api_base_url),
            )
        return CheckStep(
            probe.label,
            False,
            "server",
            f"ServiceTitan failed to answer (HTTP {error.status}); try again later.",
        )
    except ServiceTitanError as error:
        return CheckStep(probe.label, False, "server", f"The read failed: {_detail(error)}")
    return CheckStep(probe.label, True, message="Answered.")


def connection_test(
    *, connection: Connection, transport: httpx.BaseTransport | None = None
) -> ConnectionTestResult:
    """Request a token and read one page of one row from each module AutoFile uses."""
    result = ConnectionTestResult()
    with _check_client(connection, transport) as client:
        token = _token_step(client, connection)
        result.steps.append(token)
        if not token.ok:
            result.steps.extend(
                CheckStep(probe.label, False, skipped=True, message="Not tried.")
                for probe in PROBES
            )
            return result
        stop = False
        for probe in PROBES:
            if stop:
                result.steps.append(
                    CheckStep(probe.label, False, skipped=True, message="Not tried.")
                )
                continue
            step = _probe_step(client, probe, connection)
            result.steps.append(step)
            # A wrong app key, tenant or an unreachable host fails every module alike.
            stop = step.problem in ("app_key", "tenant", "network")
    reads = [step for step in result.steps[1:] if not step.skipped]
    if reads and all(step.problem == "scope" for step in reads):
        # No module answered: the credentials are not for this tenant, rather than
        # a missing scope on each of them.
        result.steps[1:] = [
            CheckStep(
                step.label,
                False,
                "tenant",
                f"Every module refused tenant {connection.tenant_id} (403). Check the "
                "tenant ID, and that the tenant's admin connected the app to this client ID.",
            )
            for step in reads
        ]
    return result


def connection_autofile_tag_set(*, connection: Connection, tag_type_st_id: int | None) -> None:
    """Choose the tag type AutoFile adds to every record it writes back (or none)."""
    if (
        tag_type_st_id is not None
        and not TagType.objects.filter(connection=connection, st_id=tag_type_st_id).exists()
    ):
        raise ValidationError(
            {"tag_type": "This tag type is not among the tenant's mirrored tag types."}
        )
    connection.autofile_tag_type_id = tag_type_st_id
    connection.save(update_fields=["autofile_tag_type_id", "updated_at"])


def connection_utility_account_field_set(*, connection: Connection, field_name: str) -> None:
    """Name the location custom field that receives the utility account numbers AutoFile
    records (blank: none; the numbers stay in AutoFile)."""
    connection.utility_account_field = " ".join(field_name.split())
    connection.save(update_fields=["utility_account_field", "updated_at"])


def location_custom_field_names(*, connection: Connection, sample: int = 500) -> list[str]:
    """Names of the custom fields seen on the connection's mirrored locations (a sample)."""
    names: set[str] = set()
    rows = (
        Location.objects.filter(connection=connection)
        .exclude(raw__customFields=[])
        .values_list("raw__customFields", flat=True)[:sample]
    )
    for fields in rows:
        for entry in fields or ():
            if isinstance(entry, dict) and entry.get("name"):
                names.add(str(entry["name"]))
    return sorted(names)
