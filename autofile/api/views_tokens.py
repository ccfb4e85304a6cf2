"""Settings → API tokens (admins): create one (its key is shown once), see them, revoke."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from autofile.accounts.decorators import role_required
from autofile.accounts.http import MemberRequest
from autofile.accounts.models import Role
from autofile.api.forms import ApiTokenForm
from autofile.api.selectors import api_token_get, api_tokens_for
from autofile.api.services import api_token_create, api_token_revoke
from autofile.core.htmx import render_page

TEMPLATE = "api/tokens.html"
PARTIALS = ("api-tokens",)


def _context(request: MemberRequest, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "tokens": api_tokens_for(organization=request.organization),
        "form": ApiTokenForm(),
        "new_key": "",
    }
    context.update(extra)
    return context


@role_required(Role.ADMIN)
def api_tokens(request: MemberRequest) -> HttpResponse:
    """The list and the create form; a valid POST answers with the new key, shown once."""
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            issued = api_token_create(
                organization=request.organization,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                created_by=request.user,
            )
            response = render_page(
                request,
                TEMPLATE,
                _context(request, new_key=issued.key, new_token=issued.token),
                partials=PARTIALS,
            )
            response["Cache-Control"] = "no-store"
            return response
        return render_page(
            request, TEMPLATE, _context(request, form=form), partials=PARTIALS, status=400
        )
    return render_page(request, TEMPLATE, _context(request), partials=PARTIALS)


@require_POST
@role_required(Role.ADMIN)
def api_token_revoke_view(request: MemberRequest, api_token_id: int) -> HttpResponse:
    token = api_token_get(organization=request.organization, api_token_id=api_token_id)
    if token is None:
        raise Http404("No such token")
    api_token_revoke(token=token)
    notice = f"Token “{token.name}” is revoked: it stops working now."
    if request.htmx:
        return render_page(request, TEMPLATE, _context(request, notice=notice), partials=PARTIALS)
    messages.success(request, notice)
    return redirect("api_tokens:list")
