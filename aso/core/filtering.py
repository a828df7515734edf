"""API filtering that refuses a filter given with no value instead of quietly ignoring it.

django-filter reads `?status=` (empty) as "no filter"; the schema says `status` is one of its choices, so an
empty value is a client error: 400 naming the filter.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django_filters.filters import BooleanFilter, CharFilter, ModelChoiceFilter, NumberFilter
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

EMPTY_FILTER = "Give a value for this filter, or leave it out."
NOT_A_FLAG = "Give true or false."
NOT_A_NUMBER = "Give a whole number."
WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 10**18 - 1})
class IdFilter(NumberFilter):
    """A filter on a row id: a whole number from 1 with at most 18 digits, in the schema and in the
    request (a foreign key's `NumberFilter` is otherwise published as a "number", which admits 1.5)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 10**18 - 1)
        super().__init__(*args, **kwargs)


class StrictDjangoFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            # Free-text filters may be empty (the schema allows an empty string); coded, boolean and
            # numeric ones may not.
            names = {
                name
                for name, field in filterset_class.base_filters.items()
                if not isinstance(field, CharFilter)
            }
            empty = sorted(k for k, v in request.query_params.items() if k in names and v == "")
            if empty:
                raise ValidationError({key: [EMPTY_FILTER] for key in empty})
            # A yes/no filter reads anything but true/false as "no filter": refuse it instead.
            flags = {
                n for n, f in filterset_class.base_filters.items() if isinstance(f, BooleanFilter)
            }
            bad = sorted(
                k
                for k, v in request.query_params.items()
                if k in flags and v.lower() not in {"true", "false"}
            )
            if bad:
                raise ValidationError({key: [NOT_A_FLAG] for key in bad})
            # Ids are whole numbers: refuse anything else before the database sees it.
            ids = {
                n
                for n, f in filterset_class.base_filters.items()
                if isinstance(f, ModelChoiceFilter | NumberFilter)
            }
            wrong = sorted(
                k
                for k, v in request.query_params.items()
                if k in ids and v != "" and not WHOLE_NUMBER.fullmatch(v)
            )
            if wrong:
                raise ValidationError({key: [NOT_A_NUMBER] for key in wrong})
        return super().filter_queryset(request, queryset, view)
