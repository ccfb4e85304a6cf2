"""Every API error as an RFC 9457 problem document (`application/problem+json`).

`title` is the HTTP status phrase, `detail` says what went wrong for a person, `code` is
DRF's machine-readable code, and a validation error lists the fields' messages in `errors`.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemJSONRenderer(JSONRenderer):
    media_type = PROBLEM_CONTENT_TYPE


class Refused(exceptions.APIException):
    """The request is well formed but the packet's state does not allow it."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The packet's state does not allow this."
    default_code = "refused"


class Unprocessable(exceptions.APIException):
    """The request is well formed but a value is not acceptable (a service said so)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "A value is not acceptable."
    default_code = "invalid"


def _flat(detail: Any) -> str:
    if isinstance(detail, list):
        return " ".join(_flat(d) for d in detail)
    if isinstance(detail, dict):
        return " ".join(f"{k}: {_flat(v)}" for k, v in detail.items())
    return str(detail)


def _codes(codes: Any) -> str:
    if isinstance(codes, str):
        return codes
    return "invalid"


def problem_response(
    status_code: int,
    detail: str,
    *,
    code: str = "",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
    }
    if code:
        body["code"] = code
    body.update(extra)
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: problem documents instead of DRF's `{"detail": …}`."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django logs it with its traceback and answers 500
    headers: dict[str, str] = {}
    if auth_header := getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = auth_header
    if (wait := getattr(exc, "wait", None)) is not None:
        headers["Retry-After"] = str(int(wait))
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            exc.status_code,
            "The request has invalid values; see errors.",
            code="invalid",
            headers=headers,
            errors=exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail},
        )
    return problem_response(
        exc.status_code, _flat(exc.detail), code=_codes(exc.get_codes()), headers=headers
    )


class NotFoundView(APIView):
    """What every URL under /api/ that names nothing answers: a 404 problem."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    schema = None

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.NotFound("No API endpoint at this address.")

    post = put = patch = delete = head = options = get
