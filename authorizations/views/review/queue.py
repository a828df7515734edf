"""The review queue: open prior-authorization requests by time left, colored by risk of breach,
filterable, with claim and (for supervisors) assignment. A fixed number of queries for any size."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.http import require_GET

from aso.core.audit import access_log_record
from authorizations.choices import Urgency
from authorizations.rules.clocks import NEW_YORK, breach_risk
from authorizations.selectors_review import (
    QueueFilters,
    queue_counts,
    review_queue,
    users_with_perm,
)
from authorizations.templatetags.review_tags import person
from members.models import Member
from providers.models import LevelOfCare, Region

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> QueueFilters:
    get = request.GET
    return QueueFilters(
        level=get.get("level", "")[:20],
        urgency=get.get("urgency", "") if get.get("urgency") in Urgency.values else "",
        region=get.get("region", "")[:16],
        assignee=get.get("assignee", "")[:12],
        referred=get.get("referred") == "1",
    )


def _short(moment: Any) -> str:
    """'Nov 19, 3:42 PM' in New York time (the page says so once)."""
    local = moment.astimezone(NEW_YORK)
    return f"{local:%b} {local.day}, {local:%I:%M %p}".replace(" 0", " ")


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Open requests, soonest due first; each row's time left and breach risk from the clock rules."""
    user: Any = request.user
    if not user.has_perm("authorizations.review_request"):
        raise PermissionDenied("The review queue is for clinical reviewers.")
    filters = _filters(request)
    rows = review_queue(user=user, filters=filters)
    now = timezone.now()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = []
    for item in page.object_list:
        risk = breach_risk(received_at=item.received_at, due_at=item.due_at, now=now)
        items.append({"request": item, "risk": risk, "due": _short(item.due_at)})
    access_log_record(
        user=user,
        subject_model=Member,
        subject_ids=[entry["request"].member_id for entry in items],
        request=request,
        purpose="review queue",
    )
    reviewers = (
        list(users_with_perm("review_request"))
        if user.has_perm("authorizations.manage_queue")
        else []
    )
    context = {
        "page": page,
        "items": items,
        "filters": filters,
        "counts": queue_counts(rows, now=now),
        "levels": LevelOfCare.objects.filter(rules__review_path="prior_auth").distinct(),
        "regions": Region.objects.all(),
        "urgencies": Urgency.choices,
        "reviewers": reviewers,
        "reviewer_options": format_html_join(
            "", '<option value="{}">{}</option>', ((r.pk, person(r)) for r in reviewers)
        ),
        "query": _query_without_page(request),
    }
    template = "authorizations/review/_queue_table.html" if request.htmx else None
    return render(request, template or "authorizations/review/queue.html", context)
