"""New prior-authorization requests: a care manager's phone intake, a provider's web request, and a
continued-stay review of an active authorization. All three call `prior_auth_submit`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from aso.core.audit import access_log_record
from authorizations.choices import AuthorizationStatus, Channel, ReviewPath
from authorizations.models import Authorization
from authorizations.selectors import access_request, requests_visible_to
from authorizations.selectors_review import member_for_intake
from authorizations.services.intake import prior_auth_submit
from authorizations.views.review.forms import ConcurrentForm, IntakeForm, add_errors
from members.models import Member
from providers.selectors import sites_visible_to

MEMBER_NOT_FOUND = "No member has this Medicaid id and date of birth."


def _intake(http: HttpRequest, *, channel: str, title: str) -> HttpResponse:
    user: Any = http.user
    sites = sites_visible_to(user=user).filter(active=True)
    form = IntakeForm(http.POST or None, sites=sites)
    if http.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = member_for_intake(medicaid_id=data["medicaid_id"], birth_date=data["birth_date"])
        if member is None:
            form.add_error("medicaid_id", MEMBER_NOT_FOUND)
        else:
            try:
                created = prior_auth_submit(
                    acting_user=user,
                    member=member,
                    site=data["site"],
                    level_of_care=data["level_of_care"],
                    urgency=data["urgency"],
                    channel=channel,
                    requested_start=data["requested_start"],
                    requested_units=data["requested_units"],
                    requested_end=data["requested_end"],
                    diagnoses=form.diagnosis_codes(),
                    clinical=form.clinical(),
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(http, f"Request {created.number} received.")
                return redirect("review:request_detail", number=created.number)
    return render(
        http,
        "authorizations/review/intake.html",
        {"form": form, "title": title, "channel": channel},
    )


@require_http_methods(["GET", "POST"])
def intake_phone(http: HttpRequest) -> HttpResponse:
    """Phone intake by ASO clinical staff (any site)."""
    user: Any = http.user
    if not (
        user.has_perm("authorizations.review_request")
        and user.has_perm("authorizations.submit_prior_auth")
    ):
        raise PermissionDenied("Phone intake is taken by care managers.")
    return _intake(http, channel=Channel.PHONE, title="Phone intake: prior authorization")


@require_http_methods(["GET", "POST"])
def request_new(http: HttpRequest) -> HttpResponse:
    """A provider's web request for prior authorization (its own sites)."""
    if not http.user.has_perm("authorizations.submit_prior_auth"):
        raise PermissionDenied("You may not request prior authorization.")
    return _intake(http, channel=Channel.WEB, title="Request prior authorization")


@require_http_methods(["GET", "POST"])
def request_concurrent(http: HttpRequest, number: str) -> HttpResponse:
    """A continued-stay review of the active authorization issued for this request."""
    user: Any = http.user
    request_obj = access_request(user=user, number=number)
    if not user.has_perm("authorizations.submit_prior_auth"):
        raise PermissionDenied("You may not request continued stays.")
    authorization = Authorization.objects.filter(
        request=request_obj, status=AuthorizationStatus.ACTIVE
    ).first()
    initial = {"diagnoses": ", ".join(request_obj.diagnoses)}
    form = ConcurrentForm(http.POST or None, initial=initial)
    if authorization is None:
        form.add_error(None, "This request has no active authorization to continue.")
    elif http.method == "POST" and form.is_valid():
        try:
            created = prior_auth_submit(
                acting_user=user,
                member=request_obj.member,
                site=request_obj.site,
                level_of_care=request_obj.level_of_care,
                urgency=form.cleaned_data["urgency"],
                channel=Channel.PHONE
                if user.has_perm("authorizations.review_request")
                else Channel.WEB,
                requested_start=authorization.end,
                requested_units=form.cleaned_data["requested_units"],
                diagnoses=form.diagnosis_codes(),
                clinical=form.clinical(),
                extends=authorization,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(http, f"Continued-stay review {created.number} received.")
            return redirect("review:request_detail", number=created.number)
    return render(
        http,
        "authorizations/review/concurrent.html",
        {"form": form, "req": request_obj, "authorization": authorization},
    )


@require_GET
def request_list(http: HttpRequest) -> HttpResponse:
    """Prior-authorization requests the user may see, newest first (providers: their own)."""
    user: Any = http.user
    if not (
        user.has_perm("authorizations.submit_prior_auth")
        or user.has_perm("authorizations.view_all_requests")
    ):
        raise PermissionDenied("You may not see prior-authorization requests.")
    rows = (
        requests_visible_to(user=user)
        .filter(review_path=ReviewPath.PRIOR_AUTH)
        .order_by("-received_at", "-pk")
    )
    page = Paginator(rows, 50).get_page(http.GET.get("page"))
    access_log_record(
        user=user,
        subject_model=Member,
        subject_ids=[r.member_id for r in page.object_list],
        request=http,
        purpose="prior-auth request list",
    )
    return render(http, "authorizations/review/request_list.html", {"page": page})
