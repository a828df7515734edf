"""Home pages: one per role, with the work that role does today and what is on its way."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found

from aso.core.navigation import nav_items_for
from aso.core.roles import ROLES
from relations.selectors import unread_bulletin_count

ROLE_HOME_NOTES: dict[str, tuple[str, ...]] = {
    "provider_staff": (
        "Check eligibility",
        "Register outpatient services",
        "Request prior authorization",
    ),
    "provider_admin": ("My organization",),
    "care_manager": (
        "Phone intake",
        "Review queue ordered by time left",
        "Concurrent and discharge reviews",
    ),
    "physician_advisor": ("Referred reviews", "Peer-to-peer", "Appeals"),
    "icm": ("My caseload",),
    "clinical_supervisor": ("Queues and reassignment", "ICM candidates", "Turnaround dashboard"),
    "network_manager": ("PAR scorecards for your region's providers",),
    "network_ops": ("Providers", "Provider file"),
    "data_ops": ("Eligibility loads", "Claims loads", "Background jobs"),
    "agency_viewer": ("Oversight workbooks for your agency",),
    "admin": ("Users and roles", "Reference data"),
}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = [role for role in ROLES if user.has_role(role.code)]  # type: ignore[union-attr]
    links = nav_items_for(user)
    link_labels = {label for label, _ in links}
    coming = [
        note
        for role in roles
        for note in ROLE_HOME_NOTES.get(role.code, ())
        if note not in link_labels
    ]
    context = {"roles": roles, "links": links, "coming": list(dict.fromkeys(coming))}
    context["unread_bulletins"] = unread_bulletin_count(user=user, today=timezone.localdate())
    return render(request, "aso/home.html", context)


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers. No data."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for a URL that matches nothing: JSON under /api/ (what API clients read), HTML elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)
