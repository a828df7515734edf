"""Demo users: one per role, for `make demo` only (settings.DEMO_MODE). Never in production mode.

Demo users sign in through the real two-step sign-in: the published password, then a code from an
authenticator holding the published demo secret (DEMO_TOTP_SECRET, in the README; `manage.py demo_totp`
prints the current codes). There is no bypass: outside demo mode the demo secret is refused.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from aso.core.accounts.mfa import AUTHENTICATOR_NAME, DEMO_TOTP_KEY
from aso.core.choices import Agency
from aso.core.roles import ROLES
from care.seed import icm_demo_setup
from providers.models import Provider, ProviderStaff, Region

DEMO_PASSWORD = "demo-aso-2026"
DEMO_PREFIX = "demo_"
# DEMO_TOTP_KEY in base32, for an authenticator app (published in the README: demo mode only).
DEMO_TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def demo_username(role_code: str) -> str:
    return f"{DEMO_PREFIX}{role_code}"


def demo_totp_code(at: float | None = None) -> str:
    """The demo authenticator's code now (or at `at`, in epoch seconds). Demo mode only."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("Demo codes exist only in demo mode.")
    generator = TOTP(bytes.fromhex(DEMO_TOTP_KEY))
    generator.time = time.time() if at is None else at
    return f"{generator.token():06d}"


@transaction.atomic
def demo_users_create() -> list[tuple[str, str]]:
    """Create (or reset) one user per role; returns (username, role label) pairs."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured(
            "Demo users exist only in demo mode (ASO_DEMO=1, never in production)."
        )
    User = get_user_model()
    created = []
    provider = Provider.objects.order_by("pk").first()
    for role in ROLES:
        user, _ = User.objects.get_or_create(username=demo_username(role.code))
        user.first_name, user.last_name = "Demo", role.label
        user.email = f"{demo_username(role.code)}@example.org"
        user.set_password(DEMO_PASSWORD)
        user.is_active = True
        user.is_staff = role.code == "admin"
        user.is_superuser = role.code == "admin"
        user.agency = Agency.DSS if role.code == "agency_viewer" else ""
        user.save()
        user.groups.set([Group.objects.get(name=role.code)])
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(
            user=user, name=AUTHENTICATOR_NAME, key=DEMO_TOTP_KEY, confirmed=True
        )
        if role.code in {"provider_staff", "provider_admin"} and provider is not None:
            ProviderStaff.objects.update_or_create(
                user=user, provider=provider, defaults={"is_admin": role.code == "provider_admin"}
            )
            if provider.staff_group_id:
                user.groups.add(provider.staff_group_id)
        if role.code == "network_manager":
            Region.objects.filter(code__in=["R2", "R4"]).update(network_manager=user)
        created.append((user.username, role.label))
    users = {
        code: User.objects.get(username=demo_username(code))
        for code in ("icm", "clinical_supervisor")
    }
    icm_demo_setup(
        icm_user=users["icm"], supervisor=users["clinical_supervisor"], today=timezone.localdate()
    )
    return created
