"""Provider staff accounts: an organization's administrators (and network operations) invite and
deactivate staff; invited people set their password from the emailed link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from providers import services
from providers.forms import InviteForm
from providers.permissions import access_staff_provider, is_staff_admin_of
from providers.selectors import access_staff_link, staff_of

INVALID_INVITATION = (
    "This invitation link is not valid any more: ask your administrator for a new one."
)


@require_GET
def my_organization(request: HttpRequest) -> HttpResponse:
    """The organizations a provider user works for, with links to their pages and staff."""
    links = (
        request.user.provider_links.filter(active=True)  # type: ignore[union-attr]
        .select_related("provider")
        .order_by("provider__name")
    )
    rows = [
        (link.provider, is_staff_admin_of(user=request.user, provider_id=link.provider_id))
        for link in links
    ]
    return render(request, "providers/my_organization.html", {"rows": rows})


@require_GET
def staff_list(request: HttpRequest, pk: int) -> HttpResponse:
    provider = access_staff_provider(user=request.user, pk=pk)
    context = {"provider": provider, "staff": staff_of(provider=provider), "form": InviteForm()}
    return render(request, "providers/staff_list.html", context)


@require_http_methods(["GET", "POST"])
def staff_invite(request: HttpRequest, pk: int) -> HttpResponse:
    provider = access_staff_provider(user=request.user, pk=pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.staff_invite(
                acting_user=request.user, provider=provider, **form.cleaned_data
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"{link.user.email} was invited to {provider}.")
            return redirect("providers:staff_list", provider.pk)
    context = {"provider": provider, "form": form, "title": f"Invite staff to {provider}"}
    return render(request, "providers/form.html", context)


@require_POST
def staff_deactivate(request: HttpRequest, pk: int, staff_pk: int) -> HttpResponse:
    provider = access_staff_provider(user=request.user, pk=pk)
    link = access_staff_link(provider=provider, pk=staff_pk)
    try:
        services.staff_deactivate(acting_user=request.user, link=link)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{link.user} no longer has access to {provider}.")
    return redirect("providers:staff_list", provider.pk)


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Set a first password from an invitation link (Django's one-time password-reset token)."""
    User = get_user_model()
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "providers/invitation.html", {"invalid": INVALID_INVITATION})
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your password is set: sign in with your email address.")
        return redirect(reverse("login"))
    return render(request, "providers/invitation.html", {"form": form, "invited": user})
