"""Forms of the connection setup pages."""

from __future__ import annotations

from typing import Any

from django import forms

from autofile.accounts.models import Organization
from autofile.core.forms import Form
from autofile.mirror.models import Connection, TagType

Environment = Connection.Environment


class ConnectionForm(Form):
    """A connection's settings. The client secret is write-only: never rendered back.

    Editing keeps the tenant and environment (a different tenant is another connection,
    with its own mirror); a blank secret keeps the stored one.
    """

    name = forms.CharField(max_length=200, initial="ServiceTitan")
    environment = forms.ChoiceField(choices=Environment.choices, initial=Environment.PRODUCTION)
    base_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Base URL",
        help_text="For a custom environment only, e.g. the simulator's http://127.0.0.1:8765",
    )
    auth_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Token URL",
        help_text="Custom environment only; defaults to the base URL + /connect/token",
    )
    tenant_id = forms.IntegerField(min_value=1, max_value=2**63 - 1, label="Tenant ID")
    app_key = forms.CharField(max_length=200, label="App key")
    client_id = forms.CharField(max_length=200, label="Client ID")
    client_secret = forms.CharField(
        max_length=500,
        label="Client secret",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        instance: Connection | None = None,
        **kwargs: Any,
    ) -> None:
        self.organization = organization
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "environment": instance.environment,
                    "base_url": instance.base_url,
                    "auth_url": instance.auth_url,
                    "tenant_id": instance.tenant_id,
                    "app_key": instance.app_key,
                    "client_id": instance.client_id,
                },
            )
        super().__init__(*args, **kwargs)
        if instance is not None:
            for name in ("environment", "tenant_id"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Fixed for this connection."
            secret = self.fields["client_secret"]
            secret.required = False
            secret.help_text = "Stored encrypted and never shown. Leave blank to keep it."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        environment = data.get("environment")
        base_url = data.get("base_url") or ""
        if environment == Environment.CUSTOM and not base_url and "base_url" not in self.errors:
            self.add_error("base_url", "A custom environment needs its base URL.")
        if environment and environment != Environment.CUSTOM:
            for name in ("base_url", "auth_url"):
                if data.get(name):
                    self.add_error(name, "Only a custom environment takes a URL.")
        tenant_id = data.get("tenant_id")
        if self.instance is None and environment and tenant_id:
            taken = Connection.objects.filter(
                organization=self.organization, environment=environment, tenant_id=tenant_id
            ).exists()
            if taken:
                self.add_error(
                    "tenant_id", "This organization already has a connection to this tenant."
                )
        return data


class AutoFileTagForm(Form):
    """The tag type AutoFile puts on every record it writes back."""

    tag_type = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        label="AutoFile tag",
        help_text="Added to every job or customer AutoFile changes in ServiceTitan.",
    )

    def __init__(self, *args: Any, connection: Connection, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"tag_type": connection.autofile_tag_type_id})
        super().__init__(*args, **kwargs)
        tag_types = TagType.objects.filter(connection=connection, active=True).order_by("name")
        self.tag_type_count = 0
        choices: list[tuple[Any, str]] = [("", "— none —")]
        for tag in tag_types:
            choices.append((tag.st_id, tag.name))
            self.tag_type_count += 1
        self.fields["tag_type"].choices = choices  # type: ignore[attr-defined]


class UtilityAccountFieldForm(Form):
    """The location custom field AutoFile writes the utility account numbers it records to."""

    field_name = forms.CharField(
        max_length=200,
        required=False,
        label="Location custom field",
        help_text=(
            "The ServiceTitan location custom field that holds the utility account number, "
            "e.g. Utility Account Number. Empty: AutoFile keeps the numbers to itself."
        ),
    )

    def __init__(self, *args: Any, connection: Connection, names: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"field_name": connection.utility_account_field})
        super().__init__(*args, **kwargs)
        self.names = names
        self.fields["field_name"].widget.attrs["list"] = "location-custom-fields"
