"""Reads of members and their coverage.

The eligibility doors other apps use:

- `eligibility_on(*, member, on)`: the answer for a member already identified (registration, review);
- `eligibility_check(*, medicaid_id, birth_date, on)`: the answer for an id and date of birth typed by a
  provider (web page and API); an id whose date of birth does not match answers exactly like an unknown id.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from members.models import EligibilitySpan, Member
from members.rules import (
    CoverageSpan,
    EligibilityAnswer,
    MemberFacts,
    decide_eligibility,
    identify_member,
    not_found,
)


def spans_covering(*, member_id: int, on: dt.date) -> QuerySet[EligibilitySpan]:
    """The member's eligibility spans in force on a date (a member may hold several programs)."""
    return (
        EligibilitySpan.objects.filter(member_id=member_id, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("program")
        .order_by("start")
    )


def _coverage_spans(member_id: int, on: dt.date) -> list[CoverageSpan]:
    """Spans that may answer for `on`: those starting on or before it (in force, or ended before)."""
    rows = (
        EligibilitySpan.objects.filter(member_id=member_id, start__lte=on)
        .order_by()
        .values_list("id", "program__code", "program__name", "start", "end", "program__sort_order")
    )
    return [
        CoverageSpan(
            span_id=pk, program_code=code, program_name=name, start=start, end=end, priority=order
        )
        for pk, code, name, start, end, order in rows
    ]


def eligibility_on(*, member: Member, on: dt.date) -> EligibilityAnswer:
    """Whether `member` is covered on `on`, under which program and span, and why not. One query."""
    facts = MemberFacts(member_id=member.pk, birth_date=member.birth_date)
    return decide_eligibility(member=facts, spans=_coverage_spans(member.pk, on), on=on)


def normalize_medicaid_id(value: str) -> str:
    """Ids are compared as the state writes them: upper case, no surrounding spaces."""
    return value.strip().upper()


def eligibility_check(*, medicaid_id: str, birth_date: dt.date, on: dt.date) -> EligibilityAnswer:
    """The answer to a provider's check: id + date of birth + date of service.

    An unknown id and a known id with another date of birth take the same path and give the same
    answer (one query each, no spans read), so the answer never confirms that an id exists.
    """
    row = (
        Member.objects.filter(medicaid_id=normalize_medicaid_id(medicaid_id))
        .values_list("id", "birth_date")
        .first()
    )
    candidate = MemberFacts(member_id=row[0], birth_date=row[1]) if row else None
    member = identify_member(candidate, birth_date)
    if member is None:
        return not_found(on)
    return decide_eligibility(member=member, spans=_coverage_spans(member.member_id, on), on=on)


def members_visible_to(*, user: Any) -> QuerySet[Member]:
    """Members a user may open: all for staff who work with member data, none for anyone else.

    Provider staff never browse members: they check eligibility with an id and a date of birth.
    """
    if not user.is_authenticated or not user.has_perm("members.view_member_data"):
        return Member.objects.none()
    return Member.objects.all()


def access_member(*, user: Any, pk: int) -> Member:
    """The member, or 404 whether it is missing or not the user's to see."""
    return get_object_or_404(members_visible_to(user=user).select_related("town", "region"), pk=pk)
