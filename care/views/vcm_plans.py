"""VCM plan pages: write a new version, read the plan with its versions side by side, print it
in English or Spanish, and the list of plans a provider's organization is on the team of.

A plan page answers 404 to anyone the plan selector does not show it to (missing and forbidden
alike), so a provider cannot tell another organization's plan exists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from aso.core.audit import access_log_record
from care.choices.vcm import PlanLanguage
from care.forms.vcm import PlanForm
from care.models import CommunityResource, VcmPlan, VcmPlanVersion, VcmReferral
from care.selectors.vcm import access_plan, access_referral, plan_versions, plans_visible_to
from care.services.vcm_plans import vcm_plan_revise
from care.vcm_print import KINDS, LABELS, date_in
from care.views.icm_common import any_permission, form_errors, page_of, refusal_messages
from providers.models import Provider

WORK = "care.work_vcm"
TEAM = "care.view_team_plans"


def _initial(version: VcmPlanVersion | None) -> dict[str, Any]:
    today = timezone.localdate()
    if version is None:
        return {"effective_on": today, "next_review": today + dt.timedelta(days=90)}
    npis = dict(Provider.objects.values_list("pk", "npi").filter(
        pk__in=[m["provider_id"] for m in version.team + version.services if m.get("provider_id")]
    ))  # fmt: skip

    def team_line(m: dict[str, Any]) -> str:
        tail = f" | {npis.get(m['provider_id'], '')}" if m.get("provider_id") else ""
        return f"{m['kind']} | {m['name']} | {m['role']}{tail}"

    def service_line(s: dict[str, Any]) -> str:
        if s.get("resource_id"):
            return f"{s['service']} | resource:{s['resource_id']}"
        if s.get("provider_id"):
            return f"{s['service']} | npi:{npis.get(s['provider_id'], '')}"
        return s["service"]

    return {
        "effective_on": today,
        "next_review": version.next_review,
        "needs": "\n".join(version.needs),
        "strengths": "\n".join(version.strengths),
        "goals": "\n".join(f"{g['goal']} | {g['indicator']}" for g in version.goals),
        "team": "\n".join(team_line(m) for m in version.team),
        "services": "\n".join(service_line(s) for s in version.services),
    }


@require_http_methods(["GET", "POST"])
@any_permission(WORK)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the next version of the family's plan (the first one creates the plan)."""
    referral = access_referral(user=request.user, pk=pk)
    access_log_record(user=request.user, subject=referral, request=request, purpose="VCM plan edit")
    plan = VcmPlan.objects.filter(referral=referral).first()
    current = plan.versions.order_by("-number").first() if plan else None
    form = PlanForm(request.POST or None, initial=_initial(current))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = vcm_plan_revise(
                acting_user=request.user,
                referral=referral,
                effective_on=data["effective_on"],
                needs=data["needs"].splitlines(),
                strengths=data["strengths"].splitlines(),
                goals=data["goals"],
                team=data["team"],
                services=data["services"],
                next_review=data["next_review"],
                change_note=data["change_note"],
            )
        except ValidationError as error:
            refusal_messages(request, error)
        else:
            messages.success(request, f"Plan version {version.number} saved.")
            return redirect("care:vcm_plan", pk=version.plan_id)
    elif request.method == "POST":
        form_errors(request, form)
    context = {"referral": referral, "form": form, "current": current}
    return render(request, "care/vcm/plan_form.html", context)


def _names(versions: list[VcmPlanVersion]) -> tuple[dict[int, str], dict[int, str]]:
    provider_ids = {s.get("provider_id") for v in versions for s in v.team + v.services}
    resource_ids = {s.get("resource_id") for v in versions for s in v.services}
    providers = dict(
        Provider.objects.filter(pk__in=provider_ids - {None}).values_list("pk", "name")
    )
    resources = dict(
        CommunityResource.objects.filter(pk__in=resource_ids - {None}).values_list("pk", "name")
    )
    return providers, resources


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan with every version side by side (newest first)."""
    plan = access_plan(user=request.user, pk=pk)
    access_log_record(user=request.user, subject=plan.referral, request=request, purpose="VCM plan")
    versions = list(plan_versions(plan=plan))
    providers, resources = _names(versions)
    context = {
        "plan": plan,
        "referral": plan.referral,
        "versions": versions[::-1],
        "providers": providers,
        "resources": resources,
        "may_work": request.user.has_perm(WORK),
        "languages": PlanLanguage.choices,
    }
    return render(request, "care/vcm/plan_detail.html", context)


@require_GET
def plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The current version, printable, in English (default) or Spanish (?lang=es)."""
    plan = access_plan(user=request.user, pk=pk)
    language = request.GET.get("lang", PlanLanguage.EN)
    language = language if language in PlanLanguage.values else PlanLanguage.EN
    access_log_record(
        user=request.user, subject=plan.referral, request=request, purpose="VCM plan print"
    )
    version = plan.versions.order_by("-number").first()
    providers, resources = _names([version] if version else [])
    context = {
        "plan": plan,
        "referral": plan.referral,
        "version": version,
        "t": LABELS[language],
        "kinds": KINDS[language],
        "language": language,
        "effective": date_in(version.effective_on, language) if version else "",
        "review": date_in(version.next_review, language) if version else "",
        "providers": providers,
        "resources": resources,
    }
    return render(request, "care/vcm/plan_print.html", context)


@require_GET
@any_permission(WORK, TEAM)
def team_plans(request: HttpRequest) -> HttpResponse:
    """Plans the user may read: every plan for coordinators, one's organization's for providers."""
    plans = plans_visible_to(user=request.user).order_by("-created_at", "-pk")
    page = page_of(request, plans)
    rows = list(page.object_list)
    access_log_record(
        user=request.user,
        subject_model=VcmReferral,
        subject_ids=[p.referral_id for p in rows],
        request=request,
        purpose="VCM plans list",
    )
    return render(request, "care/vcm/team_plans.html", {"page": page, "rows": rows})
