"""The API's docs page: Swagger UI from vendored assets (drf-spectacular-sidecar)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
@login_required
def api_docs(request: HttpRequest) -> HttpResponse:
    """Signed-in members read the API here and try it with their session (or a token)."""
    return render(request, "api/docs.html")
