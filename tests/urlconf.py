"""Walk the URL configuration and the API schema: every page and every API operation, for the
permission tests.

Pages are named URL patterns; API operations are the operations of the OpenAPI schema (method and
path template). A URL pattern that serves a documented API operation is covered by the API table, so
the page walk leaves it out.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from functools import cache
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

SKIP_NAMESPACES = {"admin"}
METHODS = ("get", "post", "put", "patch", "delete")


def iter_url_names(
    resolver: URLResolver | None = None, prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIP_NAMESPACES:
                continue
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from iter_url_names(entry, namespace)
        elif entry.name:
            yield f"{prefix}{entry.name}", entry


@cache
def api_schema() -> dict[str, Any]:
    """The OpenAPI schema as served at /api/v1/schema/ (generated without a request)."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def api_operations() -> dict[str, dict[str, Any]]:
    """ "METHOD /path/{param}/" -> the schema's operation, for every documented API operation."""
    return {
        f"{method.upper()} {path}": operation
        for path, operations in api_schema().get("paths", {}).items()
        for method, operation in operations.items()
        if method in METHODS
    }


def _sample(parameter: dict[str, Any]) -> str:
    schema = parameter.get("schema", {})
    if schema.get("format") == "uuid":
        return str(uuid.UUID(int=1))
    return "1" if schema.get("type") == "integer" else "X0000001"


def api_url_names() -> set[str]:
    """URL names whose patterns serve documented API operations (found by resolving each path)."""
    names = set()
    for key, operation in api_operations().items():
        path = key.split(" ", 1)[1]
        samples = {
            p["name"]: _sample(p) for p in operation.get("parameters", []) if p["in"] == "path"
        }
        url = re.sub(r"\{([^}]+)\}", lambda m, s=samples: s.get(m.group(1), "1"), path)
        names.add(resolve(url).view_name)
    return names


def all_url_names() -> set[str]:
    """Every named page (URL patterns serving documented API operations excluded)."""
    return {name for name, _ in iter_url_names()} - api_url_names()


SAMPLE_VALUES = ("1", "A26-0000001")  # an id; a request or authorization number


def sample_url(name: str, pattern: URLPattern) -> str:
    """The URL of a named pattern with a value each of its converters accepts (objects need not exist)."""
    kwargs = {
        key: next(v for v in SAMPLE_VALUES if re.fullmatch(conv.regex, v))
        for key, conv in pattern.pattern.converters.items()
    }
    return reverse(name, kwargs=kwargs)
