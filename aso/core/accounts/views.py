"""The sign-in steps after the password: the code, enrolment, recovery codes, re-authentication.

Each view calls one function of `aso.core.accounts.mfa`; the rules live there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import LogoutView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from aso.core.accounts import mfa
from aso.core.accounts.forms import CodeForm, EnrolForm, ReauthForm
from aso.core.accounts.sessions import REAUTH_AT, session_is_verified

NEW_CODES = "aso_new_recovery_codes"
RECOVERY_USED = (
    "You signed in with a recovery code: {left} left. Make new ones on Account security."
)
PASSWORD_CHANGED = "Your password is changed. Your other sessions have ended."
AUTHENTICATOR_SET = "Your authenticator is set up. Keep these recovery codes somewhere safe."


def mfa_not_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view a signed-in but not yet verified user may reach (the sign-in steps)."""
    view.mfa_exempt = True  # type: ignore[attr-defined]
    return view


def reauth_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The password and a code must have been given again in the last REAUTH_MAX_AGE seconds."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        at = request.session.get(REAUTH_AT)
        if at is None or time.time() - at > settings.REAUTH_MAX_AGE:
            target = reverse("accounts:reauth")
            return HttpResponseRedirect(f"{target}?next={quote(request.get_full_path())}")
        return view(request, *args, **kwargs)

    return guarded


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _lock_out_if_locked(request: HttpRequest) -> bool:
    """Too many wrong passwords or codes: sign out; AxesMiddleware shows the lockout page."""
    credentials = {"username": request.user.get_username()}  # type: ignore[union-attr]
    if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(
        request, credentials
    ):
        logout(request)
        request.axes_locked_out = True  # type: ignore[attr-defined]
        request.axes_credentials = credentials  # type: ignore[attr-defined]
        return True
    return False


@mfa_not_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Second step of signing in: a code from the user's authenticator or a recovery code."""
    if session_is_verified(request.session):
        return redirect(_next_url(request))
    if not mfa.is_enrolled(request.user):
        return redirect(f"{reverse('accounts:mfa_enrol')}?next={quote(_next_url(request))}")
    form = CodeForm(request.POST or None, request=request)
    if request.method == "POST":
        if form.is_valid() and form.check is not None:
            mfa.session_mark_verified(request, form.check.device)
            if form.check.device.persistent_id.startswith("otp_static"):
                left = mfa.recovery_codes_left(request.user)
                messages.warning(request, RECOVERY_USED.format(left=left))
            return redirect(_next_url(request))
        if _lock_out_if_locked(request):
            return HttpResponse(status=429)
    elif _lock_out_if_locked(request):
        return HttpResponse(status=429)
    context = {"form": form, "next": _next_url(request), "demo": settings.DEMO_MODE}
    return render(request, "registration/mfa_verify.html", context)


def _may_enrol(request: HttpRequest) -> bool:
    """First enrolment right after the password; a replacement only after re-authentication."""
    if not mfa.is_enrolled(request.user):
        return True
    at = request.session.get(REAUTH_AT)
    return (
        session_is_verified(request.session)
        and at is not None
        and time.time() - at <= settings.REAUTH_MAX_AGE
    )


@mfa_not_required
@require_http_methods(["GET", "POST"])
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the secret), then give its first code."""
    if not _may_enrol(request):
        if session_is_verified(request.session):
            return redirect(f"{reverse('accounts:reauth')}?next={quote(request.get_full_path())}")
        return redirect(reverse("accounts:mfa_verify"))
    device = mfa.enrolment_device(request.user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check, codes = mfa.authenticator_confirm(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if check.device is not None:
            request.session[NEW_CODES] = codes
            messages.success(request, AUTHENTICATOR_SET)
            return redirect(
                f"{reverse('accounts:recovery_codes')}?next={quote(_next_url(request))}"
            )
        form.add_error("code", check.error)
    context = {
        "form": form,
        "qr_svg": mfa.qr_code_svg(device),
        "secret": mfa.secret_for_display(device),
        "next": _next_url(request),
    }
    return render(request, "registration/mfa_enrol.html", context)


@require_http_methods(["GET"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once (they are kept only as single-use secrets after this page)."""
    codes = request.session.pop(NEW_CODES, None)
    context = {
        "codes": codes,
        "left": mfa.recovery_codes_left(request.user),
        "next": _next_url(request),
    }
    return render(request, "registration/recovery_codes.html", context)


@require_POST
@reauth_required
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    request.session[NEW_CODES] = mfa.recovery_codes_issue(user=request.user)
    return redirect("accounts:recovery_codes")


@require_http_methods(["GET", "POST"])
def reauth(request: HttpRequest) -> HttpResponse:
    """Password and a current code again, before a change to the password or the authenticator."""
    form = ReauthForm(request.POST or None, request=request)
    if request.method == "POST":
        if form.is_valid():
            request.session[REAUTH_AT] = time.time()
            return redirect(_next_url(request))
        if _lock_out_if_locked(request):
            return HttpResponse(status=429)
    return render(request, "registration/reauth.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
@reauth_required
def password_change(request: HttpRequest) -> HttpResponse:
    """A new password (the old one was just given again); the user's other sessions end."""
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        request.session.pop(REAUTH_AT, None)
        messages.success(request, PASSWORD_CHANGED)
        return redirect("accounts:security")
    return render(request, "registration/password_change.html", {"form": form})


@require_http_methods(["GET"])
def security(request: HttpRequest) -> HttpResponse:
    """The user's own sign-in settings: authenticator, recovery codes, password."""
    device = mfa.authenticator_for(request.user)
    context = {"device": device, "codes_left": mfa.recovery_codes_left(request.user)}
    return render(request, "registration/security.html", context)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """django-axes' answer to a locked account: what happened, for how long, and who can unlock it."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


# Signing out must work before the second factor too (a user who cannot find their phone).
logout_view = mfa_not_required(LogoutView.as_view())
