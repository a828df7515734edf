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

from members.models import EligibilityLoad, EligibilitySpan, Member, Program
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


SEARCH_LIMIT = 50


def members_matching(
    *,
    user: Any,
    medicaid_id: str = "",
    last_name: str = "",
    first_name: str = "",
    birth_date: dt.date | None = None,
) -> QuerySet[Member]:
    """Staff search: an exact Medicaid id, or a date of birth with the start of the last (and first)
    name, case-insensitive. At most SEARCH_LIMIT members, by name."""
    members = members_visible_to(user=user).select_related("town", "region")
    if medicaid_id:
        members = members.filter(medicaid_id=normalize_medicaid_id(medicaid_id))
    elif birth_date is None:
        return members.none()
    else:
        members = members.filter(birth_date=birth_date, last_name__istartswith=last_name.strip())
        if first_name.strip():
            members = members.filter(first_name__istartswith=first_name.strip())
    return members.order_by("last_name", "first_name", "pk")[:SEARCH_LIMIT]


def member_spans(*, member: Member) -> QuerySet[EligibilitySpan]:
    """A member's spans, latest first, with their programs."""
    return member.spans.select_related("program").order_by("-start", "program__sort_order")


HISTORY_LIMIT = 200


def member_history(*, member: Member) -> list[dict[str, Any]]:
    """What changed a member and its spans, newest first: each change with who made it (a person or
    an eligibility load). Three queries, whatever the member's history length."""
    spans = (
        EligibilitySpan.history.filter(member_id=member.pk)
        .select_related("history_user", "load")
        .order_by("-history_date", "-history_id")[:HISTORY_LIMIT]
    )
    people = member.history.select_related("history_user", "load").order_by(
        "-history_date", "-history_id"
    )[:HISTORY_LIMIT]
    programs = dict(Program.objects.values_list("id", "name"))
    rows = [
        {
            "when": h.history_date,
            "what": "coverage",
            "kind": h.get_history_type_display(),
            "detail": f"{programs.get(h.program_id, '?')}: {h.start:%m/%d/%Y} - "
            + (f"{h.end:%m/%d/%Y}" if h.end else "open"),
            "user": h.history_user,
            "load": h.load,
        }
        for h in spans
    ]
    rows += [
        {
            "when": h.history_date,
            "what": "member",
            "kind": h.get_history_type_display(),
            "detail": f"{h.last_name}, {h.first_name}; born {h.birth_date:%m/%d/%Y}",
            "user": h.history_user,
            "load": h.load,
        }
        for h in people
    ]
    return sorted(rows, key=lambda r: r["when"], reverse=True)[:HISTORY_LIMIT]


def loads_visible_to(*, user: Any) -> QuerySet[EligibilityLoad]:
    """Eligibility loads: all for those who run loads, none for anyone else."""
    if not user.is_authenticated or not user.has_perm("members.load_eligibility"):
        return EligibilityLoad.objects.none()
    return EligibilityLoad.objects.select_related("created_by", "job", "duplicate_of")


def access_load(*, user: Any, pk: int) -> EligibilityLoad:
    """The load, or 404 whether it is missing or not the user's to see."""
    return get_object_or_404(loads_visible_to(user=user), pk=pk)
