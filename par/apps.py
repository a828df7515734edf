from django.apps import AppConfig

from aso.core.navigation import NavItem


class ParConfig(AppConfig):
    name = "par"
    verbose_name = "Provider Analysis and Reporting"
    navigation: tuple[NavItem, ...] = ()
