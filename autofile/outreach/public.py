"""The homeowner's pages, reached by the e-mailed link only (no account).

The token in the URL names one request; these views read that request and its packet and
nothing else of the organization. They are rate limited per client address (Django's
cache: Redis in production), answer with a strict Content-Security-Policy, and show each
step on its own page made for a phone. A refused input re-renders the step with what was
typed and a message saying what to fix.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from autofile.outreach import selectors, services
from autofile.outreach.forms import (
    ContactForm,
    FileForm,
    IncomeForm,
    SignatureForm,
    UtilityAccountForm,
)
from autofile.outreach.models import (
    OPEN_STATES,
    HomeownerRequest,
    Item,
    OutreachSettings,
    RequestState,
)
from autofile.outreach.uploads import UploadRefused, max_bytes

PUBLIC_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
WHY: dict[str, str] = {
    Item.UTILITY_ACCOUNT: (
        "The program pays the rebate against your electricity account, so it needs the "
        "account number."
    ),
    Item.UTILITY_BILL: (
        "The program checks that the address is served by the utility, using a recent bill."
    ),
    Item.PHOTOS: "The program asks for photos of the finished installation.",
    Item.CONTACT: (
        "The program contacts you to confirm the installation, so it needs a way to reach you."
    ),
    Item.SIGNATURE: (
        "The program needs your signature on its customer form to accept the application."
    ),
    Item.INCOME: (
        "This program's amount depends on household income; it asks you to confirm your "
        "income verification."
    ),
}
FORMS: dict[str, type[Any]] = {
    Item.UTILITY_ACCOUNT: UtilityAccountForm,
    Item.UTILITY_BILL: FileForm,
    Item.PHOTOS: FileForm,
    Item.CONTACT: ContactForm,
    Item.SIGNATURE: SignatureForm,
    Item.INCOME: IncomeForm,
}


def client_ip(request: HttpRequest) -> str:
    """The client's address (behind a proxy, set TRUSTED_PROXY_HEADER, e.g.
    HTTP_X_FORWARDED_FOR: its first entry is used)."""
    header = getattr(settings, "OUTREACH_TRUSTED_PROXY_HEADER", "")
    if header and request.META.get(header):
        return str(request.META[header]).split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """At most OUTREACH_RATE_LIMIT requests a minute per client address."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limit = int(getattr(settings, "OUTREACH_RATE_LIMIT", 60))
        minute = int(timezone.now().timestamp() // 60)
        key = f"outreach:rate:{client_ip(request)}:{minute}"
        cache.add(key, 0, timeout=90)
        try:
            count = cache.incr(key)
        except ValueError:
            count = 1
        if count > limit:
            response = render(
                request,
                "outreach/public/message.html",
                {
                    "title": "Too many tries",
                    "text": "Please wait a minute and try again.",
                },
                status=429,
            )
            response["Retry-After"] = "60"
            return _secure(response)
        return _secure(view(request, *args, **kwargs))

    return wrapped


def _secure(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = PUBLIC_CSP
    # The link's token must not leak to other sites; "no-referrer" would also make browsers
    # send `Origin: null` on the page's own form posts, which CSRF protection refuses.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _message(
    request: HttpRequest, title: str, text: str, status: int, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "outreach/public/message.html",
        {"title": title, "text": text, **extra},
        status=status,
    )


def _follow(hr: HomeownerRequest) -> dict[str, Any] | None:
    """How the filing goes, when the organization shows it."""
    config = OutreachSettings.objects.filter(organization_id=hr.organization_id).first()
    if config is not None and not config.show_filing_status:
        return None
    packet = hr.packet
    steps = [
        ("Details collected", True),
        (
            "Submitted to " + packet.program.sponsor,
            packet.submitted_on is not None or packet.status in ("submitted", "approved", "paid"),
        ),
        ("Approved", packet.status in ("approved", "paid")),
        ("Paid", packet.status == "paid"),
    ]
    return {"steps": steps, "status": packet.get_status_display()}


def _step_context(hr: HomeownerRequest, item: str, form: Any, error: str = "") -> dict[str, Any]:
    position = hr.items.index(item) + 1
    context: dict[str, Any] = {
        "hr": hr,
        "contractor": hr.organization.name,
        "program": hr.packet.program,
        "item": item,
        "label": Item(item).label,
        "why": WHY[item],
        "form": form,
        "error": error,
        "position": position,
        "count": len(hr.items),
        "labels": [(i, Item(i).label, i in hr.done) for i in hr.items],
        "first_visit": not hr.done,
        "max_mb": max_bytes() // 1_048_576,
    }
    if item == Item.SIGNATURE:
        context["customer_form"] = services.customer_form(hr)
    if item == Item.PHOTOS:
        context["photos_added"] = hr.packet.documents.filter(
            organization_id=hr.organization_id, origin__endswith=f"request #{hr.pk}", kind="photo"
        ).count()
    return context


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited
def start(request: HttpRequest, token: str) -> HttpResponse:
    """The homeowner's request: the current step (GET), or its answer (POST)."""
    hr = selectors.request_for_token(token)
    if hr is None:
        return _message(
            request,
            "This link does not work",
            "Check that the whole link was copied from the e-mail, or ask the contractor "
            "for a new one.",
            404,
        )
    if hr.state == RequestState.CANCELLED:
        return _message(
            request,
            "This request was withdrawn",
            f"{hr.organization.name} no longer needs anything through this link.",
            410,
        )
    if hr.state == RequestState.ANSWERED:
        return _message(
            request,
            "Thank you",
            f"{hr.organization.name} has everything it asked for.",
            200,
            follow=_follow(hr),
            contractor=hr.organization.name,
        )
    if hr.state not in OPEN_STATES or hr.expires_at <= timezone.now():
        return _message(
            request,
            "This link has expired",
            f"Ask {hr.organization.name} to send you a new one.",
            410,
        )
    services.homeowner_request_open(request=hr)
    remaining = hr.remaining
    item = remaining[0]
    form_class = FORMS[item]
    if request.method == "GET":
        return render(request, "outreach/public/step.html", _step_context(hr, item, form_class()))
    wanted = request.POST.get("step", "")
    if wanted != item:  # an old tab submitted a step already done: show the current one
        return redirect("outreach_public:start", token=token)
    form = form_class(request.POST, request.FILES)
    if item == Item.PHOTOS and request.POST.get("done") and not request.FILES:
        try:
            services.request_answer_photos_done(request=hr)
        except services.OutreachRefused as exc:
            return render(
                request,
                "outreach/public/step.html",
                _step_context(hr, item, FileForm(), exc.message),
                status=400,
            )
        return redirect("outreach_public:start", token=token)
    if not form.is_valid():
        return render(
            request, "outreach/public/step.html", _step_context(hr, item, form), status=400
        )
    try:
        _answer(request, hr, item, form.cleaned_data)
    except (services.OutreachRefused, UploadRefused) as exc:
        message = exc.message if isinstance(exc, services.OutreachRefused) else str(exc)
        return render(
            request, "outreach/public/step.html", _step_context(hr, item, form, message), status=400
        )
    return redirect("outreach_public:start", token=token)


def _answer(request: HttpRequest, hr: HomeownerRequest, item: str, data: dict[str, Any]) -> None:
    if item == Item.UTILITY_ACCOUNT:
        services.request_answer_utility_account(request=hr, value=data["account_number"])
    elif item in (Item.UTILITY_BILL, Item.PHOTOS):
        upload = data["file"]
        if upload.size > max_bytes():
            raise UploadRefused(
                f"The file is too large; the limit is {max_bytes() // 1_048_576} MB."
            )
        services.request_answer_document(
            request=hr,
            item=item,
            content=upload.read(),
            finished=item == Item.UTILITY_BILL or not request.POST.get("more"),
        )
    elif item == Item.CONTACT:
        services.request_answer_contact(
            request=hr, email=data.get("email") or "", phone=data.get("phone") or ""
        )
    elif item == Item.SIGNATURE:
        services.request_answer_signature(
            request=hr,
            typed_name=data["typed_name"],
            drawing_data_url=data.get("drawing") or "",
            ip_address=client_ip(request) or None,
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    elif item == Item.INCOME:
        services.request_answer_income(
            request=hr, confirmed=bool(data.get("confirmed")), household=data.get("household") or ""
        )
