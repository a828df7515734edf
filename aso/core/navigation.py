"""Role-aware navigation, contributed by each app.

An app lists its entries in its AppConfig as `navigation = (NavItem(...), ...)`. The context processor
shows an entry when the user holds its permission (or one of its roles) and its URL exists, so navigation
never links to a page that is not built or not allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from aso.core.accounts.sessions import session_is_verified


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str = ""  # a capability permission; empty = any signed-in user
    roles: tuple[str, ...] = ()  # alternatively: any of these role codes
    order: int = 50
    staff_site: bool = False  # the Django admin: only for users with is_staff


def nav_items_for(user) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(label, url) pairs the user may follow, in menu order."""
    if not user.is_authenticated:
        return []
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        items.extend(getattr(config, "navigation", ()))
    visible = []
    for item in sorted(items, key=lambda i: (i.order, i.label)):
        allowed = (not item.permission and not item.roles) or (
            (item.permission and user.has_perm(item.permission))
            or (item.roles and user.has_role(*item.roles))
        )
        if not allowed or (item.staff_site and not user.is_staff):
            continue
        try:
            visible.append((item.label, reverse(item.url_name)))
        except NoReverseMatch:
            continue
    return visible


def navigation(request: HttpRequest) -> dict[str, object]:
    """Menu entries; none until the session has passed multi-factor verification."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "mfa_verified": False}
    if not session_is_verified(request.session):
        return {"nav_items": [], "mfa_verified": False}
    return {"nav_items": nav_items_for(user), "mfa_verified": True}
