"""Reads for oversight exports: an agency's population, age groups computed by the database, and the
42 CFR Part 2 consent test. Every sheet builder filters through `in_scope`, the one door."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from oversight.choices import ConsentScope
from oversight.models import Consent
from oversight.rules import UNDER_3, AgencyScope, age_group_cutoffs, years_before
from par.rules import ReportingPeriod

CONSENT_SCOPES_FOR_DETAIL = (ConsentScope.ALL_RECORDS, ConsentScope.UTILIZATION)


@dataclass(frozen=True)
class ExportContext:
    """Everything a sheet builder needs to know about the export it is part of."""

    agency: str
    scope: AgencyScope
    period: ReportingPeriod
    at: datetime  # when the export runs ("data as of"), timezone-aware
    suppress: bool

    @property
    def on(self) -> date:
        return timezone.localdate(self.at)

    @property
    def window(self) -> tuple[datetime, datetime]:
        """The period as local-time instants [start, end) for datetime fields."""
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.period.start, time.min, tzinfo=tz)
        end = datetime.combine(self.period.end + timedelta(days=1), time.min, tzinfo=tz)
        return start, end


def in_scope(*, scope: AgencyScope, on: date, member: str = "") -> Q:
    """The agency's population on `on`, as a filter on a member (`member` is the lookup prefix to the
    member, e.g. "member__")."""
    if scope.everyone:
        return Q()
    age = Q()
    if scope.max_age is not None:
        age &= Q(**{f"{member}birth_date__gt": years_before(on, scope.max_age)})
    if scope.min_age is not None:
        age &= Q(**{f"{member}birth_date__lte": years_before(on, scope.min_age)})
    if scope.dcf_involved:
        age |= Q(**{f"{member}dcf_involved": True})
    return age


def age_group_expression(*, on: date, member: str = "") -> Case:
    """The reporting age group on `on`, computed in the database."""
    whens = [
        When(**{f"{member}birth_date__lte": cutoff}, then=Value(group))
        for cutoff, group in age_group_cutoffs(on)
    ]
    return Case(*whens, default=Value(UNDER_3))


def consent_on_file(*, recipient: str, at: datetime, member_ref: Any) -> Exists:
    """A consent of the member covering detail disclosure to `recipient` at `at` (see
    oversight.rules.consent_covers, the same rule in Python)."""
    on = timezone.localdate(at)
    return Exists(
        Consent.objects.filter(
            member=member_ref,
            recipient=recipient,
            scope__in=CONSENT_SCOPES_FOR_DETAIL,
            effective__lte=on,
        )
        .filter(Q(expires__isnull=True) | Q(expires__gte=on))
        .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=at))
    )


def part2_split(qs: QuerySet[Any], *, recipient: str, at: datetime) -> QuerySet[Any]:
    """Annotate rows of a member-linked queryset with `consented`: a covering consent on file."""
    annotated: QuerySet[Any] = qs.annotate(
        consented=consent_on_file(recipient=recipient, at=at, member_ref=OuterRef("member_id"))
    )
    return annotated


DISCLOSABLE = Q(level_of_care__substance_use=False) | Q(consented=True)
WITHHELD = Q(level_of_care__substance_use=True, consented=False)
