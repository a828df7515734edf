from django.apps import AppConfig

from aso.core.navigation import NavItem


class AuthorizationsConfig(AppConfig):
    name = "authorizations"
    verbose_name = "Utilization management"
    navigation: tuple[NavItem, ...] = (
        NavItem(
            "Register a service", "registration:new", "authorizations.submit_registration", order=20
        ),
        NavItem(
            "My authorizations", "registration:list", "authorizations.submit_registration", order=21
        ),
        NavItem(
            "Authorizations", "registration:list", "authorizations.view_all_requests", order=21
        ),
    )
