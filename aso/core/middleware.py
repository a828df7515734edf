"""Access is denied by default: every page needs a signed-in user.

Django's LoginRequiredMiddleware does the work (mark public views with
`django.contrib.auth.decorators.login_not_required`); the machine-to-machine APIs answer 401/403 through
their own authentication instead of a redirect to the login page.
"""

from __future__ import annotations

from django.contrib.auth.middleware import LoginRequiredMiddleware

MACHINE_PREFIXES = ("/api/", "/fhir/", "/o/")


class LoginRequiredByDefaultMiddleware(LoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        if request.path.startswith(MACHINE_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
