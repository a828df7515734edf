from django.apps import AppConfig

from aso.core.navigation import NavItem


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Provider network"
    navigation: tuple[NavItem, ...] = ()
