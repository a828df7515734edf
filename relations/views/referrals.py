"""Referral search over the provider file, and recording the referral given."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from aso.core.audit import access_log_record
from providers.models import Site
from relations.forms import ReferralRecordForm, ReferralSearchForm
from relations.selectors import ReferralCriteria, access_contact, referral_search
from relations.services import referral_record
from relations.views.paging import page_of, query_without_page

RESULTS_PER_PAGE = 25
SEARCH_KEYS = ("level_of_care", "town", "region", "age", "language", "contact")


def _back_to_search(request: HttpRequest) -> HttpResponse:
    """Back to the same search (its criteria hold no member data)."""
    query = QueryDict(mutable=True)
    for key in SEARCH_KEYS:
        if request.POST.get(key):
            query[key] = request.POST[key]
    return redirect(f"{reverse('relations:referral_search')}?{query.urlencode()}")


def _criteria(data: dict) -> ReferralCriteria:
    return ReferralCriteria(
        level_of_care=data["level_of_care"],
        town=data.get("town"),
        region=None if data.get("town") else data.get("region"),
        age=data.get("age"),
        language=data.get("language") or "",
    )


@require_GET
@permission_required("relations.give_referrals", raise_exception=True)
def referral_search_view(request: HttpRequest) -> HttpResponse:
    """Find in-network sites by level of care, town or region, age and language (no member data in
    the query string: the member is named only when the referral is recorded, in a POST body)."""
    form = ReferralSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        offerings = referral_search(
            user=request.user, criteria=_criteria(form.cleaned_data), today=timezone.localdate()
        )
        page = page_of(request, offerings, RESULTS_PER_PAGE)
    contact = None
    if (contact_pk := request.GET.get("contact", "")).isdigit():
        contact = access_contact(user=request.user, pk=int(contact_pk))
        if contact.member is not None:
            access_log_record(
                user=request.user, subject=contact.member, request=request, purpose="referral"
            )
    context = {
        "form": form,
        "page": page,
        "contact": contact,
        "query": query_without_page(request),
    }
    return render(request, "relations/referral_search.html", context)


@require_POST
@permission_required("relations.give_referrals", raise_exception=True)
def referral_record_view(request: HttpRequest) -> HttpResponse:
    form = ReferralRecordForm(request.POST, user=request.user)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{field}: {error}" if field != "__all__" else error)
        return _back_to_search(request)
    data = form.cleaned_data
    contact = access_contact(user=request.user, pk=data["contact"]) if data["contact"] else None
    member = data["member"] or (contact.member if contact else None)
    chosen = {site.pk: site for site in Site.objects.filter(pk__in=data["sites"])}
    sites = [chosen[pk] for pk in data["sites"] if pk in chosen]
    try:
        referral = referral_record(
            acting_user=request.user,
            criteria=_criteria(data),
            sites=sites,
            member=member,
            contact=contact,
            note=data["note"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _back_to_search(request)
    messages.success(request, f"Referral {referral.pk} recorded: {len(sites)} provider(s) given.")
    if contact is not None:
        return redirect("relations:contact_detail", pk=contact.pk)
    return _back_to_search(request)
