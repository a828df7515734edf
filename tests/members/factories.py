"""Members and spans for tests."""

from __future__ import annotations

import datetime as dt

import factory

from members.models import EligibilitySpan, Member, Program


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    medicaid_id = factory.Sequence(lambda n: f"{200000000 + n:09d}")
    last_name = "Rivera"
    first_name = "Ana"
    birth_date = dt.date(1990, 4, 12)
    sex = "F"


def span(member: Member, program: str, start: str, end: str | None = None) -> EligibilitySpan:
    return EligibilitySpan.objects.create(
        member=member,
        program=Program.objects.get(code=program),
        start=dt.date.fromisoformat(start),
        end=dt.date.fromisoformat(end) if end else None,
    )


def spans_of(member: Member) -> list[tuple[str, str, str | None]]:
    """(program, start, end) of a member's spans, as ISO strings, sorted."""
    return sorted(
        (s.program.code, s.start.isoformat(), s.end.isoformat() if s.end else None)
        for s in EligibilitySpan.objects.filter(member=member).select_related("program")
    )
