"""Provider search, the provider page, and the maintenance forms of network operations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from providers import services
from providers.forms import (
    OfferingEditForm,
    OfferingForm,
    ProviderForm,
    ProviderSearchForm,
    SiteForm,
    TerminateForm,
)
from providers.history import provider_history
from providers.permissions import can_manage_staff
from providers.selectors import (
    ProviderSearch,
    access_offering,
    access_provider,
    access_site,
    provider_with_network,
    providers_search,
    staff_of,
)

MANAGE = "providers.manage_provider_file"
PAGE_SIZES = (25, 50, 100)


def _page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


@require_GET
def provider_list(request: HttpRequest) -> HttpResponse:
    """Search the providers the user may see; one page costs a fixed number of queries."""
    form = ProviderSearchForm(request.GET or None)
    search = ProviderSearch()
    if form.is_valid():
        data = form.cleaned_data
        search = ProviderSearch(
            text=data["q"],
            town=data["town"],
            region=data["region"],
            level_of_care=data["level_of_care"],
            kind=data["kind"],
            status=data["status"],
            on=timezone.localdate() if data["level_of_care"] else None,
        )
    paginator = Paginator(providers_search(user=request.user, search=search), _page_size(request))
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "page_sizes": PAGE_SIZES}
    template = (
        "providers/_provider_results.html" if request.htmx else "providers/provider_list.html"
    )
    return render(request, template, context)


@require_GET
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A provider with its sites, offerings, staff (for those who manage it) and full history."""
    provider = provider_with_network(user=request.user, pk=pk)
    manages_staff = can_manage_staff(user=request.user, provider=provider)
    context = {
        "provider": provider,
        "sites": list(provider.sites.all()),
        "staff": list(staff_of(provider=provider)) if manages_staff else None,
        "manages_staff": manages_staff,
        "can_edit": request.user.has_perm(MANAGE),
        "history": provider_history(provider=provider),
        "today": timezone.localdate(),
    }
    return render(request, "providers/provider_detail.html", context)


def _service_form(
    request: HttpRequest, form: BaseForm, call: Any, success: str, redirect_to: str
) -> HttpResponse | None:
    """Run a service with a valid form's data; its refusals become the form's errors."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return None
    messages.success(request, success)
    return redirect(redirect_to)


@require_http_methods(["GET", "POST"])
def provider_edit(request: HttpRequest, pk: int) -> HttpResponse:
    provider = access_provider(user=request.user, pk=pk, perm=MANAGE)
    form = ProviderForm(request.POST or None, instance=provider)
    done = _service_form(
        request,
        form,
        lambda data: services.provider_update(acting_user=request.user, provider=provider, **data),
        "The provider was saved.",
        reverse("providers:provider_detail", args=[provider.pk]),
    )
    return done or render(
        request,
        "providers/form.html",
        {"form": form, "provider": provider, "title": "Edit provider"},
    )


@require_http_methods(["GET", "POST"])
def provider_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    provider = access_provider(user=request.user, pk=pk, perm=MANAGE)
    form = TerminateForm(request.POST or None, initial={"date": timezone.localdate()})
    done = _service_form(
        request,
        form,
        lambda data: services.provider_terminate(
            acting_user=request.user, provider=provider, date=data["date"], reason=data["reason"]
        ),
        "The provider was terminated.",
        reverse("providers:provider_detail", args=[provider.pk]),
    )
    context = {"form": form, "provider": provider, "title": "Terminate provider", "danger": True}
    return done or render(request, "providers/form.html", context)


@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = access_site(user=request.user, pk=pk, perm=MANAGE)
    form = SiteForm(request.POST or None, instance=site)
    done = _service_form(
        request,
        form,
        lambda data: services.site_update(acting_user=request.user, site=site, **data),
        "The site was saved.",
        reverse("providers:provider_detail", args=[site.provider_id]),
    )
    context = {"form": form, "provider": site.provider, "title": f"Edit site {site}"}
    return done or render(request, "providers/form.html", context)


@require_http_methods(["GET", "POST"])
def offering_add(request: HttpRequest, pk: int) -> HttpResponse:
    site = access_site(user=request.user, pk=pk, perm=MANAGE)
    form = OfferingForm(request.POST or None, initial={"effective_from": timezone.localdate()})
    done = _service_form(
        request,
        form,
        lambda data: services.offering_add(acting_user=request.user, site=site, **data),
        "The offering was added.",
        reverse("providers:provider_detail", args=[site.provider_id]),
    )
    context = {"form": form, "provider": site.provider, "title": f"Add an offering at {site}"}
    return done or render(request, "providers/form.html", context)


@require_http_methods(["GET", "POST"])
def offering_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offering = access_offering(user=request.user, pk=pk, perm=MANAGE)
    initial = {
        "min_age": offering.min_age,
        "max_age": offering.max_age,
        "effective_from": offering.effective_from,
        "effective_to": offering.effective_to,
    }
    form = OfferingEditForm(request.POST or None, initial=initial)
    done = _service_form(
        request,
        form,
        lambda data: services.offering_update(acting_user=request.user, offering=offering, **data),
        "The offering was saved.",
        reverse("providers:provider_detail", args=[offering.site.provider_id]),
    )
    context = {"form": form, "provider": offering.site.provider, "title": f"Edit {offering}"}
    return done or render(request, "providers/form.html", context)
