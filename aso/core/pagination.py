"""API pagination that refuses a malformed page number instead of quietly answering page 1.

DRF reads `?page=` (empty) as page 1; the schema says `page` is an integer, so an empty or non-numeric
value is a client error: 404 "Invalid page", as DRF answers for a page out of range.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

INVALID_PAGE = "Invalid page: give a whole number from 1."


class StrictPageNumberPagination(PageNumberPagination):
    def get_page_number(self, request: Any, paginator: Any) -> Any:
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if raw in self.last_page_strings or (raw.isdigit() and int(raw) >= 1):
            return raw
        raise NotFound(INVALID_PAGE)
