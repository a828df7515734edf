"""The contact log: record a contact, search the log, a member's contacts, volume reports."""

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
from relations.forms import ContactForm, ContactSearchForm, MemberFindForm
from relations.selectors import (
    ContactFilters,
    access_contact,
    access_service_member,
    contact_search,
    contact_volumes,
    member_by_medicaid_id,
    member_service_history,
)
from relations.services import contact_log
from relations.views.paging import page_of, query_without_page


def _log_members_shown(request: HttpRequest, member_ids: list[int], purpose: str) -> None:
    if member_ids:
        access_log_record(
            user=request.user,
            action=AccessAction.SEARCH,
            subject_model=Member,
            subject_ids=sorted(set(member_ids)),
            request=request,
            purpose=purpose,
        )


@require_GET
@permission_required("relations.view_contacts", raise_exception=True)
def contact_list(request: HttpRequest) -> HttpResponse:
    form = ContactSearchForm(request.GET or None)
    filters = ContactFilters()
    if form.is_bound and form.is_valid():
        filters = ContactFilters(**form.cleaned_data)
    page = page_of(request, contact_search(user=request.user, filters=filters))
    _log_members_shown(request, [c.member_id for c in page if c.member_id], "contact log")
    context = {
        "form": form,
        "page": page,
        "query": query_without_page(request),
        "find_form": MemberFindForm(),
    }
    return render(request, "relations/contact_list.html", context)


@require_POST
@permission_required("relations.view_contacts", raise_exception=True)
def contact_find_member(request: HttpRequest) -> HttpResponse:
    """Medicaid id in the POST body -> the member's contacts page (by database id, no PHI in URLs)."""
    form = MemberFindForm(request.POST)
    member = None
    if form.is_valid():
        member = member_by_medicaid_id(
            user=request.user, medicaid_id=form.cleaned_data["medicaid_id"]
        )
    if member is None:
        messages.error(request, "No member has this Medicaid id.")
        return redirect("relations:contact_list")
    return redirect("relations:member_contacts", pk=member.pk)


@require_http_methods(["GET", "POST"])
@permission_required("relations.log_contact", raise_exception=True)
def contact_create(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None, user=request.user)
    if request.method == "GET" and (member_pk := request.GET.get("member", "")).isdigit():
        member = access_service_member(user=request.user, pk=int(member_pk))
        form.initial["medicaid_id"] = member.medicaid_id
        access_log_record(
            user=request.user, subject=member, request=request, purpose="contact intake"
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact = contact_log(
                acting_user=request.user,
                received_at=data["received_at"],
                caller_type=data["caller_type"],
                channel=data["channel"],
                category=data["category"],
                member=data["member"],
                provider=data["provider"],
                notes=data["notes"],
                outcome=data["outcome"],
                warm_transfer_to=data["warm_transfer_to"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Contact {contact.pk} recorded.")
            return redirect("relations:contact_detail", pk=contact.pk)
    return render(request, "relations/contact_form.html", {"form": form})


@require_GET
@permission_required("relations.view_contacts", raise_exception=True)
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access_contact(user=request.user, pk=pk)
    if contact.member_id:
        access_log_record(
            user=request.user, subject=contact.member, request=request, purpose="service contact"
        )
    return render(request, "relations/contact_detail.html", {"contact": contact})


@require_GET
@permission_required("relations.view_contacts", raise_exception=True)
def member_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's contacts, grievances and referrals (an AccessLog row for every view)."""
    member = access_service_member(user=request.user, pk=pk)
    history = member_service_history(user=request.user, member=member)
    access_log_record(user=request.user, subject=member, request=request, purpose="member contacts")
    return render(request, "relations/member_contacts.html", {"member": member, "history": history})


def _report_months(request: HttpRequest) -> tuple[dt.date, int]:
    """The last `months` months up to `end` (YYYY-MM, default this month); at most 24."""
    today = timezone.localdate()
    try:
        months = min(max(int(request.GET.get("months", 12)), 1), 24)
        end = dt.date.fromisoformat(f"{request.GET['end']}-01") if request.GET.get("end") else today
    except ValueError:
        months, end = 12, today
    first = end.replace(day=1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first, months


@require_GET
@permission_required("relations.view_service_reports", raise_exception=True)
def contact_report(request: HttpRequest) -> HttpResponse:
    """Contacts by category and month (aggregates only: no member data)."""
    first, months = _report_months(request)
    table = contact_volumes(user=request.user, first_month=first, months=months)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="contact-volumes.csv"'
        writer = csv.writer(response)
        writer.writerow(["Category", *(f"{m:%Y-%m}" for m in table.months), "Total"])
        for label, cells, total in table.rows:
            writer.writerow([label, *cells, total])
        writer.writerow(["All categories", *table.month_totals, table.total])
        return response
    context = {"table": table, "months": months, "end": f"{table.months[-1]:%Y-%m}"}
    return render(request, "relations/contact_report.html", context)
