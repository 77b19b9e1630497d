"""drf-spectacular post-processing: document the problem+json error responses every operation can give.

`api/exceptions.py` turns every API error into RFC 9457 problem+json; without this hook the schema listed
only the success responses, so a client (or a schema-conformance check) could not know that a 400, 401 or
404 is part of the contract.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from .exceptions import PROBLEM_CONTENT_TYPE

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True, "description": "Field → messages."},
    },
    "required": ["type", "title", "status", "detail"],
}

# Statuses `api/exceptions.py` can give on any operation (authentication, permissions, missing objects,
# content negotiation, throttling, database unavailable) and those only writes can give.
_ANY_OPERATION = {
    "400": "Invalid input.",
    "401": "Authentication required.",
    "403": "Not allowed.",
    "404": "Not found.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "429": "Too many requests.",
    "503": "Service temporarily unavailable.",
}
_WRITES = {
    "409": "Conflicts with the current state.",
    "413": "Upload too large.",
    "415": "Unsupported media type.",
}


def add_problem_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            statuses = dict(_ANY_OPERATION)
            if method in {"post", "put", "patch", "delete"}:
                statuses.update(_WRITES)
            responses = operation.setdefault("responses", {})
            for status, description in statuses.items():
                responses.setdefault(
                    status, {"description": description, "content": {PROBLEM_CONTENT_TYPE: {"schema": ref}}}
                )
    return result


def paginated(serializer_class: type[serializers.Serializer], name: str) -> serializers.Serializer:
    """The `{next, previous, results}` envelope of `api.pagination.CursorPagination`, for `extend_schema`."""
    return inline_serializer(
        name,
        {
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )
