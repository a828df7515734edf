"""API filtering that refuses a filter given with no value instead of quietly ignoring it.

django-filter reads `?status=` (empty) as "no filter"; the schema says `status` is one of its choices, so an
empty value is a client error: 400 naming the filter.
"""

from __future__ import annotations

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

EMPTY_FILTER = "Give a value for this filter, or leave it out."


class StrictDjangoFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            names = set(filterset_class.base_filters)
            empty = sorted(k for k, v in request.query_params.items() if k in names and v == "")
            if empty:
                raise ValidationError({key: [EMPTY_FILTER] for key in empty})
        return super().filter_queryset(request, queryset, view)
