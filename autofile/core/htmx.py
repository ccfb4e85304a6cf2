"""Rendering and redirecting helpers for pages that also serve htmx requests."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    partials: tuple[str, ...] = (),
    status: int = 200,
) -> HttpResponse:
    """Render the whole page, or only the partial named after the htmx target.

    Partials are named after the DOM id they replace, so `hx-target="#packet-table"`
    renders `template#packet-table`. Plain requests (no JavaScript) get the full page.
    """
    htmx = getattr(request, "htmx", None)  # django-htmx's details; absent outside the middleware
    target = htmx.target if htmx else None
    name = f"{template}#{target}" if target and target in partials else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def redirect_page(request: HttpRequest, to: str, **kwargs: Any) -> HttpResponse:
    """Go to `to` (a URL, or a URL name with `kwargs`) after a POST: a plain redirect, or for
    htmx a full-page one (htmx would otherwise swap the next page into the element)."""
    url = resolve_url(to, **kwargs)
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)
