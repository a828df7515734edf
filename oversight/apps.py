from django.apps import AppConfig

from aso.core.navigation import NavItem


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "Oversight exports"
    navigation: tuple[NavItem, ...] = (
        NavItem(
            "Oversight exports", "oversight:export", permission="core.export_oversight", order=45
        ),
        NavItem("Oversight exports", "oversight:export", roles=("admin",), order=45),
    )

    def ready(self) -> None:
        from oversight import jobs  # noqa: F401  registers the job handler
