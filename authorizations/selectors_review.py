"""Reads for prior authorization and clinical review: clock rows, criteria, the review queue, notices,
appeals, peer-to-peers and episodes. Every object read goes through `authorizations.selectors`'
request visibility (providers: their organizations' requests; clinical staff: all; others: none)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from authorizations.choices import OPEN_STATUSES, ReviewPath
from authorizations.choices_review import CriterionKind
from authorizations.models import (
    Appeal,
    Episode,
    Holiday,
    Notice,
    PeerToPeer,
    Request,
    ReviewCriterion,
    TurnaroundClock,
)
from authorizations.rules.clocks import BusinessCalendar, Clock, Deadline
from authorizations.rules.review import Criterion
from authorizations.selectors import authorizations_visible_to, requests_visible_to
from members.models import Member


def clocks_all() -> tuple[Clock, ...]:
    """Every dated clock row, as plain values for the clock rules."""
    return tuple(
        Clock(
            code=c.code,
            amount=c.amount,
            unit=c.unit,
            effective_from=c.effective_from,
            effective_to=c.effective_to,
            id=c.pk,
            label=c.label,
        )
        for c in TurnaroundClock.objects.all()
    )


def clock_row_id(deadline: Deadline) -> int:
    """The TurnaroundClock row a deadline came from (clocks read from the database carry their id)."""
    assert deadline.clock.id is not None, "clocks from clocks_all() carry their row id"
    return deadline.clock.id


def business_calendar() -> BusinessCalendar:
    """Weekends and the listed holidays are not business days."""
    return BusinessCalendar(frozenset(Holiday.objects.values_list("date", flat=True)))


def criteria_in_force(*, level_of_care_id: int, kind: str, on: dt.date) -> list[ReviewCriterion]:
    """The level's criteria of one kind (admission or continued stay) in force on a day, in order."""
    return list(
        ReviewCriterion.objects.filter(
            level_of_care_id=level_of_care_id, kind=kind, effective_from__lte=on
        ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
    )


def criteria_for_request(request: Request) -> list[ReviewCriterion]:
    """Admission criteria for an initial request, continued-stay criteria for a concurrent review, in
    force on the requested start."""
    kind = CriterionKind.ADMISSION if request.kind == "initial" else CriterionKind.CONTINUED_STAY
    return criteria_in_force(
        level_of_care_id=request.level_of_care_id, kind=kind, on=request.requested_start
    )


def as_criteria(rows: list[ReviewCriterion]) -> tuple[Criterion, ...]:
    return tuple(Criterion(r.pk, r.code, r.group, r.text) for r in rows)


@dataclass(frozen=True)
class QueueFilters:
    level: str = ""  # level-of-care code
    urgency: str = ""
    region: str = ""  # region code of the site
    assignee: str = ""  # "me", "none", or a user id
    referred: bool = False  # only requests referred to a physician advisor


# Long texts and JSON the queue does not show: not read for its rows.
QUEUE_DEFERRED = (
    "clinical",
    "gates",
    "refusals",
    "diagnoses",
    "decision_note",
    "extension_reason",
    "info_requested",
    "epsdt_note",
    "member__middle_name",
)


def review_queue(*, user: Any, filters: QueueFilters) -> QuerySet[Request]:
    """Open prior-authorization requests the user may review, ordered by time left (soonest due first).
    Fails closed: users who may not review get nothing."""
    if not user.has_perm("authorizations.review_request"):
        return Request.objects.none()
    queue = (
        requests_visible_to(user=user)
        .filter(status__in=OPEN_STATUSES, review_path=ReviewPath.PRIOR_AUTH)
        .select_related("site__region", "assigned_to")
        .defer(*QUEUE_DEFERRED)
        .order_by("due_at", "pk")
    )
    if filters.level:
        queue = queue.filter(level_of_care__code=filters.level)
    if filters.urgency:
        queue = queue.filter(urgency=filters.urgency)
    if filters.region:
        queue = queue.filter(site__region__code=filters.region)
    if filters.assignee == "me":
        queue = queue.filter(assigned_to=user)
    elif filters.assignee == "none":
        queue = queue.filter(assigned_to__isnull=True)
    elif filters.assignee.isdigit():
        queue = queue.filter(assigned_to_id=int(filters.assignee))
    if filters.referred:
        queue = queue.filter(referred_at__isnull=False)
    return queue


def queue_counts(queue: QuerySet[Request], *, now: dt.datetime) -> dict[str, int]:
    """How many requests of a queue are open, overdue, and due within 24 hours (one query)."""
    return queue.order_by().aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        due_24h=Count("pk", filter=Q(due_at__gte=now, due_at__lt=now + dt.timedelta(hours=24))),
    )


def users_with_perm(codename: str) -> QuerySet[Any]:
    """Active users holding a capability through their role group."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__permissions__codename=codename,
            groups__permissions__content_type__app_label="authorizations",
        )
        .distinct()
        .order_by("last_name", "username")
    )


def notices_visible_to(*, user: Any) -> QuerySet[Notice]:
    return Notice.objects.filter(request__in=requests_visible_to(user=user).values("pk"))


def access_notice(*, user: Any, pk: int) -> Notice:
    """The notice, or 404 whether it is missing or its request is not the user's."""
    return get_object_or_404(
        notices_visible_to(user=user).select_related("request__member", "request__site"), pk=pk
    )


def appeals_visible_to(*, user: Any) -> QuerySet[Appeal]:
    return Appeal.objects.filter(
        request__in=requests_visible_to(user=user).values("pk")
    ).select_related("request__member", "request__level_of_care", "request__site", "reviewer")


def access_appeal(*, user: Any, pk: int) -> Appeal:
    return get_object_or_404(appeals_visible_to(user=user), pk=pk)


def access_peer_to_peer(*, user: Any, pk: int) -> PeerToPeer:
    return get_object_or_404(
        PeerToPeer.objects.filter(request__in=requests_visible_to(user=user).values("pk")), pk=pk
    )


def episodes_visible_to(*, user: Any) -> QuerySet[Episode]:
    """Episodes of the authorizations a user may see."""
    visible = authorizations_visible_to(user=user).filter(episode__isnull=False)
    return Episode.objects.filter(pk__in=visible.values("episode_id")).select_related(
        "member", "site__provider", "level_of_care"
    )


def access_episode(*, user: Any, pk: int) -> Episode:
    return get_object_or_404(episodes_visible_to(user=user), pk=pk)


def member_for_intake(*, medicaid_id: str, birth_date: dt.date) -> Member | None:
    """The member with this Medicaid id and date of birth: both are needed (no fishing by id)."""
    return Member.objects.filter(
        medicaid_id=medicaid_id.strip().upper(), birth_date=birth_date
    ).first()
