"""OpenAPI additions: the bearer token scheme and the problem document every error is."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from autofile.api.problems import PROBLEM_CONTENT_TYPE


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "autofile.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token an admin created under Settings → API tokens.",
        }


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem document.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True},
    },
    "required": ["type", "title", "status", "detail"],
}


def problem_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: every operation may answer an error as a problem document."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            operation["responses"]["default"] = {
                "description": "An error (400, 401, 403, 404, 405, 409, 415, 422, 429)",
                "content": {PROBLEM_CONTENT_TYPE: {"schema": ref}},
            }
    return result
