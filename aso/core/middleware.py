"""Request guards: signed-in by default, session lifetime, multi-factor authentication, no caching.

Access is denied by default: Django's LoginRequiredMiddleware makes every page need a signed-in user
(mark public views with `django.contrib.auth.decorators.login_not_required`); the machine-to-machine
APIs answer 401/403 through their own authentication instead of a redirect to the login page.
"""

from __future__ import annotations

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from aso.core.accounts.sessions import (
    IDLE,
    LAST_SEEN,
    SIGNED_IN_AT,
    session_check,
    session_is_verified,
)

MACHINE_PREFIXES = ("/api/", "/fhir/", "/o/", "/x12/")
# Requests a page makes by itself (a progress bar polling) send this header: they are not activity.
BACKGROUND_HEADER = "X-ASO-Background"

SIGNED_OUT_IDLE = "You were signed out after {minutes} minutes without activity. Sign in again."
SIGNED_OUT_EXPIRED = "Your session reached its {hours}-hour limit. Sign in again to continue."
MFA_REQUIRED_API = "Multi-factor verification is required: finish signing in on the web page first."


class LoginRequiredByDefaultMiddleware(LoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        if request.path.startswith(MACHINE_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request, view_func):  # type: ignore[no-untyped-def]
        """An htmx request (a progress bar polling) after the session ended: the whole page goes
        to sign-in, rather than the sign-in form being swapped into a fragment."""
        response = super().handle_no_permission(request, view_func)
        if request.headers.get("HX-Request"):
            swapped = HttpResponse(status=204)
            swapped["HX-Redirect"] = response["Location"]
            return swapped
        return response


class SessionLifetimeMiddleware:
    """Ends a session idle for SESSION_IDLE_TIMEOUT or older than SESSION_ABSOLUTE_LIFETIME.

    Activity is recorded at most once a minute (no extra write on ordinary requests); background
    requests (BACKGROUND_HEADER) never count as activity, so an open progress page does not keep a
    session alive.
    """

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:
            check = session_check(
                now=time.time(),
                signed_in_at=session.get(SIGNED_IN_AT),
                last_seen=session.get(LAST_SEEN),
                idle_timeout=settings.SESSION_IDLE_TIMEOUT,
                absolute_lifetime=settings.SESSION_ABSOLUTE_LIFETIME,
            )
            if check.verdict != "active":
                logout(request)
                message = (
                    SIGNED_OUT_IDLE.format(minutes=settings.SESSION_IDLE_TIMEOUT // 60)
                    if check.verdict == IDLE
                    else SIGNED_OUT_EXPIRED.format(hours=settings.SESSION_ABSOLUTE_LIFETIME // 3600)
                )
                messages.info(request, message)
            elif check.touch and not request.headers.get(BACKGROUND_HEADER):
                session[LAST_SEEN] = time.time()
        return self.get_response(request)


class MfaRequiredMiddleware:
    """A signed-in session reaches nothing but the sign-in steps until its second factor is verified.

    Pages redirect to the code page (which sends a user without an authenticator to enrolment); the
    session-authenticated API answers 403. Token-authenticated API calls carry no session and are
    decided by DRF. Views marked `mfa_not_required` (the sign-in steps) and public views pass.
    """

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        if SESSION_KEY not in request.session or session_is_verified(request.session):
            return None
        if getattr(view_func, "mfa_exempt", False):
            return None
        if request.path.startswith(MACHINE_PREFIXES):  # DRF views all say login_required = False
            return JsonResponse({"detail": MFA_REQUIRED_API}, status=403)
        if not getattr(view_func, "login_required", True):  # public pages (health, sign-in)
            return None
        target = reverse("accounts:mfa_verify")
        return HttpResponseRedirect(f"{target}?next={quote(request.get_full_path())}")


class NoStoreForSignedInMiddleware:
    """Pages for a signed-in person may show member data: browsers and proxies must not keep them."""

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if SESSION_KEY in request.session or request.headers.get("Authorization"):
            add_never_cache_headers(response)
        return response
