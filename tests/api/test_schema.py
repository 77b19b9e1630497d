"""The OpenAPI schema describes what the API really answers (found by the fuzz test)."""

from __future__ import annotations

import pytest
import yaml
from rest_framework.test import APIClient


@pytest.fixture
def schema(db) -> dict:  # type: ignore[no-untyped-def, type-arg]
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


@pytest.mark.parametrize("path", ["/api/v1/workshops/", "/api/v1/repair-jobs/"])
def test_cursor_paginated_lists_are_documented_as_envelopes(schema, path) -> None:  # type: ignore[no-untyped-def]
    ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    component = schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[1]]
    assert set(component["properties"]) == {"next", "previous", "results"}
    assert component["properties"]["results"]["type"] == "array"


def test_every_operation_documents_its_problem_responses(schema) -> None:  # type: ignore[no-untyped-def]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for status in ("400", "401", "403", "404", "429", "503"):
                content = operation["responses"][status]["content"]
                assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}, (
                    method,
                    path,
                )
    assert {"type", "title", "status", "detail"} <= set(schema["components"]["schemas"]["Problem"]["required"])
