from django.apps import AppConfig

from aso.core.navigation import NavItem


class AuthorizationsConfig(AppConfig):
    name = "authorizations"
    verbose_name = "Utilization management"
    navigation: tuple[NavItem, ...] = ()
