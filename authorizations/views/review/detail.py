"""The request page and the reviewer's actions on it. Each action calls one service; a change made by
someone else since the page was opened answers 409 with the conflict message and saves nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from aso.core.audit import access_log_record
from authorizations.choices import OPEN_STATUSES, AuthorizationStatus, RequestStatus
from authorizations.choices_review import DecisionOutcome
from authorizations.diagnoses import description
from authorizations.models import Authorization, Request
from authorizations.rules.clinical import CLINICAL_FIELDS
from authorizations.rules.clocks import breach_risk, format_local, is_deemed_denial
from authorizations.rules.review import EPSDT_AGE_LIMIT, age_on
from authorizations.selectors import access_request
from authorizations.selectors_review import criteria_for_request, users_with_perm
from authorizations.services.decisions import Decision, request_decide
from authorizations.services.review import (
    RequestConflict,
    request_assign,
    request_claim,
    request_extend,
    request_info_provide,
    request_pend,
    request_refer,
)
from authorizations.views.review.forms import (
    AssignForm,
    ExtendForm,
    InfoForm,
    PeerToPeerRecordForm,
    PeerToPeerRequestForm,
    PeerToPeerScheduleForm,
    ReviewForm,
    add_errors,
)


def _review_form(request_obj: Request, data: Any = None) -> ReviewForm:
    initial = {
        "version": request_obj.version,
        "start": request_obj.requested_start,
        "end": request_obj.requested_end,
        "units": request_obj.requested_units,
    }
    return ReviewForm(
        data,
        initial=initial,
        criteria=criteria_for_request(request_obj),
        advisors=users_with_perm("decide_adverse"),
    )


def _clinical_rows(request_obj: Request) -> list[tuple[str, Any]]:
    rows = []
    for spec in CLINICAL_FIELDS:
        value = request_obj.clinical.get(spec.name)
        if value in (None, "", []):
            continue
        if spec.name == "medications":
            value = "; ".join(f"{m['name']} {m['dose']} {m['frequency']}" for m in value)
        elif isinstance(value, list):
            value = ", ".join(value)
        rows.append((spec.label, value))
    return rows


def _context(http: HttpRequest, request_obj: Request, **forms: Any) -> dict[str, Any]:
    user: Any = http.user
    now = timezone.now()
    is_open = request_obj.status in OPEN_STATUSES
    reviewer = user.has_perm("authorizations.review_request")
    authorization = Authorization.objects.filter(request=request_obj).first()
    age = age_on(request_obj.member.birth_date, request_obj.requested_start)
    context = {
        "req": request_obj,
        "is_open": is_open,
        "reviewer": reviewer,
        "advisor": user.has_perm("authorizations.decide_adverse"),
        "supervisor": user.has_perm("authorizations.manage_queue"),
        "risk": breach_risk(received_at=request_obj.received_at, due_at=request_obj.due_at, now=now)
        if is_open and request_obj.due_at
        else None,
        "due": format_local(request_obj.due_at) if request_obj.due_at else "",
        "deemed": is_deemed_denial(
            due_at=request_obj.due_at, decided_at=request_obj.decided_at, now=now
        ),
        "age": age,
        "under_21": age < EPSDT_AGE_LIMIT,
        "diagnoses": [(code, description(code)) for code in request_obj.diagnoses],
        "clinical_rows": _clinical_rows(request_obj),
        "authorization": authorization,
        "can_continue": authorization is not None
        and authorization.status == AuthorizationStatus.ACTIVE,
        "notices": request_obj.notices.order_by("-sent_at", "recipient"),
        "events": request_obj.events.select_related("actor").order_by("-occurred_at", "-pk")[:30],
        "reviews": request_obj.reviews.select_related("reviewer")[:5] if reviewer else [],
        "appeals": request_obj.appeals.all(),
        "p2ps": request_obj.peer_to_peers.select_related("advisor"),
        "outcomes": DecisionOutcome,
    }
    if reviewer and is_open:
        context["review_form"] = forms.get("review_form") or _review_form(request_obj)
        context["extend_form"] = forms.get("extend_form") or ExtendForm(
            initial={"version": request_obj.version, "days": 14}
        )
        if context["supervisor"]:
            context["assign_form"] = AssignForm(
                initial={"version": request_obj.version, "assignee": request_obj.assigned_to_id},
                reviewers=users_with_perm("review_request"),
            )
    if request_obj.status == RequestStatus.PENDED:
        context["info_form"] = forms.get("info_form") or InfoForm(
            initial={"version": request_obj.version}
        )
    context["p2p_form"] = forms.get("p2p_form") or PeerToPeerRequestForm()
    if reviewer:
        context["p2p_schedule_form"] = PeerToPeerScheduleForm(
            initial={"version": 1}, advisors=users_with_perm("decide_adverse")
        )
        context["p2p_record_form"] = PeerToPeerRecordForm(initial={"version": 1})
    return context


def _page(http: HttpRequest, request_obj: Request, status: int = 200, **forms: Any) -> HttpResponse:
    """The request page; every showing of it (a form sent back with errors too) is an access."""
    access_log_record(
        user=http.user, subject=request_obj.member, request=http, purpose="prior-auth request"
    )
    return render(
        http,
        "authorizations/review/request_detail.html",
        _context(http, request_obj, **forms),
        status=status,
    )


@require_GET
def request_detail(http: HttpRequest, number: str) -> HttpResponse:
    """The whole request: gates, clinical data, checklist, decision, notices, appeals, history."""
    return _page(http, access_request(user=http.user, number=number))


def _conflict(http: HttpRequest, number: str, error: RequestConflict) -> HttpResponse:
    messages.error(http, str(error))
    return _page(http, access_request(user=http.user, number=number), status=409)


@require_POST
def request_review(http: HttpRequest, number: str) -> HttpResponse:
    """Checklist plus one outcome: approve, pend, refer, or (physician advisor) partial or deny."""
    request_obj = access_request(user=http.user, number=number)
    if not http.user.has_perm("authorizations.review_request"):
        raise PermissionDenied("You may not review requests.")
    form = _review_form(request_obj, http.POST)
    if not form.is_valid():
        return _page(http, request_obj, review_form=form)
    data, answers = form.cleaned_data, form.answers()
    try:
        if data["outcome"] == DecisionOutcome.PEND:
            request_pend(
                acting_user=http.user,
                request=request_obj,
                expected_version=data["version"],
                info_requested=data["info_requested"],
                info_due_at=data["info_due_at"],
                answers=answers,
            )
        elif data["outcome"] == DecisionOutcome.REFER:
            request_refer(
                acting_user=http.user,
                request=request_obj,
                expected_version=data["version"],
                note=data["note"],
                advisor=data["advisor"],
                answers=answers,
            )
        else:
            request_decide(
                acting_user=http.user,
                request=request_obj,
                expected_version=data["version"],
                decision=Decision(
                    outcome=data["outcome"],
                    start=data["start"],
                    end=data["end"],
                    units=data["units"],
                    reason_code=data["reason_code"],
                    criterion_code=data["criterion_code"],
                    explanation=data["explanation"],
                    epsdt_finding=data["epsdt_finding"],
                    epsdt_note=data["epsdt_note"],
                    note=data["note"],
                ),
                answers=answers,
            )
    except RequestConflict as error:
        return _conflict(http, number, error)
    except ValidationError as error:
        add_errors(form, error)
        return _page(http, request_obj, status=200, review_form=form)
    messages.success(http, "Saved. Notices go out with every decision.")
    return redirect("review:request_detail", number=number)


def _simple_action(
    http: HttpRequest, number: str, perm: str, form_class: Any, call: Any
) -> HttpResponse:
    request_obj = access_request(user=http.user, number=number)
    if not http.user.has_perm(f"authorizations.{perm}"):
        raise PermissionDenied("You may not do this.")
    form = form_class(http.POST)
    if not form.is_valid():
        messages.error(http, "Check the form: " + form.errors.as_text())
        return redirect("review:request_detail", number=number)
    try:
        call(request_obj, form.cleaned_data)
    except RequestConflict as error:
        return _conflict(http, number, error)
    except ValidationError as error:
        for message in error.messages:
            messages.error(http, message)
        return redirect("review:request_detail", number=number)
    messages.success(http, "Saved.")
    return redirect("review:request_detail", number=number)


@require_POST
def request_claim_view(http: HttpRequest, number: str) -> HttpResponse:
    return _simple_action(
        http,
        number,
        "review_request",
        lambda data: _Version(data),
        lambda req, data: request_claim(
            acting_user=http.user, request=req, expected_version=data["version"]
        ),
    )


class _Version(AssignForm):
    def __init__(self, data: Any) -> None:
        super().__init__(data, reviewers=users_with_perm("review_request"))


@require_POST
def request_assign_view(http: HttpRequest, number: str) -> HttpResponse:
    return _simple_action(
        http,
        number,
        "manage_queue",
        _Version,
        lambda req, data: request_assign(
            acting_user=http.user,
            request=req,
            assignee=data["assignee"],
            expected_version=data["version"],
        ),
    )


@require_POST
def request_extend_view(http: HttpRequest, number: str) -> HttpResponse:
    return _simple_action(
        http,
        number,
        "review_request",
        ExtendForm,
        lambda req, data: request_extend(
            acting_user=http.user,
            request=req,
            expected_version=data["version"],
            days=data["days"],
            reason=data["reason"],
        ),
    )


@require_POST
def request_info_view(http: HttpRequest, number: str) -> HttpResponse:
    return _simple_action(
        http,
        number,
        "submit_prior_auth",
        InfoForm,
        lambda req, data: request_info_provide(
            acting_user=http.user,
            request=req,
            expected_version=data["version"],
            information=data["information"],
        ),
    )
