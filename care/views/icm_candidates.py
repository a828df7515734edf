"""Supervisors' candidate pages: review, assign or dismiss, automatic mode, run identification
now; and the referral form everyone who refers members uses."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aso.core.audit import access_log_record
from aso.core.jobs import job_create
from care.forms.icm import DismissForm, IcmChoiceForm, ReferralForm
from care.rules import choose_icm
from care.selectors.icm import (
    RECENT_DAYS,
    access_candidate,
    member_assignments,
    member_stays,
    open_candidates,
    trigger_labels,
)
from care.selectors.icm_workers import candidate_facts, icm_workers
from care.services.icm_assignment import (
    IcmRefused,
    icm_assign_automatic,
    icm_candidate_assign,
    icm_candidate_dismiss,
)
from care.services.icm_caseload import icm_referral_create
from care.services.icm_identification import JOB_KIND
from care.views.icm_common import (
    ASSIGN,
    REFER,
    any_permission,
    form_errors,
    icm_choices,
    page_of,
    refusal_messages,
)
from members.models import Member
from providers.models import Region


@require_GET
@any_permission(ASSIGN)
def candidates(request: HttpRequest) -> HttpResponse:
    """Open candidates, filtered by region and trigger, with the ICM the rules would suggest."""
    region, trigger = request.GET.get("region", ""), request.GET.get("trigger", "")
    page = page_of(request, open_candidates(user=request.user, region=region, trigger=trigger))
    rows = list(page.object_list)
    access_log_record(
        user=request.user,
        subject_model=Member,
        subject_ids=[c.member_id for c in rows],
        request=request,
        purpose="ICM candidates",
    )
    workers = icm_workers(on=timezone.localdate())
    facts = candidate_facts([c.member_id for c in rows])
    names = get_user_model().objects.in_bulk([w.user_id for w in workers])
    suggested = {}
    for candidate in rows:
        if candidate.member_id in facts:
            choice = choose_icm(facts[candidate.member_id], workers)
            suggested[candidate.pk] = names.get(choice.user_id) if choice.user_id else None
    context = {
        "page": page,
        "rows": [(c, suggested.get(c.pk)) for c in rows],
        "labels": trigger_labels(),
        "regions": Region.objects.order_by("code"),
        "region": region,
        "trigger": trigger,
    }
    return render(request, "care/icm/candidates.html", context)


@require_GET
@any_permission(ASSIGN)
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access_candidate(user=request.user, pk=pk)
    access_log_record(
        user=request.user, subject=candidate.member, request=request, purpose="ICM candidate"
    )
    today = timezone.localdate()
    since = today - dt.timedelta(days=2 * RECENT_DAYS)
    context = {
        "candidate": candidate,
        "member": candidate.member,
        "stays": list(member_stays(member_id=candidate.member_id, since=since)),
        "history": list(member_assignments(member_id=candidate.member_id)),
        "labels": trigger_labels(),
        "assign_form": IcmChoiceForm(icm_choices=icm_choices(on=today)),
        "dismiss_form": DismissForm(),
    }
    return render(request, "care/icm/candidate_detail.html", context)


@require_POST
@any_permission(ASSIGN)
def candidate_assign(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access_candidate(user=request.user, pk=pk)
    form = IcmChoiceForm(request.POST, icm_choices=icm_choices(on=timezone.localdate()))
    if not form.is_valid():
        form_errors(request, form)
        return redirect("care:icm_candidate", pk=candidate.pk)
    try:
        assignment = icm_candidate_assign(
            acting_user=request.user,
            candidate_id=candidate.pk,
            icm_user=get_user_model().objects.get(pk=form.cleaned_data["icm"]),
            reason=form.cleaned_data["reason"],
            override_cap=form.cleaned_data["override_cap"],
        )
    except IcmRefused as refused:
        refusal_messages(request, refused)
        return redirect("care:icm_candidate", pk=candidate.pk)
    messages.success(request, "The member is on the ICM's caseload.")
    return redirect("care:icm_assignment", pk=assignment.pk)


@require_POST
@any_permission(ASSIGN)
def candidate_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access_candidate(user=request.user, pk=pk)
    form = DismissForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("care:icm_candidate", pk=candidate.pk)
    try:
        icm_candidate_dismiss(
            acting_user=request.user, candidate_id=candidate.pk, reason=form.cleaned_data["reason"]
        )
    except IcmRefused as refused:
        refusal_messages(request, refused)
        return redirect("care:icm_candidate", pk=candidate.pk)
    messages.success(request, "The candidate was dismissed.")
    return redirect("care:icm_candidates")


@require_POST
@any_permission(ASSIGN)
def auto_assign(request: HttpRequest) -> HttpResponse:
    result = icm_assign_automatic(acting_user=request.user)
    messages.success(
        request,
        f"Assigned {result.assigned} members automatically; {result.left_open} left open "
        "(no ICM with room in the rules' order).",
    )
    return redirect("care:icm_candidates")


@require_POST
@any_permission(ASSIGN)
def identify_now(request: HttpRequest) -> HttpResponse:
    """Queue an identification run now (the same Job the nightly schedule runs)."""
    job = job_create(
        kind=JOB_KIND,
        acting_user=request.user,
        params={"as_of": timezone.localdate().isoformat(), "auto_assign": False},
    )
    return redirect("core:job_detail", pk=job.pk)


@require_http_methods(["GET", "POST"])
@any_permission(REFER)
def referral_new(request: HttpRequest) -> HttpResponse:
    """Refer a member to ICM; the Medicaid id travels in the POST body, never in the URL."""
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            icm_referral_create(acting_user=request.user, **form.cleaned_data)
        except IcmRefused as refused:
            for message in refused.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, "Referral recorded: the member is reviewed at the next identification."
            )
            return redirect("care:icm_referral")
    status = 400 if request.method == "POST" else 200
    return render(request, "care/icm/referral_form.html", {"form": form}, status=status)
