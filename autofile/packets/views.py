"""Admin pages for import rules (with preview and on/off switch) and rebate programs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from autofile.accounts.decorators import role_required
from autofile.accounts.models import Role
from autofile.core.forms import add_errors
from autofile.core.htmx import redirect_page, render_page
from autofile.mirror.models import Connection
from autofile.mirror.selectors import connection_get, connections_for
from autofile.packets import selectors, services
from autofile.packets.forms import PreviewWindowForm, ProgramEditor, RuleForm
from autofile.packets.models import ImportRule, RebateProgram

RULE_FORM_TEMPLATE = "packets/rule_form.html"
RULE_FORM_PARTIALS = ("rule-preview", "rule-switch")
RULE_LIST_TEMPLATE = "packets/rule_list.html"
PROGRAM_TEMPLATE = "packets/program_form.html"


def _organization(request: HttpRequest) -> Any:
    return request.organization  # type: ignore[attr-defined]


def _rule(request: HttpRequest, import_rule_id: int) -> ImportRule:
    rule = selectors.rule_get(organization=_organization(request), rule_id=import_rule_id)
    if rule is None:
        raise Http404("No such import rule")
    return rule


def _program(request: HttpRequest, rebate_program_id: int) -> RebateProgram:
    program = selectors.program_get(
        organization=_organization(request), program_id=rebate_program_id
    )
    if program is None:
        raise Http404("No such rebate program")
    return program


# --- import rules ----------------------------------------------------------------------


@role_required(Role.ADMIN)
def rule_list(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    context = {
        "rules": selectors.rules_for(organization=organization),
        "connections": list(connections_for(organization=organization)),
        "has_programs": selectors.program_choices(organization=organization).exists(),
    }
    return render_page(request, RULE_LIST_TEMPLATE, context, partials=("rules-table",))


def _chosen_connection(request: HttpRequest) -> tuple[Connection | None, list[Connection]]:
    """The tenant a new rule is for: ?connection=<id>, else the organization's first."""
    organization = _organization(request)
    connections = list(connections_for(organization=organization))
    wanted = request.POST.get("connection") or request.GET.get("connection")
    if wanted:
        try:
            connection = connection_get(organization=organization, connection_id=int(wanted))
        except ValueError:
            connection = None
        if connection is None:
            raise Http404("No such connection")
        return connection, connections
    return (connections[0] if connections else None), connections


def _rule_page(
    request: HttpRequest,
    *,
    connection: Connection,
    rule: ImportRule | None,
    connections: list[Connection],
) -> HttpResponse:
    """The rule form (create or edit); "Preview" shows matches without saving."""
    organization = _organization(request)
    options = selectors.rule_options(connection=connection)
    posted = request.method == "POST"
    previewing = posted and "preview" in request.POST
    form = RuleForm(
        request.POST if posted else None,
        organization=organization,
        options=options,
        rule=rule,
        preview=previewing,
    )
    window = PreviewWindowForm(request.POST if previewing else None, prefix="preview")
    preview = None
    if previewing:
        if form.is_valid() and window.is_valid():
            data = form.cleaned_data
            unsaved = ImportRule(
                organization=organization,
                connection=connection,
                program=data.get("program"),
                name=data.get("name") or "",
                **form.criteria,
            )
            preview = selectors.rule_preview(
                rule=unsaved,
                completed_from=window.cleaned_data.get("completed_from"),
                completed_to=window.cleaned_data.get("completed_to"),
            )
    elif posted and form.is_valid():
        data = form.cleaned_data
        try:
            if rule is None:
                rule = services.rule_create(
                    organization=organization,
                    connection=connection,
                    program=data["program"],
                    name=data["name"],
                    user=request.user,  # type: ignore[arg-type]
                    **form.criteria,
                )
                messages.success(
                    request,
                    f"Rule “{rule.name}” saved, switched off. Preview it, then switch it on.",
                )
            else:
                services.rule_update(
                    rule=rule, name=data["name"], program=data["program"], **form.criteria
                )
                note = " Its history is being imported." if rule.is_active else ""
                messages.success(request, f"Rule “{rule.name}” saved.{note}")
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect_page(request, "packets:rule_edit", import_rule_id=rule.pk)
    context = {
        "form": form,
        "window": window,
        "preview": preview,
        "previewing": previewing,
        "rule": rule,
        "connection": connection,
        "connections": connections,
        "options": options,
    }
    return render_page(request, RULE_FORM_TEMPLATE, context, partials=RULE_FORM_PARTIALS)


@role_required(Role.ADMIN)
def rule_create(request: HttpRequest) -> HttpResponse:
    connection, connections = _chosen_connection(request)
    if connection is None:
        return render_page(request, "packets/rule_no_connection.html", {})
    return _rule_page(request, connection=connection, rule=None, connections=connections)


@role_required(Role.ADMIN)
def rule_edit(request: HttpRequest, import_rule_id: int) -> HttpResponse:
    rule = _rule(request, import_rule_id)
    return _rule_page(request, connection=rule.connection, rule=rule, connections=[])


@role_required(Role.ADMIN)
@require_POST
def rule_switch(request: HttpRequest, import_rule_id: int) -> HttpResponse:
    """Switch a rule on (its history is imported in a worker) or off."""
    rule = _rule(request, import_rule_id)
    turn_on = request.POST.get("is_active") == "on"
    error = None
    try:
        services.rule_set_active(rule=rule, is_active=turn_on)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    target = request.htmx.target if request.htmx else None  # type: ignore[attr-defined]
    context: dict[str, Any]
    if target == "rules-table":
        context = {
            "rules": selectors.rules_for(organization=_organization(request)),
            "connections": list(connections_for(organization=_organization(request))),
            "switch_error": (rule.pk, error) if error else None,
            "has_programs": True,
        }
        return render_page(request, RULE_LIST_TEMPLATE, context, partials=("rules-table",))
    if target == "rule-switch":
        fresh = _rule(request, import_rule_id)
        context = {"rule": fresh, "switch_error": (rule.pk, error) if error else None}
        return render_page(request, RULE_FORM_TEMPLATE, context, partials=RULE_FORM_PARTIALS)
    if error:
        messages.error(request, error)
    else:
        state = "on: its history is being imported" if turn_on else "off"
        messages.success(request, f"Rule “{rule.name}” switched {state}.")
    if request.POST.get("next") == "list":
        return redirect("packets:rule_list")
    return redirect("packets:rule_edit", import_rule_id=rule.pk)


@role_required(Role.ADMIN)
def rule_status(request: HttpRequest, import_rule_id: int) -> HttpResponse:
    """The switch and history-import progress (polled while history is importing)."""
    rule = _rule(request, import_rule_id)
    return render_page(request, RULE_FORM_TEMPLATE + "#rule-switch", {"rule": rule})


@role_required(Role.ADMIN)
@require_POST
def rule_delete(request: HttpRequest, import_rule_id: int) -> HttpResponse:
    rule = _rule(request, import_rule_id)
    services.rule_delete(rule=rule)
    messages.success(request, f"Rule “{rule.name}” deleted; the packets it imported stay.")
    return redirect_page(request, "packets:rule_list")


# --- rebate programs ---------------------------------------------------------------------


@role_required(Role.ADMIN)
def program_list(request: HttpRequest) -> HttpResponse:
    context = {
        "programs": selectors.programs_for(organization=_organization(request)),
        "examples": selectors.example_programs(),
    }
    return render_page(request, "packets/program_list.html", context)


@role_required(Role.ADMIN)
@require_POST
def program_copy(request: HttpRequest) -> HttpResponse:
    """Copy one of the shipped example programs into the organization."""
    try:
        program = services.program_copy_example(
            organization=_organization(request), key=request.POST.get("example", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect_page(request, "packets:program_list")
    messages.success(
        request,
        f"Copied “{program.name}”. Check every amount, rating, window and document against "
        "the sponsor's current program manual, then rename it.",
    )
    return redirect_page(request, "packets:program_edit", rebate_program_id=program.pk)


def _sku_choices(request: HttpRequest) -> list[tuple[int, str]]:
    """Pricebook equipment of the organization's first tenant, for measures."""
    connection = connections_for(organization=_organization(request)).first()
    if connection is None:
        return []
    return selectors.equipment_choices(connection=connection)


def _program_page(request: HttpRequest, program: RebateProgram | None) -> HttpResponse:
    organization = _organization(request)
    posted = request.method == "POST"
    add = request.POST.get("add", "") if posted else ""
    editor = ProgramEditor(
        organization=organization,
        program=program,
        data=request.POST if posted else None,
        add=add,
        sku_choices=_sku_choices(request),
    )
    if posted and not add and editor.is_valid():
        saved = editor.save()
        if saved is not None:
            messages.success(request, f"Program “{saved.name}” saved.")
            return redirect_page(request, "packets:program_edit", rebate_program_id=saved.pk)
    context = {"editor": editor, "program": program}
    return render_page(request, PROGRAM_TEMPLATE, context, partials=("program-editor",))


@role_required(Role.ADMIN)
def program_create(request: HttpRequest) -> HttpResponse:
    return _program_page(request, None)


@role_required(Role.ADMIN)
def program_edit(request: HttpRequest, rebate_program_id: int) -> HttpResponse:
    return _program_page(request, _program(request, rebate_program_id))


@role_required(Role.ADMIN)
@require_POST
def program_delete(request: HttpRequest, rebate_program_id: int) -> HttpResponse:
    program = _program(request, rebate_program_id)
    try:
        services.program_delete(program=program)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect_page(request, "packets:program_edit", rebate_program_id=program.pk)
    messages.success(request, f"Program “{program.name}” deleted.")
    return redirect_page(request, "packets:program_list")
