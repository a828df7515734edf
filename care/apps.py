from django.apps import AppConfig

from aso.core.navigation import NavItem


class CareConfig(AppConfig):
    name = "care"
    verbose_name = "Care management"
    navigation: tuple[NavItem, ...] = ()
