from django.apps import AppConfig

from aso.core.navigation import NavItem


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Provider network"
    navigation: tuple[NavItem, ...] = (
        NavItem(
            "Providers",
            "providers:provider_list",
            permission="providers.view_all_providers",
            roles=("network_manager",),
            order=20,
        ),
        NavItem(
            "Provider file",
            "providers:import_list",
            permission="providers.manage_provider_file",
            order=21,
        ),
        NavItem(
            "My organization",
            "providers:my_organization",
            roles=("provider_staff", "provider_admin"),
            order=10,
        ),
    )

    def ready(self) -> None:
        from providers.imports import runs  # noqa: F401  (registers the import job handlers)
