from django.apps import AppConfig

from aso.core.navigation import NavItem


class ParConfig(AppConfig):
    name = "par"
    verbose_name = "Provider Analysis and Reporting"
    navigation: tuple[NavItem, ...] = ()

    def ready(self) -> None:
        from par import jobs  # noqa: F401  registers the job handlers
