"""Small display helpers of the ICM pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def label_of(code: str, labels: dict[str, str]) -> str:
    """A code's label from a mapping (the code itself when unknown)."""
    return labels.get(code, code)


@register.filter
def discharged_only(stays: list[Any]) -> list[Any]:
    return [s for s in stays if s.discharged is not None]


@register.filter
def still_admitted(stays: list[Any]) -> list[Any]:
    return [s for s in stays if s.discharged is None]


@register.filter
def take(items: list[Any], count: int) -> list[Any]:
    return list(items)[: int(count)]
