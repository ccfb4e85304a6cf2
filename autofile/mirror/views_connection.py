"""Admin pages that set up the organization's ServiceTitan connection."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from autofile.accounts.decorators import role_required
from autofile.accounts.http import MemberRequest
from autofile.accounts.models import Role
from autofile.core.htmx import redirect_page, render_page
from autofile.mirror.connection_setup import (
    ConnectionTestResult,
    connection_autofile_tag_set,
    connection_test,
    connection_utility_account_field_set,
    location_custom_field_names,
)
from autofile.mirror.forms_connection import (
    AutoFileTagForm,
    ConnectionForm,
    UtilityAccountFieldForm,
)
from autofile.mirror.models import Connection, TagType
from autofile.mirror.selectors import connections_for, sync_request_latest
from autofile.mirror.services import connection_upsert
from autofile.mirror.views import connection_or_404

TEMPLATE = "mirror/connection_detail.html"
PARTIALS = ("connection-form", "connection-test", "connection-tag", "connection-utility-account")


def _save(form: ConnectionForm, connection: Connection | None) -> Connection:
    data = form.cleaned_data
    custom = data["environment"] == Connection.Environment.CUSTOM
    return connection_upsert(
        organization=form.organization,
        environment=data["environment"],
        tenant_id=data["tenant_id"],
        name=data["name"],
        base_url=data["base_url"] if custom else "",
        auth_url=data["auth_url"] if custom else "",
        app_key=data["app_key"],
        client_id=data["client_id"],
        # Write-only: a blank field on edit keeps the stored secret.
        client_secret=data["client_secret"] or (connection.client_secret if connection else ""),
    )


def _detail_context(
    request: MemberRequest,
    connection: Connection,
    *,
    form: ConnectionForm | None = None,
    tag_form: AutoFileTagForm | None = None,
    account_form: UtilityAccountFieldForm | None = None,
    result: ConnectionTestResult | None = None,
) -> dict[str, Any]:
    organization = request.organization
    tag_form = tag_form or AutoFileTagForm(connection=connection)
    account_form = account_form or UtilityAccountFieldForm(
        connection=connection, names=location_custom_field_names(connection=connection)
    )
    current_tag = None
    if connection.autofile_tag_type_id is not None:
        current_tag = TagType.objects.filter(
            connection=connection, st_id=connection.autofile_tag_type_id
        ).first()
    return {
        "connection": connection,
        "connections": connections_for(organization=organization),
        "form": form or ConnectionForm(organization=organization, instance=connection),
        "tag_form": tag_form,
        "account_form": account_form,
        "current_tag": current_tag,
        "result": result,
        "sync_request": sync_request_latest(connection=connection),
    }


@role_required(Role.ADMIN)
def connection_home(request: MemberRequest) -> HttpResponse:
    """The organization's connection, or the form that creates its first one."""
    connection = connections_for(organization=request.organization).first()
    if connection is None:
        return connection_create(request)
    return redirect("connection:detail", connection_id=connection.pk)


@role_required(Role.ADMIN)
def connection_create(request: MemberRequest) -> HttpResponse:
    organization = request.organization
    form = ConnectionForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        connection = _save(form, None)
        messages.success(
            request, "Connection saved. Test it, then choose the AutoFile tag and run a sync."
        )
        return redirect_page(request, "connection:detail", connection_id=connection.pk)
    return render_page(
        request,
        "mirror/connection_create.html",
        {"form": form, "connections": connections_for(organization=organization)},
        partials=("connection-form",),
    )


@role_required(Role.ADMIN)
def connection_detail(request: MemberRequest, connection_id: int) -> HttpResponse:
    """Edit the credentials; test them; choose the AutoFile tag."""
    connection = connection_or_404(request, connection_id)
    form = None
    if request.method == "POST":
        form = ConnectionForm(
            request.POST, organization=connection.organization, instance=connection
        )
        if form.is_valid():
            _save(form, connection)
            messages.success(request, "Connection saved.")
            return redirect_page(request, "connection:detail", connection_id=connection.pk)
    context = _detail_context(request, connection, form=form)
    return render_page(request, TEMPLATE, context, partials=PARTIALS)


@role_required(Role.ADMIN)
@require_POST
def connection_check(request: MemberRequest, connection_id: int) -> HttpResponse:
    """Run the credential check now and show what failed, step by step."""
    connection = connection_or_404(request, connection_id)
    result = connection_test(connection=connection)
    context = _detail_context(request, connection, result=result)
    return render_page(request, TEMPLATE, context, partials=PARTIALS)


@role_required(Role.ADMIN)
@require_POST
def connection_tag(request: MemberRequest, connection_id: int) -> HttpResponse:
    connection = connection_or_404(request, connection_id)
    form = AutoFileTagForm(request.POST, connection=connection)
    if form.is_valid():
        try:
            connection_autofile_tag_set(
                connection=connection, tag_type_st_id=form.cleaned_data["tag_type"]
            )
        except ValidationError as error:
            form.add_error(None, error)
    if form.is_valid():
        if not request.htmx:
            messages.success(request, "AutoFile tag saved.")
            return redirect("connection:detail", connection_id=connection.pk)
        form = AutoFileTagForm(connection=connection)
        context = _detail_context(request, connection, tag_form=form)
        context["tag_saved"] = True
        return render_page(request, TEMPLATE, context, partials=PARTIALS)
    context = _detail_context(request, connection, tag_form=form)
    return render_page(request, TEMPLATE, context, partials=PARTIALS)


@role_required(Role.ADMIN)
@require_POST
def connection_utility_account(request: MemberRequest, connection_id: int) -> HttpResponse:
    """Choose the location custom field the utility account numbers are written to."""
    connection = connection_or_404(request, connection_id)
    names = location_custom_field_names(connection=connection)
    form = UtilityAccountFieldForm(request.POST, connection=connection, names=names)
    if form.is_valid():
        connection_utility_account_field_set(
            connection=connection, field_name=form.cleaned_data["field_name"]
        )
        if not request.htmx:
            messages.success(request, "Utility account field saved.")
            return redirect("connection:detail", connection_id=connection.pk)
        form = UtilityAccountFieldForm(connection=connection, names=names)
        context = _detail_context(request, connection, account_form=form)
        context["account_saved"] = True
        return render_page(request, TEMPLATE, context, partials=PARTIALS)
    context = _detail_context(request, connection, account_form=form)
    return render_page(request, TEMPLATE, context, partials=PARTIALS)
