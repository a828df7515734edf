"""Eligibility pages: the provider check, staff member search and detail, the data-operations loads.

Member ids, names and dates of birth travel in POST bodies, never in URLs; a member page is addressed by
its database key. Every page that shows member data writes an AccessLog row.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from aso.core.audit import access_log_record
from aso.core.choices import AccessAction
from aso.core.jobs import live_progress
from members.choices import LoadStatus
from members.exports import REJECTIONS_CONTENT_TYPE, rejections_xlsx
from members.forms import EligibilityCheckForm, LoadUploadForm, MemberSearchForm
from members.models import Member
from members.selectors import (
    access_load,
    access_member,
    eligibility_check,
    eligibility_on,
    loads_visible_to,
    member_history,
    member_spans,
    members_matching,
)
from members.services import eligibility_load_submit

CHECK = "members.check_eligibility"
VIEW_MEMBERS = "members.view_member_data"
LOAD = "members.load_eligibility"
REJECTIONS_SHOWN = 200


@require_http_methods(["GET", "POST"])
@permission_required(CHECK, raise_exception=True)
def eligibility_check_page(request: HttpRequest) -> HttpResponse:
    """A provider's check: id + date of birth + date of service -> eligible or not, and why."""
    form = EligibilityCheckForm(request.POST or None)
    answer = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        answer = eligibility_check(
            medicaid_id=data["medicaid_id"], birth_date=data["birth_date"], on=data["service_date"]
        )
        access_log_record(
            user=request.user,
            action=AccessAction.VIEW if answer.member_id else AccessAction.SEARCH,
            subject=Member(pk=answer.member_id) if answer.member_id else None,
            request=request,
            purpose="eligibility check" if answer.member_id else "eligibility check: no match",
        )
    template = (
        "members/_eligibility_answer.html" if request.htmx else "members/eligibility_check.html"
    )
    return render(request, template, {"form": form, "answer": answer})


@require_http_methods(["GET", "POST"])
@permission_required(VIEW_MEMBERS, raise_exception=True)
def member_search(request: HttpRequest) -> HttpResponse:
    """Staff search by Medicaid id, or by last name and date of birth (POST: no PHI in URLs)."""
    form = MemberSearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = list(members_matching(user=request.user, **form.cleaned_data))
        access_log_record(
            user=request.user,
            action=AccessAction.SEARCH,
            subject_model=Member,
            subject_ids=[m.pk for m in results],
            request=request,
            purpose="member search",
        )
    template = "members/_search_results.html" if request.htmx else "members/member_search.html"
    return render(request, template, {"form": form, "results": results})


@require_GET
@permission_required(VIEW_MEMBERS, raise_exception=True)
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A member with today's eligibility, spans, history and the loads that changed them."""
    member = access_member(user=request.user, pk=pk)
    access_log_record(user=request.user, subject=member, request=request, purpose="member detail")
    history = member_history(member=member)
    loads = {row["load"].pk: row["load"] for row in history if row["load"] is not None}
    context = {
        "member": member,
        "today": eligibility_on(member=member, on=timezone.localdate()),
        "spans": list(member_spans(member=member)),
        "history": history,
        "loads": sorted(loads.values(), key=lambda load: load.pk, reverse=True),
    }
    return render(request, "members/member_detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(LOAD, raise_exception=True)
def load_list(request: HttpRequest) -> HttpResponse:
    """Eligibility loads, newest first, and the upload form (the file runs as a background job)."""
    form = LoadUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        load = eligibility_load_submit(
            acting_user=request.user,
            file=data["file"],
            file_name=data["file"].name,
            mode=data["mode"],
            file_format=data["file_format"],
            as_of=data["as_of"],
            validate_x12=data["validate_x12"],
        )
        if load.status == LoadStatus.DUPLICATE:
            messages.error(request, load.message)
        else:
            messages.success(request, f"Load #{load.pk} queued.")
        return redirect("members:load_detail", pk=load.pk)
    page = Paginator(loads_visible_to(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "members/load_list.html", {"form": form, "page": page})


@require_GET
@permission_required(LOAD, raise_exception=True)
def load_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A load: status and progress while it runs, counts, timings, and its rejected rows."""
    load = access_load(user=request.user, pk=pk)
    progress, message = live_progress(load.job) if load.job else (0, "")
    if request.htmx:  # the progress bar polls: a partial while it runs, a full reload when done
        if load.is_finished:
            return HttpResponse(headers={"HX-Refresh": "true"})
        context = {"load": load, "progress": progress, "message": message}
        return render(request, "members/_load_progress.html", context)
    rejections = list(load.rejections.all()[:REJECTIONS_SHOWN])
    if rejections:
        access_log_record(
            user=request.user, subject=load, request=request, purpose="eligibility load rejections"
        )
    context = {
        "load": load,
        "progress": progress,
        "message": message,
        "rejections": rejections,
        "more_rejections": load.rejections.count() > len(rejections),
    }
    return render(request, "members/load_detail.html", context)


@require_GET
@permission_required(LOAD, raise_exception=True)
def load_rejections(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """Every rejected row of a load as an xlsx workbook (line, code, message, the row as sent)."""
    load = access_load(user=request.user, pk=pk)
    access_log_record(
        user=request.user,
        action=AccessAction.EXPORT,
        subject=load,
        request=request,
        purpose="eligibility load rejections workbook",
    )
    response = StreamingHttpResponse(rejections_xlsx(load), content_type=REJECTIONS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="load-{load.pk}-rejections.xlsx"'
    return response
