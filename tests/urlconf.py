"""Walk the URL configuration: every named page, with sample arguments, for the permission tests."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

SKIP_NAMESPACES = {"admin"}


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


def all_url_names() -> set[str]:
    return {name for name, _ in iter_url_names()}
