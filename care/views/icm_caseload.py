"""Caseload pages: an ICM's caseload, one assignment (contacts, transfer, closure), and the
supervisors' overview of every caseload against its cap, by region."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from aso.core.audit import access_log_record
from care.choices.icm import REASON_LABELS
from care.forms.icm import CloseForm, ContactForm, IcmChoiceForm
from care.selectors.icm import (
    RECENT_DAYS,
    access_assignment,
    access_icm,
    caseload,
    contacts_of,
    icm_lines,
    member_assignments,
    member_stays,
    profiles_by_user,
    region_lines,
    trigger_labels,
)
from care.services.icm_assignment import IcmRefused
from care.services.icm_caseload import (
    contact_note_add,
    icm_assignment_close,
    icm_assignment_transfer,
)
from care.views.icm_common import (
    ASSIGN,
    WORK,
    any_permission,
    form_errors,
    icm_choices,
    page_of,
    refusal_messages,
)
from members.models import Member


def _caseload_page(request: HttpRequest, icm: object) -> HttpResponse:
    today = timezone.localdate()
    page = page_of(request, caseload(icm=icm, on=today))
    rows = list(page.object_list)
    access_log_record(
        user=request.user,
        subject_model=Member,
        subject_ids=[a.member_id for a in rows],
        request=request,
        purpose="ICM caseload",
    )
    lines = icm_lines(on=today, user_ids=[getattr(icm, "pk", 0)])
    context = {
        "icm": icm,
        "line": lines[0] if lines else None,
        "page": page,
        "rows": rows,
        "labels": trigger_labels(),
        "today": today,
        "own": icm == request.user,
    }
    return render(request, "care/icm/caseload.html", context)


@require_GET
@any_permission(WORK)
def my_caseload(request: HttpRequest) -> HttpResponse:
    return _caseload_page(request, request.user)


@require_GET
@any_permission(ASSIGN, WORK)
def icm_caseload(request: HttpRequest, user_pk: int) -> HttpResponse:
    return _caseload_page(request, access_icm(user=request.user, pk=user_pk))


@require_GET
@any_permission(ASSIGN)
def caseloads(request: HttpRequest) -> HttpResponse:
    """Every ICM's caseload against its cap, and the counts by region (no member data)."""
    lines = icm_lines(on=timezone.localdate())
    profiles = profiles_by_user([line.user.pk for line in lines])
    context = {"lines": lines, "regions": region_lines(lines=lines), "profiles": profiles}
    return render(request, "care/icm/caseloads.html", context)


@require_GET
@any_permission(ASSIGN, WORK)
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access_assignment(user=request.user, pk=pk)
    access_log_record(
        user=request.user, subject=assignment.member, request=request, purpose="ICM assignment"
    )
    today = timezone.localdate()
    since = today - dt.timedelta(days=2 * RECENT_DAYS)
    supervises = request.user.has_perm(ASSIGN)
    context = {
        "assignment": assignment,
        "member": assignment.member,
        "stays": list(member_stays(member_id=assignment.member_id, since=since)),
        "contacts": list(contacts_of(assignment=assignment)),
        "history": list(member_assignments(member_id=assignment.member_id)),
        "labels": trigger_labels(),
        "reason_labels": REASON_LABELS,
        "may_work": assignment.is_active,
        "contact_form": ContactForm(initial={"occurred_at": timezone.localtime()}),
        "close_form": CloseForm(),
        "transfer_form": (
            IcmChoiceForm(icm_choices=icm_choices(on=today, exclude=assignment.icm_id))
            if supervises and assignment.is_active
            else None
        ),
    }
    return render(request, "care/icm/assignment_detail.html", context)


def _back(pk: int) -> HttpResponse:
    return redirect("care:icm_assignment", pk=pk)


@require_POST
@any_permission(ASSIGN, WORK)
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access_assignment(user=request.user, pk=pk)
    form = ContactForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return _back(assignment.pk)
    try:
        contact_note_add(acting_user=request.user, assignment_id=assignment.pk, **form.cleaned_data)
    except IcmRefused as refused:
        refusal_messages(request, refused)
    else:
        messages.success(request, "Contact note saved.")
    return _back(assignment.pk)


@require_POST
@any_permission(ASSIGN, WORK)
def assignment_close(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access_assignment(user=request.user, pk=pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return _back(assignment.pk)
    try:
        icm_assignment_close(
            acting_user=request.user, assignment_id=assignment.pk, **form.cleaned_data
        )
    except IcmRefused as refused:
        refusal_messages(request, refused)
    else:
        messages.success(request, "The assignment is closed.")
    return _back(assignment.pk)


@require_POST
@any_permission(ASSIGN)
def assignment_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access_assignment(user=request.user, pk=pk)
    today = timezone.localdate()
    form = IcmChoiceForm(request.POST, icm_choices=icm_choices(on=today))
    if not form.is_valid():
        form_errors(request, form)
        return _back(assignment.pk)
    lines = {line.user.pk: line.user for line in icm_lines(on=today)}
    try:
        new = icm_assignment_transfer(
            acting_user=request.user,
            assignment_id=assignment.pk,
            to_icm=lines.get(form.cleaned_data["icm"]),
            reason=form.cleaned_data["reason"],
            override_cap=form.cleaned_data["override_cap"],
        )
    except IcmRefused as refused:
        refusal_messages(request, refused)
        return _back(assignment.pk)
    messages.success(request, "The member was transferred.")
    return _back(new.pk)
