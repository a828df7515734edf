"""Reads of members and their coverage."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from members.models import EligibilitySpan


def spans_covering(*, member_id: int, on: dt.date) -> QuerySet[EligibilitySpan]:
    """The member's eligibility spans in force on a date (a member may hold several programs)."""
    return (
        EligibilitySpan.objects.filter(member_id=member_id, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("program")
        .order_by("start")
    )
