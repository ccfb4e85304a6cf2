from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from autofile.accounts.middleware import SESSION_KEY
from autofile.accounts.selectors import membership_get


@login_required
@require_POST
def organization_switch(request: HttpRequest, organization_id: int) -> HttpResponse:
    """Make another of the user's organizations the current one."""
    membership = membership_get(user=request.user, organization_id=organization_id)  # type: ignore[arg-type]
    if membership is None:
        raise Http404("No such organization")
    request.session[SESSION_KEY] = membership.organization_id
    messages.success(request, f"Now working in {membership.organization.name}.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)
