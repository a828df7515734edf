"""Pieces the ICM pages share: permission gates, ICM pick lists, messages from refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse

from care.selectors.icm import IcmLine, icm_lines

PAGE_SIZE = 50
WORK = "care.work_caseload"
ASSIGN = "care.assign_icm"
REFER = "care.refer_icm"

View = Callable[..., HttpResponse]


def any_permission(*perms: str) -> Callable[[View], View]:
    """403 unless the user holds one of the capabilities; object scope is the selectors' job."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not any(request.user.has_perm(p) for p in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def icm_label(line: IcmLine) -> str:
    user, worker = line.user, line.worker
    name = user.get_full_name() or user.username
    regions = ", ".join(sorted(worker.regions)) or "no region"
    languages = ", ".join(sorted(worker.languages)) or "-"
    closed = "" if worker.active else ", not taking members"
    return f"{name}: {worker.caseload}/{worker.cap} ({regions}; {languages}{closed})"


def icm_choices(*, on: dt.date, exclude: int | None = None) -> list[tuple[int, str]]:
    return [(line.user.pk, icm_label(line)) for line in icm_lines(on=on) if line.user.pk != exclude]


def refusal_messages(request: HttpRequest, refusal: Any) -> None:
    """Each message of a service's refusal (a ValidationError, or ICM's IcmRefused) as an error."""
    for message in refusal.messages:
        messages.error(request, message)


def form_errors(request: HttpRequest, form: Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def page_of(request: HttpRequest, items: Any) -> Page:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
