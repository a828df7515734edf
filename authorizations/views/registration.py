"""Provider pages for registrations: register a service (the rule shown as the level is picked), the
result with a printable confirmation, "my registrations and authorizations" with filters and a CSV
export, authorization detail with its chain and history, and extensions.

Interfaces only: every decision is the registration service's, every read goes through the visibility
selectors (another organization's objects answer 404), and every page showing member data writes an
access-log row.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods

from aso.core.audit import access_log_record
from aso.core.choices import AccessAction
from authorizations.choices import AuthorizationStatus, Channel
from authorizations.diagnoses import description
from authorizations.forms.registration import (
    ExtensionForm,
    RegistrationFilterForm,
    RegistrationForm,
    new_idempotency_key,
)
from authorizations.models import Authorization, Request
from authorizations.rules.registration import extension_default_start, units_word
from authorizations.selectors import (
    access_authorization,
    access_request,
    authorization_chain,
    registration_sites,
    request_events,
    requests_filtered,
    requests_visible_to,
    rule_in_force,
)
from authorizations.services.registration import (
    RegistrationInputError,
    registration_extend,
    registration_submit,
)
from members.models import Member
from providers.models import LevelOfCare
from providers.selectors import level_of_care_by_code, own_provider_ids

SUBMIT = "authorizations.submit_registration"
VIEW_ALL = "authorizations.view_all_requests"
PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
FORM_ALREADY_SENT = (
    "This form was already sent once with other values (see My authorizations). "
    "Check the values and send it again to register them."
)
EXPORT_TOO_BIG = "That is {count:,} rows; narrow the filters to at most {limit:,} rows to export."
TEMPLATES = "authorizations/registration"
EVENT_LABELS = {
    "registration_approved": "Registration approved",
    "registration_refused": "Registration refused",
    "registration_sent_to_review": "Sent to staff review",
    "authorization_issued": "Authorization issued",
    "authorization_ended": "Authorization ended early by an extension",
}


def _require(user: Any, *permissions: str) -> None:
    """403 unless the user holds one of the capabilities."""
    if not any(user.has_perm(p) for p in permissions):
        raise PermissionDenied


def _labelled(events: Any) -> list[Any]:
    """Events with a plain label (other capabilities' events read from their kind)."""
    rows = list(events)
    for event in rows:
        event.label = EVENT_LABELS.get(event.kind, event.kind.replace("_", " ").capitalize())
    return rows


def _add_service_errors(form: Any, error: RegistrationInputError) -> None:
    problems_by_field = dict(error.message_dict)
    if problems_by_field.pop("idempotency_key", None):
        # This very form was sent before (the browser's Back button) with other values: give it a
        # fresh key, so sending it again registers what it now says.
        form.data = form.data.copy()
        form.data["idempotency_key"] = new_idempotency_key()
        form.add_error(None, FORM_ALREADY_SENT)
    for field, problems in problems_by_field.items():
        form.add_error(field if field in form.fields else None, problems)


@require_http_methods(["GET", "POST"])
def registration_new(request: HttpRequest) -> HttpResponse:
    """Register a service: member id + date of birth, level of care, site, start, units, diagnoses."""
    _require(request.user, SUBMIT)
    sites = registration_sites(user=request.user)
    form = RegistrationForm(
        request.POST if request.method == "POST" else None,
        sites=sites,
        rule_url=reverse("registration:rule"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assert form.member is not None
        try:
            result = registration_submit(
                acting_user=request.user,
                member=form.member,
                site_id=data["site"].pk,
                level_of_care=data["level_of_care"],
                start=data["start"],
                units=data["units"],
                diagnoses=data["diagnoses"],
                channel=Channel.WEB,
                idempotency_key=data["idempotency_key"] or None,
            )
        except RegistrationInputError as error:
            _add_service_errors(form, error)
        else:
            return redirect("registration:request_detail", number=result.request.number)
    level = form.cleaned_data.get("level_of_care") if form.is_bound else None
    start = (form.cleaned_data.get("start") if form.is_bound else None) or timezone.localdate()
    context = {"form": form, "has_sites": sites.exists(), **_rule_context(level, start)}
    return render(request, f"{TEMPLATES}/new.html", context, status=400 if form.errors else 200)


def _rule_context(level: LevelOfCare | None, start: dt.date) -> dict[str, Any]:
    rule = rule_in_force(level_of_care=level, on=start) if level is not None else None
    return {
        "level": level,
        "rule": rule,
        "rule_start": start,
        "unit_words": units_word(rule.unit_type) if rule else "",
    }


@require_GET
def registration_rule(request: HttpRequest) -> HttpResponse:
    """The rule in force for the picked level of care and start date (an htmx fragment)."""
    _require(request.user, SUBMIT)
    code = request.GET.get("level_of_care", "")
    try:
        start = parse_date(request.GET.get("start", "")) or timezone.localdate()
    except ValueError:
        start = timezone.localdate()
    level = level_of_care_by_code(code=code) if code else None
    return render(request, f"{TEMPLATES}/_rule.html", _rule_context(level, start))


@require_GET
def request_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The result of a registration: its authorization number, or every reason it was refused, or
    that it waits for staff review; printable as the provider's confirmation."""
    registration = access_request(user=request.user, number=number)
    authorization = Authorization.objects.filter(request=registration).first()
    access_log_record(
        user=request.user, subject=registration.member, request=request, purpose="registration"
    )
    context = {
        "registration": registration,
        "authorization": authorization,
        "diagnoses": [(code, description(code)) for code in registration.diagnoses],
        "events": _labelled(request_events(request_ids=[registration.pk])),
        "can_extend": _can_extend(request.user, authorization, registration.site.provider_id),
        "unit_words": units_word(authorization.unit_type) if authorization else "",
    }
    return render(request, f"{TEMPLATES}/result.html", context)


def _can_extend(user: Any, authorization: Authorization | None, provider_id: int) -> bool:
    return (
        authorization is not None
        and authorization.status == AuthorizationStatus.ACTIVE
        and user.has_perm(SUBMIT)
        and provider_id in own_provider_ids(user=user)
    )


@require_GET
def authorization_detail(request: HttpRequest, number: str) -> HttpResponse:
    """An authorization with its chain (what it continues and what extends it) and its history."""
    authorization = access_authorization(user=request.user, number=number)
    chain = authorization_chain(authorization=authorization)
    access_log_record(
        user=request.user, subject=authorization.member, request=request, purpose="authorization"
    )
    context = {
        "authorization": authorization,
        "chain": chain,
        "events": _labelled(request_events(request_ids=[a.request_id for a in chain])),
        "history": authorization.history.select_related("history_user").order_by("-history_date"),
        "can_extend": _can_extend(request.user, authorization, authorization.site.provider_id),
        "unit_words": units_word(authorization.unit_type),
        "today": timezone.localdate(),
        "diagnoses": [(c, description(c)) for c in authorization.request.diagnoses],
    }
    return render(request, f"{TEMPLATES}/authorization_detail.html", context)


@require_http_methods(["GET", "POST"])
def authorization_extend(request: HttpRequest, number: str) -> HttpResponse:
    """Ask for more units or time on an active authorization; the same rules decide."""
    authorization = access_authorization(user=request.user, number=number)
    _require(request.user, SUBMIT)
    if authorization.site.provider_id not in own_provider_ids(user=request.user):
        raise PermissionDenied
    form = ExtensionForm(
        request.POST if request.method == "POST" else None,
        initial={
            "diagnoses": ", ".join(authorization.request.diagnoses),
            "idempotency_key": new_idempotency_key(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = registration_extend(
                acting_user=request.user,
                authorization=authorization,
                start=data["start"],
                units=data["units"],
                diagnoses=data["diagnoses"] or None,
                channel=Channel.WEB,
                idempotency_key=data["idempotency_key"] or None,
            )
        except RegistrationInputError as error:
            _add_service_errors(form, error)
        else:
            return redirect("registration:request_detail", number=result.request.number)
    default_start = extension_default_start(authorization.end)
    context = {
        "authorization": authorization,
        "form": form,
        "default_start": default_start,
        "active": authorization.status == AuthorizationStatus.ACTIVE,
        **_rule_context(authorization.level_of_care, default_start),
    }
    return render(request, f"{TEMPLATES}/extend.html", context, status=400 if form.errors else 200)


def _filtered(request: HttpRequest) -> tuple[RegistrationFilterForm, Any]:
    form = RegistrationFilterForm(request.GET or None, sites=registration_sites(user=request.user))
    requests = requests_visible_to(user=request.user).select_related("authorization")
    if form.is_bound and form.is_valid():
        requests = requests_filtered(requests, **form.cleaned_data)
    return form, requests.order_by("-received_at", "-pk")


@require_GET
def registration_list(request: HttpRequest) -> HttpResponse:
    """My registrations and authorizations: the user's organizations' (everyone's for clinical
    staff), newest first, filtered and paginated."""
    _require(request.user, SUBMIT, VIEW_ALL)
    form, requests = _filtered(request)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    if rows:
        access_log_record(
            user=request.user,
            subject_model=Member,
            subject_ids=sorted({r.member_id for r in rows}),
            request=request,
            purpose="registrations list",
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "today": timezone.localdate(),
    }
    return render(request, f"{TEMPLATES}/list.html", context)


EXPORT_HEADER = (
    "request_number",
    "kind",
    "channel",
    "received_at",
    "status",
    "reasons",
    "level_of_care",
    "site_number",
    "site_name",
    "medicaid_id",
    "last_name",
    "first_name",
    "birth_date",
    "requested_start",
    "requested_units",
    "authorization_number",
    "authorization_status",
    "start",
    "end",
    "units",
    "unit_type",
)


@require_GET
def registration_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered list as CSV (streamed); written to the access log as an export."""
    _require(request.user, SUBMIT, VIEW_ALL)
    _, requests = _filtered(request)
    count = requests.count()
    if count > EXPORT_LIMIT:
        messages.error(request, EXPORT_TOO_BIG.format(count=count, limit=EXPORT_LIMIT))
        return redirect(f"{reverse('registration:list')}?{request.GET.urlencode()}")
    access_log_record(
        user=request.user,
        action=AccessAction.EXPORT,
        subject_model=Member,
        subject_ids=requests.order_by().values_list("member_id", flat=True).distinct(),
        request=request,
        purpose="registrations CSV",
    )
    response = StreamingHttpResponse(_csv_lines(requests), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="registrations-{stamp}.csv"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(requests: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(EXPORT_HEADER)
    for r in requests.iterator(chunk_size=2000):
        yield writer.writerow([_safe(v) for v in _csv_row(r)])


def _csv_row(r: Request) -> list[Any]:
    authorization = getattr(r, "authorization", None)
    return [
        r.number,
        r.kind,
        r.channel,
        timezone.localtime(r.received_at).strftime("%Y-%m-%d %H:%M"),
        r.status,
        ";".join(refusal["code"] for refusal in r.refusals),
        r.level_of_care.code,
        r.site.site_number,
        r.site.name,
        r.member.medicaid_id,
        r.member.last_name,
        r.member.first_name,
        r.member.birth_date.isoformat(),
        r.requested_start.isoformat(),
        r.requested_units if r.requested_units is not None else "",
        authorization.number if authorization else "",
        authorization.status if authorization else "",
        authorization.start.isoformat() if authorization else "",
        authorization.end.isoformat() if authorization else "",
        authorization.units if authorization else "",
        authorization.unit_type if authorization else "",
    ]


def _safe(value: Any) -> Any:
    """Keep spreadsheet programs from reading a cell as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return value
