"""After a decision: notices (view, print, PDF), appeals, peer-to-peer, discharge reviews."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aso.core.audit import access_log_record
from authorizations.choices import Channel
from authorizations.choices_review import AppealStatus
from authorizations.models import Authorization, Request
from authorizations.rules.clocks import breach_risk, format_local
from authorizations.selectors import access_request
from authorizations.selectors_review import (
    access_appeal,
    access_episode,
    access_notice,
    access_peer_to_peer,
    appeals_visible_to,
    users_with_perm,
)
from authorizations.services.appeals import appeal_decide, appeal_file
from authorizations.services.episodes import episode_discharge
from authorizations.services.notices import notice_pdf
from authorizations.services.peer_to_peer import (
    peer_to_peer_record,
    peer_to_peer_request,
    peer_to_peer_schedule,
)
from authorizations.views.review.forms import (
    AppealDecisionForm,
    AppealForm,
    DischargeForm,
    PeerToPeerRecordForm,
    PeerToPeerRequestForm,
    PeerToPeerScheduleForm,
    add_errors,
)
from members.models import Member

# -- notices --------------------------------------------------------------------------------------


@require_GET
def notice_detail(http: HttpRequest, pk: int) -> HttpResponse:
    """The stored notice text, printable (the print stylesheet hides the navigation)."""
    notice = access_notice(user=http.user, pk=pk)
    access_log_record(user=http.user, subject=notice.request.member, request=http, purpose="notice")
    return render(
        http,
        "authorizations/review/notice.html",
        {"notice": notice, "sent": format_local(notice.sent_at)},
    )


@require_GET
def notice_pdf_view(http: HttpRequest, pk: int) -> HttpResponse:
    notice = access_notice(user=http.user, pk=pk)
    access_log_record(
        user=http.user,
        subject=notice.request.member,
        request=http,
        action="export",
        purpose="notice PDF",
    )
    response = HttpResponse(notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
    return response


# -- appeals --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def appeal_new(http: HttpRequest, number: str) -> HttpResponse:
    """File an appeal: a provider for its member, or staff recording the member's call or letter."""
    user: Any = http.user
    request_obj = access_request(user=user, number=number)
    staff = user.has_perm("authorizations.review_request")
    if not (staff or user.has_perm("authorizations.submit_prior_auth")):
        raise PermissionDenied("You may not file appeals.")
    form = AppealForm(http.POST or None, initial={"party": "member" if staff else "provider"})
    if http.method == "POST" and form.is_valid():
        try:
            appeal = appeal_file(
                acting_user=user,
                request=request_obj,
                party=form.cleaned_data["party"],
                expedited=form.cleaned_data["expedited"],
                reason=form.cleaned_data["reason"],
                channel=Channel.PHONE if staff else Channel.WEB,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                http, f"Appeal {appeal.number} filed; due {format_local(appeal.due_at)}."
            )
            return redirect("review:appeal_detail", pk=appeal.pk)
    return render(http, "authorizations/review/appeal_new.html", {"form": form, "req": request_obj})


@require_GET
def appeal_list(http: HttpRequest) -> HttpResponse:
    """Appeals by deadline: open first (the advisors' work), then decided."""
    user: Any = http.user
    if not (
        user.has_perm("authorizations.view_all_requests")
        or user.has_perm("authorizations.submit_prior_auth")
    ):
        raise PermissionDenied("You may not see appeals.")
    appeals = appeals_visible_to(user=user).order_by("-status", "due_at")
    if http.GET.get("status") in AppealStatus.values:
        appeals = appeals.filter(status=http.GET["status"])
    page = Paginator(appeals, 50).get_page(http.GET.get("page"))
    now = timezone.now()
    rows = [
        (a, breach_risk(received_at=a.filed_at, due_at=a.due_at, now=now)) for a in page.object_list
    ]
    access_log_record(
        user=user,
        subject_model=Member,
        subject_ids=[a.request.member_id for a in page.object_list],
        request=http,
        purpose="appeal list",
    )
    return render(http, "authorizations/review/appeal_list.html", {"page": page, "rows": rows})


def _appeal_page(
    http: HttpRequest, appeal: Any, form: Any = None, status: int = 200
) -> HttpResponse:
    authorization = Authorization.objects.filter(request=appeal.request).first()
    form = form or AppealDecisionForm(initial={"version": appeal.version})
    return render(
        http,
        "authorizations/review/appeal_detail.html",
        {
            "appeal": appeal,
            "req": appeal.request,
            "due": format_local(appeal.due_at),
            "form": form,
            "authorization": authorization,
            "may_decide": http.user.has_perm("authorizations.decide_appeal")
            and appeal.status == AppealStatus.OPEN
            and appeal.request.decided_by_id != http.user.pk,
        },
        status=status,
    )


@require_GET
def appeal_detail(http: HttpRequest, pk: int) -> HttpResponse:
    appeal = access_appeal(user=http.user, pk=pk)
    access_log_record(user=http.user, subject=appeal.request.member, request=http, purpose="appeal")
    return _appeal_page(http, appeal)


@require_POST
def appeal_decide_view(http: HttpRequest, pk: int) -> HttpResponse:
    """Decide an appeal (a physician advisor other than the one who decided the request)."""
    appeal = access_appeal(user=http.user, pk=pk)
    form = AppealDecisionForm(http.POST)
    if form.is_valid():
        try:
            appeal_decide(
                acting_user=http.user,
                appeal=appeal,
                expected_version=form.cleaned_data["version"],
                outcome=form.cleaned_data["outcome"],
                explanation=form.cleaned_data["explanation"],
                units=form.cleaned_data["units"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(http, "Appeal decided; notices sent.")
            return redirect("review:appeal_detail", pk=pk)
    elif not http.user.has_perm("authorizations.decide_appeal"):
        raise PermissionDenied("Only a physician advisor may decide an appeal.")
    return _appeal_page(http, appeal, form)


# -- peer-to-peer ---------------------------------------------------------------------------------


def _after(http: HttpRequest, request_obj: Request, call: Any) -> HttpResponse:
    try:
        call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(http, message)
    else:
        messages.success(http, "Saved.")
    return redirect("review:request_detail", number=request_obj.number)


@require_POST
def p2p_request_view(http: HttpRequest, number: str) -> HttpResponse:
    request_obj = access_request(user=http.user, number=number)
    form = PeerToPeerRequestForm(http.POST)
    contact = form.data.get("contact", "")
    return _after(
        http,
        request_obj,
        lambda: peer_to_peer_request(acting_user=http.user, request=request_obj, contact=contact),
    )


@require_POST
def p2p_schedule_view(http: HttpRequest, pk: int) -> HttpResponse:
    p2p = access_peer_to_peer(user=http.user, pk=pk)
    if not http.user.has_perm("authorizations.review_request"):
        raise PermissionDenied("You may not schedule peer-to-peers.")
    form = PeerToPeerScheduleForm(http.POST, advisors=users_with_perm("decide_adverse"))
    if not form.is_valid():
        messages.error(http, "Choose a physician advisor and a time.")
        return redirect("review:request_detail", number=p2p.request.number)
    return _after(
        http,
        p2p.request,
        lambda: peer_to_peer_schedule(
            acting_user=http.user,
            p2p=p2p,
            expected_version=form.cleaned_data["version"],
            advisor=form.cleaned_data["advisor"],
            scheduled_for=form.cleaned_data["scheduled_for"],
        ),
    )


@require_POST
def p2p_record_view(http: HttpRequest, pk: int) -> HttpResponse:
    p2p = access_peer_to_peer(user=http.user, pk=pk)
    if not http.user.has_perm("authorizations.decide_adverse"):
        raise PermissionDenied("Only a physician advisor records a peer-to-peer.")
    form = PeerToPeerRecordForm(http.POST)
    if not form.is_valid():
        messages.error(http, "Choose the outcome and record what was discussed.")
        return redirect("review:request_detail", number=p2p.request.number)
    return _after(
        http,
        p2p.request,
        lambda: peer_to_peer_record(
            acting_user=http.user,
            p2p=p2p,
            expected_version=form.cleaned_data["version"],
            outcome=form.cleaned_data["outcome"],
            notes=form.cleaned_data["notes"],
        ),
    )


# -- discharge ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def episode_discharge_view(http: HttpRequest, pk: int) -> HttpResponse:
    """The discharge review that closes an episode."""
    episode = access_episode(user=http.user, pk=pk)
    if not http.user.has_perm("authorizations.review_request"):
        raise PermissionDenied("You may not record discharge reviews.")
    form = DischargeForm(http.POST or None)
    if http.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            episode_discharge(
                acting_user=http.user,
                episode=episode,
                discharged=data["discharged"],
                disposition=data["disposition"],
                delay_days=data["delay_days"],
                delay_reason=data["delay_reason"],
                aftercare_date=data["aftercare_date"],
                aftercare_provider=data["aftercare_provider"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(http, "Discharge recorded; the episode is closed.")
            return redirect("review:episode_discharge", pk=pk)
    access_log_record(user=http.user, subject=episode.member, request=http, purpose="episode")
    authorizations = episode.authorizations.select_related("request").order_by("start")
    return render(
        http,
        "authorizations/review/discharge.html",
        {"episode": episode, "form": form, "authorizations": authorizations},
    )
