"""VCM referral pages: the coordinators' worklist, intake form, a family's page with outreach,
engagement and discharge. Every page showing a family writes an AccessLog row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aso.core.audit import access_log_record
from care import rules_vcm
from care.choices.vcm import VcmStatus
from care.forms.vcm import AttemptForm, DischargeForm, EngageForm, ReferralForm
from care.models import VcmReferral
from care.selectors.vcm import access_referral, attempts_of, referral_worklist
from care.services.vcm_plans import vcm_discharge_record
from care.services.vcm_referrals import (
    CaregiverData,
    DuplicateReferral,
    program_rule,
    vcm_attempt_log,
    vcm_referral_create,
    vcm_referral_engage,
)
from care.views.icm_common import any_permission, form_errors, page_of, refusal_messages

WORK = "care.work_vcm"


@require_GET
@any_permission(WORK)
def referrals(request: HttpRequest) -> HttpResponse:
    """Open referrals by their outreach due date (or a status), with attempt counts."""
    status = request.GET.get("status", "")
    status = status if status in VcmStatus.values else ""
    region = request.GET.get("region", "")[:16]
    page = page_of(request, referral_worklist(user=request.user, status=status, region=region))
    rows = list(page.object_list)
    access_log_record(
        user=request.user,
        subject_model=VcmReferral,
        subject_ids=[r.pk for r in rows],
        request=request,
        purpose="VCM worklist",
    )
    today = timezone.localdate()
    context = {"page": page, "rows": rows, "status": status, "statuses": VcmStatus.choices,
               "today": today}  # fmt: skip
    return render(request, "care/vcm/referrals.html", context)


@require_http_methods(["GET", "POST"])
@any_permission(WORK)
def referral_new(request: HttpRequest) -> HttpResponse:
    """Staff intake of a referral the agency sent by phone or fax."""
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        caregiver = CaregiverData(
            first_name=data["caregiver_first_name"],
            last_name=data["caregiver_last_name"],
            relationship=data["caregiver_relationship"],
            phone=data["caregiver_phone"],
            email=data["caregiver_email"],
            preferred_language=data["caregiver_language"],
        )
        try:
            referral = vcm_referral_create(
                acting_user=request.user,
                agency_referral_id=data["agency_referral_id"],
                received_at=data["received_at"],
                child_first_name=data["child_first_name"],
                child_last_name=data["child_last_name"],
                child_birth_date=data["child_birth_date"],
                town=data["town"],
                problem_code=data["problem"].code,
                reason=data["reason"],
                other_insurance_explored=data["other_insurance_explored"],
                other_insurance_note=data["other_insurance_note"],
                consent=data["consent"],
                caregivers=[caregiver],
            )
        except DuplicateReferral as dup:
            url = reverse("care:vcm_referral", args=[dup.existing.pk])
            messages.warning(
                request,
                format_html('This agency referral id is known: <a href="{}">referral {}</a>.',
                            url, dup.existing.pk),
            )  # fmt: skip
        except ValidationError as error:
            refusal_messages(request, error)
        else:
            messages.success(request, f"Referral {referral.pk} recorded.")
            return redirect("care:vcm_referral", pk=referral.pk)
    elif request.method == "POST":
        form_errors(request, form)
    return render(request, "care/vcm/referral_form.html", {"form": form})


@require_GET
@any_permission(WORK)
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = access_referral(user=request.user, pk=pk)
    access_log_record(user=request.user, subject=referral, request=request, purpose="VCM family")
    attempts = list(attempts_of(referral=referral))
    today = timezone.localdate()
    first = timezone.localdate(attempts[0].occurred_at) if attempts else None
    rule = program_rule(referral.rule)
    plan = getattr(referral, "plan", None)
    context = {
        "referral": referral,
        "caregivers": referral.caregivers.all(),
        "attempts": attempts,
        "late": rules_vcm.outreach_late(
            due=referral.first_attempt_due, first_attempt_on=first, today=today
        ),
        "rule": rule,
        "plan": plan,
        "plan_late": referral.plan_due is not None
        and not rules_vcm.plan_on_time(
            due=referral.plan_due, first_effective_on=plan.first_effective_on if plan else None
        )
        and (plan is not None or today > referral.plan_due),
        "discharge": getattr(referral, "discharge", None),
        "attempt_form": AttemptForm(initial={"occurred_at": timezone.localtime()}),
        "engage_form": EngageForm(initial={"on": today}),
        "discharge_form": DischargeForm(initial={"discharged_on": today}),
        "open": referral.status != VcmStatus.DISCHARGED,
    }
    return render(request, "care/vcm/referral_detail.html", context)


def _referral_action(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    act: Callable[[Any, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """A step on a referral from its page: the form, then the service (`act(referral, cleaned)`);
    the service's refusals and the form's errors become messages; back to the referral."""
    referral = access_referral(user=request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(referral, form.cleaned_data)
            messages.success(request, done)
        except ValidationError as error:
            refusal_messages(request, error)
    else:
        form_errors(request, form)
    return redirect("care:vcm_referral", pk=referral.pk)


@require_POST
@any_permission(WORK)
def attempt_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _referral_action(
        request,
        pk,
        AttemptForm,
        lambda referral, data: vcm_attempt_log(acting_user=request.user, referral=referral, **data),
        "Contact attempt logged.",
    )


@require_POST
@any_permission(WORK)
def engage(request: HttpRequest, pk: int) -> HttpResponse:
    return _referral_action(
        request,
        pk,
        EngageForm,
        lambda referral, data: vcm_referral_engage(
            acting_user=request.user, referral=referral, **data
        ),
        "Engagement recorded: the plan clock runs.",
    )


@require_POST
@any_permission(WORK)
def discharge(request: HttpRequest, pk: int) -> HttpResponse:
    return _referral_action(
        request,
        pk,
        DischargeForm,
        lambda referral, data: vcm_discharge_record(
            acting_user=request.user,
            referral=referral,
            discharged_on=data["discharged_on"],
            reason_code=data["reason"].code,
            services_met_needs=data["services_met_needs"],
            goals_met=data["goals_met"],
            satisfaction=data["satisfaction"],
            note=data["note"],
        ),
        "Family discharged.",
    )
