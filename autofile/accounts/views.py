from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from autofile.accounts.decorators import role_required
from autofile.accounts.forms import InvitationForm, MemberRoleForm, NewAccountForm
from autofile.accounts.http import AppRequest, MemberRequest, SignedInRequest
from autofile.accounts.middleware import SESSION_KEY
from autofile.accounts.models import Invitation, Membership, Role, User
from autofile.accounts.selectors import (
    invitation_by_token,
    invitation_get,
    invitations_pending,
    member_get,
    members_of,
    membership_get,
)
from autofile.accounts.services import (
    invitation_accept,
    invitation_accept_as_new_user,
    invitation_create,
    invitation_revoke,
    membership_remove,
    membership_role_change,
)
from autofile.core.htmx import render_page


@login_required
@require_POST
def organization_switch(request: SignedInRequest, organization_id: int) -> HttpResponse:
    """Make another of the user's organizations the current one."""
    membership = membership_get(user=request.user, organization_id=organization_id)
    if membership is None:
        raise Http404("No such organization")
    request.session[SESSION_KEY] = membership.organization_id
    messages.success(request, f"Now working in {membership.organization.name}.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)


# --- members, roles and invitations (admins) -----------------------------------------

MEMBERS_TEMPLATE = "accounts/members.html"
MEMBERS_PARTIALS = ("members-table", "invitations")


def _members_context(request: MemberRequest, **extra: Any) -> dict[str, Any]:
    organization = request.organization
    context: dict[str, Any] = {
        "members": members_of(organization=organization),
        "invitations": invitations_pending(organization=organization),
        "invite_form": InvitationForm(),
        "roles": Role.choices,
        "member_error": None,
    }
    context.update(extra)
    return context


def _member(request: MemberRequest, membership_id: int) -> Membership:
    membership = member_get(organization=request.organization, membership_id=membership_id)
    if membership is None:
        raise Http404("No such member")
    return membership


def _invitation(request: MemberRequest, invitation_id: int) -> Invitation:
    invitation = invitation_get(organization=request.organization, invitation_id=invitation_id)
    if invitation is None:
        raise Http404("No such invitation")
    return invitation


def _flash(request: MemberRequest, level: int, text: str) -> None:
    """Tell a plain form post what happened on the page it goes back to; htmx shows it in
    the swapped part instead."""
    if not request.htmx:
        messages.add_message(request, level, text)


def _after_change(request: MemberRequest, **extra: Any) -> HttpResponse:
    """htmx swaps the changed table in place; a plain form post goes back to the page."""
    if request.htmx:
        return render_page(
            request, MEMBERS_TEMPLATE, _members_context(request, **extra), partials=MEMBERS_PARTIALS
        )
    return redirect("accounts:members")


def _accept_url(request: HttpRequest) -> Any:
    def build(token: str) -> str:
        path = reverse("accounts:invitation_accept") + "?" + urlencode({"token": token})
        return request.build_absolute_uri(path)

    return build


@role_required(Role.ADMIN)
def members(request: MemberRequest) -> HttpResponse:
    return render_page(
        request, MEMBERS_TEMPLATE, _members_context(request), partials=MEMBERS_PARTIALS
    )


@role_required(Role.ADMIN)
@require_POST
def member_role(request: MemberRequest, membership_id: int) -> HttpResponse:
    membership = _member(request, membership_id)
    form = MemberRoleForm(request.POST)
    error = None
    if not form.is_valid():
        error = "Choose one of the roles."
    else:
        try:
            membership_role_change(membership=membership, role=form.cleaned_data["role"])
        except ValidationError as exc:
            error = exc.messages[0]
    if error is None:
        _flash(
            request, messages.SUCCESS, f"{membership.user} is now {membership.get_role_display()}."
        )
        return _after_change(request)
    _flash(request, messages.ERROR, error)
    return _after_change(request, member_error=(membership.pk, error))


@role_required(Role.ADMIN)
@require_POST
def member_remove(request: MemberRequest, membership_id: int) -> HttpResponse:
    membership = _member(request, membership_id)
    try:
        membership_remove(membership=membership)
    except ValidationError as exc:
        _flash(request, messages.ERROR, exc.messages[0])
        return _after_change(request, member_error=(membership.pk, exc.messages[0]))
    if membership.user_id == request.user.pk:
        # They removed themselves: nothing of this organization is theirs to see now.
        request.session.pop(SESSION_KEY, None)
        messages.success(request, f"You left {membership.organization}.")
        return redirect("/")
    _flash(request, messages.SUCCESS, f"{membership.user} was removed.")
    return _after_change(request)


@role_required(Role.ADMIN)
def invitation_new(request: MemberRequest) -> HttpResponse:
    """Invite someone by email; the form keeps the input and shows errors in place."""
    if request.method != "POST":
        return redirect("accounts:members")
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitation_create(
                organization=request.organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
                accept_url=_accept_url(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            notice = f"Invitation sent to {invitation.email}."
            _flash(request, messages.SUCCESS, notice)
            return _after_change(request, invite_notice=notice)
    return render_page(
        request,
        MEMBERS_TEMPLATE,
        _members_context(request, invite_form=form),
        partials=MEMBERS_PARTIALS,
    )


@role_required(Role.ADMIN)
@require_POST
def invitation_resend(request: MemberRequest, invitation_id: int) -> HttpResponse:
    """Send a fresh link (the old one stops working)."""
    invitation = _invitation(request, invitation_id)
    if not invitation.is_pending():
        raise Http404("This invitation is no longer pending")
    try:
        fresh = invitation_create(
            organization=request.organization,
            email=invitation.email,
            role=invitation.role,
            invited_by=request.user,
            accept_url=_accept_url(request),
        )
    except ValidationError as exc:
        _flash(request, messages.ERROR, exc.messages[0])
        return _after_change(request, invite_notice=exc.messages[0])
    notice = f"A new invitation was sent to {fresh.email}."
    _flash(request, messages.SUCCESS, notice)
    return _after_change(request, invite_notice=notice)


@role_required(Role.ADMIN)
@require_POST
def invitation_cancel(request: MemberRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation(request, invitation_id)
    try:
        invitation_revoke(invitation=invitation)
    except ValidationError as exc:
        _flash(request, messages.ERROR, exc.messages[0])
        return _after_change(request, invite_notice=exc.messages[0])
    notice = f"The invitation of {invitation.email} was revoked."
    _flash(request, messages.SUCCESS, notice)
    return _after_change(request, invite_notice=notice)


# --- accepting an invitation (anyone holding the link) --------------------------------


def invitation_accept_page(request: AppRequest) -> HttpResponse:
    """The link in the invitation email.

    A signed-in user with the invited address joins with one click; a new person chooses
    a name and password; someone with an account but signed out is asked to sign in.
    """
    token = request.GET.get("token", "")
    invitation = invitation_by_token(token=token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", {"state": "unknown"}, status=404)
    if not invitation.is_pending():
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"state": invitation.state, "invitation": invitation},
            status=410,
        )
    user = request.user if request.user.is_authenticated else None
    existing = User.objects.filter(email__iexact=invitation.email).exists()
    form = None
    error = None
    if request.method == "POST":
        try:
            if user is not None:
                invitation_accept(invitation=invitation, user=user)
            elif not existing:
                form = NewAccountForm(request.POST, email=invitation.email)
                if form.is_valid():
                    user = invitation_accept_as_new_user(
                        invitation=invitation,
                        first_name=form.cleaned_data["first_name"],
                        last_name=form.cleaned_data["last_name"],
                        password=form.cleaned_data["password1"],
                    )
                    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                else:
                    user = None
        except ValidationError as exc:
            error = exc.messages[0]
            user = request.user if request.user.is_authenticated else None
        else:
            if user is not None:
                request.session[SESSION_KEY] = invitation.organization_id
                messages.success(request, f"Welcome to {invitation.organization.name}.")
                return redirect("/")
    if user is None and not existing and form is None:
        form = NewAccountForm(email=invitation.email)
    login_url = reverse("accounts:login") + "?" + urlencode({"next": request.get_full_path()})
    context = {
        "invitation": invitation,
        "token": token,
        "form": form,
        "error": error,
        "has_account": existing,
        "email_matches": user is not None and user.email.lower() == invitation.email.lower(),
        "login_url": login_url,
    }
    return render(request, "accounts/invitation_accept.html", context)
