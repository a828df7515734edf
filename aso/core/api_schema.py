"""The API schema documents the error answers every operation can give, so clients (and the fuzzer)
know them: 403 without valid credentials or permission, 404 for an object one may not see (or a page
past the end), 400 for a malformed query or body."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_SCHEMA = {"type": "object", "additionalProperties": True}
METHODS = {"get", "post", "put", "patch", "delete"}


def _response(description: str, schema_ref: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": schema_ref}}},
    }


def document_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: add the shared error answers to every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorDetail", ERROR_SCHEMA)
    components.setdefault("ValidationErrors", VALIDATION_SCHEMA)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault(
                "403",
                _response("Not signed in, or not allowed.", "#/components/schemas/ErrorDetail"),
            )
            responses.setdefault(
                "404",
                _response(
                    "Not found, or not visible to the caller.", "#/components/schemas/ErrorDetail"
                ),
            )
            in_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
            if in_query or operation.get("requestBody"):
                responses.setdefault(
                    "400",
                    _response("The request is not valid.", "#/components/schemas/ValidationErrors"),
                )
    return result
