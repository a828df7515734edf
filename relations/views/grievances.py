"""Grievances: file one, the work queue by time left, acknowledge, resolve, volumes and timeliness."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aso.core.audit import access_log_record
from aso.core.choices import AccessAction
from members.models import Member
from relations import rules
from relations.forms import AcknowledgeForm, GrievanceForm, GrievanceReportForm, ResolveForm
from relations.models import Grievance
from relations.reports import COLUMNS, grievance_report
from relations.selectors import (
    access_contact,
    access_grievance,
    clock_in_force,
    grievance_queue,
    grievances_visible_to,
    holidays_between,
)
from relations.services import grievance_acknowledge, grievance_file, grievance_resolve
from relations.views.paging import page_of, query_without_page

ASSIGNEE_FILTERS = (("", "All open"), ("mine", "Assigned to me"), ("unassigned", "Unassigned"))


def _time_left(grievances: list[Grievance], today: dt.date) -> None:
    """Attach `left` (rules.TimeLeft) to each grievance, with one holiday query for the page."""
    dues = [g.resolve_by for g in grievances] + [today]
    calendar = clock_in_force(code="GRIEVANCE_ACKNOWLEDGMENT", on=today).calendar
    holidays = holidays_between(calendar=calendar, start=min(dues), end=max(dues))
    for grievance in grievances:
        grievance.left = rules.grievance_time_left(  # type: ignore[attr-defined]
            acknowledged=grievance.acknowledged_at is not None,
            resolved=not grievance.is_open,
            acknowledge_by=grievance.acknowledge_by,
            resolve_by=grievance.resolve_by,
            today=today,
            holidays=holidays,
        )


@require_GET
@permission_required("relations.manage_grievances", raise_exception=True)
def grievance_queue_view(request: HttpRequest) -> HttpResponse:
    assignee = request.GET.get("assignee", "")
    if assignee not in dict(ASSIGNEE_FILTERS):
        assignee = ""
    page = page_of(request, grievance_queue(user=request.user, assignee=assignee))
    grievances = list(page)
    _time_left(grievances, timezone.localdate())
    if grievances:
        access_log_record(
            user=request.user,
            action=AccessAction.SEARCH,
            subject_model=Member,
            subject_ids=sorted({g.member_id for g in grievances}),
            request=request,
            purpose="grievance queue",
        )
    context = {
        "page": page,
        "grievances": grievances,
        "assignee": assignee,
        "filters": ASSIGNEE_FILTERS,
        "query": query_without_page(request),
    }
    return render(request, "relations/grievance_queue.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("relations.manage_grievances", raise_exception=True)
def grievance_create(request: HttpRequest) -> HttpResponse:
    form = GrievanceForm(request.POST or None, user=request.user)
    if request.method == "GET" and (contact_pk := request.GET.get("contact", "")).isdigit():
        contact = access_contact(user=request.user, pk=int(contact_pk))
        form.initial.update(contact=contact.pk, channel=contact.channel)
        if contact.member is not None:
            form.initial["medicaid_id"] = contact.member.medicaid_id
            access_log_record(
                user=request.user,
                subject=contact.member,
                request=request,
                purpose="grievance intake",
            )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contact = access_contact(user=request.user, pk=data["contact"]) if data["contact"] else None
        try:
            grievance = grievance_file(
                acting_user=request.user,
                member=data["member"],
                category=data["category"],
                description=data["description"],
                filed_by=data["filed_by"],
                channel=data["channel"],
                received_at=data["received_at"],
                about_provider=data["about_provider"],
                contact=contact,
                notice_language=data["notice_language"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                f"Grievance {grievance.number} filed: acknowledge by "
                f"{grievance.acknowledge_by:%b %d}, resolve by {grievance.resolve_by:%b %d, %Y}.",
            )
            return redirect("relations:grievance_detail", pk=grievance.pk)
    return render(request, "relations/grievance_form.html", {"form": form})


def _detail(request: HttpRequest, grievance: Grievance, **forms: object) -> HttpResponse:
    access_log_record(
        user=request.user, subject=grievance.member, request=request, purpose="grievance"
    )
    _time_left([grievance], timezone.localdate())
    context = {
        "grievance": grievance,
        "ack_form": forms.get("ack_form") or AcknowledgeForm(),
        "resolve_form": forms.get("resolve_form")
        or ResolveForm(initial={"notice_language": grievance.notice_language}),
        "history": grievance.history.select_related("history_user").order_by("-history_date")[:20],
    }
    return render(request, "relations/grievance_detail.html", context)


@require_GET
@permission_required("relations.manage_grievances", raise_exception=True)
def grievance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access_grievance(user=request.user, pk=pk))


@require_POST
@permission_required("relations.manage_grievances", raise_exception=True)
def grievance_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    grievance = access_grievance(user=request.user, pk=pk)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            grievance_acknowledge(
                acting_user=request.user,
                grievance=grievance,
                acknowledged_at=form.cleaned_data["acknowledged_at"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Grievance {grievance.number} acknowledged; notice written.")
            return redirect("relations:grievance_detail", pk=pk)
    return _detail(request, grievance, ack_form=form)


@require_POST
@permission_required("relations.manage_grievances", raise_exception=True)
def grievance_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    grievance = access_grievance(user=request.user, pk=pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            grievance_resolve(
                acting_user=request.user,
                grievance=grievance,
                outcome=data["outcome"],
                resolution=data["resolution"],
                resolved_at=data["resolved_at"],
                notice_language=data["notice_language"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Grievance {grievance.number} resolved; notice written.")
            return redirect("relations:grievance_detail", pk=pk)
    return _detail(request, grievance, resolve_form=form)


def _default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve months: from the first day of the month eleven months back through today."""
    first = today.replace(day=1)
    for _ in range(11):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first, today


@require_GET
@permission_required("relations.view_service_reports", raise_exception=True)
def grievance_report_view(request: HttpRequest) -> HttpResponse:
    """Grievance volumes and timeliness by month and category (aggregates only: no member data)."""
    today = timezone.localdate()
    start, end = _default_period(today)
    form = GrievanceReportForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    report = grievance_report(
        grievances_visible_to(user=request.user), start=start, end=end, as_of=today
    )
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="grievances.csv"'
        csv.writer(response).writerows(report.table())
        return response
    table = report.table()
    context = {"form": form, "report": report, "header": table[0], "body": table[1:-1]}
    context.update(total=table[-1], columns=COLUMNS)
    return render(request, "relations/grievance_report.html", context)
