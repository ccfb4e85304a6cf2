"""The demo's mailbox page (only while the mailbox backend is the e-mail backend)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from autofile.accounts.decorators import ANY_ROLE, role_required
from autofile.devtools.mailbox import mailbox_dir, mailbox_enabled, mailbox_messages


@require_GET
@role_required(*ANY_ROLE)
def mailbox(request: HttpRequest) -> HttpResponse:
    """What AutoFile e-mailed (homeowner links, reminders, technicians' lists)."""
    if not mailbox_enabled():
        raise Http404("Mail goes to a real mail server here.")
    return render(
        request,
        "devtools/mailbox.html",
        {"messages_sent": mailbox_messages(), "folder": mailbox_dir()},
    )
